"""The CLI as a user runs it: outputs, one-line errors with exit code 2, start-up without Manim."""

import csv
import io
import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from processes import cli_env

from optiroll import __version__
from optiroll.cli import cli
from optiroll.optim.experiment import build_experiment


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def test_list_names_every_optimizer_surface_and_preset():
    out = invoke("list").output
    for name in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "book"):
        assert name in out
    assert "x**2/20 + y**2" in out and "lr=0.01, momentum=0.9" in out


def test_trace_json_is_one_object_with_full_precision():
    result = invoke("trace", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["surface"] == "book" and data["steps"] == 30 and data["start"] == [-7.0, 2.0]
    assert [r["optimizer"] for r in data["runs"]] == ["sgd", "momentum", "adagrad", "adam"]
    expected = build_experiment().run()
    for run, traj in zip(data["runs"], expected, strict=True):
        assert run["points"] == traj.points.tolist()  # exact, no rounding on the way
        assert run["losses"] == traj.losses.tolist()
        assert run["hyperparameters"] == traj.optimizer.hyperparameters()
        assert run["diverged_at"] is None


def test_trace_json_names_the_surface_as_given():
    data = json.loads(invoke("trace", "-s", "expr:x**2 + y**2", "-n", "2", "--json").output)
    assert data["surface_spec"] == "expr:x**2 + y**2"
    assert data["formula"] == "f(x, y) = x**2 + y**2"
    assert data["window"] == [-10.0, 10.0, -5.0, 5.0]


def test_trace_reports_divergence_as_a_result():
    data = json.loads(invoke("trace", "--json", "-o", "sgd:lr=1.5", "-n", "200").output)
    run = data["runs"][0]
    assert run["diverged_at"] is not None and len(run["points"]) == run["diverged_at"] + 1


def test_trace_csv_round_trips():
    result = invoke("trace", "--csv", "-o", "momentum:lr=0.2,momentum=0.8", "-n", "3")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [int(r["step"]) for r in rows] == [0, 1, 2, 3]
    assert rows[0]["label"] == "Momentum lr=0.2 momentum=0.8"
    traj = build_experiment(optimizer_specs=["momentum:lr=0.2,momentum=0.8"], steps=3).run()[0]
    assert [float(r["x"]) for r in rows] == traj.points[:, 0].tolist()
    assert [float(r["v_y"]) for r in rows] == traj.quantities["v"][:, 1].tolist()


def test_trace_table_shows_state_columns():
    out = invoke("trace", "-o", "adagrad", "-n", "2").output
    assert out.startswith("AdaGrad lr=1.5 on book")
    assert "h_x" in out and "step_size_y" in out


def test_version_and_help_with_examples():
    assert __version__ in invoke("--version").output
    for command in ("list", "trace", "play"):
        assert "Example" in invoke(command, "--help").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "momentm"], "unknown optimizer 'momentm'; did you mean 'momentum'?"),
        (["-s", "bok"], "unknown surface 'bok'; did you mean 'book'?"),
        (["-p", "boook"], "unknown preset 'boook'; did you mean 'book'?"),
        (["-o", "sgd:lrr=0.1"], "unknown hyper-parameter 'lrr'; did you mean 'lr'?"),
        (["-o", "sgd:lr=abc"], "sgd: lr must be a number, got 'abc'"),
        (["-o", "sgd:lr=nan"], "must be finite"),
        (["-o", "adam:lr=inf"], "must be finite"),
        (["-o", "sgd:lr=-0.1"], "lr must be in (0, inf)"),
        (["-o", "momentum:momentum=1"], "momentum must be in [0, 1)"),
        (["-o", "sgd:lr"], "is not key=value"),
        (["-n", "0"], "steps must be between 1 and"),
        (["-n", "10000000"], "steps must be between 1 and"),
        (["-n", "ten"], "'ten' is not a valid integer"),
        (["--start", "1", "y"], "start y must be a number"),
        (["--start", "nan", "0"], "start x must be finite"),
        (["--start", "1"], "requires 2 arguments"),
        (["--json", "--csv"], "choose one of --json and --csv"),
        (["-o", "adam:lr=0.1,lr=0.2"], "adam: lr is given twice"),
        (["-o", "adam:lr=0.1,learning_rate=0.2"], "adam: lr is given twice ('lr' and"),
        (["-o", "adam:lr=0.1,LR=0.2"], "adam: lr is given twice ('lr' and 'LR')"),
        (["-o", "momentum:alpha=0.5,Momentum=0.8"], "momentum: momentum is given twice"),
        (["-s", "rotated:angle=30,angle=40"], "rotated: angle is given twice"),
        (["--window", "-1e308", "1e308", "-1", "1"], "window bounds must be within"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(args, message):
    result = invoke("trace", *args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("optiroll: error: ") and message in lines[0]
    assert "Traceback" not in result.output


def run_python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)


def test_trace_and_list_do_not_import_manim():
    code = (
        "import sys\nfrom optiroll.cli import cli\n"
        "for args in (['trace'], ['list'], ['trace', '--json']):\n"
        "    try:\n        cli.main(args)\n    except SystemExit:\n        pass\n"
        "print('MANIM' if 'manim' in sys.modules else 'NO-MANIM', file=sys.stderr)\n"
    )
    assert run_python(code).stderr.strip().endswith("NO-MANIM")


def test_the_console_script_runs():
    exe = [sys.executable, "-m", "optiroll", "trace", "-n", "1", "--json"]
    out = subprocess.run(exe, capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout)["steps"] == 1


def strict_json(text: str):
    """JSON as a browser's JSON.parse reads it: NaN and Infinity are errors."""

    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_trace_json_is_strict_json_with_null_and_the_reason_for_what_is_not_a_number():
    # The gradient of sqrt(x**2 + y**2) is not defined at the start: the run stops there.
    result = invoke(
        "trace", "-s", "expr:sqrt(x**2 + y**2)", "--start", "0", "0", "-o", "sgd", "--json"
    )
    assert result.exit_code == 0, result.output
    (run,) = strict_json(result.output)["runs"]
    assert run["points"] == [[0.0, 0.0]] and run["gradients"] == [[None, None]]
    assert run["nulls"] == [
        {"at": "gradients[0][0]", "was": "NaN"},
        {"at": "gradients[0][1]", "was": "NaN"},
    ]
    finite = strict_json(invoke("trace", "--json").output)["runs"]
    assert all("nulls" not in run for run in finite)


def test_the_trace_header_says_where_values_that_are_not_defaults_came_from():
    result = invoke("trace", "-n", "1", "-o", "rmsprop", "-o", "rmsprop:lr=0.1", "-o", "adagrad")
    titles = [line for line in result.output.splitlines() if " on book from " in line]
    assert titles[0].endswith("; preset rmsprop: lr=0.15, decay_rate=0.9")
    assert titles[1].startswith("RMSProp lr=0.1 decay_rate=0.99 ")  # the rest: the defaults
    assert titles[1].endswith("; given: lr=0.1")
    assert titles[2].endswith("; preset book: lr=1.5")
    runs = json.loads(invoke("trace", "-n", "1", "-o", "rmsprop:lr=0.1", "--json").output)["runs"]
    assert runs[0]["sources"] == {"lr": "given"}


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("sg\x1b[31md", "sg\\x1b[31md"),
        ("a\nb", "a\\nb"),
        ("\u202eevil", "\\u202eevil"),
    ],
)
def test_user_input_in_an_error_is_escaped_and_stays_one_line(given, shown):
    result = invoke("trace", "-o", given)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and shown in result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output


def test_undecodable_bytes_in_arguments_are_escaped():
    result = subprocess.run(
        [sys.executable, "-m", "optiroll", "trace", "-o", b"\xff\xfe"],
        capture_output=True,
        text=True,
        errors="replace",
    )
    assert result.returncode == 2 and "unknown optimizer '\\xff\\xfe'" in result.stderr


def run_shell(command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, env=cli_env(), timeout=60
    )


@pytest.mark.parametrize(
    ("redirect", "words"),
    [
        (">&-", "standard output is closed"),
        ("> /dev/full", "cannot write to standard output: No space left on device"),
    ],
)
@pytest.mark.parametrize("command", ["trace", "list", "play -n 3"])
def test_a_closed_or_full_stdout_is_one_line_and_exit_code_1(command, redirect, words):
    result = run_shell(f'"{sys.executable}" -m optiroll {command} {redirect}')
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"optiroll: error: {words}\n"


@pytest.mark.parametrize("command", [["trace", "-n", "3000", "--csv"], ["play", "-n", "3"]])
def test_a_closed_pipe_is_one_line_and_exit_code_1(command):
    reading, writing = os.pipe()
    os.close(reading)  # the reader is gone before anything is written
    try:
        result = subprocess.run(
            [sys.executable, "-m", "optiroll", *command],
            stdout=writing,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
            timeout=60,
        )
    finally:
        os.close(writing)
    assert result.returncode == 1
    assert result.stderr == "optiroll: error: cannot write to standard output: Broken pipe\n"


def _usage_errors() -> list[list[str]]:
    """One of each of Click's own usage errors, for every command and option that can make it:
    an unknown command or option, a required argument or an option's value missing, a value
    that is not a choice or not a number."""
    cases = [["no-such-command"], ["--no-such-option"]]
    for name, command in sorted(cli.commands.items()):
        cases.append([name, "--no-such-option"])
        for param in command.params:
            if isinstance(param, click.Argument) and param.required:
                cases.append([name])
            if not isinstance(param, click.Option) or param.is_flag or param.count:
                continue
            option = param.opts[0]
            cases.append([name, option])  # its value missing
            if isinstance(param.type, click.Choice):
                cases.append([name, option, "no-such-choice"])
            if isinstance(param.type, click.types.IntParamType | click.types.FloatParamType):
                cases.append([name, option, "not-a-number"])
    return cases


USAGE_ERRORS = _usage_errors()


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=[" ".join(a) or "(none)" for a in USAGE_ERRORS])
def test_every_usage_error_leaves_stdout_empty_and_says_one_line_on_stderr(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("optiroll: error: "), result.stderr


@pytest.mark.parametrize(
    "args", [["no-such-command"], ["trace", "--steps"], ["render", "--format", "bmp"]]
)
def test_usage_errors_keep_stdout_empty_in_a_real_process(args):
    result = subprocess.run(
        [sys.executable, "-m", "optiroll", *args],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("optiroll: error: ")
