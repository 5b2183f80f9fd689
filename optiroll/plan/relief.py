"""The 3D view of a loss surface, as pure geometry: heights, lifted paths, the orbiting camera.

No Manim here: the scene draws what this computes, and the side-car and the tests use the same
numbers (`Camera3D.project` is Manim's ThreeDCamera projection, checked against it in a test).

Height is a square root of the loss, scaled so the steepest wall rises less steeply than the
camera looks down. A square root keeps a shallow axis visible beside a steep one (on the book's
surface the x-valley's rim reaches 35% of the height, not the 17% a linear scale leaves it), and
the slope bound means no part of the surface can hide another part from the camera at any orbit
angle, which is what makes Cairo's painter's algorithm (it sorts whole mobjects, not pixels) draw
balls and trails correctly on top of the mesh.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..optim.experiment import Experiment
from ..optim.surfaces import Surface, Window
from .layout import Box, scene_box_to_pixels
from .settings import RenderSettings

PHI = math.radians(40.0)  # the camera's angle from straight down: it looks down at 50 degrees
THETA_START, THETA_END = math.radians(-118.0), math.radians(-62.0)  # the orbit while balls roll
FOCAL_DISTANCE = 20.0  # Manim's default perspective
SLOPE_MARGIN = 0.85  # the steepest wall, as a fraction of the camera's slope
SOFTEN = 0.01  # sqrt(f + SOFTEN * range) keeps the bottom of the bowl round, not a cone's tip
LIFT = 0.03  # trails and balls float this far (scene units) above the mesh, never through it
SAMPLE_SPACING = 0.08  # scene units between the samples of a trail lifted onto the surface
GRID = 81  # samples along each axis for the surface's range, slopes and the fit


@dataclass(frozen=True)
class Camera3D:
    """Manim's ThreeDCamera angles (radians) and its projection (`project_points`)."""

    phi: float
    theta: float
    focal_distance: float = FOCAL_DISTANCE
    gamma: float = 0.0
    zoom: float = 1.0

    def rotation(self) -> np.ndarray:
        """Manim's rotation: about z by -theta - 90 degrees, about x by -phi, about z by gamma."""

        def about_z(a: float) -> np.ndarray:
            c, s = math.cos(a), math.sin(a)
            return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])

        c, s = math.cos(-self.phi), math.sin(-self.phi)
        about_x = np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
        return about_z(self.gamma) @ about_x @ about_z(-self.theta - math.pi / 2)

    def project(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) scene points -> (..., 2) points on the screen, in scene units."""
        rotated = np.asarray(points, dtype=np.float64) @ self.rotation().T
        factor = self.focal_distance / (self.focal_distance - rotated[..., 2]) * self.zoom
        return rotated[..., :2] * factor[..., None]

    def to_dict(self) -> dict:
        return {
            "phi_degrees": math.degrees(self.phi),
            "theta_degrees": math.degrees(self.theta),
            "gamma_degrees": math.degrees(self.gamma),
            "focal_distance": self.focal_distance,
            "zoom": self.zoom,
        }


@dataclass(frozen=True)
class Relief:
    """The surface over its view window as a height field in scene space, centred on the origin.

    Data (x, y) maps to scene (x, y) at `scale` scene units per data unit on both axes; loss maps
    to height through `height_of`; the whole relief is shifted down by `z_offset`.
    """

    surface: Surface
    window: Window
    scale: float
    height: float
    z_offset: float
    f_min: float
    f_max: float

    @property
    def soften(self) -> float:
        return SOFTEN * max(self.f_max - self.f_min, 1e-12)

    def height_of(self, losses: np.ndarray) -> np.ndarray:
        """Loss -> scene z: a square root of the loss above the window's minimum, scaled."""
        top = math.sqrt(self.f_max - self.f_min + self.soften) - math.sqrt(self.soften)
        lifted = np.sqrt(np.maximum(np.asarray(losses) - self.f_min, 0.0) + self.soften)
        if not top > 0:  # a flat surface: a flat relief
            return np.zeros_like(lifted) - self.z_offset
        return self.height * (lifted - math.sqrt(self.soften)) / top - self.z_offset

    def on_surface(self, points: np.ndarray, lift: float = 0.0) -> np.ndarray:
        """(..., 2) data points -> (..., 3) scene points on the surface, `lift` above it."""
        points = np.asarray(points, dtype=np.float64)
        cx, cy = self.window.center
        sx = (points[..., 0] - cx) * self.scale
        sy = (points[..., 1] - cy) * self.scale
        return np.stack([sx, sy, self.height_of(self.surface.value(points)) + lift], axis=-1)

    def to_scene(self, points: np.ndarray) -> np.ndarray:
        """A point (2,) -> (3,) just above the surface; a polyline (m, 2) -> the surface under it.

        A polyline comes back sampled along each segment (about every SAMPLE_SPACING scene
        units), so a trail follows the surface between iterates instead of cutting through it.
        This is the `PlotArea.to_scene` interface, so `TrailedBall` draws on a relief unchanged.
        """
        points = np.asarray(points, dtype=np.float64)
        if points.ndim == 1:
            return self.on_surface(points, LIFT)
        return self.on_surface(self.sample_path(points), LIFT)

    def sample_path(self, points: np.ndarray) -> np.ndarray:
        """Points along the straight segments between iterates, every SAMPLE_SPACING or closer."""
        if len(points) < 2:
            return points
        pieces = [points[:1]]
        for a, b in zip(points[:-1], points[1:], strict=False):
            n = max(1, math.ceil(float(np.hypot(*(b - a))) * self.scale / SAMPLE_SPACING))
            t = np.arange(1, n + 1)[:, None] / n
            pieces.append(a + t * (b - a))
        return np.concatenate(pieces)

    @property
    def box(self) -> Box:
        """The footprint in scene x and y (sizes marks the way a 2D plot's box does)."""
        w = (self.window.x_max - self.window.x_min) * self.scale
        h = (self.window.y_max - self.window.y_min) * self.scale
        return Box(-w / 2, -h / 2, w / 2, h / 2)

    def grid(self, n: int = GRID) -> np.ndarray:
        """(n, n, 3) scene points of the surface over the whole window."""
        w = self.window
        xs, ys = np.linspace(w.x_min, w.x_max, n), np.linspace(w.y_min, w.y_max, n)
        return self.on_surface(np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1))


@dataclass(frozen=True)
class Surface3DLayout:
    """Where the relief, the header (title, counter) and the legend go, and the camera's path."""

    relief: Relief
    header: Box
    legend: Box | None
    legend_columns: int
    start_camera: Camera3D
    end_camera: Camera3D

    def camera_at(self, fraction: float) -> Camera3D:
        """The camera `fraction` (0..1) of the way along its orbit."""
        a, b = self.start_camera.theta, self.end_camera.theta
        return Camera3D(self.start_camera.phi, a + (b - a) * min(max(fraction, 0.0), 1.0))


def unit_relief(surface: Surface) -> Relief:
    """The relief at scale 1 (one scene unit per data unit), its height from the slope bound."""
    w = surface.window
    xs, ys = np.linspace(w.x_min, w.x_max, GRID), np.linspace(w.y_min, w.y_max, GRID)
    values = surface.value(np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1))
    finite = values[np.isfinite(values)]
    relief = Relief(surface, w, 1.0, 1.0, 0.0, float(finite.min()), float(finite.max()))
    gx, gy = np.gradient(relief.height_of(values), xs, ys)
    slope = float(np.nanmax(np.hypot(gx, gy)))
    # A flat surface has no slope to bound: any height draws it flat.
    height = SLOPE_MARGIN * math.tan(math.pi / 2 - PHI) / slope if slope > 0 else 1.0
    return Relief(surface, w, 1.0, height, 0.0, relief.f_min, relief.f_max)


def _scaled(relief: Relief, scale: float, z_offset: float) -> Relief:
    return Relief(
        relief.surface,
        relief.window,
        scale,
        relief.height * scale,
        z_offset,
        relief.f_min,
        relief.f_max,
    )


def _screen_extent(relief: Relief, cameras: list[Camera3D]) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of the relief on screen over every camera position."""
    grid = relief.grid(21).reshape(-1, 3)
    shown = np.concatenate([camera.project(grid) for camera in cameras])
    return (
        float(shown[:, 0].min()),
        float(shown[:, 1].min()),
        float(shown[:, 0].max()),
        float(shown[:, 1].max()),
    )


def fit_relief(surface: Surface, area: Box, cameras: list[Camera3D]) -> Relief:
    """The largest relief that stays inside `area` (its centre height-shifted onto the area's)."""
    unit = unit_relief(surface)

    def fitted(scale: float) -> tuple[Relief, bool]:
        relief = _scaled(unit, scale, 0.0)
        for _ in range(3):  # the vertical shift moves the picture by about sin(phi) per unit
            left, bottom, right, top = _screen_extent(relief, cameras)
            shift = ((bottom + top) / 2 - area.center[1]) / math.sin(PHI)
            relief = _scaled(unit, scale, relief.z_offset + shift)
        left, bottom, right, top = _screen_extent(relief, cameras)
        inside = right - left <= area.width and top - bottom <= area.height
        return relief, inside

    low, high = 1e-3, 10.0
    for _ in range(40):
        middle = math.sqrt(low * high)
        low, high = (middle, high) if fitted(middle)[1] else (low, middle)
    return fitted(low)[0]


def layout_surface3d(settings: RenderSettings, experiment: Experiment) -> Surface3DLayout:
    """The header strip on top, a legend strip at the bottom for several balls, the relief between."""
    fw, fh = settings.frame_width, settings.frame_height
    frame = Box(-fw / 2, -fh / 2, fw / 2, fh / 2).shrink(0.2)
    header, body = frame.split_top(0.5)
    n = len(experiment.optimizers)
    legend, columns = None, 1
    if n > 1:
        columns = 1 if fw < 10 else 2
        rows = math.ceil(n / columns)
        legend = Box(body.left, body.bottom, body.right, body.bottom + 0.42 * rows + 0.1)
        body = Box(body.left, legend.top, body.right, body.top)
    # Horizontally the relief stays centred (the orbit turns about the screen's centre).
    half = min(body.right, -body.left)
    area = Box(-half, body.bottom, half, body.top).shrink(0.15)
    start, end = Camera3D(PHI, THETA_START), Camera3D(PHI, THETA_END)
    orbit = [Camera3D(PHI, t) for t in np.linspace(THETA_START, THETA_END, 9)]
    relief = fit_relief(experiment.surface, area, orbit)
    return Surface3DLayout(relief, header, legend, columns, start, end)


def screen_to_pixels(point: np.ndarray, settings: RenderSettings) -> list[float]:
    """[column, row] in pixels (from the top left) of a point on the screen in scene units."""
    x, y = float(point[0]), float(point[1])
    px = scene_box_to_pixels(
        Box(x, y, x, y),
        settings.frame_width,
        settings.frame_height,
        settings.width,
        settings.height,
    )
    return px[:2]


def sidecar_panel(
    layout: Surface3DLayout, settings: RenderSettings, trajectories: list, scale: float = 1.0
) -> dict:
    """The 3D scene's side-car panel, from the `layout` it was drawn with: relief, camera, and
    where each ball is in the last frame.

    `scale` shrinks pixel positions with a GIF made smaller to fit --max-size.
    """
    relief, camera = layout.relief, layout.end_camera

    def pixels(screen: np.ndarray) -> list[float]:
        return [round(v * scale, 3) for v in screen_to_pixels(screen, settings)]

    shown = camera.project(relief.grid(21).reshape(-1, 3))
    corners = [shown[:, 0].min(), shown[:, 1].max(), shown[:, 0].max(), shown[:, 1].min()]
    balls = []
    for i, trajectory in enumerate(trajectories):
        last = trajectory.points[-1]
        inside = bool(relief.window.contains(last))
        balls.append(
            {
                "run": i,
                "last_pixel": pixels(camera.project(relief.to_scene(last))) if inside else None,
            }
        )
    return {
        "kind": "surface3d",
        "pixel_rect": pixels(np.array(corners[:2])) + pixels(np.array(corners[2:])),
        "pixel_rect_at": "the last frame",
        "data_window": relief.window.as_list(),
        "runs": list(range(len(trajectories))),
        "relief": {
            "scene_units_per_data_unit": relief.scale,
            "rule": "z = height * (sqrt(f - f_min + soften) - sqrt(soften)) / "
            "(sqrt(f_max - f_min + soften) - sqrt(soften)) - z_offset",
            "height": relief.height,
            "f_min": relief.f_min,
            "f_max": relief.f_max,
            "soften": relief.soften,
            "z_offset": relief.z_offset,
        },
        "camera_start": layout.start_camera.to_dict(),
        "camera_end": camera.to_dict(),
        "balls": balls,
    }
