"""The interactive page's file: self-contained, small, its numbers the trajectories optim/ ran."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import optiroll
from optiroll.cli import cli
from optiroll.errors import OptirollError
from optiroll.optim.experiment import build_experiment
from optiroll.plan.palette import run_colors
from optiroll.plan.request import RenderRequest
from optiroll.plan.settings import DEFAULT_LR_GRID, parse_lr_grid
from optiroll.plan.theme import theme
from optiroll.web.data import display, formula_text, page_data, rounded, scaled
from optiroll.web.page import write_page

BUDGET = 150_000  # bytes, before compression, for the book's figure with its learning-rate grid


def embedded(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="optiroll-data">(.*?)</script>', html)
    return json.loads(match.group(1).replace("<\\/", "</"))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "book.html"
    report = write_page(RenderRequest(format="html").resolve(), build_experiment(), path, ["t"])
    return path, report


def test_the_books_page_is_one_small_file_that_needs_no_network(book):
    path, report = book
    html = path.read_text(encoding="utf-8")
    assert report.bytes == path.stat().st_size < BUDGET
    assert report.runs == 4 * len(DEFAULT_LR_GRID)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "<link" not in html and "fetch(" not in html
    assert html.count("<script") == 2  # the data and the inlined script, nothing loaded
    assert "{{" not in html  # every placeholder filled


def test_the_page_holds_the_side_cars_data_rounded_to_print_alike(book):
    path, _ = book
    page = embedded(path.read_text(encoding="utf-8"))
    sidecar = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    assert sidecar["output"] == {
        "file": "book.html",
        "format": "html",
        "bytes": page_bytes(path),
        "width": 854,
        "height": 480,
    }
    assert sidecar["command"] == ["t"]
    shared = {k: v for k, v in sidecar.items() if k not in ("command", "output")}
    assert page == json.loads(json.dumps(rounded(shared)))
    for full, short in zip(sidecar["trajectories"], page["trajectories"], strict=True):
        for key in ("points", "losses", "gradients"):
            a, b = np.ravel(full[key]), np.ravel(short[key])
            assert [display(v) for v in a] == [display(v) for v in b]


def page_bytes(path: Path) -> int:
    return path.stat().st_size


def test_every_run_is_optims_own_and_the_grid_scales_every_learning_rate():
    settings = RenderRequest(format="html", lr_grid="0.5,2").resolve()
    experiment = build_experiment(optimizer_specs=["sgd", "adam", "adadelta"], steps=12)
    data = page_data(settings, experiment)
    colors = run_colors(["sgd", "adam", "adadelta"], theme("light").background)
    assert data["lr_grid"]["factors"] == [0.5, 1.0, 2.0] and data["lr_grid"]["chosen"] == 1
    assert data["lr_grid"]["trajectories"][1] is None  # the chosen ones are `trajectories`
    for factor, runs in zip((0.5, 1.0, 2.0), data["lr_grid"]["trajectories"], strict=True):
        runs = runs or data["trajectories"]
        expected = scaled(experiment, factor).run()
        chosen = experiment.optimizers
        for run, trajectory, color, opt in zip(runs, expected, colors, chosen, strict=True):
            assert run["color"] == color
            assert run["hyperparameters"]["lr"] == opt.lr * factor
            assert run["points"] == trajectory.points.tolist()
            assert run["losses"] == trajectory.losses.tolist()
            assert run["quantities"] == {k: v.tolist() for k, v in trajectory.quantities.items()}


def test_a_run_that_leaves_the_window_says_where():
    settings = RenderRequest(format="html", lr_grid="2").resolve()
    data = page_data(settings, build_experiment(optimizer_specs=["sgd"]))
    (doubled,) = data["lr_grid"]["trajectories"][1]
    assert doubled["diverged_at"] is not None
    x, y = doubled["exit"]
    assert -10 <= x <= 10 and y in (-5.0, 5.0)  # on the window's edge
    assert data["trajectories"][0]["exit"] is None


def test_numbers_print_to_four_digits_and_halves_go_away_from_zero():
    assert display(0.54231) == "0.5423"
    assert display(-2.11349) == "-2.113"
    assert display(1.5625000000000082e-09) == "1.563e-09"
    assert display(1.0625) == "1.063"  # an exact half: up, as JavaScript rounds
    assert display(9999.7) == "1e+04"
    # The short form is kept only where it prints the same as the full value.
    assert rounded(1.5625000000000082e-09) == 1.5625000000000082e-09
    assert rounded(0.123456789123) == 0.12345679


def test_formulas_read_as_written():
    assert formula_text("f(x, y) = x**2/20 + y**2") == "f(x, y) = x²/20 + y²"
    assert formula_text("(1 - x)**2 + 100*(y - x**2)**2") == "(1 − x)² + 100·(y − x²)²"


def test_the_learning_rate_grid_is_checked():
    assert parse_lr_grid("2,0.5") == (0.5, 1.0, 2.0)
    for bad in ("0", "x", "0.5,,2", "-1", "1e9", ",".join(str(i) for i in range(1, 11))):
        with pytest.raises(OptirollError, match="--lr-grid"):
            parse_lr_grid(bad)
    assert RenderRequest(format="gif", lr_grid="0.5").resolve().lr_grid == ()


@pytest.mark.parametrize("scene", ["explain", "lecture", "surface3d"])
def test_a_page_draws_the_2d_scenes_only(scene):
    with pytest.raises(
        OptirollError, match=f"an html page draws compare, race, single, not {scene}"
    ):
        RenderRequest(scene=scene, format="html").resolve()


CHILD = """
import sys
class NoManim:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("manim", "manimpango", "cairo", "av", "PIL"):
            raise ImportError(f"{name} is not importable here")
sys.meta_path.insert(0, NoManim())
from optiroll.cli import main
sys.argv = ["optiroll", *sys.argv[1:]]
main()
"""


def test_render_writes_a_page_without_manim_or_pyav(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(Path(optiroll.__file__).parent.parent)}
    target = tmp_path / "race.html"
    args = ["render", "race", "-f", "html", "-n", "5", "--lr-grid", "0.5,2", "-O", str(target)]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.html", "race.html.json"]
    data = embedded(target.read_text(encoding="utf-8"))
    assert data["settings"]["scene"] == "race" and data["lr_grid"]["factors"] == [0.5, 1, 2]
    assert data["experiment"]["steps"] == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "gif", "--lr-grid", "2"], "--lr-grid applies to --format html only"),
        (["-f", "html", "--lr-grid", "two"], "--lr-grid takes factors"),
        (["explain", "-o", "adam", "-f", "html"], "an html page draws compare, race, single"),
        (["-f", "html", "--loss-curve"], "--loss-curve is not drawn in an html page"),
    ],
)
def test_a_bad_page_request_is_one_line_and_exit_code_2(tmp_path, args, message):
    result = CliRunner().invoke(cli, ["render", *args, "-O", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert message in result.output
    assert list(tmp_path.iterdir()) == []
