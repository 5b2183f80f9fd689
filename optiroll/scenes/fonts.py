"""Pick fonts Pango has: for the language (Korean needs Hangul, or it draws tofu boxes), and for
mathematics (a Hangul font's η, ∂ and √ are not made for it)."""

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


# Fonts whose Greek, operators, arrows and scripts are drawn for mathematics, preferred first.
MATH_FONTS = ("DejaVu Sans", "Noto Sans Math", "FreeSans")


def pick_math_font() -> str:
    """The first installed font of MATH_FONTS; empty (the language's font does all) if none is."""
    return next((font for font in MATH_FONTS if font in _available()), "")


def installed(font: str) -> bool:
    """Whether Pango has `font` here."""
    return font in _available()
