"""Colour schemes, one dataclass per theme. Each optimizer's own colour is in `palette.py`."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import OptirollError


@dataclass(frozen=True)
class ColorScheme:
    name: str
    background: str
    text: str
    muted_text: str
    frame: str
    # Contours recede: neutral greys, never a run's hue, darker toward the minimum. (Filled bands
    # were tried: a band dark enough to read costs the paths their 3:1 contrast, #F8F8F8 on white.)
    contour_low: str
    contour_high: str
    minimum: str  # the landmarks: start, minima, saddle points
    # The explain board's aids take a hue its ball does not have, per board: see `aid_colors.py`.


LIGHT = ColorScheme(
    name="light",
    background="#FFFFFF",
    text="#1A1A1A",
    muted_text="#5A5A5A",
    frame="#9A9A9A",
    contour_low="#A8A8A8",
    contour_high="#DCDCDC",
    minimum="#1A1A1A",
)

DARK = ColorScheme(
    name="dark",
    background="#111418",
    text="#F2F2F2",
    muted_text="#B0B0B0",
    frame="#5C6470",
    contour_low="#5A5C60",
    contour_high="#2C2F33",
    minimum="#F2F2F2",
)

THEMES = {t.name: t for t in (LIGHT, DARK)}


def theme(name: str) -> ColorScheme:
    if name not in THEMES:
        raise OptirollError(f"unknown theme '{name}'; choose from {', '.join(THEMES)}")
    return THEMES[name]
