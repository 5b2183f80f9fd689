"""`render sweep`: each optimizer's map of outcome over two hyper-parameters, and a walk along it.

The figure is decided in `plan/sweep_figure.py` and computed by `optim/sweep.py`: a map per
optimizer (its cells as one image, drawn pixel for pixel), the colour bar and key, and the surface
with the path of each map's highlighted cell. The highlight walks the learning rate along each
map's best row, a cell at a time, the paths following; the last frame (and a PNG, the still)
shows every map's best cell and its path.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RESAMPLING_ALGORITHMS,
    RIGHT,
    Dot,
    ImageMobject,
    Line,
    Mobject,
    Rectangle,
    Scene,
    UpdateFromAlphaFunc,
    ValueTracker,
    VGroup,
    VMobject,
    linear,
)

from ..optim.experiment import Experiment
from ..optim.surfaces import Window
from ..optim.trajectory import Trajectory
from ..plan.axes import TICK_GAP, TICK_LENGTH, TICK_TEXT
from ..plan.beats import play_seconds, wait_seconds
from ..plan.layout import (
    GAP,
    LINE,
    TEXT,
    Box,
    Panel,
    PlotArea,
    clip_polyline,
    scene_box_to_pixels,
)
from ..plan.settings import RenderSettings
from ..plan.sweep_figure import (
    KEY_GAP,
    KEY_SWATCH,
    ColorScale,
    SweepFigure,
    axis_name,
    axis_ticks_of,
    hex_color,
    key_texts,
    not_reached,
    ramp_colors,
    raster,
    sweep_figure,
    title_text,
)
from .axes import PlotAxes
from .base import OptirollScene
from .landmarks import Landmarks, StartMarker
from .mobjects import (
    DOT_RADIUS,
    ROUND_JOINT,
    TRAIL_STROKE,
    ContourMap,
    dot_marks,
    dots,
    hold_still,
    label,
    labels,
    polyline,
)
from .plots import surface_formula
from .style import Style

HIGHLIGHT_STROKE = 4.0  # as a trail: 2.4 px at 480 px tall
HIGHLIGHT_CELLS = 3  # the walked cell's frame, in cells across
RAMP_SHADES = 24  # of the colour ramp kept exact in a GIF's palette: the maps' and the bar's
DOTTED_STEPS = 60  # paths of more steps than this are drawn without a dot per step


def _experiment(trajectories: list[Trajectory]) -> Experiment:
    first = trajectories[0]
    optimizers = tuple(t.optimizer for t in trajectories)
    return Experiment(first.surface, first.start, first.steps, optimizers, seed=first.seed)


class SweepScene(OptirollScene, Scene):
    """The maps, then the walk along them with the paths beside; the best cells last."""

    @classmethod
    def planned_frames(cls, settings: RenderSettings, trajectories: list[Trajectory]) -> int:
        return sweep_figure(settings, _experiment(trajectories)).walk.frames

    @classmethod
    def exact_colors(cls, settings: RenderSettings, experiment: Experiment) -> list[str]:
        """The page's colours, the runs' (their paths), RAMP_SHADES of the ramp and the grey of
        a cell that never came close enough (the hatch is the page's muted text)."""
        style = cls.style_for(settings, experiment)
        scheme = style.scheme
        page = [scheme.background, scheme.text, scheme.muted_text, scheme.frame, scheme.minimum]
        grey = hex_color(not_reached(scheme))
        found = page + ContourMap.colors(scheme) + list(style.runs) + ramp_colors(RAMP_SHADES)
        found.append(grey)
        return list(dict.fromkeys(found))

    @cached_property
    def figure(self) -> SweepFigure:
        return sweep_figure(self.settings, self.experiment)

    @cached_property
    def surface_area(self) -> PlotArea:
        """The surface panel: the surface's window grown to the panel's square box."""
        box, window = self.figure.layout.surface, self.experiment.surface.window
        scale = min(
            box.width / (window.x_max - window.x_min), box.height / (window.y_max - window.y_min)
        )
        cx, cy = window.center
        hw, hh = box.width / scale / 2, box.height / scale / 2
        return PlotArea(box, Window(cx - hw, cx + hw, cy - hh, cy + hh))

    def panels(self) -> tuple[Panel, ...]:
        return (Panel(self.surface_area, tuple(range(len(self.figure.sweep.maps))), None),)

    def sidecar_timeline(self) -> dict | None:
        return self.figure.walk.to_dict()

    def sidecar_extra(self) -> dict:
        """The maps (every cell, as `sweep --json`), each one's pixel rectangle, walked row and
        best cell, and the colour scale."""
        s, figure = self.settings, self.figure
        rects = [
            scene_box_to_pixels(p.box, s.frame_width, s.frame_height, s.width, s.height)
            for p in figure.layout.maps
        ]
        scale = figure.scale
        return {
            "sweep": {
                **figure.sweep.to_dict(),
                "scale": {"log": scale.log, "low": scale.low, "high": scale.high},
                "pixel_rects": [[round(v, 3) for v in r] for r in rects],
                "walked_rows": list(figure.rows),
            }
        }

    def construct(self) -> None:
        style, figure = self.style, self.figure
        layout, walk, result = figure.layout, figure.walk, figure.sweep
        lang = self.settings.lang
        static: list[Mobject] = self._title(style)
        for i, (panel, m) in enumerate(zip(layout.maps, result.maps, strict=True)):
            static += self._map(i, panel, m, style)
        static += self._bar(figure.scale, style)
        static += self._key(key_texts(result, lang), style)
        surface = self.experiment.surface
        area = self.surface_area
        static += [
            ContourMap(surface, area, style=style, marked=False),
            PlotAxes(area, style=style),
            StartMarker(self.experiment.start, area, style=style),
        ]
        tracker = ValueTracker(0.0)
        highlights = [
            Highlight(panel.box, m.shape, row, best, tracker=tracker, style=style)
            for panel, m, row, best in zip(
                layout.maps, result.maps, figure.rows, figure.best, strict=True
            )
        ]
        paths = [
            WalkedPath(walked, best, area, tracker=tracker, color=style.run_color(i))
            for i, (walked, best) in enumerate(zip(figure.walks, figure.best, strict=True))
        ]
        readout = Readout(result.maps[0].x, layout.readout, lang, tracker=tracker, style=style)
        landmarks = Landmarks(surface, area, style=style)
        hold_still(*static, landmarks)
        self.add(*static, *highlights, *paths, readout, landmarks)
        self.wait(wait_seconds(walk.still, walk.fps), frozen_frame=True)
        moving = walk.per_cell * walk.cells + 1  # the last frame shows the best cells
        cells = walk.cells

        def cell_at(mob: ValueTracker, alpha: float) -> None:
            frame = round(alpha * (moving - 0.5), 6)
            mob.set_value(cells if frame >= moving - 1 else int(frame // walk.per_cell))

        self.play(
            UpdateFromAlphaFunc(tracker, cell_at),
            run_time=play_seconds(moving, walk.fps),
            rate_func=linear,
        )
        if walk.hold > 1:
            self.wait(wait_seconds(walk.hold - 1, walk.fps), frozen_frame=True)

    def _title(self, style: Style) -> list[Mobject]:
        """The objective at the left of the header, the surface's formula after it."""
        layout = self.figure.layout
        box = layout.header
        text = label(title_text(self.figure.sweep, self.settings.lang), height=TEXT,
                     max_width=box.width * 0.5, style=style)  # fmt: skip
        text.move_to([box.left, box.center[1], 0], aligned_edge=LEFT)
        room = Box(text.get_right()[0] + GAP, box.bottom, layout.readout.left - GAP, box.top)
        return [text, surface_formula(self.experiment.surface, room, style=style)]

    def _map(self, index: int, panel, m, style: Style) -> list[Mobject]:
        """A map's cells (one image, pixel for pixel), frame, title and axes."""
        s = self.settings
        box = panel.box
        left, top, right, bottom = scene_box_to_pixels(
            box, s.frame_width, s.frame_height, s.width, s.height
        )
        width, height = max(1, round(right - left)), max(1, round(bottom - top))
        picture = raster(self.figure.colors[index], width, height, style.scheme)
        image = ImageMobject(picture)
        image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        image.stretch_to_fit_width(box.width).stretch_to_fit_height(box.height)
        image.move_to([*box.center, 0])
        frame = Rectangle(width=box.width, height=box.height, stroke_color=style.scheme.frame,
                          stroke_width=1.6).move_to([*box.center, 0])  # fmt: skip
        dot = Dot(radius=TEXT * 0.36, color=style.run_color(index))
        title_row = VGroup(dot, self.titles[index]).arrange(RIGHT, buff=0.15)
        title_row.move_to([panel.title.left, panel.title.center[1], 0], aligned_edge=LEFT)
        axes = _ticks(box, m.x, horizontal=True, labelled=panel.x_labels, style=style, lang=s.lang)
        if m.y is not None:
            axes += _ticks(box, m.y, horizontal=False, labelled=True, style=style, lang=s.lang)
        return [image, frame, title_row, *axes]

    @cached_property
    def titles(self) -> list[Mobject]:
        """Each map's optimizer, at one size (`labels`): titles of one figure alike."""
        names = [self.style.words.name(m.optimizer) for m in self.figure.sweep.maps]
        room = min(p.title.width for p in self.figure.layout.maps) - TEXT
        return labels(names, height=TEXT, max_width=room, style=self.style)

    def _bar(self, scale: ColorScale, style: Style) -> list[Mobject]:
        """The colour bar: the ramp from the lowest score (bottom) to the highest, ticked."""
        s, box = self.settings, self.figure.layout.bar
        left, top, right, bottom = scene_box_to_pixels(
            box, s.frame_width, s.frame_height, s.width, s.height
        )
        height = max(2, round(bottom - top))
        values = np.linspace(1, 0, height)
        span = scale.high - scale.low
        scores = 10 ** (scale.low + values * span) if scale.log else scale.low + values * span
        colors = scale.colors(scores)[:, None, :]
        picture = np.round(np.repeat(colors, max(1, round(right - left)), axis=1) * 255)
        image = ImageMobject(picture.astype(np.uint8))
        image.stretch_to_fit_width(box.width).stretch_to_fit_height(box.height)
        image.move_to([*box.center, 0])
        drawn: list[Mobject] = [image]
        texts = labels([t for _, t in scale.ticks()], height=TICK_TEXT, max_width=2.0, style=style,
                       color=style.scheme.muted_text)  # fmt: skip
        for (at, _), text in zip(scale.ticks(), texts, strict=True):
            y = box.bottom + at * box.height
            drawn.append(Line([box.right, y, 0], [box.right + TICK_LENGTH, y, 0],
                              stroke_color=style.scheme.frame, stroke_width=1.6))  # fmt: skip
            drawn.append(
                text.move_to([box.right + TICK_LENGTH + TICK_GAP, y, 0], aligned_edge=LEFT)
            )
        return drawn

    def _key(self, texts: list[str], style: Style) -> list[Mobject]:
        """Swatches of the cells that are not on the colour bar, a line each, with their words."""
        s, box, scheme = self.settings, self.figure.layout.key, style.scheme
        pixels = max(2, round(KEY_SWATCH * s.height / s.frame_height))
        pictures = [
            raster(np.full((1, 1, 3), np.nan), pixels, pixels, scheme),
            raster(np.full((1, 1, 3), not_reached(scheme)), pixels, pixels, scheme),
        ]
        words = labels(texts, height=TEXT, max_width=box.width - KEY_SWATCH - KEY_GAP, style=style)
        drawn: list[Mobject] = []
        for k, (picture, text) in enumerate(zip(pictures, words, strict=False)):
            y = box.top - (k + 0.5) * LINE
            image = ImageMobject(picture)
            image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
            image.stretch_to_fit_width(KEY_SWATCH).stretch_to_fit_height(KEY_SWATCH)
            image.move_to([box.left + KEY_SWATCH / 2, y, 0])
            text.move_to([box.left + KEY_SWATCH + KEY_GAP, y, 0], aligned_edge=LEFT)
            drawn += [image, text]
        return drawn


def _ticks(box: Box, axis, *, horizontal: bool, labelled: bool, style: Style, lang: str) -> list:
    """A map's ticks along x (below) or y (left) and, when `labelled`, their round values and
    the axis's name ending the labels, as `PlotAxes` draws a plot's."""
    scheme = style.scheme
    span = box.width if horizontal else box.height
    ticks = axis_ticks_of(axis, span, vertical=not horizontal)
    marks = VMobject(stroke_color=scheme.frame, stroke_width=1.6)
    for at, _ in ticks:
        start = np.array(
            [box.left + at, box.bottom, 0] if horizontal else [box.left, box.bottom + at, 0]
        )
        marks.start_new_path(start)
        marks.add_line_to(start + TICK_LENGTH * (DOWN if horizontal else LEFT))
    if not labelled:
        return [marks]
    # One size for the labels and the name: the digits'.
    texts = labels([*(t for _, t in ticks), axis_name(axis.name, lang)], height=TICK_TEXT,
                   max_width=float("inf"), style=style, color=scheme.muted_text)  # fmt: skip
    *numbers, name = texts
    if horizontal:
        row_top = box.bottom - TICK_LENGTH - TICK_GAP
        for (at, _), text in zip(ticks, numbers, strict=True):
            text.move_to([box.left + at, row_top - TICK_TEXT / 2, 0])
        name.move_to([box.right - name.width / 2, row_top - TICK_TEXT + name.height / 2, 0])
    else:
        column_right = box.left - TICK_LENGTH - TICK_GAP
        for (at, _), text in zip(ticks, numbers, strict=True):
            text.move_to([column_right - text.width / 2, box.bottom + at, 0])
        name.move_to([column_right - name.width / 2, box.top - TICK_GAP - name.height / 2, 0])
    return [marks, *texts]


class Highlight(VGroup):
    """The walked cell of a map, framed by a square HIGHLIGHT_CELLS cells wide over a halo of the
    page's colour (a single cell is a few pixels) and kept inside the map: column `tracker` of
    `row`, or (when the tracker reaches the columns' count) the map's `best` cell."""

    def __init__(self, box: Box, shape, row: int, best, *, tracker: ValueTracker, style: Style,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        rows, columns = shape
        width = min(box.width, HIGHLIGHT_CELLS * box.width / columns)
        height = min(box.height, HIGHLIGHT_CELLS * box.height / rows)
        scheme = style.scheme
        halo = Rectangle(width=width, height=height, stroke_color=scheme.background,
                         stroke_width=HIGHLIGHT_STROKE * 2.5)  # fmt: skip
        ring = Rectangle(width=width, height=height, stroke_color=scheme.text,
                         stroke_width=HIGHLIGHT_STROKE)  # fmt: skip
        self.add(halo, ring)
        self.box, self.shape, self.row, self.best, self.tracker = box, shape, row, best, tracker
        self.add_updater(lambda mob: mob.show(int(mob.tracker.get_value())))
        self.show(0)

    def show(self, column: int) -> None:
        rows, columns = self.shape
        row = self.row
        if column >= columns:
            if self.best is None:
                self.set_stroke(opacity=0)
                return
            row, column = self.best
        self.set_stroke(opacity=1)
        box, half_width, half_height = self.box, self.width / 2, self.height / 2
        # Kept inside the map, clear of its axes: at an edge the cell is off the frame's centre.
        x = box.left + (column + 0.5) * box.width / columns
        y = box.bottom + (row + 0.5) * box.height / rows
        x = min(max(x, box.left + half_width), box.right - half_width)
        y = min(max(y, box.bottom + half_height), box.top - half_height)
        self.move_to([x, y, 0])


class WalkedPath(VGroup):
    """The path of a map's walked cell on the surface: its line (clipped to the plot), a dot
    per step when there are few, and the ball where it ended."""

    def __init__(self, walked: np.ndarray, best, area: PlotArea, *, tracker: ValueTracker,
                 color: str, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.walked, self.best, self.area, self.tracker = walked, best, area, tracker
        self.line = VMobject(stroke_color=color, stroke_width=TRAIL_STROKE, joint_type=ROUND_JOINT)
        self.dots = dots(color, DOT_RADIUS)
        self.ball = Dot(radius=DOT_RADIUS * 2.2, color=color)
        self.add(self.line, self.dots, self.ball)
        self.shown = -1
        self.add_updater(lambda mob: mob.show(int(mob.tracker.get_value())))
        self.show(0)

    def show(self, column: int) -> None:
        columns = self.walked.shape[1]
        if column >= columns:
            column = -1 if self.best is None else self.best[1]
        if column == self.shown:
            return
        self.shown = column
        points = self.walked[:, column] if column >= 0 else self.walked[:1, 0]
        window = self.area.window
        pieces = [self.area.to_scene(p) for p in clip_polyline(points, window)]
        polyline(pieces, self.line)
        inside = points[window.contains(points)]
        few = len(points) - 1 <= DOTTED_STEPS
        dot_marks(self.area.to_scene(inside if few else inside[:0]), self.dots)
        end = points[-1]
        self.ball.move_to(self.area.to_scene(end)).set_opacity(float(window.contains(end)))


class Readout(VGroup):
    """'η = 0.0123' at the right of the header: the walked column's value (each text made once),
    then 'best'."""

    def __init__(self, axis, box: Box, lang: str, *, tracker: ValueTracker, style: Style,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        from ..plan.study_words import STUDY_WORDS

        symbol = axis_name(axis.name, lang)
        texts = [f"{symbol} = {v:.3g}" for v in axis.values] + [STUDY_WORDS[lang].best]
        self.texts = labels(texts, height=TEXT, max_width=box.width, style=style)
        for text in self.texts:
            text.move_to([box.right, box.center[1], 0], aligned_edge=RIGHT)
        self.tracker = tracker
        self.add(*self.texts)
        self.add_updater(lambda mob: mob.show(int(mob.tracker.get_value())))
        self.show(0)

    def show(self, column: int) -> None:
        chosen = min(column, len(self.texts) - 1)
        for k, text in enumerate(self.texts):
            text.set_opacity(1.0 if k == chosen else 0.0)
