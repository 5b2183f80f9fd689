"""The frame sink's routing, with fake encoder and cutter: plain, sectioned video, sectioned GIF."""

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("av")

from optiroll.render import sink as sink_module  # noqa: E402
from optiroll.render.sections import Clip  # noqa: E402
from optiroll.render.sink import FrameSink  # noqa: E402

FRAME = np.zeros((2, 2, 4), np.uint8)
TARGET = Path("out.file")


class FakeEncoder:
    def __init__(self):
        self.calls = []

    def open(self, *args, **options):
        self.calls.append(("open", args, options))

    def write(self, frame, repeat=1):
        self.calls.append(("write",) if repeat == 1 else ("write", repeat))

    def close(self):
        self.calls.append(("close",))
        return "the encoder's report"

    def abort(self):
        self.calls.append(("abort",))


class FakeCutter:
    made = []

    def __init__(self, folder, fmt, width, height, fps):
        self.folder, self.frames, self.calls = folder, 0, []
        FakeCutter.made.append(self)

    def start(self, name):
        self.calls.append(("start", name))

    def write(self, frame, repeat=1):
        self.frames += repeat

    def close(self):
        self.calls.append(("close",))
        return [Clip("only", "01-only.x", 0, self.frames, 1.0)]

    def abort(self):
        self.calls.append(("abort",))


@pytest.fixture
def fakes(monkeypatch):
    FakeCutter.made = []
    joined = []
    monkeypatch.setattr(sink_module, "SectionCutter", FakeCutter)
    monkeypatch.setattr(
        sink_module, "join_clips", lambda *args: joined.append(args) or "the joined report"
    )
    return FakeEncoder(), joined


def make(encoder, fmt, sections=None, total=3, progress=None):
    return FrameSink(
        encoder,
        fmt,
        TARGET,
        width=2,
        height=2,
        fps=10.0,
        total=total,
        sections=sections,
        progress=progress,
        max_colors=32,
    )


def feed(sink, count):
    for _ in range(count):
        sink(FRAME)
    return count


def test_a_plain_render_encodes_every_frame_and_reports_progress(fakes):
    encoder, joined = fakes
    seen = []
    sink = make(encoder, "gif", progress=lambda done, total: seen.append((done, total)))
    assert sink.on_section is None and FakeCutter.made == []
    report, clips = sink.record(lambda: feed(sink, 3))
    assert (report, clips) == ("the encoder's report", None)
    assert encoder.calls[0] == ("open", ("gif", TARGET, 2, 2, 10.0), {"max_colors": 32})
    assert [c[0] for c in encoder.calls[1:]] == ["write"] * 3 + ["close"]
    assert seen == [(1, 3), (2, 3), (3, 3)] and joined == []


def test_a_sectioned_video_is_its_clips_joined_and_encoded_once(fakes):
    encoder, joined = fakes
    sink = make(encoder, "mp4", sections=Path("clips"))
    (cutter,) = FakeCutter.made
    assert sink.on_section == cutter.start
    report, clips = sink.record(lambda: feed(sink, 3))
    assert encoder.calls == [("abort",)]  # never opened, never written
    assert cutter.frames == 3 and report == "the joined report"
    assert joined == [(Path("clips"), clips, "mp4", TARGET, ())]  # no chapter titles given


def test_a_sectioned_gif_goes_to_the_encoder_and_the_cutter(fakes):
    encoder, joined = fakes
    sink = make(encoder, "gif", sections=Path("clips"))
    (cutter,) = FakeCutter.made
    report, clips = sink.record(lambda: feed(sink, 3))
    assert [c[0] for c in encoder.calls] == ["open"] + ["write"] * 3 + ["close"]
    assert cutter.frames == 3 and [c.frames for c in clips] == [3]
    assert report == "the encoder's report" and joined == []


def test_a_held_frame_goes_to_the_encoder_once_and_to_the_cutter_as_every_frame(fakes):
    encoder, _ = fakes
    seen = []
    sink = make(
        encoder, "gif", sections=Path("clips"), total=6, progress=lambda *done: seen.append(done)
    )
    (cutter,) = FakeCutter.made

    def draw():
        sink(FRAME)
        sink(FRAME, 5)
        return 6

    sink.record(draw)
    assert encoder.calls[1:] == [("write",), ("write", 5), ("close",)]
    assert cutter.frames == 6 and seen == [(1, 6), (6, 6)]


def test_a_frame_count_other_than_planned_fails_and_stops_the_cutter(fakes):
    encoder, _ = fakes
    sink = make(encoder, "mp4", sections=Path("clips"), total=4)
    with pytest.raises(RuntimeError, match="Manim made 3 frames, expected 4"):
        sink.record(lambda: feed(sink, 3))
    assert FakeCutter.made[0].calls == [("abort",)]


def test_a_failed_drawing_stops_the_cutter_and_raises(fakes):
    encoder, _ = fakes
    sink = make(encoder, "gif", sections=Path("clips"))

    def draw():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sink.record(draw)
    assert FakeCutter.made[0].calls == [("abort",)]


def test_clips_that_do_not_add_up_fail(fakes, monkeypatch):
    encoder, joined = fakes
    sink = make(encoder, "mp4", sections=Path("clips"))
    monkeypatch.setattr(FakeCutter, "close", lambda self: [Clip("a", "01-a.mp4", 0, 2, 0.2)])
    with pytest.raises(RuntimeError, match="the section clips hold 2 frames"):
        sink.record(lambda: feed(sink, 3))
    assert joined == []
