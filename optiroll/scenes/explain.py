"""The explain scene: one optimizer beside its update rule, the rule's quantities live each step.

Each step has two beats on one tracker: first the ball waits while the rule's state statements
light up (the bars and readout already show the state after the update), then the update of W
lights up and the ball rolls to the next point. Everything shown is read from the trajectory.
"""

from __future__ import annotations

import math

import numpy as np
from manim import LEFT, RIGHT, Scene, ValueTracker, VGroup, smooth

from ..optim.experiment import Experiment
from ..optim.surfaces import Surface
from ..optim.trajectory import Trajectory
from ..plan.beats import explain_beats, play_seconds, step_beats, wait_seconds
from ..plan.layout import Box, Panel
from ..plan.lesson_layout import ExplainLayout, layout_explain
from ..plan.narration import kind, readout_lines, step_caption, updates
from ..plan.settings import RenderSettings
from ..plan.theme import ColorScheme, theme
from ..plan.words import LANGUAGES, Words
from .aids import ArrowAtBall, AxisBars, TextSwitch
from .base import FromData
from .equations import EquationPanel
from .fonts import pick_font
from .mobject_cache import text as cached_text
from .mobjects import ContourMap, StepCounter, TrailedBall, label

STROKE = 2.5
GRADIENT_ARROW_SHARE = 0.3  # the longest gradient arrow spans this share of the plot's short side


def nice_below(x: float) -> float:
    """The largest 1, 2 or 5 times a power of ten not above x (x > 0)."""
    power = 10.0 ** math.floor(math.log10(x))
    return max(m * power for m in (1.0, 2.0, 5.0) if m * power <= x * (1 + 1e-12))


def gradient_scale(trajectory: Trajectory, layout: ExplainLayout) -> float:
    """Data units per gradient unit, so the longest -grad arrow spans a fixed share of the plot."""
    box, w = layout.plot.box, layout.plot.window
    per_unit = np.array([box.width / (w.x_max - w.x_min), box.height / (w.y_max - w.y_min)])
    longest = float(np.max(np.linalg.norm(trajectory.gradients[:-1] * per_unit, axis=1)))
    if longest == 0.0:
        return 1.0
    return nice_below(GRADIENT_ARROW_SHARE * min(box.width, box.height) / longest)


def switch(
    texts: list[str], font: str, color: str, box: Box, line_height: float, top_left: bool
) -> TextSwitch:
    """A TextSwitch over `texts` all drawn at one scale, fitted into `box`."""
    mobs = [cached_text(t, font, color) for t in texts]
    lines = texts[0].count("\n") + 1
    scale = min(line_height * lines / mobs[0].height, box.width / max(m.width for m in mobs))
    scale = min(scale, box.height / max(m.height for m in mobs))
    for mob in mobs:
        mob.scale(scale)
        if top_left:
            mob.move_to([box.left, box.top, 0], aligned_edge=LEFT + np.array([0, 1, 0]))
        else:
            mob.move_to([box.center[0], box.center[1], 0])
    return TextSwitch(mobs)


class ExplainBoard:
    """Every part the explain scene draws for one run: `static` ones, then `moving` ones.

    `play` shows the steps; the ball and its arrows follow `ball_clock` (the step as a float).
    """

    def __init__(
        self,
        trajectory: Trajectory,
        surface: Surface,
        layout: ExplainLayout,
        scheme: ColorScheme,
        words: Words,
        font: str,
        steps: int,
    ):
        self.trajectory, self.layout = trajectory, layout
        self.n = updates(trajectory)
        area = layout.plot
        w = words.lesson
        title = label(
            words.label(trajectory.optimizer),
            font,
            scheme.text,
            layout.header.height * 0.6,
            layout.header.width * 0.7,
        )
        title.move_to([layout.header.left, layout.header.center[1], 0], aligned_edge=LEFT)
        self.equation = EquationPanel(
            trajectory.optimizer,
            scheme.text,
            scheme.ball(1),
            layout.equation.width,
            min(0.8, layout.equation.height / 2.8),
            font,
            max_height=layout.equation.height,
        ).move_to([*layout.equation.center, 0])
        self.static = [ContourMap(surface, area, scheme, STROKE), title]

        self.ball_clock = ValueTracker(0.0)
        self.counter_clock = ValueTracker(1.0)
        radius = min(area.box.width, area.box.height) * 0.022
        self.ball = TrailedBall(
            trajectory,
            area,
            scheme.ball(0),
            self.ball_clock,
            radius,
            STROKE,
            words,
            font,
            scheme,
        )
        self.scale = gradient_scale(trajectory, layout)
        head = radius * 1.6
        self.gradient_arrow = ArrowAtBall(scheme.ball(1), STROKE * 1.4, head)
        legend = [(scheme.ball(1), w.gradient_arrow.format(scale=f"{self.scale:g}"))]
        self.velocity_arrow = None
        if kind(trajectory) == "velocity":
            self.velocity_arrow = ArrowAtBall(scheme.ball(2), STROKE * 1.4, head)
            legend.append((scheme.ball(2), w.velocity_arrow))
        self.static.append(self._legend(legend, font, scheme, head))

        readout_box = layout.readout
        self.bars = None
        if "step_size" in trajectory.quantities:
            sizes = trajectory.quantities["step_size"][1:]
            self.bars = AxisBars(
                layout.bars,
                float(np.max(sizes)),
                (scheme.ball(3), scheme.ball(4)),
                scheme.frame,
                scheme.text,
                font,
            )
            bars_title = label(
                w.step_sizes,
                font,
                scheme.muted_text,
                layout.bars_title.height * 0.55,
                layout.bars_title.width,
            )
            bars_title.move_to(
                [layout.bars_title.left, layout.bars_title.center[1], 0], aligned_edge=LEFT
            )
            self.static += [bars_title, self.bars.frame]
        else:
            readout_box = layout.readout_alone
        n = self.n
        self.readout = switch(
            ["\n".join(readout_lines(words, trajectory, k)) for k in range(n)],
            font,
            scheme.text,
            readout_box,
            0.34,
            top_left=True,
        )
        self.caption = switch(
            [step_caption(words, trajectory, k) for k in range(n)],
            font,
            scheme.text,
            layout.caption,
            0.34,
            top_left=False,
        )
        header = layout.header
        counter = StepCounter(
            words,
            steps,
            self.counter_clock,
            font,
            scheme.text,
            header,
        )
        self.counter = counter
        # Only the ball and its arrows move within a step; the rule, bars and texts change between
        # the plays, so Manim paints them once per beat instead of every frame.
        self.static += [
            *([self.bars] if self.bars else []),
            self.equation,
            self.readout,
            self.caption,
            counter.fixed,  # "step" and "/ N"; the counter itself holds only the digits
        ]
        arrows = VGroup(
            self.gradient_arrow, *([self.velocity_arrow] if self.velocity_arrow else [])
        )
        arrows.add_updater(lambda _: self.aim_arrows(self.ball_clock.get_value()))
        self.moving = [self.ball, arrows, counter]
        self.k = 0
        self.show_step(0)

    def show_step(self, k: int) -> None:
        """Everything for step k (from point k to k + 1), the ball still at point k."""
        traj = self.trajectory
        self.k = k
        self.ball_clock.set_value(float(k))
        self.ball.show_step(float(k))
        self.aim_arrows(float(k))
        self.counter_clock.set_value(float(k + 1))
        self.counter.refresh()
        if self.bars is not None:
            self.bars.show(traj.quantities["step_size"][k + 1])
        self.readout.show(k)
        self.caption.show(k)

    def aim_arrows(self, t: float) -> None:
        """The arrows at the ball's position t: -grad of step k, and the velocity it moves with."""
        traj, area, k = self.trajectory, self.layout.plot, self.k
        here = self.ball.position(t)
        start = area.to_scene(here)
        if not area.window.contains(here):  # the ball left the plot: so do its arrows
            for arrow in (self.gradient_arrow, self.velocity_arrow):
                if arrow is not None:
                    arrow.point_from(start, start)
            return
        self.gradient_arrow.point_from(start, area.to_scene(here - self.scale * traj.gradients[k]))
        if self.velocity_arrow is not None:
            aim = traj.points[k] + traj.quantities["v"][k + 1]
            self.velocity_arrow.point_from(start, area.to_scene(aim))

    def play(self, scene: Scene, settings: RenderSettings) -> None:
        """Every step: the state statements lit in turn with the ball still, then it rolls."""
        fps = settings.fps
        state, move = step_beats(settings, self.trajectory.optimizer)
        last = len(self.equation.rows) - 1
        for k in range(self.n):
            self.show_step(k)
            for i, count in enumerate(state):
                self.equation.light(min(i, last))
                scene.wait(wait_seconds(count, fps), frozen_frame=True)
            self.equation.light(last)
            scene.play(
                self.ball_clock.animate.set_value(float(k + 1)),
                run_time=play_seconds(move, fps),
                rate_func=smooth,
            )

    def _legend(self, entries, font, scheme, head) -> VGroup:
        box = self.layout.legend
        rows = VGroup()
        for color, text in entries:
            sample = ArrowAtBall(color, STROKE * 1.4, head)
            sample.point_from(np.zeros(3), np.array([0.6, 0.0, 0.0]))
            words = label(text, font, scheme.text, box.height * 0.5, box.width * 0.45)
            rows.add(VGroup(sample, words).arrange(RIGHT, buff=0.15))
        rows.arrange(RIGHT, buff=0.6)
        if rows.width > box.width:
            rows.scale_to_fit_width(box.width)
        return rows.move_to([*box.center, 0])


def lesson_panels(
    settings: RenderSettings, experiment: Experiment, runs: tuple[int, ...]
) -> tuple[Panel, ...]:
    """The side-car's plot of an explain board (which `runs` it shows)."""
    layout = layout_explain(
        settings.frame_width, settings.frame_height, experiment.surface.window, settings.equal_scale
    )
    return (Panel(layout.plot, runs, layout.header),)


class ExplainScene(FromData, Scene):
    """One optimizer beside its rule; one beat per step, then the last frame held."""

    ball_colors = 5  # the ball, the arrows (1, 2) and the bars (3, 4): a GIF keeps them exact

    @staticmethod
    def planned_frames(settings: RenderSettings, trajectories: list[Trajectory]) -> int:
        return sum(explain_beats(settings, trajectories[0]))

    @staticmethod
    def panels(settings: RenderSettings, experiment: Experiment) -> tuple[Panel, ...]:
        return lesson_panels(settings, experiment, runs=(0,))

    def construct(self) -> None:
        s = self.settings
        words = LANGUAGES[s.lang]
        trajectory = self.trajectories[0]
        layout = layout_explain(
            s.frame_width, s.frame_height, self.experiment.surface.window, s.equal_scale
        )
        board = ExplainBoard(
            trajectory,
            self.experiment.surface,
            layout,
            theme(s.theme),
            words,
            pick_font(words),
            self.experiment.steps,
        )
        self.add(*board.static)
        self.add(*board.moving)
        board.play(self, s)
        self.wait(wait_seconds(explain_beats(s, trajectory)[1], s.fps), frozen_frame=True)
