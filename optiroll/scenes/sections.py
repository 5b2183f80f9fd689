"""A video's sections as clips of their own, in a folder beside the video, written atomically.

Our capture bypasses Manim's file writer, so Manim's `save_sections` cannot cut: the scene calls
`next_section(name)` as in Manim, the render pipeline routes it to `SectionCutter.start`, and every
following frame also goes to that section's clip. The folder appears only when every clip has been
written and decoded back, replacing an older folder of the same name in one rename.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .encode import Encoder, open_encoder
from .output import verify


@dataclass(frozen=True)
class Clip:
    """One written section: its name, its file (relative to the folder) and where it starts."""

    name: str
    file: str
    first_frame: int
    frames: int
    duration: float


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a hidden temporary folder beside `target`; swap it into place only on success."""
    target = Path(target)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield temporary
        temporary.chmod(0o777 & ~_umask())
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.replace(target, old / "previous")
            os.replace(temporary, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class SectionCutter:
    """Writes the frames after each `start(name)` into that section's clip in `folder`."""

    def __init__(self, folder: Path, fmt: str, width: int, height: int, fps: float):
        self.folder, self.fmt = Path(folder), fmt
        self.width, self.height, self.fps = width, height, fps
        self.frame = 0
        self.clips: list[Clip] = []
        self.name = "start"  # frames before the first mark still belong to a clip
        self.first = 0
        self.encoder: Encoder | None = None

    def start(self, name: str) -> None:
        """Close the running section's clip; the next frames go to `name`."""
        self._finish()
        self.name, self.first = name, self.frame

    def write(self, frame: np.ndarray) -> None:
        if self.encoder is None:  # opened on a section's first frame: empty ones write nothing
            path = self.folder / self._file()
            self.encoder = open_encoder(self.fmt, path, self.width, self.height, self.fps)
        self.encoder.write(frame)
        self.frame += 1

    def close(self) -> list[Clip]:
        """Finish the last clip; every clip has been decoded and checked against its frames."""
        self._finish()
        return self.clips

    def _file(self) -> str:
        return f"{len(self.clips) + 1:02d}-{self.name}.{self.fmt}"

    def _finish(self) -> None:
        if self.encoder is None:
            return
        file = self._file()
        info = verify(self.folder / file, self.encoder.close())
        self.encoder = None
        self.clips.append(Clip(self.name, file, self.first, self.frame - self.first, info.duration))
