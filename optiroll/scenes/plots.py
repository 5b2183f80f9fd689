"""The three scenes — compare, race, single — composed from the mobjects in `mobjects.py`.

A figure is laid out once (`layout.layout_figure`, pure geometry, also written to the side-car so
pixels map back to data) and then drawn: static parts first so Manim paints them once into a
background, then the moving parts, all following one step tracker.
"""

from __future__ import annotations

from functools import cached_property

from manim import LEFT, Dot, Mobject, Scene, UpdateFromAlphaFunc, ValueTracker, linear

from ..optim.experiment import Experiment
from ..optim.trajectory import Trajectory
from ..plan.layout import (
    LEGEND_SPACE,
    LINE,
    TEXT,
    FigureLayout,
    Panel,
    PixelGrid,
    layout_figure,
)
from ..plan.loss_axes import LossAxes, loss_axes, sidecar_entry
from ..plan.settings import RenderSettings
from ..plan.timeline import Timeline, adaptive_timeline, figure_timeline
from .base import OptirollScene
from .legend import legend
from .loss_curve import LossCursor, LossCurveFrame
from .mobjects import ContourMap, StepCounter, TrailedBall, label, labels
from .style import Style


class OptimizerFigure(OptirollScene, Scene):
    """Balls rolling along precomputed trajectories: a still of the start, the steps (quiet
    stretches sped up, see `plan/timeline.py`), then the last frame held."""

    @classmethod
    def planned_frames(cls, settings: RenderSettings, trajectories: list[Trajectory]) -> int:
        first = trajectories[0]
        experiment = Experiment(
            first.surface, first.start, first.steps, tuple(t.optimizer for t in trajectories)
        )
        return figure_timeline(settings, experiment, trajectories).frames

    @cached_property
    def layout(self) -> FigureLayout:
        return layout_figure(self.settings, self.experiment)

    @cached_property
    def timeline(self) -> Timeline:
        return adaptive_timeline(self.settings, self.layout.panels, self.trajectories)

    def sidecar_timeline(self) -> dict | None:
        return self.timeline.to_dict()

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
        grid = PixelGrid(s.frame_width, s.frame_height, s.width, s.height)

        static, moving = [], []
        static += self._titles(style)
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
        colors = list(style.runs)
        if self.layout.legend is not None:
            entries = list(zip(self.layout.legend_texts, colors, strict=True))
            static.append(
                legend(
                    entries,
                    self.layout.legend,
                    style=style,
                    columns=self.layout.legend_columns,
                    text_height=TEXT,
                )
            )
        if self.curve_axes is not None:
            losses = [t.losses for t in self.trajectories]
            static.append(LossCurveFrame(self.curve_axes, losses, colors=colors, style=style))
            moving.append(
                LossCursor(self.curve_axes, losses, colors=colors, tracker=tracker, style=style)
            )
        note_box = self.layout.note
        if note_box is not None:
            note = label(
                words.not_to_scale,
                height=TEXT,
                max_width=note_box.width,
                style=style,
                color=scheme.muted_text,
            )
            static.append(note.move_to([note_box.left, note_box.center[1], 0], aligned_edge=LEFT))
        timeline = self.timeline
        counter = StepCounter(
            self.experiment.steps,
            tracker=tracker,
            header=self.layout.counter,
            style=style,
            timeline=timeline,
        )
        static.append(counter.fixed)
        moving.append(counter)

        self.add(*static)
        self.add(*moving)
        self.wait(timeline.still_seconds, frozen_frame=True)
        self.play(
            UpdateFromAlphaFunc(
                tracker, lambda mob, alpha: mob.set_value(timeline.step_at_progress(alpha))
            ),
            run_time=timeline.play_seconds,
            rate_func=linear,
        )
        if timeline.hold:
            self.wait(timeline.hold_seconds, frozen_frame=True)

    def _titles(self, style: Style) -> list[Mobject]:
        """Each panel's title, its lines left-aligned in its title box, all at one size; with
        `title_dots`, led by a dot in its run's colour (the loss curve's key)."""
        titled = [panel for panel in self.layout.panels if panel.title_box is not None]
        if not titled:
            return []
        lines = labels(
            [line for panel in titled for line in panel.title],
            height=TEXT,
            max_width=min(panel.title_box.width for panel in titled),
            style=style,
        )
        drawn, lines_left = [], iter(lines)
        for panel in titled:
            box = panel.title_box
            left = box.left
            if self.layout.title_dots:
                radius = TEXT * 0.36
                dot = Dot(radius=radius, color=style.run_color(panel.runs[0]))
                drawn.append(dot.move_to([left + radius, box.top - LINE / 2, 0]))
                left += 2 * radius + LEGEND_SPACE
            # The lines fill the box from its bottom: a one-line title sits on its plot.
            for k, _ in enumerate(panel.title):
                y = box.bottom + (len(panel.title) - k - 0.5) * LINE
                drawn.append(next(lines_left).move_to([left, y, 0], aligned_edge=LEFT))
        return drawn
