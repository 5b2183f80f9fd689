"""Output folders, made or refused in one line."""

from __future__ import annotations

from pathlib import Path

from .errors import OptirollError


def make_folder(path: Path) -> Path:
    """`path` as an existing folder (made with its parents if needed), or a one-line error."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OptirollError(f"cannot make the folder '{path}': {err.strerror or err}") from None
    return path
