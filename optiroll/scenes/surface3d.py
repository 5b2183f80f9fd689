"""The `surface3d` scene: the loss surface as a smoothly shaded relief, balls rolling on it, a slow
orbit.

Geometry (heights, camera, fit, light) comes from `plan/relief.py` and the height colours from
`plan/colormap.py`; the balls are the 2D scenes' `TrailedBall` drawn through a `Relief`, which
lifts their trails onto the surface. The relief is one Cairo mesh gradient (`ShadedRelief`,
painted by `ReliefCamera`): colours blend across each patch, so there are no faces, seams or
grid to see. Cairo sorts whole mobjects, so contours, balls, trails and marks are drawn after the
relief: right because the relief's slope bound lets nothing on it be hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import cairo
import numpy as np
from manim import (
    RIGHT,
    ThreeDCamera,
    ThreeDScene,
    ValueTracker,
    VGroup,
    VMobject,
    linear,
)

from ..plan.colormap import relief_colors
from ..plan.layout import Box
from ..plan.relief import LIFT, Relief, Surface3DLayout, layout_surface3d, sidecar_panel
from .base import OptirollScene
from .landmarks import Landmarks
from .legend import legend
from .mobjects import StepCounter, TrailedBall, label, polyline
from .style import Style

BALL_SHARE = 0.03  # of the relief's short side: larger than on a flat plot, to read on the relief
CONTOUR_OPACITY = 0.28  # contour lines are the text colour, this opaque: darker (or lighter) than
# the relief under them, whatever its colour there, and quieter than any trail
CASING = 0.7  # strokes of page colour each side of a trail, so it reads on any height


class ShadedRelief(VMobject):
    """A relief's surface: a grid of scene points, each with its colour, blended across every
    patch between them (Gouraud shading); its own points are the outline, stroked.

    Only a `ReliefCamera` paints the mesh; Manim's other cameras draw just the outline. The grid
    is painted where it was given: the mobject is made to stay put, not to be moved.
    """

    def __init__(self, points: np.ndarray, colors: np.ndarray, **kwargs) -> None:
        """`points` (nx, ny, 3) in scene space, `colors` (nx, ny, 3) sRGB in 0..1."""
        super().__init__(fill_opacity=0.0, **kwargs)
        self.grid_points = np.asarray(points, dtype=np.float64)
        self.grid_colors = np.asarray(colors, dtype=np.float64)
        # Manim's Cairo buffer is read as RGBA, so Cairo is handed (b, g, r), as Manim does.
        self._cairo_colors = self.grid_colors[..., ::-1].tolist()
        p = self.grid_points
        ring = np.concatenate([p[:, 0], p[-1, 1:], p[-2::-1, -1], p[0, -2::-1]])
        self.set_points_as_corners(ring)

    def mesh_pattern(self, project: Callable[[np.ndarray], np.ndarray]) -> cairo.MeshPattern:
        """A Cairo mesh of the grid's patches as `project` ((n, 3) -> (n, 3)) shows them."""
        nx, ny = self.grid_points.shape[:2]
        shown = project(self.grid_points.reshape(-1, 3))[:, :2].reshape(nx, ny, 2).tolist()
        colors = self._cairo_colors
        mesh = cairo.MeshPattern()
        for i in range(nx - 1):
            here, there, tint, next_tint = shown[i], shown[i + 1], colors[i], colors[i + 1]
            for j in range(ny - 1):
                mesh.begin_patch()
                mesh.move_to(*here[j])
                mesh.line_to(*there[j])
                mesh.line_to(*there[j + 1])
                mesh.line_to(*here[j + 1])
                mesh.set_corner_color_rgb(0, *tint[j])
                mesh.set_corner_color_rgb(1, *next_tint[j])
                mesh.set_corner_color_rgb(2, *next_tint[j + 1])
                mesh.set_corner_color_rgb(3, *tint[j + 1])
                mesh.end_patch()
        return mesh


class ReliefCamera(ThreeDCamera):
    """Manim's 3D camera, which also paints a `ShadedRelief`'s mesh before drawing its outline."""

    def display_vectorized(self, vmobject: VMobject, ctx: cairo.Context) -> ReliefCamera:
        if isinstance(vmobject, ShadedRelief):
            ctx.set_source(vmobject.mesh_pattern(self.project_points))
            ctx.paint()
        return super().display_vectorized(vmobject, ctx)


def shaded_relief(relief: Relief, style: Style) -> ShadedRelief:
    """The relief coloured by height on the style's page, lit by the scene's fixed sun."""
    mesh = relief.mesh()
    colors = relief_colors(mesh.levels, mesh.sunlight, style.scheme.background)
    return ShadedRelief(
        mesh.points, colors, stroke_color=style.scheme.frame, stroke_width=style.stroke * 0.6
    )


def relief_contours(relief: Relief, style: Style) -> VGroup:
    """One line per contour level (equal steps of the relief's height), lying on the surface."""
    group = VGroup()
    for lines in relief.contour_lines():
        mob = VMobject(
            stroke_color=style.scheme.text,
            stroke_width=style.stroke * 0.4,
            stroke_opacity=CONTOUR_OPACITY,
        )
        group.add(polyline([relief.on_surface(line, LIFT) for line in lines], mob))
    return group


def case(mob: VMobject, style: Style) -> None:
    """Give `mob`'s stroke a casing of page colour, CASING strokes wide each side."""
    width = mob.get_stroke_width() + 2 * CASING * style.stroke
    mob.set_stroke(style.scheme.background, width=width, background=True)


class SurfaceFigure(OptirollScene, ThreeDScene):
    """Balls rolling on the 3D surface along precomputed trajectories while the camera orbits."""

    gif_palette = "refreshed"  # the camera moves: every frame changes

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, camera_class=ReliefCamera, **kwargs)

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
        camera = self.renderer.camera
        start = layout.start_camera
        self.set_camera_orientation(
            phi=start.phi, theta=start.theta, focal_distance=start.focal_distance, zoom=start.zoom
        )
        tracker = ValueTracker(0.0)
        steps = max(len(t.points) - 1 for t in self.trajectories)

        def orbit(theta: ValueTracker) -> None:
            # A run that stopped at its start is seen from where the orbit ends, as the side-car says.
            view = layout.camera_at(tracker.get_value() / steps if steps else 1.0)
            theta.set_value(view.theta)
            camera.set_zoom(view.zoom)

        camera.theta_tracker.add_updater(orbit, call_updater=True)  # also when nothing plays
        self.add(camera.theta_tracker)
        self.add(shaded_relief(relief, style), relief_contours(relief, style))
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
            for line in (ball.trail, ball.head):
                case(line, style)
            self.add(ball)
            # Discs facing the camera, not flattened onto the floor.
            camera.add_fixed_orientation_mobjects(ball.ball)
            for part in ball.diverged_mark or ():  # the cross and the text, each at its place
                camera.add_fixed_orientation_mobjects(part)
        # Above the balls, lying on the surface like its contours.
        self.add(Landmarks(relief.surface, relief, style=style))
        self.add_fixed_in_frame_mobjects(*self._labels(style, tracker))

        if steps:  # a run that stopped at its start has nothing to play, only the hold
            self.play(
                tracker.animate.set_value(float(steps)),
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
