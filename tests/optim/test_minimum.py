"""The lowest point inside a window, found numerically: where a figure marks an `expr:` minimum."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from optiroll.optim.expression import expression_surface
from optiroll.optim.minimum import window_minimum
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
