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
# Where the light comes from, fixed in the scene while the camera turns: high, on the camera's
# side and to its left, so the walls facing the viewer are lit (a sun behind the relief left the
# far wall, the part most in view, in shade).
SUN = np.array([-1.0, -1.0, 2.0]) / math.sqrt(6.0)
MESH_PATCHES = 2000  # shaded patches over the window: a smooth outline and shading at 1080p
CONTOUR_LEVELS = 10  # the contour lines split the relief's height into this many equal steps
CONTOUR_GRID = 240  # samples across the window for tracing them


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

    @property
    def _top(self) -> float:
        """The square-rooted loss at the window's highest point, above its lowest."""
        return math.sqrt(self.f_max - self.f_min + self.soften) - math.sqrt(self.soften)

    def level_of(self, losses: np.ndarray) -> np.ndarray:
        """Loss -> height as a fraction of the relief's, 0 at the lowest point, 1 at the highest.

        A flat surface is all at level 0.
        """
        lifted = np.sqrt(np.maximum(np.asarray(losses) - self.f_min, 0.0) + self.soften)
        if not self._top > 0:
            return np.zeros_like(lifted)
        return (lifted - math.sqrt(self.soften)) / self._top

    def loss_at_level(self, levels: np.ndarray) -> np.ndarray:
        """The loss at each height fraction (`level_of`'s inverse)."""
        lifted = np.asarray(levels, dtype=np.float64) * self._top + math.sqrt(self.soften)
        return self.f_min + lifted**2 - self.soften

    def height_of(self, losses: np.ndarray) -> np.ndarray:
        """Loss -> scene z: a square root of the loss above the window's minimum, scaled."""
        return self.height * self.level_of(losses) - self.z_offset

    def on_surface(self, points: np.ndarray, lift: float = 0.0) -> np.ndarray:
        """(..., 2) data points -> (..., 3) scene points on the surface, `lift` above it."""
        points = np.asarray(points, dtype=np.float64)
        cx, cy = self.window.center
        sx = (points[..., 0] - cx) * self.scale
        sy = (points[..., 1] - cy) * self.scale
        return np.stack([sx, sy, self.height_of(self.surface.value(points)) + lift], axis=-1)

    def to_scene(self, points: np.ndarray) -> np.ndarray:
        """(..., 2) data points -> (..., 3) scene points just above the surface.

        With `path_to_scene`, this is the `PlotArea` interface: `TrailedBall` draws on a relief
        as on a flat plot.
        """
        return self.on_surface(points, LIFT)

    def path_to_scene(self, points: np.ndarray) -> np.ndarray:
        """A polyline (m, 2) of data points -> scene points on the surface along it.

        Sampled along each segment (about every SAMPLE_SPACING scene units), so a trail follows
        the surface between iterates instead of cutting through it.
        """
        return self.on_surface(self.sample_path(np.asarray(points, dtype=np.float64)), LIFT)

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

    def mesh(self, patches: int = MESH_PATCHES) -> ReliefMesh:
        """The surface as a grid of about `patches` near-square patches, with each corner's
        height level and sunlight (`ReliefMesh`)."""
        w = self.window
        aspect = (w.x_max - w.x_min) / (w.y_max - w.y_min)
        along_x = max(4, round(math.sqrt(patches * aspect)))
        along_y = max(4, round(patches / along_x))
        xs = np.linspace(w.x_min, w.x_max, along_x + 1)
        ys = np.linspace(w.y_min, w.y_max, along_y + 1)
        data = np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1)
        levels = np.clip(self.level_of(self.surface.value(data)), 0.0, 1.0)
        return ReliefMesh(self.on_surface(data), levels, self.sunlight(data))

    def sunlight(self, points: np.ndarray) -> np.ndarray:
        """At (..., 2) data points, the sun's cosine on the relief relative to flat ground's:
        1 on flat ground, more on slopes facing the sun, 0 where the sun does not reach."""
        points = np.asarray(points, dtype=np.float64)
        losses = self.surface.value(points)
        # d level / d loss, from `level_of`; zero on a flat relief (its top is zero).
        lifted = np.sqrt(np.maximum(losses - self.f_min, 0.0) + self.soften)
        slope = 1 / (2 * self._top * lifted) if self._top > 0 else np.zeros_like(lifted)
        # The height's gradient in scene units: data units are 1/scale scene units.
        grad = self.surface.gradient(points) * (self.height / self.scale * slope)[..., None]
        normals = np.concatenate([-grad, np.ones_like(grad[..., :1])], axis=-1)
        normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
        return np.maximum(normals @ SUN, 0.0) / SUN[2]

    def contour_levels(self, count: int = CONTOUR_LEVELS) -> np.ndarray:
        """The height levels (0..1) of contour lines splitting the relief's height into `count`
        equal steps (none on a flat surface)."""
        return np.arange(1, count) / count if self._top > 0 else np.empty(0)

    def contour_lines(
        self, count: int = CONTOUR_LEVELS, resolution: int = CONTOUR_GRID
    ) -> list[list[np.ndarray]]:
        """For each of `contour_levels(count)`, its lines as (m, 2) arrays of data points.

        Traced on the height (not the loss), which is what the relief shows: the lines are as
        smooth as the surface looks, however many decades the loss spans.
        """
        import contourpy

        w = self.window
        along_y = max(8, round(resolution * (w.y_max - w.y_min) / (w.x_max - w.x_min)))
        xs, ys = np.linspace(w.x_min, w.x_max, resolution), np.linspace(w.y_min, w.y_max, along_y)
        with np.errstate(all="ignore"):
            values = self.surface.value(np.stack(np.meshgrid(xs, ys), axis=-1))
        generator = contourpy.contour_generator(
            xs, ys, self.level_of(values), line_type=contourpy.LineType.Separate
        )
        return [
            [line for line in generator.lines(level) if len(line) > 1]
            for level in self.contour_levels(count)
        ]

    def minima_inside(self) -> list[np.ndarray]:
        """The surface's known minima that lie in the window, as (2,) data points."""
        found = (np.array(m, dtype=np.float64) for m in self.surface.minima)
        return [m for m in found if self.window.contains(m)]


@dataclass(frozen=True)
class ReliefMesh:
    """A relief sampled on a grid: scene points (nx, ny, 3); at each, the height as a fraction
    of the relief's (0..1) and the sunlight (the sun's cosine on the surface, relative to flat
    ground's: 1 on flat ground, more on slopes facing the sun, 0 in shade)."""

    points: np.ndarray
    levels: np.ndarray
    sunlight: np.ndarray


@dataclass(frozen=True)
class Orbit:
    """The camera's path while the balls roll: at one elevation, turning from `theta_start` to
    `theta_end`, and zoomed at each angle so the relief's outline on screen keeps the diagonal
    `extent` (scene units).

    The camera keeps its distance, but a long relief seen from a corner, then side-on, spans a box
    of very different height (on the book's surface 5.9 vs 3.3 units): held at one diagonal, the
    relief keeps its apparent size instead of seeming to back away mid-orbit.
    """

    phi: float
    theta_start: float
    theta_end: float
    extent: float

    def camera(self, relief: Relief, fraction: float) -> Camera3D:
        """The camera `fraction` (0..1) of the way along the orbit."""
        fraction = min(max(fraction, 0.0), 1.0)
        theta = self.theta_start + (self.theta_end - self.theta_start) * fraction
        return held_camera(relief.grid(OUTLINE), self.phi, theta, self.extent)


OUTLINE = 21  # samples along each axis of the relief for its outline on screen


def screen_box(points: np.ndarray, camera: Camera3D) -> Box:
    """The box on screen (scene units) around scene `points` (..., 3) seen by `camera`."""
    shown = camera.project(np.asarray(points).reshape(-1, 3))
    return Box(
        float(shown[:, 0].min()),
        float(shown[:, 1].min()),
        float(shown[:, 0].max()),
        float(shown[:, 1].max()),
    )


def diagonal(box: Box) -> float:
    return math.hypot(box.width, box.height)


def held_camera(outline: np.ndarray, phi: float, theta: float, extent: float) -> Camera3D:
    """The camera at (phi, theta) zoomed so `outline` (scene points) spans `extent` diagonally."""
    plain = Camera3D(phi, theta)
    return Camera3D(phi, theta, zoom=extent / diagonal(screen_box(outline, plain)))


@dataclass(frozen=True)
class Surface3DLayout:
    """Where the relief, the header (title, counter) and the legend go, and the camera's path."""

    relief: Relief
    header: Box
    legend: Box | None
    legend_columns: int
    orbit: Orbit

    def camera_at(self, fraction: float) -> Camera3D:
        """The camera `fraction` (0..1) of the way along its orbit."""
        return self.orbit.camera(self.relief, fraction)

    @property
    def start_camera(self) -> Camera3D:
        return self.camera_at(0.0)

    @property
    def end_camera(self) -> Camera3D:
        return self.camera_at(1.0)


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


def _orbit_box(relief: Relief, phi: float, thetas: np.ndarray) -> tuple[Box, float]:
    """(the box on screen the relief covers over the orbit's `thetas`, the diagonal held):
    each camera is zoomed to hold the diagonal the first one sees unzoomed."""
    outline = relief.grid(OUTLINE)
    extent = diagonal(screen_box(outline, Camera3D(phi, thetas[0])))
    boxes = [screen_box(outline, held_camera(outline, phi, t, extent)) for t in thetas]
    union = Box(
        min(b.left for b in boxes),
        min(b.bottom for b in boxes),
        max(b.right for b in boxes),
        max(b.top for b in boxes),
    )
    return union, extent


def fit_relief(surface: Surface, area: Box, phi: float, thetas: np.ndarray) -> tuple[Relief, float]:
    """The largest relief that stays inside `area` over the orbit's `thetas` (its centre
    height-shifted onto the area's), and the diagonal the orbit holds it at."""
    unit = unit_relief(surface)

    def fitted(scale: float) -> tuple[Relief, float, bool]:
        relief = _scaled(unit, scale, 0.0)
        for _ in range(3):  # the vertical shift moves the picture by about sin(phi) per unit
            box, _ = _orbit_box(relief, phi, thetas)
            shift = (box.center[1] - area.center[1]) / math.sin(phi)
            relief = _scaled(unit, scale, relief.z_offset + shift)
        box, extent = _orbit_box(relief, phi, thetas)
        return relief, extent, box.width <= area.width and box.height <= area.height

    low, high = 1e-3, 10.0
    for _ in range(40):
        middle = math.sqrt(low * high)
        low, high = (middle, high) if fitted(middle)[2] else (low, middle)
    relief, extent, _ = fitted(low)
    return relief, extent


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
    thetas = np.linspace(THETA_START, THETA_END, 9)
    relief, extent = fit_relief(experiment.surface, area, PHI, thetas)
    orbit = Orbit(PHI, THETA_START, THETA_END, extent)
    return Surface3DLayout(relief, header, legend, columns, orbit)


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
    """The 3D scene's side-car panel, from the `layout` it was drawn with: relief, camera, where
    the relief is on screen along the orbit, and where each ball and minimum is in the last frame.

    `scale` shrinks pixel positions with a GIF made smaller to fit --max-size.
    """
    relief, camera = layout.relief, layout.end_camera

    def pixels(screen: np.ndarray) -> list[float]:
        return [round(v * scale, 3) for v in screen_to_pixels(screen, settings)]

    def rect(view: Camera3D) -> list[float]:
        box = screen_box(relief.grid(OUTLINE), view)
        return pixels(np.array([box.left, box.top])) + pixels(np.array([box.right, box.bottom]))

    def last_pixel(point: np.ndarray) -> list[float] | None:
        inside = bool(relief.window.contains(point))
        return pixels(camera.project(relief.to_scene(point))) if inside else None

    return {
        "kind": "surface3d",
        "pixel_rect": rect(camera),
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
            "contour_losses": relief.loss_at_level(relief.contour_levels()).tolist(),
        },
        "camera_start": layout.start_camera.to_dict(),
        "camera_end": camera.to_dict(),
        # The orbit holds the relief's diagonal on screen: its rectangle at three moments.
        "orbit": [
            {"fraction": f, "pixel_rect": rect(layout.camera_at(f))} for f in (0.0, 0.5, 1.0)
        ],
        "minima": [
            {"point": m.tolist(), "last_pixel": last_pixel(m)} for m in relief.minima_inside()
        ],
        "balls": [
            {"run": i, "last_pixel": last_pixel(t.points[-1])} for i, t in enumerate(trajectories)
        ],
    }
