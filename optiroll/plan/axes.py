"""Axes of a 2D plot: where the ticks go and how much room their labels take. No Manim.

Sizes are scene units: the frame is `FRAME_HEIGHT` (8) units tall at every quality, so a size here
is the same share of the picture at 854x480 and at 3840x2160.
"""

from __future__ import annotations

import math

import numpy as np

# The smallest text on a figure: 15 px of type at 480 px tall (8 units), scaled with the output.
# A text's box is as tall as its glyphs reach: a title's from its capitals to its descenders
# (about the type size), a number's only a digit's height (about 0.72 of it).
MIN_TEXT = 0.25
DIGIT_SHARE = 0.72
TICK_TEXT = MIN_TEXT * DIGIT_SHARE  # tick labels are digits: type as large as the titles'
TICK_LENGTH = 0.08
# Room outside a plot's box for its ticks and their labels: left of the box at most (a tick, a gap
# and a label such as "−0.25"; the layout takes what the labels need, see `y_gutter`) and below it
# (a tick, a gap and one row of labels, with room for the descent of "y"). The axis names take no
# more: they end the label rows (see `axis_ticks`).
GUTTER_LEFT = 0.8
GUTTER_BOTTOM = 0.4


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
    # Whole multiples of the step: no -0.0, no 0.30000000000000004. In a window so narrow beside
    # its distance from 0 that a multiple rounds past its edge (a float's last bit), that one goes.
    ticks = np.arange(first, last + 1) * step
    inside = ticks[(ticks >= low) & (ticks <= high)]
    return inside if len(inside) else np.clip(ticks, low, high)


def tick_text(value: float) -> str:
    """A tick's label: '-10', '0', '2.5', '0.01' (no trailing zeros, no negative zero)."""
    text = f"{value:.10g}"
    return "0" if text in ("-0", "0") else text.replace("-", "−")


TICK_GAP = 0.06  # between a tick and its label
LABEL_GAP = 0.12  # at least between two tick labels (scene units)
# The axis names end the label rows, inside the box's extent: x under the right edge, y beside
# the top one. No tick comes closer than this to that end (scene units).
X_NAME_ROOM = 0.6
Y_NAME_ROOM = 0.45
MAX_TICKS = 6  # however long the axis: a few round values to read positions off


def axis_ticks(low: float, high: float, length: float, *, vertical: bool = False) -> np.ndarray:
    """Round ticks for an axis `length` scene units long showing [low, high]: the most, up to
    MAX_TICKS, whose labels keep LABEL_GAP apart (side by side on x, stacked on y), else just
    apart, none within the name's room of the high end, and on x none whose label reaches past
    the low end (where the plot on the left ends its labels with its name)."""
    room = Y_NAME_ROOM if vertical else X_NAME_ROOM
    if not (high > low and length > room):
        return np.empty(0)
    top = high - room * (high - low) / length
    size = (lambda v: TICK_TEXT) if vertical else label_width
    choices = []
    for count in range(MAX_TICKS, 1, -1):
        ticks = nice_ticks(low, top, count)
        at = (ticks - low) / (high - low) * length
        choices.append(ticks if vertical else ticks[at >= [label_width(v) / 2 for v in ticks]])
    for gap in (LABEL_GAP, 0.0):
        for ticks in choices:
            spacing = (ticks[1] - ticks[0]) / (high - low) * length if len(ticks) > 1 else 0.0
            if len(ticks) > 1 and spacing >= max(map(size, ticks)) + gap:
                return ticks
    return choices[-1]


# Widths of a tick label's characters, in label heights (DejaVu Sans, measured).
CHAR_WIDTHS = {"−": 1.0, ".": 0.45}
DIGIT_WIDTH = 0.72


def label_width(value: float) -> float:
    """About how wide `value`'s tick label is (scene units)."""
    return TICK_TEXT * sum(CHAR_WIDTHS.get(c, DIGIT_WIDTH) for c in tick_text(value))


NAME_WIDTH = 0.8 * TICK_TEXT  # "y", at the labels' size
GUTTER_PAD = 0.04  # beyond the widest label: the estimate's slack, and the frame's margin


def y_gutter(low: float, high: float, length: float) -> float:
    """The room left of a plot its y axis takes, showing [low, high] over `length` scene
    units: a tick, a gap and the widest of its labels and its name (see `axis_ticks`)."""
    ticks = axis_ticks(low, high, length, vertical=True)
    widest = max([NAME_WIDTH, *map(label_width, ticks)])
    return TICK_LENGTH + TICK_GAP + widest + GUTTER_PAD
