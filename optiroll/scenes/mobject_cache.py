"""Mobjects that are slow to make (Text: Pango and SVG parsing, ~70 ms each; MathTex: LaTeX) kept
on disk once made, keyed by everything that decides them; a cached copy loads in ~5 ms.

The files are ours, written atomically, so renders running at the same time never read one
half-written (Manim's own SVG cache can be: it writes in place); they are read only from a folder
that no other user can write.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from ..folders import cache_root
from ..plan.typography import math_clusters
from ..writes import sweep, temporary_prefix

FORMAT = 1  # bump when what is stored changes
M = TypeVar("M")


def cache_dir() -> Path:
    return cache_root() / "mobjects"


def cached(kind: str, key: list, build: Callable[[], M]) -> M:
    """`build()`'s mobject, from the cache when one was made before with the same `key`.

    Unpickling runs code, so nothing is loaded (or stored) unless the folder is this user's own
    and no one else can write in it, and the file too.
    """
    import manim

    digest = hashlib.sha256(
        json.dumps([FORMAT, manim.__version__, kind, *key], default=str).encode()
    ).hexdigest()[:32]
    folder = _private_folder()
    if folder is None:
        return build()
    path = folder / f"{kind}-{digest}.pickle"
    try:
        with _open_private(path) as file:
            return pickle.load(file)
    except OSError:  # not made yet, or not ours alone to read
        pass
    except Exception:  # noqa: BLE001 — a damaged or stale entry is made again
        path.unlink(missing_ok=True)
    mobject = build()
    _store(path, mobject)
    return mobject


def _private_folder() -> Path | None:
    """The cache folder (made private if new), or None when it is not a folder of this user's
    that only this user can write."""
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None  # no cache to be had: it only costs time
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        _notice(f"optiroll: note: not using the cache {folder}: other users can write there")
        return None
    if not _swept:
        _swept.append(True)
        sweep(folder)  # what killed renders left half-written
    return folder


def _open_private(path: Path) -> BinaryIO:
    """`path` opened for reading, if it is a regular file of this user's that only this user
    can write (a link is not followed); else OSError."""
    file = os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb")
    info = os.fstat(file.fileno())
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        file.close()
        raise PermissionError(f"{path} is not this user's alone")
    return file


_swept: list[bool] = []
_noticed: set[str] = set()


def _notice(line: str) -> None:
    """Say `line` once per process."""
    if line not in _noticed:
        _noticed.add(line)
        print(line, file=sys.stderr)


def _store(path: Path, mobject: object) -> None:
    temporary = None
    try:
        handle, name = tempfile.mkstemp(prefix=temporary_prefix(path.name), dir=path.parent)
        temporary = Path(name)
        with os.fdopen(handle, "wb") as file:  # mkstemp made it private (0600)
            pickle.dump(mobject, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:  # a read-only, full or missing cache only costs time
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


def text(content: str, font: str, color: str, math_font: str = ""):
    """A Manim `Text` in `font` (Pango's default when empty) and `color`, its mathematical
    characters (see `plan/typography.py`) in `math_font` when that is another font."""
    from manim import Text

    math = math_clusters(content) if math_font and math_font != font else []
    fonts = {"font": font} if font else {}

    def build():
        return Text(content, color=color, t2f=dict.fromkeys(math, math_font), **fonts)

    return cached("text", [content, font, color, *([math_font] if math else [])], build)
