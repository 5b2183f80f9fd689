"""Key presses from the terminal, as names: 'space', 'left', 'right', 'quit'.

rich draws but does not read keys, so this is termios and select from the standard library.
"""

from __future__ import annotations

import os
import select
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

_KEYS = {
    b" ": "space",
    b"q": "quit",
    b"Q": "quit",
    b"\x1b[C": "right",
    b"\x1bOC": "right",
    b"\x1b[D": "left",
    b"\x1bOD": "left",
}


class KeySource(Protocol):
    """Where the player gets keys; `read` also serves as its sleep."""

    interactive: bool

    def read(self, timeout: float) -> str | None:
        """The next key name, or None once `timeout` seconds passed without one."""


def decode_keys(data: bytes) -> list[str]:
    """Key names in a chunk read from a terminal; other bytes and sequences are skipped."""
    names, i = [], 0
    while i < len(data):
        for length in (3, 1):
            name = _KEYS.get(data[i : i + length])
            if name:
                names.append(name)
                i += length
                break
        else:
            i += 1
    return names


class TerminalKeys:
    """Keys from a terminal file descriptor in cbreak mode (no echo, no line buffering; Ctrl-C
    still raises KeyboardInterrupt); the mode is restored on leaving the `with` block."""

    interactive = True

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending: deque[str] = deque()
        self.saved: list | None = None

    def __enter__(self) -> TerminalKeys:
        import termios
        import tty

        self.saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd, termios.TCSANOW)
        return self

    def __exit__(self, *exc: object) -> None:
        import termios

        if self.saved is not None:
            try:
                termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)
            except termios.error:
                pass  # the terminal hung up: no mode left to restore

    def read(self, timeout: float) -> str | None:
        if not self.pending:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
            if ready:
                self.pending.extend(decode_keys(os.read(self.fd, 64)))
        return self.pending.popleft() if self.pending else None


class NoKeys:
    """No keyboard (stdin is not a terminal): `read` only waits."""

    interactive = False

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self.sleep = sleep

    def read(self, timeout: float) -> str | None:
        self.sleep(max(0.0, timeout))
        return None
