"""`render cloud`: hundreds to thousands of balls rolling together, coloured by where they end.

A panel per optimizer, every ball in its outcome's colour from the first frame: the minimum it
reaches, grey when it does not converge, the page's text colour when it diverges (the figure is
decided in `plan/cloud_figure.py`). The balls of one outcome in one panel are one mobject,
rebuilt each frame from the recorded paths (`optim/cloud.py`); once they have stopped, the starts
fade in under them in faded colours, so the last frame is a basin map. The key names the
outcomes.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from manim import Scene, UpdateFromAlphaFunc, ValueTracker, VGroup, VMobject, linear

from ..optim.cloud import MINIMUM
from ..optim.experiment import Experiment
from ..optim.trajectory import Trajectory
from ..plan.cloud_figure import (
    BASIN_TINT,
    MINIMUM_HUES,
    NOT_CONVERGED_HUE,
    OTHER_MINIMA_HUE,
    CloudFigure,
    cloud_figure,
    mix,
)
from ..plan.layout import LINE, TEXT, Panel, PlotArea
from ..plan.palette import on_background
from ..plan.settings import RenderSettings
from .axes import PlotAxes
from .base import OptirollScene
from .landmarks import HALO_STROKE, MARK_STROKE, Landmarks, StartMarker, minimum_glyph
from .legend import legend
from .mobjects import ContourMap, StepCounter, dot_marks, dots, hold_still
from .plots import panel_titles, surface_formula
from .style import Style

BALL_SHARE = 0.32  # a ball's radius as a share of the starts' spacing, at most the style's ball
BASIN_SHARE = 0.8  # a start's dot in the basin map, as a share of a ball


class CloudScene(OptirollScene, Scene):
    """A cloud of balls per optimizer, then the basin map of their starts."""

    @classmethod
    def planned_frames(cls, settings: RenderSettings, trajectories: list[Trajectory]) -> int:
        first = trajectories[0]
        optimizers = tuple(t.optimizer for t in trajectories)
        experiment = Experiment(
            first.surface, first.start, first.steps, optimizers, seed=first.seed
        )
        return cloud_figure(settings, experiment).timeline.frames

    @classmethod
    def exact_colors(cls, settings: RenderSettings, experiment: Experiment) -> list[str]:
        """The page's colours and every colour an outcome may take, as a ball and faded on the
        basin map (which occur is known only once the balls have rolled)."""
        scheme = cls.style_for(settings, experiment).scheme
        page = [scheme.background, scheme.text, scheme.muted_text, scheme.frame, scheme.minimum]
        hues = [*MINIMUM_HUES, OTHER_MINIMA_HUE, NOT_CONVERGED_HUE]
        outcomes = [on_background(hue, scheme.background) for hue in hues] + [scheme.text]
        faded = [mix(scheme.background, c, BASIN_TINT) for c in outcomes]
        return list(dict.fromkeys(page + ContourMap.colors(scheme) + outcomes + faded))

    @cached_property
    def figure(self) -> CloudFigure:
        return cloud_figure(self.settings, self.experiment)

    def panels(self) -> tuple[Panel, ...]:
        return self.figure.layout.figure.panels

    def sidecar_timeline(self) -> dict | None:
        return self.figure.timeline.to_dict()

    def sidecar_extra(self) -> dict:
        """Every start and each ball's outcome, the outcomes' colours and words, the balls'
        size in pixels."""
        figure = self.figure
        scale = self.settings.height / self.settings.frame_height
        return {
            "cloud": {
                **figure.cloud.to_dict(),
                "outcome_colors": list(figure.colors),
                "basin_colors": list(figure.basin_colors),
                "key": [figure.cloud.outcomes[i].kind for i in figure.shown],
                "key_texts": list(figure.key_texts),
                "ball_radius_px": self.ball_radius * scale,
            }
        }

    @cached_property
    def ball_radius(self) -> float:
        """Scene units: a share of the starts' spacing on screen, at most the style's ball."""
        area = self.panels()[0].area
        count = len(self.figure.cloud.starts)
        window = self.experiment.surface.window
        per_unit = area.box.width / (area.window.x_max - area.window.x_min)
        spacing = np.sqrt((window.x_max - window.x_min) * (window.y_max - window.y_min) / count)
        return min(self.style.ball_radius(area.box), BALL_SHARE * spacing * per_unit)

    def construct(self) -> None:
        style, settings, figure = self.style, self.settings, self.figure
        cloud, layout, timeline = figure.cloud, figure.layout, figure.timeline
        tracker = ValueTracker(0.0)
        surface = self.experiment.surface
        static, basin, moving, marks = [], [], [], []
        for panel, run in zip(self.panels(), cloud.runs, strict=True):
            area = panel.area
            static.append(ContourMap(surface, area, style=style, marked=False))
            if cloud.spec.layout == "point":
                static.append(StartMarker(self.experiment.start, area, style=style))
            if settings.axes:
                static.append(
                    PlotAxes(area, style=style, x_labels=panel.x_labels, y_labels=panel.y_labels)
                )
            basin.append(self._basin(area, run.outcome))
            balls = Balls(run.path, run.outcome, figure.colors, area, tracker=tracker,
                          radius=self.ball_radius)  # fmt: skip
            moving.append(balls)
            # Above the balls, so none hides a minimum.
            marks += [Landmarks(surface, area, style=style), self._found_minima(area, style)]
        static += panel_titles(self.panels(), style=style)
        entries = [(figure.key_texts[k], figure.colors[i]) for k, i in enumerate(figure.shown)]
        key = legend(entries, layout.key, style=style, text_height=TEXT)
        static.append(key.align_to([0, layout.key.top - LINE / 2, 0], direction=[0, 1, 0]))
        static.append(surface_formula(surface, layout.figure.formula, style=style))
        counter = StepCounter(
            self.experiment.steps,
            tracker=tracker,
            header=layout.figure.counter,
            style=style,
            timeline=timeline.roll,
        )
        static.append(counter.fixed)
        basins = VGroup(*basin).set_stroke(opacity=0)
        hold_still(*static, *marks)
        self.add(*static, basins, *moving, counter, *marks)
        roll = timeline.roll
        self.wait(roll.still_seconds, frozen_frame=True)
        self.play(
            UpdateFromAlphaFunc(
                tracker, lambda mob, alpha: mob.set_value(roll.step_at_progress(alpha))
            ),
            run_time=roll.play_seconds,
            rate_func=linear,
        )
        self.play(
            UpdateFromAlphaFunc(basins, lambda mob, alpha: mob.set_stroke(opacity=alpha)),
            run_time=timeline.fade_seconds,
            rate_func=linear,
        )
        if timeline.hold:
            self.wait(timeline.hold_seconds, frozen_frame=True)

    def _basin(self, area: PlotArea, outcome: np.ndarray) -> VGroup:
        """A dot at each start inside the plot, in the faded colour of where its ball ended."""
        starts = self.figure.cloud.starts
        inside = area.window.contains(starts)
        group = VGroup()
        for i in np.unique(outcome):
            mob = dots(self.figure.basin_colors[i], self.ball_radius * BASIN_SHARE)
            group.add(dot_marks(area.to_scene(starts[inside & (outcome == i)]), mob))
        return group

    def _found_minima(self, area: PlotArea, style: Style) -> VGroup:
        """A '+' over a page-coloured halo on each minimum the balls found that the surface does
        not name (`Landmarks` marks those)."""
        marks = VMobject(stroke_color=style.scheme.minimum, stroke_width=MARK_STROKE)
        named = {tuple(m) for m in self.experiment.surface.minima}
        for o in self.figure.cloud.outcomes:
            point = None if o.kind != MINIMUM or o.point in named else np.array(o.point)
            if point is not None and area.window.contains(point):
                glyph = minimum_glyph(area.to_scene(point), color=style.scheme.minimum)
                marks.append_points(glyph.points)
        halo = marks.copy().set_stroke(style.scheme.background, width=HALO_STROKE)
        return VGroup(halo, marks) if len(marks.points) else VGroup()


class Balls(VGroup):
    """The balls of one panel: a mobject of dots per outcome, following the tracker's step along
    `path` (steps + 1, N, 2), drawn where they are inside the plot."""

    def __init__(
        self,
        path: np.ndarray,
        outcome: np.ndarray,
        colors: list[str],
        area: PlotArea,
        *,
        tracker: ValueTracker,
        radius: float,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.path, self.area, self.tracker = path, area, tracker
        self.groups = [
            (np.flatnonzero(outcome == i), dots(colors[i], radius)) for i in np.unique(outcome)
        ]
        self.add(*(mob for _, mob in self.groups))
        self.add_updater(lambda mob: mob.show_step(mob.tracker.get_value()))
        self.show_step(0.0)

    def positions(self, t: float) -> np.ndarray:
        """Every ball at fractional step `t`, on the straight segment between its iterates."""
        last = len(self.path) - 1
        t = min(max(t, 0.0), float(last))
        k = min(int(np.floor(t)), max(last - 1, 0))
        frac = t - k
        if last == 0 or frac == 0:
            return self.path[k]
        return (1 - frac) * self.path[k] + frac * self.path[k + 1]

    def show_step(self, t: float) -> None:
        here = self.positions(t)
        inside = self.area.window.contains(here)
        for members, mob in self.groups:
            shown = members[inside[members]]
            dot_marks(self.area.to_scene(here[shown]), mob)
