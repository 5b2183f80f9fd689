"""Write output files atomically, and check what a written file really contains."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import av
from PIL import Image

from ..writes import staged
from .encode import EncodeReport


class OutputMismatchError(RuntimeError):
    """A written file does not contain what was asked for."""


@dataclass(frozen=True)
class MediaInfo:
    """What decoding a file found; `loops` is a GIF's loop count (0 = forever), else None."""

    width: int
    height: int
    fps: float | None
    frames: int
    duration: float
    codec: str
    loops: int | None


@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a hidden temporary path next to `target`; move it into place only on success.

    Ctrl-C, SIGTERM and SIGHUP during the block remove the temporary and leave `target` as it was.
    """
    with staged() as staging:
        yield staging.file(Path(target))


def probe(path: Path) -> MediaInfo:
    """Decode the whole file (PyAV for GIF/MP4/WebM, Pillow for PNG) and describe it."""
    path = Path(path)
    if path.suffix.lower() == ".png":
        with Image.open(path) as image:
            image.load()
            return MediaInfo(image.width, image.height, None, 1, 0.0, "png", None)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames, first, last = 0, None, None
        for frame in container.decode(stream):
            frames += 1
            first = frame if first is None else first
            last = frame
        if first is None or last is None:
            raise OutputMismatchError(f"{path} has no video frames")
        duration = float((last.pts - first.pts + last.duration) * last.time_base)
        info = MediaInfo(
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            fps=float(stream.average_rate) if stream.average_rate else None,
            frames=frames,
            duration=duration,
            codec=stream.codec_context.name,
            loops=None,
        )
    if info.codec == "gif":
        with Image.open(path) as image:
            loop = image.info.get("loop")
        info = replace(info, loops=loop)
    return info


def verify(path: Path, expected: EncodeReport) -> MediaInfo:
    """Probe `path`; raise OutputMismatchError unless it matches what the encoder reported."""
    info = probe(path)
    wrong = []
    size, wanted = f"{info.width}x{info.height}", f"{expected.width}x{expected.height}"
    if size != wanted:
        wrong.append(f"size {size}, expected {wanted}")
    if info.codec == "gif" and info.loops != 0:
        wrong.append(f"loop count {info.loops}, expected 0 (forever)")
    if info.codec != "png":
        if info.fps is None or abs(info.fps - expected.fps) > 1e-3:
            wrong.append(f"frame rate {info.fps} fps, expected {expected.fps:g}")
        if info.frames != expected.frames:
            wrong.append(f"{info.frames} frames, expected {expected.frames}")
        # Container timestamps round (GIF to 1/100 s), so allow up to one frame's time.
        if abs(info.duration - expected.frames / expected.fps) > 1 / expected.fps:
            wrong.append(f"{info.duration:.3f} s, expected {expected.frames / expected.fps:.3f} s")
    if wrong:
        raise OutputMismatchError(f"{path}: {'; '.join(wrong)}")
    return info
