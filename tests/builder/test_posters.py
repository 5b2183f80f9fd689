"""A figure's poster taken from its animation's render in a build: a video's, at the video's size,
or for a figure without a video its GIF's, at the GIF's size; rendered alone, to the same file,
when only the poster is stale; failed with its animation."""

import json
import textwrap
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from optiroll.builder import runner
from optiroll.builder.cache import render_key
from optiroll.builder.figures_file import load_figures, resolve_figure
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
alt = "a GIF: its poster is its size"

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


def test_a_poster_rides_on_the_first_video_of_its_figure_else_on_its_gif(tmp_path):
    assert planned(tmp_path) == {
        "zig.gif": "zig.png",  # no video: the poster is the GIF's still, 426x240 at 10 fps
        "race.mp4": "race.png",
        "race.webm": None,
        "both.gif": None,  # a video's poster is the video's size, 640x360 at 15 fps
        "both.webm": "both.png",
        "both.mp4": None,
    }
    figures = load_figures(tmp_path / "figures.toml").figures
    sizes = {f.name: (f.resolve("png")[0], f.resolve(f.formats[0])[0]) for f in figures}
    for name, (still, moving) in sizes.items():
        size = (still.width, still.height, still.fps)
        assert (size == (moving.width, moving.height, moving.fps)) == (name != "both"), name
    # The key is the settings': a poster rendered at the video size before is rendered again.
    zig = figures[0]
    video_sized = replace(zig.request_for("png"), sized_as=None)
    (poster,) = [job.poster for job in planned_jobs(tmp_path) if job.file_name == "zig.gif"]
    assert poster.key != render_key(*resolve_figure(video_sized, zig.experiment_args))


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
    (still,) = [job for job in planned_jobs(tmp_path, "zig.gif") if job.figure == "zig"]
    (gif,) = [job for job in planned_jobs(tmp_path) if job.file_name == "zig.gif"]
    assert still == gif.poster and still.poster is None


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
    # Each poster fails with its animation; race's WebM is its own render; both's four are fine.
    assert "5 rendered, 0 up to date, 4 failed" in result.output, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("optiroll: error")]
    assert len(errors) == 4
    for name in ("zig.gif", "zig.png", "race.mp4", "race.png"):
        figure = name.split(".")[0]
        assert sum(f"figure '{figure}' ({name}):" in line for line in errors) == 1, errors
    assert (out / "race.webm").is_file() and (out / "both.png").is_file()
    for name in ("zig.png", "race.png"):
        assert not (out / name).exists() and not (out / f"{name}.json").exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".optiroll-build.json"]


def frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [
            np.asarray(frame.to_image().convert("RGB"), dtype=np.int16)
            for frame in container.decode(video=0)
        ]


def changed(picture: np.ndarray, other: np.ndarray) -> float:
    """The share of pixels of which a channel differs by more than a palette's rounding."""
    return float((np.abs(picture - other).max(axis=2) > 40).mean())


def test_a_gif_figures_poster_is_its_last_frame_at_its_size_the_same_file_rendered_alone(tmp_path):
    pytest.importorskip("manim")
    from optiroll.render.pipeline import render

    figures = tmp_path / "figures.toml"
    figures.write_text(textwrap.dedent(FIGURES), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(figures), "--out", str(out)])
    assert "9 rendered, 0 up to date, 0 failed" in result.output, result.output
    size = {name: json.loads((out / f"{name}.json").read_text())["output"] for name in FILES}
    assert (size["zig.png"]["width"], size["zig.png"]["height"]) == (426, 240)  # the GIF's
    for figure, moving in (("zig", "zig.gif"), ("race", "race.mp4"), ("both", "both.webm")):
        poster = size[f"{figure}.png"]
        assert (poster["width"], poster["height"], poster["frames"]) == (
            size[moving]["width"],
            size[moving]["height"],
            1,
        )
    # A PNG render at that size and rate: the same bytes.
    zig = load_figures(figures).figures[0]
    settings, experiment = zig.resolve("png")
    assert (settings.width, settings.height, settings.fps) == (426, 240, 10.0)
    render(settings, experiment, tmp_path / "alone.png")
    poster = (out / "zig.png").read_bytes()
    assert poster == (tmp_path / "alone.png").read_bytes()
    # The GIF's last frame, up to its palette: no pixel changed, where its first frame is
    # another picture (the ball elsewhere).
    with Image.open(out / "zig.png") as image:
        still = np.asarray(image.convert("RGB"), dtype=np.int16)
    first, *_, last = frames(out / "zig.gif")
    assert changed(last, still) < 0.001 < changed(first, still)
    # Stale alone (its GIF up to date), the poster is rendered alone: the same file.
    (out / "zig.png").unlink()
    result = CliRunner().invoke(cli, ["build", str(figures), "--out", str(out)])
    assert "1 rendered, 8 up to date, 0 failed" in result.output, result.output
    assert (out / "zig.png").read_bytes() == poster


FILES = (
    *("zig.gif", "zig.png"),
    *("race.mp4", "race.webm", "race.png"),
    *("both.gif", "both.webm", "both.mp4", "both.png"),
)
