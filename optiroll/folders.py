"""Output folders, made or refused in one line."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import OptirollError


def make_folder(path: Path) -> Path:
    """`path` as an existing folder (made with its parents if needed), or a one-line error."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OptirollError(f"cannot make the folder '{path}': {err.strerror or err}") from None
    return path


def cache_root() -> Path:
    """optiroll's cache folder (XDG_CACHE_HOME or ~/.cache): never the current directory."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "optiroll"
