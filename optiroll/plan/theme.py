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
    # The explain board's aids: the highlight of the statement applied, the gradient and velocity
    # arrows, the step-size bars of x and y.
    accent: str
    gradient: str
    velocity: str
    bar_x: str
    bar_y: str

    @property
    def aids(self) -> tuple[str, ...]:
        return (self.accent, self.gradient, self.velocity, self.bar_x, self.bar_y)


LIGHT = ColorScheme(
    name="light",
    background="#FFFFFF",
    text="#1A1A1A",
    muted_text="#5A5A5A",
    frame="#9A9A9A",
    contour_low="#A8A8A8",
    contour_high="#DCDCDC",
    minimum="#1A1A1A",
    accent="#D55E00",
    gradient="#D55E00",
    velocity="#009E73",
    bar_x="#CC79A7",
    bar_y="#E69F00",
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
    accent="#E69F00",
    gradient="#E69F00",
    velocity="#009E73",
    bar_x="#F0E442",
    bar_y="#CC79A7",
)

THEMES = {t.name: t for t in (LIGHT, DARK)}


def theme(name: str) -> ColorScheme:
    if name not in THEMES:
        raise OptirollError(f"unknown theme '{name}'; choose from {', '.join(THEMES)}")
    return THEMES[name]
