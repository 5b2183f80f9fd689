"""`optiroll play`: the loop that reads keys, waits on a clock, fits the terminal and draws.

The picture comes from `canvas`, the bytes from `term_ansi`, the keys from `term_keys` and the
recording from `asciicast` or `svg` (by the file's suffix); the clock, keys, output stream and terminal size are all injected.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from typing import TextIO

from rich.color import ColorSystem

from ..errors import OptirollError, OptirollFailure
from ..optim.experiment import Experiment
from ..optim.surfaces import Surface
from ..optim.trajectory import Trajectory
from ..signals import raise_if_stopped
from .ansi import HIDE_CURSOR, FrameEncoder, color_system_for, is_dumb, wants_color
from .asciicast import CastWriter
from .canvas import Canvas
from .keys import KeySource, NoKeys, TerminalKeys
from .recording import Recorder
from .svg import SvgWriter

# How often a paused or slow player looks at the keys and the terminal size.
POLL = 0.1
PIPE_SIZE = (80, 24)
# A terminal redraws about 60 times a second at most, and so do web players of a recording.
MAX_FPS = 60.0
# Sizes from the environment or the terminal are clamped to this: a picture costs memory and
# time in proportion to its cells (1000 x 400: about 150 MB and half a second per size).
MAX_SIZE = (1000, 400)

Size = tuple[int, int]


def frame_interval(fps: float) -> float:
    """Seconds per step for `fps`, which must be a positive number no larger than MAX_FPS."""
    if not (isinstance(fps, (int, float)) and math.isfinite(fps) and fps > 0):
        raise OptirollError(f"--fps must be a positive finite number, got {fps}")
    if fps > MAX_FPS:
        raise OptirollError(
            f"--fps must be at most {MAX_FPS:g} (what a terminal shows), got {fps:g}"
        )
    return 1.0 / fps


def clamp_size(columns: int, lines: int) -> Size:
    """A terminal size within 1 x 1 and MAX_SIZE, whatever the environment claims."""
    return (min(max(1, columns), MAX_SIZE[0]), min(max(1, lines), MAX_SIZE[1]))


class Player:
    """Shows step after step at equal intervals; space pauses, left/right step, q quits."""

    def __init__(
        self,
        surface: Surface,
        trajectories: Sequence[Trajectory],
        *,
        fps: float,
        loop: bool,
        stream: TextIO,
        keys: KeySource,
        clock: Callable[[], float],
        size: Callable[[], Size],
        encoder: FrameEncoder,
        cast: Recorder | None = None,
    ) -> None:
        self.surface, self.trajectories = surface, list(trajectories)
        self.interval, self.loop = frame_interval(fps), loop
        self.stream, self.keys, self.clock, self.size = stream, keys, clock, size
        self.encoder, self.cast = encoder, cast
        self.last = max(t.steps for t in self.trajectories)
        self.canvases: dict[Size, Canvas] = {}
        self.shown: tuple | None = None
        self.started = 0.0

    def run(self) -> int:
        """Play until q (or, with no keyboard, the last step); the terminal is restored on any
        exit, Ctrl-C and other stopping signals included. Returns the step on screen at the end."""
        try:
            self._write(self.encoder.enter)
            return self._play()
        finally:
            # A terminal that hung up takes no more bytes: nothing left to restore there.
            with contextlib.suppress(OSError, OptirollFailure):
                self._write(self.encoder.leave)

    def canvas(self, size: Size) -> Canvas:
        """The picture for a terminal size, built once per size."""
        if size not in self.canvases:
            self.canvases[size] = Canvas(
                self.surface, self.trajectories, *size, hints=self.keys.interactive
            )
        return self.canvases[size]

    def _play(self) -> int:
        step, paused = 0, False
        self.started = self.clock()
        due = self.started + self.interval
        while True:
            raise_if_stopped()
            at_end = step == self.last and not self.loop
            self._show(step, "paused" if paused else "end" if at_end else "playing")
            if at_end and not self.keys.interactive:
                return step
            running = not (paused or at_end)
            key = self.keys.read(min(due - self.clock(), POLL) if running else POLL)
            if key == "quit":
                return step
            if key == "space":
                step, paused = (0, False) if at_end else (step, not paused)
                due = self.clock() + self.interval
            elif key in ("left", "right"):
                paused = True
                step = min(self.last, max(0, step + (1 if key == "right" else -1)))
            elif running and self.clock() >= due:
                step = 0 if step == self.last else step + 1
                due += self.interval
                if due <= self.clock():  # fell behind: keep the pace rather than catch up
                    due = self.clock() + self.interval

    def _show(self, step: int, status: str) -> None:
        size = self.size()
        if (step, status, size) == self.shown:
            return
        now = self.clock() - self.started
        frame = self.canvas(size).frame(step, status)
        text = self.encoder.encode(frame)
        self._write(text)
        if self.cast is not None:
            if not self.cast.started:
                self.cast.start(
                    *size, title=_title(self.surface), idle_time_limit=max(2.0, 2 * self.interval)
                )
                text = HIDE_CURSOR + text
            elif size != self.shown[2]:
                self.cast.resize(now, *size)
            self.cast.output(now, text, frame)
        self.shown = (step, status, size)

    def _write(self, text: str) -> None:
        write(self.stream, text)


def write(stream: TextIO, text: str) -> None:
    """Write and flush; a closed pipe or a full disk is an OptirollFailure (one line)."""
    try:
        stream.write(text)
        stream.flush()
    except OSError as err:
        raise OptirollFailure(f"cannot write to standard output: {err.strerror or err}") from None


def _title(surface: Surface) -> str:
    return f"optiroll play: {surface.formula}"


def open_recording(path: str | os.PathLike) -> Recorder:
    """The recorder for `path`'s suffix: an animated SVG for .svg, else an asciicast."""
    return SvgWriter(path) if os.fspath(path).lower().endswith(".svg") else CastWriter(path)


def record_offline(
    cast: Recorder,
    surface: Surface,
    trajectories: Sequence[Trajectory],
    *,
    fps: float,
    size: Size,
    encoder: FrameEncoder,
    markers: bool = False,
) -> None:
    """Every step at its nominal time, without waiting: the recording a pipe or CI can make;
    with `markers`, a marker named after each step just before it."""
    interval = frame_interval(fps)
    canvas = Canvas(surface, trajectories, *size, hints=False)
    cast.start(*size, title=_title(surface), idle_time_limit=max(2.0, 2 * interval))
    for step in range(canvas.steps + 1):
        frame = canvas.frame(step)
        text = encoder.encode(frame)
        if markers:
            cast.marker(step * interval, f"step {step}")
        cast.output(step * interval, HIDE_CURSOR + text if step == 0 else text, frame)


def play_in_terminal(
    experiment: Experiment,
    *,
    fps: float = 10.0,
    loop: bool = False,
    record: str | os.PathLike | None = None,
    color: bool = True,
    stream: TextIO | None = None,
    keys: KeySource | None = None,
    clock: Callable[[], float] = time.monotonic,
    size: Callable[[], Size] | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Animate `experiment` on `stream` (stdout), or print its last frame there when it is not a
    terminal; `record` names a file to write as well: an asciicast v2 (.cast) or an animated
    SVG (.svg).

    A terminal that cannot move the cursor (TERM=dumb) gets each step as plain text after the
    last one, and no alternate screen.
    """
    frame_interval(fps)
    stream = sys.stdout if stream is None else stream
    environ = os.environ if environ is None else environ
    with open_recording(record) if record is not None else nullcontext() as cast:
        trajectories = experiment.run()
        terminal = stream.isatty()
        plain = not terminal or is_dumb(environ)
        if size is None:
            size = (
                functools.partial(_terminal_size, stream.fileno())
                if terminal
                else functools.partial(_pipe_size, environ)
            )
        if cast is not None and plain:
            # No screen to record: every step at its nominal time; web players show truecolor.
            system = ColorSystem.TRUECOLOR if wants_color(color, environ) else None
            record_offline(
                cast,
                experiment.surface,
                trajectories,
                fps=fps,
                size=size(),
                encoder=FrameEncoder(system),
            )
        if not terminal:
            canvas = Canvas(experiment.surface, trajectories, *size(), hints=False)
            write(stream, canvas.frame(canvas.steps).text())
            return
        if keys is None:
            interactive = os.name == "posix" and sys.stdin.isatty()  # termios is POSIX-only
            keys = TerminalKeys(sys.stdin.fileno()) if interactive else NoKeys()
        encoder = (
            FrameEncoder(None, cursor=False)
            if plain
            else FrameEncoder(color_system_for(stream, color, environ))
        )
        with keys if isinstance(keys, TerminalKeys) else nullcontext():
            player = Player(
                experiment.surface,
                trajectories,
                fps=fps,
                loop=loop,
                stream=stream,
                keys=keys,
                clock=clock,
                size=size,
                encoder=encoder,
                cast=None if plain else cast,
            )
            step = player.run()
        if not keys.interactive and not plain:
            # Leaving the alternate screen took the picture away; leave the last one behind.
            write(stream, player.canvas(size()).frame(step).text())


def _terminal_size(fd: int) -> Size:
    columns, lines = os.get_terminal_size(fd)
    return clamp_size(columns, lines)


def _pipe_size(environ: Mapping[str, str]) -> Size:
    """COLUMNS x LINES when set, else 80 x 24; clamped to MAX_SIZE."""

    def number(name: str, default: int) -> int:
        value = environ.get(name, "")
        return int(value) if value.isdigit() and int(value) > 0 else default

    return clamp_size(number("COLUMNS", PIPE_SIZE[0]), number("LINES", PIPE_SIZE[1]))
