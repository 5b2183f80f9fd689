"""Loss surfaces f(x, y) with analytic gradients, evaluated over arrays of points shaped (..., 2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

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


@dataclass(frozen=True)
class Surface:
    """A loss surface: formula for display, value and gradient, view window, start and minima."""

    name: str
    formula: str
    latex: str
    value_fn: Callable[[Array, Array], Array]
    gradient_fn: Callable[[Array, Array], tuple[Array, Array]]
    window: Window
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    description: str = ""

    def value(self, points: Array) -> Array:
        """f at each point: (..., 2) -> (...)."""
        points = np.asarray(points, dtype=np.float64)
        return self.value_fn(points[..., 0], points[..., 1])

    def gradient(self, points: Array) -> Array:
        """The gradient at each point: (..., 2) -> (..., 2)."""
        points = np.asarray(points, dtype=np.float64)
        gx, gy = self.gradient_fn(points[..., 0], points[..., 1])
        return np.stack(np.broadcast_arrays(gx, gy), axis=-1)


BOOK = Surface(
    name="book",
    formula="f(x, y) = x**2/20 + y**2",
    latex=r"f(x, y) = \frac{1}{20} x^2 + y^2",
    value_fn=lambda x, y: x**2 / 20.0 + y**2,
    gradient_fn=lambda x, y: (x / 10.0, 2.0 * y),
    window=Window(-10.0, 10.0, -5.0, 5.0),
    start=(-7.0, 2.0),
    minima=((0.0, 0.0),),
    description="the book's anisotropic bowl: a long shallow valley along x, steep walls in y",
)

SURFACES: dict[str, Surface] = {s.name: s for s in (BOOK,)}
