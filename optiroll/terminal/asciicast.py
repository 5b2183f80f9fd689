"""Recording what the player draws as an asciicast v2 file, written atomically.

Format: https://docs.asciinema.org/manual/asciicast/v2/ -- a JSON header line, then one JSON
array per event: [seconds since start, "o", text written] or [seconds, "r", "COLSxROWS"].
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..errors import OptirollError


def check_record_path(path: str | os.PathLike) -> Path:
    """The path to record to, or an OptirollError naming what is wrong with it."""
    target = Path(path)
    parent = target.parent
    if target.is_dir():
        raise OptirollError(f"--record {path}: is a directory")
    if not parent.is_dir():
        raise OptirollError(f"--record {path}: directory '{parent}' does not exist")
    if not os.access(parent, os.W_OK):
        raise OptirollError(f"--record {path}: directory '{parent}' is not writable")
    return target


class CastWriter:
    """Streams events to a new temporary file beside `path`; `commit` renames it to `path`,
    `discard` deletes it, so `path` is either untouched or a complete recording."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = check_record_path(path)
        try:
            fd, temp = tempfile.mkstemp(
                dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".part"
            )
        except OSError as err:
            raise OptirollError(f"--record {path}: {err.strerror}") from None
        self.temp = Path(temp)
        self.file = os.fdopen(fd, "w", encoding="utf-8")
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
        self.file.write(json.dumps(header) + "\n")
        self.started = True

    def output(self, time: float, text: str) -> None:
        """Text written to the terminal `time` seconds after the start."""
        self._event(time, "o", text)

    def resize(self, time: float, width: int, height: int) -> None:
        """The terminal became width x height."""
        self._event(time, "r", f"{width}x{height}")

    def _event(self, time: float, code: str, data: str) -> None:
        # Players require strictly increasing times; writes within a microsecond are nudged apart.
        time = max(round(time, 6), round(self.last_time + 1e-6, 6))
        self.last_time = time
        self.file.write(json.dumps([time, code, data], ensure_ascii=False) + "\n")

    def commit(self) -> Path:
        """Finish the file and move it to its name."""
        self.file.close()
        umask = os.umask(0)
        os.umask(umask)
        # mkstemp made it private; a recording is an ordinary file.
        os.chmod(self.temp, 0o666 & ~umask)
        os.replace(self.temp, self.path)
        return self.path

    def discard(self) -> None:
        """Delete the temporary file; `path` stays as it was."""
        self.file.close()
        self.temp.unlink(missing_ok=True)

    def __enter__(self) -> CastWriter:
        return self

    def __exit__(self, exc_type: type | None, *exc: object) -> None:
        if exc_type is None and self.started:
            self.commit()
        else:
            self.discard()
