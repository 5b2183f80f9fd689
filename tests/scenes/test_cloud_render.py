"""render cloud: every ball where its path says, in its outcome's colour; the basin map last."""

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from optiroll.cli import cli
from optiroll.optim.cloud import CloudSpec, roll_cloud
from optiroll.optim.experiment import build_experiment
from optiroll.plan.cloud_figure import _cloud_figure
from tests.media import gif_frames, pixel_of, rendered, rgb

pytest.importorskip("manim")

ARGS = ["-p", "himmelblau", "-o", "sgd:lr=0.01", "-o", "momentum:lr=0.01", "--steps", "30"]


def render(tmp_path: Path, *args: str, name: str = "cloud.gif") -> tuple[Path, dict]:
    return tmp_path / name, rendered(tmp_path / name, "cloud", *args)


@pytest.fixture(scope="module")
def cloud_gif(tmp_path_factory):
    _cloud_figure.cache_clear()
    rendered = render(tmp_path_factory.mktemp("cloud"), *ARGS, "--balls", "49")
    # The frame count planned and the scene drawn come from one roll of the balls.
    assert _cloud_figure.cache_info().misses == 1
    return rendered


def near(frame: np.ndarray, row: int, col: int, color: str, reach: int = 1) -> bool:
    """Whether a pixel of `color` (within 40 per channel) is within `reach` of (row, col)."""
    patch = frame[row - reach : row + reach + 1, col - reach : col + reach + 1].reshape(-1, 3)
    return bool((np.abs(patch - rgb(color)).max(axis=1) <= 40).any())


def test_the_side_car_has_every_start_and_its_outcome(cloud_gif):
    path, sidecar = cloud_gif
    cloud = sidecar["cloud"]
    assert cloud["spec"] == {"layout": "grid", "balls": 49} and len(cloud["starts"]) == 49
    exp = build_experiment("himmelblau", ["sgd:lr=0.01", "momentum:lr=0.01"], steps=30)
    again = roll_cloud(exp, CloudSpec("grid", 49))
    assert cloud["starts"] == again.starts.tolist()
    for run, rolled in zip(cloud["runs"], again.runs, strict=True):
        assert run["outcome"] == rolled.outcome.tolist()
    kinds = [o["kind"] for o in cloud["outcomes"]]
    assert kinds[:4] == ["minimum"] * 4 and kinds[-2:] == ["not converged", "diverged"]
    assert len(cloud["outcome_colors"]) == len(kinds) == len(cloud["basin_colors"])
    assert len(sidecar["panels"]) == 2
    assert len(gif_frames(path)) == sidecar["output"]["frames"]


def test_every_ball_is_where_its_path_says_in_its_outcomes_colour(cloud_gif):
    path, sidecar = cloud_gif
    frames = gif_frames(path)
    cloud = sidecar["cloud"]
    exp = build_experiment("himmelblau", ["sgd:lr=0.01", "momentum:lr=0.01"], steps=30)
    rolled = roll_cloud(exp, CloudSpec("grid", 49), record=True)
    step_frames = sidecar["timeline"]["step_frames"]
    apart = 2 * cloud["ball_radius_px"] + 1
    checked = 0
    for step in (0, 2, 30):
        frame = frames[step_frames[step]]
        for panel, run in zip(sidecar["panels"], rolled.runs, strict=True):
            x0, x1, y0, y1 = panel["data_window"]
            pixels = np.array([pixel_of(p, panel) for p in run.path[step]])
            for ball, point in enumerate(run.path[step]):
                if not (x0 < point[0] < x1 and y0 < point[1] < y1):
                    continue
                if min(np.hypot(*(point - m)) for m in exp.surface.minima) < 0.5:
                    continue  # under a minimum's mark, drawn above the balls
                others = run.outcome != run.outcome[ball]
                if (np.hypot(*(pixels[others] - pixels[ball]).T) < apart).any():
                    continue  # a ball of another colour on it
                color = cloud["outcome_colors"][run.outcome[ball]]
                assert near(frame, *pixels[ball], color), (step, ball, point)
                checked += 1
    assert checked > 120


def test_the_last_frame_is_a_basin_map_in_the_outcomes_colours(cloud_gif):
    path, sidecar = cloud_gif
    last = gif_frames(path)[-1]
    cloud = sidecar["cloud"]
    minima = [np.array(o["point"]) for o in cloud["outcomes"] if o["kind"] == "minimum"]
    checked = 0
    for panel, run in zip(sidecar["panels"], cloud["runs"], strict=True):
        for start, outcome in zip(cloud["starts"], run["outcome"], strict=True):
            if min(np.hypot(*(np.array(start) - m)) for m in minima) < 0.6:
                continue  # a ball ended there, or a minimum's mark is drawn there
            row, col = pixel_of(start, panel)
            assert near(last, row, col, cloud["basin_colors"][outcome]), (start, outcome)
            checked += 1
    assert checked > 60
    # the first frame shows the balls on their starts, not yet the faded map
    first = gif_frames(path)[0]
    start, outcome = cloud["starts"][0], cloud["runs"][0]["outcome"][0]
    row, col = pixel_of(start, sidecar["panels"][0])
    assert near(first, row, col, cloud["outcome_colors"][outcome])
    assert not near(first, row, col, cloud["basin_colors"][outcome], reach=0)


def test_a_noisy_cloud_from_one_point_dark_and_in_korean(tmp_path):
    path, sidecar = render(
        tmp_path,
        "-o",
        "sgd:lr=0.1,noise=2",
        "--starts",
        "point",
        "--balls",
        "300",
        "--steps",
        "12",
        "--seed",
        "4",
        "--theme",
        "dark",
        "--lang",
        "ko",
        "-q",
        "preview",
    )
    cloud = sidecar["cloud"]
    assert cloud["seed"] == 4 and sidecar["experiment"]["seed"] == 4
    assert cloud["starts"] == [[-7.0, 2.0]] * 300
    # 12 noisy steps from (-7, 2) do not reach the minimum: every ball is "not converged"
    assert cloud["key"] == ["not converged"] and cloud["key_texts"] == ["수렴하지 않음"]
    final = np.array(cloud["runs"][0]["final"])
    assert final.std(axis=0).min() > 0.3  # the noise spreads them
    frames = gif_frames(path)
    assert frames[-1][2, 2].tolist() == rgb("#111418").tolist()
    grey = rgb(cloud["outcome_colors"][cloud["outcomes"].index({"kind": "not converged",
               "point": None, "loss": None, "surface_minimum": False})])  # fmt: skip
    spread = np.argwhere(np.abs(frames[-1] - grey).max(axis=2) <= 40)
    assert np.ptp(spread, axis=0).min() > 10  # over many pixels, both ways


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--starts", "grid", "race"], "Got unexpected extra argument"),
        (["--balls", "0"], "--balls must be at least 1, got 0"),
        (["-f", "html", "-O", "c.html"], "an html page draws compare, race, single, not cloud"),
        (["--loss-curve"], "--loss-curve applies to compare and race only, not cloud"),
    ],
)
def test_bad_cloud_options_are_one_line(args, message, tmp_path):
    args = [str(tmp_path / a) if a.startswith("c.") else a for a in args]
    output = [] if "-O" in args else ["-O", str(tmp_path / "c.gif")]
    result = CliRunner().invoke(cli, ["render", "cloud", *args, *output])
    assert result.exit_code == 2 and message in result.output
    assert not list(tmp_path.iterdir())
