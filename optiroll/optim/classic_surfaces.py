"""Classic optimizer test functions, each with its analytic gradient, a view window and a start.

Formulas and minima as in Surjanovic & Bingham's Virtual Library of Simulation Experiments
(https://www.sfu.ca/~ssurjano/optimization.html), except `saddle` and `plateau`, made here.
"""

from __future__ import annotations

import numpy as np

from .surface import Array, Surface, Window


def _rosenbrock(x: Array, y: Array) -> Array:
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_gradient(x: Array, y: Array) -> tuple[Array, Array]:
    return -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)


ROSENBROCK = Surface(
    name="rosenbrock",
    formula="f(x, y) = (1 - x)**2 + 100*(y - x**2)**2",
    latex=r"f(x, y) = (1 - x)^2 + 100 (y - x^2)^2",
    value_fn=_rosenbrock,
    gradient_fn=_rosenbrock_gradient,
    window=Window(-2.0, 2.0, -1.0, 3.0),
    start=(-1.2, 1.0),
    minima=((1.0, 1.0),),
    description="a curved, flat-bottomed valley: finding it is easy, following it to (1, 1) is not",
)


def _beale_terms(x: Array, y: Array) -> tuple[Array, Array, Array]:
    return 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3


def _beale(x: Array, y: Array) -> Array:
    a, b, c = _beale_terms(x, y)
    return a**2 + b**2 + c**2


def _beale_gradient(x: Array, y: Array) -> tuple[Array, Array]:
    a, b, c = _beale_terms(x, y)
    dx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    dy = 2 * a * x + 4 * b * x * y + 6 * c * x * y**2
    return dx, dy


BEALE = Surface(
    name="beale",
    formula="f(x, y) = (1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
    latex=r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
    value_fn=_beale,
    gradient_fn=_beale_gradient,
    window=Window(-4.5, 4.5, -4.5, 4.5),
    start=(1.0, 1.5),
    minima=((3.0, 0.5),),
    description="flat in the middle, walls that rise as y**6 at the edges, a narrow valley to (3, 0.5)",
)


def _himmelblau(x: Array, y: Array) -> Array:
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _himmelblau_gradient(x: Array, y: Array) -> tuple[Array, Array]:
    a, b = x**2 + y - 11, x + y**2 - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


HIMMELBLAU = Surface(
    name="himmelblau",
    formula="f(x, y) = (x**2 + y - 11)**2 + (x + y**2 - 7)**2",
    latex=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    value_fn=_himmelblau,
    gradient_fn=_himmelblau_gradient,
    window=Window(-5.0, 5.0, -5.0, 5.0),
    start=(-0.3, -0.9),
    minima=(
        (3.0, 2.0),
        (-2.805118086952745, 3.131312518250573),
        (-3.779310253377747, -3.2831859912861696),
        (3.5844283403304917, -1.8481265269644034),
    ),
    description="four minima, all f = 0, around a maximum near (-0.27, -0.92): which one a ball finds",
)


def _saddle(x: Array, y: Array) -> Array:
    return x**2 - y**2


def _saddle_gradient(x: Array, y: Array) -> tuple[Array, Array]:
    return 2 * x, -2 * y


SADDLE = Surface(
    name="saddle",
    formula="f(x, y) = x**2 - y**2",
    latex=r"f(x, y) = x^2 - y^2",
    value_fn=_saddle,
    gradient_fn=_saddle_gradient,
    window=Window(-2.0, 2.0, -2.0, 2.0),
    start=(-1.8, 0.001),
    minima=(),
    description="no minimum: a stationary point at (0, 0) that is a maximum along y; escape it",
    saddles=((0.0, 0.0),),
)


def _rastrigin(x: Array, y: Array) -> Array:
    return 20 + x**2 - 10 * np.cos(2 * np.pi * x) + y**2 - 10 * np.cos(2 * np.pi * y)


def _rastrigin_gradient(x: Array, y: Array) -> tuple[Array, Array]:
    return (
        2 * x + 20 * np.pi * np.sin(2 * np.pi * x),
        2 * y + 20 * np.pi * np.sin(2 * np.pi * y),
    )


RASTRIGIN = Surface(
    name="rastrigin",
    formula="f(x, y) = 20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
    latex=r"f(x, y) = 20 + x^2 - 10 \cos 2\pi x + y^2 - 10 \cos 2\pi y",
    value_fn=_rastrigin,
    gradient_fn=_rastrigin_gradient,
    window=Window(-5.12, 5.12, -5.12, 5.12),
    start=(-4.5, 3.5),
    minima=((0.0, 0.0),),
    description="a bowl under an egg box: a local minimum near every integer point",
)


def _styblinski_tang(x: Array, y: Array) -> Array:
    return (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y) / 2


def _styblinski_tang_gradient(x: Array, y: Array) -> tuple[Array, Array]:
    return 2 * x**3 - 16 * x + 2.5, 2 * y**3 - 16 * y + 2.5


_ST_LOW, _ST_HIGH = -2.903534027771177, 2.746802770990837  # roots of 2t**3 - 16t + 2.5

STYBLINSKI_TANG = Surface(
    name="styblinski-tang",
    formula="f(x, y) = (x**4 - 16*x**2 + 5*x + y**4 - 16*y**2 + 5*y)/2",
    latex=r"f(x, y) = \frac{1}{2} (x^4 - 16 x^2 + 5 x + y^4 - 16 y^2 + 5 y)",
    value_fn=_styblinski_tang,
    gradient_fn=_styblinski_tang_gradient,
    window=Window(-5.0, 5.0, -5.0, 5.0),
    start=(-0.5, 4.5),
    minima=((_ST_LOW, _ST_LOW),),
    description=(
        f"four wells; the deepest at ({_ST_LOW:.4f}, {_ST_LOW:.4f}), f = -78.33; local minima at"
        f" ({_ST_HIGH:.4f}, {_ST_LOW:.4f}), ({_ST_LOW:.4f}, {_ST_HIGH:.4f}) and ({_ST_HIGH:.4f},"
        f" {_ST_HIGH:.4f})"
    ),
)


def _plateau_parts(x: Array, y: Array) -> tuple[Array, Array]:
    """q, which grows with the distance to (3, 0), and the dip at (-2, 1)."""
    return 1 + ((x - 3) ** 2 + y**2) / 4, np.exp(-4 * ((x + 2) ** 2 + (y - 1) ** 2))


def _plateau(x: Array, y: Array) -> Array:
    q, dip = _plateau_parts(x, y)
    return 1 - 1 / q - 0.25 * dip


def _plateau_gradient(x: Array, y: Array) -> tuple[Array, Array]:
    q, dip = _plateau_parts(x, y)
    return (x - 3) / (2 * q**2) + 2 * (x + 2) * dip, y / (2 * q**2) + 2 * (y - 1) * dip


# Found by Newton's method on the gradient; f = 0.61615 there.
_PLATEAU_LOCAL = (-1.9774817323610654, 0.9954963464722131)

PLATEAU = Surface(
    name="plateau",
    formula="f(x, y) = 1 - 1/(1 + ((x - 3)**2 + y**2)/4) - exp(-4*((x + 2)**2 + (y - 1)**2))/4",
    latex=(
        r"f(x, y) = 1 - \frac{1}{1 + ((x - 3)^2 + y^2)/4}"
        r" - \frac{1}{4} e^{-4 ((x + 2)^2 + (y - 1)^2)}"
    ),
    value_fn=_plateau,
    gradient_fn=_plateau_gradient,
    window=Window(-10.0, 6.0, -4.5, 4.5),
    start=(-7.0, 1.5),
    # The dip's tail moves the minimum off (3, 0) by less than 1e-40.
    minima=((3.0, 0.0),),
    description=(
        "a bowl at (3, 0), f = 0, whose rim flattens into a plateau (gradient 0.007 at the start),"
        f" and a dip on the way: a local minimum at ({_PLATEAU_LOCAL[0]:.4f},"
        f" {_PLATEAU_LOCAL[1]:.4f}), f = 0.6161"
    ),
)

CLASSIC_SURFACES = (ROSENBROCK, BEALE, HIMMELBLAU, SADDLE, RASTRIGIN, STYBLINSKI_TANG, PLATEAU)
