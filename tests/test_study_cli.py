"""The commands of clouds, maps, tuned races, schedules and noise: text, JSON, CSV and errors."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from optiroll.cli import cli


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_cloud_table_counts_every_ball():
    result = invoke("cloud", "-p", "himmelblau", "-o", "sgd:lr=0.01", "-n", "100", "--balls", "100")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("100 starts on a 10 x 10 grid over himmelblau")
    rows = [line for line in lines if line.startswith(("minimum", "not converged", "diverged"))]
    assert sum(int(line.split()[-2]) for line in rows) == 100
    assert "minimum (3, 2)" in result.output


def test_cloud_json_and_csv_hold_every_start_and_outcome():
    args = ["cloud", "-p", "styblinski-tang", "-o", "sgd:lr=0.02", "-o", "adam:lr=0.3", "-n", "50"]
    data = json.loads(invoke(*args, "--balls", "36", "--json").output)
    assert data["experiment"]["surface"] == "styblinski-tang"
    cloud = data["cloud"]
    assert len(cloud["starts"]) == 36 and [len(r["outcome"]) for r in cloud["runs"]] == [36, 36]
    assert all(0 <= o < len(cloud["outcomes"]) for r in cloud["runs"] for o in r["outcome"])
    rows = list(csv.DictReader(io.StringIO(invoke(*args, "--balls", "36", "--csv").output)))
    assert len(rows) == 72 and {r["optimizer"] for r in rows} == {"sgd", "adam"}
    assert {r["outcome"] for r in rows} <= {"minimum", "not converged", "diverged"}


def test_the_same_seed_gives_the_same_noisy_cloud():
    args = ["cloud", "-o", "sgd:lr=0.1,noise=1", "--starts", "point", "--balls", "20", "--json"]
    first = json.loads(invoke(*args, "--seed", "3").output)["cloud"]
    again = json.loads(invoke(*args, "--seed", "3").output)["cloud"]
    other = json.loads(invoke(*args, "--seed", "4").output)["cloud"]
    assert first["runs"][0]["final"] == again["runs"][0]["final"] != other["runs"][0]["final"]
    assert first["seed"] == 3


def test_sweep_json_and_csv_give_every_cell():
    args = ["sweep", "-o", "sgd", "-o", "momentum", "--cells", "8", "-n", "20"]
    data = json.loads(invoke(*args, "--json").output)
    maps = data["sweep"]["maps"]
    assert [len(m["final_loss"]) for m in maps] == [1, 8]
    assert maps[1]["x"]["name"] == "lr" and maps[1]["y"]["name"] == "momentum"
    rows = list(csv.DictReader(io.StringIO(invoke(*args, "--csv").output)))
    assert len(rows) == 8 + 64
    diverged = [r for r in rows if r["diverged_at"]]
    assert diverged and all(r["final_loss"] == "" for r in diverged)


def test_sweep_by_steps_to_a_threshold():
    result = invoke("sweep", "-o", "adam", "--cells", "6", "-n", "40", "--objective", "steps",
                    "--threshold", "0.01")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "steps until the loss is within 0.01 of the minimum (at most 40) from (-7, 2)"
    )


def test_a_tuned_race_says_what_was_searched_and_what_won():
    result = CliRunner().invoke(cli, ["trace", "--tune", "-n", "10", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for run in data["runs"]:
        assert run["label"].endswith("(best of 48)")
        tuned = run["tuned"]
        assert tuned["trials"] == 48 and tuned["steps"] == 10
        assert tuned["won"].items() <= run["hyperparameters"].items()
    assert "tuned momentum: 12 lr in [0.001, 3] (log) x 4 momentum in {0.5, 0.8, 0.9, 0.95}, " in (
        result.stderr
    )
    steps = CliRunner().invoke(cli, ["trace", "--tune", "--objective", "steps", "--budget", "8",
                                     "-o", "adam", "--json"])  # fmt: skip
    assert json.loads(steps.stdout)["runs"][0]["tuned"]["objective"]["kind"] == "steps"


def test_schedules_and_noise_in_trace():
    data = json.loads(invoke("trace", "-o", "sgd:lr=0.9,schedule=cosine,warmup=3", "-n", "6",
                             "--json").output)  # fmt: skip
    run = data["runs"][0]
    assert run["label"] == "SGD lr=0.9 schedule=cosine warmup=3"
    assert run["learning_rates"][:3] == [0.3, 0.6, 0.9]
    table = invoke("trace", "-o", "sgd:lr=0.9,schedule=step,gamma=0.5,every=2", "-n", "4").output
    header, *rows = table.splitlines()[1:]
    assert header.split() == ["step", "x", "y", "loss", "lr"]  # the next update's rate
    assert [float(r.split()[-1]) for r in rows] == [0.9, 0.9, 0.45, 0.45, 0.225]
    noisy = ["trace", "-o", "sgd:noise=0.5", "-n", "5", "--json"]
    a = json.loads(invoke(*noisy, "--seed", "7").output)
    b = json.loads(invoke(*noisy, "--seed", "7").output)
    assert a["runs"][0]["points"] == b["runs"][0]["points"] and a["seed"] == 7
    assert "seed" not in json.loads(invoke("trace", "--json").output)  # nothing changes


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trace", "--budget", "10"], "--budget, --objective and --threshold go with --tune"),
        (["trace", "--objective", "steps"], "go with --tune"),
        (["sweep", "--threshold", "0.1"], "--threshold goes with --objective steps"),
        (["trace", "--tune", "--budget", "1"], "--budget must be at least 2, got 1"),
        (["trace", "--seed", "-1"], "--seed must be at least 0, got -1"),
        (["render", "compare", "--x", "lr=0.1:1"], "--x, --y and --cells go with render sweep"),
        (["render", "race", "--balls", "10"], "--starts and --balls go with render cloud"),
        (["render", "race", "--objective", "steps"], "go with --tune or render sweep"),
        (["sweep", "-s", "saddle", "--objective", "steps"], "no minimum: use --objective loss"),
        (["cloud", "--json", "--csv"], "choose one of --json and --csv"),
        (["trace", "-o", "sgd:schedule=cosin"], "did you mean 'cosine'?"),
    ],
)
def test_bad_options_are_one_line(args, message):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_list_names_the_run_settings_every_optimizer_takes():
    listed = invoke("list").output
    for key in ("schedule=", "warmup=", "gamma=", "every=", "noise=", "batch="):
        assert f"  {key}" in listed
