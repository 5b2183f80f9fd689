"""The three scenes — compare, race, single — composed from the mobjects in `mobjects.py`.

A figure is laid out once (`layout.layout_figure`, pure geometry, also written to the side-car so
pixels map back to data) and then drawn: static parts first so Manim paints them once into a
background, then the moving parts, all following one step tracker.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from manim import Scene, ValueTracker, linear

from ..plan.layout import TITLE_SHARE, FigureLayout, Panel, PixelGrid, layout_figure
from ..plan.loss_axes import LossAxes, loss_axes, sidecar_entry
from .base import OptirollScene
from .legend import legend
from .loss_curve import LossCursor, LossCurveFrame
from .mobjects import ContourMap, StepCounter, TrailedBall, label, labels
from .style import Style


class OptimizerFigure(OptirollScene, Scene):
    """Balls rolling along precomputed trajectories, every step taking the same time."""

    @cached_property
    def layout(self) -> FigureLayout:
        return layout_figure(self.settings, self.experiment)

    @cached_property
    def curve_axes(self) -> LossAxes | None:
        """The loss curve's axes, when the figure has one."""
        if self.layout.curve is None:
            return None
        return loss_axes(self.layout.curve, self.steps, [t.losses for t in self.trajectories])

    @property
    def steps(self) -> int:
        return max(len(t.points) - 1 for t in self.trajectories)

    def panels(self) -> tuple[Panel, ...]:
        return self.layout.panels

    def sidecar_loss_curve(self, scale: float) -> dict | None:
        axes = self.curve_axes
        return None if axes is None else sidecar_entry(axes, self.settings, scale)

    def construct(self) -> None:
        s = self.settings
        style = self.style
        scheme, words = style.scheme, style.words
        tracker = ValueTracker(0.0)
        steps = self.steps
        grid = PixelGrid(s.frame_width, s.frame_height, s.width, s.height)

        static, moving = [], []
        titled = [panel for panel in self.layout.panels if panel.title_box is not None]
        if titled:
            titles = labels(
                [words.label(self.trajectories[panel.runs[0]].optimizer) for panel in titled],
                height=min(panel.title_box.height for panel in titled) * TITLE_SHARE,
                max_width=min(panel.title_box.width for panel in titled),
                style=style,
            )
            for panel, title in zip(titled, titles, strict=True):
                static.append(title.move_to([*panel.title_box.center, 0]))
        for panel in self.layout.panels:
            static.append(ContourMap(self.experiment.surface, panel.area, style=style))
            for i in panel.runs:
                moving.append(
                    TrailedBall(
                        self.trajectories[i],
                        panel.area,
                        tracker=tracker,
                        style=style,
                        color=style.run_color(i),
                        grid=grid,
                    )
                )
        entries = [
            (words.label(t.optimizer), style.run_color(i)) for i, t in enumerate(self.trajectories)
        ]
        if self.layout.legend is not None:
            static.append(legend(entries, self.layout.legend, style=style))
        if self.curve_axes is not None:
            losses = [t.losses for t in self.trajectories]
            colors = [color for _, color in entries]
            static.append(LossCurveFrame(self.curve_axes, losses, colors=colors, style=style))
            moving.append(
                LossCursor(self.curve_axes, losses, colors=colors, tracker=tracker, style=style)
            )
        if self.layout.curve_key is not None:
            static.append(self._curve_key(style))
        header = self.layout.header
        if not s.equal_scale:
            note = label(
                words.not_to_scale,
                height=header.height * 0.5,
                max_width=header.width * 0.4,
                style=style,
                color=scheme.muted_text,
            )
            static.append(
                note.move_to([header.left, header.center[1], 0], aligned_edge=np.array([-1, 0, 0]))
            )
        counter = StepCounter(self.experiment.steps, tracker=tracker, header=header, style=style)
        static.append(counter.fixed)
        moving.append(counter)

        self.add(*static)
        self.add(*moving)
        self.play(
            tracker.animate.set_value(float(steps)),
            run_time=steps * s.seconds_per_step,
            rate_func=linear,
        )
        self.wait(s.hold_seconds)

    def _curve_key(self, style: Style):
        """The loss curve's colours by optimizer name (the panels' titles give the values)."""
        words = style.words
        names = [words.name(t.optimizer) for t in self.trajectories]
        if len(set(names)) < len(names):  # the same optimizer twice: only the values tell
            names = [words.label(t.optimizer) for t in self.trajectories]
        entries = [(name, style.run_color(i)) for i, name in enumerate(names)]
        return legend(entries, self.layout.curve_key, style=style, text_height=0.24)
