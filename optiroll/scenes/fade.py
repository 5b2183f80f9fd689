"""Fading in and out as Manim's `FadeIn` and `FadeOut` do (without shift or scale), without their
copies.

Manim's fades are transforms: each deep-copies its mobject two or three times (a start, a
target and the target's copy) to interpolate between them. A lecture fades whole boards of
glyphs at once, and the copies cost as much as drawing the fade. This keeps only each part's
points and colours at both ends and interpolates them as `Transform` does, to the same values:
the faded end's points are Manim's too (its `scale(1)` about the centre moves them by rounding).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import ORIGIN, Animation, Mobject, VMobject
from manim.utils.bezier import interpolate

# What `VMobject.interpolate_color` interpolates.
COLOR_ATTRS = (
    "fill_rgbas",
    "stroke_rgbas",
    "background_stroke_rgbas",
    "stroke_width",
    "background_stroke_width",
    "sheen_direction",
    "sheen_factor",
)


def _colors(mob: VMobject) -> list[Any]:
    return [_copy(getattr(mob, attr)) for attr in COLOR_ATTRS]


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def _faded(mob: VMobject) -> list[Any]:
    """The colours `mob.fade(1)` gives it, `mob` left as it was."""
    shown = _colors(mob)
    mob.fade(1, family=False)
    faded = _colors(mob)
    for attr, value in zip(COLOR_ATTRS, shown, strict=True):
        setattr(mob, attr, value)
    return faded


class Fade(Animation):
    """`mobject` fading in (`appear`) or out of the scene: a VMobject and its family."""

    def __init__(self, mobject: Mobject, *, appear: bool, **kwargs: Any) -> None:
        super().__init__(mobject, introducer=appear, remover=not appear, **kwargs)
        self.appear = appear

    def begin(self) -> None:
        centre = np.array(self.mobject.get_critical_point(ORIGIN), copy=True)
        self.parts = self.mobject.family_members_with_points()
        self.ends = []
        for part in self.parts:
            shown = (part.points.copy(), _colors(part))
            faded = ((part.points - centre) + centre, _faded(part))
            self.ends.append((faded, shown) if self.appear else (shown, faded))
        super().begin()

    def create_starting_mobject(self) -> Mobject:
        return self.mobject  # the ends are kept in `begin`: no copy

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        for part, ((start, start_colors), (end, end_colors)) in zip(
            self.parts, self.ends, strict=True
        ):
            part.points = interpolate(start, end, t)
            for attr, a, b in zip(COLOR_ATTRS, start_colors, end_colors, strict=True):
                setattr(part, attr, _copy(b) if t == 1.0 else interpolate(a, b, t))
