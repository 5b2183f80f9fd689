"""Text files written atomically without PyAV: a page and its side-car appear whole or not at all
(`writes.atomic_output`), so an html render needs neither PyAV nor Manim."""

from __future__ import annotations

from pathlib import Path

from ..writes import atomic_output


def write_text_atomically(target: Path, text: str) -> None:
    """Write `text` (UTF-8) to `target`: a temporary file beside it, renamed only when complete."""
    with atomic_output(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
