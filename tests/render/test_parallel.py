"""A lecture's sections drawn by several processes: the blocks, the same video as one process
draws, and a failing or stopped worker leaving one line, no files and no processes."""

import os
import signal
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner

pytest.importorskip("manim")

from optiroll.cli import cli  # noqa: E402
from optiroll.optim.experiment import build_experiment  # noqa: E402
from optiroll.plan.beats import lecture_sections  # noqa: E402
from optiroll.plan.request import RenderRequest  # noqa: E402
from optiroll.render.output import probe  # noqa: E402
from optiroll.render.parallel import split_blocks  # noqa: E402
from optiroll.scenes import lecture  # noqa: E402
from tests.processes import children, start_cli, wait_for, wait_until_group_is_gone  # noqa: E402

# The fewest sections a lecture has (title, surface, one optimizer, comparison), small and short.
TINY = ["render", "lecture", "-o", "sgd", "-n", "2", "-q", "preview", "--fps", "5"]
SETTINGS = RenderRequest(scene="lecture", quality="preview", fps=5.0).resolve()


def test_blocks_are_consecutive_sections_even_in_cost():
    frames = [53, 87, 560, 560, 560, 579, 125]  # the book's lecture at 640x360
    assert split_blocks(frames, 1) == [range(0, 7)]
    assert split_blocks(frames, 2, skip_cost=0.0) == [range(0, 4), range(4, 7)]
    # Reaching a block costs too, by the section before it: the first block, which reaches
    # none, grows where that section is long.
    assert split_blocks([100] * 4, 2, skip_cost=0.0) == [range(0, 2), range(2, 4)]
    assert split_blocks([100] * 4, 2, skip_cost=0.8) == [range(0, 2), range(2, 4)]
    assert split_blocks([10, 200, 10, 200], 2, skip_cost=0.0) == [range(0, 2), range(2, 4)]
    assert split_blocks([10, 200, 10, 200], 2, skip_cost=0.5) == [range(0, 3), range(3, 4)]
    # No more blocks than sections, and none when a further block would not make it faster.
    alone = [range(i, i + 1) for i in range(2, 7)]
    assert split_blocks(frames, 16, skip_cost=0.0) == [range(0, 2), *alone]
    assert split_blocks([10, 1000], 2, skip_cost=0.0) == [range(0, 1), range(1, 2)]
    assert split_blocks([1000, 10], 2, skip_cost=1.0) == [range(0, 2)]


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def test_two_processes_draw_the_very_video_one_draws(tmp_path):
    runner = CliRunner()
    one, two = tmp_path / "one.mp4", tmp_path / "two.mp4"
    for out, jobs in ((one, "1"), (two, "2")):
        result = runner.invoke(cli, [*TINY, "-O", str(out), "--jobs", jobs])
        assert result.exit_code == 0, result.output
    plan = lecture_sections(SETTINGS, build_experiment(None, ["sgd"], None, None, 2).run())
    assert len(split_blocks([s.frames for s in plan], 2)) == 2  # both processes drew
    whole = decoded(two)
    assert len(whole) == sum(s.frames for s in plan)
    # The joined video is checked from its packets (its clips were decoded): the same findings.
    assert probe(two, decode=False) == probe(two)
    assert all(np.array_equal(a, b) for a, b in zip(decoded(one), whole, strict=True))
    clips = sorted((tmp_path / "two.mp4.sections").glob("*.mp4"))
    assert [p.name for p in clips] == [f"{i:02d}-{s.name}.mp4" for i, s in enumerate(plan, 1)]
    assert [len(decoded(p)) for p in clips] == [s.frames for s in plan]
    for clip in clips:
        assert clip.read_bytes() == (tmp_path / "one.mp4.sections" / clip.name).read_bytes()


@pytest.mark.parametrize("start", [1, 3])
def test_a_block_starts_where_the_whole_video_is_there(tmp_path, monkeypatch, start):
    """Whatever section a worker starts at (after the title; after an optimizer, whose board it
    sets to its end without playing it), its frames are the ones one process draws there."""
    from optiroll.render import parallel

    runner = CliRunner()
    one, two = tmp_path / "one.mp4", tmp_path / "two.mp4"
    assert runner.invoke(cli, [*TINY, "-O", str(one), "--jobs", "1"]).exit_code == 0
    monkeypatch.setattr(
        parallel, "split_blocks", lambda frames, jobs: [range(start), range(start, len(frames))]
    )
    result = runner.invoke(cli, [*TINY, "-O", str(two), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    clips = sorted((tmp_path / "two.mp4.sections").glob("*.mp4"))
    assert len(clips) == 4
    for clip in clips[start:]:  # the worker's
        assert clip.read_bytes() == (tmp_path / "one.mp4.sections" / clip.name).read_bytes()


def test_a_failing_worker_is_one_line_and_leaves_no_files_and_no_processes(tmp_path, monkeypatch):
    def fail(self, beats):
        raise RuntimeError("boom in the comparison")

    # Only the second process draws the comparison: the first ends with the optimizer's section.
    monkeypatch.setattr(lecture.LectureScene, "_comparison", fail)
    # Earlier tests may have left this process long-lived helpers (multiprocessing's tracker).
    before = children(os.getpid())
    result = CliRunner().invoke(cli, [*TINY, "-O", str(tmp_path / "l.mp4"), "--jobs", "2"])
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]
    assert last.startswith("optiroll: error: drawing the sections ")
    assert last.endswith("comparison failed: RuntimeError: boom in the comparison")
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
    assert children(os.getpid()) == before


def test_sigterm_stops_every_worker_and_leaves_nothing(tmp_path):
    render = start_cli(*TINY, "-O", str(tmp_path / "l.mp4"), "--jobs", "2")

    def worker_drawing() -> bool:  # a forked worker shares the render's command line
        workers = [pid for pid, command in children(render.pid) if "optiroll render" in command]
        return bool(workers) and any(children(workers[0]))

    wait_for(worker_drawing, render)
    os.kill(render.pid, signal.SIGTERM)
    output, _ = render.communicate(timeout=60)
    assert render.returncode == 143, output
    assert output.endswith("optiroll: terminated (SIGTERM)\n") and "Traceback" not in output
    assert wait_until_group_is_gone(render.pid) == []
    assert list(tmp_path.iterdir()) == []
