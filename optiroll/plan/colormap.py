"""A perceptual colour map for a relief's height, lit by a sun. No Manim, no matplotlib.

Colours are interpolated in OKLab (Ottosson 2020), where equal steps look equal, between a few
control points: lightness rises steadily with height, so the map reads in grey too, and the
chroma stays low, so the map never takes an optimizer's hue (`palette.py`) strongly enough to hide
its trail. Like cividis it runs from a cool slate in the valleys to a warm sand on the heights,
lighter than the trails on a white page and darker than them on a dark one.
"""

from __future__ import annotations

import numpy as np

from .palette import relative_luminance

# OKLab (L, a, b) control points, lowest first, evenly spaced in height. Chroma (the length of
# (a, b)) stays at or below 0.04, where the trails' colours have 0.1 to 0.2.
LIGHT_PAGE_RAMP = ((0.64, -0.012, -0.035), (0.80, -0.006, 0.004), (0.955, 0.004, 0.032))
DARK_PAGE_RAMP = ((0.29, -0.010, -0.035), (0.44, -0.006, 0.000), (0.62, 0.004, 0.032))
AMBIENT = 0.55  # the share of a face's lightness that needs no sun: walls in shade stay readable
MAX_LIGHTNESS = 0.985  # sunlit heights stay off pure white, so the relief's edge reads on a page

_LMS_FROM_LINEAR = np.array(
    [
        [0.4122214708, 0.5363325363, 0.0514459929],
        [0.2119034982, 0.6806995451, 0.1073969566],
        [0.0883024619, 0.2817188376, 0.6299787005],
    ]
)
_LAB_FROM_LMS = np.array(
    [
        [0.2104542553, 0.7936177850, -0.0040720468],
        [1.9779984951, -2.4285922050, 0.4505937099],
        [0.0259040371, 0.7827717662, -0.8086757660],
    ]
)


def srgb_to_oklab(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) sRGB in 0..1 -> (..., 3) OKLab."""
    rgb = np.asarray(rgb, dtype=np.float64)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return np.cbrt(linear @ _LMS_FROM_LINEAR.T) @ _LAB_FROM_LMS.T


def oklab_to_srgb(lab: np.ndarray) -> np.ndarray:
    """(..., 3) OKLab -> (..., 3) sRGB in 0..1 (clipped to the gamut)."""
    lms = (np.asarray(lab, dtype=np.float64) @ np.linalg.inv(_LAB_FROM_LMS).T) ** 3
    linear = np.clip(lms @ np.linalg.inv(_LMS_FROM_LINEAR).T, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def height_ramp(background: str) -> np.ndarray:
    """The (n, 3) OKLab control points for a relief drawn on `background` ('#RRGGBB')."""
    light_page = relative_luminance(background) > 0.18
    return np.array(LIGHT_PAGE_RAMP if light_page else DARK_PAGE_RAMP)


def height_lab(levels: np.ndarray, background: str) -> np.ndarray:
    """(...) heights, 0 (lowest) to 1 (highest) -> (..., 3) OKLab colours of the map."""
    ramp = height_ramp(background)
    at = np.clip(np.asarray(levels, dtype=np.float64), 0.0, 1.0) * (len(ramp) - 1)
    below = np.minimum(np.floor(at).astype(int), len(ramp) - 2)
    t = (at - below)[..., None]
    return (1 - t) * ramp[below] + t * ramp[below + 1]


def relief_colors(levels: np.ndarray, sunlight: np.ndarray, background: str) -> np.ndarray:
    """(..., 3) sRGB (0..1) of a relief: the map's colour at each height, lit.

    `sunlight` is the sun's share on each point (the cosine of its angle to the surface normal,
    relative to flat ground's, so flat ground is 1): it scales lightness only, keeping the hue.
    """
    lab = height_lab(levels, background)
    light = AMBIENT + (1 - AMBIENT) * np.clip(np.asarray(sunlight, dtype=np.float64), 0.0, None)
    lab[..., 0] = np.minimum(lab[..., 0] * light, MAX_LIGHTNESS)
    return oklab_to_srgb(lab)
