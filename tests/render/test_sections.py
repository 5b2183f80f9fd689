"""A section cutter: a clip per section, in order, each checked by the worker that wrote it
while the next section is drawn; stopped, it leaves no worker running."""

import os

import numpy as np
import pytest

pytest.importorskip("av")

from media import decode  # noqa: E402
from optiroll.render.background import EncoderProcess  # noqa: E402
from optiroll.render.output import probe  # noqa: E402
from optiroll.render.sections import SectionCutter  # noqa: E402
from tests.processes import children  # noqa: E402


def picture(index, width=64, height=48):
    """A white page with a red square at `index` steps from the left."""
    frame = np.full((height, width, 4), 255, np.uint8)
    frame[10:20, 4 + 4 * index : 14 + 4 * index, 1:3] = 0
    return frame


def cut(cutter, sections):
    """Write `sections` (name, pictures, frames the last one is held for) into `cutter`."""
    for name, pictures, held in sections:
        cutter.start(name)
        for index in range(pictures - 1):
            cutter.write(picture(index))
        cutter.write(picture(pictures - 1), held)


def test_each_section_is_a_checked_clip_in_order(tmp_path):
    before = children(os.getpid())
    cutter = SectionCutter(tmp_path, "mp4", 64, 48, 25, first_clip=3, first_frame=100)
    cut(cutter, [("intro", 4, 1), ("steps", 6, 10), ("end", 2, 3)])
    clips = cutter.close()
    assert [(c.name, c.file, c.first_frame, c.frames) for c in clips] == [
        ("intro", "03-intro.mp4", 100, 4),
        ("steps", "04-steps.mp4", 104, 15),
        ("end", "05-end.mp4", 119, 4),
    ]
    for clip in clips:
        info = probe(tmp_path / clip.file)
        assert (info.frames, info.duration) == (clip.frames, clip.duration)
        assert len(decode(tmp_path / clip.file)) == clip.frames
    assert children(os.getpid()) == before


def test_workers_take_turns_however_many_sections_there_are(tmp_path, monkeypatch):
    """A worker whose clip was taken encodes a later one: a new worker starts only when every
    one is busy (at most one writing and two finishing), not once per section."""
    from optiroll.render import sections

    started = []
    monkeypatch.setattr(
        sections,
        "EncoderProcess",
        lambda: started.append(EncoderProcess()) or started[-1],
    )
    before = children(os.getpid())
    cutter = SectionCutter(tmp_path, "mp4", 64, 48, 25)
    names = [f"part{i}" for i in range(8)]
    cut(cutter, [(name, 3, 2) for name in names])
    clips = cutter.close()
    assert [c.name for c in clips] == names
    assert [len(decode(tmp_path / c.file)) for c in clips] == [4] * 8
    assert len(started) <= 3
    assert children(os.getpid()) == before


def test_an_empty_section_writes_no_clip(tmp_path):
    cutter = SectionCutter(tmp_path, "mp4", 64, 48, 25)
    cutter.start("nothing")
    cut(cutter, [("something", 3, 1)])
    assert [clip.file for clip in cutter.close()] == ["01-something.mp4"]


def test_an_abort_with_clips_still_being_finished_leaves_no_worker(tmp_path):
    before = children(os.getpid())
    cutter = SectionCutter(tmp_path, "mp4", 64, 48, 25)
    cut(cutter, [("a", 3, 1), ("b", 3, 1)])
    cutter.end()  # both clips ended, the last one's worker still finishing it
    assert cutter.finishing
    cutter.abort()
    assert children(os.getpid()) == before
