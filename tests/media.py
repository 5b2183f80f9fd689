"""Reading what a render wrote, for the tests: decoded frames, colours, pixels of data points."""

from pathlib import Path

import numpy as np


def decode(path: Path) -> list[np.ndarray]:
    """Every frame of a video or GIF file, as RGB uint8 arrays (PyAV)."""
    import av

    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def gif_frames(path: Path) -> list[np.ndarray]:
    """Every frame of a GIF as browsers compose it (Pillow), RGB as signed 16-bit ints: room to
    subtract colours, a quarter of the memory of Python ints (a blog GIF is 180 frames)."""
    from PIL import Image

    with Image.open(path) as im:
        frames = []
        for i in range(im.n_frames):
            im.seek(i)
            frames.append(np.asarray(im.convert("RGB")).astype(np.int16))
        return frames


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
