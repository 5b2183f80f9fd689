"""The sweep figure's still as SVG, written from the data: no Manim, no PyAV, no Pillow.

The same figure as `render sweep -f png` (laid out by `plan/sweep_figure.py`, in the blog GIF's
854x480 as its size): each map's cells and the colour bar are PNG images inside the SVG (drawn
pixel for pixel, as the GIF draws them; a few kilobytes each, where a rectangle per cell would
take hundreds), everything else is vector: frames, ticks, words, the surface's contours and each
map's best cell's path.
"""

from __future__ import annotations

import base64
import struct
import zlib
from html import escape
from pathlib import Path

import numpy as np

from ..optim.sweep import Sweep
from ..plan.axes import TICK_GAP, TICK_LENGTH, TICK_TEXT, axis_ticks, tick_text
from ..plan.contours import contour_resolution, contours
from ..plan.layout import GAP, LINE, TEXT, Box, PlotArea, clip_polyline, text_width
from ..plan.palette import run_colors
from ..plan.settings import RenderSettings
from ..plan.study_words import STUDY_WORDS
from ..plan.sweep_figure import (
    KEY_GAP,
    KEY_SWATCH,
    SweepFigure,
    axis_name,
    axis_ticks_of,
    figure_of,
    key_texts,
    not_reached,
    raster,
    title_text,
)
from ..plan.theme import ColorScheme, theme
from ..plan.words import LANGUAGES
from ..writes import write_text_atomically
from .data import formula_text

FONT = "DejaVu Sans, NanumGothic, Noto Sans CJK KR, sans-serif"
# DejaVu Sans, in em: how far a text's glyphs reach above its baseline (ascenders and capitals,
# else the x-height) and below it (descenders). Manim sizes a Text by that box, the layout's
# heights are such boxes, so a text's font size is its height over its box.
ASCENT, X_HEIGHT, DESCENT = 0.76, 0.55, 0.24
LOW = set("abcegmnorsuvwxz .,:=+−-")  # glyphs within the x-height
DESCENDERS = set("gjpqy,()")
CONTOUR_SHADES = 3
STROKE = 0.01  # Manim's stroke widths are hundredths of a scene unit


def write_svg(result: Sweep, target: Path, settings: RenderSettings) -> None:
    """Draw the maps of `result` as `settings` lays them out (theme, language, size) to
    `target`, atomically."""
    write_text_atomically(target, svg(figure_of(settings, result), settings))


def png(pixels: np.ndarray) -> bytes:
    """(h, w, 3) uint8 as a PNG file: one IDAT, no filter."""
    height, width = pixels.shape[:2]
    rows = b"".join(b"\0" + pixels[r].tobytes() for r in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


class _Canvas:
    """SVG elements in the frame's pixels, placed in scene units (y up, origin at the centre)."""

    def __init__(self, settings: RenderSettings, scheme: ColorScheme):
        self.settings, self.scheme = settings, scheme
        self.unit = settings.height / settings.frame_height
        self.parts: list[str] = []

    def x(self, value: float) -> float:
        return round((value + self.settings.frame_width / 2) * self.unit, 2)

    def y(self, value: float) -> float:
        return round((self.settings.frame_height / 2 - value) * self.unit, 2)

    def size(self, value: float) -> float:
        return round(value * self.unit, 2)

    def text(self, x: float, y: float, words: str, *, height: float = TEXT, color: str = "",
             anchor: str = "start", middle: bool = True, digits: bool = False) -> None:  # fmt: skip
        """`words` with its left (anchor start), centre or right end at x; its box's middle at y
        (`middle`), else its top; sized as Manim sizes a text `height` tall (`digits`: sized as
        the digits beside it, as tick labels and axis names are)."""
        above = X_HEIGHT if set(words) <= LOW and not digits else ASCENT
        below = DESCENT if DESCENDERS & set(words) and not digits else 0.0
        size = height / (above + below)
        base = (y - height / 2 if middle else y - height) + below * size
        self.parts.append(
            f'<text x="{self.x(x)}" y="{self.y(base)}" font-size="{self.size(size)}" '
            f'fill="{color or self.scheme.text}" text-anchor="{anchor}">{escape(words)}</text>'
        )

    def image(self, box: Box, pixels: np.ndarray) -> None:
        data = base64.b64encode(png(pixels)).decode()
        self.parts.append(
            f'<image x="{self.x(box.left)}" y="{self.y(box.top)}" width="{self.size(box.width)}" '
            f'height="{self.size(box.height)}" preserveAspectRatio="none" '
            f'style="image-rendering:pixelated" href="data:image/png;base64,{data}"/>'
        )

    def rect(self, box: Box, stroke: str, width: float) -> None:
        self.parts.append(
            f'<rect x="{self.x(box.left)}" y="{self.y(box.top)}" width="{self.size(box.width)}" '
            f'height="{self.size(box.height)}" fill="none" stroke="{stroke}" '
            f'stroke-width="{self.size(width * STROKE)}"/>'
        )

    def line(self, points: np.ndarray, stroke: str, width: float, *, extra: str = "") -> None:
        """A polyline through scene points (n, 2)."""
        text = " ".join(f"{self.x(px)},{self.y(py)}" for px, py in points)
        self.parts.append(
            f'<polyline points="{text}" fill="none" stroke="{stroke}" '
            f'stroke-width="{self.size(width * STROKE)}" stroke-linejoin="round" '
            f'stroke-linecap="round"{extra}/>'
        )

    def circle(self, x: float, y: float, radius: float, fill: str, stroke: str = "none") -> None:
        self.parts.append(
            f'<circle cx="{self.x(x)}" cy="{self.y(y)}" r="{self.size(radius)}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{self.size(2.4 * STROKE)}"/>'
        )

    def document(self) -> str:
        w, h = self.settings.width, self.settings.height
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" font-family="{FONT}">'
            f'<rect width="{w}" height="{h}" fill="{self.scheme.background}"/>'
            + "".join(self.parts)
            + "</svg>\n"
        )


def svg(figure: SweepFigure, settings: RenderSettings) -> str:
    """The figure's still: its last frame, every map's best cell framed and its path drawn."""
    scheme = theme(settings.theme)
    canvas = _Canvas(settings, scheme)
    result, layout, lang = figure.sweep, figure.layout, settings.lang
    words = LANGUAGES[lang]
    colors = run_colors([m.optimizer.name for m in result.maps], scheme.background)
    header = layout.header
    canvas.text(header.left, header.center[1], title_text(result, lang))
    surface = result.experiment.surface
    after = header.left + text_width(title_text(result, lang), TEXT) + GAP
    canvas.text(after, header.center[1], formula_text(surface.formula))
    canvas.text(layout.readout.right, header.center[1], STUDY_WORDS[lang].best, anchor="end")
    for index, (panel, m) in enumerate(zip(layout.maps, result.maps, strict=True)):
        box = panel.box
        canvas.image(box, raster(figure.colors[index], *_pixels(canvas, box), scheme))
        canvas.rect(box, scheme.frame, 1.6)
        title = panel.title
        canvas.circle(title.left + TEXT * 0.36, title.center[1], TEXT * 0.36, colors[index])
        canvas.text(title.left + TEXT + 0.15, title.center[1], words.name(m.optimizer))
        _map_axis(canvas, box, m.x, horizontal=True, labelled=panel.x_labels, lang=lang)
        if m.y is not None:
            _map_axis(canvas, box, m.y, horizontal=False, labelled=True, lang=lang)
        best = figure.best[index]
        if best is not None:
            canvas.rect(_cell_frame(box, m.shape, *best), scheme.background, 10.0)
            canvas.rect(_cell_frame(box, m.shape, *best), scheme.text, 4.0)
    _bar(canvas, figure)
    _key(canvas, figure, lang)
    _surface(canvas, figure, colors)
    return canvas.document()


def _pixels(canvas: _Canvas, box: Box) -> tuple[int, int]:
    return max(1, round(canvas.size(box.width))), max(1, round(canvas.size(box.height)))


def _cell_frame(box: Box, shape: tuple[int, int], row: int, column: int) -> Box:
    """The highlight's square around a cell, three cells wide, kept inside the map (as the
    animation's last frame draws it)."""
    rows, columns = shape
    half_w = min(1.5 * box.width / columns, box.width / 2)
    half_h = min(1.5 * box.height / rows, box.height / 2)
    x = min(
        max(box.left + (column + 0.5) * box.width / columns, box.left + half_w), box.right - half_w
    )
    y = min(
        max(box.bottom + (row + 0.5) * box.height / rows, box.bottom + half_h), box.top - half_h
    )
    return Box(x - half_w, y - half_h, x + half_w, y + half_h)


def _map_axis(
    canvas: _Canvas, box: Box, axis, *, horizontal: bool, labelled: bool, lang: str
) -> None:
    scheme = canvas.scheme
    length = box.width if horizontal else box.height
    for at, label in axis_ticks_of(axis, length, vertical=not horizontal):
        if horizontal:
            x = box.left + at
            canvas.line(
                np.array([[x, box.bottom], [x, box.bottom - TICK_LENGTH]]), scheme.frame, 1.6
            )
            if labelled:
                canvas.text(x, box.bottom - TICK_LENGTH - TICK_GAP, label, height=TICK_TEXT, digits=True,
                            color=scheme.muted_text, anchor="middle", middle=False)  # fmt: skip
        else:
            y = box.bottom + at
            canvas.line(np.array([[box.left, y], [box.left - TICK_LENGTH, y]]), scheme.frame, 1.6)
            canvas.text(box.left - TICK_LENGTH - TICK_GAP, y, label, height=TICK_TEXT, digits=True,
                        color=scheme.muted_text, anchor="end")  # fmt: skip
    if labelled:
        name = axis_name(axis.name, lang)
        if horizontal:
            canvas.text(box.right, box.bottom - TICK_LENGTH - TICK_GAP, name, height=TICK_TEXT, digits=True,
                        color=scheme.muted_text, anchor="end", middle=False)  # fmt: skip
        else:
            canvas.text(box.left - TICK_LENGTH - TICK_GAP, box.top - TICK_GAP, name,
                        height=TICK_TEXT, digits=True, color=scheme.muted_text, anchor="end", middle=False)  # fmt: skip


def _bar(canvas: _Canvas, figure: SweepFigure) -> None:
    box, scale, scheme = figure.layout.bar, figure.scale, canvas.scheme
    width, height = _pixels(canvas, box)
    at = np.linspace(1, 0, height)
    span = scale.high - scale.low
    scores = 10 ** (scale.low + at * span) if scale.log else scale.low + at * span
    colors = np.repeat(scale.colors(scores)[:, None, :], width, axis=1)
    canvas.image(box, np.round(colors * 255).astype(np.uint8))
    for position, label in scale.ticks():
        y = box.bottom + position * box.height
        canvas.line(np.array([[box.right, y], [box.right + TICK_LENGTH, y]]), scheme.frame, 1.6)
        canvas.text(box.right + TICK_LENGTH + TICK_GAP, y, label, height=TICK_TEXT, digits=True,
                    color=scheme.muted_text)  # fmt: skip


def _key(canvas: _Canvas, figure: SweepFigure, lang: str) -> None:
    box, scheme = figure.layout.key, canvas.scheme
    swatch = max(2, round(canvas.size(KEY_SWATCH)))
    pictures = [
        raster(np.full((1, 1, 3), np.nan), swatch, swatch, scheme),
        raster(np.full((1, 1, 3), not_reached(scheme)), swatch, swatch, scheme),
    ]
    for k, (picture, words) in enumerate(
        zip(pictures, key_texts(figure.sweep, lang), strict=False)
    ):
        y = box.top - (k + 0.5) * LINE
        canvas.image(
            Box(box.left, y - KEY_SWATCH / 2, box.left + KEY_SWATCH, y + KEY_SWATCH / 2), picture
        )
        canvas.text(box.left + KEY_SWATCH + KEY_GAP, y, words)


def _surface(canvas: _Canvas, figure: SweepFigure, colors: list[str]) -> None:
    """The surface panel: contours, frame, ticks, the start ring, each best cell's path and
    ball, the minima's + above them."""
    scheme = canvas.scheme
    experiment = figure.sweep.experiment
    surface, box = experiment.surface, figure.layout.surface
    area = PlotArea(box, surface.window)
    found = contours(surface, area.window, contour_resolution(canvas.size(box.width)))
    shades = _shades(scheme)
    for i, lines in enumerate(found.lines):
        shade = shades[round(i / max(1, len(found.lines) - 1) * (len(shades) - 1))]
        for line in lines:
            canvas.line(area.to_scene(line)[:, :2], shade, 1.6)
    canvas.rect(box, scheme.frame, 1.6)
    window = area.window
    for value in axis_ticks(window.x_min, window.x_max, box.width):
        x = area.to_scene(np.array([value, window.y_min]))[0]
        canvas.line(np.array([[x, box.bottom], [x, box.bottom - TICK_LENGTH]]), scheme.frame, 1.6)
        canvas.text(x, box.bottom - TICK_LENGTH - TICK_GAP, tick_text(value), height=TICK_TEXT, digits=True,
                    color=scheme.muted_text, anchor="middle", middle=False)  # fmt: skip
    for value in axis_ticks(window.y_min, window.y_max, box.height, vertical=True):
        y = area.to_scene(np.array([window.x_min, value]))[1]
        canvas.line(np.array([[box.left, y], [box.left - TICK_LENGTH, y]]), scheme.frame, 1.6)
        canvas.text(box.left - TICK_LENGTH - TICK_GAP, y, tick_text(value), height=TICK_TEXT, digits=True,
                    color=scheme.muted_text, anchor="end")  # fmt: skip
    names = {"x": (box.right, box.bottom - TICK_LENGTH - TICK_GAP, "end"),
             "y": (box.left - TICK_LENGTH - TICK_GAP, box.top - TICK_GAP, "end")}  # fmt: skip
    for name, (x, y, anchor) in names.items():
        canvas.text(x, y, name, height=TICK_TEXT, digits=True, color=scheme.muted_text,
                    anchor=anchor, middle=False)  # fmt: skip
    start = area.to_scene(np.array(experiment.start))
    canvas.circle(start[0], start[1], 0.1, "none", scheme.minimum)
    for index, best in enumerate(figure.best):
        if best is None:
            continue
        points = figure.walks[index][:, best[1]]
        for piece in clip_polyline(points, window):
            canvas.line(area.to_scene(piece)[:, :2], colors[index], 4.0)
        inside = points[window.contains(points)]
        if len(points) <= 61:
            for px, py, _ in area.to_scene(inside):
                canvas.circle(px, py, 0.045, colors[index])
        if window.contains(points[-1]):
            end = area.to_scene(points[-1])
            canvas.circle(end[0], end[1], 0.1, colors[index])
    for point in surface.minima:
        if window.contains(np.array(point)):
            cx, cy, _ = area.to_scene(np.array(point))
            for width, color in ((9.0, scheme.background), (4.0, scheme.minimum)):
                for dx, dy in ((0.1, 0.0), (0.0, 0.1)):
                    canvas.line(np.array([[cx - dx, cy - dy], [cx + dx, cy + dy]]), color, width)


def _shades(scheme: ColorScheme) -> list[str]:
    """The contour lines' greys, from the theme's low to its high (as the GIF's)."""
    low, high = (
        np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)])
        for c in (scheme.contour_low, scheme.contour_high)
    )
    return [
        "#" + "".join(f"{round(v):02X}" for v in (1 - t) * low + t * high)
        for t in np.linspace(0, 1, CONTOUR_SHADES)
    ]
