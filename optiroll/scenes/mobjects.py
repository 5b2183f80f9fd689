"""Reusable Manim mobjects: a contour map, a ball drawing its path, its ghost, a step counter,
labels.

Each draws only what it is given (data already computed in `optim/`) through a `PlotArea`; moving
ones follow a shared `ValueTracker` holding the step as a float (2.5 = half-way from point 2 to 3).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Dot,
    Line,
    ManimColor,
    Mobject,
    Rectangle,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
    config,
    interpolate_color,
)
from manim.constants import CapStyleType, LineJointType

from ..optim.surfaces import Surface
from ..optim.trajectory import Trajectory
from ..plan.axes import MIN_TEXT
from ..plan.contours import contour_resolution, contours
from ..plan.layout import Box, PixelGrid, PlotArea, clip_polyline
from ..plan.theme import ColorScheme
from ..plan.timeline import Timeline
from .landmarks import Landmarks
from .mobject_cache import text as cached_text
from .style import DEFAULT_STYLE, Style

ROUND_JOINT, ROUND_CAP = LineJointType.ROUND, CapStyleType.ROUND


def hold_still(*mobjects: Mobject) -> None:
    """Mark parts that never change (no updater in their family) as never updating: in every
    frame Manim walks each part's whole family, every glyph of a text, looking for updaters."""
    for mob in mobjects:
        if any(part.updaters for part in mob.get_family()):
            raise ValueError(f"{type(mob).__name__} has updaters: it does not hold still")
        mob.suspend_updating()


def label(
    text: str,
    *,
    height: float,
    max_width: float,
    style: Style = DEFAULT_STYLE,
    color: str | None = None,
) -> Text:
    """A Text scaled to `height` (scene units), narrowed to `max_width` if it is too long; in
    `color`, by default the scheme's text colour."""
    return labels([text], height=height, max_width=max_width, style=style, color=color)[0]


def labels(
    texts: Sequence[str],
    *,
    height: float,
    max_width: float,
    style: Style = DEFAULT_STYLE,
    color: str | None = None,
) -> list[Text]:
    """Texts at one size, the largest at which each fits `height` and `max_width`: titles of one
    figure alike, whether or not they have descenders ('RMSProp' vs 'AdaGrad')."""
    ink = style.scheme.text if color is None else color
    mobs = [cached_text(text, style.font, ink, style.math_font) for text in texts]
    factor = min((min(height / mob.height, max_width / mob.width) for mob in mobs), default=1.0)
    for mob in mobs:
        mob.scale(factor)
    return mobs


def polyline(pieces: Sequence[np.ndarray], mob: VMobject) -> VMobject:
    """Make `mob` the given scene-space polylines, one sub-path each (no curve smoothing)."""
    mob.clear_points()
    for piece in pieces:
        if len(piece) < 2:
            continue
        mob.start_new_path(piece[0])
        mob.add_points_as_corners(piece[1:])
    return mob


def dot_marks(centres: np.ndarray, mob: VMobject) -> VMobject:
    """Make `mob` a dot at each scene point of `centres` (n, 3): a tiny segment per dot, drawn as a
    round-capped stroke, so `mob`'s stroke width is the dots' diameter. One path, one curve a
    dot: a circle takes eight, and Cairo's path building is most of a frame's cost."""
    ends = centres + np.array([DOT_SEGMENT, 0.0, 0.0])
    share = np.linspace(0.0, 1.0, 4)[None, :, None]
    mob.set_points((centres[:, None, :] * (1 - share) + ends[:, None, :] * share).reshape(-1, 3))
    return mob


DOT_SEGMENT = 1e-3  # scene units: far below a pixel, far above Manim's point tolerance (1e-6)


def dots(color: str, radius: float) -> VMobject:
    """An empty `dot_marks` mobject: dots of `radius` (scene units) in `color`."""
    return VMobject(stroke_color=color, stroke_width=200 * radius, cap_style=ROUND_CAP)


class ContourMap(VGroup):
    """A framed plot area: the surface's contour lines in neutral greys that recede behind the
    paths, and (unless `marked` is False) its minima and saddle points.

    A scene that draws balls marks the landmarks itself, above them (`Landmarks`).
    """

    @staticmethod
    def colors(scheme: ColorScheme) -> list[str]:
        """The contour lines' shades, darkest (lowest) first: a GIF's palette keeps them exact,
        or a grey line may take the nearest colour there is, a path's."""
        low, high = ManimColor(scheme.contour_low), ManimColor(scheme.contour_high)
        shares = np.linspace(0, 1, CONTOUR_SHADES)
        return [interpolate_color(low, high, t).to_hex() for t in shares]

    def __init__(
        self,
        surface: Surface,
        area: PlotArea,
        *,
        style: Style = DEFAULT_STYLE,
        marked: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        scheme = style.scheme
        # As many samples as the output has pixels across the plot, about: smooth at 4K too.
        pixels = area.box.width * config.pixel_height / config.frame_height
        found = contours(surface, area.window, resolution=contour_resolution(pixels))
        shades = self.colors(scheme)
        for i, lines in enumerate(found.lines):
            shade = shades[round(i / max(1, len(found.lines) - 1) * (len(shades) - 1))]
            pieces = [area.to_scene(line) for line in lines]
            self.add(polyline(pieces, VMobject(stroke_color=shade, stroke_width=CONTOUR_STROKE)))
        box = area.box
        frame = Rectangle(
            width=box.width,
            height=box.height,
            stroke_color=scheme.frame,
            stroke_width=FRAME_STROKE,
        )
        self.add(frame.move_to([*box.center, 0]))
        if marked:
            self.add(Landmarks(surface, area, style=style))


CONTOUR_SHADES = 3
CONTOUR_STROKE = 1.6  # about 1 px at 480 px tall: lines that recede behind the 2.4 px paths
FRAME_STROKE = 1.6


def ghost_color(color: str, background: str) -> str:
    """A run's colour faded most of the way into the page: its whole path, before the ball."""
    return interpolate_color(ManimColor(background), ManimColor(color), GHOST_SHARE).to_hex()


GHOST_SHARE = 0.4  # of the run's colour in its ghost path
TRAIL_STROKE = 4.0  # a path: 2.4 px at 480 px tall (0.04 scene units), opaque
DOT_RADIUS = 0.045  # a step's dot (scene units): 5.4 px across at 480 px tall
GHOST_STROKE = 2.0
GHOST_DOT_RADIUS = 0.03


def _path_parts(points: np.ndarray, area: PlotArea) -> tuple[list[np.ndarray], np.ndarray]:
    """The polyline through `points` clipped to the plot, and the points inside it, in scene
    coordinates."""
    window = area.window
    pieces = [area.path_to_scene(p) for p in clip_polyline(points, window)]
    return pieces, area.to_scene(points[window.contains(points)])


class GhostPath(VGroup):
    """A run's whole path, faded: drawn from the first frame, so a still already shows where each
    ball goes (the ball's own trail covers it as it passes)."""

    def __init__(
        self,
        trajectory: Trajectory,
        area: PlotArea,
        *,
        style: Style = DEFAULT_STYLE,
        color: str,
        **kwargs,
    ):
        """`color` is the run's own; the ghost is `ghost_color` of it."""
        super().__init__(**kwargs)
        faded = ghost_color(color, style.scheme.background)
        pieces, inside = _path_parts(trajectory.points, area)
        line = VMobject(stroke_color=faded, stroke_width=GHOST_STROKE, joint_type=ROUND_JOINT)
        self.add(polyline(pieces, line), dot_marks(inside, dots(faded, GHOST_DOT_RADIUS)))


class TrailedBall(VGroup):
    """A ball rolling along a trajectory's straight segments, drawing its path as it goes: an
    opaque line in the run's colour with a dot at every step reached (the book's 'o-').

    Parts outside the plot are clipped; a run that diverged ends in a mark at the point where it
    left the plot, saying at which step. With a `grid`, the ball sits on pixel centres: a move of
    less than a pixel is invisible, but its anti-aliasing would change pixels (and GIF bytes) in
    every frame of a ball that has nearly stopped.
    """

    EDGES = (0.25, 0.5, 0.75)  # shares of the run's colour on anti-aliased edges

    @classmethod
    def colors(cls, color: str, background: str) -> list[str]:
        """The colours a run draws on the page: its own (ball, trail, dots), its ghost path, and
        the edges anti-aliasing blends into the page."""
        page, own = ManimColor(background), ManimColor(color)
        edges = [interpolate_color(page, own, t).to_hex() for t in cls.EDGES]
        return [color, ghost_color(color, background), *edges]

    def __init__(
        self,
        trajectory: Trajectory,
        area: PlotArea,
        *,
        tracker: ValueTracker,
        style: Style = DEFAULT_STYLE,
        color: str,
        radius: float | None = None,
        grid: PixelGrid | None = None,
        **kwargs,
    ):
        """In `color` (the run's own), of `radius` (the style's rule for `area` unless told)."""
        super().__init__(**kwargs)
        radius = style.ball_radius(area.box) if radius is None else radius
        self.grid = grid
        # Not `self.points`: that is the mobject's own geometry, which Manim would draw.
        self.path = trajectory.points
        self.area = area
        self.tracker = tracker
        # The steps done: one path and one set of dots, rebuilt once a step, not every frame.
        self.trail = VMobject(stroke_color=color, stroke_width=TRAIL_STROKE, joint_type=ROUND_JOINT)
        self.dots = dots(color, DOT_RADIUS)
        # The step under way: from the last point reached to the ball.
        self.head = VMobject(stroke_color=color, stroke_width=TRAIL_STROKE, cap_style=ROUND_CAP)
        self.ball = Dot(
            radius=radius,
            color=color,
            stroke_color=style.scheme.background,
            stroke_width=style.stroke * 0.8,
        )
        self.reached = -1
        self.inside = True
        self.add(self.trail, self.head, self.dots, self.ball)
        self.diverged_mark = self._diverged_mark(trajectory, color, radius, style)
        self.add_updater(lambda mob: mob.show_step(mob.tracker.get_value()))
        self.show_step(0.0)

    def position(self, t: float) -> np.ndarray:
        """The data point at fractional step t, on the straight segment between iterates."""
        last = len(self.path) - 1
        t = min(max(t, 0.0), float(last))
        k = min(int(np.floor(t)), last - 1) if last else 0
        frac = t - k
        return self.path[k] if last == 0 else (1 - frac) * self.path[k] + frac * self.path[k + 1]

    def show_step(self, t: float) -> None:
        here = self.position(t)
        reached = int(np.floor(min(max(t, 0.0), len(self.path) - 1)))
        if reached != self.reached:
            self.reached = reached
            pieces, inside = _path_parts(self.path[: reached + 1], self.area)
            polyline(pieces, self.trail)
            dot_marks(inside, self.dots)
        head = clip_polyline(np.vstack([self.path[reached], here]), self.area.window)
        polyline([self.area.path_to_scene(p) for p in head], self.head)
        inside = bool(self.area.window.contains(here))
        centre = self.area.to_scene(here)
        if self.grid is not None:
            centre = self.grid.snap(centre)
        self.ball.move_to(centre)
        if inside != self.inside:  # set_opacity walks the ball's colours: only on a change
            self.inside = inside
            self.ball.set_opacity(1.0 if inside else 0.0)
        if self.diverged_mark is not None:
            self.diverged_mark.set_opacity(1.0 if t >= len(self.path) - 1 else 0.0)

    def _diverged_mark(
        self, trajectory: Trajectory, color: str, radius: float, style: Style
    ) -> VGroup | None:
        if trajectory.diverged_at is None:
            return None
        pieces = clip_polyline(trajectory.points, self.area.window)
        exit_point = self.area.to_scene(pieces[-1][-1] if pieces else trajectory.points[0])
        box = self.area.box
        s = radius * 1.6
        cross = VGroup(
            Line(exit_point + s * (LEFT + UP), exit_point + s * (RIGHT + DOWN)),
            Line(exit_point + s * (LEFT + DOWN), exit_point + s * (RIGHT + UP)),
        )
        cross.set_stroke(color, width=style.stroke * 1.5)
        text = label(
            style.words.diverged.format(step=trajectory.diverged_at),
            height=max(MIN_TEXT, box.height * 0.05),
            max_width=box.width * 0.45,
            style=style,
            color=color,
        )
        # Inside the plot, on the side of the centre, so it never hangs off the frame.
        direction = np.sign(np.array([*box.center, 0]) - exit_point)
        text.next_to(cross, direction * np.array([1, 1, 0]) if direction.any() else DOWN, buff=s)
        mark = VGroup(cross, text)
        self.add(mark)
        return mark


class StepCounter(VGroup):
    """The digits of 'step 12 / 30', replaced when the step changes, never morphed.

    Pango takes ~60 ms per Text, so the text is laid out once with zeros in the digit slots and
    each step swaps pre-drawn digit outlines into those slots. The counter holds only the digits;
    the rest of the text is `fixed`, to be added with the static parts so Manim paints it once
    (a mobject's whole family is redrawn every frame when any member has an updater).
    """

    def __init__(
        self,
        steps: int,
        *,
        tracker: ValueTracker,
        header: Box,
        style: Style = DEFAULT_STYLE,
        timeline: Timeline | None = None,
        **kwargs,
    ):
        """Right-aligned in `header`, 60% of its height but never below MIN_TEXT, in the
        scheme's text colour; with a `timeline`, a muted "×4" left of it while a sped-up stretch
        plays."""
        super().__init__(**kwargs)
        font, color = style.font, style.scheme.text
        height = max(header.height * 0.6, MIN_TEXT)
        anchor = np.array([header.right, header.center[1], 0.0])
        self.tracker = tracker
        width = len(str(steps))
        suffix = f" / {steps}"
        template = self._text(style.words.counter("0" * width, steps), font, color)
        digits = self._text("0123456789", font, color)
        scale = height / template.height
        template.scale(scale).move_to(anchor, aligned_edge=RIGHT)
        digits.scale(scale)
        # Counted from the end: the suffix is ASCII, one submobject per visible character, while
        # a Hangul syllable may be drawn as several.
        first = len(template) - len(suffix.replace(" ", "")) - width
        # Manim lists the moving mobjects once per animation, so the digit mobjects stay the same
        # objects and take new shapes with `become`; adding and removing them would leave stale ones.
        self.slots = [template[first + i] for i in range(width)]
        self.glyphs = list(digits)
        slots = range(first, first + width)
        self.fixed = VGroup(*(glyph for i, glyph in enumerate(template) if i not in slots))
        self.add(*self.slots)
        self.timeline = timeline
        speedups = {s.speedup for s in timeline.stretches} - {1} if timeline else set()
        self.marks = {}
        for speedup in sorted(speedups):
            mark = self._text(f"×{speedup}", font, style.scheme.muted_text).scale(scale)
            mark.next_to(template, LEFT, buff=height * 0.6).align_to(self.slots[0], DOWN)
            self.marks[speedup] = mark.set_opacity(0)
        self.add(*self.marks.values())
        self.shown = -1
        self.add_updater(lambda mob: mob.refresh())
        self.refresh()

    @staticmethod
    def _text(content: str, font: str, color: str) -> Text:
        return cached_text(content, font, color)

    def refresh(self) -> None:
        step = int(np.floor(self.tracker.get_value() + 1e-9))
        if step == self.shown:
            return
        self.shown = step
        if self.timeline is not None:
            playing = self.timeline.speedup_at(step)
            for speedup, mark in self.marks.items():
                mark.set_opacity(1 if speedup == playing else 0)
        text = str(step).rjust(len(self.slots))
        for slot, char in zip(self.slots, text, strict=True):
            if char == " ":
                slot.set_fill(opacity=0)
                continue
            # The glyph's outline, centred on the slot and on its baseline: new points, no copy
            # of the mobject (a deep copy per digit cost more than drawing the frame).
            glyph = self.glyphs[int(char)]
            offset = [
                slot.get_center()[0] - glyph.get_center()[0],
                slot.get_bottom()[1] - glyph.get_bottom()[1],
                0.0,
            ]
            slot.set_points(glyph.points + np.array(offset))
            slot.set_fill(opacity=1)
