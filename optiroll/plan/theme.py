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
    contour_low: str
    contour_high: str
    minimum: str
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
    contour_low="#9DB8D9",
    contour_high="#E3E8EF",
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
    contour_low="#3E5F86",
    contour_high="#262D36",
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
