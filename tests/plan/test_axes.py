"""Ticks at round values, never more than asked, labels without a negative zero."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from optiroll.plan.axes import nice_ticks, tick_text


def test_the_books_window_gets_the_books_ticks():
    assert nice_ticks(-10, 10).tolist() == [-10, -5, 0, 5, 10]
    assert nice_ticks(-5, 5, 5).tolist() == [-4, -2, 0, 2, 4]


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(1e-6, 1e6, allow_nan=False),
    st.integers(2, 10),
)
def test_ticks_are_round_inside_and_few(low, span, count):
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
