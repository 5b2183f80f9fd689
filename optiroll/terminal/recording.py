"""What the player records through: an asciicast (`asciicast.CastWriter`) or an animated SVG
(`svg.SvgWriter`), both written whole or not at all."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from .canvas import Frame

SUFFIXES = (".cast", ".svg")


class Recorder(ABC):
    """Receives every frame the player draws, with its time; `commit` publishes the file,
    `discard` leaves the path as it was. As a context manager it commits a started recording
    when the block ends and discards it otherwise."""

    path: Path
    started: bool = False

    @abstractmethod
    def start(self, width: int, height: int, *, title: str, idle_time_limit: float) -> None:
        """The terminal size at the start, the title players show, and how long a still
        stretch may last on replay (a longer pause is shortened to it)."""

    @abstractmethod
    def output(self, time: float, text: str, frame: Frame) -> None:
        """`frame`, drawn as `text` (its terminal bytes), `time` seconds after the start."""

    @abstractmethod
    def resize(self, time: float, width: int, height: int) -> None:
        """The terminal became width x height."""

    @abstractmethod
    def marker(self, time: float, label: str) -> None:
        """A named point to jump to (a step)."""

    @abstractmethod
    def commit(self) -> Path:
        """Finish the file and move it to its name."""

    @abstractmethod
    def discard(self) -> None:
        """Delete the temporary file; `path` stays as it was."""

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, exc_type: type | None, *exc: object) -> None:
        if exc_type is None and self.started:
            try:
                self.commit()
            except BaseException:
                self.discard()
                raise
        else:
            self.discard()
