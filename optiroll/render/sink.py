"""Where a render's frames go: our encoder, a section cutter, or both; counted and checked.

A plain render encodes its frames into the file. A sectioned one also cuts them into clips; a
video is then its clips joined (`JOINABLE`), so its frames are encoded once, not twice, while a
GIF is still encoded whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..signals import raise_if_stopped
from .encode import Encoder, EncodeReport, open_encoder
from .sections import JOINABLE, Clip, SectionCutter, join_clips

Progress = Callable[[int, int], None]


class FileEncoder(Encoder, Protocol):
    """An `Encoder` for one file, in a second process (`background.EncoderProcess`) or in this
    one (`local_encoder.LocalEncoder`). `open` checks the options before any frame; `abort`
    leaves the file unfinished, for the render to remove."""

    def open(
        self, fmt: str, path: Path, width: int, height: int, fps: float, **options: Any
    ) -> FileEncoder: ...

    def abort(self) -> None: ...


class FrameSink:
    """Takes the frames of one render (call it with each) and finishes the file from them.

    `sections` is the folder for the clips of a sectioned scene, None for a plain one. The encoder
    is opened on `target` here, or stopped when the joined clips will make the file.
    """

    def __init__(
        self,
        encoder: FileEncoder,
        fmt: str,
        target: Path,
        *,
        width: int,
        height: int,
        fps: float,
        total: int,
        sections: Path | None = None,
        chapters: Sequence[str] = (),
        progress: Progress | None = None,
        poster: Path | None = None,
        **options: Any,
    ) -> None:
        """`total`: the frames the scene plans; `chapters`: a title per section, which a joined
        video marks as its chapters; `poster`: a PNG to write the last frame to as well (see
        `finish_poster`); `options` go to the encoder."""
        self.encoder, self.fmt, self.target = encoder, fmt, target
        # The frames are lent, not kept: the poster's encoder copies the last as it comes.
        self.poster = open_encoder("png", poster, width, height, fps) if poster else None
        self.chapters = chapters
        self.total, self.progress = total, progress
        self.frames = 0
        self.cutter = SectionCutter(sections, fmt, width, height, fps) if sections else None
        self.joined = self.cutter is not None and fmt in JOINABLE
        if self.joined:
            encoder.abort()
        else:
            encoder.open(fmt, target, width, height, fps, **options)

    @property
    def on_section(self) -> Callable[[str], None] | None:
        """What a sectioned scene calls as each section starts."""
        return self.cutter.start if self.cutter else None

    def __call__(self, frame: np.ndarray, repeat: int = 1) -> None:
        """Take `frame`, shown for `repeat` frames."""
        raise_if_stopped()
        if not self.joined:
            self.encoder.write(frame, repeat)
        if self.cutter:
            self.cutter.write(frame, repeat)
        self.frames += repeat
        if self.poster is not None and self.frames == self.total:
            self.poster.write(frame)
        if self.progress:
            self.progress(self.frames, self.total)

    def drawn_elsewhere(self, frames: int) -> None:
        """Count `frames` that another process drew (and cut into clips) in the progress."""
        self.frames += frames
        if self.progress:
            self.progress(self.frames, self.total)

    def record(self, draw: Callable[[], int]) -> tuple[EncodeReport, list[Clip] | None]:
        """Run `draw` (which feeds this sink and says how many frames it made), then finish the
        file and the clips: (what was written, the clips or None)."""
        try:
            drawn = draw()
            if drawn != self.total:
                raise RuntimeError(f"Manim made {drawn} frames, expected {self.total}")
            clips = self.cutter.close() if self.cutter else None
        except BaseException:
            if self.cutter:
                self.cutter.abort()
            raise
        if clips is not None and sum(c.frames for c in clips) != drawn:
            raise RuntimeError(f"the section clips hold {sum(c.frames for c in clips)} frames")
        if self.joined:
            report = join_clips(self.cutter.folder, clips, self.fmt, self.target, self.chapters)
            return report, clips
        return self.encoder.close(), clips

    def finish_poster(self) -> EncodeReport:
        """Write the poster from the last frame, as a PNG render's encoder writes its only one
        (call after `record`; the frames drawn elsewhere never reach it)."""
        if self.poster is None:
            raise ValueError("this sink was given no poster")
        return self.poster.close()
