"""A poster taken from an animation's render (`render(..., poster=)`): the very picture and side-car
a PNG render of the same settings makes, published with the animation or not at all."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("manim")

from optiroll.builder.figures_file import resolve_figure  # noqa: E402
from optiroll.errors import OptirollFailure  # noqa: E402
from optiroll.plan.request import RenderRequest  # noqa: E402
from optiroll.render import pipeline  # noqa: E402
from optiroll.render.sink import FrameSink  # noqa: E402

TWO = {"optimizer_specs": ["momentum:lr=0.1", "adam:lr=0.3"], "steps": 3}
ONE = {"optimizer_specs": ["sgd"], "steps": 3}


def settings_of(scene: str, fmt: str, args: dict):
    request = RenderRequest(scene=scene, format=fmt, quality="preview", seconds_per_step=0.1)
    return resolve_figure(replace(request, lang="ko"), args)


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


@pytest.mark.parametrize(
    ("scene", "fmt", "args"),
    [("race", "mp4", TWO), ("single", "gif", ONE), ("compare", "webm", TWO)],
)
def test_a_poster_from_the_animation_is_the_png_render_pixel_for_pixel(tmp_path, scene, fmt, args):
    settings, experiment = settings_of(scene, fmt, args)
    result = pipeline.render(
        settings, experiment, tmp_path / f"moving.{fmt}", poster=tmp_path / "poster.png"
    )
    still = replace(settings, format="png", max_bytes=None)
    alone = pipeline.render(still, experiment, tmp_path / "alone.png")

    assert result.poster is not None and result.poster.path == tmp_path / "poster.png"
    assert result.poster.frames == 1 and result.poster.width == settings.width
    # The same file, byte for byte, whatever its name.
    assert replace(result.poster, path=alone.path, sidecar=alone.sidecar) == alone
    assert (tmp_path / "poster.png").read_bytes() == (tmp_path / "alone.png").read_bytes()
    assert np.array_equal(pixels(tmp_path / "poster.png"), pixels(tmp_path / "alone.png"))
    poster = json.loads((tmp_path / "poster.png.json").read_text())
    separate = json.loads((tmp_path / "alone.png.json").read_text())
    assert poster["output"].pop("file") == "poster.png"
    assert separate["output"].pop("file") == "alone.png"
    assert poster == separate  # format png, 1 frame, the same panels, runs and timeline
    animation = json.loads((tmp_path / f"moving.{fmt}.json").read_text())
    assert animation["settings"]["format"] == fmt and animation["output"]["frames"] > 1


@pytest.mark.parametrize(("fmt", "jobs"), [("png", 1), ("html", 1), ("mp4", 2)])
def test_a_poster_comes_only_from_an_animation_drawn_in_this_process(tmp_path, fmt, jobs):
    settings, experiment = settings_of("single", fmt, ONE)
    with pytest.raises(ValueError, match="a poster is taken from a gif/mp4/webm"):
        pipeline.render(
            settings, experiment, tmp_path / f"x.{fmt}", jobs=jobs, poster=tmp_path / "p.png"
        )
    assert list(tmp_path.iterdir()) == []


def test_a_failed_poster_publishes_neither_file(tmp_path, monkeypatch):
    (tmp_path / "fig.gif").write_bytes(b"the old figure")

    def full_disk(self):
        raise OptirollFailure("no space left on the device")

    monkeypatch.setattr(FrameSink, "finish_poster", full_disk)
    settings, experiment = settings_of("single", "gif", ONE)
    with pytest.raises(OptirollFailure):
        pipeline.render(settings, experiment, tmp_path / "fig.gif", poster=tmp_path / "fig.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.gif"]  # no temporary either
    assert (tmp_path / "fig.gif").read_bytes() == b"the old figure"


def test_the_sink_hands_the_poster_only_the_last_frame(tmp_path):
    class Encoder:  # the animation's: takes what it is given
        def open(self, *args, **options):
            pass

        def write(self, frame, repeat=1):
            pass

        def close(self):
            return "the animation's report"

    frames = [np.full((2, 4, 4), value, np.uint8) for value in (10, 20, 30)]
    sink = FrameSink(
        Encoder(),
        "gif",
        tmp_path / "x.gif",
        width=4,
        height=2,
        fps=10.0,
        total=4,
        poster=tmp_path / "x.png",
    )

    def draw():
        sink(frames[0])
        sink(frames[1], 2)  # a held picture: the last frame is the one after it
        sink(frames[2])
        return 4

    assert sink.record(draw) == ("the animation's report", None)
    report = sink.finish_poster()
    assert (report.frames, report.width, report.height) == (1, 4, 2)
    assert (pixels(tmp_path / "x.png") == 30).all()
