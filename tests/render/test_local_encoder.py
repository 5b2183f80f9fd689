"""A render that encodes where it draws (`encode_here`, a build's worker): the same files as one
that encodes in a second process, and, stopped, nothing left behind."""

import os
import signal
from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("manim")

from optiroll.builder.figures_file import resolve_figure  # noqa: E402
from optiroll.plan.request import RenderRequest  # noqa: E402
from optiroll.render import pipeline  # noqa: E402
from optiroll.render.local_encoder import LocalEncoder  # noqa: E402

ARGS = {"optimizer_specs": ["momentum:lr=0.1", "adam:lr=0.3"], "steps": 4}


def settings_of(scene: str, fmt: str):
    request = RenderRequest(scene=scene, format=fmt, quality="preview", seconds_per_step=0.1)
    return resolve_figure(replace(request, lang="ko"), ARGS)


@pytest.mark.parametrize(("scene", "fmt"), [("compare", "gif"), ("race", "png")])
def test_encoding_here_writes_the_same_file_and_side_car(tmp_path, scene, fmt):
    settings, experiment = settings_of(scene, fmt)
    files = {}
    for here in (False, True):
        folder = tmp_path / str(here)
        folder.mkdir()
        output = folder / f"figure.{fmt}"
        extra = {"poster": folder / "poster.png"} if fmt == "gif" else {}
        result = pipeline.render(settings, experiment, output, encode_here=here, **extra)
        assert result.path == output and result.frames > 0
        files[here] = {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
    assert files[True] == files[False]
    assert len(files[True]) == (4 if fmt == "gif" else 2)  # and each side-car


def test_encoding_here_starts_no_encoder_process(tmp_path, monkeypatch):
    from optiroll.render import background

    def refused(*args, **kwargs):
        raise AssertionError("an encoder process was asked for")

    monkeypatch.setattr(background.EncoderProcess, "__init__", refused)
    monkeypatch.setattr(background.EncoderProcess, "ready", classmethod(refused))
    settings, experiment = settings_of("compare", "gif")
    output = tmp_path / "figure.gif"
    pipeline.render(settings, experiment, output, encode_here=True, poster=tmp_path / "p.png")
    assert output.stat().st_size > 0
    with pytest.raises(AssertionError, match="encoder process"):
        pipeline.render(settings, experiment, tmp_path / "apart.gif")


def test_a_render_stopped_while_encoding_here_leaves_nothing(tmp_path, monkeypatch):
    from manim.camera.camera import Camera

    settings, experiment = settings_of("compare", "gif")
    capture = Camera.capture_mobjects
    calls = []

    def stopping(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 5:  # frames are being encoded: the file is open
            signal.raise_signal(signal.SIGTERM)
        return capture(self, *args, **kwargs)

    monkeypatch.setattr(Camera, "capture_mobjects", stopping)
    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        from optiroll.signals import stop_on_signals

        with stop_on_signals():
            pipeline.render(settings, experiment, tmp_path / "figure.gif", encode_here=True)
    assert signal.getsignal(signal.SIGTERM) == previous
    assert list(tmp_path.iterdir()) == []


def test_the_local_encoder_wants_a_file_before_frames():
    encoder = LocalEncoder()
    with pytest.raises(ValueError, match="before open"):
        encoder.close()
    encoder.abort()  # nothing begun: nothing to drop


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts the open files in /proc")
@pytest.mark.parametrize("fmt", ["gif", "mp4"])
def test_an_aborted_file_is_closed_at_once(tmp_path, fmt):
    """A build's worker goes on to its next file after one fails: the failed one's file must
    not stay open (the render removes it)."""

    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    before = open_files()
    options = {"fixed_colors": ["#000000"], "max_colors": 32} if fmt == "gif" else {}
    encoder = LocalEncoder().open(fmt, tmp_path / f"a.{fmt}", 64, 48, 25, **options)
    for level in (0, 80, 160):
        encoder.write(np.full((48, 64, 4), level, np.uint8))
    encoder.abort()
    assert open_files() == before
    with pytest.raises(ValueError, match="before open"):
        encoder.write(np.zeros((48, 64, 4), np.uint8))
