"""A figure's poster taken from its video's render in a build: planned so only when the pictures
are the same, rendered alone when only the poster is stale, failed with its video."""

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from optiroll.builder import runner
from optiroll.builder.figures_file import load_figures
from optiroll.builder.pipeline import plan
from optiroll.cli import cli

FIGURES = """\
[defaults]
quality = "preview"
steps = 2
seconds_per_step = 0.1

[figures.zig]
scene = "single"
optimizers = ["sgd"]
alt = "a GIF: its poster is larger than its frames"

[figures.race]
scene = "race"
optimizers = ["momentum", "adam"]
format = "mp4"
alt = "a video, then a WebM and a poster of its size"

[figures.both]
scene = "single"
optimizers = ["adam"]
format = ["gif", "webm"]
alt = "a GIF and a video"
"""


class Cache:
    """A build cache that says the files named are up to date."""

    def __init__(self, *fresh: str) -> None:
        self.fresh = fresh

    def is_fresh(self, out_dir: Path, file_name: str, key: str) -> bool:
        return file_name in self.fresh


def planned(tmp_path: Path, *fresh: str) -> dict[str, str | None]:
    """Each job's file and the poster it carries."""
    path = tmp_path / "figures.toml"
    path.write_text(textwrap.dedent(FIGURES), encoding="utf-8")
    return {
        job.file_name: job.poster.file_name if job.poster else None
        for job in planned_jobs(tmp_path, *fresh)
    }


def test_a_poster_rides_on_the_first_video_of_its_figure_never_on_a_gif(tmp_path):
    assert planned(tmp_path) == {
        "zig.gif": None,  # 426x240 at 10 fps: not the poster's 640x360 at 15
        "zig.png": None,
        "race.mp4": "race.png",
        "race.webm": None,
        "both.gif": None,
        "both.webm": "both.png",
        "both.mp4": None,
    }


def test_a_stale_poster_beside_fresh_videos_is_rendered_alone_with_its_own_key(tmp_path):
    jobs = planned(tmp_path, "race.mp4", "race.webm", "both.webm")
    assert jobs["race.png"] is None and "race.mp4" not in jobs
    assert jobs["both.mp4"] == "both.png" and "both.png" not in jobs  # another video of it
    (alone,) = [
        job
        for job in planned_jobs(tmp_path, "race.mp4", "race.webm")
        if job.poster is None and job.file_name == "race.png"
    ]
    (video,) = [job for job in planned_jobs(tmp_path) if job.file_name == "race.mp4"]
    assert alone == video.poster and alone.frames == 1  # the same file, request and key


def planned_jobs(tmp_path: Path, *fresh: str) -> list[runner.Job]:
    return plan(load_figures(tmp_path / "figures.toml"), tmp_path / "out", Cache(*fresh))[0]


def test_progress_and_outcomes_count_the_poster_as_a_file(tmp_path):
    pytest.importorskip("manim")
    planned(tmp_path)
    jobs = [job for job in planned_jobs(tmp_path) if job.figure == "race"]
    seen, done = [], []
    outcomes = runner.run_jobs(
        jobs, tmp_path, 2, lambda *counts: seen.append(counts), on_done=done.append
    )
    assert [o.job.file_name for o in outcomes] == [o.job.file_name for o in done]
    assert sorted(o.job.file_name for o in outcomes) == ["race.mp4", "race.png", "race.webm"]
    assert all(o.error is None for o in outcomes)
    files_done, files, frames_done, frames = seen[-1]
    assert files_done == files == 3 and frames_done == frames
    assert [s[0] for s in seen] == sorted(s[0] for s in seen) and max(s[1] for s in seen) == 3
    for name in ("race.mp4", "race.png", "race.webm"):
        assert (tmp_path / name).is_file() and (tmp_path / f"{name}.json").is_file()


def test_a_failed_video_fails_its_poster_with_a_line_each(tmp_path):
    pytest.importorskip("manim")
    figures = tmp_path / "figures.toml"
    figures.write_text(textwrap.dedent(FIGURES), encoding="utf-8")
    out = tmp_path / "out"
    (out / "race.mp4").mkdir(parents=True)  # a folder where the video should go
    (out / "zig.gif").mkdir()
    result = CliRunner().invoke(cli, ["build", str(figures), "--out", str(out)])
    assert result.exit_code == 1
    # zig's poster is its own render, race's WebM too; both's four files are fine.
    assert "6 rendered, 0 up to date, 3 failed" in result.output, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("optiroll: error")]
    assert len(errors) == 3
    for name in ("zig.gif", "race.mp4", "race.png"):
        figure = name.split(".")[0]
        assert sum(f"figure '{figure}' ({name}):" in line for line in errors) == 1, errors
    assert (out / "zig.png").is_file() and (out / "race.webm").is_file()
    assert not (out / "race.png").exists() and not (out / "race.png.json").exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".optiroll-build.json"]
