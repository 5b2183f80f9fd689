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

from ..optim.trajectory import Trajectory
from ..plan.beats import lecture_sections, play_seconds, wait_seconds
from ..plan.layout import Box, Panel
from ..plan.loss_axes import loss_axes
from ..plan.settings import RenderSettings
from .aids import ArrowAtBall
from .equations import EquationPanel, math_line
from .explain import ExplainBoard, LessonScene, gradient_scale, lesson_panels
from .loss_curve import LossCursor, LossCurveFrame
from .mobjects import ContourMap, TrailedBall, label

WRAP = {"en": 34, "ko": 20}  # characters per line of prose in the side panel
# Of the plot's short side: the comparison's balls, smaller than a board's, for several at once.
COMPARISON_BALL_SHARE = 0.02


class LectureScene(LessonScene, Scene):
    """The whole lecture; each part starts a section (`next_section`), cut into a clip of its own."""

    sectioned = True

    @classmethod
    def planned_frames(cls, settings: RenderSettings, trajectories: list[Trajectory]) -> int:
        return sum(s.frames for s in lecture_sections(settings, trajectories))

    def panels(self) -> tuple[Panel, ...]:
        return lesson_panels(self.layout, runs=tuple(range(len(self.experiment.optimizers))))

    def construct(self) -> None:
        s = self.settings
        sections = lecture_sections(s, self.trajectories)
        shows = [self._title, self._surface]
        shows += [self._optimizer(i) for i in range(len(self.trajectories))]
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
        w, fw = self.style.words.lesson, self.settings.frame_width
        title = self._text(w.title, 0.8, fw * 0.85)
        subtitle = self._text(w.subtitle, 0.42, fw * 0.85, muted=True)
        VGroup(title, subtitle).arrange(DOWN, buff=0.5).move_to([0, 0, 0])
        self._in_and_hold(beats, title, subtitle)

    def _surface(self, beats: tuple[int, ...]) -> None:
        layout, surface, fps = self.layout, self.experiment.surface, self.settings.fps
        style = self.style
        w = style.words.lesson
        heading = self._text(w.surface_heading, layout.header.height * 0.6, layout.header.width)
        heading.move_to([layout.header.left, layout.header.center[1], 0], aligned_edge=LEFT)
        formula = math_line(surface.latex, surface.formula, style.scheme.text, style.font)
        formula.scale_to_fit_width(min(layout.equation.width, formula.width))
        if formula.height > layout.equation.height * 0.5:
            formula.scale_to_fit_height(layout.equation.height * 0.5)
        formula.move_to([*layout.equation.center, 0])
        why = self._prose(w.surface_why, layout.readout)
        self.play(
            FadeIn(ContourMap(surface, layout.plot, style=style)),
            FadeIn(heading),
            FadeIn(formula),
            run_time=play_seconds(beats[0], fps),
        )
        # Why SGD zigzags: at the start, -grad points across the valley, not at the minimum.
        start = np.array(self.experiment.start)
        reference = self.trajectories[0]
        area = layout.plot
        arrow = ArrowAtBall(color=style.scheme.gradient, head_length=0.2, style=style)
        arrow.point_from(
            area.to_scene(start),
            area.to_scene(start - gradient_scale(reference, layout) * reference.gradients[0]),
        )
        aim = DashedLine(
            area.to_scene(start),
            area.to_scene(np.array(surface.minima[0] if surface.minima else (0.0, 0.0))),
            color=style.scheme.muted_text,
            stroke_width=style.stroke,
        )
        ball = Dot(area.to_scene(start), radius=0.1, color=style.run_color(0))
        self.play(
            FadeIn(aim),
            FadeIn(arrow),
            FadeIn(ball),
            FadeIn(why),
            run_time=play_seconds(beats[1], fps),
        )
        self.wait(wait_seconds(beats[2], fps), frozen_frame=True)

    def _optimizer(self, index: int) -> Callable[[tuple[int, ...]], None]:
        trajectory = self.trajectories[index]

        def show(beats: tuple[int, ...]) -> None:
            self._card(trajectory, beats[:2])
            self.clear()
            board = ExplainBoard(
                trajectory,
                self.experiment.surface,
                self.layout,
                steps=self.experiment.steps,
                style=self.style,
                color=self.style.run_color(index),
            )
            self.add(*board.static)
            self.add(*board.moving)
            board.play(self, self.settings)  # its steps: exactly beats[2] frames
            self.wait(wait_seconds(beats[3], self.settings.fps), frozen_frame=True)

        return show

    def _card(self, trajectory: Trajectory, beats: tuple[int, ...]) -> None:
        style, fw = self.style, self.settings.frame_width
        w = style.words
        opt = trajectory.optimizer
        name = w.lesson.long_names.get(opt.name, w.optimizer_names.get(opt.name, opt.display_name))
        title = self._text(name, 0.75, fw * 0.85)
        values = self._text(w.label(opt), 0.4, fw * 0.85, muted=True)
        rule = EquationPanel(
            opt,
            row_height=0.9,
            max_width=fw * 0.8,
            color=style.scheme.text,
            accent=style.scheme.accent,
            font=style.font,
        )
        rule.frame.set_stroke(opacity=0)  # nothing is applied yet: no statement is framed
        rule.rows.set_color(style.scheme.text)
        blurb = self._prose(
            w.lesson.blurbs.get(opt.name, ""), Box(-fw * 0.4, -3.6, fw * 0.4, -1.6), wrap=2
        )
        blurb.set_x(0)
        VGroup(title, values).arrange(DOWN, buff=0.25).move_to([0, 2.6, 0])
        rule.move_to([0, 0.2, 0])
        self._in_and_hold(beats, title, values, rule, blurb)

    def _comparison(self, beats: tuple[int, ...]) -> None:
        layout, fps, style = self.layout, self.settings.fps, self.style
        tracker = ValueTracker(0.0)
        heading = self._text(
            style.words.lesson.closing, layout.header.height * 0.6, layout.header.width
        )
        heading.move_to([layout.header.left, layout.header.center[1], 0], aligned_edge=LEFT)
        panel = Box(
            layout.equation.left, layout.caption.top, layout.equation.right, layout.equation.top
        )
        curves_box, legend_box = panel.split_top(panel.height * 0.62)
        longest = max(len(t.points) - 1 for t in self.trajectories)
        losses = [t.losses for t in self.trajectories]
        colors = list(style.runs)
        axes = loss_axes(curves_box, longest, losses)
        static = [
            ContourMap(self.experiment.surface, layout.plot, style=style),
            heading,
            LossCurveFrame(axes, losses, colors=colors, style=style),
            self._legend(legend_box.shrink(0.1)),
        ]
        radius = style.ball_radius(layout.plot.box, share=COMPARISON_BALL_SHARE)
        moving = [
            TrailedBall(t, layout.plot, tracker=tracker, style=style, color=c, radius=radius)
            for t, c in zip(self.trajectories, colors, strict=True)
        ]
        moving.append(LossCursor(axes, losses, colors=colors, tracker=tracker, style=style))
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
                self.style.words.label(trajectory.optimizer),
                height=0.26,
                max_width=box.width - 0.5,
                style=self.style,
            )
            color = self.style.run_color(i)
            rows.add(VGroup(Dot(radius=0.08, color=color), text).arrange(buff=0.15))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        if rows.height > box.height:
            rows.scale_to_fit_height(box.height)
        return rows.move_to([box.left, box.top, 0], aligned_edge=LEFT + UP)

    def _text(self, text: str, height: float, max_width: float, muted: bool = False):
        scheme = self.style.scheme
        color = scheme.muted_text if muted else scheme.text
        return label(text, height=height, max_width=max_width, style=self.style, color=color)

    def _prose(self, text: str, box: Box, wrap: int = 1):
        """`text` wrapped into lines and fitted into `box`, aligned to its top left."""
        width = WRAP.get(self.settings.lang, 34) * wrap
        mob = label(
            "\n".join(textwrap.wrap(text, width)) or " ",
            height=10,
            max_width=box.width,
            style=self.style,
        )
        line = 0.34
        lines = max(1, len(textwrap.wrap(text, width)))
        mob.scale_to_fit_height(min(line * lines * 1.15, box.height))
        if mob.width > box.width:
            mob.scale_to_fit_width(box.width)
        return mob.move_to([box.left, box.top, 0], aligned_edge=LEFT + UP)
