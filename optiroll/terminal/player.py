"""`optiroll play`: the loop that reads keys, waits on a clock, fits the terminal and draws.

The picture comes from `canvas`, the bytes from `term_ansi`, the keys from `term_keys` and the
recording from `asciicast`; the clock, keys, output stream and terminal size are all injected.
"""

from __future__ import annotations

import functools
import math
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from typing import TextIO

from rich.color import ColorSystem

from ..errors import OptirollError
from ..optim.experiment import Experiment
from ..optim.surfaces import Surface
from ..optim.trajectory import Trajectory
from .ansi import ENTER, HIDE_CURSOR, LEAVE, FrameEncoder, color_system_for, wants_color
from .asciicast import CastWriter
from .canvas import Canvas
from .keys import KeySource, NoKeys, TerminalKeys

# How often a paused or slow player looks at the keys and the terminal size.
POLL = 0.1
PIPE_SIZE = (80, 24)

Size = tuple[int, int]


def frame_interval(fps: float) -> float:
    """Seconds per step for `fps`, which must be a positive, finite number."""
    if not (isinstance(fps, (int, float)) and math.isfinite(fps) and fps > 0):
        raise OptirollError(f"--fps must be a positive finite number, got {fps}")
    return 1.0 / fps


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
        cast: CastWriter | None = None,
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
        exit, Ctrl-C included. Returns the step on screen at the end."""
        try:
            self._write(ENTER)
            return self._play()
        finally:
            self._write(LEAVE)

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
            self.cast.output(now, text)
        self.shown = (step, status, size)

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def _title(surface: Surface) -> str:
    return f"optiroll play: {surface.formula}"


def record_offline(
    cast: CastWriter,
    surface: Surface,
    trajectories: Sequence[Trajectory],
    *,
    fps: float,
    size: Size,
    encoder: FrameEncoder,
) -> None:
    """Every step at its nominal time, without waiting: the recording a pipe or CI can make."""
    interval = frame_interval(fps)
    canvas = Canvas(surface, trajectories, *size, hints=False)
    cast.start(*size, title=_title(surface), idle_time_limit=max(2.0, 2 * interval))
    for step in range(canvas.steps + 1):
        text = encoder.encode(canvas.frame(step))
        cast.output(step * interval, HIDE_CURSOR + text if step == 0 else text)


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
    terminal; `record` names an asciicast v2 file to write as well."""
    frame_interval(fps)
    stream = sys.stdout if stream is None else stream
    environ = os.environ if environ is None else environ
    with CastWriter(record) if record is not None else nullcontext() as cast:
        trajectories = experiment.run()
        if not stream.isatty():
            fixed = size() if size is not None else _pipe_size(environ)
            if cast is not None:
                # No terminal to ask: web players show truecolor.
                system = ColorSystem.TRUECOLOR if wants_color(color, environ) else None
                record_offline(
                    cast,
                    experiment.surface,
                    trajectories,
                    fps=fps,
                    size=fixed,
                    encoder=FrameEncoder(system),
                )
            canvas = Canvas(experiment.surface, trajectories, *fixed, hints=False)
            stream.write(canvas.frame(canvas.steps).text())
            return
        if size is None:
            size = functools.partial(_terminal_size, stream.fileno())
        if keys is None:
            interactive = os.name == "posix" and sys.stdin.isatty()  # termios is POSIX-only
            keys = TerminalKeys(sys.stdin.fileno()) if interactive else NoKeys()
        encoder = FrameEncoder(color_system_for(stream, color, environ))
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
                cast=cast,
            )
            step = player.run()
        if not keys.interactive:
            # Leaving the alternate screen took the picture away; leave the last one behind.
            stream.write(player.canvas(size()).frame(step).text())


def _terminal_size(fd: int) -> Size:
    columns, lines = os.get_terminal_size(fd)
    return columns, lines


def _pipe_size(environ: Mapping[str, str]) -> Size:
    """COLUMNS x LINES when set, else 80 x 24."""

    def number(name: str, default: int) -> int:
        value = environ.get(name, "")
        return int(value) if value.isdigit() and int(value) > 0 else default

    return number("COLUMNS", PIPE_SIZE[0]), number("LINES", PIPE_SIZE[1])
