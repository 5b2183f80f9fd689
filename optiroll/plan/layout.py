"""Where things go: panel grids, data-to-scene mapping, pixel rectangles and clipping. No Manim."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ..optim.experiment import Experiment
from ..optim.surfaces import Window
from .settings import RenderSettings
from .words import LANGUAGES


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in scene units (Manim's frame: origin at the centre, y up)."""

    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def center(self) -> tuple[float, float]:
        return ((self.left + self.right) / 2, (self.bottom + self.top) / 2)

    def shrink(self, margin: float) -> Box:
        return Box(self.left + margin, self.bottom + margin, self.right - margin, self.top - margin)

    def split_top(self, height: float) -> tuple[Box, Box]:
        """(a strip of `height` at the top, the rest below it)."""
        cut = self.top - height
        return Box(self.left, cut, self.right, self.top), Box(
            self.left, self.bottom, self.right, cut
        )

    def split_right(self, width: float) -> tuple[Box, Box]:
        """(the rest on the left, a column of `width` on the right)."""
        cut = self.right - width
        return Box(self.left, self.bottom, cut, self.top), Box(
            cut, self.bottom, self.right, self.top
        )

    def fit(self, aspect: float) -> Box:
        """The largest centred box of width/height `aspect` inside this one."""
        w = min(self.width, self.height * aspect)
        h = w / aspect
        cx, cy = self.center
        return Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)

    def grid(self, rows: int, cols: int) -> list[Box]:
        """Cells row by row from the top left."""
        w, h = self.width / cols, self.height / rows
        return [
            Box(
                self.left + c * w, self.top - (r + 1) * h, self.left + (c + 1) * w, self.top - r * h
            )
            for r in range(rows)
            for c in range(cols)
        ]


@dataclass(frozen=True)
class PlotArea:
    """A box on screen showing a data window: maps (x, y) data to scene coordinates."""

    box: Box
    window: Window

    def to_scene(self, points: np.ndarray) -> np.ndarray:
        """(..., 2) data -> (..., 3) scene points (z = 0)."""
        points = np.asarray(points, dtype=np.float64)
        w = self.window
        sx = self.box.left + (points[..., 0] - w.x_min) / (w.x_max - w.x_min) * self.box.width
        sy = self.box.bottom + (points[..., 1] - w.y_min) / (w.y_max - w.y_min) * self.box.height
        return np.stack([sx, sy, np.zeros_like(sx)], axis=-1)


def best_grid(
    n: int, area: Box, panel_aspect: float, title_height: float, title_width: float = 0.0
) -> tuple[int, int]:
    """The rows x cols grid for n panels whose plots come out largest (the book's 2x2 for four),
    unless the titles (`title_width` wide) would not fit their cells: then, within GRID_SLACK of
    the largest plots, a grid whose cells hold them (four square plots in 16:9: 2x2, not a row of
    four with squeezed titles), else the widest cells."""
    candidates = []
    for rows in range(1, n + 1):
        cols = math.ceil(n / rows)
        if (rows - 1) * cols >= n:
            continue
        cell_w, cell_h = area.width / cols, area.height / rows - title_height
        scale = min(cell_w, cell_h * panel_aspect) if cell_h > 0 else 0.0
        candidates.append((scale, cell_w, (rows, cols)))
    largest = max(scale for scale, _, _ in candidates)
    near = [c for c in candidates if c[0] >= largest * (1 - GRID_SLACK)]
    roomy = [c for c in near if c[1] >= title_width]
    if roomy:
        return max(roomy, key=lambda c: c[0])[2]
    return max(near, key=lambda c: (c[1], c[0]))[2]


def text_width(text: str, height: float) -> float:
    """About how wide `text` is at glyph height `height` (Hangul is about square, Latin narrower)."""
    return height * sum(0.95 if ord(char) >= 0x1100 else 0.55 for char in text)


GRID_SLACK = 0.15
TITLE_SHARE = 0.6  # a title's glyphs fill this much of its box's height


def scene_box_to_pixels(
    box: Box, frame_width: float, frame_height: float, pixel_width: int, pixel_height: int
) -> list[float]:
    """[left, top, right, bottom] in pixels (y down, origin top left) of a scene-unit box."""
    sx, sy = pixel_width / frame_width, pixel_height / frame_height
    return [
        (box.left + frame_width / 2) * sx,
        (frame_height / 2 - box.top) * sy,
        (box.right + frame_width / 2) * sx,
        (frame_height / 2 - box.bottom) * sy,
    ]


@dataclass(frozen=True)
class PixelGrid:
    """The output's pixels in scene units, for snapping moving marks to pixel centres."""

    frame_width: float
    frame_height: float
    pixel_width: int
    pixel_height: int

    def snap(self, point: np.ndarray) -> np.ndarray:
        """The scene point (3,) moved to the centre of the pixel it falls in."""
        unit = np.array(
            [self.frame_width / self.pixel_width, self.frame_height / self.pixel_height]
        )
        corner = np.array([-self.frame_width / 2, -self.frame_height / 2])
        centre = corner + (np.floor((point[:2] - corner) / unit) + 0.5) * unit
        return np.array([*centre, point[2]])


def clip_polyline(points: np.ndarray, window: Window) -> list[np.ndarray]:
    """The parts of a polyline (n, 2) inside `window`, each an (m, 2) array (Liang-Barsky)."""
    pieces: list[list[np.ndarray]] = []
    current: list[np.ndarray] = []
    lo = np.array([window.x_min, window.y_min])
    hi = np.array([window.x_max, window.y_max])
    for a, b in zip(points[:-1], points[1:], strict=False):
        clipped = clip_segment(a, b, lo, hi)
        if clipped is None:
            if current:
                pieces.append(current)
                current = []
            continue
        p, q = clipped
        if current and not np.array_equal(current[-1], p):
            pieces.append(current)
            current = []
        if not current:
            current = [p]
        current.append(q)
        if not np.array_equal(q, b):  # left the window: this piece ends here
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    if len(points) == 1 and np.all((points[0] >= lo) & (points[0] <= hi)):
        pieces.append([points[0]])
    return [np.array(p) for p in pieces]


def clip_segment(
    a: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of segment a-b inside the box [lo, hi] (Liang-Barsky), or None."""
    d = b - a
    t0, t1 = 0.0, 1.0
    for axis in (0, 1):
        for p, q in ((-d[axis], a[axis] - lo[axis]), (d[axis], hi[axis] - a[axis])):
            if p == 0:
                if q < 0:
                    return None
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    if t0 > t1:
        return None
    return (a if t0 == 0 else a + t0 * d), (b if t1 == 1 else a + t1 * d)


@dataclass(frozen=True)
class Panel:
    """One plot on screen: its area, the runs drawn in it, and where its title goes."""

    area: PlotArea
    runs: tuple[int, ...]
    title_box: Box | None


@dataclass(frozen=True)
class FigureLayout:
    panels: tuple[Panel, ...]
    header: Box
    legend: Box | None
    curve: Box | None = None  # the loss curve's panel
    curve_key: Box | None = None  # its colour key, when there is no legend to tell the colours


# The loss curve takes this share of the body, below the plots or right of them.
CURVE_SHARE = 0.34


def layout_figure(settings: RenderSettings, experiment: Experiment) -> FigureLayout:
    """Where each panel, title, legend and the counter go for this scene and frame size."""
    fw, fh = settings.frame_width, settings.frame_height
    frame = Box(-fw / 2, -fh / 2, fw / 2, fh / 2).shrink(0.2)
    header, body = frame.split_top(0.5)
    if not settings.loss_curve:
        return _plots(settings, experiment, header, body)
    # Below the plots or right of them, whichever leaves the plots larger (ties: below).
    candidates = []
    for plots_box, curve in (
        body.split_top(body.height * (1 - CURVE_SHARE)),
        body.split_right(body.width * CURVE_SHARE),
    ):
        layout = _plots(settings, experiment, header, plots_box)
        candidates.append(_with_curve(layout, curve.shrink(0.1), len(experiment.optimizers)))
    return max(candidates, key=lambda c: c.panels[0].area.box.width)  # the first of equals


def _with_curve(layout: FigureLayout, curve: Box, n: int) -> FigureLayout:
    """The layout with the curve's panel and, when there is no legend, a colour key for it."""
    if layout.legend is not None:
        return replace(layout, curve=curve)
    if curve.width > 2 * curve.height:  # a wide strip: the key beside the curve
        rest, key = curve.split_right(min(3.6, curve.width * 0.35))
    else:
        key, rest = curve.split_top(0.36 * n + 0.1)
    return replace(layout, curve=rest, curve_key=key)


def _plots(
    settings: RenderSettings, experiment: Experiment, header: Box, body: Box
) -> FigureLayout:
    """The plots (and race's legend) in `body`."""
    window = experiment.surface.window
    aspect = (window.x_max - window.x_min) / (window.y_max - window.y_min)
    n = len(experiment.optimizers)

    def plot(box: Box) -> PlotArea:
        return PlotArea(box.fit(aspect) if settings.equal_scale else box, window)

    if settings.scene == "race":
        legend_width = min(4.0, body.width * 0.3)
        if body.width - legend_width >= body.height * aspect * 0.9:
            map_box, legend = body.split_right(legend_width)
        else:  # a narrow frame: the legend goes below the map
            legend_height = 0.45 * n + 0.2
            legend = Box(body.left, body.bottom, body.right, body.bottom + legend_height)
            map_box = Box(body.left, legend.top, body.right, body.top)
        return FigureLayout(
            (Panel(plot(map_box.shrink(0.1)), tuple(range(n)), None),), header, legend
        )

    title_height = 0.45
    words = LANGUAGES[settings.lang]
    title_width = max(
        text_width(words.label(optimizer), title_height * TITLE_SHARE)
        for optimizer in experiment.optimizers
    )
    rows, cols = best_grid(n, body, aspect, title_height, title_width)
    panels = []
    for i, cell in enumerate(body.grid(rows, cols)[:n]):
        inner = cell.shrink(0.08)
        fitted = plot(inner.split_top(title_height)[1]).box
        # The title sits on its plot, and the two are centred in the cell together.
        top = inner.center[1] + (title_height + fitted.height) / 2
        title_box = Box(inner.left, top - title_height, inner.right, top)
        plot_box = Box(
            fitted.left, top - title_height - fitted.height, fitted.right, top - title_height
        )
        panels.append(Panel(PlotArea(plot_box, window), (i,), title_box))
    return FigureLayout(tuple(panels), header, None)
