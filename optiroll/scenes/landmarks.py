"""The landmarks of a 2D plot: where the balls start (an open ring), the surface's minima (+) and
saddle points (◇), and a key that names them.

The minima and saddles are drawn over a halo of the page's colour, so added after the balls they
stay readable when a ball sits on them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, VGroup, VMobject
from manim.constants import LineJointType

from ..optim.surfaces import Surface
from ..plan.layout import PlotArea
from .style import DEFAULT_STYLE, Style

MARK_SIZE = 0.1  # half a minimum's arm, a saddle's half-diagonal (scene units): 6 px at 480 px
MARK_STROKE = 4.0
HALO_STROKE = 9.0  # the page-coloured outline under a mark
START_RADIUS = 0.1
START_STROKE = 2.4
BALL_REACH = 1.3  # a landmark's half-size, in radii of a ball sitting on it


def minimum_glyph(centre: np.ndarray, *, size: float = MARK_SIZE, color: str) -> VMobject:
    """A '+' at the scene point `centre`: one path of two strokes."""
    glyph = VMobject(stroke_color=color, stroke_width=MARK_STROKE)
    for arm in (RIGHT, UP):
        glyph.start_new_path(centre - size * arm)
        glyph.add_line_to(centre + size * arm)
    return glyph


def saddle_glyph(centre: np.ndarray, *, size: float = MARK_SIZE, color: str) -> VMobject:
    """An open diamond at the scene point `centre`."""
    corners = [centre + size * d for d in (UP, RIGHT, DOWN, LEFT, UP)]
    glyph = VMobject(stroke_color=color, stroke_width=MARK_STROKE, joint_type=LineJointType.MITER)
    return glyph.set_points_as_corners(corners)


def start_glyph(centre: np.ndarray, *, radius: float = START_RADIUS, color: str) -> VMobject:
    """An open ring at the scene point `centre`."""
    ring = Circle(radius=radius).move_to(centre)
    return ring.set_stroke(color, width=START_STROKE).set_fill(opacity=0)


class Landmarks(VGroup):
    """The minima and saddle points of `surface` inside the plot, over a page-coloured halo: two
    paths in all, however many marks (drawn every frame when added after the balls). Each reaches
    past a ball on it (the style's ball for the plot), so it reads on top of one."""

    def __init__(self, surface: Surface, area: PlotArea, *, style: Style = DEFAULT_STYLE, **kwargs):
        super().__init__(**kwargs)
        scheme = style.scheme
        window = area.window
        size = max(MARK_SIZE, BALL_REACH * style.ball_radius(area.box))
        marks = VMobject(stroke_color=scheme.minimum, stroke_width=MARK_STROKE)
        for points, glyph in ((surface.minima, minimum_glyph), (surface.saddles, saddle_glyph)):
            for point in points:
                if window.contains(np.array(point)):
                    centre = area.to_scene(np.array(point))
                    marks.append_points(glyph(centre, size=size, color=scheme.minimum).points)
        if len(marks.points):
            halo = marks.copy().set_stroke(scheme.background, width=HALO_STROKE)
            self.add(halo, marks)


class StartMarker(VGroup):
    """Where the runs start: an open ring, under the paths, around a ball there (of the style's
    size for the plot) unless `radius` says otherwise."""

    def __init__(
        self,
        start: Sequence[float],
        area: PlotArea,
        *,
        style: Style = DEFAULT_STYLE,
        radius: float | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if radius is None:
            radius = max(START_RADIUS, BALL_REACH * style.ball_radius(area.box))
        point = np.array(start, dtype=float)
        if area.window.contains(point):
            self.add(start_glyph(area.to_scene(point), radius=radius, color=style.scheme.minimum))


GLYPHS = {"start": start_glyph, "minimum": minimum_glyph, "saddle": saddle_glyph}


def landmark_kinds(surface: Surface, area: PlotArea) -> list[str]:
    """What a plot of `surface` in `area` marks, as GLYPHS names them: the start, and minima and
    saddle points when there are any inside."""
    window = area.window

    def inside(points) -> bool:
        return any(window.contains(np.array(p)) for p in points)

    return [
        "start",
        *(["minimum"] if inside(surface.minima) else []),
        *(["saddle"] if inside(surface.saddles) else []),
    ]
