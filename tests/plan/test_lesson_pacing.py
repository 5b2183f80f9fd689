"""The explain board's pace: the first steps slow enough to read their worked captions, the later
ones faster, the option scaling all of it; and the frames are whole beats."""

import pytest

from optiroll.optim.experiment import build_experiment
from optiroll.plan.beats import (
    FAST_SHARE,
    NARRATED_STEPS,
    narrated,
    path_beats,
    path_frames,
    step_seconds,
)
from optiroll.plan.narration import captions
from optiroll.plan.request import RenderRequest
from optiroll.plan.words import ENGLISH


def settings(**asked):
    return RenderRequest(scene="explain", format="mp4", quality="preview", **asked).resolve()


def test_narrated_steps_take_four_seconds_by_default_and_later_ones_speed_up():
    seconds = step_seconds(settings(), 30)
    assert seconds[:NARRATED_STEPS] == [4.0] * NARRATED_STEPS
    later = seconds[NARRATED_STEPS:]
    assert all(a >= b for a, b in zip(later, later[1:], strict=False))  # never slower again
    assert later[0] < 4.0 and later[-1] == pytest.approx(4.0 * FAST_SHARE)


def test_the_option_scales_the_whole_schedule():
    base, doubled = step_seconds(settings(), 12), step_seconds(settings(seconds_per_step=8.0), 12)
    assert doubled == pytest.approx([2 * s for s in base])


def test_only_the_narrated_steps_are_worked_through():
    run = build_experiment(None, ["adagrad"], None, None, 6).run()[0]
    said = captions(ENGLISH, run, narrated(6))
    assert narrated(6) == [True] * NARRATED_STEPS + [False] * (6 - NARRATED_STEPS)
    assert all("√" in c for c in said[:NARRATED_STEPS])  # the arithmetic, worked through
    assert all(c.startswith("…") and "√" not in c for c in said[NARRATED_STEPS:])


def test_a_run_plays_in_whole_beats_of_its_steps():
    s = settings()
    run = build_experiment(None, ["adam"], None, None, 8).run()[0]
    beats = path_beats(s, run)
    assert len(beats) == 8
    for (state, move), seconds in zip(beats, step_seconds(s, 8), strict=True):
        assert len(state) == 2  # Adam: m, then v, before W moves
        assert abs(sum(state) + move - seconds * s.fps) <= 1.5
    assert path_frames(s, run) == sum(sum(state) + move for state, move in beats)
