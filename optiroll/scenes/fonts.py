"""Pick a font Pango has for the language: Korean needs one with Hangul, or it draws tofu boxes."""

from __future__ import annotations

from functools import cache

from ..errors import OptirollError
from ..plan.words import Words


@cache
def _available() -> frozenset[str]:
    import manimpango

    return frozenset(manimpango.list_fonts())


def pick_font(words: Words) -> str:
    """The first of the language's preferred fonts that is installed."""
    for font in words.fonts:
        if font in _available():
            return font
    if words.lang == "en":
        return ""  # Pango's default sans has every Latin glyph
    raise OptirollError(
        f"no font for '{words.lang}' labels ({', '.join(words.fonts)}); on Debian/Ubuntu: "
        "sudo apt-get install fonts-nanum"
    )
