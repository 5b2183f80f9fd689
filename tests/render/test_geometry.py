"""The side-car's panel rectangles are where the frames are drawn, to half a pixel, at every size.

The measure is the picture's own: each edge of a panel's frame is a thin line, and its centre is
the centroid of its ink (the distance from the background colour) across the line, taken on
every row (or column) of the edge's middle and then the median of the rows that hold the line
alone (no more ink than the quietest quarter, give or take half), so a contour, a tick or a
title's descenders near it do not move it. The side-car says only where to look (a few pixels either side). A pixel
index i covers [i, i + 1), so ink centred on index c is a line at c + 0.5.
"""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from media import decode, gif_frames
from optiroll.cli import cli

SEARCH = 4  # pixels either side of the side-car's edge
TOLERANCE = 0.5


def render(tmp_path, name, *args):
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["render", "-n", "2", *args, "-O", str(out)])
    assert result.exit_code == 0, result.output
    frame = gif_frames(out)[-1] if out.suffix == ".gif" else decode(out)[-1]
    return frame.astype(float), json.loads(out.with_name(out.name + ".json").read_text())


def line_centre(ink: np.ndarray, at: float, across: tuple[float, float]) -> float:
    """Where the line near column `at` runs between rows `across` (rows: pass ink transposed)."""
    first, last = across
    rows = slice(int(first + 0.2 * (last - first)), int(last - 0.2 * (last - first)))
    lo = max(int(np.floor(at)) - SEARCH, 0)
    window = ink[rows, lo : int(np.floor(at)) + SEARCH + 1]
    weight = window.sum(axis=1)
    assert np.median(weight) > 20, f"no line near {at}"
    centres = (window * (lo + 0.5 + np.arange(window.shape[1]))).sum(axis=1) / np.maximum(
        weight, 1e-9
    )
    alone = (weight > 20) & (weight <= 1.5 * np.percentile(weight[weight > 20], 25))
    return float(np.median(centres[alone]))


def measured_rect(frame: np.ndarray, rect: list[float]) -> list[float]:
    background = np.median(frame.reshape(-1, 3), axis=0)
    ink = np.abs(frame - background).max(axis=2)
    left, top, right, bottom = rect
    return [
        line_centre(ink, left, (top, bottom)),
        line_centre(ink.T, top, (left, right)),
        line_centre(ink, right, (top, bottom)),
        line_centre(ink.T, bottom, (left, right)),
    ]


@pytest.mark.parametrize(
    ("name", "args", "size"),
    [
        ("preview.png", ["-q", "preview", "-f", "png"], (640, 360)),
        ("still.png", ["-f", "png"], (1280, 720)),
        ("blog.gif", [], (854, 480)),
        ("square.gif", ["--aspect", "1:1"], (480, 480)),
        ("four-three.gif", ["--aspect", "4:3"], (640, 480)),
        ("dark.png", ["-q", "preview", "-f", "png", "--theme", "dark"], (640, 360)),
        ("race.png", ["race", "-q", "preview", "-f", "png"], (640, 360)),
        ("preview.gif", ["-q", "preview"], (426, 240)),
        # 20 KB is under what fewer frames and colours reach: the GIF's pixels shrink too
        ("shrunk.gif", ["--max-size", "20KB"], None),
    ],
)
def test_every_panel_rectangle_is_its_drawn_frame_to_half_a_pixel(tmp_path, name, args, size):
    frame, sidecar = render(tmp_path, name, *args)
    height, width = frame.shape[:2]
    assert (sidecar["output"]["width"], sidecar["output"]["height"]) == (width, height)
    if size is None:
        assert width < 854 and height < 480
        assert abs(width / height - 854 / 480) < 0.01
    else:
        assert (width, height) == size
    assert sidecar["panels"]
    for panel in sidecar["panels"]:
        rect = panel["pixel_rect"]
        measured = measured_rect(frame, rect)
        assert np.abs(np.subtract(measured, rect)).max() <= TOLERANCE, (rect, measured)
