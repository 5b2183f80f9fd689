"""A dissolve: the page as it shows some mobjects turning into the page as it shows others, blended
pixel by pixel, as a film's cross-dissolve.

A lecture changes boards by fading every glyph, line and dot of one board out and of the next in:
Manim repaints both boards, a few hundred paths, in every frame of the change, and that was half
of all the drawing in a lecture. A `Dissolve` paints each page once and then mixes their pixels:
where only one page has a layer of ink, a pixel is the one a fade of that part paints (Cairo mixes
8-bit sRGB values the same way, to within rounding); where layers overlap (the two pages' inks,
or a part's stroke over its fill), one page shows through the other evenly, as in film, instead
of each part's lower layer showing through its upper one as it fades.

The mobject is a `Picture` of the whole frame that a `BackdropCamera` paints (`_paint`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import Animation, Mobject, config


class Picture(Mobject):
    """The frame mixing the page showing `before` with the page showing `after`; `mix` (0 to 1)
    says how far. Its points are the frame's corners: it covers the frame, above what was
    painted before it and below what is painted after."""

    def __init__(self, before: Sequence[Mobject], after: Sequence[Mobject], **kwargs: Any) -> None:
        self.before, self.after = list(before), list(after)
        self.mix = 0.0
        self.pages: Mix | None = None  # painted by the camera at the first frame it shows
        super().__init__(**kwargs)

    def generate_points(self) -> None:
        x, y = config.frame_x_radius, config.frame_y_radius
        self.points = np.array([[-x, -y, 0.0], [x, -y, 0.0], [x, y, 0.0], [-x, y, 0.0]])


class Mix:
    """Two painted pages (RGBA, the same size) and what `into` needs to mix them: only the
    pixels that differ are computed."""

    def __init__(self, before: np.ndarray, after: np.ndarray) -> None:
        self.before = before
        old, new = before.reshape(-1, before.shape[2]), after.reshape(-1, after.shape[2])
        self.changed = np.flatnonzero((old != new).any(axis=1))
        # Kept small (3 bytes a channel: a 4K page is 33 million channels); mixed in float32.
        self.start = old[self.changed]
        self.span = new[self.changed].astype(np.int16) - self.start

    def into(self, pixels: np.ndarray, mix: float) -> None:
        """Write the pages mixed `mix` of the way (0: before; 1: after) into `pixels`."""
        np.copyto(pixels, self.before)
        mixed = self.span * np.float32(mix) + self.start + np.float32(0.5)
        pixels.reshape(-1, pixels.shape[2])[self.changed] = mixed.astype(np.uint8)


class Dissolve(Animation):
    """Dissolve from the page showing `before` to the page showing `after`, which neither list
    needs to be in the scene for: the scene shows neither during the dissolve and adds `after`
    once it ends. Other animations of the same play paint over it, as over the page."""

    def __init__(self, before: Sequence[Mobject], after: Sequence[Mobject], **kwargs: Any) -> None:
        super().__init__(Picture(before, after), introducer=True, remover=True, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return self.mobject  # no copy: it would copy both pages' mobjects

    def _setup_scene(self, scene: Any) -> None:
        super()._setup_scene(scene)
        scene.bring_to_back(self.mobject)  # the page under everything else that plays

    def interpolate_mobject(self, alpha: float) -> None:
        self.mobject.mix = self.rate_func(alpha)

    def clean_up_from_scene(self, scene: Any) -> None:
        super().clean_up_from_scene(scene)
        scene.add(*self.mobject.after)
