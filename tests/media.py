"""Reading what a render wrote, for the tests: decoded frames, colours, pixels of data points."""

import math
from pathlib import Path

import numpy as np


def rendered(out: Path, *args: str) -> dict:
    """Run `optiroll render ARGS -O out` in this process; its side-car, once it succeeded."""
    import json

    from click.testing import CliRunner

    from optiroll.cli import cli

    result = CliRunner().invoke(cli, ["render", *args, "-O", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.with_name(out.name + ".json").read_text())


def decode(path: Path, fps: float | None = None) -> list[np.ndarray]:
    """Every frame of a video or GIF file, as RGB uint8 arrays (PyAV). A GIF's picture held for
    several frames (one image, shown longer) is in the list once per frame it lasts: frames at
    `fps` where given (a GIF of one held picture says nothing else of its rate)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        unit = round(1 / (fps * stream.time_base)) if fps else None
        decoded = [
            (frame.to_ndarray(format="rgb24"), frame.duration or 1)
            for frame in container.decode(stream)
        ]
    return _per_frame(decoded, unit)


def gif_frames(path: Path) -> list[np.ndarray]:
    """Every frame of a GIF as browsers compose it (Pillow), RGB as signed 16-bit ints: room to
    subtract colours, a quarter of the memory of Python ints (a blog GIF is 180 frames). A held
    picture is in the list once per frame it lasts (the same array again)."""
    from PIL import Image

    with Image.open(path) as im:
        images = []
        for i in range(im.n_frames):
            im.seek(i)
            images.append((np.asarray(im.convert("RGB")).astype(np.int16), im.info["duration"]))
        return _per_frame(images)


def gif_delays(path: Path) -> list[int]:
    """Each image's delay in a GIF, in centiseconds, as its blocks say."""
    from optiroll.render.output import gif_blocks

    return list(gif_blocks(path).delays)


def _per_frame(images: list[tuple[np.ndarray, int]], unit: int | None = None) -> list[np.ndarray]:
    """Pictures with their durations as frames `unit` long (default: the shortest picture's
    length): a picture shown for k units is k frames (the same array, no copy)."""
    unit = unit or math.gcd(*(duration for _, duration in images)) or 1
    return [picture for picture, duration in images for _ in range(duration // unit)]


def rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])


def pixel_of(point, panel) -> tuple[int, int]:
    """(row, col) of a data point, through the side-car's panel rectangle and data window."""
    left, top, right, bottom = panel["pixel_rect"]
    x0, x1, y0, y1 = panel["data_window"]
    col = left + (point[0] - x0) / (x1 - x0) * (right - left)
    row = bottom - (point[1] - y0) / (y1 - y0) * (bottom - top)
    return int(round(row)), int(round(col))


def assert_ball_at(frame, point, panel, color):
    row, col = pixel_of(point, panel)
    patch = frame[row - 1 : row + 2, col - 1 : col + 2].reshape(-1, 3)
    distance = np.abs(patch - rgb(color)).max(axis=1).min()
    assert distance <= 40, f"no {color} pixel at {(row, col)}: {patch.tolist()}"
