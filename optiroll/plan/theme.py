"""Colour schemes, one dataclass per theme; optimizer colours stay apart for colour-blind viewers."""

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
    # Okabe & Ito's palette, ordered for contrast against this background.
    balls: tuple[str, ...]

    def ball(self, index: int) -> str:
        return self.balls[index % len(self.balls)]


LIGHT = ColorScheme(
    name="light",
    background="#FFFFFF",
    text="#1A1A1A",
    muted_text="#5A5A5A",
    frame="#9A9A9A",
    contour_low="#9DB8D9",
    contour_high="#E3E8EF",
    minimum="#1A1A1A",
    balls=("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"),
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
    balls=("#56B4E9", "#E69F00", "#009E73", "#F0E442", "#CC79A7", "#D55E00"),
)

THEMES = {t.name: t for t in (LIGHT, DARK)}

# The terminal player's ball colours, one list for light and dark terminals alike: Okabe & Ito's
# palette without its black, which vanishes on a dark terminal.
TERMINAL_BALLS = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#F0E442", "#0072B2")


def theme(name: str) -> ColorScheme:
    if name not in THEMES:
        raise OptirollError(f"unknown theme '{name}'; choose from {', '.join(THEMES)}")
    return THEMES[name]
