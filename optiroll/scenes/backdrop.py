"""A camera that keeps pictures of the parts of the page that stay put across many plays.

Manim's Cairo renderer paints a play's still mobjects once, into a static image, but paints it
anew for every play and every wait. A board plays hundreds of them (each step's beats), and
redrew its contour map, titles and legends each time, though only the rule changes between the
beats of a step, and the readout and caption once a step. The scene names what holds still, in
layers (`hold`); every picture that starts with exactly the mobjects of the first layers starts
from the kept pixels instead: the same pixels, since Cairo draws them in the same order onto the
same page.

It also paints a dissolve's `Picture` (`dissolve.py`): each of its two pages once, then their
pixels mixed in every frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from manim import Camera, Mobject
from manim.utils.family import extract_mobject_family_members

from .dissolve import Mix, Picture


class BackdropCamera(Camera):
    """Manim's camera, starting a fresh picture from kept pixels when the picture begins with
    held layers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.layers: list[list[Mobject]] = []  # each held layer's mobjects, as painted
        self.kept: list[np.ndarray] = []  # the page with layers 0..i painted, for the first layers
        self.fresh = False  # the pixels are the page's: nothing drawn since `reset`
        super().__init__(*args, **kwargs)

    def hold(self, *layers: Sequence[Mobject]) -> None:
        """Keep pictures of the `layers` (painted in this order on the page) until `release` or
        the next `hold`: none may change meanwhile. The pictures of the first layers the last
        hold had alike are kept on."""
        held = [
            self._drawn(
                extract_mobject_family_members(
                    layer, use_z_index=self.use_z_index, only_those_with_points=True
                )
            )
            for layer in layers
        ]
        alike = 0
        for old, new in zip(self.layers, held, strict=False):
            if not _same(old, new):
                break
            alike += 1
        self.layers, self.kept = held, self.kept[:alike]

    def release(self) -> None:
        self.layers, self.kept = [], []

    def reset(self) -> BackdropCamera:
        self.fresh = True
        return super().reset()

    def set_frame_to_background(self, background: np.ndarray) -> None:
        self.fresh = False
        super().set_frame_to_background(background)

    def capture_mobjects(self, mobjects: Iterable[Mobject], **kwargs: Any) -> None:
        shown = self._drawn(self.get_mobjects_to_display(mobjects, **kwargs))
        fresh, self.fresh = self.fresh, False
        start, matched = 0, 0
        for layer in self.layers if fresh else ():
            if not _same(shown[start : start + len(layer)], layer):
                break
            start, matched = start + len(layer), matched + 1
        if matched:
            kept = min(matched, len(self.kept))
            if kept:
                self.set_pixel_array(self.kept[kept - 1])
            for layer in self.layers[kept:matched]:
                super().capture_mobjects(layer, include_submobjects=False)
                self.kept.append(self.pixel_array.copy())
        self._paint(shown[start:])

    def _paint(self, mobjects: list[Mobject]) -> None:
        """Paint `mobjects` in order over the pixels: a dissolve's picture replaces them."""
        run: list[Mobject] = []
        for mob in mobjects:
            if isinstance(mob, Picture):
                super().capture_mobjects(run, include_submobjects=False)
                run = []
                if mob.pages is None:
                    mob.pages = Mix(self._page(mob.before), self._page(mob.after))
                mob.pages.into(self.pixel_array, mob.mix)
            else:
                run.append(mob)
        super().capture_mobjects(run, include_submobjects=False)

    def _page(self, mobjects: list[Mobject]) -> np.ndarray:
        """The empty page with `mobjects` painted on it; the pixels are left as they were."""
        pixels = self.pixel_array.copy()
        self.set_pixel_array(self.background)
        Camera.capture_mobjects(self, mobjects)
        page = self.pixel_array.copy()
        self.pixel_array[...] = pixels
        return page

    def get_mobjects_to_display(
        self,
        mobjects: Iterable[Mobject],
        include_submobjects: bool = True,
        excluded_mobjects: list | None = None,
    ) -> list[Mobject]:
        """Manim's list, without walking each member's family again when the list already holds
        every member after its parent (a play's still or moving mobjects, as Manim passes them):
        then the walk gives the members with points, in the list's order."""
        listed = list(mobjects)
        if include_submobjects and not excluded_mobjects and _closed(listed):
            shown = [m for m in listed if m.get_num_points() > 0]
            return sorted(shown, key=lambda m: m.z_index) if self.use_z_index else shown
        return super().get_mobjects_to_display(listed, include_submobjects, excluded_mobjects)

    def _drawn(self, mobjects: list[Mobject]) -> list[Mobject]:
        """Those the camera paints: not a bare Mobject (a finished play's tracker, a wait's
        placeholder, which Manim leaves in the scene and lists among the still ones)."""
        return [
            m for m in mobjects if isinstance(m, Picture) or self.type_or_raise(m) is not Mobject
        ]


def _same(a: list[Mobject], b: list[Mobject]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _closed(mobjects: list[Mobject]) -> bool:
    """Whether every submobject of each is in the list, once, after it."""
    position = {id(m): i for i, m in enumerate(mobjects)}
    if len(position) != len(mobjects):
        return False
    return all(
        position.get(id(sub), -1) > i for i, m in enumerate(mobjects) for sub in m.submobjects
    )
