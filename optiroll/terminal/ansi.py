"""Frames to terminal bytes with rich: colour-system detection, styles and cursor control (or, for
a terminal that has none, plain text)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from rich.color import ColorSystem
from rich.control import Control
from rich.style import Style

from .canvas import Frame, Ink

HIDE_CURSOR = Control.show_cursor(False).segment.text
ENTER = Control.alt_screen(True).segment.text + HIDE_CURSOR
# Reset attributes first: an interrupted write may have left a colour switched on.
LEAVE = "\x1b[0m" + Control.show_cursor(True).segment.text + Control.alt_screen(False).segment.text


# TERM values of terminals that cannot move the cursor (rich's list): they get plain frames.
DUMB_TERMS = ("dumb", "unknown")


def is_dumb(environ: Mapping[str, str]) -> bool:
    """True when TERM says the terminal has no cursor movement or alternate screen."""
    return environ.get("TERM", "").lower() in DUMB_TERMS


def wants_color(color: bool, environ: Mapping[str, str]) -> bool:
    """False for --no-color (color=False) and for a non-empty NO_COLOR (no-color.org)."""
    return color and not environ.get("NO_COLOR")


def color_system_for(stream: TextIO, color: bool, environ: Mapping[str, str]) -> ColorSystem | None:
    """The colours `stream` shows, or None for none (--no-color, NO_COLOR, a dumb terminal)."""
    if not wants_color(color, environ):
        return None
    from rich.console import COLOR_SYSTEMS, Console  # only here: the pipe path never needs it

    detected = Console(file=stream, force_terminal=True, _environ=dict(environ)).color_system
    return None if detected is None else COLOR_SYSTEMS[detected]


class FrameEncoder:
    """Turns frames into one write each: every row placed by absolute cursor moves, so a frame
    overwrites the last one in place without clearing the screen (no flicker).

    Without `cursor` (a dumb terminal) a frame is its plain text, printed after the last one, and
    there is no alternate screen to enter or leave.
    """

    def __init__(self, system: ColorSystem | None, cursor: bool = True) -> None:
        self.system, self.cursor = system, cursor
        self.enter, self.leave = (ENTER, LEAVE) if cursor else ("", "")
        # Fresh Style objects: rich caches a style's codes for the first colour system it sees.
        self._styles: dict[Ink, Style] = {}

    def encode(self, frame: Frame) -> str:
        """The escape codes and text that draw `frame` from the top-left corner."""
        if not self.cursor:
            return frame.text() + "\n"  # a blank line between frames
        out = []
        for y, row in enumerate(frame.rows):
            out.append(Control.move_to(0, y).segment.text)
            out.extend(self._paint(text, ink) for text, ink in row)
        return "".join(out)

    def _paint(self, text: str, ink: Ink) -> str:
        if self.system is None or ink == Ink():
            return text
        style = self._styles.get(ink)
        if style is None:
            style = self._styles[ink] = Style(color=ink.color, bold=ink.bold or None)
        return style.render(text, color_system=self.system)
