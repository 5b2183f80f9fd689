"""A figure's pacing, planned without rendering: the start still, the steps with quiet stretches
sped up, the hold; and the frame arithmetic Manim's play and wait follow."""

import math

import numpy as np
import pytest

from optiroll.optim.experiment import build_experiment
from optiroll.optim.presets import PRESETS
from optiroll.plan.request import RenderRequest
from optiroll.plan.timeline import (
    MIN_QUIET_STEPS,
    PACES,
    START_STILL,
    Stretch,
    Timeline,
    figure_timeline,
    manim_frames,
    quiet_stretches,
    step_moves,
)


def planned(preset="book", **asked) -> tuple[Timeline, object]:
    experiment = build_experiment(preset, (), None, None, None, None)
    settings = RenderRequest(**asked).resolve()
    return figure_timeline(settings, experiment, experiment.run()), settings


def test_the_book_plays_every_step_at_its_pace_with_a_still_and_a_hold():
    timeline, settings = planned()
    assert [s.speedup for s in timeline.stretches] == [1]
    assert timeline.still == round(START_STILL * 20) == 10
    assert timeline.hold == 50  # 2.5 s at 20 fps
    assert timeline.moving == 30 * 4  # 0.2 s a step at 20 fps
    assert timeline.frames == 10 + 120 + 50


def test_rosenbrock_speeds_up_its_long_crawl_to_about_twelve_seconds():
    """150 steps (31 s before pacing): the first ones play at their pace, the crawl along the
    valley's floor, where no ball moves visibly, faster; the GIF lasts 12 s or less."""
    timeline, settings = planned("rosenbrock")
    assert timeline.frames / settings.fps <= 12.0
    first = timeline.stretches[0]
    assert first.speedup == 1 and first.first == 0 and first.last >= 20
    assert max(s.speedup for s in timeline.stretches) > 1
    assert timeline.steps == 150  # no step is dropped


@pytest.mark.parametrize("preset", list(PRESETS))
def test_a_stretch_is_sped_up_only_where_no_ball_moves_much(preset):
    experiment = build_experiment(preset, (), None, None, None, None)
    settings = RenderRequest().resolve()
    from optiroll.plan.layout import layout_figure

    panels = layout_figure(settings, experiment).panels
    runs = experiment.run()
    moves = step_moves(settings, panels, runs)
    timeline = figure_timeline(settings, experiment, runs)
    most = max(pixels for pixels, _ in PACES)
    for stretch in timeline.stretches:
        if stretch.speedup > 1:
            assert stretch.steps >= MIN_QUIET_STEPS
            assert moves[stretch.first : stretch.last].max() <= most
    # The stretches cover every step once, in order.
    edges = [(s.first, s.last) for s in timeline.stretches]
    assert edges[0][0] == 0 and edges[-1][1] == len(moves)
    assert all(a[1] == b[0] for a, b in zip(edges, edges[1:], strict=False))


def test_step_moves_are_output_pixels_through_each_plots_scale():
    """A twice as tall output moves the balls twice as many pixels."""
    experiment = build_experiment("book", (), None, None, None, None)
    from optiroll.plan.layout import layout_figure

    runs = experiment.run()
    small = RenderRequest(quality="preview").resolve()
    large = RenderRequest(quality="blog").resolve()
    a = step_moves(small, layout_figure(small, experiment).panels, runs)
    b = step_moves(large, layout_figure(large, experiment).panels, runs)
    np.testing.assert_allclose(b, a * 2, rtol=1e-9)


def test_quiet_stretches_are_long_runs_of_small_moves():
    moves = np.array([5, 1, 1, 1, 1, 1, 5, 1, 1, 5, 0.5, 0.5, 0.5, 0.5])
    assert quiet_stretches(moves, 1.5) == [(1, 6), (10, 14)]


@pytest.mark.parametrize("fps", [10.0, 12.5, 20.0, 25.0])
@pytest.mark.parametrize("seconds_per_step", [0.2, 0.13])
def test_the_steps_are_reached_on_the_frames_the_plan_says(fps, seconds_per_step):
    timeline = Timeline(fps, seconds_per_step, 5, (Stretch(0, 6), Stretch(6, 20, 4)), 7)
    per_step = seconds_per_step * fps
    expected = np.concatenate(
        [np.arange(7) * per_step, 6 * per_step + np.arange(1, 15) * per_step / 4]
    )
    np.testing.assert_allclose(timeline.positions, expected)
    assert timeline.moving == math.ceil(expected[-1] - 1e-9)
    # Manim's play samples t = i / fps for i below its frame count: each frame's step.
    run_time = timeline.play_seconds
    assert manim_frames(run_time, fps) == timeline.moving
    shown = [timeline.step_at_progress(t / run_time) for t in np.arange(0, run_time, 1 / fps)]
    assert shown == sorted(shown) and shown[0] == 0 and shown[-1] < 20
    assert timeline.step_at_progress(1.0) == 20
    for k in range(21):
        frame = timeline.frame_of_step(k) - timeline.still
        if frame < timeline.moving:
            assert math.floor(shown[frame] + 1e-9) >= k
        if frame > 0:
            assert shown[frame - 1] < k
    assert timeline.speedup_at(3.5) == 1 and timeline.speedup_at(6) == 4
    assert timeline.speedup_at(20) == 1


def test_the_side_car_record_names_the_compressed_steps_and_every_steps_frame():
    timeline = Timeline(20.0, 0.2, 10, (Stretch(0, 2), Stretch(2, 6, 4)), 50)
    record = timeline.to_dict()
    assert record["compressed_steps"] == [3, 4, 5, 6]
    assert record["step_frames"] == [10, 14, 18, 19, 20, 21, 22]
    assert record["stretches"][1] == {"first_step": 2, "last_step": 6, "speedup": 4}
    assert record["start_still_frames"] == 10 and record["hold_frames"] == 50


def test_hold_follows_the_option():
    assert planned(hold=0)[0].hold == 0
    assert planned(hold=4)[0].hold == 80
