"""A loss surface f(x, y) with its analytic gradient, evaluated over arrays of points shaped (..., 2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..errors import OptirollError

Array = np.ndarray


@dataclass(frozen=True)
class Window:
    """A rectangle of the (x, y) plane."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x_min + self.x_max) / 2, (self.y_min + self.y_max) / 2)

    def scaled(self, factor: float) -> Window:
        """The window grown by `factor` about its centre."""
        cx, cy = self.center
        hw, hh = (self.x_max - self.x_min) / 2 * factor, (self.y_max - self.y_min) / 2 * factor
        return Window(cx - hw, cx + hw, cy - hh, cy + hh)

    def contains(self, points: Array) -> Array:
        """Whether each point (..., 2) lies inside, as a boolean array (...)."""
        x, y = points[..., 0], points[..., 1]
        return (x >= self.x_min) & (x <= self.x_max) & (y >= self.y_min) & (y <= self.y_max)

    def as_list(self) -> list[float]:
        return [self.x_min, self.x_max, self.y_min, self.y_max]

    @property
    def default_start(self) -> tuple[float, float]:
        """Where the book starts, (-7, 2), relative to its window [-10, 10] x [-5, 5]."""
        return (
            self.x_min + 0.15 * (self.x_max - self.x_min),
            self.y_min + 0.7 * (self.y_max - self.y_min),
        )


@dataclass(frozen=True)
class Surface:
    """A loss surface: formula for display, value and gradient, view window, start and minima.

    `minima` are the global minima (empty when there is none, as on a saddle); local minima are
    named in `description`; `saddles` are the saddle points a figure marks. `name` is safe in a
    file name; `spec` is what `--surface` takes to make this surface again (the name, unless it
    has parameters or a formula).
    """

    name: str
    formula: str
    latex: str
    value_fn: Callable[[Array, Array], Array]
    gradient_fn: Callable[[Array, Array], tuple[Array, Array]]
    window: Window
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    description: str = ""
    spec: str = ""
    saddles: tuple[tuple[float, float], ...] = ()

    def value(self, points: Array) -> Array:
        """f at each point: (..., 2) -> (...)."""
        points = np.asarray(points, dtype=np.float64)
        return self.value_fn(points[..., 0], points[..., 1])

    def gradient(self, points: Array) -> Array:
        """The gradient at each point: (..., 2) -> (..., 2)."""
        points = np.asarray(points, dtype=np.float64)
        gx, gy = self.gradient_fn(points[..., 0], points[..., 1])
        return np.stack(np.broadcast_arrays(gx, gy), axis=-1)

    def with_window(self, window: Window) -> Surface:
        """The same surface seen through another window."""
        return replace(self, window=window)

    def nonfinite_point(self, samples: int = 101) -> tuple[float, float] | None:
        """A point of a grid over the window where f is not a finite number, else None."""
        w = self.window
        axes = np.linspace(w.x_min, w.x_max, samples), np.linspace(w.y_min, w.y_max, samples)
        grid = np.stack(np.meshgrid(*axes), axis=-1)
        with np.errstate(all="ignore"):
            bad = ~np.isfinite(self.value(grid))
        if not bad.any():
            return None
        x, y = grid[np.unravel_index(np.argmax(bad), bad.shape)]
        return float(x), float(y)

    def require_finite(self) -> Surface:
        """This surface, if f is a finite real number over a grid on its window; else a one-line error."""
        point = self.nonfinite_point()
        if point is not None:
            w = self.window
            raise OptirollError(
                f"{self.formula} is not a finite real number at ({point[0]:g}, {point[1]:g}),"
                f" inside the window x in [{w.x_min:g}, {w.x_max:g}], y in [{w.y_min:g}, {w.y_max:g}]"
            )
        return self
