"""The three scenes — compare, race, single — composed from the mobjects in `mobjects.py`.

A figure is laid out once (`layout.layout_figure`, pure geometry, also written to the side-car so
pixels map back to data) and then drawn: static parts first so Manim paints them once into a
background, then the moving parts, all following one step tracker.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from manim import LEFT, Dot, MathTex, Mobject, Scene, UpdateFromAlphaFunc, ValueTracker, linear

from ..optim.experiment import Experiment
from ..optim.surfaces import Surface
from ..optim.trajectory import Trajectory
from ..plan.layout import (
    FORMULA_DIGIT,
    LEGEND_SPACE,
    LINE,
    TEXT,
    TITLE_DOT,
    Box,
    FigureLayout,
    Panel,
    PixelGrid,
    layout_figure,
)
from ..plan.loss_axes import LossAxes, loss_axes, sidecar_entry
from ..plan.settings import RenderSettings
from ..plan.timeline import Timeline, adaptive_timeline, figure_timeline
from .axes import PlotAxes
from .base import OptirollScene
from .equations import math_line, tex_available
from .landmarks import Landmarks, StartMarker, landmark_kinds
from .legend import landmark_key, legend
from .loss_curve import LossCursor, LossCurveFrame
from .mobjects import (
    ContourMap,
    GhostPath,
    StepCounter,
    TrailedBall,
    hold_still,
    label,
    labels,
)
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

        static, moving, landmarks = [], [], []
        static += self._titles(style)
        surface = self.experiment.surface
        for panel in self.layout.panels:
            static.append(ContourMap(surface, panel.area, style=style, marked=False))
            for i in panel.runs:
                static.append(
                    GhostPath(
                        self.trajectories[i], panel.area, style=style, color=style.run_color(i)
                    )
                )
            static.append(StartMarker(self.experiment.start, panel.area, style=style))
            if s.axes:
                static.append(
                    PlotAxes(
                        panel.area, style=style, x_labels=panel.x_labels, y_labels=panel.y_labels
                    )
                )
            # Added after the balls, so none hides a minimum.
            landmarks.append(Landmarks(surface, panel.area, style=style))
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
        kinds = landmark_kinds(surface, self.layout.panels[0].area)
        # The legend explains the landmarks where the layout gave it room, else the header does.
        in_legend = [kind for kind in kinds if kind in self.layout.legend_marks]
        if self.layout.legend is not None:
            entries = list(zip(self.layout.legend_texts, colors, strict=True))
            static.append(
                legend(
                    entries,
                    self.layout.legend,
                    style=style,
                    columns=self.layout.legend_columns,
                    text_height=TEXT,
                    marks=in_legend,
                )
            )
        if self.curve_axes is not None:
            losses = [t.losses for t in self.trajectories]
            static.append(LossCurveFrame(self.curve_axes, losses, colors=colors, style=style))
            moving.append(
                LossCursor(self.curve_axes, losses, colors=colors, tracker=tracker, style=style)
            )
        in_header = [kind for kind in kinds if kind not in in_legend]
        if self.layout.formula_lines:
            static += wrapped_formula(surface, self.layout.formula_lines, style=style)
        else:
            static += formula_and_key(surface, in_header, self.layout.formula, style=style)
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

        hold_still(*static, *landmarks)
        self.add(*static)
        self.add(*moving)
        self.add(*landmarks)
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
        """Each panel's title; with `title_dots`, led by a dot in its run's colour (the loss
        curve's key)."""
        return panel_titles(self.layout.panels, style=style, dots=self.layout.title_dots)


def panel_titles(panels: Sequence[Panel], *, style: Style, dots: bool = False) -> list[Mobject]:
    """Each titled panel's title, its lines left-aligned in its title box, all at one size; with
    `dots`, led by a dot in the colour of the panel's first run."""
    titled = [panel for panel in panels if panel.title_box is not None]
    if not titled:
        return []
    lines = labels(
        [line for panel in titled for line in panel.title],
        height=TEXT,
        max_width=float("inf"),
        style=style,
    )
    # Narrowed, all alike, only where a line is wider than its own panel's box (the layout
    # measures them so, a little generously).
    room = [
        panel.title_box.width - (TITLE_DOT if dots else 0.0)
        for panel in titled
        for _ in panel.title
    ]
    factor = min(1.0, *(r / line.width for r, line in zip(room, lines, strict=True)))
    for line in lines:
        line.scale(factor)
    drawn, lines_left = [], iter(lines)
    for panel in titled:
        box = panel.title_box
        left = box.left
        # The lines fill the box from its bottom: a one-line title sits on its plot.
        first = box.bottom + (len(panel.title) - 0.5) * LINE
        if dots:
            radius = TEXT * 0.36
            dot = Dot(radius=radius, color=style.run_color(panel.runs[0]))
            drawn.append(dot.move_to([left + radius, first, 0]))
            left += 2 * radius + LEGEND_SPACE
        for k, _ in enumerate(panel.title):
            line = next(lines_left)
            drawn.append(line.move_to([left, first - k * LINE, 0], aligned_edge=LEFT))
    return drawn


def formula_and_key(
    surface: Surface, kinds: Sequence[str], box: Box, *, style: Style
) -> list[Mobject]:
    """The surface's formula at the left of `box` and right of it, where there is room, the key
    to the landmarks the plots mark (`kinds`, see `landmarks.GLYPHS`)."""
    formula = surface_formula(surface, box, style=style)
    # Its words have no descenders ("start", "minimum"; Hangul sits on the line): a title's
    # box would draw them larger than the titles.
    if not kinds:
        return [formula]
    key = landmark_key(kinds, text_height=KEY_TEXT, style=style)
    if FORMULA_INSET + formula.width + KEY_GAP + key.width > box.width:
        return [formula]
    key.move_to([formula.get_right()[0] + KEY_GAP, box.center[1], 0], aligned_edge=LEFT)
    return [formula, key]


KEY_GAP = 0.8  # between the formula and the landmarks' key
KEY_TEXT = TEXT * 0.85


def surface_formula(surface: Surface, box: Box, *, style: Style) -> Mobject:
    """The surface's formula at the left of `box`: typeset in text style (a fraction as tall as a
    line) with digits FORMULA_DIGIT tall, smaller only where it would not fit `box` (the layout
    sizes `box` for digits FORMULA_MIN_DIGIT tall at least); plain text where there is no TeX."""
    latex = rf"\textstyle {surface.latex}"
    formula = math_line(latex, surface.formula, style.scheme.text, style.font)
    # A digit's share of the whole: measured on MathTex (0.343 units at its default size) and on
    # Text, where the brackets reach about 1.25 digits.
    digit = TEX_DIGIT / formula.height if isinstance(formula, MathTex) else 1 / 1.25
    formula.scale(FORMULA_DIGIT / (digit * formula.height))
    room = box.width - FORMULA_INSET
    if formula.width > room or formula.height > box.height:
        formula.scale(min(room / formula.width, box.height / formula.height))
    # Inset a little: the italic f leans past its box, and the frame's margin is thin.
    return formula.move_to([box.left + FORMULA_INSET, box.center[1], 0], aligned_edge=LEFT)


TEX_DIGIT = 0.343
FORMULA_INSET = 0.08


def wrapped_formula(
    surface: Surface, lines: Sequence[tuple[str, Box]], *, style: Style
) -> list[Mobject]:
    """The surface's formula in pieces of its LaTeX, each at the left of its box (see
    `FigureLayout.formula_lines`), all at one size: digits FORMULA_DIGIT tall, smaller only where
    a piece would not fit its box. Without TeX, the plain formula in the last box."""
    if not tex_available():
        return [surface_formula(surface, lines[-1][1], style=style)]
    color = style.scheme.text
    pieces = [math_line(rf"\textstyle {latex}", latex, color, style.font) for latex, _ in lines]
    scale = FORMULA_DIGIT / TEX_DIGIT
    for piece, (_, box) in zip(pieces, lines, strict=True):
        scale = min(scale, (box.width - FORMULA_INSET) / piece.width, box.height / piece.height)
    for piece, (_, box) in zip(pieces, lines, strict=True):
        piece.scale(scale).move_to([box.left + FORMULA_INSET, box.center[1], 0], aligned_edge=LEFT)
    return pieces
