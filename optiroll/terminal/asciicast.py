"""Recording what the player draws as an asciicast v2 file, written atomically.

Format: https://docs.asciinema.org/manual/asciicast/v2/ -- a JSON header line, then one JSON
array per event: [seconds since start, "o", text written], [seconds, "r", "COLSxROWS"] or
[seconds, "m", label] (a marker players can jump to).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import OptirollError, failure
from ..folders import check_name, check_target
from ..writes import Staged, sweep
from .canvas import Frame
from .recording import SUFFIXES, Recorder

SUFFIX = ".cast"


def check_record_path(path: str | os.PathLike) -> Path:
    """The path to record to, or an OptirollError naming what is wrong with it.

    As `render --output` does: a name without a suffix gets `.cast`, a suffix other than `.cast`
    or `.svg` is refused (so a typo cannot replace a file that is not a recording), and the path
    must be a regular
    file or new, in a folder that exists and can be written.
    """
    text = check_name(path, "--record")
    target = Path(text)
    if target.is_dir():
        raise OptirollError(f"--record {text} is a directory")
    if not target.suffix:
        target = target.with_suffix(SUFFIX)
    elif target.suffix.lower() not in SUFFIXES:
        raise OptirollError(f"--record {text} does not end in {' or '.join(SUFFIXES)}")
    return check_target(target, "--record")


class CastWriter(Recorder):
    """Streams events to a new temporary file beside `path`; `commit` renames it to `path`,
    `discard` deletes it, so `path` is either untouched or a complete recording."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = check_record_path(path)
        sweep(self.path.parent)  # what a killed recording left here
        self.staging = Staged()
        try:
            self.file = self.staging.file(self.path).open("w", encoding="utf-8")
        except OSError as err:
            self.staging.discard()
            raise failure(err, self.path) from None
        self.started = False
        self.last_time = -1.0

    def start(self, width: int, height: int, *, title: str, idle_time_limit: float) -> None:
        """Write the header: the terminal size at the start, and the title players show."""
        header = {
            "version": 2,
            "width": width,
            "height": height,
            "title": title,
            "idle_time_limit": idle_time_limit,
        }
        self._write(json.dumps(header))
        self.started = True

    def output(self, time: float, text: str, frame: Frame | None = None) -> None:
        """Text written to the terminal `time` seconds after the start (the cast keeps the
        bytes, not the frame)."""
        self._event(time, "o", text)

    def resize(self, time: float, width: int, height: int) -> None:
        """The terminal became width x height."""
        self._event(time, "r", f"{width}x{height}")

    def marker(self, time: float, label: str) -> None:
        self._event(time, "m", label)

    def _event(self, time: float, code: str, data: str) -> None:
        # Players require strictly increasing times; writes within a microsecond are nudged apart.
        time = max(round(time, 6), round(self.last_time + 1e-6, 6))
        self.last_time = time
        self._write(json.dumps([time, code, data], ensure_ascii=False))

    def _write(self, line: str) -> None:
        try:
            self.file.write(line + "\n")
        except OSError as err:
            raise failure(err, self.path) from None

    def commit(self) -> Path:
        """Finish the file and move it to its name."""
        try:
            self.file.close()
        except OSError as err:  # the last buffered events did not fit
            raise failure(err, self.path) from None
        self.staging.publish()
        return self.path

    def discard(self) -> None:
        """Delete the temporary file; `path` stays as it was."""
        try:
            self.file.close()
        except OSError:
            pass  # it is deleted anyway
        self.staging.discard()
