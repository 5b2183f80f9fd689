"""Contour lines of a surface over a window, in data coordinates (contourpy; no Manim)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..optim.surfaces import Surface, Window

LEVELS = 9  # contour levels on a smooth surface
# At most this many separate lines: an egg box (Rastrigin) draws a ring per bump and level, and
# hundreds of rings hide the paths; levels are thinned out, keeping the span, until they fit.
MAX_LINES = 160
MIN_LEVELS = 3
RESOLUTION = 200  # grid samples across the window, at least
SAMPLE_PIXELS = 2.5  # and at least one sample per this many output pixels: smooth at 1080p and 4K
MAX_RESOLUTION = 1000


@dataclass(frozen=True)
class Contours:
    """A contour map: ascending `levels` and each level's `lines`, (m, 2) arrays of data points."""

    levels: np.ndarray
    lines: list[list[np.ndarray]]


def contour_resolution(width_pixels: float) -> int:
    """Grid samples across a plot `width_pixels` wide: enough that the lines stay smooth."""
    return int(min(MAX_RESOLUTION, max(RESOLUTION, width_pixels / SAMPLE_PIXELS)))


def contours(
    surface: Surface, window: Window, resolution: int = RESOLUTION, count: int = LEVELS
) -> Contours:
    """Levels (see `geometric_levels`; fewer, spanning the same losses, where `count` of them
    would draw over MAX_LINES lines) and their lines, traced on a grid `resolution` across."""
    coarse, values = _generator(surface, window, RESOLUTION)  # counts lines alike, and fast
    for fewer in range(count, MIN_LEVELS - 1, -1):
        levels = geometric_levels(values, fewer)
        if sum(len(_lines(coarse, level)) for level in levels) <= MAX_LINES:
            break
    fine = coarse if resolution == RESOLUTION else _generator(surface, window, resolution)[0]
    return Contours(levels, [_lines(fine, level) for level in levels])


def _generator(surface: Surface, window: Window, resolution: int):
    """contourpy's generator over a grid `resolution` samples across the window, and the values."""
    import contourpy

    x, y, points = _grid(window, resolution)
    with np.errstate(all="ignore"):
        values = surface.value(points)
    return contourpy.contour_generator(x, y, values, line_type=contourpy.LineType.Separate), values


def _lines(generator, level: float) -> list[np.ndarray]:
    return [line for line in generator.lines(level) if len(line) > 1]


def contour_levels(
    surface: Surface, window: Window, count: int = LEVELS, resolution: int = RESOLUTION
) -> np.ndarray:
    """The contour levels of `surface` over `window` (see `geometric_levels`)."""
    return geometric_levels(surface.value(_grid(window, resolution)[2]), count)


def geometric_levels(values: np.ndarray, count: int) -> np.ndarray:
    """Ascending levels spaced geometrically above the lowest finite value; none when flat.

    Evenly spaced levels of x**2/20 + y**2 crowd the steep y walls and leave the long valley
    empty; geometric ones draw nested ellipses down to the minimum, as a reader expects, and
    space a surface whose losses span decades (Beale, Rosenbrock) evenly on a log scale. The top
    level is the 85th percentile, so a few huge values (Rosenbrock's corners) do not squeeze the
    rest into the bottom.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0 or not finite.max() > finite.min():
        return np.empty(0)
    low = float(finite.min())
    span = np.quantile(finite - low, [0.005, 0.85])
    hi = max(float(span[1]), 2e-9)
    lo = max(float(span[0]), hi * MAX_DECADES_BELOW)  # rings a reader can tell from the minimum
    return low + np.geomspace(lo, hi, count)


MAX_DECADES_BELOW = 1e-6  # the lowest level is at least this fraction of the highest


def contour_lines(
    surface: Surface, window: Window, levels: np.ndarray, resolution: int = RESOLUTION
) -> list[list[np.ndarray]]:
    """For each of the given levels, its lines as (m, 2) arrays of data points."""
    import contourpy

    x, y, points = _grid(window, resolution)
    generator = contourpy.contour_generator(
        x, y, surface.value(points), line_type=contourpy.LineType.Separate
    )
    return [_lines(generator, level) for level in levels]


def _grid(window: Window, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    aspect = (window.y_max - window.y_min) / (window.x_max - window.x_min)
    x = np.linspace(window.x_min, window.x_max, resolution)
    y = np.linspace(window.y_min, window.y_max, max(8, int(resolution * min(aspect, 4))))
    xx, yy = np.meshgrid(x, y)
    return x, y, np.stack([xx, yy], axis=-1)
