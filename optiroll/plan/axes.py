"""Axes of a 2D plot: where the ticks go and how much room their labels take. No Manim.

Sizes are scene units: the frame is `FRAME_HEIGHT` (8) units tall at every quality, so a size here
is the same share of the picture at 854x480 and at 3840x2160.
"""

from __future__ import annotations

import math

import numpy as np

# The smallest text on a figure: 15 px of type at 480 px tall (8 units), scaled with the output.
MIN_TEXT = 0.25
TICK_TEXT = MIN_TEXT  # tick labels: the smallest text there is
TICK_LENGTH = 0.08
# Room outside a plot's box for its ticks, their labels and the axis names: left of the box (a
# label such as "-10" plus the y name) and below it (one row of labels plus the x name).
GUTTER_LEFT = 0.75
GUTTER_BOTTOM = 0.62


def nice_ticks(low: float, high: float, max_count: int = 6) -> np.ndarray:
    """Ticks at multiples of the smallest round step (1, 2 or 5 times a power of ten) that puts at
    most `max_count` of them inside [low, high]; 0 is among them when it is inside."""
    if not high > low:
        return np.array([low])
    power = 10.0 ** math.floor(math.log10((high - low) / max(1, max_count)))
    for step in (m * power * 10**k for k in range(3) for m in (1.0, 2.0, 5.0)):
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
        if last - first + 1 <= max_count:
            break
    # Whole multiples of the step: no -0.0, no 0.30000000000000004.
    return np.arange(first, last + 1) * step


def tick_text(value: float) -> str:
    """A tick's label: '-10', '0', '2.5', '0.01' (no trailing zeros, no negative zero)."""
    text = f"{value:.10g}"
    return "0" if text in ("-0", "0") else text.replace("-", "−")
