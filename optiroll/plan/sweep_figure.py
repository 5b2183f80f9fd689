"""The sweep figure, decided before drawing: colours, rasters, axes, layout and the walk. No Manim.

The Manim scene (`scenes/sweep.py`) and the SVG (`web/sweep_svg.py`) draw the same figure from
this: a map per optimizer (rows along its y value, columns along the learning rate), one colour
scale for all of them beside the maps, a key to the cells that are not on it, and a panel of the
surface with the path of each map's highlighted cell. The animation walks the learning rate
along each map's best row, a cell at a time; its last frame, and the still, show the best cells.

Colours: the score on a perceptual ramp in OKLab through viridis's hues (dark violet for the
lowest, yellow for the highest), which reads in grey and to colour-blind readers; a cell that
diverged is hatched (stripes of the page's muted text colour on the page), one that never came
within the threshold (objective steps) is a light grey. Neither is on the ramp.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from ..optim.experiment import Experiment
from ..optim.sweep import FINAL_LOSS, Axis, Sweep, SweepMap, lowest_minimum, sweep
from .axes import (
    GUTTER_BOTTOM,
    GUTTER_LEFT,
    LABEL_GAP,
    TICK_GAP,
    TICK_LENGTH,
    TICK_TEXT,
    X_NAME_ROOM,
    Y_NAME_ROOM,
    nice_ticks,
    tick_text,
)
from .beats import frames
from .colormap import oklab_to_srgb, srgb_to_oklab
from .layout import EDGE, GAP, LINE, MARGIN, TEXT, Box, text_width
from .settings import RenderSettings
from .theme import ColorScheme, theme
from .timeline import START_STILL
from .words import LANGUAGES

# viridis at 0, 1/4, 1/2, 3/4 and 1, interpolated in OKLab
RAMP = ("#440154", "#3B528B", "#21918C", "#5EC962", "#FDE725")
DECADES = 12  # a loss scale spans at most this many decades below its highest value
NOT_REACHED_LIGHT, NOT_REACHED_DARK = "#D4D4D4", "#4A4D52"
HATCH = 4  # pixels a diverged cell's stripe and gap each take, across
CELL_SECONDS = 0.15  # the walk's pace, a cell at a time
KEY_SWATCH = TEXT * 1.2  # a key's swatch, square
KEY_GAP = 0.12  # between a swatch and its words
BAR_WIDTH = 0.22  # the colour bar (scene units)
SURFACE_SHARE = 0.3  # of the body (its height when under the maps, else its width) at least
STRIP = 0.25  # a one-row map's height, as a share of a map's
KEY_LINES = 2  # the key's room under the colour bar, in lines


def _rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64) / 255


def hex_color(rgb: np.ndarray) -> str:
    return "#" + "".join(f"{round(float(c) * 255):02X}" for c in rgb)


@dataclass(frozen=True)
class ColorScale:
    """Scores to colours: `log` decades from `low` to `high` (objective loss: the final loss
    above the lowest minimum's), or steps from `low` to `high` (objective steps)."""

    log: bool
    low: float
    high: float

    def position(self, values: np.ndarray) -> np.ndarray:
        """0 (lowest) to 1 (highest) on the scale, clipped; nan stays nan."""
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.log10(np.maximum(values, 1e-300)) if self.log else np.asarray(values, float)
        return np.clip((v - self.low) / (self.high - self.low), 0.0, 1.0)

    def colors(self, values: np.ndarray) -> np.ndarray:
        """(..., 3) sRGB in 0..1 of `values` on the ramp."""
        ramp = srgb_to_oklab(np.array([_rgb(c) for c in RAMP]))
        at = np.nan_to_num(self.position(values)) * (len(ramp) - 1)
        below = np.minimum(np.floor(at).astype(int), len(ramp) - 2)
        t = (at - below)[..., None]
        return oklab_to_srgb((1 - t) * ramp[below] + t * ramp[below + 1])

    def ticks(self) -> list[tuple[float, str]]:
        """(position 0..1, label) of round values on the scale: decades, or nice steps."""
        if self.log:
            step = max(1, math.ceil((self.high - self.low) / 6))
            powers = range(math.ceil(self.low), math.floor(self.high) + 1)
            return [((p - self.low) / (self.high - self.low), power_of_ten(p)) for p in powers
                    if (p - math.floor(self.high)) % step == 0]  # fmt: skip
        values = nice_ticks(self.low, self.high, 6)
        return [((v - self.low) / (self.high - self.low), tick_text(v)) for v in values]


SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(power: int) -> str:
    """'10⁻²'."""
    return "10" + str(power).translate(SUPERSCRIPTS)


def ramp_colors(count: int) -> list[str]:
    """`count` colours evenly along the ramp, lowest first: what a GIF's palette keeps exact."""
    return [hex_color(c) for c in ColorScale(False, 0.0, 1.0).colors(np.linspace(0, 1, count))]


def color_scale(result: Sweep) -> ColorScale:
    """One scale for every map of `result`: losses above the lowest minimum's, in decades, from
    the highest of any cell down to the lowest (at most DECADES below); or steps 0 to the run's."""
    if result.objective.kind == "steps":
        return ColorScale(False, 0.0, float(result.experiment.steps))
    values = np.concatenate([_excess(result, m)[m.diverged_at == 0].ravel() for m in result.maps])
    values = values[np.isfinite(values) & (values > 0)]
    if not len(values):
        return ColorScale(True, -1.0, 1.0)
    # The start's loss tops the scale: a cell that ended higher is as bad as one that never moved.
    start = float(result.experiment.surface.value(np.array(result.experiment.start)))
    start -= lowest_minimum(result.experiment) or 0.0
    high = math.log10(min(values.max(), start) if start > 0 else values.max())
    low = max(math.log10(values.min()), high - DECADES)
    return ColorScale(True, low, high if high > low else low + 1)


def _excess(result: Sweep, m: SweepMap) -> np.ndarray:
    """The score the colours show: the final loss above the lowest minimum's (or the loss itself
    on a surface without one), or the steps taken."""
    if result.objective.kind == "steps":
        return np.where(m.reached_at >= 0, m.reached_at, np.nan).astype(np.float64)
    f_star = lowest_minimum(result.experiment)
    return m.final_loss - (f_star or 0.0)


def cell_colors(result: Sweep, m: SweepMap, scale: ColorScale, scheme: ColorScheme) -> np.ndarray:
    """(rows, columns, 3) sRGB 0..1 of each cell; a diverged cell is nan (hatched when drawn)."""
    values = _excess(result, m)
    colors = np.where(np.isnan(values)[..., None], not_reached(scheme), scale.colors(values))
    return np.where((m.diverged_at > 0)[..., None], np.nan, colors)


def not_reached(scheme: ColorScheme) -> np.ndarray:
    """sRGB 0..1 of a cell that never came within the threshold: a grey near the page's."""
    light = scheme.background == theme("light").background
    return _rgb(NOT_REACHED_LIGHT if light else NOT_REACHED_DARK)


def raster(colors: np.ndarray, width: int, height: int, scheme: ColorScheme) -> np.ndarray:
    """(height, width, 3) uint8: the cells (`colors`, row 0 at the bottom) stretched to the pixels
    of their box, a diverged (nan) cell hatched."""
    rows, columns = colors.shape[:2]
    r = ((height - 1 - np.arange(height)) * rows // height)[:, None]
    c = (np.arange(width) * columns // width)[None, :]
    picture = colors[r, c]
    y, x = np.mgrid[0:height, 0:width]
    stripe = ((x + y) // HATCH) % 2 == 0
    hatch = np.where(stripe[..., None], _rgb(scheme.muted_text), _rgb(scheme.background))
    picture = np.where(np.isnan(picture), hatch, picture)
    return np.round(picture * 255).astype(np.uint8)


def axis_ticks_of(axis: Axis, length: float, *, vertical: bool) -> list[tuple[float, str]]:
    """(position in scene units from the axis's start, label) of round values along `axis` drawn
    `length` long, where cell c (its value `axis.values[c]`) spans c to c + 1 cells: decades on
    a log axis, nice steps on a linear one, as many as keep their labels apart and clear of the
    axis's name at the high end (as `axes.axis_ticks` keeps them)."""
    low, high, n = axis.low, axis.high, axis.cells
    if axis.log:
        first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
        values = [10.0**p * m for p in range(first, last + 1) for m in (1, 2, 5)]
        values = [v for v in values if low <= v * (1 + 1e-9) and v <= high * (1 + 1e-9)]
        decades = [v for v in values if abs(math.log10(v) - round(math.log10(v))) < 1e-9]
        values = decades if len(decades) >= 3 else values
        span = math.log10(high) - math.log10(low)
        fraction = [(math.log10(v) - math.log10(low)) / span for v in values]
    else:
        values = [float(v) for v in nice_ticks(low, high, 6)]
        fraction = [(v - low) / (high - low) for v in values]
    cell = length / n
    ticks = [
        ((0.5 + f * (n - 1)) * cell, tick_text(float(f"{v:.6g}")))
        for v, f in zip(values, fraction, strict=True)
    ]
    room = Y_NAME_ROOM if vertical else X_NAME_ROOM
    ticks = [(at, text) for at, text in ticks if at <= length - room]
    if not vertical:
        ticks = [(at, text) for at, text in ticks if at >= text_width(text, TICK_TEXT) / 2]
    for every in range(1, len(ticks) + 1):
        chosen = ticks[::every]
        if all(_apart(a, b, vertical) for a, b in zip(chosen, chosen[1:], strict=False)):
            return chosen
    return ticks[:1]


def _apart(a: tuple[float, str], b: tuple[float, str], vertical: bool) -> bool:
    """Whether two tick labels keep LABEL_GAP between them."""
    size = (
        TICK_TEXT if vertical else (text_width(a[1], TICK_TEXT) + text_width(b[1], TICK_TEXT)) / 2
    )
    return b[0] - a[0] >= size + LABEL_GAP


@dataclass(frozen=True)
class MapPanel:
    """Where a map goes: its cells' `box`, its title's line above it, and whether its axes'
    labels are drawn (x on the bottom row, y on every map: each has its own value)."""

    box: Box
    title: Box
    x_labels: bool


@dataclass(frozen=True)
class SweepLayout:
    """The header (the objective on the left, the walk's readout on the right), the maps, the
    colour bar with the key under it, and the surface panel."""

    header: Box
    readout: Box
    maps: tuple[MapPanel, ...]
    bar: Box
    key: Box
    surface: Box


def sweep_layout(
    settings: RenderSettings, rows_of: tuple[int, ...], key_width: float, aspect: float
) -> SweepLayout:
    """The maps (one per entry of `rows_of`, its count of rows) in the grid that draws them
    largest, each square (a one-row map a strip across its square's top), left of the colour bar
    and the key (`key_width` wide); the surface panel (of the window's `aspect`, width over
    height) in what the maps leave, under them or right of them, at least SURFACE_SHARE."""
    fw, fh = settings.frame_width, settings.frame_height
    frame = Box(-fw / 2, -fh / 2, fw / 2, fh / 2).shrink(MARGIN)
    header, body = frame.split_top(LINE)
    readout = Box(
        header.right - min(4.0, header.width / 3), header.bottom, header.right, header.top
    )
    side = max(BAR_WIDTH + TICK_LENGTH + TICK_GAP + text_width("10⁻¹⁰", TICK_TEXT), key_width)
    # Under the maps, or right of them: whichever draws the maps times the surface largest.
    size, rows, columns, maps_area, surface = max(
        (_arrange(body, len(rows_of), side, aspect, under) for under in (True, False)),
        key=lambda found: found[0] * found[4].width,
    )
    bar_column = Box(maps_area.right - side, maps_area.bottom, maps_area.right, maps_area.top)
    key = Box(
        bar_column.left, bar_column.bottom, bar_column.right, bar_column.bottom + LINE * KEY_LINES
    )
    bar = Box(bar_column.left, key.top + GAP, bar_column.left + BAR_WIDTH, bar_column.top - LINE)
    panels = []
    for i, map_rows in enumerate(rows_of):
        row, column = divmod(i, columns)
        left = body.left + GUTTER_LEFT + column * (size + GUTTER_LEFT + GAP)
        top = body.top - row * (size + LINE + GAP) - LINE
        height = size if map_rows > 1 else size * STRIP
        box = Box(left, top - height, left + size, top)
        title = Box(left - GUTTER_LEFT + 0.1, top, left + size + EDGE, top + LINE)
        labelled = row == rows - 1 or i + columns >= len(rows_of) or map_rows == 1
        panels.append(MapPanel(box, title, labelled))
    return SweepLayout(header, readout, tuple(panels), bar, key, surface)


def _arrange(
    body: Box, count: int, side: float, aspect: float, under: bool
) -> tuple[float, int, int, Box, Box]:
    """(map size, rows, columns, the maps' area with the bar's column, the surface's plot box)
    with the surface panel `under` the maps (else right of them), given SURFACE_SHARE of it."""
    if under:
        room, _ = body.split_top(body.height * (1 - SURFACE_SHARE))
    else:
        room, _ = body.split_right(body.width * SURFACE_SHARE)
    grid_area, _ = room.split_right(side + GAP)
    size, rows, columns = _grid(grid_area, count)
    used_width = columns * (GUTTER_LEFT + size) + (columns - 1) * GAP + EDGE
    used_height = rows * (LINE + size) + (rows - 1) * GAP + GUTTER_BOTTOM
    maps_area = Box(
        body.left, body.top - used_height, body.left + used_width + GAP + side, body.top
    )
    if under:
        rest = Box(body.left, body.bottom, body.right, maps_area.bottom - GAP)
    else:
        rest = Box(maps_area.right + GAP, body.bottom, body.right, body.top)
    plot = Box(rest.left + GUTTER_LEFT, rest.bottom + GUTTER_BOTTOM, rest.right - EDGE, rest.top)
    return size, rows, columns, maps_area, plot.fit(aspect)


def _grid(area: Box, count: int) -> tuple[float, int, int]:
    """(a map's size, rows, columns) of the grid of `count` square maps largest in `area`, each
    with its y axis's gutter left of it, a title line above, the x axis's gutter under the last
    row."""
    best = (0.0, 1, count)
    for rows in range(1, count + 1):
        columns = math.ceil(count / rows)
        width = (area.width - EDGE - columns * GUTTER_LEFT - (columns - 1) * GAP) / columns
        height = (area.height - rows * LINE - GUTTER_BOTTOM - (rows - 1) * GAP) / rows
        if min(width, height) > best[0]:
            best = (min(width, height), rows, columns)
    return best


@dataclass(frozen=True)
class Walk:
    """The animation: `still` frames on the first cells, `per_cell` frames on each of `cells`
    columns of every map's walked `rows`, then `hold` frames on the best cells."""

    fps: float
    still: int
    per_cell: int
    cells: int
    hold: int

    @property
    def frames(self) -> int:
        return self.still + self.per_cell * self.cells + self.hold

    def to_dict(self) -> dict:
        return {
            "fps": self.fps,
            "start_still_frames": self.still,
            "frames_per_cell": self.per_cell,
            "cells": self.cells,
            "hold_frames": self.hold,
        }


@dataclass(frozen=True, eq=False)
class SweepFigure:
    """Everything the sweep figure draws, decided: the maps, their colour scale and cell
    colours, each map's walked row and its paths, the best cells' paths, the layout and the
    walk's frames."""

    sweep: Sweep
    scale: ColorScale
    colors: tuple[np.ndarray, ...]  # per map, (rows, columns, 3) sRGB 0..1, nan: diverged
    rows: tuple[int, ...]  # the row each map's walk follows (its best cell's)
    walks: tuple[np.ndarray, ...]  # per map, (steps + 1, columns, 2): the walked row's paths
    best: tuple[tuple[int, int] | None, ...]
    layout: SweepLayout
    walk: Walk


def sweep_figure(settings: RenderSettings, experiment: Experiment) -> SweepFigure:
    """The sweep figure of `experiment` for `settings` (its `sweep` spec, else the defaults);
    cached, as the render pipeline asks for the frame count (from the runs, which do not say
    where their values came from) before the scene draws."""
    return _sweep_figure(settings, replace(experiment, origins=()))


@lru_cache(maxsize=4)
def _sweep_figure(settings: RenderSettings, experiment: Experiment) -> SweepFigure:
    spec = settings.sweep
    return figure_of(
        settings,
        sweep(experiment, spec.axes if spec else (), spec.objective if spec else FINAL_LOSS),
    )


def figure_of(settings: RenderSettings, result: Sweep) -> SweepFigure:
    """The figure of maps already computed."""
    experiment = result.experiment
    scheme = theme(settings.theme)
    scale = color_scale(result)
    colors = tuple(cell_colors(result, m, scale, scheme) for m in result.maps)
    best = tuple(m.best() for m in result.maps)
    rows = tuple(b[0] if b else m.shape[0] // 2 for b, m in zip(best, result.maps, strict=True))
    walks = tuple(result.walk(i, row) for i, row in enumerate(rows))
    window = experiment.surface.window
    aspect = (window.x_max - window.x_min) / (window.y_max - window.y_min)
    keys = key_texts(result, settings.lang)
    key_width = max(text_width(t, TEXT) for t in keys) + KEY_SWATCH + KEY_GAP
    layout = sweep_layout(settings, tuple(m.shape[0] for m in result.maps), key_width, aspect)
    fps = settings.fps
    walk = Walk(
        fps,
        frames(START_STILL, fps),
        frames(CELL_SECONDS, fps),
        max(m.shape[1] for m in result.maps),
        int(settings.hold_seconds * fps),
    )
    return SweepFigure(result, scale, colors, rows, walks, best, layout, walk)


def key_texts(result: Sweep, lang: str) -> list[str]:
    """What the key under the colour bar names: diverged cells, and (objective steps) cells that
    never came within the threshold."""
    from .study_words import STUDY_WORDS

    words = STUDY_WORDS[lang]
    texts = [words.diverged]
    if result.objective.kind == "steps":
        texts.append(words.not_reached.format(threshold=f"{result.objective.threshold:g}"))
    return texts


def title_text(result: Sweep, lang: str) -> str:
    """The figure's title: its objective, in the figure's language."""
    from .study_words import STUDY_WORDS

    words, objective = STUDY_WORDS[lang], result.objective
    steps = result.experiment.steps
    if objective.kind == "loss":
        return words.final_loss.format(steps=steps)
    return words.steps_to.format(threshold=f"{objective.threshold:g}", steps=steps)


def axis_name(name: str, lang: str) -> str:
    """A hyper-parameter's symbol in the labels' notation: η, α, β₁."""
    return LANGUAGES[lang].parameter_names.get(name, name)
