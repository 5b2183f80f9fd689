"""Mobjects that are slow to make (Text: Pango and SVG parsing, ~70 ms each; MathTex: LaTeX) kept
on disk once made, keyed by everything that decides them; a cached copy loads in ~5 ms.

The files are ours, written atomically, so renders running at the same time never read one
half-written (Manim's own SVG cache can be: it writes in place).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..folders import cache_root
from ..plan.typography import math_clusters

FORMAT = 1  # bump when what is stored changes
M = TypeVar("M")


def cache_dir() -> Path:
    return cache_root() / "mobjects"


def cached(kind: str, key: list, build: Callable[[], M]) -> M:
    """`build()`'s mobject, from the cache when one was made before with the same `key`."""
    import manim

    digest = hashlib.sha256(
        json.dumps([FORMAT, manim.__version__, kind, *key], default=str).encode()
    ).hexdigest()[:32]
    path = cache_dir() / f"{kind}-{digest}.pickle"
    try:
        with path.open("rb") as file:
            return pickle.load(file)
    except OSError:  # not made yet, or no cache folder to be had
        pass
    except Exception:  # noqa: BLE001 — a damaged or stale entry is made again
        path.unlink(missing_ok=True)
    mobject = build()
    _store(path, mobject)
    return mobject


def _store(path: Path, mobject: object) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(pickle.dumps(mobject, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
    except OSError:  # a read-only, full or missing cache only costs time
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
