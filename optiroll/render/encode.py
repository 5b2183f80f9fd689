"""Encode RGB(A) uint8 frames into a GIF, MP4, WebM or PNG poster file."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Literal, Protocol

import av
import numpy as np
from PIL import Image

from ..plan.colormap import srgb_to_oklab
from ..plan.formats import FORMATS, GIF_FPS

_GIF_HALF_RATE = {50.0: 25.0, 25.0: 12.5, 20.0: 10.0}
_GIF_COLORS = (64, 32, 16)
# How a streamed GIF picks its palette: "fixed" at the first frame, for a figure whose picture
# stays while balls move over it; "refreshed" from the frame at hand every PALETTE_REFRESH
# seconds (a local colour table), for a scene whose every frame changes (the 3D orbit), so that
# colours which come into view later get entries too. A buffered GIF takes one from all frames.
GifPalette = Literal["fixed", "refreshed"]
GIF_PALETTES: tuple[GifPalette, ...] = ("fixed", "refreshed")
# On the 3D orbit (256 colours) refreshing every frame, every 5, 10 or never gave the same error
# (0.62 levels): what smooths shading is the palette's size. Refreshing costs a median cut and a
# cold colour cache (about 20 ms) each time, so it happens twice a second.
PALETTE_REFRESH = 0.5
# A fixed colour stands for the pixels this close to it in OKLab (where distance is what the eye
# sees, and by which the palette mapper picks). Entries of their own went to the antialiased
# fringes of lines (near-whites beside white), which flicker between entries from frame to
# frame: on the default figure 0.045 makes the file 11% smaller. A colour so left must keep its
# hue where it lands (see _turns_hue), else it has its say in the free entries: the light
# contours took a faded run's blue.
FIXED_REACH = 0.045
HUE_SLACK = 0.01
_GIF_SCALE = 0.75
_GIF_MIN_SCALE = 0.5


@dataclass(frozen=True)
class _VideoCodec:
    codec: str
    options: dict[str, str]
    container_options: dict[str, str] = field(default_factory=dict)


# Flat graphics with few moving parts (measured on 120 frames of the 1080p lecture, RGB -> YUV
# included): x264's veryfast preset tuned for animation takes half the CPU of medium (11.9 and
# 22.7 ms a frame) for the same size (0.96 and 0.97 KB a frame) at 48.8 dB PSNR (49.8); VP9 in
# realtime mode at cpu-used 6 takes 11.2 ms a frame where good quality at 4 took 37.9, for 6%
# more bytes at the same PSNR (54.1 dB).
# One x264 thread: the file is then the same on any machine and under any CPU affinity (x264
# counts the cores for its frame threads, and their number changes the file), and a render's
# sections are encoded in a process per core already; threads cost 10% more CPU. A diamond
# search with the fastest sub-pixel refinement (subme 1) suits lines that move by whole steps,
# and no B-frames: they cost CPU on every frame, a held picture's too, to encode and to decode
# (each clip is decoded to check it). On two stretches of the 1080p lecture (240 pictures each,
# shown for 372 and 311 frames: a board's steps, the comparison), encoding and decoding took 5.5
# and 6.1 ms of CPU a frame instead of 8.5 and 8.8, at 51.8 and 50.7 dB PSNR (51.6 and 50.9), for
# 11% and 55% more bytes (427 and 1,132 a frame): the cheaper settings with B-frames took 7.1
# and 7.0 ms for 3% and 7% fewer. On the lecture's SGD alone at 1080p the render's CPU fell from
# 42.0 s with B-frames to 36.6 s; its file grew from 1.70 to 2.59 MB (1.96 MB before any of this).
VIDEO_CODECS = {
    # faststart moves the index (moov) before the data so browsers play while downloading.
    "mp4": _VideoCodec(
        "libx264",
        {
            "crf": "20",
            "preset": "veryfast",
            "tune": "animation",
            "threads": "1",
            "x264-params": "subme=1:me=dia:bframes=0",
        },
        {"movflags": "+faststart"},
    ),
    # b=0 makes crf a constant-quality target instead of a cap under a default bitrate.
    "webm": _VideoCodec(
        "libvpx-vp9",
        {"crf": "32", "b": "0", "row-mt": "1", "cpu-used": "6", "deadline": "realtime"},
    ),
}


Holds = tuple[tuple[int, int], ...]  # runs of (frames each image shows, images in the run)


@dataclass(frozen=True)
class EncodeReport:
    """What was written: file, pixel size, frame rate, frame count (at `fps`) and file size."""

    path: Path
    width: int
    height: int
    fps: float
    frames: int
    bytes: int

    def shown(self) -> Holds:
        """How the frames are shown: each frame as an image of its own."""
        return ((1, self.frames),)

    def size_kept(self) -> tuple[bool, tuple[str, ...]]:
        """Whether the file fits the size asked for, and what was given up to fit it (only a
        GIF is made to fit one)."""
        return True, ()


@dataclass(frozen=True)
class GifReport(EncodeReport):
    """A GIF's report, with the palette size and what was given up to fit `max_bytes`.

    `frames` counts frames at `fps`, as a video of the same animation would; a picture held for
    several of them is one image shown longer, and `holds` says how the frames fell into images.
    """

    colors: int
    max_bytes: int | None
    fits: bool
    given_up: tuple[str, ...]
    holds: Holds
    palette: GifPalette = "fixed"

    def shown(self) -> Holds:
        return self.holds

    def size_kept(self) -> tuple[bool, tuple[str, ...]]:
        return self.fits, self.given_up


class Encoder(Protocol):
    """Takes frames one at a time, each with how many frames it lasts (`repeat`: a held picture
    is given once); `close` finishes the file and reports on it."""

    def write(self, frame: np.ndarray, repeat: int = 1) -> None: ...

    def close(self) -> EncodeReport: ...


def open_encoder(
    fmt: str,
    path: Path,
    width: int,
    height: int,
    fps: float,
    *,
    max_colors: int = 64,
    max_bytes: int | None = None,
    fixed_colors: Sequence[str] = (),
    palette: GifPalette = "fixed",
) -> Encoder:
    """Start writing `fmt` ("gif", "mp4", "webm" or "png") to `path`; GIF options apply to GIF.

    Nothing is opened before the first frame, so an encoder may be handed to another process.
    A GIF given `fixed_colors` (colours that appear only once things move, e.g. the balls') is
    written as the frames come: its palette is those colours plus the first frame's (or, with
    `palette="refreshed"`, the latest frame's every PALETTE_REFRESH seconds). Without them, or
    to fit `max_bytes`, it waits for every frame and takes the palette from them all.
    """
    if fmt == "gif":
        if fixed_colors and max_bytes is None:
            return _StreamingGifEncoder(
                Path(path), width, height, fps, max_colors, fixed_colors, palette
            )
        _check_gif_options(fps, max_colors, max_bytes, palette)
        return _GifEncoder(Path(path), width, height, fps, max_colors, max_bytes)
    if fmt in VIDEO_CODECS:
        return _VideoEncoder(Path(path), width, height, fps, VIDEO_CODECS[fmt])
    if fmt == "png":
        return _PosterEncoder(Path(path), width, height, fps)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def encode_gif(
    frames: Sequence[np.ndarray],
    path: Path,
    fps: float,
    max_colors: int = 64,
    max_bytes: int | None = None,
) -> GifReport:
    """Write an endlessly looping GIF; step quality down until it fits `max_bytes`, if given.

    Consecutive equal frames become one image shown as long as they last together.
    """
    _check_gif_options(fps, max_colors, max_bytes)
    if not frames:
        raise ValueError("a GIF needs at least one frame")
    height, width = frames[0].shape[:2]
    path = Path(path)
    steps = _gif_steps(max_colors, float(fps), width, height)
    colors, rate, size = max_colors, float(fps), (width, height)
    while True:
        kept = _drop_frames(frames, round(fps / rate))
        written, holds = _write_gif(kept, path, rate, colors, size)
        if max_bytes is None or written <= max_bytes:
            break
        step = next(steps, None)
        if step is None:
            break
        colors, rate, size = step
    return GifReport(
        path=path,
        width=size[0],
        height=size[1],
        fps=rate,
        frames=len(kept),
        bytes=written,
        colors=colors,
        max_bytes=max_bytes,
        fits=max_bytes is None or written <= max_bytes,
        given_up=_given_up((float(fps), rate), (max_colors, colors), ((width, height), size)),
        holds=holds,
    )


def _gif_steps(
    colors: int, fps: float, width: int, height: int
) -> Iterator[tuple[int, float, tuple[int, int]]]:
    """Ever smaller settings, each keeping the losses before it.

    Least visible loss first, measured on the 854x480 book figure. Halving the frame rate saves
    about 30% and leaves every frame exact. Halving the colours saves only about 9% and shifts
    the balls' colours, which tell the optimizers apart. A smaller picture blurs every line and
    label, so it comes last.
    """
    size = (width, height)
    while fps in _GIF_HALF_RATE:
        fps = _GIF_HALF_RATE[fps]
        yield colors, fps, size
    for fewer in _GIF_COLORS:
        if fewer < colors:
            colors = fewer
            yield colors, fps, size
    while True:
        smaller = (_even(size[0] * _GIF_SCALE), _even(size[1] * _GIF_SCALE))
        if smaller[0] < width * _GIF_MIN_SCALE or smaller[0] >= size[0] or smaller[1] >= size[1]:
            return
        size = smaller
        yield colors, fps, size


def _drop_frames(frames: Sequence[np.ndarray], every: int) -> Sequence[np.ndarray]:
    """Every `every`-th frame, counted back from the last so the final state stays."""
    return frames[(len(frames) - 1) % every :: every]


def _given_up(
    fps: tuple[float, float], colors: tuple[int, int], size: tuple[tuple[int, int], ...]
) -> tuple[str, ...]:
    losses = []
    if fps[0] != fps[1]:
        losses.append(f"frame rate {fps[0]:g} -> {fps[1]:g} fps")
    if colors[0] != colors[1]:
        losses.append(f"colours {colors[0]} -> {colors[1]}")
    if size[0] != size[1]:
        losses.append(f"size {size[0][0]}x{size[0][1]} -> {size[1][0]}x{size[1][1]}")
    return tuple(losses)


def _write_gif(
    frames: Sequence[np.ndarray], path: Path, fps: float, colors: int, size: tuple[int, int]
) -> tuple[int, Holds]:
    """Encode with a palette made from all frames, then squeeze with gifsicle when present:
    (bytes written, how the frames fell into images)."""
    height, width = frames[0].shape[:2]
    rate = Fraction(fps)
    pictures, repeats = _distinct(frames)
    with _gif_container(path, rate, size) as (container, stream):
        graph = av.filter.Graph()
        source = graph.add_buffer(
            width=width, height=height, format=_pixel_format(frames[0]), time_base=1 / rate
        )
        scale = graph.add("scale", f"{size[0]}:{size[1]}:flags=lanczos")
        split = graph.add("split")
        # stats_mode=diff weighs what moves: the balls keep their exact colours (full mode, which
        # counts the static plot in every frame, shifted them by up to 74 levels), and it is smaller.
        palette = graph.add(
            "palettegen", max_colors=str(colors), stats_mode="diff", reserve_transparent="0"
        )
        apply = _paletteuse(graph)
        sink = graph.add("buffersink")
        source.link_to(scale)
        scale.link_to(split)
        split.link_to(palette, 0, 0)
        split.link_to(apply, 1, 0)
        palette.link_to(apply, 0, 1)
        apply.link_to(sink)
        graph.configure()
        for index, pixels in enumerate(pictures):
            graph.push(_video_frame(pixels, index))
        graph.push(None)  # palettegen emits only at the end of the stream
        writer = _HeldImages(container, stream)
        for repeat in repeats:
            writer.add(graph.pull(), repeat)
    _finish_gif(path, len(repeats))
    return path.stat().st_size, writer.holds()


def _distinct(frames: Sequence[np.ndarray]) -> tuple[list[np.ndarray], list[int]]:
    """Each run of equal consecutive frames as one picture and how many frames it lasts."""
    pictures: list[np.ndarray] = []
    repeats: list[int] = []
    for frame in frames:
        if pictures and (frame is pictures[-1] or np.array_equal(frame, pictures[-1])):
            repeats[-1] += 1
        else:
            pictures.append(frame)
            repeats.append(1)
    return pictures, repeats


class _HeldImages:
    """Muxes indexed images, each shown for its number of frames: the GIF muxer takes an
    image's delay from the next one's timestamp, and the last image's from its duration."""

    def __init__(self, container: av.container.OutputContainer, stream: av.VideoStream) -> None:
        self.container, self.stream = container, stream
        self.frames = 0
        self.repeats: list[int] = []

    def add(self, indexed: av.VideoFrame, repeat: int) -> None:
        indexed.pts = self.frames
        for packet in self.stream.encode(indexed):
            packet.duration = repeat
            self.container.mux(packet)
        self.frames += repeat
        self.repeats.append(repeat)

    def holds(self) -> Holds:
        return runs(self.repeats)


def runs(values: Sequence[int]) -> Holds:
    """Runs of equal values as (value, how many in a row)."""
    out: list[tuple[int, int]] = []
    for value in values:
        if out and out[-1][0] == value:
            out[-1] = (value, out[-1][1] + 1)
        else:
            out.append((value, 1))
    return tuple(out)


@contextmanager
def _gif_container(path: Path, rate: Fraction, size: tuple[int, int]) -> Iterator[tuple]:
    """An endlessly looping GIF file and its pal8 stream, flushed and closed on exit."""
    with av.open(str(path), "w", format="gif", options={"loop": "0"}) as container:
        stream = container.add_stream("gif", rate=rate)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "pal8"
        yield container, stream
        container.mux(stream.encode())


def _paletteuse(graph: av.filter.Graph) -> av.filter.Filter:
    # No dither: dither noise differs frame to frame and defeats GIF's inter-frame reuse.
    # diff_mode=rectangle maps only what changed and keeps the rest's indices, so the palette
    # must stay the same for the filter's whole life (a new palette needs a new filter).
    return graph.add("paletteuse", dither="none", diff_mode="rectangle")


def _pixel_format(frame: np.ndarray) -> str:
    return "rgba" if frame.shape[2] == 4 else "rgb24"


def _video_frame(pixels: np.ndarray, index: int) -> av.VideoFrame:
    frame = av.VideoFrame.from_ndarray(pixels, format=_pixel_format(pixels))
    frame.pts = index
    return frame


def gif_palette(first: np.ndarray, fixed: Sequence[str], colors: int) -> np.ndarray:
    """A (256, 3) palette: the `fixed` hex colours exactly, the rest the frame's: a median cut of
    its pixels that no fixed colour draws closely (see FIXED_REACH), redone until every colour
    left to the fixed entries keeps its hue where it lands (see _lures for the exception).

    (Octree, 25x faster, left visible bands in the 3D relief's shading where median cut leaves
    none, at the same 256 colours.)
    """
    exact = list(dict.fromkeys(_hex_to_rgb(color) for color in fixed))
    room = colors - len(exact)
    if room < 2:
        raise ValueError(f"{len(exact)} fixed colours leave no room in a {colors}-colour palette")
    pixels = np.ascontiguousarray(first[..., :3]).reshape(-1, 3)
    packed = pixels.astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], np.uint32)
    # The distinct colours (a few thousand) and how many pixels each has.
    codes, inverse, counts = np.unique(packed, return_inverse=True, return_counts=True)
    lab = _oklab(np.stack([codes >> 16, (codes >> 8) & 255, codes & 255], axis=1))
    far = _distances(lab, _oklab(np.array(exact))).min(axis=1) > FIXED_REACH if exact else True
    far = np.broadcast_to(far, codes.shape).copy()
    tinted = np.hypot(lab[:, 1], lab[:, 2]) > HUE_SLACK
    ceded = np.zeros_like(far)  # tinted colours whose entry drew greys off their hue
    while True:
        entries = list(dict.fromkeys(exact + _median_cut(pixels[far[inverse]], room)))
        entry_lab = _oklab(np.array(entries))
        nearest = _distances(lab, entry_lab).argmin(axis=1)  # the mapper takes the nearest
        strayed = ~far & ~ceded & _turns_hue(lab, entry_lab[nearest])
        if not strayed.any():
            break
        lures = _lures(strayed & ~tinted, far, nearest, counts, len(exact))
        ceding = far & tinted & np.isin(nearest, lures)
        if ceding.any():
            ceded |= ceding
            far &= ~ceding
        else:
            far |= strayed
    # paletteuse reads exactly 256 entries; a repeated entry changes no pixel's nearest colour.
    entries += [entries[0]] * (256 - len(entries))
    return np.array(entries, dtype=np.uint8)


def _turns_hue(lab: np.ndarray, landed: np.ndarray) -> np.ndarray:
    """Which colours (OKLab rows) turn hue where they land: a landing may fade a colour toward
    grey (an antialiased fringe of a blue line drawn grey) but not tint it nor turn its hue,
    so the landed (a, b) must lie within HUE_SLACK of the segment from grey to the colour's."""
    own, got = lab[:, 1:], landed[:, 1:]
    norm = (own * own).sum(axis=1)
    along = np.clip((got * own).sum(axis=1) / np.maximum(norm, 1e-12), 0, 1)
    return np.linalg.norm(got - along[:, None] * own, axis=1) > HUE_SLACK


def _lures(
    greys: np.ndarray, own: np.ndarray, nearest: np.ndarray, counts: np.ndarray, fixed: int
) -> list[int]:
    """The free entries (indices from `fixed` on) that draw more pixels of the `greys` off their
    hue than of the colours they were cut for (`own`), given each colour's `nearest` entry and
    pixel `counts`. Such an entry is a faint tint of a few fringe pixels (a ball's near-white
    edge) that the near-white greys beside the lines land on rather than on white: it goes, its
    colours landing where the mapper puts them, rather than the greys taking entries of their
    own (on the default figure six near-white levels that flickered from frame to frame)."""
    size = max(fixed, int(nearest.max()) + 1)
    drawn = np.bincount(nearest[greys], weights=counts[greys], minlength=size)
    kept = np.bincount(nearest[own], weights=counts[own], minlength=size)
    return [int(i) for i in np.flatnonzero(drawn) if i >= fixed and drawn[i] > kept[i]]


def _median_cut(pixels: np.ndarray, count: int) -> list[tuple[int, int, int]]:
    """At most `count` colours for the (N, 3) `pixels` (none for none)."""
    if not len(pixels):
        return []
    quantized = Image.fromarray(pixels.reshape(1, -1, 3)).quantize(
        count, method=Image.Quantize.MEDIANCUT
    )
    table = np.array(quantized.getpalette(), dtype=np.uint8).reshape(-1, 3)
    return [tuple(int(c) for c in table[index]) for _, index in quantized.getcolors(count)]


def _oklab(rgb: np.ndarray) -> np.ndarray:
    return srgb_to_oklab(np.asarray(rgb) / 255)


def _distances(lab: np.ndarray, entries: np.ndarray) -> np.ndarray:
    """(N, M) OKLab distances from each of `lab` to each of `entries`."""
    return np.linalg.norm(lab[:, None, :] - entries[None], axis=2)


def _hex_to_rgb(color: str) -> tuple[int, int, int]:
    text = color.lstrip("#")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))


def _finish_gif(path: Path, images: int) -> None:
    """Shrink the written GIF (gifsicle), then decode it whole, here in the encoder's process:
    every image must decode, and there must be `images` of them (the render checks the rest
    from the file's blocks, without decoding it again)."""
    _gifsicle(path)
    with av.open(str(path)) as container:
        decoded = sum(1 for _ in container.decode(video=0))
    if decoded != images:
        raise RuntimeError(f"{path} decodes to {decoded} images, {images} were written")


def _gifsicle(path: Path) -> None:
    """Losslessly shrink the GIF in place with gifsicle -O2, if it is installed and works.

    On the default figure -O2 takes the file from 137 to 126.7 KB in 0.28 s; -O3 gains 0.2% more
    for 30% more time, and -O1 drops the transparency that makes the frames small.
    """
    gifsicle = shutil.which("gifsicle")
    if gifsicle is None:
        return
    # keep-empty: two images that differ only below the palette's resolution stay two (merged,
    # the file would hold fewer images than the encoder reports).
    command = [gifsicle, "-O2", "-Okeep-empty", str(path)]
    result = subprocess.run(command, capture_output=True)
    if result.returncode == 0 and 0 < len(result.stdout) < path.stat().st_size:
        # Into the file as it is, never a new one: a render that stopped meanwhile has removed
        # it, and it must stay removed.
        with path.open("r+b") as file:
            file.write(result.stdout)
            file.truncate()


def _check_gif_options(
    fps: float, max_colors: int, max_bytes: int | None, palette: GifPalette = "fixed"
) -> None:
    if fps not in GIF_FPS:
        rates = ", ".join(f"{rate:g}" for rate in GIF_FPS)
        raise ValueError(f"a GIF plays {fps:g} fps unevenly; use one of {rates} fps")
    if not 4 <= max_colors <= 256:
        raise ValueError(f"max_colors must be between 4 and 256, not {max_colors}")
    if max_bytes is not None and max_bytes <= 0:
        raise ValueError(f"max_bytes must be positive, not {max_bytes}")
    if palette not in GIF_PALETTES:
        raise ValueError(f"palette must be one of {', '.join(GIF_PALETTES)}, not {palette!r}")


def _even(length: float) -> int:
    return max(2, 2 * round(length / 2))


def checked_frame(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """The frame, after checking its shape and type (RGB or RGBA; alpha is ignored)."""
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] not in (3, 4):
        raise ValueError(f"expected an HxWx3 or HxWx4 uint8 frame, got {frame.shape} {frame.dtype}")
    if frame.shape[:2] != (height, width):
        raise ValueError(f"frame is {frame.shape[1]}x{frame.shape[0]}, expected {width}x{height}")
    return frame


class _GifEncoder:
    """Buffers every frame: the palette is computed from all of them."""

    def __init__(
        self, path: Path, width: int, height: int, fps: float, colors: int, max_bytes: int | None
    ) -> None:
        _check_gif_options(fps, colors, max_bytes)
        self.path, self.width, self.height, self.fps = path, width, height, fps
        self.colors, self.max_bytes = colors, max_bytes
        self.frames: list[np.ndarray] = []

    def write(self, frame: np.ndarray, repeat: int = 1) -> None:
        frame = checked_frame(frame, self.width, self.height)
        # Frames are only lent (capture reuses Manim's buffer): copy, but share repeated frames.
        if self.frames and np.array_equal(frame, self.frames[-1]):
            kept = self.frames[-1]
        else:
            kept = np.array(frame)
        self.frames.extend([kept] * repeat)

    def close(self) -> GifReport:
        return encode_gif(self.frames, self.path, self.fps, self.colors, self.max_bytes)


class _StreamingGifEncoder:
    """Encodes each frame as it comes, with a palette made at the first frame, and made again
    every PALETTE_REFRESH seconds when `palette` is "refreshed"; the fixed colours are exact in
    every palette."""

    def __init__(
        self,
        path: Path,
        width: int,
        height: int,
        fps: float,
        colors: int,
        fixed: Sequence[str],
        palette: GifPalette = "fixed",
    ) -> None:
        _check_gif_options(fps, colors, None, palette)
        if colors - len(set(fixed)) < 2:
            raise ValueError(f"{len(set(fixed))} fixed colours do not fit {colors} colours")
        self.path, self.width, self.height, self.fps = path, width, height, fps
        self.colors, self.fixed, self.palette = colors, tuple(fixed), palette
        self.refresh = max(1, round(fps * PALETTE_REFRESH)) if palette == "refreshed" else None
        self.frames = 0
        self.palette_made = 0  # the frame the palette in use was made from
        self.file = ExitStack()

    def _start(self) -> None:
        self.container, self.stream = self.file.enter_context(
            _gif_container(self.path, Fraction(self.fps), (self.width, self.height))
        )
        self.images = _HeldImages(self.container, self.stream)

    def _map_with_palette_of(self, frame: np.ndarray) -> None:
        """From now on, map frames to a palette made from `frame` (a new filter graph: the
        palette mapper keeps indices of unchanged pixels from frame to frame)."""
        rate = Fraction(self.fps)
        self.graph = graph = av.filter.Graph()  # held: its filters live only as long as it does
        self.source = graph.add_buffer(
            width=self.width, height=self.height, format=_pixel_format(frame), time_base=1 / rate
        )
        palette_source = graph.add_buffer(width=16, height=16, format="rgb24", time_base=1 / rate)
        apply = _paletteuse(graph)
        self.sink = graph.add("buffersink")
        self.source.link_to(apply, 0, 0)
        palette_source.link_to(apply, 0, 1)
        apply.link_to(self.sink)
        graph.configure()
        palette = gif_palette(frame, self.fixed, self.colors).reshape(16, 16, 3)
        palette_source.push(_video_frame(palette, self.frames))
        palette_source.push(None)  # one palette for the filter's life
        self.palette_made = self.frames

    def write(self, frame: np.ndarray, repeat: int = 1) -> None:
        """Encode `frame` once, shown for `repeat` frames."""
        frame = checked_frame(frame, self.width, self.height)
        if repeat < 1:
            raise ValueError(f"a frame lasts at least one frame, not {repeat}")
        if not self.frames:
            self._start()
            self._map_with_palette_of(frame)
        elif self.refresh and self.frames - self.palette_made >= self.refresh:
            self._map_with_palette_of(frame)
        self.source.push(_video_frame(frame, self.frames))
        self.images.add(self.sink.pull(), repeat)
        self.frames += repeat

    def close(self) -> GifReport:
        if not self.frames:
            raise ValueError("a GIF needs at least one frame")
        self.file.close()
        holds = self.images.holds()
        _finish_gif(self.path, sum(count for _, count in holds))
        size = self.path.stat().st_size
        return GifReport(
            self.path,
            self.width,
            self.height,
            self.fps,
            self.frames,
            size,
            colors=self.colors,
            max_bytes=None,
            fits=True,
            given_up=(),
            holds=holds,
            palette=self.palette,
        )


class _VideoEncoder:
    """Streams frames into an H.264 or VP9 file, in BT.709 as browsers assume for video."""

    def __init__(self, path: Path, width: int, height: int, fps: float, spec: _VideoCodec) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"{spec.codec} needs even dimensions, not {width}x{height}")
        self.path, self.width, self.height, self.fps = path, width, height, fps
        self.spec = spec
        self.frames = 0
        self.source: av.VideoFrame | None = None

    def _start(self) -> None:
        spec = self.spec
        self.container = av.open(str(self.path), "w", options=spec.container_options)
        self.stream = self.container.add_stream(
            spec.codec, rate=Fraction(self.fps).limit_denominator(1001), options=spec.options
        )
        self.stream.width, self.stream.height = self.width, self.height
        self.stream.pix_fmt = "yuv420p"
        context = self.stream.codec_context
        context.colorspace = context.color_primaries = context.color_trc = 1  # BT.709
        context.color_range = 1  # limited (TV) range

    def write(self, frame: np.ndarray, repeat: int = 1) -> None:
        frame = checked_frame(frame, self.width, self.height)
        if not self.frames:
            self._start()
        rgb = self._source_of(frame)
        yuv = rgb.reformat(format="yuv420p", dst_colorspace="ITU709", dst_color_range="MPEG")
        for _ in range(repeat):  # constant frame rate: a held picture is every frame again
            yuv.pts = self.frames
            self.container.mux(self.stream.encode(yuv))
            self.frames += 1

    def _source_of(self, pixels: np.ndarray) -> av.VideoFrame:
        """`pixels` in the one frame kept for them: a new frame for every picture (PyAV's
        from_ndarray) cost 11.7 ms at 1920x1080 with the conversion to YUV, filling this one and
        converting it 3.2 ms."""
        pixel_format = _pixel_format(pixels)
        if self.source is None or self.source.format.name != pixel_format:
            self.source = av.VideoFrame(self.width, self.height, pixel_format)
        plane = self.source.planes[0]
        rows = np.frombuffer(plane, np.uint8).reshape(self.height, plane.line_size)
        np.copyto(rows[:, : pixels.shape[1] * pixels.shape[2]].reshape(pixels.shape), pixels)
        return self.source

    def close(self) -> EncodeReport:
        if not self.frames:
            raise ValueError("a video needs at least one frame")
        self.container.mux(self.stream.encode())
        self.container.close()
        return _report(self.path, self.width, self.height, self.fps, self.frames)


class _PosterEncoder:
    """Keeps only the last frame and saves it as a PNG."""

    def __init__(self, path: Path, width: int, height: int, fps: float) -> None:
        self.path, self.width, self.height, self.fps = path, width, height, fps
        self.last: np.ndarray | None = None

    def write(self, frame: np.ndarray, repeat: int = 1) -> None:
        self.last = np.array(checked_frame(frame, self.width, self.height))

    def close(self) -> EncodeReport:
        if self.last is None:
            raise ValueError("a poster needs at least one frame")
        rgb = np.ascontiguousarray(self.last[..., :3])
        # zlib's default level: on the book's figures 3% larger than level 9 (`optimize`), in a
        # quarter of the time (9 ms against 36 ms at 854x480; a build writes one per figure).
        Image.fromarray(rgb).save(self.path, format="PNG", compress_level=6)
        return _report(self.path, self.width, self.height, self.fps, 1)


def _report(path: Path, width: int, height: int, fps: float, frames: int) -> EncodeReport:
    return EncodeReport(path, width, height, fps, frames, path.stat().st_size)
