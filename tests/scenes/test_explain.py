"""The explain scene: step narration checked against hand-computed numbers, and real renders
decoded to check where the arrows and the step-size bars are, that the ball wears its optimizer's
colour, that the caption's left edge never moves, and that Korean mathematics is set in the math
font."""

import json
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("manim")

from media import assert_ball_at  # noqa: E402
from optiroll.cli import cli  # noqa: E402
from optiroll.optim.experiment import build_experiment  # noqa: E402
from optiroll.plan.aid_colors import aid_colors  # noqa: E402
from optiroll.plan.beats import explain_beats, path_beats, step_beats  # noqa: E402
from optiroll.plan.layout import scene_box_to_pixels  # noqa: E402
from optiroll.plan.lesson_layout import (
    layout_explain,  # noqa: E402
    nice_below,  # noqa: E402
)
from optiroll.plan.narration import (  # noqa: E402
    fmt,
    readout_labels,
    readout_lines,
    statements,
    step_caption,
)
from optiroll.plan.palette import OPTIMIZER_HUES, run_colors  # noqa: E402
from optiroll.plan.request import RenderRequest  # noqa: E402
from optiroll.plan.settings import resolve_settings  # noqa: E402
from optiroll.plan.theme import LIGHT  # noqa: E402
from optiroll.plan.typography import is_math  # noqa: E402
from optiroll.plan.words import ENGLISH, KOREAN  # noqa: E402
from optiroll.scenes.explain import ExplainBoard, board_aids  # noqa: E402
from optiroll.scenes.style import Style  # noqa: E402

FPS = 15  # preview video: 640x360 at 15 fps


def run(optimizer: str, steps: int = 2):
    return build_experiment(None, [optimizer], None, None, steps).run()[0]


def aids(optimizer: str):
    return aid_colors(OPTIMIZER_HUES[optimizer], LIGHT.background, LIGHT.name)


def test_adagrad_first_step_caption_has_the_books_numbers():
    # Start (-7, 2) on x**2/20 + y**2: g = (x/10, 2y) = (-0.7, 4); h = g*g = (0.49, 16);
    # the y-step is -1.5 * 4 / (sqrt(16) + 1e-7) = -1.5.
    caption = step_caption(ENGLISH, run("adagrad"), 0)
    assert caption == (
        "$h_y = 16.0$, so the $y$-step is $−η·∂L/∂y/√h_y = −1.50·4.00/√16.0 = −1.50$"
    )
    assert step_caption(KOREAN, run("adagrad"), 0).startswith("$h_y = 16.0$ 이므로 $y$ 방향")
    assert step_caption(ENGLISH, run("adagrad"), 1, full=False) == (
        "… $h_y = 17.0$: the $y$-step is $−0.364$"  # y = 0.5, g = 1: h = 17, −1.5/√17
    )


def test_momentum_caption_and_readout_follow_the_velocity():
    # v1 = 0.9*0 - 0.1*(-0.7, 4) = (0.07, -0.4); W1 = (-6.93, 1.6), g1 = (-0.693, 3.2);
    # v2_y = 0.9*(-0.4) - 0.1*3.2 = -0.68.
    traj = run("momentum")
    assert step_caption(ENGLISH, traj, 1) == (
        "$v_y = αv_y − η·∂L/∂y = 0.900·(−0.400) − 0.100·3.20 = −0.680$, "
        "so the ball moves $−0.680$ in $y$"
    )
    lines = readout_lines(ENGLISH, traj, 1)
    assert lines[1] == "$∂L/∂W$  $(−0.693, 3.20)$"
    assert lines[2] == "$v$  $(0.132, −0.680)$"  # v2_x = 0.9*0.07 + 0.0693 = 0.1323


def test_adam_says_m_and_v_as_its_rule_does():
    # t = 1: m = 0.1 g = (−0.07, 0.4), v = 0.001 g² = (4.9e-4, 0.016); the correction
    # √(1 − 0.999)/(1 − 0.9) = 0.316, so the y-step is −0.3·0.316·0.4/√0.016 = −0.300.
    traj = run("adam")
    assert step_caption(ENGLISH, traj, 0) == (
        "$m_y = 0.400$, $v_y = 0.0160$, so the $y$-step is "
        "$−η·√(1−β_2^t)/(1−β_1^t)·m_y/√v_y = −0.300·0.316·0.400/√0.0160 = −0.300$"
    )
    assert readout_labels(ENGLISH, traj) == [
        "loss",
        "$g$",
        "$m$",
        "$v$",
        "$η·√(1−β_2^t)/(1−β_1^t)/√v$",
    ]
    assert readout_lines(ENGLISH, traj, 0)[3] == "$v$  $(4.90×10^{−4}, 0.0160)$"


def test_numbers_keep_three_digits_and_never_a_negative_zero():
    assert [fmt(v) for v in (16.0, 4.0, 0.375, -1.5, 123.4, 0.016, -2.371e-5)] == [
        "16.0",
        "4.00",
        "0.375",
        "−1.50",
        "123",
        "0.0160",
        "−2.37×10^{−5}",
    ]
    assert fmt(-0.0) == fmt(0.0) == "0"
    assert not any(fmt(-(10.0**-p)).strip("−0.") == "" for p in range(1, 12))
    assert [nice_below(v) for v in (0.74, 3.0, 1.0, 0.0999)] == [0.5, 2.0, 1.0, 0.05]


# From 0.3 s a step has a frame for each of its beats at preview's 15 fps (Adam has 3 beats);
# shorter, every beat still takes a whole frame and the step runs long.
@given(st.sampled_from(["sgd", "momentum", "adagrad", "adam"]), st.floats(0.3, 3.0))
def test_a_step_pauses_once_per_state_statement_then_moves(name, seconds):
    settings = resolve_settings("explain", "mp4", "preview", seconds_per_step=seconds)
    optimizer = run(name, 1).optimizer
    state, move = step_beats(settings, optimizer, seconds)
    rows = len(statements(optimizer)[0])  # SGD 1, Momentum and AdaGrad 2, Adam 3
    assert len(state) == max(1, rows - 1) and min(state) >= 1 and move >= 1
    # About the step's time in whole frames (each beat rounds by at most half a frame).
    assert abs(sum(state) + move - seconds * FPS) <= (len(state) + 1) / 2


def render(tmp_path: Path, optimizer: str, steps: int = 2, *extra: str):
    out = tmp_path / f"{optimizer}.mp4"
    args = ["render", "explain", "-o", optimizer, "-n", str(steps), "-q", "preview"]
    result = CliRunner().invoke(cli, [*args, "--seconds-per-step", "1", "-O", str(out), *extra])
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


def bars(frame: np.ndarray, color: str, panel) -> list[np.ndarray]:
    """The two bars right of the plot (x above y), each as its pixel row where the colour is most
    common, split where the rows of that colour break."""
    pixels = near(frame, color, tolerance=20)
    pixels = pixels[pixels[:, 1] > panel["pixel_rect"][2]]
    if len(pixels) == 0:
        return []
    rows = np.unique(pixels[:, 0])
    groups = np.split(rows, np.where(np.diff(rows) > 1)[0] + 1)
    found = []
    for group in groups:
        members = pixels[np.isin(pixels[:, 0], group)]
        counts = [(members[:, 0] == r).sum() for r in group]
        found.append(members[members[:, 0] == group[int(np.argmax(counts))]])
    return found


def test_adagrad_render_bars_and_gradient_arrow(tmp_path):
    frames, sidecar = render(tmp_path, "adagrad")
    # Two 1-second narrated steps (a 0.35 s pause lighting h, 0.65 s rolling), then the hold.
    settings = RenderRequest(
        scene="explain", format="mp4", quality="preview", seconds_per_step=1.0
    ).resolve()
    assert len(frames) == 2 * (5 + 10) + round(settings.hold_seconds * FPS)
    assert frames[0].shape == (360, 640, 3)
    panel = sidecar["panels"][0]
    step_size = np.array(sidecar["trajectories"][0]["quantities"]["step_size"])
    frame = frames[3]  # 0.2 s into step 1: the state beat, the ball still at the start
    colors = aids("adagrad")
    found = [b for b in bars(frame, colors.step_size, panel) if len(b) > 3]
    assert len(found) == 2  # both bars in the step size's colour, as h is in the rule
    x_bar, y_bar = found
    x_len = x_bar[:, 1].max() - x_bar[:, 1].min() + 1
    y_len = y_bar[:, 1].max() - y_bar[:, 1].min() + 1
    assert x_bar[:, 0].mean() < y_bar[:, 0].mean()  # the x bar above the y bar
    # After step 1 x's effective step (1.5/0.7) is longer than y's (1.5/4), in proportion.
    assert x_len > y_len
    assert x_len / y_len == pytest.approx(step_size[1][0] / step_size[1][1], rel=0.15)
    # -grad at (-7, 2) is (0.7, -4): the arrow leaves the ball downwards, slightly right.
    arrow = inside(near(frame, colors.gradient), panel)
    start = ball_pixel(sidecar["trajectories"][0]["points"][0], panel)
    assert len(arrow) > 10
    assert arrow[:, 0].mean() > start[0] + 5 and arrow[:, 1].mean() >= start[1] - 1


def test_momentum_render_shows_both_arrows_apart(tmp_path):
    frames, sidecar = render(tmp_path, "momentum")
    panel = sidecar["panels"][0]
    points = sidecar["trajectories"][0]["points"]
    colors = aids("momentum")
    frame = frames[15 + 3]  # step 2's state beat: the ball at point 1, v2 points to point 2
    arrow = inside(near(frame, colors.velocity), panel)
    here, there = ball_pixel(points[1], panel), ball_pixel(points[2], panel)
    assert len(arrow) > 5
    middle = arrow.mean(axis=0)
    # Its pixels lie between the ball and where v carries it (momentum: W2 = W1 + v2).
    assert min(here[0], there[0]) - 3 <= middle[0] <= max(here[0], there[0]) + 3
    # -grad points nearly the same way: drawn beside it, the gradient arrow is still seen, and
    # the two do not share their pixels.
    gradient = inside(near(frame, colors.gradient), panel)
    assert len(gradient) > 10
    shared = {tuple(p) for p in arrow} & {tuple(p) for p in gradient}
    assert len(shared) < 0.2 * len(arrow)
    assert len(bars(frames[3], colors.step_size, panel)) == 0  # Momentum has no step-size bars


def test_the_ball_wears_its_optimizers_colour(tmp_path):
    frames, sidecar = render(tmp_path, "adam", 2, "--theme", "dark")
    run_0 = sidecar["trajectories"][0]
    background = "#111418"
    assert run_0["color"] == run_colors(["adam"], background)[0]
    assert_ball_at(frames[0], run_0["points"][0], sidecar["panels"][0], run_0["color"])
    assert_ball_at(frames[-1], run_0["points"][-1], sidecar["panels"][0], run_0["color"])


def caption_left_edges(frames: list[np.ndarray], settings, starts: list[int]) -> list[int]:
    """The leftmost inked column of the caption strip in each frame of `starts`."""
    layout = layout_explain(settings.frame_width, settings.frame_height, _book_window())
    left, top, right, bottom = scene_box_to_pixels(
        layout.caption,
        settings.frame_width,
        settings.frame_height,
        settings.width,
        settings.height,
    )
    edges = []
    for i in starts:
        strip = frames[i][int(top) : int(bottom) + 1, : int(right) + 1]
        inked = np.argwhere(np.abs(strip - 255).max(axis=2) > 60)
        edges.append(int(inked[:, 1].min()))
    return edges


def _book_window():
    from optiroll.optim.registry import surface as surface_named

    return surface_named("book").window


def test_the_captions_left_edge_never_moves(tmp_path):
    steps = 6  # three narrated steps, then three in the short form
    frames, _ = render(tmp_path, "adagrad", steps)
    settings = RenderRequest(
        scene="explain", format="mp4", quality="preview", seconds_per_step=1.0
    ).resolve()
    beats = path_beats(settings, run("adagrad", steps))
    starts = list(np.cumsum([0] + [sum(s) + m for s, m in beats])[:-1])
    edges = caption_left_edges(frames, settings, starts)
    assert len(set(edges)) == 1, edges
    # The captions themselves do change: the edge holds while the words and numbers move.
    assert not np.array_equal(frames[starts[0]], frames[starts[-1]])


def test_a_korean_caption_sets_its_mathematics_in_the_math_font():
    settings = RenderRequest(scene="explain", lang="ko", quality="preview").resolve()
    experiment = build_experiment(None, ["momentum"], None, None, 2)
    trajectory = experiment.run()[0]
    style = Style.for_scene(settings, ["momentum"])
    layout = layout_explain(settings.frame_width, settings.frame_height, experiment.surface.window)
    board = ExplainBoard(
        trajectory,
        experiment.surface,
        layout,
        steps=2,
        style=style,
        color=style.run_color(0),
        aids=board_aids(settings, experiment, style)[0],
    )
    caption = board.caption.variants[0]
    (set_as,) = caption.markup
    assert "∂" in step_caption(KOREAN, trajectory, 0) and "η" in step_caption(KOREAN, trajectory, 0)
    hangul_spans = set_as.split(f'<span font_family="{style.font}">')[1:]
    assert style.font == "NanumGothic" and hangul_spans
    for span in hangul_spans:
        assert not any(is_math(c) for c in span.split("</span>")[0])
    math_spans = set_as.split('<span font_family="Latin Modern Math">')[1:]
    assert any("𝜕𝐿/𝜕𝑦" in span for span in math_spans)  # ∂L/∂y, in mathematical italics
    assert any("𝜂" in span for span in math_spans)
    assert 'baseline_shift="subscript"' in set_as  # v_y: y set as a subscript


def momentum_board(steps: int) -> ExplainBoard:
    settings = RenderRequest(scene="explain", quality="preview").resolve()
    experiment = build_experiment(None, ["momentum"], None, None, steps)
    style = Style.for_scene(settings, ["momentum"])
    return ExplainBoard(
        experiment.run()[0],
        experiment.surface,
        layout_explain(settings.frame_width, settings.frame_height, experiment.surface.window),
        steps=steps,
        style=style,
        color=style.run_color(0),
        aids=board_aids(settings, experiment, style)[0],
    )


def test_each_arrow_keeps_its_own_vector_whichever_is_drawn_on_top():
    """The longer arrow is drawn first (under the shorter); each arrow still shows its own
    vector, frame after frame, not the other's."""
    board = momentum_board(12)
    traj, area = board.trajectory, board.layout.plot
    seen_orders = set()
    for k in range(board.n):
        board.show_step(k)
        for t in np.linspace(k, k + 1, 5):
            board.aim_arrows(t)
            tip = area.to_scene(board.ball.position(t) - board.scale * traj.gradients[k])
            gradient = board.gradient_arrow
            if gradient.length > 0:  # drawn: its tip where -grad of step k points
                assert np.allclose(gradient.head.points[0], tip, atol=board.gap)
                velocity = board.velocity_arrow
                assert velocity.length == 0 or not np.allclose(velocity.head.points[0], tip)
            seen_orders.add(board.arrows.submobjects[0] is gradient)
    assert seen_orders == {True, False}  # the velocity was longer at times, and shorter


def test_a_board_set_to_its_end_is_the_board_played_to_its_end():
    from manim import Camera, Scene, tempconfig

    from optiroll.scenes.backdrop import BackdropCamera

    def page(board):
        camera = Camera()
        camera.capture_mobjects([*board.static, *board.moving])
        return camera.pixel_array.copy()

    with tempconfig({"pixel_width": 320, "pixel_height": 180, "dry_run": True}):
        played, jumped = momentum_board(8), momentum_board(8)
        scene = Scene(camera_class=BackdropCamera)
        scene.add(*played.static, *played.moving)
        played.play(scene, RenderRequest(scene="explain", quality="preview", fps=10.0).resolve())
        jumped.show_end()
        assert np.array_equal(page(played), page(jumped))
        assert not np.array_equal(page(played), page(momentum_board(8)))


def test_explain_takes_one_optimizer():
    result = CliRunner().invoke(cli, ["render", "explain", "-o", "sgd", "-o", "adam"])
    assert result.exit_code == 2
    assert "explain scene shows one optimizer" in result.output


def overlap(a, b) -> bool:
    return a.left < b.right and b.left < a.right and a.bottom < b.top and b.bottom < a.top


@pytest.mark.parametrize("aspect", ["16:9", "4:3", "1:1"])
@pytest.mark.parametrize("surface", ["book", "rotated"])
def test_layout_keeps_every_part_in_the_safe_frame_and_off_the_plot(aspect, surface):
    from optiroll.optim.registry import surface as surface_named

    settings = resolve_settings("explain", "mp4", "blog", aspect=aspect)
    window = surface_named(surface).window
    layout = layout_explain(settings.frame_width, settings.frame_height, window)
    # Inside a margin of 5% of the frame on every side.
    fw, fh = settings.frame_width * 0.45, settings.frame_height * 0.45
    plot = layout.plot.box
    others = [layout.header, layout.legend, layout.equation, layout.bars_title, layout.bars]
    others += [layout.readout, layout.readout_alone, layout.caption]
    for box in [plot, *others]:
        assert -fw - 1e-9 <= box.left < box.right <= fw + 1e-9
        assert -fh - 1e-9 <= box.bottom < box.top <= fh + 1e-9
    assert not any(overlap(plot, box) for box in others)
    # Equal scale: a data unit is as long across as up.
    w = layout.plot.window
    assert plot.width / (w.x_max - w.x_min) == pytest.approx(plot.height / (w.y_max - w.y_min))
    # The plot is the largest part on screen.
    assert all(plot.width * plot.height > box.width * box.height for box in others)


def test_the_frames_are_the_plans():
    settings = RenderRequest(scene="explain", format="mp4", quality="preview").resolve()
    trajectory = run("sgd", 5)
    steps, hold = explain_beats(settings, trajectory)
    assert steps == sum(sum(s) + m for s, m in path_beats(settings, trajectory))
    assert hold == round(settings.hold_seconds * FPS)


@pytest.mark.parametrize("optimizer", ["adagrad:lr=1.5", "momentum:lr=0.1,momentum=0.9"])
def test_the_kept_pictures_of_a_board_are_the_ones_it_would_paint_afresh(
    tmp_path, monkeypatch, optimizer
):
    """The board holds its fixed and stepwise parts (`BackdropCamera.hold`), which the camera
    keeps by identity, not by looks: every frame must still be what painting it whole gives,
    as the bars, readout and caption change from step to step."""
    from optiroll.builder.figures_file import resolve_figure
    from optiroll.render import pipeline
    from optiroll.scenes.backdrop import BackdropCamera

    request = RenderRequest(scene="explain", format="gif", quality="preview", lang="ko")
    settings, experiment = resolve_figure(request, {"optimizer_specs": [optimizer], "steps": 4})

    def frames(path: Path) -> list[np.ndarray]:
        with av.open(str(path)) as container:
            return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]

    pipeline.render(settings, experiment, tmp_path / "kept.gif")
    monkeypatch.setattr(BackdropCamera, "hold", lambda self, *layers: None)  # nothing kept
    pipeline.render(settings, experiment, tmp_path / "whole.gif")
    kept, whole = frames(tmp_path / "kept.gif"), frames(tmp_path / "whole.gif")
    assert len(kept) == len(whole) > 10
    assert all(np.array_equal(a, b) for a, b in zip(kept, whole, strict=True))
