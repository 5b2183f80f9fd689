"""The lowest point of a surface inside a window, found numerically (for `expr:` formulas).

A coarse grid finds the lowest sample; a few Newton steps on the surface's own gradient (its
Hessian by central differences) polish it. There is none when the lowest sample lies on the
window's edge (f keeps falling outside, as a plane or a saddle does) or f is flat.
"""

from __future__ import annotations

import numpy as np

from .surface import Array, Surface, Window

GRID = 121  # samples per side of the coarse grid
NEWTON_STEPS = 30


def window_minimum(surface: Surface, window: Window | None = None) -> tuple[float, float] | None:
    """The lowest point of `surface` inside `window` (default: the surface's), or None."""
    window = window or surface.window
    xs = np.linspace(window.x_min, window.x_max, GRID)
    ys = np.linspace(window.y_min, window.y_max, GRID)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        values = surface.value(grid)
    values = np.where(np.isfinite(values), values, np.inf)
    row, col = np.unravel_index(np.argmin(values), values.shape)
    lowest = values[row, col]
    if not np.isfinite(lowest) or not np.nanmax(values[np.isfinite(values)]) > lowest:
        return None
    if row in (0, GRID - 1) or col in (0, GRID - 1):
        return None
    cell = np.array([xs[1] - xs[0], ys[1] - ys[0]])
    best = _polish(surface, grid[row, col], cell, window)
    return float(best[0]), float(best[1])


def _polish(surface: Surface, point: Array, cell: Array, window: Window) -> Array:
    """`point` moved by Newton steps while each lowers f and stays within a cell of the start.

    The grid's lowest sample lies within a cell of the minimum of its basin; a step that leaves
    that neighbourhood, or does not lower f, is not taken, so the answer is never worse than the
    grid's.
    """
    start = point
    value = float(surface.value(point))
    for _ in range(NEWTON_STEPS):
        g = surface.gradient(point)
        hessian = _hessian(surface, point, cell * 1e-4)
        try:
            step = -np.linalg.solve(hessian, g)
        except np.linalg.LinAlgError:
            break
        candidate = point + step
        if not (np.all(np.abs(candidate - start) <= cell) and window.contains(candidate)):
            break
        with np.errstate(all="ignore"):
            new = float(surface.value(candidate))
        if not (np.isfinite(new) and new <= value):
            break
        point, value = candidate, new
        if np.all(np.abs(step) <= cell * 1e-12):
            break
    return point


def _hessian(surface: Surface, point: Array, h: Array) -> Array:
    """The Hessian at `point` by central differences of the gradient, symmetrized."""
    columns = []
    for axis in (0, 1):
        offset = np.zeros(2)
        offset[axis] = h[axis]
        with np.errstate(all="ignore"):
            columns.append(
                (surface.gradient(point + offset) - surface.gradient(point - offset))
                / (2 * h[axis])
            )
    hessian = np.stack(columns, axis=1)
    return (hessian + hessian.T) / 2
