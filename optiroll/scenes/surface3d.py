"""The `surface3d` scene: the loss surface as a shaded mesh, balls rolling on it, a slow orbit.

Geometry (heights, camera, fit) comes from `relief.py`; the balls are the 2D scenes' `TrailedBall`
drawn through a `Relief`, which lifts their trails onto the surface. Cairo sorts whole mobjects,
so the mesh is faces (sorted by depth, Manim's `Surface`) and the balls, trails and labels are
drawn after it: right because the relief's slope bound lets nothing on it be hidden.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
from manim import (
    RIGHT,
    ManimColor,
    Surface,
    ThreeDScene,
    ValueTracker,
    interpolate_color,
    linear,
)

from ..plan.layout import Box
from ..plan.relief import Relief, Surface3DLayout, layout_surface3d, sidecar_panel
from ..plan.theme import ColorScheme
from .base import OptirollScene
from .legend import legend
from .mobjects import StepCounter, TrailedBall, label
from .style import Style

# Faces in the mesh: each is a Cairo polygon redrawn every frame while the camera turns, so this
# sets the time per frame (about 0.4 ms a face at 854x480).
FACES = 560
# Faces take one of HEIGHT_BANDS x LIGHT_BANDS colours, like a contour map's bands: a GIF's
# palette (64 colours, taken from the frames) then keeps room for the balls' exact colours.
HEIGHT_BANDS, LIGHT_BANDS = 7, 3
SUN = np.array([-1.0, 1.0, 2.0]) / np.sqrt(6.0)  # where the light comes from, fixed in the scene
BALL_SHARE = 0.03  # of the relief's short side: larger than on a flat plot, to read on the mesh


def mesh_resolution(relief: Relief, faces: int = FACES) -> tuple[int, int]:
    """(along x, along y) cells of about square shape, about `faces` in all."""
    w = relief.window
    aspect = (w.x_max - w.x_min) / (w.y_max - w.y_min)
    along_x = max(4, round(math.sqrt(faces * aspect)))
    return along_x, max(4, round(faces / along_x))


def relief_mesh(relief: Relief, style: Style) -> Surface:
    """The surface over its window, each face coloured by its height and lit from a fixed sun.

    The faces are drawn unsorted and unshaded by Manim: nothing on the relief hides anything
    else (see `relief.py`), so their order does not matter, and Manim's shading adds up to 50%
    white, which loses the surface's top against a white page.
    """
    w = relief.window
    mesh = Surface(
        lambda u, v: relief.on_surface(np.array([u, v])),
        u_range=(w.x_min, w.x_max),
        v_range=(w.y_min, w.y_max),
        resolution=mesh_resolution(relief),
        checkerboard_colors=False,
        stroke_color=style.scheme.frame,
        stroke_width=style.stroke * 0.2,
    )
    low, high = surface_colors(style.scheme)
    bottom, top = relief.height_of(relief.f_min), relief.height_of(relief.f_max)
    for face in mesh:
        corners = relief.on_surface(
            np.array(
                [[face.u1, face.v1], [face.u2, face.v1], [face.u2, face.v2], [face.u1, face.v2]]
            )
        )
        level = (
            float(np.clip((corners[:, 2].mean() - bottom) / (top - bottom), 0, 1))
            if top > bottom
            else 0.0
        )
        color = interpolate_color(low, high, band(level, HEIGHT_BANDS))
        face.shade_in_3d = False
        face.set_fill(ManimColor.from_rgb(color.to_rgb() * light(corners)), opacity=1)
    return mesh


def surface_colors(scheme: ColorScheme) -> tuple[ManimColor, ManimColor]:
    """(valley, rim) colours from the theme's contour colour, both apart from the background."""
    base = ManimColor(scheme.contour_low)
    return base, interpolate_color(base, ManimColor(scheme.background), 0.6)


def band(value: float, bands: int) -> float:
    """`value` (0..1) rounded to one of `bands` evenly spaced levels."""
    return round(value * (bands - 1)) / (bands - 1)


def light(corners: np.ndarray) -> float:
    """Brightness 0.75..1 of a face (4 corners, (4, 3)) lit from above on the left, in bands."""
    normal = np.cross(corners[2] - corners[0], corners[3] - corners[1])
    normal = normal / (np.linalg.norm(normal) or 1.0) * np.sign(normal[2] or 1.0)
    return 0.75 + 0.25 * band(max(0.0, float(normal @ SUN)), LIGHT_BANDS)


class SurfaceFigure(OptirollScene, ThreeDScene):
    """Balls rolling on the 3D surface along precomputed trajectories while the camera orbits."""

    @cached_property
    def layout(self) -> Surface3DLayout:
        return layout_surface3d(self.settings, self.experiment)

    def sidecar_panels(self, scale: float) -> list[dict]:
        """The side-car's view of the scene: the relief, the camera, each ball's last pixel."""
        return [sidecar_panel(self.layout, self.settings, self.trajectories, scale)]

    def construct(self) -> None:
        s, layout = self.settings, self.layout
        style = self.style
        relief = layout.relief
        start = layout.start_camera
        self.set_camera_orientation(
            phi=start.phi, theta=start.theta, focal_distance=start.focal_distance
        )
        tracker = ValueTracker(0.0)
        steps = max(len(t.points) - 1 for t in self.trajectories)

        self.add(relief_mesh(relief, style))
        radius = style.ball_radius(relief.box, share=BALL_SHARE)
        for i, trajectory in enumerate(self.trajectories):
            ball = TrailedBall(
                trajectory,
                relief,
                tracker=tracker,
                style=style,
                color=style.run_color(i),
                radius=radius,
            )
            self.add(ball)
            # Discs facing the camera, not flattened onto the floor.
            self.renderer.camera.add_fixed_orientation_mobjects(ball.ball)
            for part in ball.diverged_mark or ():  # the cross and the text, each at its place
                self.renderer.camera.add_fixed_orientation_mobjects(part)
        self.add_fixed_in_frame_mobjects(*self._labels(style, tracker))

        self.play(
            tracker.animate.set_value(float(steps)),
            self.renderer.camera.theta_tracker.animate.set_value(layout.end_camera.theta),
            run_time=steps * s.seconds_per_step,
            rate_func=linear,
        )
        self.wait(s.hold_seconds)

    def _labels(self, style: Style, tracker: ValueTracker) -> list:
        """Title or legend, the surface's formula, the height note and the step counter."""
        words = style.words
        header = self.layout.header
        height = header.height * 0.6
        mobs = []
        if self.layout.legend is None:
            title = label(
                words.label(self.trajectories[0].optimizer),
                height=height,
                max_width=header.width * 0.6,
                style=style,
            )
            mobs.append(title.move_to([header.left, header.center[1], 0], aligned_edge=-RIGHT))
        else:
            entries = [
                (words.label(t.optimizer), style.run_color(i))
                for i, t in enumerate(self.trajectories)
            ]
            mobs.append(
                legend(entries, self.layout.legend, style=style, columns=self.layout.legend_columns)
            )
        note = label(
            f"{self.experiment.surface.formula}   {words.height_note}",
            height=height * 0.75,
            max_width=header.width * 0.6,
            style=style,
            color=style.scheme.muted_text,
        )
        below = Box(header.left, header.bottom - 0.4, header.right, header.bottom)
        if self.layout.legend is None:
            note.move_to([below.left, below.center[1], 0], aligned_edge=-RIGHT)
        else:
            note.move_to([header.left, header.center[1], 0], aligned_edge=-RIGHT)
        mobs.append(note)
        counter = StepCounter(self.experiment.steps, tracker=tracker, header=header, style=style)
        return [*mobs, counter.fixed, counter]
