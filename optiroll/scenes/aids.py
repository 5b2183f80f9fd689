"""Teaching aids drawn over a plot: an arrow at the ball, a pair of per-axis bars, switched texts.

They draw only numbers they are given (computed in `optim/`). The arrow and the bars keep their
submobjects and change shapes in place, so they may move within a play (Manim lists a play's
moving mobjects once); a TextSwitch changes only between plays. An arrow is outlined in the
page's colour, so where two arrows cross or lie side by side each keeps its edge.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import LEFT, WHITE, Mobject, Rectangle, VGroup, VMobject

from ..plan.layout import Box
from .math_text import TextBlock
from .style import DEFAULT_STYLE, Style

HIDDEN = 1e-9  # below this length (scene units) an arrow or a bar is not drawn
OUTLINE = 1.2  # an arrow's outline each side of its shaft and head, in strokes


class ArrowAtBall(VGroup):
    """An arrow from a point along a vector: a shaft and a filled head, reshaped each frame."""

    def __init__(
        self,
        *,
        color: str = WHITE,
        head_length: float = 0.2,
        style: Style = DEFAULT_STYLE,
        **kwargs,
    ):
        """A `color` arrow with the style's arrow stroke, outlined in the page's colour."""
        super().__init__(**kwargs)
        self.head_length = head_length
        page, width = style.scheme.background, style.arrow_stroke
        self.outline = VMobject(stroke_color=page, stroke_width=width + 2 * OUTLINE * style.stroke)
        self.shaft = VMobject(stroke_color=color, stroke_width=width)
        self.head = VMobject(fill_color=color, fill_opacity=1.0, stroke_width=0)
        self.head.set_stroke(page, width=2 * OUTLINE * style.stroke, background=True)
        self.add(self.outline, self.shaft, self.head)
        self.point_from(np.zeros(3), np.zeros(3))

    def point_from(self, start: np.ndarray, end: np.ndarray) -> None:
        """Draw from `start` to `end` (scene points); hidden when they coincide."""
        start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
        delta = end - start
        length = float(np.linalg.norm(delta))
        if length < HIDDEN:
            self.outline.set_stroke(opacity=0)
            self.shaft.set_stroke(opacity=0)
            self.head.set_stroke(opacity=0, background=True).set_fill(opacity=0)
            return
        unit = delta / length
        normal = np.array([-unit[1], unit[0], 0.0])
        head = min(self.head_length, length * 0.5)
        base = end - unit * head
        self.shaft.set_points_as_corners([start, base])
        self.outline.set_points_as_corners([start, base])
        self.head.set_points_as_corners(
            [end, base + normal * head * 0.45, base - normal * head * 0.45, end]
        )
        self.outline.set_stroke(opacity=1)
        self.shaft.set_stroke(opacity=1)
        self.head.set_stroke(opacity=1, background=True).set_fill(opacity=1)

    @property
    def length(self) -> float:
        """The drawn length, from the shaft's start to the head's tip (0 when hidden)."""
        if self.head.get_fill_opacity() == 0:
            return 0.0
        return float(np.linalg.norm(self.head.points[0] - self.shaft.points[0]))


class AxisBars(VGroup):
    """Two horizontal bars, x above y, whose lengths show two non-negative values on one scale.

    `frame` (the axis names and empty tracks) never changes: add it before the moving parts so
    Manim paints it once.
    """

    def __init__(
        self,
        box: Box,
        *,
        scale: float,
        colors: tuple[str, str],
        style: Style = DEFAULT_STYLE,
        names: tuple[str, str] = ("x", "y"),
        **kwargs,
    ):
        """Bars in `colors` up to `scale`; names and tracks in the scheme's text and frame colours."""
        super().__init__(**kwargs)
        self.scale_max = scale
        row_height = box.height / 2
        name_width = row_height * 0.9
        self.left = box.left + name_width
        self.full = box.right - self.left
        self.thickness = row_height * 0.5
        self.rows_y = (box.top - row_height / 2, box.bottom + row_height / 2)
        self.frame = VGroup()
        self.bars = []
        for name, color, y in zip(names, colors, self.rows_y, strict=True):
            # The axes as mathematics, on one em: x and y keep their size and baseline.
            em = self.thickness * 1.15
            text = TextBlock([f"${name}$"], em=em, style=style)
            text.place(box.left + name_width / 2 - text.width / 2, y - 0.2 * em)
            track = Rectangle(
                width=self.full,
                height=self.thickness,
                stroke_color=style.scheme.frame,
                stroke_width=1.5,
            ).move_to([self.left + self.full / 2, y, 0])
            self.frame.add(text, track)
            bar = Rectangle(
                width=self.full, height=self.thickness, fill_color=color, fill_opacity=1.0
            ).set_stroke(width=0)
            self.bars.append(bar)
            self.add(bar)
        self.show((0.0, 0.0))

    def length(self, value: float) -> float:
        """Scene length of a bar showing `value` (clamped to the track)."""
        return self.full * min(max(value / self.scale_max, 0.0), 1.0)

    def show(self, values: Sequence[float]) -> None:
        for bar, value, y in zip(self.bars, values, self.rows_y, strict=True):
            length = self.length(float(value))
            if length < HIDDEN:
                bar.set_fill(opacity=0)
                continue
            bar.stretch_to_fit_width(length).move_to([self.left, y, 0], aligned_edge=LEFT)
            bar.set_fill(opacity=1)


class TextSwitch(VGroup):
    """Shows one of several prepared mobjects at a time (Text costs Pango ~60 ms: never re-typeset).

    Call `show` between plays only: it swaps the child, and Manim lists a play's mobjects once.
    """

    def __init__(self, variants: Sequence[Mobject], **kwargs):
        super().__init__(**kwargs)
        self.variants = list(variants)
        self.shown = -1
        self.show(0)

    def show(self, index: int) -> None:
        if index != self.shown:
            self.shown = index
            self.submobjects = [self.variants[index]]

    def __deepcopy__(self, memo: dict) -> TextSwitch:
        """A copy of what is shown; the variants are shared, not copied. An animation copies what
        it fades or moves, and a board's switches hold a text for every step (thousands of
        glyphs): a full copy took most of a lecture's render."""
        variants = self.variants
        self.variants = []
        try:
            clone = super().__deepcopy__(memo)
        finally:
            self.variants = variants
        clone.variants = variants
        return clone
