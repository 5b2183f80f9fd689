"""The lecture: a title card, the surface and why SGD struggles on it, each optimizer explained
(name, rule, path with its aids), and a closing comparison with loss curves. One section each.

Sections are Manim's (`next_section`); our pipeline cuts them into clips (see `sections.py`).
Nothing cuts to a blank page: each section opens by dissolving from the last frame of the one
before (`dissolve.py`), and an optimizer's card hands its rule to the board, every part of the
formula moving to its place there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UP,
    Animation,
    DashedLine,
    Dot,
    Mobject,
    ReplacementTransform,
    Scene,
    ValueTracker,
    VGroup,
    linear,
)

from ..optim.experiment import Experiment
from ..optim.trajectory import Trajectory
from ..plan.beats import Section, lecture_sections, play_seconds, wait_seconds
from ..plan.captions import SectionTrack, lecture_tracks
from ..plan.layout import Box, Panel
from ..plan.lesson_layout import SAFE_MARGIN, TEXT_EM, gradient_scale
from ..plan.loss_axes import loss_axes
from ..plan.notation import label_notation
from ..plan.settings import RenderSettings
from .aids import ArrowAtBall
from .backdrop import BackdropCamera
from .dissolve import Dissolve
from .equations import EquationPanel, math_line
from .explain import ExplainBoard, LessonScene, lesson_panels, symbol_colors
from .loss_curve import LossCursor, LossCurveFrame
from .math_text import TextBlock, paragraph, top_left
from .mobjects import ContourMap, TrailedBall, hold_still

# Of the plot's short side: the comparison's balls, smaller than a board's, for several at once.
COMPARISON_BALL_SHARE = 0.02
CARD_EM = 0.4  # a card's words, scene units to the em (24 px at 480 px tall)


class SectionCamera(BackdropCamera):
    """A backdrop camera, painting nothing while `blank`: Manim still paints a backdrop and a frame
    for every animation of a skipped section, then throws them away, which made skipping a
    section cost as much as drawing it."""

    blank = False

    def capture_mobjects(self, mobjects: Iterable[Mobject], **kwargs) -> None:
        if not self.blank:
            super().capture_mobjects(mobjects, **kwargs)


class LectureScene(LessonScene, Scene):
    """The whole lecture; each part starts a section (`next_section`), cut into a clip of its own."""

    sectioned = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, camera_class=SectionCamera, **kwargs)

    def next_section(self, name: str = "unnamed", *args, **kwargs) -> None:
        super().next_section(name, *args, **kwargs)
        self.camera.blank = not self.drawing

    @classmethod
    def planned_frames(cls, settings: RenderSettings, trajectories: list[Trajectory]) -> int:
        return sum(s.frames for s in lecture_sections(settings, trajectories))

    @classmethod
    def planned_tracks(
        cls, settings: RenderSettings, experiment: Experiment, trajectories: list[Trajectory]
    ) -> list[SectionTrack]:
        return lecture_tracks(settings, trajectories, experiment.steps)

    def panels(self) -> tuple[Panel, ...]:
        return lesson_panels(self.layout, runs=tuple(range(len(self.experiment.optimizers))))

    def construct(self) -> None:
        s = self.settings
        sections = lecture_sections(s, self.trajectories)
        shows = [self._title, self._surface]
        shows += [self._optimizer(i) for i in range(len(self.trajectories))]
        shows.append(self._comparison)
        self.shown: list[Mobject] = []  # on screen at the end of the last beat
        for index, (section, show) in enumerate(zip(sections, shows, strict=True)):
            self.next_section(section.name)
            # A section starts from what the one before left on screen (`shown`), and from nothing
            # else: one that is not drawn plays only if the next one is.
            if self.draws(index) or self.draws(index + 1):
                show(section.beats)

    @classmethod
    def planned_sections(
        cls, settings: RenderSettings, trajectories: list[Trajectory]
    ) -> list[Section]:
        return lecture_sections(settings, trajectories)

    # Beats: each method plays exactly the frames its section's plan gives it.
    def _seconds(self, frames: int) -> float:
        return play_seconds(frames, self.settings.fps)

    def _hold(self, frames: int) -> None:
        self.wait(wait_seconds(frames, self.settings.fps), frozen_frame=True)

    def _dissolve(
        self,
        frames: int,
        after: Sequence[Mobject],
        *also: Animation,
        before: Sequence[Mobject] | None = None,
    ) -> None:
        """Dissolve from the page showing `before` (what is shown, unless given) to the page
        showing `after`: never a blank frame. `also` play over it. Moving parts keep still
        meanwhile: they are not in the scene until it ends."""
        before = self.shown if before is None else before
        self.remove(*before)
        self.play(Dissolve(before, after), *also, run_time=self._seconds(frames))
        self.shown = list(after)

    def _title(self, beats: tuple[int, ...]) -> None:
        w, fw = self.style.words.lesson, self.settings.frame_width
        title = self._text(w.title, 0.95, fw * 0.85)
        subtitle = self._text(w.subtitle, 0.5, fw * 0.85, muted=True)
        VGroup(title, subtitle).arrange(DOWN, buff=0.5).move_to([0, 0, 0])
        self.shown = [title]  # on screen from the first frame: the video never opens blank
        self._dissolve(beats[0], [title, subtitle])
        self._hold(beats[1])

    def _surface(self, beats: tuple[int, ...]) -> None:
        layout, surface, style = self.layout, self.experiment.surface, self.style
        w = style.words.lesson
        heading = self._text(w.surface_heading, layout.header.height * 0.62, layout.header.width)
        heading.move_to([layout.header.left, layout.header.center[1], 0], aligned_edge=LEFT)
        formula = math_line(surface.latex, surface.formula, style.scheme.text, style=style)
        formula.scale_to_fit_width(min(layout.equation.width, formula.width))
        if formula.height > layout.equation.height * 0.5:
            formula.scale_to_fit_height(layout.equation.height * 0.5)
        formula.move_to([*layout.equation.center, 0])
        box = layout.readout_alone
        why = paragraph(w.surface_why, width=box.width, em=TEXT_EM, style=style)
        top_left(why, box.left, box.top)
        contours = ContourMap(surface, layout.plot, style=style)
        self._dissolve(beats[0], [contours, heading, formula, why])
        # Why SGD zigzags: at the start, -grad points across the valley, not at the minimum.
        start = np.array(self.experiment.start)
        reference = self.trajectories[0]
        area = layout.plot
        arrow = ArrowAtBall(color=self.aids[0].gradient, head_length=0.2, style=style)
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
        self._dissolve(beats[1], [*self.shown, aim, arrow, ball])
        self._hold(beats[2])

    def _optimizer(self, index: int) -> Callable[[tuple[int, ...]], None]:
        def show(beats: tuple[int, ...]) -> None:
            board = self.board(index)
            if self.drawing:
                self._card_to_board(board, index, beats)
            else:  # only its last picture counts: the next section starts there
                board.show_end()
            self.shown = [*board.static, *board.moving]

        return show

    def _card_to_board(self, board: ExplainBoard, index: int, beats: tuple[int, ...]) -> None:
        """The optimizer's card, its rule moving onto its board, and the board's steps."""
        card, rule = self._card(index)
        self._dissolve(beats[0], [*card, rule])
        self._hold(beats[1])
        # The card's rule becomes the board's: each part of the formula moves to its place.
        others = [m for m in board.static if m is not board.equation]
        self._dissolve(
            beats[2],
            [*others, *board.moving],
            ReplacementTransform(rule, board.equation),
            before=card,
        )
        self.remove(board.equation)  # drawn with the static parts, below the moving ones
        self.add(*board.static)
        self.add(*board.moving)
        board.play(self, self.settings)  # its steps: exactly beats[3] frames
        self._hold(beats[4])

    def _card(self, index: int) -> tuple[list[Mobject], EquationPanel]:
        """The optimizer's card: its name, values and a line from the chapter, and its rule."""
        trajectory = self.trajectories[index]
        style, fw, fh = self.style, self.settings.frame_width, self.settings.frame_height
        w = style.words
        opt = trajectory.optimizer
        title = self._text(w.long_name(opt), 0.9, fw * 0.85)
        values = self._text(label_notation(w.label(opt)), CARD_EM, fw * 0.85, muted=True)
        aids = self.aids[index]
        rule = EquationPanel(
            opt,
            row_height=0.9,
            max_width=fw * 0.8,
            color=style.scheme.text,
            colors=symbol_colors(trajectory, aids),
            now=aids.now,
            now_fill=aids.now_fill,
            style=style,
        )
        rule.unlit()  # nothing is applied yet
        VGroup(title, values).arrange(DOWN, buff=0.25).move_to([0, 2.6, 0])
        rule.move_to([0, 0.2, 0])
        width = fw * (1 - 2 * SAFE_MARGIN) * 0.8
        blurb = paragraph(w.lesson.blurbs.get(opt.name, ""), width=width, em=TEXT_EM, style=style)
        top = min(rule.get_bottom()[1] - 0.5, -1.4)
        top_left(blurb, -blurb.ink_width / 2, top)
        if blurb.get_bottom()[1] < -fh * (0.5 - SAFE_MARGIN):
            blurb.shift([0, -fh * (0.5 - SAFE_MARGIN) - blurb.get_bottom()[1], 0])
        return [title, values, blurb], rule

    def _comparison(self, beats: tuple[int, ...]) -> None:
        layout, fps, style = self.layout, self.settings.fps, self.style
        tracker = ValueTracker(0.0)
        heading = self._text(
            style.words.lesson.closing, layout.header.height * 0.62, layout.header.width
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
        hold_still(*static)
        radius = style.ball_radius(layout.plot.box, share=COMPARISON_BALL_SHARE)
        moving = [
            TrailedBall(t, layout.plot, tracker=tracker, style=style, color=c, radius=radius)
            for t, c in zip(self.trajectories, colors, strict=True)
        ]
        moving.append(LossCursor(axes, losses, colors=colors, tracker=tracker, style=style))
        self._dissolve(beats[0], [*static, *moving])
        self.play(
            tracker.animate.set_value(float(longest)),
            run_time=play_seconds(beats[1], fps),
            rate_func=linear,
        )
        self._hold(beats[2])

    def _legend(self, box: Box) -> VGroup:
        rows = VGroup()
        for i, trajectory in enumerate(self.trajectories):
            text = TextBlock(
                [label_notation(self.style.words.label(trajectory.optimizer))],
                em=TEXT_EM,
                style=self.style,
            ).fit_width(box.width - 0.5)
            color = self.style.run_color(i)
            rows.add(VGroup(Dot(radius=0.08, color=color), text).arrange(buff=0.15))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        if rows.height > box.height:
            rows.scale_to_fit_height(box.height)
        return rows.move_to([box.left, box.top, 0], aligned_edge=LEFT + UP)

    def _text(self, text: str, height: float, max_width: float, muted: bool = False) -> TextBlock:
        """One line of words (and $mathematics$), `height` to the em, narrowed to `max_width`."""
        scheme = self.style.scheme
        color = scheme.muted_text if muted else scheme.text
        return TextBlock([text], em=height, style=self.style, color=color).fit_width(max_width)
