"""Where the explain board's parts go: plot, rule, bars, readout, caption. Pure geometry, no Manim."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..optim.surfaces import Window
from ..optim.trajectory import Trajectory
from .layout import Box, PlotArea

PANEL_SHARE = 0.4  # of the width, for the rule, bars and readout beside the plot
LIT_FRAME = 0.1  # scene units kept round the rule for the band that lights a statement
MIN_PANEL = 3.6  # scene units: narrower, the rule beside the plot is too small to read
GAP = 0.2  # between stacked parts of the panel
BELOW_PLOT_SHARE = 0.64  # of the body's height, for the plot when the rule goes below it
SAFE_MARGIN = 0.05  # of the frame's width and height, kept clear on every side
# The caption's and readout's text: scene units to the em (18 px at 480 px tall), paragraphs'
# lines LINE_HEIGHT ems apart, and the caption's room: two lines, ascenders and descenders.
TEXT_EM = 0.3
LINE_HEIGHT = 1.55
CAPTION_LINES = 2
CAPTION_HEIGHT = TEXT_EM * (0.8 + LINE_HEIGHT * (CAPTION_LINES - 1) + 0.35)


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
    """Split the frame: a header, the plot with its legend, the rule with bars and readout, a caption.

    The rule goes beside the plot or below it, whichever leaves the plot larger (beside it only
    when that column is wide enough to read).
    """
    x, y = frame_width * (0.5 - SAFE_MARGIN), frame_height * (0.5 - SAFE_MARGIN)
    header, body = Box(-x, -y, x, y).split_top(0.55)
    caption = Box(body.left, body.bottom, body.right, body.bottom + CAPTION_HEIGHT)
    body = Box(body.left, caption.top + 0.15, body.right, body.top - 0.1)
    options = [_below(body, window, equal_scale)]
    if body.width * PANEL_SHARE >= MIN_PANEL:
        options.append(_beside(body, window, equal_scale))
    parts = max(options, key=lambda o: o[0].box.width * o[0].box.height)
    return ExplainLayout(header, *parts, caption)


def _plot(room: Box, window: Window, equal_scale: bool) -> tuple[PlotArea, Box]:
    """The plot centred in `room` above its legend strip, and the legend right under it."""
    aspect = (window.x_max - window.x_min) / (window.y_max - window.y_min)
    above_legend = Box(room.left, room.bottom + 0.55, room.right, room.top)
    fitted = above_legend.fit(aspect) if equal_scale else above_legend
    top = above_legend.top - (above_legend.height - fitted.height) / 2
    plot_box = Box(fitted.left, top - fitted.height, fitted.right, top)
    legend = Box(room.left, plot_box.bottom - 0.55, room.right, plot_box.bottom - 0.1)
    return PlotArea(plot_box, window), legend


def _beside(body: Box, window: Window, equal_scale: bool) -> tuple:
    """The plot on the left; a column on the right: the rule, the bars, the readout."""
    left, panel = body.split_right(body.width * PANEL_SHARE)
    plot, legend = _plot(
        Box(left.left, left.bottom, left.right - 0.3, left.top), window, equal_scale
    )
    equation, rest = panel.split_top(panel.height * 0.36)
    equation = equation.shrink(LIT_FRAME)
    bars_title, rest = rest.split_top(0.45)
    bars, readout = rest.split_top(min(0.85, rest.height * 0.3))
    readout = Box(readout.left, readout.bottom, readout.right, readout.top - GAP)
    alone = Box(readout.left, readout.bottom, readout.right, bars_title.top)
    return plot, legend, equation, bars_title, bars, readout.shrink(0.05), alone.shrink(0.05)


def _below(body: Box, window: Window, equal_scale: bool) -> tuple:
    """The plot on top; below it the rule on the left, and on the right the bars over the readout
    (or the readout alone)."""
    top, panel = body.split_top(body.height * BELOW_PLOT_SHARE)
    plot, legend = _plot(top, window, equal_scale)
    left, right = panel.split_right(panel.width * 0.45)
    equation = left.shrink(LIT_FRAME)
    bars_title, rest = right.split_top(0.4)
    bars, readout = rest.split_top(min(0.6, rest.height * 0.35))
    readout = Box(readout.left, readout.bottom, readout.right, readout.top - GAP)
    return plot, legend, equation, bars_title, bars, readout.shrink(0.05), right.shrink(0.05)


GRADIENT_ARROW_SHARE = 0.3  # the longest gradient arrow spans this share of the plot's short side


def nice_below(x: float) -> float:
    """The largest 1, 2 or 5 times a power of ten not above x (x > 0)."""
    power = 10.0 ** math.floor(math.log10(x))
    return max(m * power for m in (1.0, 2.0, 5.0) if m * power <= x * (1 + 1e-12))


def gradient_scale(trajectory: Trajectory, layout: ExplainLayout) -> float:
    """Data units per gradient unit, so the longest -grad arrow spans a fixed share of the plot."""
    box, w = layout.plot.box, layout.plot.window
    per_unit = np.array([box.width / (w.x_max - w.x_min), box.height / (w.y_max - w.y_min)])
    # A run that stopped at its start has no step, so no arrow: any scale will do.
    arrows = trajectory.gradients[:-1] * per_unit
    longest = float(np.max(np.linalg.norm(arrows, axis=1), initial=0.0))
    if longest == 0.0:
        return 1.0
    return nice_below(GRADIENT_ARROW_SHARE * min(box.width, box.height) / longest)
