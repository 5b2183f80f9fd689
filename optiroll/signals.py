"""What a signal does to optiroll.

SIGINT (Ctrl-C), SIGTERM and SIGHUP all stop a command the same way: an `Interrupted` exception
(a KeyboardInterrupt, so every cleanup that handles Ctrl-C handles them too) unwinds it, the
terminal is restored and unfinished files are removed, and the process exits with 128 + the
signal's number. A signal that was ignored when optiroll started (`nohup`) stays ignored. While a
set of finished files is being renamed into place, the signals wait until the last rename.

Python runs a handler wherever the main thread happens to be, and an exception raised there can be
lost: code between the handler and us may swallow it (a finaliser, a library's `except
BaseException`, a C function that clears errors; seen here: a SIGTERM whose handler ran while
numpy.random's Cython module initialised, imported by Manim's first Scene, vanished and the render
finished). So a stop is also remembered, and the places that must not go on after one (each frame
drawn or shown, the publishing of files) ask `raise_if_stopped`.

A stop that arrives while the first one unwinds (a build's pool terminates every worker as soon
as one has ended; a second Ctrl-C) is remembered but raises nothing: it would cut short the
cleanup under way, and a temporary file could outlive the command.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_WORDS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}


class Interrupted(KeyboardInterrupt):
    """A stopping signal arrived; `signum` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"{_WORDS.get(signum, 'stopped')} by {signal.Signals(signum).name}")
        self.signum = signum


def signal_of(stop: BaseException) -> int:
    """The signal behind an interrupt (a plain KeyboardInterrupt is Ctrl-C's SIGINT)."""
    return stop.signum if isinstance(stop, Interrupted) else signal.SIGINT


def exit_code(stop: BaseException) -> int:
    """The shell's convention: 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM)."""
    return 128 + signal_of(stop)


def describe(stop: BaseException) -> str:
    """'interrupted' for Ctrl-C, else e.g. 'terminated (SIGTERM)'."""
    signum = signal_of(stop)
    if signum == signal.SIGINT:
        return "interrupted"
    return f"{_WORDS.get(signum, 'stopped')} ({signal.Signals(signum).name})"


_stops: list[int] = []  # the stopping signals received within the outermost `stop_on_signals`
_depth = 0  # how many `stop_on_signals` blocks are open


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    _stops.append(signum)
    if len(_stops) == 1:
        raise Interrupted(signum)


def raise_if_stopped() -> None:
    """Raise Interrupted if a stopping signal arrived in this `stop_on_signals` block, even
    if the exception its handler raised was swallowed on the way."""
    if _stops:
        raise Interrupted(_stops[0])


@contextmanager
def stop_on_signals(signums: tuple[int, ...] = (signal.SIGTERM, signal.SIGHUP)) -> Iterator[None]:
    """Within the block, `signums` raise Interrupted (SIGINT already raises KeyboardInterrupt),
    and are remembered for `raise_if_stopped` until the outermost block ends.

    Only the main thread may install handlers: elsewhere this does nothing.
    """
    global _depth
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _depth += 1
    try:
        with _handlers(signums, _raise_interrupted):
            yield
    finally:
        _depth -= 1
        if _depth == 0:
            _stops.clear()


@contextmanager
def deferred() -> Iterator[None]:
    """Stopping signals wait until the block ends, then act as they would have: a unit of
    renames is never cut in half by Ctrl-C or SIGTERM."""
    received: list[int] = []
    try:
        with _handlers(STOPPING, lambda signum, frame: received.append(signum)):
            yield
    finally:
        if received:
            signal.raise_signal(received[0])  # now under the handlers that were there before


@contextmanager
def _handlers(signums: tuple[int, ...], handler) -> Iterator[None]:
    """`handler` for each of `signums` that is not ignored, the previous ones restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in signums:
        current = signal.getsignal(signum)
        if current is not signal.SIG_IGN:
            previous[signum] = current
            signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            # None is a handler installed outside Python: the default is the closest we can restore.
            signal.signal(signum, signal.SIG_DFL if old is None else old)
