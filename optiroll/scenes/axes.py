"""Thin axes on a plot's left and bottom edges, drawn outside its box: ticks at round values, their
labels, and the axis names ending the label rows (x under the right edge, y beside the top one).

Everything lies in the room `plan/axes.py` reserves (GUTTER_LEFT, GUTTER_BOTTOM), so the plot's box
itself stays the data's: a tick label's centre is where its value is.
"""

from __future__ import annotations

import numpy as np
from manim import Line, VGroup

from ..plan.axes import TICK_GAP, TICK_LENGTH, TICK_TEXT, axis_ticks, tick_text
from ..plan.layout import PlotArea
from .mobjects import FRAME_STROKE, labels
from .style import DEFAULT_STYLE, Style


class PlotAxes(VGroup):
    """The x axis under the plot and the y axis left of it: tick marks in the scheme's frame
    colour, their labels and the axis names in its muted text colour. Without `x_labels` (or
    `y_labels`) only that axis's marks are drawn: a neighbouring plot labels the same ticks.
    `ticks` holds each axis's tick values, in data units, as drawn."""

    def __init__(
        self,
        area: PlotArea,
        *,
        style: Style = DEFAULT_STYLE,
        x_labels: bool = True,
        y_labels: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        box, window = area.box, area.window
        scheme = style.scheme
        x_ticks = axis_ticks(window.x_min, window.x_max, box.width)
        y_ticks = axis_ticks(window.y_min, window.y_max, box.height, vertical=True)
        self.ticks = {"x": x_ticks, "y": y_ticks}
        marks = []
        for value in x_ticks:
            x = area.to_scene(np.array([value, window.y_min]))[0]
            marks.append(Line([x, box.bottom, 0], [x, box.bottom - TICK_LENGTH, 0]))
        for value in y_ticks:
            y = area.to_scene(np.array([window.x_min, value]))[1]
            marks.append(Line([box.left, y, 0], [box.left - TICK_LENGTH, y, 0]))
        self.add(*VGroup(*marks).set_stroke(scheme.frame, width=FRAME_STROKE))
        x_texts = [*map(tick_text, x_ticks), "x"] if x_labels else []
        y_texts = [*map(tick_text, y_ticks), "y"] if y_labels else []
        if not x_texts + y_texts:
            return
        # One size for every label and both names: the digits'.
        texts = labels(
            x_texts + y_texts,
            height=TICK_TEXT,
            max_width=float("inf"),
            style=style,
            color=scheme.muted_text,
        )
        x_marks, y_marks = texts[: len(x_texts)], texts[len(x_texts) :]
        if x_marks:
            row_top = box.bottom - TICK_LENGTH - TICK_GAP
            for value, text in zip(x_ticks, x_marks[:-1], strict=True):
                x = area.to_scene(np.array([value, window.y_min]))[0]
                text.move_to([x, row_top - TICK_TEXT / 2, 0])
            name = x_marks[-1]  # on the digits' baseline, ending at the right edge
            name.move_to([box.right - name.width / 2, row_top - TICK_TEXT + name.height / 2, 0])
        if y_marks:
            column_right = box.left - TICK_LENGTH - TICK_GAP
            for value, text in zip(y_ticks, y_marks[:-1], strict=True):
                y = area.to_scene(np.array([window.x_min, value]))[1]
                text.move_to([column_right - text.width / 2, y, 0])
            name = y_marks[-1]  # its top a gap below the top edge, clear of what is above
            name.move_to([column_right - name.width / 2, box.top - TICK_GAP - name.height / 2, 0])
        self.add(*texts)
