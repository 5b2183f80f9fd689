"""Fair races: the same budget for all, a winner from the grid, and the record of the search."""

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optiroll.errors import OptirollError
from optiroll.optim.experiment import build_experiment
from optiroll.optim.registry import OPTIMIZER_CLASSES
from optiroll.optim.sweep import Objective
from optiroll.optim.tune import TUNED, default_grid, tune


@settings(max_examples=20)
@given(
    names=st.lists(st.sampled_from(sorted(OPTIMIZER_CLASSES)), min_size=1, max_size=4),
    preset=st.sampled_from(["book", "himmelblau", "rosenbrock", "styblinski-tang", "beale"]),
    budget=st.integers(2, 60),
    objective=st.sampled_from([Objective("loss"), Objective("steps", 1e-2)]),
    steps=st.integers(1, 60),
)
def test_a_tuned_race_never_picks_a_setting_outside_its_grid(
    names, preset, budget, objective, steps
):
    exp = build_experiment(preset, names, steps=steps)
    tuned = tune(exp, objective, budget)
    for before, after in zip(exp.optimizers, tuned.optimizers, strict=True):
        tuning = after.tuned
        assert tuning.grid.contains(after) and tuning.grid.trials <= budget
        assert type(after) is type(before)
        searched = {name for name, _ in tuning.grid.axes}
        # every value that was not searched is kept
        assert {k: v for k, v in after.hyperparameters().items() if k not in searched} == {
            k: v for k, v in before.hyperparameters().items() if k not in searched
        }
        assert tuning.scores[tuning.best] == min(tuning.scores)
        assert after.hyperparameters() == {**before.hyperparameters(), **tuning.won}
        assert (after.schedule, after.noise) == (before.schedule, before.noise)
    assert tuned.origins == (TUNED,) * len(names)


def test_every_optimizer_gets_the_same_budget():
    exp = build_experiment(optimizer_specs=["sgd", "momentum", "rmsprop", "adam"])
    tunings = [o.tuned for o in tune(exp, budget=48).optimizers]
    assert [t.grid.trials for t in tunings] == [48] * 4
    assert {t.steps for t in tunings} == {exp.steps}
    assert [t.grid.describe() for t in tunings][:2] == [
        "48 lr in [0.001, 3] (log)",
        "12 lr in [0.001, 3] (log) x 4 momentum in {0.5, 0.8, 0.9, 0.95}",
    ]


def test_the_winners_race_scores_what_the_search_recorded():
    exp = build_experiment(optimizer_specs=["sgd", "momentum", "adam"])
    for trajectory in tune(exp).run():
        tuning = trajectory.optimizer.tuned
        np.testing.assert_allclose(trajectory.losses[-1], tuning.scores[tuning.best], rtol=1e-12)
        # no setting of the grid does better
        assert trajectory.losses[-1] <= min(tuning.scores) * (1 + 1e-12)
        assert trajectory.to_dict()["tuned"]["won"] == tuning.won


def test_steps_to_the_threshold_and_ties_go_to_the_smallest_learning_rate():
    """From (0, 1) SGD at lr 0.5 reaches y = 0 in one step, and every lr with |1 - 2 lr| small
    enough does it in one step too: the smallest of them wins."""
    exp = build_experiment(optimizer_specs=["sgd"], start=(0.0, 1.0), steps=10)
    tuned = tune(exp, Objective("steps", 0.5), budget=12)
    tuning = tuned.optimizers[0].tuned
    best = min(tuning.scores)
    first = tuning.scores.index(best)
    assert tuned.optimizers[0].lr == tuning.grid.settings()[first]["lr"]
    assert tuned.optimizers[0].lr == min(
        s["lr"] for s, v in zip(tuning.grid.settings(), tuning.scores, strict=True) if v == best
    )


def test_the_record_says_what_was_searched_and_what_won():
    exp = build_experiment(optimizer_specs=["momentum"], steps=20)
    (tuned,) = tune(exp, Objective("loss"), budget=16).optimizers
    data = tuned.tuned.to_dict()
    lr = data["grid"]["lr"]
    assert data["grid"]["momentum"] == [0.5, 0.8, 0.9, 0.95]
    assert lr[0] == 0.001 and lr[-1] == 3.0 and len(lr) == 4
    np.testing.assert_allclose(np.diff(np.log(lr)), np.log(3000) / 3, rtol=0.01)  # log-spaced
    assert data["trials"] == len(data["scores"]) == 16
    scores = [s["score"] for s in data["scores"] if s["score"] is not None]
    assert data["score"] == min(scores)
    assert {"values": data["won"], "score": data["score"]} in data["scores"]
    assert data["objective"]["kind"] == "loss" and data["steps"] == 20
    assert data["objective"]["text"] == "final loss after 20 steps"
    assert tuned.label().endswith(" (best of 16)")
    assert build_experiment().to_dict() != tune(build_experiment()).to_dict()  # the file names


def test_default_grids_keep_to_the_budget():
    for name, cls in OPTIMIZER_CLASSES.items():
        grid = default_grid(cls(), 48)
        assert grid.axes[0][0] == "lr" and grid.trials <= 48, name


@pytest.mark.parametrize(("budget", "message"), [(1, "at least 2"), (10**5, "at most 4096")])
def test_a_bad_budget_is_one_line(budget, message):
    with pytest.raises(OptirollError, match=f"--budget must be {message}"):
        tune(build_experiment(), budget=budget)


def test_the_largest_budget_is_allowed():
    exp = build_experiment(optimizer_specs=["sgd"], steps=1)
    assert tune(exp, budget=4096).optimizers[0].tuned.trials == 4096


def test_a_surface_without_a_minimum_races_by_loss_but_not_by_steps():
    saddle = build_experiment(optimizer_specs=["sgd", "momentum"], surface_name="saddle", steps=5)
    raced = tune(saddle, Objective("loss"), budget=8)
    assert [o.tuned.trials for o in raced.optimizers] == [8, 8]
    with pytest.raises(OptirollError) as err:
        tune(saddle, Objective("steps"), budget=8)
    assert str(err.value) == "the saddle surface has no minimum: tune by --objective loss"


@pytest.mark.parametrize("spec", ["sgd", "momentum", "adam:noise=1,lr=0.1", "sgd:noise=0.5"])
def test_each_trials_score_is_its_single_runs(spec):
    """Score of every trial, recomputed from a single run of its setting with the experiment's
    seed: the final loss (inf when it diverged), or the first step within the threshold of the
    minimum (0 when the start already is; inf when none is). With noise only the first trial
    is a single run: trial i of a race draws row i of the noise (noise.py)."""
    steps, threshold = 12, 0.3
    for start in [(-7.0, 2.0), (0.1, 0.1)]:  # (0.1, 0.1) is within 0.3 of the minimum, 0
        exp = build_experiment(optimizer_specs=[spec], start=start, steps=steps, seed=3)
        base = exp.optimizers[0]
        for objective in (Objective("loss"), Objective("steps", threshold)):
            tuning = tune(exp, objective, budget=8).optimizers[0].tuned
            trials = zip(tuning.grid.settings(), tuning.scores, strict=True)
            for setting, score in list(trials)[: 1 if base.noise.sigma else None]:
                single = type(exp)(exp.surface, start, steps, (replace(base, **setting),), seed=3)
                traj = single.run()[0]
                if objective.kind == "loss":
                    expected = math.inf if traj.diverged_at else traj.losses[-1]
                else:
                    below = np.flatnonzero(traj.losses < threshold)
                    expected = below[0] if len(below) else math.inf
                assert score == pytest.approx(expected, rel=1e-12), (setting, objective)
