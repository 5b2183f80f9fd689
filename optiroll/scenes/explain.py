"""The explain scene: one optimizer beside its update rule, the rule's quantities live each step.

Each step has two beats on one tracker: first the ball waits while the rule's state statements
light up (the bars and readout already show the state after the update), then the update of W
lights up and the ball rolls to the next point. Everything shown is read from the trajectory.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
from manim import LEFT, RIGHT, Scene, ValueTracker, VGroup, smooth

from ..optim.experiment import Experiment
from ..optim.quantities import STEP_SIZE, VELOCITY
from ..optim.surfaces import Surface
from ..optim.trajectory import Trajectory
from ..plan.beats import explain_beats, play_seconds, step_beats, wait_seconds
from ..plan.layout import Box, Panel
from ..plan.lesson_layout import ExplainLayout, layout_explain
from ..plan.narration import kind, readout_lines, step_caption, updates
from ..plan.settings import RenderSettings
from .aids import ArrowAtBall, AxisBars, TextSwitch
from .base import OptirollScene
from .equations import EquationPanel
from .mobject_cache import text as cached_text
from .mobjects import ContourMap, StepCounter, TrailedBall, label
from .style import Style

GRADIENT_ARROW_SHARE = 0.3  # the longest gradient arrow spans this share of the plot's short side
TEXT_LINE = 0.34  # the readout's and the caption's line height, scene units
# A board draws the scheme's ball colours 0-4: the ball (0), the arrows (1, 2), the bars (3, 4).


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
    texts: list[str], *, box: Box, style: Style, line_height: float = TEXT_LINE, top_left: bool
) -> TextSwitch:
    """A TextSwitch over `texts` all drawn at one scale, fitted into `box`."""
    mobs = [cached_text(t, style.font, style.scheme.text, style.math_font) for t in texts]
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


# The board's parts, one function each.
def board_title(trajectory: Trajectory, layout: ExplainLayout, style: Style) -> VGroup:
    """The optimizer and its values, left in the header."""
    header = layout.header
    title = label(
        style.words.label(trajectory.optimizer),
        height=header.height * 0.6,
        max_width=header.width * 0.7,
        style=style,
    )
    return title.move_to([header.left, header.center[1], 0], aligned_edge=LEFT)


def board_equation(trajectory: Trajectory, layout: ExplainLayout, style: Style) -> EquationPanel:
    """The rule, its statements lit in the gradient arrow's colour."""
    box = layout.equation
    panel = EquationPanel(
        trajectory.optimizer,
        row_height=min(0.8, box.height / 2.8),
        max_width=box.width,
        max_height=box.height,
        color=style.scheme.text,
        accent=style.scheme.accent,
        font=style.font,
    )
    return panel.move_to([*box.center, 0])


def arrow_legend(entries: list[tuple[str, str]], box: Box, style: Style, head: float) -> VGroup:
    """A sample arrow and its meaning per (colour, text) entry, in one row centred in `box`."""
    rows = VGroup()
    for color, text in entries:
        sample = ArrowAtBall(color=color, head_length=head, style=style)
        sample.point_from(np.zeros(3), np.array([0.6, 0.0, 0.0]))
        words = label(text, height=box.height * 0.5, max_width=box.width * 0.45, style=style)
        rows.add(VGroup(sample, words).arrange(RIGHT, buff=0.15))
    rows.arrange(RIGHT, buff=0.6)
    if rows.width > box.width:
        rows.scale_to_fit_width(box.width)
    return rows.move_to([*box.center, 0])


def step_size_bars(
    trajectory: Trajectory, layout: ExplainLayout, style: Style
) -> tuple[AxisBars, VGroup]:
    """The per-axis step sizes as bars on one scale (the largest the run reaches), and their
    title."""
    bars = AxisBars(
        layout.bars,
        scale=float(np.max(trajectory.quantities[STEP_SIZE][1:])),
        colors=(style.scheme.bar_x, style.scheme.bar_y),
        style=style,
    )
    box = layout.bars_title
    title = label(
        style.words.lesson.step_sizes,
        height=box.height * 0.55,
        max_width=box.width,
        style=style,
        color=style.scheme.muted_text,
    )
    return bars, title.move_to([box.left, box.center[1], 0], aligned_edge=LEFT)


class ExplainBoard:
    """Every part the explain scene draws for one run: `static` ones, then `moving` ones.

    `play` shows the steps; the ball and its arrows follow `ball_clock` (the step as a float).
    """

    def __init__(
        self,
        trajectory: Trajectory,
        surface: Surface,
        layout: ExplainLayout,
        *,
        steps: int,
        style: Style,
        color: str,
    ):
        """`steps`: the experiment's step count, which the counter shows as its total; `color`:
        the run's own."""
        self.trajectory, self.layout = trajectory, layout
        self.n = updates(trajectory)
        scheme, lesson = style.scheme, style.words.lesson
        self.equation = board_equation(trajectory, layout, style)
        self.ball_clock = ValueTracker(0.0)
        self.counter_clock = ValueTracker(1.0)
        self.ball = TrailedBall(
            trajectory, layout.plot, tracker=self.ball_clock, style=style, color=color
        )
        self.scale = gradient_scale(trajectory, layout)
        head = style.ball_radius(layout.plot.box) * 1.6
        self.gradient_arrow = ArrowAtBall(color=scheme.gradient, head_length=head, style=style)
        legend = [(scheme.gradient, lesson.gradient_arrow.format(scale=f"{self.scale:g}"))]
        self.velocity_arrow = None
        if kind(trajectory) == "velocity":
            self.velocity_arrow = ArrowAtBall(color=scheme.velocity, head_length=head, style=style)
            legend.append((scheme.velocity, lesson.velocity_arrow))
        self.static = [
            ContourMap(surface, layout.plot, style=style),
            board_title(trajectory, layout, style),
            arrow_legend(legend, layout.legend, style, head),
        ]
        self.bars = None
        readout_box = layout.readout_alone
        if STEP_SIZE in trajectory.quantities:
            self.bars, bars_title = step_size_bars(trajectory, layout, style)
            self.static += [bars_title, self.bars.frame]
            readout_box = layout.readout
        self.readout = switch(
            ["\n".join(readout_lines(style.words, trajectory, k)) for k in range(self.n)],
            box=readout_box,
            style=style,
            top_left=True,
        )
        self.caption = switch(
            [step_caption(style.words, trajectory, k) for k in range(self.n)],
            box=layout.caption,
            style=style,
            top_left=False,
        )
        self.counter = StepCounter(
            steps, tracker=self.counter_clock, header=layout.header, style=style
        )
        # Only the ball and its arrows move within a step; the rule, bars and texts change between
        # the plays, so Manim paints them once per beat instead of every frame.
        self.static += [
            *([self.bars] if self.bars else []),
            self.equation,
            self.readout,
            self.caption,
            self.counter.fixed,  # "step" and "/ N"; the counter itself holds only the digits
        ]
        arrows = VGroup(
            self.gradient_arrow, *([self.velocity_arrow] if self.velocity_arrow else [])
        )
        arrows.add_updater(lambda _: self.aim_arrows(self.ball_clock.get_value()))
        self.moving = [self.ball, arrows, self.counter]
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
            self.bars.show(traj.quantities[STEP_SIZE][k + 1])
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
            aim = traj.points[k] + traj.quantities[VELOCITY][k + 1]
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


def lesson_panels(layout: ExplainLayout, runs: tuple[int, ...]) -> tuple[Panel, ...]:
    """The side-car's plot of an explain board (which `runs` it shows)."""
    return (Panel(layout.plot, runs, layout.header),)


class LessonScene(OptirollScene):
    """A scene of explain boards: laid out by `layout_explain`, drawing a board's colours."""

    @classmethod
    def exact_colors(cls, settings: RenderSettings, experiment: Experiment) -> list[str]:
        """The figure's, and the aids' colours: the arrows, the bars and the highlight."""
        aids = cls.style_for(settings, experiment).scheme.aids
        return list(dict.fromkeys(super().exact_colors(settings, experiment) + list(aids)))

    @cached_property
    def layout(self) -> ExplainLayout:
        s = self.settings
        return layout_explain(
            s.frame_width, s.frame_height, self.experiment.surface.window, s.equal_scale
        )


class ExplainScene(LessonScene, Scene):
    """One optimizer beside its rule; one beat per step, then the last frame held."""

    @classmethod
    def planned_frames(cls, settings: RenderSettings, trajectories: list[Trajectory]) -> int:
        return sum(explain_beats(settings, trajectories[0]))

    def panels(self) -> tuple[Panel, ...]:
        return lesson_panels(self.layout, runs=(0,))

    def construct(self) -> None:
        s = self.settings
        trajectory = self.trajectories[0]
        board = ExplainBoard(
            trajectory,
            self.experiment.surface,
            self.layout,
            steps=self.experiment.steps,
            style=self.style,
            color=self.style.run_color(0),
        )
        self.add(*board.static)
        self.add(*board.moving)
        board.play(self, s)
        self.wait(wait_seconds(explain_beats(s, trajectory)[1], s.fps), frozen_frame=True)
