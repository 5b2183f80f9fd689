"""Write output files atomically, and check what a written file really contains."""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, replace
from pathlib import Path

import av
from PIL import Image

from .encode import EncodeReport, runs


class OutputMismatchError(RuntimeError):
    """A written file does not contain what was asked for."""


@dataclass(frozen=True)
class MediaInfo:
    """What decoding a file found; `loops` is a GIF's loop count (0 = forever), else None.

    `frames` counts frames at `fps`; `images` the pictures in the file: a GIF shows a held
    picture once, for several frames (its `fps` is the rate of its shortest delay), a video
    every frame.
    """

    width: int
    height: int
    fps: float | None
    frames: int
    duration: float
    codec: str
    loops: int | None
    images: int


def probe(path: Path, *, decode: bool = True) -> MediaInfo:
    """Decode the whole file (PyAV for GIF/MP4/WebM, Pillow for PNG) and describe it; without
    `decode`, a video is described from its packets (a frame each), none decoded."""
    path = Path(path)
    if path.suffix.lower() == ".png":
        with Image.open(path) as image:
            image.load()
            return MediaInfo(image.width, image.height, None, 1, 0.0, "png", None, 1)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames, start, end = 0, None, None
        units = container.decode(stream) if decode else container.demux(stream)
        for unit in units:
            if unit.pts is None:  # the demuxer's end-of-stream marker
                continue
            frames += 1
            start = unit.pts if start is None else min(start, unit.pts)
            end = unit.pts + unit.duration if end is None else max(end, unit.pts + unit.duration)
        if start is None or end is None:
            raise OutputMismatchError(f"{path} has no video frames")
        duration = float((end - start) * stream.time_base)
        info = MediaInfo(
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            fps=float(stream.average_rate) if stream.average_rate else None,
            frames=frames,
            duration=duration,
            codec=stream.codec_context.name,
            loops=None,
            images=frames,
        )
    if info.codec == "gif":
        blocks = gif_blocks(path)
        unit = math.gcd(*blocks.delays) or 1  # centiseconds
        info = replace(
            info,
            fps=100 / unit,
            frames=sum(blocks.delays) // unit,
            duration=sum(blocks.delays) / 100,
            loops=blocks.loops,
        )
    return info


@dataclass(frozen=True)
class GifBlocks:
    """What a GIF's blocks say, read without decoding its images: the screen's size, the loop
    count (None without the looping extension) and each image's delay in centiseconds."""

    width: int
    height: int
    loops: int | None
    delays: tuple[int, ...]


def gif_blocks(path: Path) -> GifBlocks:
    """Walk the blocks of the GIF at `path` (header, extensions, image descriptors, data
    sub-blocks, trailer); raise OutputMismatchError where the file breaks that structure."""
    data = Path(path).read_bytes()
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise OutputMismatchError(f"{path} does not start as a GIF")
    width, height, flags = struct.unpack_from("<HHB", data, 6)
    at = 13 + _color_table(flags)
    loops, delay, delays = None, 0, []
    try:
        while (kind := data[at]) != 0x3B:  # the trailer
            if kind == 0x21:  # an extension: label, then sub-blocks
                label, body = data[at + 1], at + 2
                if label == 0xF9:  # graphic control: the next image's delay
                    delay = struct.unpack_from("<H", data, body + 2)[0]
                elif label == 0xFF and data[body + 1 : body + 12] == b"NETSCAPE2.0":
                    loops = struct.unpack_from("<H", data, body + 14)[0]
                at = _skip_sub_blocks(data, body)
            elif kind == 0x2C:  # an image: descriptor, local table, LZW size, sub-blocks
                left, top, w, h, image_flags = struct.unpack_from("<HHHHB", data, at + 1)
                if left + w > width or top + h > height:
                    raise OutputMismatchError(f"{path}: an image lies outside the screen")
                at = _skip_sub_blocks(data, at + 11 + _color_table(image_flags))
                delays.append(delay)
                delay = 0
            else:
                raise OutputMismatchError(f"{path}: unknown block 0x{kind:02x} at byte {at}")
    except (IndexError, struct.error):
        raise OutputMismatchError(f"{path} ends before its trailer") from None
    return GifBlocks(width, height, loops, tuple(delays))


def _color_table(flags: int) -> int:
    return 3 * (2 << (flags & 7)) if flags & 0x80 else 0


def _skip_sub_blocks(data: bytes, at: int) -> int:
    while data[at]:
        at += data[at] + 1
    return at + 1


def verify(path: Path, expected: EncodeReport, *, decode: bool = True) -> MediaInfo:
    """Check `path` against what the encoder reported; raise OutputMismatchError unless it
    matches. A GIF is checked from its blocks (size, loop, images and each one's delay; its
    encoder decoded it whole already), other files by decoding them; without `decode` (a video
    joined from clips that were decoded), a video is checked from its packets."""
    if Path(path).suffix.lower() == ".gif":
        return _verify_gif(Path(path), expected)
    info = probe(path, decode=decode)
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


def _verify_gif(path: Path, expected: EncodeReport) -> MediaInfo:
    blocks = gif_blocks(path)
    wrong = []
    size, wanted = f"{blocks.width}x{blocks.height}", f"{expected.width}x{expected.height}"
    if size != wanted:
        wrong.append(f"size {size}, expected {wanted}")
    if blocks.loops != 0:
        wrong.append(f"loop count {blocks.loops}, expected 0 (forever)")
    frame_cs = 100 / expected.fps  # GIF_FPS are the rates whose frames last whole centiseconds
    holds = expected.shown()
    images = sum(count for _, count in holds)
    found, planned = (
        runs(blocks.delays),
        runs([round(frames * frame_cs) for frames, count in holds for _ in range(count)]),
    )
    if len(blocks.delays) != images:
        wrong.append(f"{len(blocks.delays)} images, expected {images}")
    elif found != planned:
        wrong.append(f"delays {_delays(found)}, expected {_delays(planned)}")
    seconds, wanted_seconds = sum(blocks.delays) / 100, expected.frames / expected.fps
    if abs(seconds - wanted_seconds) > 1e-9:
        wrong.append(f"{seconds:.3f} s, expected {wanted_seconds:.3f} s")
    if wrong:
        raise OutputMismatchError(f"{path}: {'; '.join(wrong)}")
    return MediaInfo(
        width=blocks.width,
        height=blocks.height,
        fps=expected.fps,
        frames=expected.frames,
        duration=seconds,
        codec="gif",
        loops=blocks.loops,
        images=images,
    )


def _delays(delay_runs: tuple[tuple[int, int], ...]) -> str:
    """Runs of delays, as "5 cs x 119, 250 cs"."""
    return ", ".join(f"{cs} cs" + (f" x {count}" if count > 1 else "") for cs, count in delay_runs)
