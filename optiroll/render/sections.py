"""A video's sections as clips of their own, in a folder beside the video, written atomically.

Our capture bypasses Manim's file writer, so Manim's `save_sections` cannot cut: the scene calls
`next_section(name)` as in Manim, the render pipeline routes it to `SectionCutter.start`, and every
following frame also goes to that section's clip. The clips are written into a temporary folder
that the render pipeline renames into place with the video (see `writes.Staged`), only when every
clip has been written and decoded back. Joined into the video, the clips are its chapters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from ..plan.captions import frame_ms
from .background import EncoderProcess
from .encode import VIDEO_CODECS, EncodeReport


@dataclass(frozen=True)
class Clip:
    """One written section: its name, its file (relative to the folder) and where it starts."""

    name: str
    file: str
    first_frame: int
    frames: int
    duration: float


# Formats whose clips can be joined into the whole video by copying packets, without encoding
# the frames a second time: each clip starts with a keyframe and all share one encoder setup.
JOINABLE = ("mp4", "webm")


class SectionCutter:
    """Writes the frames after each `start(name)` into that section's clip in `folder`.

    Each clip is encoded in a worker process (`EncoderProcess`), so encoding overlaps drawing;
    the first worker is started with the cutter, so its start-up overlaps the scene's. A finished
    clip's worker decodes and checks it while the next section is drawn; its outcome is taken
    in order, once it is there when a clip opens, or at the latest when the next section ends
    (or at `close`). The worker then encodes a later clip: a new one is started only when every
    worker is busy (a worker's start-up, about 0.3 s of CPU, was a third of encoding a 640x360
    lecture when each clip had its own).
    """

    def __init__(
        self,
        folder: Path,
        fmt: str,
        width: int,
        height: int,
        fps: float,
        *,
        first_clip: int = 1,
        first_frame: int = 0,
    ):
        """`first_clip` and `first_frame`: the number and first frame of this cutter's first
        clip in the whole video (another process cuts the clips before it)."""
        self.folder, self.fmt = Path(folder), fmt
        self.width, self.height, self.fps = width, height, fps
        self.frame = first_frame
        self.clips: list[Clip] = []
        self.number = first_clip
        self.name = "start"  # frames before the first mark still belong to a clip
        self.first = first_frame
        self.encoder: EncoderProcess | None = None
        self.idle = [EncoderProcess()]  # workers waiting for a clip
        self.file = ""  # the running clip's
        self.finishing: list[tuple[EncoderProcess, str, str, int, int]] = []  # and their clips

    def start(self, name: str) -> None:
        """End the running section's clip; the next frames go to `name`."""
        self.end()
        self.name, self.first = name, self.frame

    def write(self, frame: np.ndarray, repeat: int = 1) -> None:
        """`frame`, shown for `repeat` frames, goes to the running section's clip."""
        if self.encoder is None:  # opened on a section's first frame: empty ones write nothing
            while self.finishing and self.finishing[0][0].finished():
                self._take()
            self.encoder = self.idle.pop() if self.idle else EncoderProcess()
            number = self.number + len(self.clips) + len(self.finishing)
            self.file = f"{number:02d}-{self.name}.{self.fmt}"
            self.encoder.open(
                self.fmt, self.folder / self.file, self.width, self.height, self.fps, check=True
            )
        self.encoder.write(frame, repeat)
        self.frame += repeat

    def end(self) -> None:
        """The running section's clip is complete: its worker finishes and checks it while this
        process goes on; the clips ended before are taken (waiting for their checks)."""
        if self.encoder is not None:
            self.encoder.finish()
            clip = (self.encoder, self.name, self.file, self.first, self.frame - self.first)
            self.finishing.append(clip)
            self.encoder = None
        while len(self.finishing) > 1:
            self._take()

    def close(self) -> list[Clip]:
        """Finish the last clip; every clip has been decoded and checked against its frames."""
        self._take_all()
        while self.idle:
            self.idle.pop().end()
        return self.clips

    def follow_with(self, clips: list[Clip]) -> None:
        """Finish the running clip; `clips`, which other cutters wrote into the folder (numbered
        and placed after this one's), follow it as this cutter's own."""
        self._take_all()
        self.clips.extend(clips)

    def abort(self) -> None:
        """Stop the workers (the clips not yet taken are left unfinished)."""
        for worker in (self.encoder, *self.idle, *(clip[0] for clip in self.finishing)):
            if worker is not None:
                worker.abort()
        self.encoder = None
        self.idle, self.finishing = [], []

    def _take_all(self) -> None:
        self.end()
        while self.finishing:
            self._take()

    def _take(self) -> None:
        """The oldest ended clip, once its worker has finished and checked it."""
        encoder, name, file, first, frames = self.finishing.pop(0)
        _, info = encoder.close_checked(keep=True)
        self.idle.append(encoder)
        self.clips.append(Clip(name, file, first, frames, info.duration))


def join_clips(
    folder: Path, clips: list[Clip], fmt: str, target: Path, titles: Sequence[str] = ()
) -> EncodeReport:
    """Write the whole video as the clips' packets one after another: nothing is re-encoded.

    `titles` (one per clip, or none) make each clip a chapter of the video, so titled.
    """
    paths = [Path(folder) / clip.file for clip in clips]
    with av.open(str(paths[0])) as first:
        template = first.streams.video[0]
        setup = bytes(template.codec_context.extradata or b"")
        width, height = template.codec_context.width, template.codec_context.height
        fps = float(template.average_rate)
        with av.open(str(target), "w", options=VIDEO_CODECS[fmt].container_options) as out:
            stream = out.add_stream_from_template(template)
            if titles:
                out.set_chapters(chapters(clips, titles, fps))
            offset = 0
            for path in paths:
                with av.open(str(path)) as clip:
                    source = clip.streams.video[0]
                    if bytes(source.codec_context.extradata or b"") != setup:
                        raise ValueError(f"{path.name} was encoded differently; cannot join")
                    end = offset
                    for packet in clip.demux(source):
                        if packet.dts is None:  # the demuxer's end-of-stream marker
                            continue
                        packet.pts += offset
                        packet.dts += offset
                        end = max(end, packet.pts + packet.duration)
                        packet.stream = stream
                        out.mux(packet)
                    offset = end
    frames = sum(clip.frames for clip in clips)
    return EncodeReport(Path(target), width, height, fps, frames, Path(target).stat().st_size)


def chapters(clips: list[Clip], titles: Sequence[str], fps: float) -> list[dict]:
    """The clips as a container's chapters (PyAV's `set_chapters`), titled `titles`, in
    milliseconds that fall inside their first frames (`frame_ms`: MP4 keeps milliseconds)."""
    if len(titles) != len(clips):
        raise ValueError(f"{len(titles)} chapter titles for {len(clips)} clips")
    return [
        {
            "id": i,
            "start": frame_ms(clip.first_frame, fps),
            "end": frame_ms(clip.first_frame + clip.frames, fps),
            "time_base": Fraction(1, 1000),
            "metadata": {"title": title},
        }
        for i, (clip, title) in enumerate(zip(clips, titles, strict=True), start=1)
    ]
