"""A colour per optimizer, the same in every scene, theme and the terminal. No Manim.

Hues are Okabe & Ito's, which colour-blind viewers tell apart; each optimizer owns one, so Adam is
reddish purple in `compare`, `race`, `explain`, the loss curve and the terminal alike. On a page the
colour is shifted in lightness only (hue and saturation kept) until it stands out from the background
by `MIN_CONTRAST` (WCAG 1.4.11 asks 3:1 of graphics): orange and sky blue darken on white, blue
lightens on the dark theme.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

# Okabe & Ito (2008), "Color Universal Design", without black (the minimum marker and the text).
HUES = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish green": "#009E73",
    "reddish purple": "#CC79A7",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "yellow": "#F0E442",
}
# Each optimizer's own hue. The book's four in Figure 6-8 get the four most distinct; Momentum's
# relatives are warm like it, RMSProp's cool like AdaGrad's family.
OPTIMIZER_HUES = {
    "sgd": "blue",
    "momentum": "vermillion",
    "adagrad": "bluish green",
    "adam": "reddish purple",
    "nesterov": "orange",
    "rmsprop": "sky blue",
    "adamw": "yellow",
    "amsgrad": "sky blue",
    "nadam": "orange",
    "adadelta": "yellow",
    "rmsprop-momentum": "vermillion",
}
MIN_CONTRAST = 3.2  # a little above 3:1, so anti-aliased edges still read


def relative_luminance(color: str) -> float:
    """WCAG 2's relative luminance of '#RRGGBB'."""
    channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2's contrast ratio of two colours, 1 to 21."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02X}" for c in rgb)


def on_background(color: str, background: str, minimum: float = MIN_CONTRAST) -> str:
    """`color` with its lightness moved away from `background` until their contrast is `minimum`."""
    if contrast(color, background) >= minimum:
        return color
    r, g, b = (int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    darken = relative_luminance(background) > 0.18
    low, high = (0.0, lightness) if darken else (lightness, 1.0)
    for _ in range(30):  # bisect on lightness: the contrast is monotonic along it
        mid = (low + high) / 2
        ok = contrast(_hex(colorsys.hls_to_rgb(hue, mid, saturation)), background) >= minimum
        if ok == darken:
            low = mid
        else:
            high = mid
    return _hex(colorsys.hls_to_rgb(hue, low if darken else high, saturation))


def hue_names(optimizers: Sequence[str]) -> list[str]:
    """The hue of each run, given the optimizers' names in order.

    A run takes its optimizer's hue; a second run of the same optimizer (or of one sharing the hue)
    takes the first hue, in `HUES` order, that no run of the figure owns, so the assignment depends
    only on the list of names.
    """
    owned = [OPTIMIZER_HUES.get(name) for name in optimizers]
    spare = [hue for hue in HUES if hue not in owned]
    taken: set[str] = set()
    chosen = []
    for own in owned:
        hue = own if own is not None and own not in taken else None
        if hue is None:
            free = [h for h in spare if h not in taken] or [h for h in HUES if h not in taken]
            hue = free[0] if free else list(HUES)[len(chosen) % len(HUES)]
        taken.add(hue)
        chosen.append(hue)
    return chosen


def run_colors(optimizers: Sequence[str], background: str) -> list[str]:
    """The colour of each run (optimizer names in order) on `background`."""
    return [on_background(HUES[hue], background) for hue in hue_names(optimizers)]
