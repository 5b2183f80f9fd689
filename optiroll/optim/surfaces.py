"""The named loss surfaces: the book's bowl, the same bowl turned, and the classic test functions."""

from __future__ import annotations

import math
from collections.abc import Callable

from .classic_surfaces import CLASSIC_SURFACES
from .surface import Array, Surface, Window

__all__ = ["BOOK", "SURFACES", "SURFACE_FAMILIES", "Surface", "Window", "rotated"]

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

DEFAULT_ANGLE = 45.0


def rotated(angle: float = DEFAULT_ANGLE) -> Surface:
    """The book's bowl turned `angle` degrees anticlockwise, its start and window turned with it."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))

    def along_across(x: Array, y: Array) -> tuple[Array, Array]:
        return x * c + y * s, y * c - x * s

    def value(x: Array, y: Array) -> Array:
        u, v = along_across(x, y)
        return u**2 / 20.0 + v**2

    def gradient(x: Array, y: Array) -> tuple[Array, Array]:
        u, v = along_across(x, y)
        return u / 10.0 * c - 2.0 * v * s, u / 10.0 * s + 2.0 * v * c

    u0, v0 = BOOK.start
    # The bounding box of the book's window turned, to the next half unit.
    half_x = math.ceil(2 * (10.0 * abs(c) + 5.0 * abs(s))) / 2
    half_y = math.ceil(2 * (10.0 * abs(s) + 5.0 * abs(c))) / 2
    default = angle == DEFAULT_ANGLE
    # Names and specs give this angle back: short when that is exact, else every digit.
    exact = f"{angle:g}" if float(f"{angle:g}") == angle else repr(float(angle))
    return Surface(
        name="rotated" if default else f"rotated-{exact}",
        formula=f"f(x, y) = u**2/20 + v**2, (u, v) = (x, y) turned by {-angle:g} degrees",
        latex=(
            rf"f(x, y) = \frac{{1}}{{20}} u^2 + v^2,\ u = x \cos {angle:g}^\circ + y \sin {angle:g}"
            rf"^\circ,\ v = y \cos {angle:g}^\circ - x \sin {angle:g}^\circ"
        ),
        value_fn=value,
        gradient_fn=gradient,
        window=Window(-half_x, half_x, -half_y, half_y),
        start=(u0 * c - v0 * s, u0 * s + v0 * c),
        minima=((0.0, 0.0),),
        description=(
            f"the book's bowl with its valley turned {angle:g} degrees off the x axis: SGD and"
            " Momentum do not notice, AdaGrad and Adam scale x and y, no longer the valley's axes"
        ),
        spec="rotated" if default else f"rotated:angle={exact}",
    )


SURFACES: dict[str, Surface] = {s.name: s for s in (BOOK, rotated(), *CLASSIC_SURFACES)}

# Surfaces that take parameters, `NAME:key=value`: the factory for each name.
SURFACE_FAMILIES: dict[str, Callable[..., Surface]] = {"rotated": rotated}
