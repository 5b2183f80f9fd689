"""Contour levels, shared by the renders and the terminal: geometric above the minimum, thinned
where a surface would draw hundreds of rings, sampled finely enough to stay smooth at any size."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optiroll.optim.surfaces import BOOK, SURFACES
from optiroll.plan.contours import (
    MAX_LINES,
    MIN_LEVELS,
    contour_resolution,
    contours,
    geometric_levels,
)


@given(
    values=st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=200).filter(
        lambda v: max(v) - min(v) > 1e-3
    ),
    count=st.integers(2, 12),
)
def test_levels_ascend_geometrically_above_the_lowest_value(values, count):
    values = np.array(values)
    levels = geometric_levels(values, count)
    gaps = levels - values.min()
    assert len(levels) == count and np.all(gaps > 0)
    assert np.allclose(gaps[1:] / gaps[:-1], (gaps[-1] / gaps[0]) ** (1 / (count - 1)), rtol=1e-3)
    assert np.isclose(gaps[-1], max(np.quantile(values - values.min(), 0.85), 2e-9))


def test_not_finite_values_are_ignored_and_a_flat_surface_has_no_levels():
    values = np.array([1.0, np.nan, 2.0, np.inf, 5.0])
    assert np.array_equal(geometric_levels(values, 4), geometric_levels(values[[0, 2, 4]], 4))
    assert geometric_levels(np.array([3.0, 3.0]), 5).size == 0
    assert geometric_levels(np.array([np.nan]), 5).size == 0


def test_the_book_surface_gets_nested_ellipses_down_to_the_minimum():
    found = contours(BOOK, BOOK.window)
    inner = found.lines[0][0]
    assert found.levels[0] < 0.01 * found.levels[-1]  # rings go down close to the minimum, 0
    # The innermost ring is an ellipse 20**0.5 times wider than tall, around (0, 0).
    width, height = np.ptp(inner[:, 0]), np.ptp(inner[:, 1])
    assert np.isclose(width / height, 20**0.5, rtol=0.05)
    assert np.allclose(inner.mean(axis=0), 0, atol=0.05 * width)


@pytest.mark.parametrize("name", ["rosenbrock", "beale"])
def test_losses_spanning_decades_get_levels_evenly_spaced_in_log(name):
    s = SURFACES[name]
    found = contours(s, s.window)
    gaps = found.levels - s.value(np.array(s.minima[0]))
    assert gaps[-1] / gaps[0] > 1e3  # decades apart
    ratios = gaps[1:] / gaps[:-1]
    assert np.allclose(ratios, ratios[0], rtol=0.05)


@pytest.mark.parametrize("name", list(SURFACES))
def test_no_surface_draws_more_lines_than_a_reader_can_follow(name):
    s = SURFACES[name]
    found = contours(s, s.window)
    assert sum(map(len, found.lines)) <= MAX_LINES or len(found.levels) == MIN_LEVELS
    assert len(found.levels) >= MIN_LEVELS


def test_the_egg_box_is_thinned_but_keeps_its_span():
    s = SURFACES["rastrigin"]
    thinned, full = contours(s, s.window), geometric_levels(s.value(grid(s.window, 200)), 9)
    assert len(thinned.levels) < len(full)
    assert thinned.levels[0] == full[0] and thinned.levels[-1] == full[-1]


def grid(window, n):
    xs, ys = np.linspace(window.x_min, window.x_max, n), np.linspace(window.y_min, window.y_max, n)
    return np.stack(np.meshgrid(xs, ys), axis=-1)


@pytest.mark.parametrize("width", [380, 900, 1700, 3400])
@pytest.mark.parametrize("name", ["book", "rastrigin", "himmelblau"])
def test_lines_stay_smooth_at_every_output_size(name, width):
    """No straight piece of a contour line is longer than a few pixels at the plot's width in
    pixels (1700 px: a plot of a 4K compare figure; 3400: a 4K race), so no line looks
    polygonal; a 200-sample grid gives 17 px pieces at 3400 px."""
    s = SURFACES[name]
    w = s.window
    found = contours(s, w, resolution=contour_resolution(width))
    per_unit = width / (w.x_max - w.x_min)
    longest = max(
        np.hypot(*np.diff(line, axis=0).T).max() * per_unit
        for lines in found.lines
        for line in lines
    )
    assert longest <= 5.0, longest
    assert contour_resolution(width) >= contour_resolution(380)
