"""The explain scene: one optimizer beside its update rule, the rule's quantities live each step.

Each step has two beats on one tracker: first the ball waits while the rule's state statements
light up (the bars and readout already show the state after the update), then the update of W
lights up and the ball rolls to the next point. Everything shown is read from the trajectory.

Colour says what a thing is: the ball and its trail are the optimizer's own colour; the gradient,
the velocity and the step size each have a colour of their own (see `plan/aid_colors.py`) that
their arrow or bars and their symbols in the rule, the readout and the caption share; the band of
"now" marks the statement being applied and nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property

import numpy as np
from manim import RIGHT, Scene, ValueTracker, VGroup, smooth

from ..optim.experiment import Experiment
from ..optim.quantities import STEP_SIZE, VELOCITY
from ..optim.surfaces import Surface
from ..optim.trajectory import Trajectory
from ..plan.aid_colors import AidColors, aid_colors
from ..plan.beats import explain_beats, narrated, path_beats, play_seconds, wait_seconds
from ..plan.layout import Box, Panel
from ..plan.lesson_layout import TEXT_EM, ExplainLayout, gradient_scale, layout_explain
from ..plan.narration import (
    captions,
    gradient_symbol,
    kind,
    readout_labels,
    readout_values,
    scaled_symbol,
    updates,
)
from ..plan.notation import label_notation
from ..plan.palette import hue_names
from ..plan.settings import RenderSettings
from .aids import ArrowAtBall, AxisBars, TextSwitch
from .backdrop import BackdropCamera
from .base import OptirollScene
from .equations import EquationPanel
from .landmarks import Landmarks, StartMarker
from .math_text import TextBlock, top_left, wrap
from .mobjects import ContourMap, StepCounter, TrailedBall, hold_still
from .style import Style

READOUT_LINE_HEIGHT = 1.35  # ems between the readout's rows: a table, tighter than prose
COLUMN_GAP = 0.8  # ems between the readout's symbols and their values
# Two arrows closer in direction than PARALLEL are drawn side by side, ARROW_GAP strokes apart
# when they point the same way (less as they part), so neither hides the other.
PARALLEL = math.radians(25)
NO_STEP = "–"  # what the readout and caption show for a run that stopped at its start
ARROW_GAP = 2.2


def symbol_colors(trajectory: Trajectory, aids: AidColors) -> dict[str, str]:
    """Each coloured symbol of the rule and its colour: the gradient, the velocity (Momentum's
    v), and what sizes the step per axis (h, or Adam's v)."""
    opt = trajectory.optimizer
    colors = {gradient_symbol(opt): aids.gradient}
    if kind(trajectory) == "velocity":
        colors["v"] = aids.velocity
    scaled = scaled_symbol(opt)
    if STEP_SIZE in trajectory.quantities and scaled is not None:
        colors[scaled] = aids.step_size
    return colors


def side_by_side(
    start: np.ndarray, ends: Sequence[np.ndarray], gap: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Two arrows from `start`: moved apart across their common direction when they point alike
    (`gap` apart when aligned, nothing from PARALLEL on), so both stay visible."""
    a, b = (np.asarray(e, dtype=float) - start for e in ends)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na < 1e-9 or nb < 1e-9:
        return [(start, start + a), (start, start + b)]
    angle = math.acos(float(np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0)))
    if angle >= PARALLEL:
        return [(start, start + a), (start, start + b)]
    mean = a / na + b / nb
    normal = np.array([-mean[1], mean[0], 0.0]) / np.linalg.norm(mean)
    offset = normal * gap / 2 * (1 - angle / PARALLEL)
    return [(start + offset, start + offset + a), (start - offset, start - offset + b)]


# The board's parts, one function each.
def board_title(trajectory: Trajectory, layout: ExplainLayout, style: Style) -> TextBlock:
    """The optimizer and its values, left in the header, the values as mathematics."""
    header = layout.header
    title = TextBlock(
        [label_notation(style.words.label(trajectory.optimizer))],
        em=header.height * 0.62,
        style=style,
    )
    title.fit_width(header.width * 0.7)
    return title.place(header.left, header.center[1] - 0.3 * title.em)


def board_equation(
    trajectory: Trajectory, layout: ExplainLayout, style: Style, aids: AidColors
) -> EquationPanel:
    """The rule, its symbols in their aids' colours, the applied statement on the band of now."""
    box = layout.equation
    panel = EquationPanel(
        trajectory.optimizer,
        row_height=min(0.8, box.height / 2.8),
        max_width=box.width,
        max_height=box.height,
        color=style.scheme.text,
        colors=symbol_colors(trajectory, aids),
        now=aids.now,
        now_fill=aids.now_fill,
        style=style,
    )
    return panel.move_to([*box.center, 0])


def arrow_legend(entries: list[tuple[str, str]], box: Box, style: Style, head: float) -> VGroup:
    """A sample arrow and its meaning per (colour, lesson string), in one row centred in `box`."""
    rows = VGroup()
    for color, text in entries:
        sample = ArrowAtBall(color=color, head_length=head, style=style)
        sample.point_from(np.zeros(3), np.array([0.6, 0.0, 0.0]))
        words = TextBlock([text], em=min(TEXT_EM, box.height * 0.6), style=style)
        words.place(0.75, -0.3 * words.em)
        rows.add(VGroup(sample, words))
    rows.arrange(RIGHT, buff=0.6)
    if rows.width > box.width:
        rows.scale_to_fit_width(box.width)
    return rows.move_to([*box.center, 0])


def step_size_bars(
    trajectory: Trajectory, layout: ExplainLayout, style: Style, color: str
) -> tuple[AxisBars, TextBlock]:
    """The per-axis step sizes as bars in the step size's colour, on one scale (the largest the
    run reaches), and their title."""
    bars = AxisBars(
        layout.bars,
        # A run that stopped at its start took no step: any scale will do.
        scale=float(np.max(trajectory.quantities[STEP_SIZE][1:], initial=0.0)) or 1.0,
        colors=(color, color),
        style=style,
    )
    box = layout.bars_title
    title = TextBlock(
        [style.words.lesson.step_sizes],
        em=min(TEXT_EM, box.height * 0.6),
        style=style,
        color=style.scheme.muted_text,
    )
    return bars, title.place(box.left, box.bottom + 0.3 * title.em)


def readout(
    labels: list[str], values: list[list[str]], box: Box, style: Style, colors: dict[str, str]
) -> tuple[TextBlock, TextSwitch]:
    """The readout as two columns at the top left of `box`: the symbols (static), and a switch
    over each step's values, at the largest em up to TEXT_EM at which both fit. A symbol too wide
    for its column (Adam's step size) takes a line of its own, its values on the next."""
    symbols = TextBlock(labels, em=1.0, style=style, colors=colors)
    first = TextBlock(values[0], em=1.0, style=style)
    room = box.width / TEXT_EM - COLUMN_GAP - 1.2 * first.ink_width
    widths = sorted(line.width for line in symbols.lines)
    room = max(room, 3 * widths[len(widths) // 2])  # a narrow box shrinks the table instead
    alone = {i for i, line in enumerate(symbols.lines) if line.width > room}
    if alone:
        labels = [part for i, label in enumerate(labels) for part in _split(label, i in alone)]
        values = [
            [part for i, value in enumerate(step) for part in _split(value, i in alone, after=True)]
            for step in values
        ]
    symbols = TextBlock(labels, em=1.0, style=style, colors=colors, line_height=READOUT_LINE_HEIGHT)
    steps = [TextBlock(v, em=1.0, style=style, line_height=READOUT_LINE_HEIGHT) for v in values]
    column_width = max(
        (line.width for i, line in enumerate(symbols.lines) if labels[i] and not _alone(i, labels)),
        default=0.0,
    )
    width = max(column_width + COLUMN_GAP + max(s.ink_width for s in steps), symbols.ink_width)
    height = 0.8 + READOUT_LINE_HEIGHT * (len(labels) - 1) + 0.3
    em = min(TEXT_EM, box.width / width, box.height / height)
    for block in (symbols, *steps):
        block.scale(em, about_point=block.origin)
        block.em = em
    top_left(symbols, box.left, box.top)
    column = box.left + (column_width + COLUMN_GAP) * em
    for block in steps:
        top_left(block, column, box.top)
    return symbols, TextSwitch(steps)


def _split(text: str, alone: bool, after: bool = False) -> list[str]:
    """A readout row as one line, or (for a symbol that takes a line of its own) two: the symbol
    over an empty line, or an empty line over the values."""
    if not alone:
        return [text]
    return ["", text] if after else [text, ""]


def _alone(i: int, labels: list[str]) -> bool:
    """Whether label i has a line of its own (the next line holds only its values)."""
    return i + 1 < len(labels) and labels[i + 1] == ""


def caption_switch(texts: list[str], box: Box, style: Style, colors: dict[str, str]) -> TextSwitch:
    """Every step's caption, flush left in one column at the top of `box`: a caption wider than
    the box wraps at its spaces; all share the em at which the longest fits its height."""
    blocks = []
    for text in texts:
        block = TextBlock([text], em=TEXT_EM, style=style, colors=colors)
        if block.ink_width > box.width:
            block = TextBlock(
                wrap(text, box.width, em=TEXT_EM, style=style),
                em=TEXT_EM,
                style=style,
                colors=colors,
            )
        blocks.append(block)
    tallest = max(len(b.lines) for b in blocks)
    needed = TEXT_EM * (0.8 + blocks[0].line_height * (tallest - 1) + 0.35)
    shrink = min(1.0, box.height / needed, *(box.width / max(b.ink_width, 1e-9) for b in blocks))
    for block in blocks:
        block.scale(shrink, about_point=block.origin)
        block.em *= shrink
        top_left(block, box.left, box.top)
    return TextSwitch(blocks)


class ExplainBoard:
    """Every part the explain scene draws for one run: `static` ones (the `fixed` first, then
    those that change between beats), then `moving` ones (and the landmarks, drawn above them).

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
        aids: AidColors,
    ):
        """`steps`: the experiment's step count, which the counter shows as its total; `color`:
        the run's own; `aids`: the colours of this board's aids."""
        self.trajectory, self.layout = trajectory, layout
        self.n = updates(trajectory)
        lesson = style.words.lesson
        colors = symbol_colors(trajectory, aids)
        self.equation = board_equation(trajectory, layout, style, aids)
        self.ball_clock = ValueTracker(0.0)
        self.counter_clock = ValueTracker(1.0 if self.n else 0.0)  # no step taken: step 0
        self.ball = TrailedBall(
            trajectory, layout.plot, tracker=self.ball_clock, style=style, color=color
        )
        self.scale = gradient_scale(trajectory, layout)
        self.gap = ARROW_GAP * style.arrow_stroke / 100  # stroke widths are hundredths of a unit
        head = style.ball_radius(layout.plot.box) * 1.6
        self.gradient_arrow = ArrowAtBall(color=aids.gradient, head_length=head, style=style)
        grad = "−" + gradient_symbol(trajectory.optimizer)
        legend = [(aids.gradient, lesson.gradient_arrow.format(grad=grad, scale=f"{self.scale:g}"))]
        self.velocity_arrow = None
        if kind(trajectory) == "velocity":
            self.velocity_arrow = ArrowAtBall(color=aids.velocity, head_length=head, style=style)
            legend.append((aids.velocity, lesson.velocity_arrow))
        # What never changes while the board plays (a camera may keep its picture: `hold`).
        self.fixed = [
            ContourMap(surface, layout.plot, style=style, marked=False),
            StartMarker(trajectory.points[0], layout.plot, style=style),
            board_title(trajectory, layout, style),
            arrow_legend(legend, layout.legend, style, head),
        ]
        self.bars = None
        readout_box = layout.readout_alone
        if STEP_SIZE in trajectory.quantities:
            self.bars, bars_title = step_size_bars(trajectory, layout, style, aids.step_size)
            self.fixed += [bars_title, self.bars.frame]
            readout_box = layout.readout
        labels = readout_labels(style.words, trajectory)
        # A run that stopped at its start took no step: a dash where a step's numbers would be.
        symbols, self.readout = readout(
            labels,
            [readout_values(trajectory, k) for k in range(self.n)] or [[NO_STEP] * len(labels)],
            readout_box,
            style,
            colors,
        )
        self.caption = caption_switch(
            captions(style.words, trajectory, narrated(self.n)) or [NO_STEP],
            layout.caption,
            style,
            colors,
        )
        self.counter = StepCounter(
            steps, tracker=self.counter_clock, header=layout.header, style=style
        )
        self.fixed += [
            symbols,
            self.counter.fixed,  # "step" and "/ N"; the counter itself holds only the digits
        ]
        # Only the ball and its arrows move within a step. The bars, readout and caption change once
        # a step, the rule at each beat: Manim paints them once per beat, not every frame.
        self.stepwise = [*([self.bars] if self.bars else []), self.readout, self.caption]
        self.static = [*self.fixed, *self.stepwise, self.equation]
        hold_still(*self.static)
        self.arrows = VGroup(
            self.gradient_arrow, *([self.velocity_arrow] if self.velocity_arrow else [])
        )
        self.arrows.add_updater(lambda _: self.aim_arrows(self.ball_clock.get_value()))
        # The minimum's mark over the ball, so a ball resting there never hides it.
        self.moving = [
            self.ball,
            self.arrows,
            self.counter,
            Landmarks(surface, layout.plot, style=style),
        ]
        self.k = 0
        if self.n:
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
        """The arrows at the ball's position t: -grad of step k, and the velocity it moves with;
        side by side where they point alike, the shorter drawn over the longer."""
        traj, area, k = self.trajectory, self.layout.plot, self.k
        here = self.ball.position(t)
        start = area.to_scene(here)
        # The ball left the plot, or never moved: no arrows.
        if k >= self.n or not area.window.contains(here):
            for arrow in self.arrows:
                arrow.point_from(start, start)
            return
        gradient_end = area.to_scene(here - self.scale * traj.gradients[k])
        if self.velocity_arrow is None:
            self.gradient_arrow.point_from(start, gradient_end)
            return
        velocity_end = area.to_scene(traj.points[k] + traj.quantities[VELOCITY][k + 1])
        ends = side_by_side(start, [gradient_end, velocity_end], self.gap)
        # Each arrow its own vector: `self.arrows` is in drawing order, which changes below.
        for arrow, (begin, end) in zip(
            (self.gradient_arrow, self.velocity_arrow), ends, strict=True
        ):
            arrow.point_from(begin, end)
        longest_first = sorted(self.arrows.submobjects, key=lambda a: -a.length)
        self.arrows.submobjects = longest_first

    def play(self, scene: Scene, settings: RenderSettings) -> None:
        """Every step: the state statements lit in turn with the ball still, then it rolls.

        The scene's camera is a `BackdropCamera`: what stays put during a step is painted once.
        """
        fps = settings.fps
        last = len(self.equation.rows) - 1
        camera = scene.camera
        assert isinstance(camera, BackdropCamera)
        for k, (state, move) in enumerate(path_beats(settings, self.trajectory)):
            self.show_step(k)
            camera.hold(self.fixed, self.stepwise)
            for i, count in enumerate(state):
                self.equation.light(min(i, last))
                scene.wait(wait_seconds(count, fps), frozen_frame=True)
            self.equation.light(last)
            scene.play(
                self.ball_clock.animate.set_value(float(k + 1)),
                run_time=play_seconds(move, fps),
                rate_func=smooth,
            )
        camera.release()

    def show_end(self) -> None:
        """The board as `play` leaves it, without playing: its last picture (a lecture's section
        that is not drawn, but that the next one dissolves from)."""
        if self.n:
            self.show_step(self.n - 1)
        self.equation.light(len(self.equation.rows) - 1)
        self.ball_clock.set_value(float(self.n))
        for mob in self.moving:
            mob.update(0)


def lesson_panels(layout: ExplainLayout, runs: tuple[int, ...]) -> tuple[Panel, ...]:
    """The side-car's plot of an explain board (which `runs` it shows)."""
    return (Panel(layout.plot, runs, layout.header),)


def board_aids(settings: RenderSettings, experiment: Experiment, style: Style) -> list[AidColors]:
    """The aids' colours of each run's board, on the style's page."""
    hues = hue_names([o.name for o in experiment.optimizers])
    scheme = style.scheme
    return [aid_colors(hue, scheme.background, scheme.name) for hue in hues]


class LessonScene(OptirollScene):
    """A scene of explain boards: laid out by `layout_explain`, drawing a board's colours."""

    @classmethod
    def exact_colors(cls, settings: RenderSettings, experiment: Experiment) -> list[str]:
        """The figure's, and each board's aids: the arrows, the bars and the band of now."""
        style = cls.style_for(settings, experiment)
        aids = [c for board in board_aids(settings, experiment, style) for c in board.all]
        return list(dict.fromkeys(super().exact_colors(settings, experiment) + aids))

    @cached_property
    def layout(self) -> ExplainLayout:
        s = self.settings
        return layout_explain(
            s.frame_width, s.frame_height, self.experiment.surface.window, s.equal_scale
        )

    @cached_property
    def aids(self) -> list[AidColors]:
        return board_aids(self.settings, self.experiment, self.style)

    def board(self, index: int) -> ExplainBoard:
        """The board of run `index`."""
        return ExplainBoard(
            self.trajectories[index],
            self.experiment.surface,
            self.layout,
            steps=self.experiment.steps,
            style=self.style,
            color=self.style.run_color(index),
            aids=self.aids[index],
        )


class ExplainScene(LessonScene, Scene):
    """One optimizer beside its rule; one beat per step, then the last frame held."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, camera_class=BackdropCamera, **kwargs)

    @classmethod
    def planned_frames(cls, settings: RenderSettings, trajectories: list[Trajectory]) -> int:
        return sum(explain_beats(settings, trajectories[0]))

    def panels(self) -> tuple[Panel, ...]:
        return lesson_panels(self.layout, runs=(0,))

    def construct(self) -> None:
        s = self.settings
        board = self.board(0)
        self.add(*board.static)
        self.add(*board.moving)
        board.play(self, s)
        self.wait(wait_seconds(explain_beats(s, self.trajectories[0])[1], s.fps), frozen_frame=True)
