"""Every scene renders whatever `trace` accepts: a run that stops at step 0 (one point: the
gradient is not defined at the start) and a run that leaves the plot at step 1."""

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

pytest.importorskip("manim")

from media import assert_ball_at, decode, rgb  # noqa: E402
from optiroll.cli import cli  # noqa: E402
from optiroll.plan.settings import SCENES  # noqa: E402

# The scenes that draw the runs of an experiment (a cloud draws many starts of its own).
SCENES_OF_RUNS = [scene for scene in SCENES if scene != "cloud"]

CASES = {
    # sqrt(|x|) has no slope at x = 0: the run is its start alone (away from the minimum, whose
    # mark would cover the ball).
    "stops at step 0": ["-s", "expr:sqrt(abs(x)) + y**2", "--start", "0", "2", "-o", "sgd"],
    "diverges at step 1": ["-o", "sgd:lr=100"],
}


def strict(text: str):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("scene", SCENES_OF_RUNS)
def test_every_scene_renders_a_degenerate_run(tmp_path, scene, case):
    result = CliRunner().invoke(
        cli, ["render", scene, *CASES[case], "-n", "2", "-q", "preview", "-O", str(tmp_path / "f")]
    )
    assert result.exit_code == 0, result.output
    (media,) = [p for p in tmp_path.iterdir() if p.suffix in (".gif", ".mp4")]
    sidecar = strict(media.with_name(media.name + ".json").read_text())
    frames = decode(media, fps=sidecar["output"]["fps"])
    assert len(frames) == sidecar["output"]["frames"] > 1
    (run,) = sidecar["trajectories"]
    if case == "stops at step 0":
        assert run["points"] == [[0.0, 2.0]] and run["diverged_at"] == 1
        assert run["gradients"] == [[None, 4.0]] and len(run["nulls"]) == 1
    else:
        assert len(run["points"]) == 2 and run["diverged_at"] == 1
    (panel,) = sidecar["panels"]
    start = run["points"][0]
    if panel.get("kind") == "surface3d":
        (ball,) = panel["balls"]
        if case == "stops at step 0":  # the ball stays at the start, on the surface
            col, row = (int(round(v)) for v in ball["last_pixel"])
            patch = frames[-1][row - 2 : row + 3, col - 2 : col + 3].reshape(-1, 3).astype(int)
            assert np.abs(patch - rgb(run["color"])).max(axis=1).min() <= 60
        else:
            assert ball["last_pixel"] is None  # it left the surface
        return
    if scene == "lecture":  # the board is the optimizer's section; a card comes first
        (clip,) = [c for c in sidecar["sections"]["clips"] if c["name"] == "sgd"]
        shown = frames[clip["first_frame"] + clip["frames"] - 1]
        if case == "stops at step 0":
            assert_ball_at(shown.astype(int), start, panel, run["color"])
        return
    # The start, where the data says, in the first frame; for one point, still there at the end.
    assert_ball_at(frames[0].astype(int), start, panel, run["color"])
    if case == "stops at step 0":
        assert_ball_at(frames[-1].astype(int), start, panel, run["color"])


def test_a_race_with_a_run_that_never_moved_beside_one_that_did(tmp_path):
    out = tmp_path / "race.gif"
    args = ["render", "race", "-s", "expr:sqrt(abs(x)) + y**2", "--start", "0", "2"]
    result = CliRunner().invoke(
        cli, [*args, "-o", "sgd", "-o", "adam:lr=0.5", "-n", "3", "-q", "preview", "-O", str(out)]
    )
    assert result.exit_code == 0, result.output
    sidecar = strict((tmp_path / "race.gif.json").read_text())
    frames = decode(out)
    assert len(frames) == sidecar["output"]["frames"]
    still, moving = sidecar["trajectories"]
    assert len(still["points"]) == 1 and not math.isnan(moving["points"][-1][0])
