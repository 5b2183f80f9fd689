"""Ticks at round values, never more than asked, labels without a negative zero."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from optiroll.optim.surfaces import SURFACES
from optiroll.plan.axes import (
    MAX_TICKS,
    TICK_TEXT,
    X_NAME_ROOM,
    Y_NAME_ROOM,
    axis_ticks,
    label_width,
    nice_ticks,
    tick_text,
)


def test_the_books_window_gets_the_books_ticks():
    assert nice_ticks(-10, 10).tolist() == [-10, -5, 0, 5, 10]
    assert nice_ticks(-5, 5, 5).tolist() == [-4, -2, 0, 2, 4]


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(1e-6, 1e6, allow_nan=False),
    st.integers(2, 10),
)
def test_ticks_are_round_inside_and_few(low, span, count):
    # A window a float can resolve into round steps: its width above a millionth of its distance
    # from 0 (at 1e6 a float's last bit is 1e-10).
    assume(span > 1e-6 * abs(low))
    high = low + span
    ticks = nice_ticks(low, high, count)
    assert 1 <= len(ticks) <= count
    assert np.all(ticks >= low - span * 1e-9) and np.all(ticks <= high + span * 1e-9)
    if len(ticks) > 1:
        steps = np.diff(ticks)
        assert np.allclose(steps, steps[0])
        mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
        assert min(abs(mantissa - m) for m in (1, 2, 5, 10)) < 1e-3  # ticks far from 0


def test_labels_read_as_numbers_with_a_real_minus_and_no_negative_zero():
    assert [tick_text(v) for v in (-10.0, -0.0, 0.0, 2.5, 0.01)] == ["−10", "0", "0", "2.5", "0.01"]


@given(
    st.floats(-1e4, 1e4, allow_nan=False),
    st.floats(1e-3, 1e4, allow_nan=False),
    st.floats(1.0, 14.0),
    st.booleans(),
)
def test_axis_ticks_leave_room_for_their_labels_and_the_axis_name(low, span, length, vertical):
    high = low + span
    ticks = axis_ticks(low, high, length, vertical=vertical)
    room = Y_NAME_ROOM if vertical else X_NAME_ROOM
    assert len(ticks) <= MAX_TICKS  # none on an axis too short for a label (see the next test)
    # In scene units along the axis: inside it, and clear of the name at the high end.
    at = (ticks - low) / span * length
    assert np.all(at >= -1e-6 * length) and np.all(at <= length - room + 1e-6 * length)
    if not vertical:  # no x label reaches past the low end, where a neighbour's labels end
        assert np.all(at >= np.array([label_width(v) / 2 for v in ticks]) - 1e-9)
    if len(ticks) > 2:  # more than the sparsest: then the labels do not overlap
        widths = [TICK_TEXT if vertical else label_width(v) for v in ticks]
        assert np.diff(at).min() >= max(widths) - 1e-9


@pytest.mark.parametrize("surface", list(SURFACES.values()), ids=lambda s: s.name)
@pytest.mark.parametrize("length", [2.5, 4.0, 8.0])
def test_every_surface_gets_at_least_two_round_ticks_per_axis(surface, length):
    w = surface.window
    for low, high, vertical in ((w.x_min, w.x_max, False), (w.y_min, w.y_max, True)):
        assert len(axis_ticks(low, high, length, vertical=vertical)) >= 2
