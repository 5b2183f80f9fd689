"""Contour lines of a surface over a window, in data coordinates (contourpy; no Manim)."""

from __future__ import annotations

import numpy as np

from ..optim.surfaces import Surface, Window


def contour_levels(
    surface: Surface, window: Window, count: int = 9, resolution: int = 200
) -> np.ndarray:
    """The contour levels of `surface` over `window` (see `geometric_levels`)."""
    return geometric_levels(surface.value(_grid(window, resolution)[2]), count)


def geometric_levels(values: np.ndarray, count: int) -> np.ndarray:
    """Ascending levels spaced geometrically above the lowest finite value; none when flat.

    Evenly spaced levels of x**2/20 + y**2 crowd the steep y walls and leave the long valley
    empty; geometric ones draw nested ellipses down to the minimum, as a reader expects. The top
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
    surface: Surface, window: Window, levels: np.ndarray, resolution: int = 200
) -> list[list[np.ndarray]]:
    """For each level, its lines as (m, 2) arrays of data points."""
    import contourpy

    x, y, points = _grid(window, resolution)
    generator = contourpy.contour_generator(
        x, y, surface.value(points), line_type=contourpy.LineType.Separate
    )
    return [[line for line in generator.lines(level) if len(line) > 1] for level in levels]


def _grid(window: Window, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    aspect = (window.y_max - window.y_min) / (window.x_max - window.x_min)
    x = np.linspace(window.x_min, window.x_max, resolution)
    y = np.linspace(window.y_min, window.y_max, max(8, int(resolution * min(aspect, 4))))
    xx, yy = np.meshgrid(x, y)
    return x, y, np.stack([xx, yy], axis=-1)
