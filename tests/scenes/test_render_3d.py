"""The 3D scene: its geometry (heights, visibility, projection, fit) and tiny real renders."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from media import rgb
from optiroll.cli import cli
from optiroll.optim.experiment import build_experiment
from optiroll.plan.layout import Box, clip_polyline
from optiroll.plan.relief import (
    LIFT,
    PHI,
    SAMPLE_SPACING,
    THETA_END,
    THETA_START,
    Camera3D,
    layout_surface3d,
    screen_to_pixels,
    unit_relief,
)
from optiroll.plan.settings import RenderSettings, resolve_settings
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
    lifted = RELIEF.to_scene(path)
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
    for theta in np.linspace(THETA_START, THETA_END, 23):  # between the fit's samples too
        shown = Camera3D(PHI, theta).project(RELIEF.grid(41).reshape(-1, 3))
        box = Box(shown[:, 0].min(), shown[:, 1].min(), shown[:, 0].max(), shown[:, 1].max())
        assert box.top <= LAYOUT.header.bottom + 0.05
        assert box.bottom >= legend.top - 0.05
        assert -SETTINGS.frame_width / 2 < box.left and box.right < SETTINGS.frame_width / 2


def test_one_optimizer_gets_a_title_and_no_legend():
    single = layout_surface3d(SETTINGS, build_experiment(optimizer_specs=["adam"]))
    assert single.legend is None
    assert single.relief.scale > RELIEF.scale  # the legend's room goes to the relief


# Real renders, tiny. Four steps: 4 x 0.2 s is exact in floating point; 3 x 0.2 s is not, and
# Manim then makes one frame more than `expected_frames` counts.
pytest.importorskip("manim")
STEPS = 4


def render(tmp_path: Path, *args: str, name: str) -> tuple[Path, dict]:
    out = tmp_path / name
    command = ["render", "surface3d", "-n", str(STEPS), "--quality", "preview", "-O", str(out)]
    result = CliRunner().invoke(cli, [*command, *args])
    assert result.exit_code == 0, result.output
    return out, json.loads((tmp_path / (name + ".json")).read_text())


def color_near(frame: np.ndarray, pixel, color: str, reach: int = 2) -> int:
    """The smallest channel distance to `color` in a small square around (column, row)."""
    col, row = (int(round(v)) for v in pixel)
    patch = frame[row - reach : row + reach + 1, col - reach : col + reach + 1].reshape(-1, 3)
    return int(np.abs(patch - rgb(color)).max(axis=1).min())


def test_a_gif_has_the_frames_and_size_asked(tmp_path):
    from PIL import Image

    path, sidecar = render(tmp_path, "-o", "adam", name="one.gif")
    settings = RenderSettings(**sidecar["settings"])
    with Image.open(path) as im:
        assert im.size == (426, 240)
        assert im.n_frames == expected_frames(settings, STEPS) == sidecar["output"]["frames"]
    panel = sidecar["panels"][0]
    assert panel["kind"] == "surface3d"
    assert panel["camera_end"]["theta_degrees"] == pytest.approx(math.degrees(THETA_END))


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
