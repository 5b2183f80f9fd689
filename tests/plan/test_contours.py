"""Contour levels, shared by the renders and the terminal: geometric above the minimum."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from optiroll.optim.surfaces import BOOK
from optiroll.plan.contours import contour_levels, contour_lines, geometric_levels


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
    levels = contour_levels(BOOK, BOOK.window)
    lines = contour_lines(BOOK, BOOK.window, levels)
    inner = lines[0][0]
    assert levels[0] < 0.01 * levels[-1]  # rings go down close to the minimum, 0
    # The innermost ring is an ellipse 20**0.5 times wider than tall, around (0, 0).
    width, height = np.ptp(inner[:, 0]), np.ptp(inner[:, 1])
    assert np.isclose(width / height, 20**0.5, rtol=0.05)
    assert np.allclose(inner.mean(axis=0), 0, atol=0.05 * width)
