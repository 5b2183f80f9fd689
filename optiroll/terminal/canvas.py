"""The terminal picture as data: contour rings, trails, balls and a legend as rows of styled runs.

Nothing here writes to a terminal or knows the time: `render_frame` maps trajectory data to cells.
The plot uses braille characters, 2 x 4 dots per cell. A terminal cell is about twice as tall as
it is wide, so a dot is about square, and one data unit spans as many dots across as it does down.
Without colour the path must still stand out from the map: a contour lights one dot per cell (a
dotted ring that recedes), a trail at least two (a line), so no character is both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..optim.surfaces import Surface, Window
from ..optim.trajectory import Trajectory
from ..plan.contours import geometric_levels
from ..plan.layout import clip_segment
from ..plan.palette import run_colors
from ..plan.theme import DARK
from ..plan.words import ENGLISH

# A shape per ball as well, so the picture still reads without colour.
MARKERS = "●◆■▲▼★"
# The figures' landmarks: a minimum's "+" and a saddle point's diamond, named as their key names them.
MINIMUM_MARK, SADDLE_MARK = "+", "◇"
HINTS = "space pause/play · ←/→ step · q quit"
CONTOUR_LEVELS = 7  # few: a braille cell is coarse
MIN_COLS, MIN_PLOT_ROWS = 20, 3

# Bit of each dot (row 0-3, column 0-1) in a braille cell, U+2800 + the sum of the lit bits.
_BRAILLE_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.uint8)


def _at_least_two_dots() -> np.ndarray:
    """Mask -> mask with a lone dot joined by its neighbour above or below in the same cell."""
    table = np.arange(256, dtype=np.uint8)
    for row in range(4):
        for col in range(2):
            table[_BRAILLE_BITS[row, col]] |= _BRAILLE_BITS[row ^ 1, col]
    return table


_TRAIL_MASK = _at_least_two_dots()


class Ink(NamedTuple):
    """How a run of text looks: a colour (None: the terminal's own) and weight."""

    color: str | None = None
    bold: bool = False


PLAIN = Ink()
CONTOUR = Ink("grey50")
TITLE = Ink(None, bold=True)


@dataclass(frozen=True)
class Frame:
    """One screen: `rows` of (text, ink) runs, every row exactly `width` cells wide."""

    width: int
    rows: tuple[tuple[tuple[str, Ink], ...], ...]

    def lines(self) -> list[str]:
        """The screen as plain text, one string per row."""
        return ["".join(text for text, _ in row) for row in self.rows]

    def text(self) -> str:
        """The screen as plain text with trailing blanks removed, for a pipe."""
        return "\n".join(line.rstrip() for line in self.lines()) + "\n"


@dataclass(frozen=True)
class View:
    """The plot area's data-to-dot mapping: each dot is `scale` data units wide and tall."""

    x_left: float
    y_top: float
    scale: float
    cols: int
    rows: int

    @classmethod
    def fit(cls, window: Window, cols: int, rows: int) -> View:
        """The largest equal-scale view of `window` in cols x rows cells, centred."""
        width, height = 2 * cols, 4 * rows
        scale = max((window.x_max - window.x_min) / width, (window.y_max - window.y_min) / height)
        cx, cy = window.center
        return cls(cx - width * scale / 2, cy + height * scale / 2, scale, cols, rows)

    def dots(self, points: np.ndarray) -> np.ndarray:
        """Fractional dot coordinates (column, row) of data points (..., 2)."""
        x, y = np.moveaxis(np.asarray(points, dtype=np.float64), -1, 0)
        return np.stack([(x - self.x_left) / self.scale, (self.y_top - y) / self.scale], axis=-1)

    def cell(self, point: Sequence[float]) -> tuple[int, int] | None:
        """The (row, column) of the plot cell holding a data point, or None when outside."""
        col, row = np.floor(self.dots(np.asarray(point)))
        if not (0 <= col < 2 * self.cols and 0 <= row < 4 * self.rows):
            return None
        return int(row) // 4, int(col) // 2

    def dot_centres(self) -> np.ndarray:
        """Data coordinates of every dot centre, shaped (4 * rows, 2 * cols, 2)."""
        xs = self.x_left + (np.arange(2 * self.cols) + 0.5) * self.scale
        ys = self.y_top - (np.arange(4 * self.rows) + 0.5) * self.scale
        return np.stack(np.meshgrid(xs, ys), axis=-1)


def _one_dot_masks(lit: np.ndarray) -> np.ndarray:
    """(4 * rows, 2 * cols) booleans -> (rows, cols) braille masks of one dot per cell that has
    any: the lit dot nearest the middle of the cell's lit dots, so a ring keeps its place."""
    rows, cols = lit.shape[0] // 4, lit.shape[1] // 2
    cells = lit.reshape(rows, 4, cols, 2).transpose(0, 2, 1, 3).reshape(rows, cols, 8)
    dot_row, dot_col = np.divmod(np.arange(8), 2)
    count = cells.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        mid_row = (cells * dot_row).sum(axis=-1, keepdims=True) / count
        mid_col = (cells * dot_col).sum(axis=-1, keepdims=True) / count
    distance = np.where(cells, (dot_row - mid_row) ** 2 + (dot_col - mid_col) ** 2, np.inf)
    nearest = distance.argmin(axis=-1)
    masks = _BRAILLE_BITS[dot_row[nearest], dot_col[nearest]]
    return np.where(count[..., 0] > 0, masks, 0).astype(np.uint8)


def _trail_dots(view: View, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer dots (row, col) along the path, and where segment k's dots end (index k)."""
    width, height = 2 * view.cols, 4 * view.rows
    dots = view.dots(points)
    pieces, ends = [], [0]
    for p, q in zip(dots[:-1], dots[1:], strict=True):
        clipped = clip_segment(p, q, np.zeros(2), np.array([width, height]) - 1e-9)
        if clipped is not None:
            a, b = clipped
            n = int(np.ceil(np.abs(b - a).max())) + 1
            line = np.floor(np.linspace(a, b, n)).astype(np.int64)
            pieces.append(line[:, ::-1])
            ends.append(ends[-1] + n)
        else:
            ends.append(ends[-1])
    stacked = np.concatenate(pieces) if pieces else np.empty((0, 2), dtype=np.int64)
    stacked = np.clip(stacked, 0, [height - 1, width - 1])
    return stacked, np.array(ends)


class Canvas:
    """Everything about a picture that does not change with the step, for one terminal size."""

    def __init__(
        self,
        surface: Surface,
        trajectories: Sequence[Trajectory],
        cols: int,
        rows: int,
        hints: bool = True,
    ) -> None:
        self.surface, self.trajectories = surface, list(trajectories)
        # Each optimizer's own colour, as in the figures; the dark theme's, since most terminals are.
        self.colors = run_colors([t.optimizer.name for t in self.trajectories], DARK.background)
        self.steps = max(t.steps for t in self.trajectories)
        self.cols, self.rows, self.hints = cols, rows, hints
        self.landmarks = _landmarks(surface)
        self.key = _landmarks_key(self.landmarks)
        self.plot_rows = rows - 1 - len(self.trajectories) - bool(self.key) - hints
        self.fits = cols >= MIN_COLS and self.plot_rows >= MIN_PLOT_ROWS
        if not self.fits:
            return
        self.view = View.fit(surface.window, cols, self.plot_rows)
        self.contours = self._contour_masks()
        self.trails = [_trail_dots(self.view, t.points) for t in self.trajectories]

    def _contour_masks(self) -> np.ndarray:
        w = self.surface.window
        # Levels from the window, not from the visible area, so they stay put on resize.
        grid = np.stack(
            np.meshgrid(np.linspace(w.x_min, w.x_max, 101), np.linspace(w.y_min, w.y_max, 101)),
            axis=-1,
        )
        levels = geometric_levels(self.surface.value(grid), CONTOUR_LEVELS)
        with np.errstate(invalid="ignore", over="ignore"):
            band = np.searchsorted(levels, self.surface.value(self.view.dot_centres()))
        lit = np.zeros(band.shape, dtype=bool)
        lit[:, :-1] |= band[:, :-1] != band[:, 1:]
        lit[:-1, :] |= band[:-1, :] != band[1:, :]
        return _one_dot_masks(lit)

    def frame(self, step: int, status: str = "") -> Frame:
        """The screen after `step` updates; `status` (playing, paused) goes on the title line."""
        if not self.fits:
            need = f"enlarge the terminal to at least {MIN_COLS}x{self.rows - self.plot_rows + 3}"
            return _frame(self.cols, [[(need, PLAIN)]] + [[]] * (self.rows - 1))
        header = [
            (f"step {step}/{self.steps}", TITLE),
            (f"  {status}" if status else "", PLAIN),
            (f"   {self.surface.formula}   optiroll", CONTOUR),
        ]
        legend = [self._legend(i, step) for i in range(len(self.trajectories))]
        if self.key:
            legend.append(self.key)
        footer = [[(HINTS, CONTOUR)]] if self.hints else []
        return _frame(self.cols, [header, *self._plot(step), *legend, *footer])

    def _plot(self, step: int) -> list[list[tuple[str, Ink]]]:
        chars = np.full((self.plot_rows, self.cols), " ", dtype="<U1")
        inks = np.full((self.plot_rows, self.cols), -1, dtype=np.int64)  # -1 contour, else ball i
        masks = self.contours.copy()
        for i, (dots, ends) in enumerate(self.trails):
            seen = dots[: ends[min(step, len(ends) - 1)]]
            trail = np.zeros_like(masks)
            np.bitwise_or.at(
                trail,
                (seen[:, 0] // 4, seen[:, 1] // 2),
                _BRAILLE_BITS[seen[:, 0] % 4, seen[:, 1] % 2],
            )
            trail = _TRAIL_MASK[trail]
            # A trail cell shows only that trail's dots: one cell has one colour.
            masks = np.where(trail > 0, trail, masks)
            inks = np.where(trail > 0, i, inks)
        lit = masks > 0
        chars[lit] = np.vectorize(lambda m: chr(0x2800 + int(m)), otypes=["<U1"])(masks[lit])
        marks: dict[tuple[int, int], tuple[str, Ink]] = {}
        for mark, _, points in self.landmarks:
            for point in points:
                cell = self.view.cell(point)
                if cell is not None:
                    marks[cell] = (mark, TITLE)
        for i, traj in enumerate(self.trajectories):
            cell = self.view.cell(traj.points[min(step, len(traj.points) - 1)])
            if cell is not None:
                marks[cell] = (marker(i), Ink(self.colors[i], bold=True))
        rows = []
        for r in range(self.plot_rows):
            row = [
                (str(chars[r, c]), CONTOUR if inks[r, c] < 0 else Ink(self.colors[int(inks[r, c])]))
                for c in range(self.cols)
            ]
            for (mr, mc), mark in marks.items():
                if mr == r:
                    row[mc] = mark
            rows.append(row)
        return rows

    def _legend(self, i: int, step: int) -> list[tuple[str, Ink]]:
        traj = self.trajectories[i]
        if traj.diverged_at is not None and step >= traj.diverged_at:
            outcome = ENGLISH.diverged.format(step=traj.diverged_at)
        else:
            outcome = f"{ENGLISH.loss} {traj.losses[min(step, len(traj.losses) - 1)]:.4g}"
        label = ENGLISH.label(traj.optimizer)
        return [(marker(i), Ink(self.colors[i], bold=True)), (f" {label}  {outcome}", PLAIN)]


Landmark = tuple[str, str, list[tuple[float, float]]]  # mark, name, points inside the window


def _landmarks(surface: Surface) -> list[Landmark]:
    """The minima and saddle points inside the window, each kind with its mark and name."""
    w = surface.window
    found = []
    for mark, name, points in (
        (MINIMUM_MARK, ENGLISH.minimum, surface.minima),
        (SADDLE_MARK, ENGLISH.saddle, surface.saddles),
    ):
        inside = [(x, y) for x, y in points if w.x_min <= x <= w.x_max and w.y_min <= y <= w.y_max]
        if inside:
            found.append((mark, name, inside))
    return found


def _landmarks_key(landmarks: list[Landmark]) -> list[tuple[str, Ink]]:
    """The legend's line naming each landmark's mark, with its place when there is one."""
    key: list[tuple[str, Ink]] = []
    for mark, name, points in landmarks:
        where = f" ({points[0][0]:.4g}, {points[0][1]:.4g})" if len(points) == 1 else ""
        key += [("   " if key else "", PLAIN), (mark, TITLE), (f" {name}{where}", PLAIN)]
    return key


def marker(i: int) -> str:
    """The shape of ball i."""
    return MARKERS[i % len(MARKERS)]


def _frame(width: int, rows: Sequence[Sequence[tuple[str, Ink]]]) -> Frame:
    """Crop or pad each row to `width` cells and merge neighbouring runs of the same ink."""
    out = []
    for row in rows:
        runs: list[tuple[str, Ink]] = []
        used = 0
        for text, ink in [*row, (" " * width, PLAIN)]:
            text = text[: width - used]
            used += len(text)
            if not text:
                continue
            if runs and runs[-1][1] == ink:
                runs[-1] = (runs[-1][0] + text, ink)
            else:
                runs.append((text, ink))
        out.append(tuple(runs))
    return Frame(width, tuple(out))


def render_frame(
    surface: Surface,
    trajectories: Sequence[Trajectory],
    step: int,
    size: tuple[int, int],
    *,
    status: str = "",
    hints: bool = True,
) -> Frame:
    """The screen (cols, rows) = `size` after `step` updates of each trajectory."""
    return Canvas(surface, trajectories, *size, hints=hints).frame(step, status)
