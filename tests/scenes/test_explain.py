"""The explain scene: step narration checked against hand-computed numbers, and a real render
decoded to check where the gradient arrow, the velocity arrow and the step-size bars are."""

import json
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("manim")

from optiroll.cli import cli  # noqa: E402
from optiroll.optim.experiment import build_experiment  # noqa: E402
from optiroll.plan.beats import step_beats  # noqa: E402
from optiroll.plan.narration import fmt, readout_lines, statements, step_caption  # noqa: E402
from optiroll.plan.settings import resolve_settings  # noqa: E402
from optiroll.plan.theme import LIGHT  # noqa: E402
from optiroll.plan.words import ENGLISH, KOREAN  # noqa: E402
from optiroll.scenes.explain import nice_below  # noqa: E402

FPS = 15  # preview video: 640x360 at 15 fps


def run(optimizer: str, steps: int = 2):
    return build_experiment(None, [optimizer], None, None, steps).run()[0]


def test_adagrad_first_step_caption_has_the_books_numbers():
    # Start (-7, 2) on x**2/20 + y**2: g = (x/10, 2y) = (-0.7, 4); h = g*g = (0.49, 16);
    # the y-step is -1.5 * 4 / (sqrt(16) + 1e-7) = -1.5.
    caption = step_caption(ENGLISH, run("adagrad"), 0)
    assert caption == "h_y = 16.0, so the y-step is −1.50·4.00/√16.0 = −1.50"
    assert step_caption(KOREAN, run("adagrad"), 0).startswith("h_y = 16.0 이므로 y 방향 갱신량은")


def test_momentum_caption_and_readout_follow_the_velocity():
    # v1 = 0.9*0 - 0.1*(-0.7, 4) = (0.07, -0.4); W1 = (-6.93, 1.6), g1 = (-0.693, 3.2);
    # v2_y = 0.9*(-0.4) - 0.1*3.2 = -0.68.
    traj = run("momentum")
    assert step_caption(ENGLISH, traj, 1) == (
        "v_y = αv_y − η·∂L/∂y = 0.900·(−0.400) − 0.100·3.20 = −0.680; the ball moves −0.680 in y"
    )
    lines = readout_lines(ENGLISH, traj, 1)
    assert lines[1] == "∂L/∂W  (−0.693, 3.20)"
    assert lines[2] == "v  (0.132, −0.680)"  # v2_x = 0.9*0.07 + 0.0693 = 0.1323


def test_adam_caption_uses_bias_corrected_moments():
    # t = 1: m_hat = g, v_hat = g*g, so the y-step is -0.3 * 4 / sqrt(16) = -0.3.
    caption = step_caption(ENGLISH, run("adam"), 0)
    assert caption == "m̂_y = 4.00, v̂_y = 16.0, so the y-step is −0.300·4.00/√16.0 = −0.300"


def test_numbers_keep_about_three_digits():
    assert [fmt(v) for v in (16.0, 4.0, 0.375, -1.5, 123.4)] == [
        "16.0",
        "4.00",
        "0.375",
        "−1.50",
        "123",
    ]
    assert [nice_below(v) for v in (0.74, 3.0, 1.0, 0.0999)] == [0.5, 2.0, 1.0, 0.05]


# From 0.3 s a step has a frame for each of its beats at preview's 15 fps (Adam has 3 beats);
# shorter, every beat still takes a whole frame and the step runs long.
@given(st.sampled_from(["sgd", "momentum", "adagrad", "adam"]), st.floats(0.3, 3.0))
def test_a_step_pauses_once_per_state_statement_then_moves(name, seconds):
    settings = resolve_settings("explain", "mp4", "preview", seconds_per_step=seconds)
    optimizer = run(name, 1).optimizer
    state, move = step_beats(settings, optimizer)
    rows = len(statements(optimizer)[0])  # SGD 1, Momentum and AdaGrad 2, Adam 3
    assert len(state) == max(1, rows - 1) and min(state) >= 1 and move >= 1
    # About the step's time in whole frames (each beat rounds by at most half a frame).
    assert abs(sum(state) + move - seconds * FPS) <= (len(state) + 1) / 2


def render(tmp_path: Path, optimizer: str, steps: int = 2):
    out = tmp_path / f"{optimizer}.mp4"
    args = ["render", "explain", "-o", optimizer, "-n", str(steps), "-q", "preview"]
    result = CliRunner().invoke(cli, [*args, "--seconds-per-step", "1", "-O", str(out)])
    assert result.exit_code == 0, result.output
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="rgb24").astype(int) for f in container.decode(video=0)]
    return frames, json.loads((tmp_path / f"{optimizer}.mp4.json").read_text())


def near(frame: np.ndarray, color: str, tolerance: int = 40) -> np.ndarray:
    """(row, col) of every pixel within `tolerance` of `color` in each channel."""
    target = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])
    return np.argwhere(np.abs(frame - target).max(axis=2) <= tolerance)


def ball_pixel(point, panel) -> np.ndarray:
    left, top, right, bottom = panel["pixel_rect"]
    x0, x1, y0, y1 = panel["data_window"]
    col = left + (point[0] - x0) / (x1 - x0) * (right - left)
    row = bottom - (point[1] - y0) / (y1 - y0) * (bottom - top)
    return np.array([row, col])


def inside(pixels: np.ndarray, panel) -> np.ndarray:
    left, top, right, bottom = panel["pixel_rect"]
    rows, cols = pixels[:, 0], pixels[:, 1]
    return pixels[(rows > top) & (rows < bottom) & (cols > left) & (cols < right)]


def bar_pixels(frame: np.ndarray, color: str, panel) -> np.ndarray:
    """The pixels of a bar right of the plot, on the pixel row where the colour is most common."""
    pixels = near(frame, color, tolerance=20)
    pixels = pixels[pixels[:, 1] > panel["pixel_rect"][2]]
    if len(pixels) == 0:
        return pixels
    rows, counts = np.unique(pixels[:, 0], return_counts=True)
    return pixels[pixels[:, 0] == rows[counts.argmax()]]


def test_adagrad_render_bars_and_gradient_arrow(tmp_path):
    frames, sidecar = render(tmp_path, "adagrad")
    # Two 1-second steps (a 0.35 s pause lighting h, 0.65 s rolling), then a 1-second hold.
    assert len(frames) == 2 * (5 + 10) + FPS
    assert frames[0].shape == (360, 640, 3)
    panel = sidecar["panels"][0]
    step_size = np.array(sidecar["trajectories"][0]["quantities"]["step_size"])
    frame = frames[3]  # 0.2 s into step 1: the state beat, the ball still at the start
    x_bar, y_bar = (bar_pixels(frame, c, panel) for c in (LIGHT.bar_x, LIGHT.bar_y))
    x_len = x_bar[:, 1].max() - x_bar[:, 1].min() + 1
    y_len = y_bar[:, 1].max() - y_bar[:, 1].min() + 1
    assert x_bar[:, 0].mean() < y_bar[:, 0].mean()  # the x bar above the y bar
    # After step 1 x's effective step (1.5/0.7) is longer than y's (1.5/4), in proportion.
    assert x_len > y_len
    assert x_len / y_len == pytest.approx(step_size[1][0] / step_size[1][1], rel=0.15)
    # -grad at (-7, 2) is (0.7, -4): the arrow leaves the ball downwards, slightly right.
    arrow = inside(near(frame, LIGHT.gradient), panel)
    start = ball_pixel(sidecar["trajectories"][0]["points"][0], panel)
    assert len(arrow) > 10
    assert arrow[:, 0].mean() > start[0] + 5 and arrow[:, 1].mean() >= start[1] - 1


def test_momentum_render_shows_the_velocity_arrow(tmp_path):
    frames, sidecar = render(tmp_path, "momentum")
    panel = sidecar["panels"][0]
    points = sidecar["trajectories"][0]["points"]
    frame = frames[15 + 3]  # step 2's state beat: the ball at point 1, v2 points to point 2
    arrow = inside(near(frame, LIGHT.velocity), panel)
    here, there = ball_pixel(points[1], panel), ball_pixel(points[2], panel)
    assert len(arrow) > 5
    middle = arrow.mean(axis=0)
    # Its pixels lie between the ball and where v carries it (momentum: W2 = W1 + v2).
    assert min(here[0], there[0]) - 3 <= middle[0] <= max(here[0], there[0]) + 3
    assert len(bar_pixels(frames[3], LIGHT.bar_x, panel)) < 5  # Momentum has no step-size bars


def test_explain_takes_one_optimizer():
    result = CliRunner().invoke(cli, ["render", "explain", "-o", "sgd", "-o", "adam"])
    assert result.exit_code == 2
    assert "explain scene shows one optimizer" in result.output


def overlap(a, b) -> bool:
    return a.left < b.right and b.left < a.right and a.bottom < b.top and b.bottom < a.top


@pytest.mark.parametrize("aspect", ["16:9", "4:3", "1:1"])
@pytest.mark.parametrize("surface", ["book", "rotated"])
def test_layout_keeps_every_part_in_the_frame_and_off_the_plot(aspect, surface):
    from optiroll.optim.registry import surface as surface_named
    from optiroll.plan.lesson_layout import layout_explain

    settings = resolve_settings("explain", "mp4", "blog", aspect=aspect)
    window = surface_named(surface).window
    layout = layout_explain(settings.frame_width, settings.frame_height, window)
    fw, fh = settings.frame_width / 2, settings.frame_height / 2
    plot = layout.plot.box
    others = [layout.header, layout.legend, layout.equation, layout.bars_title, layout.bars]
    others += [layout.readout, layout.readout_alone, layout.caption]
    for box in [plot, *others]:
        assert -fw <= box.left < box.right <= fw and -fh <= box.bottom < box.top <= fh
    assert not any(overlap(plot, box) for box in others)
    # Equal scale: a data unit is as long across as up.
    w = layout.plot.window
    assert plot.width / (w.x_max - w.x_min) == pytest.approx(plot.height / (w.y_max - w.y_min))
    # The plot is the largest part on screen.
    assert all(plot.width * plot.height > box.width * box.height for box in others)
