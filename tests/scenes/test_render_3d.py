"""The 3D scene: its geometry (heights, visibility, projection, fit, orbit, light, contours) and
tiny real renders (colour by height, the minimum's mark, the held size, palettes, defaults)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from media import decode, gif_delays, rendered, rgb
from optiroll.cli import cli
from optiroll.optim.experiment import build_experiment
from optiroll.plan.colormap import relief_colors, srgb_to_oklab
from optiroll.plan.layout import Box, clip_polyline, scene_box_to_pixels
from optiroll.plan.relief import (
    LIFT,
    PHI,
    SAMPLE_SPACING,
    THETA_END,
    THETA_START,
    Camera3D,
    diagonal,
    layout_surface3d,
    screen_box,
    screen_to_pixels,
    unit_relief,
)
from optiroll.plan.settings import RenderSettings, resolve_settings
from optiroll.plan.theme import theme
from optiroll.plan.timeline import expected_frames

BOOK = build_experiment()
SETTINGS = resolve_settings("surface3d")
LAYOUT = layout_surface3d(SETTINGS, BOOK)
RELIEF = LAYOUT.relief


@given(st.floats(0, 30), st.floats(0, 30))
def test_height_rises_with_the_loss(a, b):
    if a <= b:
        assert RELIEF.height_of(a) <= RELIEF.height_of(b)
    if a + 1e-6 < b:
        assert RELIEF.height_of(a) < RELIEF.height_of(b)


def test_the_shallow_valley_keeps_a_third_of_the_height():
    # Linear heights would leave the x-rim (loss 5) a sixth of the y-rim's (25); the square root
    # keeps the long valley visible beside the steep walls.
    bottom = RELIEF.height_of(0.0)
    x_rim = RELIEF.height_of(BOOK.surface.value(np.array([10.0, 0.0]))) - bottom
    y_rim = RELIEF.height_of(BOOK.surface.value(np.array([0.0, 5.0]))) - bottom
    assert x_rim / y_rim > 1 / 3 > 5 / 25


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-10, 10),
    st.floats(-5, 5),
    st.floats(THETA_START, THETA_END),
)
def test_no_part_of_the_surface_hides_another_from_the_camera(x, y, theta):
    # March from a point on the surface straight towards the camera: the ray must stay above the
    # surface until it leaves the window. This is why Cairo may draw balls after the mesh.
    camera = Camera3D(PHI, theta)
    towards = np.linalg.inv(camera.rotation()) @ np.array([0.0, 0.0, 1.0])  # scene direction
    start = RELIEF.on_surface(np.array([x, y]))
    for distance in np.linspace(0.05, 20, 400):
        point = start + distance * towards
        data = np.array([point[0], point[1]]) / RELIEF.scale + np.array(BOOK.surface.window.center)
        if not BOOK.surface.window.contains(data):
            break
        assert point[2] >= RELIEF.on_surface(data)[2] - 1e-9


def test_trails_follow_the_surface_between_iterates():
    path = np.array([[-7.0, 2.0], [-5.0, -1.8], [-3.0, 1.6]])
    lifted = RELIEF.path_to_scene(path)
    assert len(lifted) > 3 * len(path)  # sampled between iterates, not chords
    data = lifted[:, :2] / RELIEF.scale + np.array(BOOK.surface.window.center)
    surface_z = RELIEF.height_of(BOOK.surface.value(data))
    assert lifted[:, 2] == pytest.approx(surface_z + LIFT)
    steps = np.linalg.norm(np.diff(lifted[:, :2], axis=0), axis=1)
    assert steps.max() <= SAMPLE_SPACING + 1e-9
    # Every sample lies on one of the straight segments in the (x, y) plane.
    for p in data:
        on = [
            abs((b - a)[0] * (p - a)[1] - (b - a)[1] * (p - a)[0])
            < 1e-9 * max(1.0, np.linalg.norm(b - a))
            for a, b in zip(path[:-1], path[1:], strict=False)
        ]
        assert any(on)


def test_points_sit_just_above_the_surface_one_for_one():
    """A trail's dots and a ball are points, not a path: each lands where it is, lifted."""
    points = np.array([[-7.0, 2.0], [-5.0, -1.8], [0.0, 0.0]])
    lifted = RELIEF.to_scene(points)
    assert lifted.shape == (3, 3)
    assert lifted[:, 2] == pytest.approx(RELIEF.height_of(BOOK.surface.value(points)) + LIFT)


def test_projection_matches_manims_camera():
    pytest.importorskip("manim")
    from manim import tempconfig
    from manim.camera.three_d_camera import ThreeDCamera

    rng = np.random.default_rng(7)
    points = rng.uniform(-4, 4, size=(50, 3))
    with tempconfig({"pixel_width": 854, "pixel_height": 480}):
        for phi, theta in ((PHI, THETA_START), (PHI, THETA_END), (1.1, 0.3)):
            manim_camera = ThreeDCamera(phi=phi, theta=theta, focal_distance=20.0)
            manim_camera.reset_rotation_matrix()
            ours = Camera3D(phi, theta).project(points)
            assert ours == pytest.approx(manim_camera.project_points(points)[:, :2])


def test_the_relief_stays_on_screen_through_the_whole_orbit():
    legend = LAYOUT.legend
    for fraction in np.linspace(0, 1, 23):  # between the fit's samples too
        camera = LAYOUT.camera_at(fraction)
        assert camera.theta == pytest.approx(THETA_START + (THETA_END - THETA_START) * fraction)
        box = screen_box(RELIEF.grid(41), camera)
        assert box.top <= LAYOUT.header.bottom + 0.05
        assert box.bottom >= legend.top - 0.05
        assert -SETTINGS.frame_width / 2 < box.left and box.right < SETTINGS.frame_width / 2


@pytest.mark.parametrize("preset", ["book", "rosenbrock", "himmelblau", "rastrigin"])
def test_the_orbit_holds_the_reliefs_size_on_screen(preset):
    """At a fixed distance, the long relief seen side-on spans a much smaller box than seen from
    a corner; the camera's zoom holds the box's diagonal through the whole orbit."""
    layout = layout_surface3d(SETTINGS, build_experiment(preset_name=preset))
    outline = layout.relief.grid(41)
    held = [diagonal(screen_box(outline, layout.camera_at(f))) for f in np.linspace(0, 1, 9)]
    assert max(held) / min(held) < 1.01
    if preset == "book":
        plain = [
            diagonal(screen_box(outline, Camera3D(PHI, t))) for t in (THETA_START, -math.pi / 2)
        ]
        assert plain[0] / plain[1] > 1.1  # what the zoom makes up for


def test_the_sun_lights_flat_ground_fully_and_slopes_by_their_facing():
    flat = unit_relief(build_experiment(surface_name="expr:0*x + 5").surface)
    assert flat.sunlight(np.array([[1.0, 2.0], [-3.0, 0.5]])) == pytest.approx([1.0, 1.0])
    # The book's bowl: its bottom is flat. The sun is on the camera's side (negative y), so the
    # far wall (rising towards +y, facing -y) is lit more than flat ground, the near one less.
    bottom, facing, away = RELIEF.sunlight(np.array([[0.0, 0.0], [0.0, 4.0], [0.0, -4.0]]))
    assert bottom == pytest.approx(1.0)
    assert facing > 1.0 > away


def test_the_mesh_spans_the_window_with_levels_from_bottom_to_top():
    mesh = RELIEF.mesh()
    nx, ny = mesh.levels.shape
    assert mesh.points.shape == (nx, ny, 3) and 1500 < (nx - 1) * (ny - 1) < 2500
    w = BOOK.surface.window
    corners = mesh.points[[0, -1], :, :2][:, [0, -1]].reshape(-1, 2) / RELIEF.scale
    assert sorted(map(tuple, corners + np.array(w.center))) == sorted(
        [(w.x_min, w.y_min), (w.x_min, w.y_max), (w.x_max, w.y_min), (w.x_max, w.y_max)]
    )
    assert mesh.levels.min() < 0.01 and mesh.levels.max() == pytest.approx(1.0)
    assert mesh.points[..., 2] == pytest.approx(RELIEF.height * mesh.levels - RELIEF.z_offset)


def test_contours_lie_on_equal_steps_of_the_height():
    levels = RELIEF.contour_levels()
    assert np.diff(levels) == pytest.approx(np.full(len(levels) - 1, levels[0]))
    lines = RELIEF.contour_lines()
    assert len(lines) == len(levels) and all(lines)
    for level, pieces in zip(levels, lines, strict=True):
        for line in pieces:
            on = RELIEF.level_of(BOOK.surface.value(line))
            assert on == pytest.approx(np.full(len(line), level), abs=2e-3)
    assert RELIEF.loss_at_level(levels) == pytest.approx(
        [float(BOOK.surface.value(p[0][0])) for p in lines], rel=1e-2, abs=1e-3
    )


def test_one_optimizer_gets_a_title_and_no_legend():
    single = layout_surface3d(SETTINGS, build_experiment(optimizer_specs=["adam"]))
    assert single.legend is None
    assert single.relief.scale > RELIEF.scale  # the legend's room goes to the relief


# Real renders, tiny. Four steps: 4 x 0.2 s is exact in floating point; 3 x 0.2 s is not, and
# Manim then makes one frame more than `expected_frames` counts.
pytest.importorskip("manim")
STEPS = 4


def render(tmp_path: Path, *args: str, name: str) -> tuple[Path, dict]:
    command = ["surface3d", "-n", str(STEPS), "--quality", "preview", *args]
    return tmp_path / name, rendered(tmp_path / name, *command)


def color_near(frame: np.ndarray, pixel, color: str, reach: int = 2) -> int:
    """The smallest channel distance to `color` in a small square around (column, row)."""
    col, row = (int(round(v)) for v in pixel)
    patch = frame[row - reach : row + reach + 1, col - reach : col + reach + 1].reshape(-1, 3)
    return int(np.abs(patch - rgb(color)).max(axis=1).min())


@pytest.fixture(scope="module")
def orbit_gif(tmp_path_factory) -> tuple[Path, dict]:
    """Two balls, so the formula sits in the header and the legend below the relief."""
    return render(tmp_path_factory.mktemp("orbit"), "-o", "sgd", "-o", "adam", name="orbit.gif")


def test_a_gif_has_the_frames_and_size_asked(orbit_gif):
    from PIL import Image

    path, sidecar = orbit_gif
    settings = RenderSettings(**sidecar["settings"])
    with Image.open(path) as im:
        assert im.size == (426, 240)
    # A held picture is one image shown longer: the delays add up to the planned frames.
    frames = sum(gif_delays(path)) * settings.fps / 100
    assert frames == pytest.approx(expected_frames(settings, STEPS))
    assert sidecar["output"]["frames"] == expected_frames(settings, STEPS)
    panel = sidecar["panels"][0]
    assert panel["kind"] == "surface3d"
    assert panel["camera_end"]["theta_degrees"] == pytest.approx(math.degrees(THETA_END))


def test_the_orbits_gif_keeps_its_shading_in_many_colours(orbit_gif):
    """The scene asks for a refreshed palette of 256 colours: the relief's shading needs far more
    shades than the 32 of a flat figure, and the file holds more than one palette's worth."""
    path, sidecar = orbit_gif
    assert (sidecar["output"]["palette"], sidecar["output"]["colors"]) == ("refreshed", 256)
    frames = decode(path)
    assert len(np.unique(frames[0].reshape(-1, 3), axis=0)) > 128
    assert len(np.unique(np.concatenate(frames).reshape(-1, 3), axis=0)) > 256


def test_the_relief_keeps_its_size_on_screen_through_the_orbit(orbit_gif):
    """Measured in every frame's pixels: the box around everything drawn between the header and
    the legend (the relief, and the balls on it) keeps its diagonal; it is the side-car's."""
    path, sidecar = orbit_gif
    settings = RenderSettings(**sidecar["settings"])
    layout = layout_surface3d(settings, build_experiment(optimizer_specs=["sgd", "adam"]))

    def pixels(box: Box) -> list[float]:  # [left, top, right, bottom]
        return scene_box_to_pixels(
            box, settings.frame_width, settings.frame_height, settings.width, settings.height
        )

    top, bottom = math.ceil(pixels(layout.header)[3]), math.floor(pixels(layout.legend)[1])
    page = rgb(theme(settings.theme).background)

    def drawn_diagonal(frame: np.ndarray) -> float:
        ys, xs = np.nonzero(np.abs(frame[top:bottom].astype(int) - page).max(axis=-1) > 8)
        return math.hypot(np.ptp(xs), np.ptp(ys))

    drawn = [drawn_diagonal(frame) for frame in decode(path)]
    assert max(drawn) / min(drawn) < 1.04
    rects = [moment["pixel_rect"] for moment in sidecar["panels"][0]["orbit"]]
    held = [math.hypot(r[2] - r[0], r[3] - r[1]) for r in rects]
    assert max(held) / min(held) < 1.01
    assert drawn[0] == pytest.approx(held[0], rel=0.04)


def still(tmp_path: Path, optimizer: str, *args: str) -> tuple[np.ndarray, dict, object]:
    """The last frame of a render of one optimizer as RGB ints, its side-car, and the layout it
    was drawn with."""
    from PIL import Image

    path, sidecar = render(tmp_path, "-o", optimizer, *args, name="still.png")
    with Image.open(path) as im:
        frame = np.asarray(im.convert("RGB")).astype(int)
    settings = RenderSettings(**sidecar["settings"])
    layout = layout_surface3d(settings, build_experiment(optimizer_specs=[optimizer], steps=STEPS))
    return frame, sidecar, layout


def band_middle(relief, level: float) -> np.ndarray:
    """A data point right of the paths (x > 2) at `level`, half-way between contour lines, on
    the side of the valley that faces the camera."""
    xs, ys = np.meshgrid(np.linspace(2, 9, 71), np.linspace(0, 4.8, 49))
    points = np.stack([xs.ravel(), ys.ravel()], axis=-1)
    return points[np.argmin(np.abs(relief.level_of(relief.surface.value(points)) - level))]


@pytest.mark.parametrize("page", ["light", "dark"])
def test_the_surface_is_coloured_by_its_height(tmp_path, page):
    frame, sidecar, layout = still(tmp_path, "adam", "--theme", page)
    relief, camera, settings = (
        layout.relief,
        layout.end_camera,
        RenderSettings(**sidecar["settings"]),
    )
    background = theme(page).background
    lightness = []
    for level in (0.05, 0.85):  # the lowest band and a high one
        point = band_middle(relief, level)
        col, row = (
            round(v) for v in screen_to_pixels(camera.project(relief.to_scene(point)), settings)
        )
        expected = relief_colors(
            relief.level_of(relief.surface.value(point)), relief.sunlight(point), background
        )
        assert np.abs(frame[row, col] - 255 * expected).max() <= 10, (level, frame[row, col])
        lightness.append(srgb_to_oklab(frame[row, col] / 255)[0])
    # Along the map: lighter with height, by far more than shading or rounding could make it.
    assert lightness[1] - lightness[0] > 0.15


def test_the_minimum_is_marked_where_the_sidecar_projects_it(tmp_path):
    frame, sidecar, layout = still(tmp_path, "adam")
    minima = sidecar["panels"][0]["minima"]
    assert [m["point"] for m in minima] == [[0.0, 0.0]]
    mark = theme("light").minimum
    assert color_near(frame, minima[0]["last_pixel"], mark, reach=1) <= 30
    # Not just a dark surface: a little way along the valley there is no such colour.
    settings = RenderSettings(**sidecar["settings"])
    aside = layout.end_camera.project(layout.relief.to_scene(np.array([2.5, 0.0])))
    assert color_near(frame, screen_to_pixels(aside, settings), mark, reach=1) > 60


def test_balls_are_where_the_sidecar_projects_them_and_a_diverged_one_is_marked(tmp_path):
    from PIL import Image

    path, sidecar = render(tmp_path, "-o", "sgd:lr=3", "-o", "adam", name="last.png")
    with Image.open(path) as im:
        frame = np.asarray(im.convert("RGB")).astype(int)
    panel = sidecar["panels"][0]
    sgd, adam = panel["balls"]
    assert sgd["last_pixel"] is None  # it left the window
    assert color_near(frame, adam["last_pixel"], sidecar["trajectories"][1]["color"]) <= 30
    # The cross marks where SGD left the window, projected with the same camera.
    settings = RenderSettings(**sidecar["settings"])
    experiment = build_experiment(optimizer_specs=["sgd:lr=3", "adam"], steps=STEPS)
    layout = layout_surface3d(settings, experiment)
    points = np.array(sidecar["trajectories"][0]["points"])
    exit_point = clip_polyline(points, layout.relief.window)[-1][-1]
    screen = layout.end_camera.project(layout.relief.to_scene(exit_point))
    assert (
        color_near(frame, screen_to_pixels(screen, settings), sidecar["trajectories"][0]["color"])
        <= 30
    )
    # The page stays white around the relief.
    assert frame[2, 2].tolist() == [255, 255, 255]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stretch"], "--stretch does not apply to surface3d: its x and y share one scale"),
        (["--loss-curve"], "--loss-curve applies to compare and race only, not surface3d"),
    ],
)
def test_options_the_3d_scene_cannot_honour_are_one_line_errors(args, message):
    result = CliRunner().invoke(cli, ["render", "surface3d", *args])
    assert result.exit_code == 2
    assert result.output.strip() == f"optiroll: error: {message}"


def test_a_flat_surface_is_a_flat_relief():
    from optiroll.optim.registry import surface

    relief = unit_relief(surface("expr:0*x + 5"))
    heights = relief.height_of(np.array([5.0, 5.0, 5.0]))
    assert np.all(np.isfinite(heights)) and np.ptp(heights) == 0


def test_the_3d_orbit_defaults_to_a_video_in_render_and_build():
    from optiroll.plan.request import RenderRequest

    assert RenderRequest(scene="surface3d").with_defaults().format == "mp4"
    assert RenderRequest(scene="surface3d", format="gif").with_defaults().format == "gif"


def test_build_gives_a_3d_figure_a_video_and_its_poster(tmp_path):
    """A figures file that names no format for its 3D figure gets MP4 and WebM (a browser plays
    one of them) and the PNG poster, no GIF."""
    figures = tmp_path / "figures.toml"
    figures.write_text(
        'title = "Orbit"\n\n[figures.orbit]\nscene = "surface3d"\noptimizers = ["adam"]\n'
        f'quality = "preview"\nsteps = {STEPS}\nalt = "Adam on the 3D bowl"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(figures), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    media = {p.suffix for p in out.iterdir() if p.stem == "orbit"}
    assert {".mp4", ".webm", ".png"} <= media and ".gif" not in media
    video = decode(out / "orbit.mp4")
    with_poster = json.loads((out / "orbit.png.json").read_text())
    assert video[0].shape[:2] == (360, 640) and len(video) > 1
    assert with_poster["settings"]["scene"] == "surface3d"
