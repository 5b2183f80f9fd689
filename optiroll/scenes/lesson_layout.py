"""Where the explain board's parts go: plot, rule, bars, readout, caption. Pure geometry, no Manim."""

from __future__ import annotations

from dataclasses import dataclass

from ..optim.surfaces import Window
from .layout import Box, PlotArea

WIDE = 1.5  # frames at least this wide put the rule beside the plot, narrower ones below it


@dataclass(frozen=True)
class ExplainLayout:
    header: Box
    plot: PlotArea
    legend: Box  # the arrows' legend, under the plot
    equation: Box
    bars_title: Box
    bars: Box
    readout: Box
    readout_alone: Box  # where the readout goes for a rule without step-size bars
    caption: Box


def layout_explain(
    frame_width: float, frame_height: float, window: Window, equal_scale: bool = True
) -> ExplainLayout:
    """Split the frame: a header, the plot with its legend, the rule with bars and readout, a caption."""
    frame = Box(-frame_width / 2, -frame_height / 2, frame_width / 2, frame_height / 2).shrink(0.25)
    header, body = frame.split_top(0.55)
    caption = Box(body.left, body.bottom, body.right, body.bottom + 0.6)
    body = Box(body.left, caption.top + 0.15, body.right, body.top - 0.1)
    if frame_width / frame_height >= WIDE:
        left, panel = body.split_right(body.width * 0.4)
        left = Box(left.left, left.bottom, left.right - 0.3, left.top)
    else:  # the plot on top, the panel below it
        left, panel = body.split_top(body.height * 0.58)
    aspect = (window.x_max - window.x_min) / (window.y_max - window.y_min)
    room = Box(left.left, left.bottom + 0.55, left.right, left.top)
    fitted = room.fit(aspect) if equal_scale else room
    # The plot centred in its room, its legend right under it.
    top = room.top - (room.height - fitted.height) / 2
    plot_box = Box(fitted.left, top - fitted.height, fitted.right, top)
    legend = Box(left.left, plot_box.bottom - 0.55, left.right, plot_box.bottom - 0.1)
    plot = PlotArea(plot_box, window)
    if frame_width / frame_height >= WIDE:  # a column: rule, bars, readout
        equation, rest = panel.split_top(panel.height * 0.36)
        bars_title, rest = rest.split_top(0.45)
        bars, readout = rest.split_top(min(1.1, rest.height * 0.4))
        alone = Box(readout.left, readout.bottom, readout.right, bars_title.top)
    else:  # two columns: the rule over the readout, the bars beside them
        left_column, right_column = panel.split_right(panel.width * 0.45)
        equation, readout = left_column.split_top(left_column.height * 0.45)
        bars_title, rest = right_column.shrink(0.1).split_top(0.45)
        bars = rest.split_top(min(1.1, rest.height * 0.6))[0]
        alone = right_column
    return ExplainLayout(
        header,
        plot,
        legend,
        equation,
        bars_title,
        bars,
        readout.shrink(0.05),
        alone.shrink(0.05),
        caption,
    )
