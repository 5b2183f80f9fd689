"""The loss-curve panel: loss against step on a log scale, one colour per run, a moving cursor.

Two mobjects, so a figure can paint the still part once: `LossCurveFrame` (axes, decade grid,
labels, each run's whole curve faintly) and `LossCursor` (each curve drawn bright up to the
current step, a dot on it, a vertical line at that step), following the figure's step tracker.
Losses come from the trajectories; geometry from `loss_axes.LossAxes`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, Dot, Line, ValueTracker, VGroup, VMobject

from ..plan.axes import MIN_TEXT, TICK_TEXT
from ..plan.layout import TEXT as TITLE_TEXT
from ..plan.loss_axes import LEFT_MARGIN, RIGHT_MARGIN, TOP_MARGIN, LossAxes, superscript
from .mobjects import label, polyline
from .style import DEFAULT_STYLE, Style

TEXT = MIN_TEXT  # the smallest text there is (15 px at 480p): the decades' spacing, "step"


class LossCurveFrame(VGroup):
    """Axes with a line per decade, their labels, the axis names and every whole curve, faint."""

    def __init__(
        self,
        axes: LossAxes,
        losses: Sequence[np.ndarray],
        *,
        colors: Sequence[str],
        style: Style = DEFAULT_STYLE,
        **kwargs,
    ):
        """A curve per run of `losses`, in `colors`."""
        super().__init__(**kwargs)
        scheme, stroke = style.scheme, style.stroke
        plot = axes.plot
        for n in axes.decades():
            y = float(axes.decade_y(10.0**n))
            faint = n not in (axes.low, axes.high)
            self.add(
                Line(
                    [plot.left, y, 0],
                    [plot.right, y, 0],
                    stroke_color=scheme.frame,
                    stroke_width=stroke * 0.4,
                    stroke_opacity=0.5 if faint else 1.0,
                )
            )
        for n in axes.labelled_decades(TEXT):
            tick = label(
                superscript(n),
                height=TICK_TEXT,
                max_width=float("inf"),
                style=style,
                color=scheme.muted_text,
            )
            # Its "10" as tall as the maps' digits, the exponent above them.
            tick.scale(TICK_TEXT / VGroup(*tick[:2]).height)
            if tick.width > LEFT_MARGIN - 0.15:
                tick.scale_to_fit_width(LEFT_MARGIN - 0.15)
            self.add(tick.next_to([plot.left, float(axes.decade_y(10.0**n)), 0], LEFT, buff=0.1))
        self.add(
            Line(
                [plot.left, plot.bottom, 0],
                [plot.left, plot.top, 0],
                stroke_color=scheme.frame,
                stroke_width=stroke * 0.6,
            )
        )
        for step in (0, axes.steps):
            tick = label(
                str(step),
                height=TICK_TEXT,
                max_width=plot.width / 3,
                style=style,
                color=scheme.muted_text,
            )
            tick.next_to([float(axes.x(step)), plot.bottom, 0], DOWN, buff=0.1)
            # The last step's label ends by the panel's edge, at the frame's right.
            tick.shift(LEFT * max(0.0, tick.get_right()[0] - (plot.right + RIGHT_MARGIN)))
            self.add(tick)
        # In the line above the plot, as a map's title in its line.
        name = label(
            axes.name(style.words.loss), height=TITLE_TEXT, max_width=plot.width, style=style
        )
        self.add(name.move_to([plot.left, plot.top + TOP_MARGIN / 2, 0], aligned_edge=LEFT))
        step_name = label(
            style.words.step, height=TEXT * 1.1, max_width=plot.width / 3, style=style
        )
        self.add(step_name.next_to([plot.center[0], plot.bottom, 0], DOWN, buff=0.1))
        for run, color in zip(losses, colors, strict=True):
            curve = VMobject(stroke_color=color, stroke_width=stroke, stroke_opacity=0.3)
            self.add(polyline([axes.to_scene(run)], curve))


class LossCursor(VGroup):
    """Each curve bright up to the tracker's step, a dot where it is now, and a line there."""

    def __init__(
        self,
        axes: LossAxes,
        losses: Sequence[np.ndarray],
        *,
        colors: Sequence[str],
        tracker: ValueTracker,
        style: Style = DEFAULT_STYLE,
        **kwargs,
    ):
        """A cursor per run of `losses`, in `colors`, at the step `tracker` holds."""
        super().__init__(**kwargs)
        scheme, stroke = style.scheme, style.stroke
        self.axes, self.losses, self.tracker = axes, losses, tracker
        plot = axes.plot
        self.line = Line(
            [plot.left, plot.bottom, 0],
            [plot.left, plot.top, 0],
            stroke_color=scheme.muted_text,
            stroke_width=stroke * 0.6,
        )
        self.curves = [VMobject(stroke_color=c, stroke_width=stroke * 1.2) for c in colors]
        self.dots = [
            Dot(radius=0.07, color=c, stroke_color=scheme.background, stroke_width=stroke * 0.5)
            for c in colors
        ]
        self.add(self.line, *self.curves, *self.dots)
        self.add_updater(lambda mob: mob.show_step(mob.tracker.get_value()))
        self.show_step(0.0)

    def show_step(self, t: float) -> None:
        x = float(self.axes.x(min(max(t, 0.0), self.axes.steps)))
        self.line.put_start_and_end_on(
            np.array([x, self.axes.plot.bottom, 0]), np.array([x, self.axes.plot.top, 0])
        )
        for run, curve, dot in zip(self.losses, self.curves, self.dots, strict=True):
            here = self.axes.at(run, t)
            done = self.axes.to_scene(run[: int(np.floor(min(t, len(run) - 1))) + 1])
            polyline([np.vstack([done, here])], curve)
            dot.move_to(here)
