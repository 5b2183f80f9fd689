"""The lecture: a title card, the surface and why SGD struggles on it, each optimizer explained
(name, rule, path with its aids), and a closing comparison with loss curves. One section each.

Sections are Manim's (`next_section`); our pipeline cuts them into clips (see `sections.py`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UP,
    DashedLine,
    Dot,
    FadeIn,
    Scene,
    ValueTracker,
    VGroup,
    linear,
)

from ..optim.experiment import Experiment
from ..optim.trajectory import Trajectory
from ..plan.beats import lecture_sections, play_seconds, wait_seconds
from ..plan.layout import Box, Panel
from ..plan.lesson_layout import layout_explain
from ..plan.loss_axes import loss_axes
from ..plan.settings import RenderSettings
from ..plan.theme import theme
from ..plan.words import LANGUAGES
from .aids import ArrowAtBall
from .base import FromData
from .equations import EquationPanel, math_line
from .explain import STROKE, ExplainBoard, gradient_scale, lesson_panels
from .fonts import pick_font
from .loss_curve import LossCursor, LossCurveFrame
from .mobjects import ContourMap, TrailedBall, label

WRAP = {"en": 34, "ko": 20}  # characters per line of prose in the side panel


class LectureScene(FromData, Scene):
    """The whole lecture; `on_section` (set by the render pipeline) hears each section start."""

    on_section: Callable[[str], None] | None = None
    ball_colors = 5  # the ball, the arrows (1, 2) and the bars (3, 4): a GIF keeps them exact

    @staticmethod
    def planned_frames(settings: RenderSettings, trajectories: list[Trajectory]) -> int:
        return sum(s.frames for s in lecture_sections(settings, trajectories))

    @staticmethod
    def panels(settings: RenderSettings, experiment: Experiment) -> tuple[Panel, ...]:
        return lesson_panels(settings, experiment, runs=tuple(range(len(experiment.optimizers))))

    def next_section(self, name: str = "unnamed", *args, **kwargs) -> None:
        """Mark where a section starts; the render pipeline cuts its clip from here."""
        if self.on_section is not None:
            self.on_section(name)

    def construct(self) -> None:
        s = self.settings
        self.words = LANGUAGES[s.lang]
        self.font = pick_font(self.words)
        self.scheme = theme(s.theme)
        self.layout = layout_explain(
            s.frame_width, s.frame_height, self.experiment.surface.window, s.equal_scale
        )
        sections = lecture_sections(s, self.trajectories)
        shows = [self._title, self._surface]
        shows += [self._optimizer(t) for t in self.trajectories]
        shows.append(self._comparison)
        for section, show in zip(sections, shows, strict=True):
            self.clear()
            self.next_section(section.name)
            show(section.beats)

    # Beats: each method plays exactly the frames its section's plan gives it.
    def _in_and_hold(self, beats: tuple[int, ...], *mobjects) -> None:
        fps = self.settings.fps
        self.play(*(FadeIn(m) for m in mobjects), run_time=play_seconds(beats[0], fps))
        self.wait(wait_seconds(beats[-1], fps), frozen_frame=True)

    def _title(self, beats: tuple[int, ...]) -> None:
        w, fw = self.words.lesson, self.settings.frame_width
        title = self._text(w.title, 0.8, fw * 0.85)
        subtitle = self._text(w.subtitle, 0.42, fw * 0.85, muted=True)
        VGroup(title, subtitle).arrange(DOWN, buff=0.5).move_to([0, 0, 0])
        self._in_and_hold(beats, title, subtitle)

    def _surface(self, beats: tuple[int, ...]) -> None:
        layout, surface, fps = self.layout, self.experiment.surface, self.settings.fps
        w = self.words.lesson
        heading = self._text(w.surface_heading, layout.header.height * 0.6, layout.header.width)
        heading.move_to([layout.header.left, layout.header.center[1], 0], aligned_edge=LEFT)
        formula = math_line(surface.latex, surface.formula, self.scheme.text, self.font)
        formula.scale_to_fit_width(min(layout.equation.width, formula.width))
        if formula.height > layout.equation.height * 0.5:
            formula.scale_to_fit_height(layout.equation.height * 0.5)
        formula.move_to([*layout.equation.center, 0])
        why = self._prose(w.surface_why, layout.readout)
        self.play(
            FadeIn(ContourMap(surface, layout.plot, self.scheme, STROKE)),
            FadeIn(heading),
            FadeIn(formula),
            run_time=play_seconds(beats[0], fps),
        )
        # Why SGD zigzags: at the start, -grad points across the valley, not at the minimum.
        start = np.array(self.experiment.start)
        reference = self.trajectories[0]
        area = layout.plot
        arrow = ArrowAtBall(self.scheme.ball(1), STROKE * 1.4, 0.2)
        arrow.point_from(
            area.to_scene(start),
            area.to_scene(start - gradient_scale(reference, layout) * reference.gradients[0]),
        )
        aim = DashedLine(
            area.to_scene(start),
            area.to_scene(np.array(surface.minima[0] if surface.minima else (0.0, 0.0))),
            color=self.scheme.muted_text,
            stroke_width=STROKE,
        )
        ball = Dot(area.to_scene(start), radius=0.1, color=self.scheme.ball(0))
        self.play(
            FadeIn(aim),
            FadeIn(arrow),
            FadeIn(ball),
            FadeIn(why),
            run_time=play_seconds(beats[1], fps),
        )
        self.wait(wait_seconds(beats[2], fps), frozen_frame=True)

    def _optimizer(self, trajectory: Trajectory) -> Callable[[tuple[int, ...]], None]:
        def show(beats: tuple[int, ...]) -> None:
            self._card(trajectory, beats[:2])
            self.clear()
            board = ExplainBoard(
                trajectory,
                self.experiment.surface,
                self.layout,
                self.scheme,
                self.words,
                self.font,
                self.experiment.steps,
            )
            self.add(*board.static)
            self.add(*board.moving)
            board.play(self, self.settings)  # its steps: exactly beats[2] frames
            self.wait(wait_seconds(beats[3], self.settings.fps), frozen_frame=True)

        return show

    def _card(self, trajectory: Trajectory, beats: tuple[int, ...]) -> None:
        w, fw = self.words, self.settings.frame_width
        opt = trajectory.optimizer
        name = w.lesson.long_names.get(opt.name, w.optimizer_names.get(opt.name, opt.display_name))
        title = self._text(name, 0.75, fw * 0.85)
        values = self._text(w.label(opt), 0.4, fw * 0.85, muted=True)
        rule = EquationPanel(opt, self.scheme.text, self.scheme.ball(1), fw * 0.8, 0.9, self.font)
        rule.frame.set_stroke(opacity=0)  # nothing is applied yet: no statement is framed
        rule.rows.set_color(self.scheme.text)
        blurb = self._prose(
            w.lesson.blurbs.get(opt.name, ""), Box(-fw * 0.4, -3.6, fw * 0.4, -1.6), wrap=2
        )
        blurb.set_x(0)
        VGroup(title, values).arrange(DOWN, buff=0.25).move_to([0, 2.6, 0])
        rule.move_to([0, 0.2, 0])
        self._in_and_hold(beats, title, values, rule, blurb)

    def _comparison(self, beats: tuple[int, ...]) -> None:
        layout, fps, scheme = self.layout, self.settings.fps, self.scheme
        tracker = ValueTracker(0.0)
        heading = self._text(
            self.words.lesson.closing, layout.header.height * 0.6, layout.header.width
        )
        heading.move_to([layout.header.left, layout.header.center[1], 0], aligned_edge=LEFT)
        panel = Box(
            layout.equation.left, layout.caption.top, layout.equation.right, layout.equation.top
        )
        curves_box, legend_box = panel.split_top(panel.height * 0.62)
        longest = max(len(t.points) - 1 for t in self.trajectories)
        losses = [t.losses for t in self.trajectories]
        colors = [scheme.ball(i) for i in range(len(self.trajectories))]
        axes = loss_axes(curves_box, longest, losses)
        static = [
            ContourMap(self.experiment.surface, layout.plot, scheme, STROKE),
            heading,
            LossCurveFrame(axes, losses, colors, self.words, self.font, scheme, STROKE),
            self._legend(legend_box.shrink(0.1)),
        ]
        radius = min(layout.plot.box.width, layout.plot.box.height) * 0.02
        moving = [
            TrailedBall(t, layout.plot, c, tracker, radius, STROKE, self.words, self.font, scheme)
            for t, c in zip(self.trajectories, colors, strict=True)
        ]
        moving.append(LossCursor(axes, losses, colors, tracker, scheme, STROKE))
        self.add(*static)
        self.add(*moving)
        self.play(
            tracker.animate.set_value(float(longest)),
            run_time=play_seconds(beats[0], fps),
            rate_func=linear,
        )
        self.wait(wait_seconds(beats[1], fps), frozen_frame=True)

    def _legend(self, box: Box) -> VGroup:
        rows = VGroup()
        for i, trajectory in enumerate(self.trajectories):
            text = label(
                self.words.label(trajectory.optimizer),
                self.font,
                self.scheme.text,
                0.26,
                box.width - 0.5,
            )
            rows.add(VGroup(Dot(radius=0.08, color=self.scheme.ball(i)), text).arrange(buff=0.15))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        if rows.height > box.height:
            rows.scale_to_fit_height(box.height)
        return rows.move_to([box.left, box.top, 0], aligned_edge=LEFT + UP)

    def _text(self, text: str, height: float, max_width: float, muted: bool = False):
        color = self.scheme.muted_text if muted else self.scheme.text
        return label(text, self.font, color, height, max_width)

    def _prose(self, text: str, box: Box, wrap: int = 1):
        """`text` wrapped into lines and fitted into `box`, aligned to its top left."""
        width = WRAP.get(self.settings.lang, 34) * wrap
        mob = label(
            "\n".join(textwrap.wrap(text, width)) or " ", self.font, self.scheme.text, 10, box.width
        )
        line = 0.34
        lines = max(1, len(textwrap.wrap(text, width)))
        mob.scale_to_fit_height(min(line * lines * 1.15, box.height))
        if mob.width > box.width:
            mob.scale_to_fit_width(box.width)
        return mob.move_to([box.left, box.top, 0], aligned_edge=LEFT + UP)
