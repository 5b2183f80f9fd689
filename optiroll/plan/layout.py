"""Where things go: panel grids, data-to-scene mapping, pixel rectangles and clipping. No Manim.

A figure fills its frame. Every arrangement a scene could use is laid out (compare: rows of
panels, each row as wide as the frame, one to six rows; race: the legend right of the map or
below it; the loss curve as one more panel of the grid, or beside or below the plots), and the
one that draws the surface's own window largest wins. The plots then take every unit of their
boxes: with one scale for x and y, a panel's data window grows about the surface's window to the
panel's shape (the contours simply continue), so the frame is never empty around a plot.

Text never shrinks below `axes.MIN_TEXT`: every line the layout places is TEXT tall and an
arrangement whose titles do not fit their panels (wrapped onto at most MAX_TITLE_LINES lines) is
not used. Axes take the room their y labels need left of a plot (at most GUTTER_LEFT; see
`axes.y_gutter`) and GUTTER_BOTTOM below it; plots side by side share their y ticks (only the
first of a row has a left gutter) and a plot with another right below it in the same column
shares its x ticks with it (only the lower one has a bottom gutter).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import numpy as np

from ..optim.experiment import Experiment
from ..optim.surfaces import Window
from . import tex_width
from .axes import GUTTER_BOTTOM, GUTTER_LEFT, TICK_TEXT, y_gutter
from .settings import RenderSettings
from .words import LANGUAGES, Words


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

    @property
    def area(self) -> float:
        return self.width * self.height

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

    def split_bottom(self, height: float) -> tuple[Box, Box]:
        """(the rest above, a strip of `height` at the bottom)."""
        cut = self.bottom + height
        return Box(self.left, cut, self.right, self.top), Box(
            self.left, self.bottom, self.right, cut
        )

    def fit(self, aspect: float) -> Box:
        """The largest centred box of width/height `aspect` inside this one."""
        w = min(self.width, self.height * aspect)
        h = w / aspect
        cx, cy = self.center
        return Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


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

    def path_to_scene(self, points: np.ndarray) -> np.ndarray:
        """A polyline (m, 2) of data points -> its scene points (a relief adds points between)."""
        return self.to_scene(points)


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


# Sizes in scene units (the frame is 8 tall at every quality).
MARGIN = 0.08  # around the frame
LINE = 0.34  # a line of text: the header, a title's line, a legend's entry
TITLE_SHARE = 0.74  # a line's glyphs fill this much of its height
TEXT = LINE * TITLE_SHARE  # every text the layout places: 15.1 px at 480 px tall, >= MIN_TEXT
GAP = 0.3  # between plots side by side (no tick label reaches past a plot's edges)
ROW_GAP = 0.1  # below a plot with no tick labels under it
HEADER_GAP = 0.05  # under the header, above a map
EDGE = 0.1  # right of the rightmost plot, for a tick label centred on its edge
# The plots (the loss curve's panel among them) cover at least this share of a 16:9 frame, and of
# a narrower one, when any arrangement does.
FILL_WIDE, FILL = 0.6, 0.5
# Of the arrangements that fill the frame so, the one drawing the surface's window largest wins,
# unless one drawing it at most this much smaller keeps more titles whole.
SCALE_SLACK = 0.15
CURVE_SHARES = (0.3, 0.4, 0.5)  # a loss curve beside or below the plots takes such a share of them
CURVE_MIN = (2.0, 1.0)  # the loss curve's plot at least: three decades' labels stacked, apart
MAX_TITLE_LINES = 2
# The surface's formula: digits this tall (13 px at 480 px tall, a little above the titles'),
# smaller where that lets it sit beside the counter, but never below a tick label's digits (those
# of 15 px type).
FORMULA_DIGIT = 0.22
FORMULA_MIN_DIGIT = TICK_TEXT
SPEED_MARK = "×8"  # the counter keeps room for the widest speed-up mark beside it
LEGEND_DOT = 0.72  # a legend dot's diameter, in text heights
LEGEND_SPACE = 0.2  # between a legend's dot and its text
LEGEND_COLUMN_GAP = 0.5
LEGEND_ROW_GAP = 0.9  # in text heights: one column (legend.py's spacing)
LEGEND_GRID_ROW_GAP = 0.6  # in text heights: several columns
LEGEND_PAD = (0.2, 0.1)  # the legend's box beyond its entries, across and up
TITLE_DOT = LEGEND_DOT * TEXT + LEGEND_SPACE  # a title's dot in its run's colour, its space


def text_width(text: str, height: float) -> float:
    """About how wide `text` is at height `height` (the tallest line of its group, descenders
    included): a little more than DejaVu Sans and NanumGothic measure, so a text never narrows."""
    return height * sum(0.95 if ord(char) >= 0x1100 else 0.62 for char in text)


def wrap(text: str, width: float, height: float, max_lines: int) -> tuple[str, ...] | None:
    """`text` on the fewest lines (split at spaces, as even as can be) that are each at most
    `width` wide at `height`, or None when even `max_lines` lines do not fit."""
    words = text.split(" ")
    for count in range(1, min(max_lines, len(words)) + 1):
        best = None
        for cuts in _cuts(len(words), count):
            lines = tuple(" ".join(words[a:b]) for a, b in zip(cuts, cuts[1:], strict=False))
            widest = max(text_width(line, height) for line in lines)
            if widest <= width and (best is None or widest < best[0]):
                best = (widest, lines)
        if best is not None:
            return best[1]
    return None


def _cuts(n: int, count: int) -> list[tuple[int, ...]]:
    """Every way to cut n words into `count` non-empty lines, as (0, ..., n) boundaries."""
    return [(0, *cuts, n) for cuts in itertools.combinations(range(1, n), count - 1)]


def landmark_name(words: Words, kind: str) -> str:
    """What a key calls a landmark (`landmarks.GLYPHS` names: start, minimum, saddle)."""
    return {"start": words.start, "minimum": words.minimum, "saddle": words.saddle}[kind]


def legend_size(texts: list[str], columns: int, height: float = TEXT) -> tuple[float, float]:
    """(width, height) a legend of `texts` in `columns` needs at text `height` (see legend.py)."""
    rows = math.ceil(len(texts) / columns)
    widths = [LEGEND_DOT * height + LEGEND_SPACE + text_width(t, height) for t in texts]
    columns_width = [max(widths[c::columns]) for c in range(columns)]
    gap = LEGEND_ROW_GAP if columns == 1 else LEGEND_GRID_ROW_GAP
    return (
        sum(columns_width) + (columns - 1) * LEGEND_COLUMN_GAP + LEGEND_PAD[0],
        rows * height + (rows - 1) * gap * height + LEGEND_PAD[1],
    )


def legend_columns(texts: list[str], width: float) -> int | None:
    """The most columns (the fewest rows) of a legend of `texts` at most `width` wide; None when
    not even one column fits."""
    fitting = [c for c in range(1, len(texts) + 1) if legend_size(texts, c)[0] <= width]
    return max(fitting) if fitting else None


@dataclass(frozen=True)
class Panel:
    """One plot on screen: its area, the runs drawn in it, and its title.

    Axes, when the figure has them, go outside `area.box`: the y ticks' labels and name in the
    layout's `gutter_left` left of it when `y_labels`, the x ticks' in the GUTTER_BOTTOM below it
    when `x_labels`. A panel without them shows the same ticks as its neighbour on the left (y) or
    below (x), which labels them.
    """

    area: PlotArea
    runs: tuple[int, ...]
    title_box: Box | None
    title: tuple[str, ...] = ()  # the title's lines, left-aligned in `title_box`, TEXT tall
    x_labels: bool = True
    y_labels: bool = True


@dataclass(frozen=True)
class FigureLayout:
    """Everything a figure places: the panels, one header row, the legend and the loss curve.

    The header row holds the step counter at its right end (`counter`, with room for the speed-up
    mark) and, left of it, the "not to scale" `note`, single's title (its panel's `title_box`)
    and the surface's `formula`, with digits FORMULA_DIGIT tall or down to FORMULA_MIN_DIGIT
    where that fits; when even that does not fit beside them it takes a line of its own under
    them. With a loss curve and no legend, each panel's title begins with a dot in its
    run's colour (`title_dots`): the titles are the curve's key.
    """

    panels: tuple[Panel, ...]
    header: Box
    counter: Box
    formula: Box
    note: Box | None = None
    legend: Box | None = None
    legend_texts: tuple[str, ...] = ()  # an entry per run, TEXT tall
    legend_columns: int = 1
    # The landmarks the legend explains after the runs (`landmarks.GLYPHS` names), rather than
    # the header: the kinds the surface has, those the plot shows among them.
    legend_marks: tuple[str, ...] = ()
    curve: Box | None = None  # the loss curve's panel (its axes and labels inside)
    title_dots: bool = False
    # A formula too long even for a line of its own, in pieces of its LaTeX and their boxes: the
    # first beside the counter, the rest under it, the last in `formula`.
    formula_lines: tuple[tuple[str, Box], ...] = ()
    gutter_left: float = GUTTER_LEFT  # left of a plot that labels its y ticks, for them

    def plot_boxes(self) -> list[Box]:
        """Every plot's box: the panels', and the loss curve's plot inside its panel."""
        boxes = [panel.area.box for panel in self.panels]
        if self.curve is not None:
            # loss_axes lays the curve's axes out inside its panel (and imports this module).
            from .loss_axes import BOTTOM_MARGIN, LEFT_MARGIN, RIGHT_MARGIN, TOP_MARGIN

            c = self.curve
            boxes.append(
                Box(
                    c.left + LEFT_MARGIN,
                    c.bottom + BOTTOM_MARGIN,
                    c.right - RIGHT_MARGIN,
                    c.top - TOP_MARGIN,
                )
            )
        return boxes

    def coverage(self, frame_width: float, frame_height: float) -> float:
        """The share of the frame the plots cover (the loss curve's plot counts as one)."""
        return sum(b.area for b in self.plot_boxes()) / (frame_width * frame_height)


def layout_figure(settings: RenderSettings, experiment: Experiment) -> FigureLayout:
    """Where each panel, title, legend, the loss curve and the counter go for this scene and size."""
    figure = _Figure.of(settings, experiment)
    candidates = figure.candidates()
    if settings.axes:
        # Laid out again with y gutters as wide as the widest labels of those arrangements need
        # (a wider plot keeps or narrows its y range), each kept if its own labels fit.
        needed = [_y_gutter(c.layout) for c in candidates if c.fits]
        tight = replace(figure, gutter_left=max(needed, default=GUTTER_LEFT))
        candidates += [c for c in tight.candidates() if _y_gutter(c.layout) <= tight.gutter_left]
    fill = FILL_WIDE if settings.width / settings.height >= 16 / 9 - 0.01 else FILL
    fitting = [c for c in candidates if c.fits] or candidates
    full = [c for c in fitting if c.coverage >= fill]
    largest = max(c.scale for c in full or fitting)
    near = [c for c in full or fitting if c.scale >= largest * (1 - SCALE_SLACK)]
    if not full:  # (none of the presets' figures): the fullest of those
        return max(near, key=lambda c: (c.coverage, c.scale)).layout
    return max(near, key=lambda c: (-c.shortened, c.scale, c.coverage)).layout


def _y_gutter(layout: FigureLayout) -> float:
    """The widest room the labelled y axes of `layout`'s panels take."""
    return max(
        (
            y_gutter(p.area.window.y_min, p.area.window.y_max, p.area.box.height)
            for p in layout.panels
            if p.y_labels and p.area.box.height > 0
        ),
        default=0.0,
    )


@dataclass(frozen=True)
class _Candidate:
    layout: FigureLayout
    scale: float  # scene units per data unit of the surface's window, in the smallest panel
    coverage: float  # FigureLayout.coverage
    fits: bool  # every text at TEXT
    shortened: int  # titles or legend entries without the values at their defaults


@dataclass(frozen=True)
class _Header:
    box: Box
    counter: Box
    formula: Box
    note: Box | None
    title: Box | None  # single's title
    formula_lines: tuple[tuple[str, Box], ...] = ()


@dataclass(frozen=True)
class _Figure:
    """What the layout depends on: the frame, the surface's window and the texts to place."""

    settings: RenderSettings
    window: Window
    frame: Box
    labels: tuple[str, ...]  # each run's label: compare's titles, race's legend
    short_labels: tuple[str, ...]  # without the values at their defaults: when there is no room
    counter_width: float
    note_width: float | None
    formula: tuple[float, float]  # (width, height) of the formula at its smallest
    latex: str  # the formula's
    marks: tuple[str, ...]  # the landmarks a plot of the surface may mark: start, minimum, saddle
    mark_words: tuple[str, ...]  # their names in the key
    gutter_left: float = GUTTER_LEFT

    @classmethod
    def of(cls, settings: RenderSettings, experiment: Experiment) -> _Figure:
        words = LANGUAGES[settings.lang]
        fw, fh = settings.frame_width, settings.frame_height
        steps = experiment.steps
        counter = f"{SPEED_MARK} {words.counter(steps, steps)}"
        note = None if settings.equal_scale else text_width(words.not_to_scale, TEXT) + 0.1
        surface = experiment.surface
        marks = (
            "start",
            *(["minimum"] if surface.minima else []),
            *(["saddle"] if surface.saddles else []),
        )
        return cls(
            settings=settings,
            window=experiment.surface.window,
            frame=Box(-fw / 2, -fh / 2, fw / 2, fh / 2).shrink(MARGIN),
            labels=tuple(words.label(o) for o in experiment.optimizers),
            short_labels=tuple(words.label(o, short=True) for o in experiment.optimizers),
            counter_width=text_width(counter, TEXT) + 0.1,
            note_width=note,
            formula=(
                tex_width.width(experiment.surface.latex, FORMULA_MIN_DIGIT),
                max(LINE, tex_width.height(experiment.surface.latex, FORMULA_MIN_DIGIT)),
            ),
            latex=experiment.surface.latex,
            marks=marks,
            mark_words=tuple(landmark_name(words, kind) for kind in marks),
        )

    def header(self, title: tuple[str, ...] = ()) -> _Header:
        """The header: the counter at the right of its first line; left of it the note, the
        `title`'s lines (single's) and the formula, or the formula on a line of its own below.
        The formula's line is as tall as the formula at its smallest digits (a fraction makes
        it taller than a line of text)."""
        f = self.frame
        lines = max(1, len(title))
        counter = Box(f.right - self.counter_width, f.top - LINE, f.right, f.top)
        left, note, title_box = f.left, None, None
        if self.note_width is not None:
            note = Box(left, f.top - LINE, left + self.note_width, f.top)
            left = note.right + GAP
        if title:
            title_box = Box(left, f.top - lines * LINE, counter.left - GAP, f.top)
            left += max(text_width(line, TEXT) for line in title) + GAP
        width, height = self.formula
        formula = Box(left, f.top - height, counter.left - GAP, f.top)
        bottom = min(f.top - lines * LINE, formula.bottom)
        wrapped: tuple[tuple[str, Box], ...] = ()
        if formula.width < width:
            bottom = f.top - lines * LINE
            formula = Box(f.left, bottom - height, f.right, bottom)
            if width > formula.width:
                wrapped = self._wrapped_formula(Box(left, 0, counter.left - GAP, f.top), bottom)
                formula = wrapped[-1][1] if wrapped else formula
            bottom = formula.bottom
        header = Box(f.left, bottom, f.right, f.top)
        return _Header(header, counter, formula, note, title_box, wrapped)

    def _wrapped_formula(self, first: Box, below: float) -> tuple[tuple[str, Box], ...]:
        """The formula on two lines at its smallest digits or larger: the first from `first`'s
        left to its right (beside the counter), the second under it and `below`, the frame's
        width; cut where the digits come out largest, and only where the two lines take no more
        height than the counter's line and a line of the whole formula. () when no cut fits."""
        f, latex = self.frame, self.latex
        parts = tex_width.pieces(latex)
        best = None
        for k in range(1, len(parts)):
            a, b = "".join(parts[:k]), "".join(parts[k:])
            wa, wb = (tex_width.width(p, FORMULA_MIN_DIGIT) for p in (a, b))
            ha, hb = (max(LINE, tex_width.height(p, FORMULA_MIN_DIGIT)) for p in (a, b))
            top = min(f.top - ha, below)
            taller = (f.top - top + hb) - (f.top - below + self.formula[1]) > 1e-9
            if wa > first.width or wb > f.width or taller:
                continue
            room = min(first.width / wa, f.width / wb)
            if best is None or room > best[0]:
                lines = (
                    (a, Box(first.left, f.top - ha, first.right, f.top)),
                    (b, Box(f.left, top - hb, f.right, top)),
                )
                best = (room, lines)
        return best[1] if best else ()

    def header_room(self) -> Box:
        """Single's room for its title: the header's first line left of the counter."""
        f = self.frame
        left = f.left if self.note_width is None else f.left + self.note_width + GAP
        return Box(left, f.top - LINE, f.right - self.counter_width - GAP, f.top)

    def title(
        self, run: int, width: float, shorten: bool, lines: int = MAX_TITLE_LINES
    ) -> tuple[tuple[str, ...], bool] | None:
        """(run's title in lines at most `width` wide, whether it is shortened), or None: its
        label on one line, else (`shorten`) without the values at their defaults on one line,
        else wrapped onto more lines, up to `lines`."""
        for count in range(1, lines + 1):
            for label in (self.labels[run], self.short_labels[run])[: 1 + shorten]:
                wrapped = wrap(label, width, TEXT, count)
                if wrapped is not None:
                    return wrapped, label != self.labels[run]
        return None

    @property
    def gutters(self) -> tuple[float, float]:
        """(left, bottom) room for axes."""
        return (self.gutter_left, GUTTER_BOTTOM) if self.settings.axes else (0.0, ROW_GAP)

    def candidates(self) -> list[_Candidate]:
        """Every arrangement this scene could use."""
        if self.settings.scene == "race":
            return self.race_layouts()
        if self.settings.scene == "single":
            return self.single_layouts()
        return self.compare_layouts()

    # compare ------------------------------------------------------------------------------

    def compare_layouts(self) -> list[_Candidate]:
        """Rows of panels (the loss curve one of them), or the plots beside or above the curve."""
        n, curve = len(self.labels), self.settings.loss_curve
        header = self.header()
        f = self.frame
        body = Box(f.left, f.bottom, f.right, header.box.bottom)
        found = [
            layout
            for rows in range(1, n + curve + 1)
            for shorten in (False, True)
            for layout in [self._grid(header, body, _rows(n + curve, rows), curve, shorten)]
        ]
        if not curve:
            return found
        for share in CURVE_SHARES:
            for area, strip in (
                body.split_bottom(body.height * share),
                body.split_right(body.width * share),
            ):
                for rows in range(1, n + 1):
                    for shorten in (False, True):
                        candidate = self._grid(header, area, _rows(n, rows), False, shorten)
                        layout = replace(candidate.layout, curve=strip)
                        found.append(self._finish(layout, candidate.fits, candidate.shortened))
        return found

    def _grid(
        self, header: _Header, area: Box, counts: list[int], curve_cell: bool, shorten: bool
    ) -> _Candidate:
        """Rows of `counts` cells in `area`, a panel in each; with `curve_cell`, the loss curve's
        panel takes the first row's last cell, under the counter. A row's titles take as many
        lines as its longest needs (shortened first when `shorten`). A panel labels its x ticks
        only when no panel sits right below it, in the same column: that one labels them."""
        gutter_left, gutter_bottom = self.gutters
        # Across: each row's cells as (x, plot width, the room for its title; None: the curve).
        rows: list[list[tuple[float, float, float | None]]] = []
        for r, count in enumerate(counts):
            left = area.left + gutter_left
            width = (area.right - EDGE - left - (count - 1) * GAP) / count
            curve_at = count - 1 if curve_cell and r == 0 else None
            cells = []
            for j in range(count):
                # A title may reach over the gap, but for half of it before the curve's panel.
                after = GAP / 2 if j + 1 == curve_at else GAP if j < count - 1 else EDGE
                room = None if j == curve_at else width + after
                cells.append((left + j * (width + GAP), width, room))
            rows.append(cells)
        dot = TITLE_DOT if self.settings.loss_curve else 0.0
        row_titles = [
            [self.title(i, room - dot, shorten) for i, room in rooms.items()]
            for rooms in _numbered(rows)
        ]
        titles = [t for row in row_titles for t in row]
        lines = [max((len(t[0]) for t in row if t), default=1) for row in row_titles]
        labelled = [
            [
                self.settings.axes and room is not None and not _panel_below(x, w, rows[r + 1 :])
                for x, w, room in row
            ]
            for r, row in enumerate(rows)
        ]
        below = [gutter_bottom if any(row) else ROW_GAP for row in labelled]
        plot_height = (area.height - sum(lines) * LINE - sum(below)) / len(counts)
        fits = plot_height > 0 and all(t is not None for t in titles)
        panels: list[Panel] = []
        curve, y = None, area.top
        for r, row in enumerate(rows):
            plot_top = y - lines[r] * LINE
            plot_bottom = plot_top - plot_height
            for j, (x, width, room) in enumerate(row):
                if room is None:
                    before = gutter_left if j == 0 else GAP / 2
                    curve = Box(x - before, plot_bottom - below[r], area.right, y)
                    continue
                i = len(panels)
                title = titles[i]
                panels.append(
                    Panel(
                        PlotArea(Box(x, plot_bottom, x + width, plot_top), self.window),
                        (i,),
                        Box(x, plot_top, x + room, y),
                        title[0] if title else (self.labels[i],),
                        x_labels=labelled[r][j],
                        y_labels=self.settings.axes and j == 0,
                    )
                )
            y = plot_bottom - below[r]
        layout = FigureLayout(
            tuple(panels),
            header.box,
            header.counter,
            header.formula,
            note=header.note,
            formula_lines=header.formula_lines,
            curve=curve,
            title_dots=self.settings.loss_curve,
        )
        shortened = sum(1 for t in titles if t is not None and t[1])
        return self._finish(layout, fits, shortened)

    # race and single ----------------------------------------------------------------------

    def race_layouts(self) -> list[_Candidate]:
        """The map with its legend right of it or below it; with a loss curve right of the map or
        below it, the legend may also go under the curve, whose colours it names too. After the
        runs, the legend explains the landmarks (in every arrangement, so always there)."""
        header = self.header()
        f = self.frame
        body = Box(f.left, f.bottom, f.right, header.box.bottom - HEADER_GAP)
        splits: list[tuple[Box, Box | None]] = [(body, None)]
        if self.settings.loss_curve:
            splits = [
                split
                for share in CURVE_SHARES
                for split in (
                    body.split_bottom(body.height * share),
                    body.split_right(body.width * share),
                )
            ]
        found = []
        for texts in {self.labels, self.short_labels}:
            shortened = sum(a != b for a, b in zip(texts, self.labels, strict=True))
            entries = [*texts, *self.mark_words]
            width, height = legend_size(entries, 1)
            for plots, curve in splits:
                places = []  # (map, legend, its columns, curve)
                if width < plots.width / 2:
                    rest, column = plots.split_right(width)
                    places.append((rest, column, 1, curve))
                columns = legend_columns(entries, plots.width)
                if columns is not None:
                    rest, strip = plots.split_bottom(legend_size(entries, columns)[1])
                    places.append((rest, strip, columns, curve))
                if curve is not None and width <= curve.width:
                    rest, strip = curve.split_bottom(height)
                    places.append((plots, strip, 1, rest))
                for area, legend, columns, curve_box in places:
                    layout = FigureLayout(
                        (self._map(area, tuple(range(len(texts)))),),
                        header.box,
                        header.counter,
                        header.formula,
                        note=header.note,
                        formula_lines=header.formula_lines,
                        legend=legend,
                        legend_texts=texts,
                        legend_columns=columns,
                        legend_marks=self.marks,
                        curve=curve_box,
                    )
                    found.append(self._finish(layout, True, shortened))
        return found

    def single_layouts(self) -> list[_Candidate]:
        """The title in the header beside the counter (wrapped when it must be), the map."""
        title = self.title(0, self.header_room().width, shorten=False)
        header = self.header(title[0] if title else (self.labels[0],))
        f = self.frame
        body = Box(f.left, f.bottom, f.right, header.box.bottom - HEADER_GAP)
        panel = replace(
            self._map(body, (0,)),
            title_box=header.title,
            title=title[0] if title else (self.labels[0],),
        )
        layout = FigureLayout(
            (panel,),
            header.box,
            header.counter,
            header.formula,
            note=header.note,
            formula_lines=header.formula_lines,
        )
        return [self._finish(layout, title is not None, 0)]

    def _map(self, area: Box, runs: tuple[int, ...]) -> Panel:
        """One plot filling `area` but for its gutters."""
        gutter_left, gutter_bottom = self.gutters
        box = Box(area.left + gutter_left, area.bottom + gutter_bottom, area.right - EDGE, area.top)
        axes = self.settings.axes
        return Panel(PlotArea(box, self.window), runs, None, x_labels=axes, y_labels=axes)

    # windows and scores --------------------------------------------------------------------

    def _finish(self, layout: FigureLayout, fits: bool, shortened: int) -> _Candidate:
        """The candidate, every panel's window grown to its box at one common scale."""
        s, w = self.settings, self.window
        layout = replace(layout, gutter_left=self.gutters[0])
        width, height = w.x_max - w.x_min, w.y_max - w.y_min
        if any(b.width <= 0 or b.height <= 0 for b in layout.plot_boxes()):
            return _Candidate(layout, 0.0, 0.0, False, shortened)
        if layout.curve is not None:
            curve = layout.plot_boxes()[-1]
            fits = fits and curve.width >= CURVE_MIN[0] and curve.height >= CURVE_MIN[1]
        boxes = [panel.area.box for panel in layout.panels]
        scale = min(min(b.width / width, b.height / height) for b in boxes)
        if s.equal_scale:
            cx, cy = w.center
            panels = tuple(
                replace(
                    p,
                    area=PlotArea(
                        p.area.box,
                        Window(
                            cx - p.area.box.width / scale / 2,
                            cx + p.area.box.width / scale / 2,
                            cy - p.area.box.height / scale / 2,
                            cy + p.area.box.height / scale / 2,
                        ),
                    ),
                )
                for p in layout.panels
            )
            layout = replace(layout, panels=panels)
        coverage = layout.coverage(s.frame_width, s.frame_height)
        return _Candidate(layout, scale, coverage, fits, shortened)


def _numbered(rows: list[list[tuple[float, float, float | None]]]) -> list[dict[int, float]]:
    """Per row, each panel's title room by the panel's number (the curve's cell has none)."""
    numbered, i = [], 0
    for row in rows:
        rooms = {}
        for _, _, room in row:
            if room is not None:
                rooms[i] = room
                i += 1
        numbered.append(rooms)
    return numbered


def _panel_below(
    x: float, width: float, rows: list[list[tuple[float, float, float | None]]]
) -> bool:
    """Whether the first of `rows` has a panel right below the cell at `x`, `width` wide."""
    return any(
        room is not None and math.isclose(left, x) and math.isclose(w, width)
        for row in rows[:1]
        for left, w, room in row
    )


def _rows(cells: int, rows: int) -> list[int]:
    """Cells per row, as even as can be, fuller rows first: 5 in two rows are [3, 2]."""
    return [cells // rows + (r < cells % rows) for r in range(rows)]
