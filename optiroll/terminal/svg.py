"""Recording what the player draws as one animated SVG that plays as a plain `<img>`.

Text and colour are SVG and CSS, so the picture stays sharp at any zoom and needs no script. The
frames are `<g>` groups painted in order: the first draws the whole screen, each later one only the
rows that changed, each on an opaque band that hides the row beneath. A CSS keyframe per group
shows it from its time to the end of the loop, so at any moment the screen is the groups shown so
far. With every group shown (no animation: `prefers-reduced-motion`, a feed reader) the picture is
the last frame.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rich.color import Color

from ..errors import failure
from ..plan.theme import DARK
from ..writes import Staged, sweep
from .asciicast import check_record_path
from .canvas import Frame, Ink
from .recording import Recorder

FONT_SIZE = 15  # px: a whole number of pixels per cell, so the picture's size is too
CELL = (9, 18)  # a monospace cell: 0.6 em wide, 1.2 em tall
BASELINE = 13.5  # from a row's top: 0.9 em
PAD = 9  # px around the screen
FONTS = 'ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,"Liberation Mono",monospace'

Row = tuple[tuple[str, Ink], ...]


def css_color(name: str | None) -> str:
    """A colour as the terminal names it (rich's names or #RRGGBB) -> #rrggbb; None is the
    text colour of the dark theme the terminal picture uses."""
    if name is None:
        return DARK.text.lower()
    return Color.parse(name).get_truecolor().hex


def _n(value: float) -> str:
    """A number as short as it can be written to a thousandth."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


class SvgWriter(Recorder):
    """Keeps the frames in memory; `commit` writes the SVG to a temporary file beside `path` and
    renames it there, so `path` is either untouched or a complete picture."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = check_record_path(path)
        sweep(self.path.parent)  # what a killed recording left here
        self.frames: list[tuple[float, Frame]] = []
        self.title = ""
        self.hold = 2.0
        self.started = False

    def start(self, width: int, height: int, *, title: str, idle_time_limit: float) -> None:
        self.title, self.hold, self.started = title, idle_time_limit, True

    def output(self, time: float, text: str, frame: Frame) -> None:
        self.frames.append((time, frame))

    def resize(self, time: float, width: int, height: int) -> None:
        """Nothing to do: each frame carries its size."""

    def marker(self, time: float, label: str) -> None:
        """Nothing to do: an image has no seek bar."""

    def commit(self) -> Path:
        staging = Staged()
        try:
            staging.file(self.path).write_text(self.document(), encoding="utf-8")
            staging.publish()
        except OSError as err:
            staging.discard()
            raise failure(err, self.path) from None
        except BaseException:
            staging.discard()
            raise
        return self.path

    def discard(self) -> None:
        self.frames = []

    def durations(self) -> list[float]:
        """Seconds each frame stays on screen on replay: until the next one, no longer than the
        idle limit (as asciinema shortens a pause), and the last one the idle limit."""
        times = [t for t, _ in self.frames]
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        return [min(gap, self.hold) for gap in gaps] + [self.hold]

    def size(self) -> tuple[int, int]:
        """The picture's width and height in pixels: the largest screen recorded."""
        cols = max(frame.width for _, frame in self.frames)
        rows = max(len(frame.rows) for _, frame in self.frames)
        return 2 * PAD + cols * CELL[0], 2 * PAD + rows * CELL[1]

    def still(self) -> str:
        """The last frame alone, as a static SVG: a poster."""
        return SvgWriter._document(self.frames[-1:], [self.hold], self.title, self.size())

    def document(self) -> str:
        """The SVG text."""
        return SvgWriter._document(self.frames, self.durations(), self.title, self.size())

    @staticmethod
    def _document(
        timed: list[tuple[float, Frame]], durations: list[float], title: str, size: tuple[int, int]
    ) -> str:
        frames = [frame for _, frame in timed]
        width, height = size
        inks = sorted(
            {ink for frame in frames for row in frame.rows for _, ink in row},
            key=lambda ink: (ink.color or "", ink.bold),
        )
        classes = {ink: f"i{k}" for k, ink in enumerate(inks)}
        total = sum(durations)
        starts = [sum(durations[:k]) for k in range(len(durations))]

        style = [
            f"text{{font-family:{FONTS};font-size:{_n(FONT_SIZE)}px;white-space:pre}}",
            f".b{{fill:{DARK.background.lower()}}}",
            *(
                f".{name}{{fill:{css_color(ink.color)}{';font-weight:bold' if ink.bold else ''}}}"
                for ink, name in classes.items()
            ),
            f".f{{animation:{_n(total)}s step-end infinite}}",
            *(
                f"@keyframes k{k}{{0%{{visibility:hidden}}{_n(100 * start / total)}%,"
                f"to{{visibility:visible}}}}.f{k}{{animation-name:k{k}}}"
                for k, start in enumerate(starts)
                if k > 0
            ),
            "@media (prefers-reduced-motion:reduce){.f{animation:none}}",
        ]
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
            f'aria-label={quoteattr(title)} xml:space="preserve">',
            f"<title>{escape(title)}</title>",
            f"<style>{''.join(style)}</style>",
            f'<rect class="b" width="{_n(width)}" height="{_n(height)}"/>',
        ]
        shown: Frame | None = None
        for k, frame in enumerate(frames):
            # A new size (the first frame's too) redraws the whole screen on a clean background.
            redraw = shown is None or (frame.width, len(frame.rows)) != (
                shown.width,
                len(shown.rows),
            )
            out.append(
                f'<g class="f f{k}" data-start="{_n(starts[k])}" data-duration="{_n(durations[k])}">'
            )
            if redraw and k > 0:
                out.append('<rect class="b" width="100%" height="100%"/>')
            for y, row in enumerate(frame.rows):
                if redraw or row != shown.rows[y]:
                    out.append(SvgWriter._row(y, row, classes, band=not redraw))
            out.append("</g>")
            shown = frame
        out.append("</svg>")
        return "\n".join(out) + "\n"

    @staticmethod
    def _row(y: int, row: Row, classes: dict[Ink, str], *, band: bool) -> str:
        """One row as a <text> of positioned runs (blank runs left out), on an opaque band when
        it covers an older version of itself."""
        top = PAD + y * CELL[1]
        parts = []
        if band:
            parts.append(f'<rect class="b" y="{_n(top)}" width="100%" height="{_n(CELL[1])}"/>')
        spans, col = [], 0
        for text, ink in row:
            body = text.rstrip(" ")
            lead = len(body) - len(body.lstrip(" "))
            if body.strip():
                x = PAD + (col + lead) * CELL[0]
                spans.append(
                    f'<tspan x="{_n(x)}" class="{classes[ink]}">{escape(body[lead:])}</tspan>'
                )
            col += len(text)
        parts.append(f'<text y="{_n(top + BASELINE)}">{"".join(spans)}</text>')
        return "".join(parts)
