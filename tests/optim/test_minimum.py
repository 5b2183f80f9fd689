"""The lowest point inside a window, found numerically: where a figure marks an `expr:` minimum."""

import dataclasses
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from optiroll.optim.expression import expression_surface
from optiroll.optim.minimum import GRID, _polish, window_minimum
from optiroll.optim.surface import Window
from optiroll.optim.surfaces import SURFACES

WINDOW = Window(-10.0, 10.0, -5.0, 5.0)


@pytest.mark.parametrize("name", [n for n, s in SURFACES.items() if s.minima])
def test_it_finds_each_named_surfaces_known_minimum(name):
    s = SURFACES[name]
    found = window_minimum(s)
    assert found is not None
    # Himmelblau's four minima are all f = 0: any one of them is the lowest point.
    distance = min(np.hypot(found[0] - x, found[1] - y) for x, y in s.minima)
    assert distance < 1e-6, (found, s.minima)


@given(
    cx=st.floats(-9.0, 9.0),
    cy=st.floats(-4.5, 4.5),
    ax=st.floats(0.05, 20.0),
    ay=st.floats(0.05, 20.0),
)
def test_a_bowl_anywhere_inside_has_its_centre_found_closely(cx, cy, ax, ay):
    s = expression_surface(f"{ax}*(x - ({cx}))**2 + {ay}*(y - ({cy}))**4", WINDOW)
    assert len(s.minima) == 1
    x, y = s.minima[0]
    assert abs(x - cx) < 1e-6
    # A quartic is flat at its bottom: Newton closes in linearly, and f is what matters.
    assert ay * (y - cy) ** 4 < 1e-9


@pytest.mark.parametrize(
    ("formula", "window"),
    [
        ("x + y", WINDOW),  # a plane falls past the edge
        ("x**2 - y**2", WINDOW),  # a saddle falls along y
        ("(x - 12)**2 + y**2", WINDOW),  # a bowl centred outside
        ("cos(0)", WINDOW),  # flat: nothing to mark
        ("x**2/20 + y**2", Window(2.0, 8.0, -3.0, 3.0)),  # the bowl's centre left of the view
    ],
)
def test_none_when_the_lowest_point_is_on_the_edge_or_f_is_flat(formula, window):
    assert expression_surface(formula, window).minima == ()


def test_the_minimum_follows_the_window_asked():
    wavy = "sin(x)*cos(y) + (x**2 + y**2)/50"
    wide = expression_surface(wavy, Window(-6.0, 6.0, -4.0, 4.0)).minima[0]
    # sin(x)cos(y) is -1 at (-pi/2, 0); the bowl pulls it a little towards the origin.
    assert abs(wide[1]) < 1e-9 and -np.pi / 2 < wide[0] < -1.4
    right = expression_surface(wavy, Window(0.5, 3.0, 1.5, 4.5)).minima[0]
    # In this window the lowest point is near (pi/2, pi), where sin x cos y = -1.
    assert abs(right[0] - np.pi / 2) < 0.1 and abs(right[1] - np.pi) < 0.2


def test_a_kink_keeps_the_grids_answer_when_newton_cannot_improve_it():
    s = expression_surface("abs(x - 1) + abs(y + 0.3)", WINDOW)
    x, y = s.minima[0]
    assert abs(x - 1) <= 20 / 120 and abs(y + 0.3) <= 10 / 120  # within a grid cell


def _grid_lowest(surface, window):
    """The lowest sample of a 121 x 121 grid over the window, and the grid's cell."""
    xs, ys = (
        np.linspace(window.x_min, window.x_max, 121),
        np.linspace(window.y_min, window.y_max, 121),
    )
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    values = surface.value(grid)
    row, col = np.unravel_index(np.argmin(values), values.shape)
    return grid[row, col], np.array([xs[1] - xs[0], ys[1] - ys[0]])


@settings(max_examples=40, deadline=None)
@given(
    centre=st.tuples(st.floats(-5.0, 5.0), st.floats(-2.5, 2.5)),
    ripple=st.tuples(st.floats(0.1, 3.0), st.floats(2.0, 12.0)),
)
def test_newton_never_ends_worse_than_the_grid_nor_beyond_a_cell_of_it(centre, ripple):
    """On a bowl with ripples, where Newton steps can overshoot into another ripple or climb,
    the point kept is no higher than the grid's lowest sample and within a cell of it."""
    (cx, cy), (a, k) = centre, ripple
    formula = f"(x - ({cx}))**2/10 + (y - ({cy}))**2/5 + {a}*cos({k}*x)*cos({k}*y)"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = expression_surface(formula, WINDOW)
    sample, cell = _grid_lowest(s, WINDOW)
    assume(s.minima)  # none when the lowest sample is on the window's edge
    found = np.array(s.minima[0])
    assert s.value(found) <= s.value(sample)
    assert np.all(np.abs(found - sample) <= cell * (1 + 1e-12))
    assert WINDOW.contains(found)


@pytest.mark.parametrize(
    "formula", ["x**2 + (y - 7)**2", "x**2 + (y + 7)**2", "(x + 12)**2 + y**2"]
)
def test_none_when_the_lowest_point_is_on_any_edge(formula):
    """A bowl centred beyond the top, bottom or left edge: its lowest sample is on that edge."""
    assert expression_surface(formula, WINDOW).minima == ()


def test_a_newton_step_out_of_the_cell_is_not_taken():
    """Near the bottom of sqrt((x - 0.05)**2 + 1e-6), a smoothed |x - 0.05|, the curvature at the
    grid's lowest sample (0, 0) is tiny and Newton would jump about 125 away: the sample is kept."""
    s = expression_surface("sqrt((x - 0.05)**2 + 0.000001) + (y - 0.03)**2", WINDOW)
    assert s.minima == ((0.0, 0.0),)


# Newton's polish (_polish) from a given start, on a wide window and a cell of one unit: its
# contract is that a step is taken only while it stays within a cell of the start and in the
# window, and lowers f or keeps it; it stops once the step is below the tolerance.
WIDE = Window(-10.0, 10.0, -10.0, 10.0)
UNIT = np.array([1.0, 1.0])


@pytest.mark.parametrize(
    ("formula", "start"),
    [
        ("(x - 3)**2 + (y - 3)**2", (0.0, 0.0)),  # the bottom three cells away
        ("(x - 10.5)**2 + y**2", (9.5, 0.0)),  # the bottom within a cell, but outside the window
    ],
)
def test_newton_never_steps_beyond_a_cell_of_its_start_or_out_of_the_window(formula, start):
    point = _polish(expression_surface(formula, WIDE), np.array(start), UNIT, WIDE)
    assert np.all(np.abs(point - start) <= UNIT) and WIDE.contains(point)


def test_a_step_of_exactly_one_cell_is_within_the_limit():
    """From 0.5, with a cell of 0.25, Newton's step to the bottom at 0.75 is exactly one cell."""
    surface = expression_surface("(x - 0.75)**2 + y**2", WIDE)
    point = _polish(surface, np.array([0.5, 0.0]), np.array([0.25, 0.25]), WIDE)
    assert point.tolist() == [0.75, 0.0]


@pytest.mark.parametrize(
    "formula",
    [
        "10000*(y - 0.1*x - 0.01)**2 + 0.001*(x - 0.05)**2",
        "10000*(x - 0.1*y - 0.01)**2 + 0.001*(y - 0.05)**2",
    ],
)
def test_the_answer_is_within_one_grid_spacing_of_the_lowest_sample(formula):
    """In a narrow valley tilted off an axis the grid's lowest sample lies 1.3 spacings along it
    from the bottom: Newton may not step so far, on either axis (the spacing of each axis is
    the window's side over GRID - 1)."""
    surface = expression_surface(formula, WIDE)
    xs = np.linspace(WIDE.x_min, WIDE.x_max, GRID)
    ys = np.linspace(WIDE.y_min, WIDE.y_max, GRID)
    samples = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    lowest = samples[np.argmin(surface.value(samples))]
    spacing = np.array([WIDE.x_max - WIDE.x_min, WIDE.y_max - WIDE.y_min]) / (GRID - 1)
    found = np.array(window_minimum(surface, WIDE))
    assert np.all(np.abs(found - lowest) <= spacing * (1 + 1e-12))
    assert surface.value(found) <= surface.value(lowest)


def test_newton_never_takes_a_step_that_raises_f():
    """Where cos is concave, Newton's step heads for its maximum at 0: not taken."""
    surface = expression_surface("cos(x) + y**2", WIDE)
    start = np.array([0.3, 0.0])
    point = _polish(surface, start, UNIT, WIDE)
    assert surface.value(point) <= surface.value(start)


def test_newton_reaches_the_minimum_where_f_is_flat_in_floating_point():
    """1 + x² + y² rounds to 1 within 1e-8 of its minimum: a step that keeps f is still taken."""
    point = _polish(expression_surface("1 + x**2 + y**2", WIDE), np.array([1e-9, 1e-9]), UNIT, WIDE)
    assert np.all(np.abs(point) < 1e-15)


@pytest.mark.parametrize(
    ("bottom", "steps"),
    [
        ((0.25, -0.5), 2),  # the first step lands on the bottom, the second is zero
        ((1e-12, 0.0), 1),  # the first step is exactly the tolerance, a millionth of a millionth
    ],
)
def test_newton_stops_once_its_step_is_within_the_tolerance(bottom, steps):
    """On a bowl Newton's first step lands on the bottom: it stops once a step is no longer than
    1e-12 of a cell, after `steps` steps (a gradient and four for the Hessian each)."""
    bowl = expression_surface(f"(x - {bottom[0]!r})**2 + 2*(y - {bottom[1]!r})**2", WIDE)
    calls = []

    def counted(x, y):
        calls.append(1)
        return bowl.gradient_fn(x, y)

    surface = dataclasses.replace(bowl, gradient_fn=counted)
    point = _polish(surface, np.array([0.0, 0.0]), UNIT, WIDE)
    np.testing.assert_allclose(point, bottom, atol=1e-12)
    assert len(calls) == steps * 5
