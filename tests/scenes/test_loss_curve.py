"""The loss-curve panel: log-scale geometry, where the layout puts it, and tiny real renders."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from media import gif_frames, rgb
from optiroll.cli import cli
from optiroll.optim.experiment import build_experiment
from optiroll.plan.layout import Box, layout_figure
from optiroll.plan.loss_axes import MAX_DECADES, LossAxes, loss_axes, superscript
from optiroll.plan.settings import resolve_settings
from optiroll.plan.theme import LIGHT

AXES = LossAxes(Box(0.0, 0.0, 10.0, 4.0), steps=20, low=-3, high=1)


def test_each_decade_takes_the_same_height():
    # Four decades over 4 units: 10**k sits at k + 3.
    for k in range(-3, 2):
        assert AXES.y(10.0**k) == pytest.approx(k + 3)
    assert AXES.y(math.sqrt(10.0)) == pytest.approx(3.5)  # half a decade above 1


@given(
    st.floats(1e-6, 1e4, allow_nan=False),
    st.floats(1e-6, 1e4, allow_nan=False),
)
def test_the_log_scale_keeps_order_and_clips_at_the_ends(a, b):
    ya, yb = AXES.y(a), AXES.y(b)
    assert 0.0 <= ya <= 4.0 and 0.0 <= yb <= 4.0
    if a < b:
        assert ya <= yb
    if 1e-3 <= a < b <= 10.0:
        assert ya < yb


def test_steps_map_across_the_plot():
    assert AXES.x(0) == 0.0 and AXES.x(20) == 10.0 and AXES.x(5) == pytest.approx(2.5)


def test_a_fractional_step_lies_on_the_straight_piece_drawn_between_steps():
    losses = np.array([8.0, 2.0, 0.5, 0.01])
    drawn = AXES.to_scene(losses)
    point = AXES.at(losses, 1.25)
    assert point == pytest.approx(0.75 * drawn[1] + 0.25 * drawn[2])
    assert point[0] == pytest.approx(AXES.x(1.25))
    assert AXES.at(losses, 99.0) == pytest.approx(drawn[-1])  # a short run waits at its end


def test_decades_cover_every_loss_and_stop_at_a_limit():
    panel = Box(-4.0, -2.0, 4.0, 2.0)
    axes = loss_axes(panel, 10, [np.array([6.45, 0.3]), np.array([6.45, 0.0007])])
    assert (axes.low, axes.high) == (-4, 1)
    assert axes.plot.left > panel.left and axes.plot.top < panel.top  # room for labels
    deep = loss_axes(panel, 10, [np.array([5.0, 1e-30, 0.0])])
    assert deep.high == 1 and deep.low == 1 - MAX_DECADES
    flat = loss_axes(panel, 10, [np.array([0.0, 0.0])])
    assert flat.low < flat.high


def test_decade_labels_thin_out_before_they_overlap():
    tall = LossAxes(Box(0, 0, 5, 4), 10, -4, 4)  # 0.5 units a decade
    assert list(tall.labelled_decades(0.2)) == list(range(4, -5, -1))
    short = LossAxes(Box(0, 0, 5, 1), 10, -4, 4)  # 0.125 units a decade
    shown = list(short.labelled_decades(0.2))
    assert shown[0] == 4 and all(a - b == 3 for a, b in zip(shown, shown[1:], strict=False))


def test_superscript_labels():
    assert superscript(-3) == "10⁻³" and superscript(12) == "10¹²"


def overlaps(a: Box, b: Box) -> bool:
    eps = 1e-9
    return (
        a.left < b.right - eps
        and b.left < a.right - eps
        and a.bottom < b.top - eps
        and b.bottom < a.top - eps
    )


@pytest.mark.parametrize("scene", ["compare", "race"])
@pytest.mark.parametrize("aspect", ["16:9", "1:1", "4:3"])
@pytest.mark.parametrize("n", [1, 2, 4, 6])
def test_the_curve_shares_the_frame_without_overlapping(scene, aspect, n):
    names = ["sgd", "momentum", "adagrad", "adam", "rmsprop", "nesterov"][:n]
    settings = resolve_settings(scene, aspect=aspect, loss_curve=True)
    layout = layout_figure(settings, build_experiment(optimizer_specs=names))
    frame = Box(
        -settings.frame_width / 2,
        -settings.frame_height / 2,
        settings.frame_width / 2,
        settings.frame_height / 2,
    )
    curve = layout.curve
    assert curve is not None
    others = [layout.header, layout.legend]
    for panel in layout.panels:
        others += [panel.area.box, panel.title_box]
    for box in [b for b in others if b is not None] + [curve]:
        assert frame.left <= box.left and box.right <= frame.right
        assert frame.bottom <= box.bottom and box.top <= frame.top
    for box in others:
        if box is not None:
            assert not overlaps(curve, box), (curve, box)
    # Race names the colours in its legend; compare's titles begin with them.
    assert (
        layout.title_dots == (scene == "compare") and (layout.legend is None) == layout.title_dots
    )


def test_without_the_flag_the_layout_is_unchanged():
    experiment = build_experiment()
    plain = layout_figure(resolve_settings(), experiment)
    assert plain.curve is None and not plain.title_dots
    with_curve = layout_figure(resolve_settings(loss_curve=True), experiment)
    assert with_curve.panels[0].area.box.width < plain.panels[0].area.box.width


def test_the_book_figure_puts_the_curve_where_the_plots_stay_largest():
    experiment = build_experiment()
    compare = layout_figure(resolve_settings(loss_curve=True), experiment)
    assert compare.curve.left > compare.panels[1].area.box.right  # right of the 2x2 grid
    race = layout_figure(resolve_settings("race", loss_curve=True), experiment)
    assert race.curve.left >= race.panels[0].area.box.right  # right of the map
    assert race.legend.top <= race.panels[0].area.box.bottom  # the legend below it


# Real renders: blog GIFs (as tests/test_render.py) so 1-pixel lines keep their colours.
pytest.importorskip("manim")
STEPS, FPS, SPS = 4, 20, 0.2


@pytest.fixture(scope="module")
def compare_gif(tmp_path_factory):
    out = tmp_path_factory.mktemp("curve") / "curve.gif"
    args = ["render", "--loss-curve", "-n", str(STEPS), "-O", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return gif_frames(out), json.loads(Path(str(out) + ".json").read_text())


def test_the_sidecar_places_the_curve(compare_gif):
    frames, sidecar = compare_gif
    curve = sidecar["loss_curve"]
    assert curve["steps"] == [0, STEPS]
    low, high = curve["log10_loss"]
    losses = [v for t in sidecar["trajectories"] for v in t["losses"]]
    assert 10.0**low <= min(losses) and max(losses) <= 10.0**high
    left, top, right, bottom = curve["pixel_rect"]
    assert right - left > 100 and bottom - top > 100
    # A 0.5 s still of the start, 4 frames a step, a 2.5 s hold.
    assert len(frames) == FPS // 2 + math.ceil(STEPS * SPS * FPS) + FPS * 5 // 2
    for panel in sidecar["panels"]:  # the curve is beside the plots, not on them
        p_left, p_top, p_right, p_bottom = panel["pixel_rect"]
        assert p_right <= left or p_bottom <= top


def test_each_curve_is_drawn_in_its_balls_colour(compare_gif):
    frames, sidecar = compare_gif
    left, top, right, bottom = (int(v) for v in sidecar["loss_curve"]["pixel_rect"])
    panel = frames[-1][top : bottom + 1, left : right + 1]
    for run in range(len(sidecar["trajectories"])):
        near = np.abs(panel - rgb(sidecar["trajectories"][run]["color"])).max(axis=-1) <= 30
        assert near.sum() >= 30, f"run {run}: {near.sum()} pixels of its colour"


def test_the_cursor_is_at_the_step_the_balls_are_at(compare_gif):
    frames, sidecar = compare_gif
    left, top, right, bottom = sidecar["loss_curve"]["pixel_rect"]
    background = rgb(LIGHT.background)
    step_frames = sidecar["timeline"]["step_frames"]
    for step in (1, 2, 3):
        frame_index = step_frames[step]
        expected = left + step / STEPS * (right - left)
        rows = frames[frame_index][int(top) + 2 : int(bottom) - 2]
        inked = (np.abs(rows - background).max(axis=-1) > 60).mean(axis=0)  # per column
        near = inked[int(expected) - 1 : int(expected) + 2].max()
        assert near > 0.8, f"frame {frame_index}: no vertical line at x={expected:.1f}"
        # Only there: columns a few pixels away are mostly blank.
        assert inked[int(expected) + 6] < 0.5 and inked[int(expected) - 6] < 0.5


def test_the_flag_is_refused_where_there_is_no_room_for_it():
    result = CliRunner().invoke(cli, ["render", "single", "-o", "adam", "--loss-curve"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "optiroll: error: --loss-curve applies to compare and race only, not single"
    )


def test_losses_below_zero_are_drawn_above_their_lowest_value():
    runs = [np.array([5.0, 1.0, -2.0, -3.0]), np.array([4.0, 0.5, -1.0, -1.5])]
    axes = loss_axes(Box(0, 0, 10, 5), 3, runs)
    assert axes.offset < -3.0 and axes.name("loss").startswith("loss + 3")
    for run in runs:
        ys = axes.y(run)
        assert np.all((ys >= axes.plot.bottom) & (ys <= axes.plot.top))
        assert np.all(np.diff(ys) < 0)  # falling losses fall on the axis too
    assert loss_axes(Box(0, 0, 10, 5), 3, [np.array([2.0, 1.0])]).offset == 0.0
