"""A camera that keeps a picture of the parts of the page that stay put across many plays.

Manim's Cairo renderer paints a play's still mobjects once, into a static image, but paints it
anew for every play and every wait. A board plays hundreds of them (each step's beats), and
redrew its contour map, titles and legends each time, though only the rule, the readout and the
caption change between them. The scene names what holds still (`hold`); every picture that
starts with exactly those mobjects starts from the kept pixels instead: the same pixels, since
Cairo draws them in the same order onto the same page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from manim import Camera, Mobject
from manim.utils.family import extract_mobject_family_members


class BackdropCamera(Camera):
    """Manim's camera, starting a fresh picture from a kept backdrop when the picture begins
    with the held mobjects."""

    held: list[Mobject] = []
    held_pixels: np.ndarray | None = None
    fresh = False  # the pixels are the page's: nothing drawn since `reset`

    def hold(self, mobjects: Sequence[Mobject]) -> None:
        """Keep the picture of `mobjects` (in this order, on the page) until `release`: they
        must not change meanwhile."""
        self.held = self._drawn(
            extract_mobject_family_members(
                mobjects, use_z_index=self.use_z_index, only_those_with_points=True
            )
        )
        self.held_pixels = None

    def release(self) -> None:
        self.held, self.held_pixels = [], None

    def reset(self) -> BackdropCamera:
        self.fresh = True
        return super().reset()

    def set_frame_to_background(self, background: np.ndarray) -> None:
        self.fresh = False
        super().set_frame_to_background(background)

    def capture_mobjects(self, mobjects: Iterable[Mobject], **kwargs: Any) -> None:
        shown = self._drawn(self.get_mobjects_to_display(mobjects, **kwargs))
        held, fresh, self.fresh = self.held, self.fresh, False
        starts = len(shown) >= len(held) and all(
            a is b for a, b in zip(shown[: len(held)], held, strict=True)
        )
        if fresh and held and starts:
            if self.held_pixels is None:
                super().capture_mobjects(held, include_submobjects=False)
                self.held_pixels = self.pixel_array.copy()
            else:
                self.set_pixel_array(self.held_pixels)
            shown = shown[len(held) :]
        super().capture_mobjects(shown, include_submobjects=False)

    def _drawn(self, mobjects: list[Mobject]) -> list[Mobject]:
        """Those the camera paints: not a bare Mobject (a finished play's tracker, a wait's
        placeholder, which Manim leaves in the scene and lists among the still ones)."""
        return [m for m in mobjects if self.type_or_raise(m) is not Mobject]
