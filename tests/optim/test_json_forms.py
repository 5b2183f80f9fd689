"""The JSON forms of clouds, maps and races (what the side-cars and the interactive page read):
strict JSON (no NaN or Infinity), and every value read back by its key equals the object's own,
recomputed here from the object rather than copied from a run."""

import json
import math

import numpy as np

from optiroll.optim.base import Whole
from optiroll.optim.book import Adam
from optiroll.optim.cloud import CloudSpec, reach, roll_cloud
from optiroll.optim.experiment import Experiment, build_experiment
from optiroll.optim.noise import Noise
from optiroll.optim.registry import OPTIMIZERS, make_optimizer
from optiroll.optim.schedules import Schedule
from optiroll.optim.sweep import Axis, Objective, sweep
from optiroll.optim.tune import tune


def strict(data):
    """`data` as a page would read it: through strict JSON."""
    return json.loads(json.dumps(data, allow_nan=False))


def finite_or_none(values):
    return [[float(v) if math.isfinite(v) else None for v in row] for row in values]


def test_a_clouds_json_is_every_ball_with_its_outcome():
    # lr 1.05 diverges from most starts (a diverged ball ends at its last finite point)
    exp = build_experiment(optimizer_specs=["sgd:lr=0.5", "sgd:lr=1.05"], steps=400)
    spec = CloudSpec("grid", 12)
    cloud = roll_cloud(exp, spec)
    data = strict(cloud.to_dict())
    assert data["spec"] == {"layout": "grid", "balls": 12}
    assert data["seed"] == exp.seed
    window = exp.surface.window
    assert data["reach"] == reach(window) > 0
    np.testing.assert_array_equal(data["starts"], cloud.starts)
    kinds = [o["kind"] for o in data["outcomes"]]
    assert kinds == [o.kind for o in cloud.outcomes] and "diverged" in kinds
    for read, outcome in zip(data["outcomes"], cloud.outcomes, strict=True):
        assert read["point"] == (None if outcome.point is None else list(outcome.point))
        assert read["loss"] == outcome.loss
        assert read["surface_minimum"] is outcome.surface_minimum
    minimum = next(o for o in data["outcomes"] if o["kind"] == "minimum")
    assert minimum["point"] == [0.0, 0.0] and minimum["surface_minimum"] is True
    assert minimum["loss"] == 0.0
    assert [r["label"] for r in data["runs"]] == ["SGD lr=0.5", "SGD lr=1.05"]
    for read, run in zip(data["runs"], cloud.runs, strict=True):
        assert read["outcome"] == run.outcome.tolist()
        # one count per outcome, the outcomes that no ball of this run had included (zero)
        assert read["counts"] == [run.outcome.tolist().count(i) for i in range(len(kinds))]
        assert read["diverged_at"] == run.diverged_at.tolist()
        assert read["final"] == finite_or_none(run.final)
    assert all(None not in p for run in data["runs"] for p in run["final"])


def test_a_maps_json_is_its_axes_cells_and_best_cell():
    exp = build_experiment(optimizer_specs=["momentum"], steps=60)
    # lr 100 leaves the bound at the first step: y_1 = 2 - 100 * 4 is beyond the bound of 50
    x, y = Axis("lr", 0.01, 100.0, 5, log=True), Axis("momentum", 0.0, 0.9, 3)
    s = sweep(exp, (x, y))
    (m,) = s.maps
    data = strict(s.to_dict())
    assert data["objective"] == {
        "kind": "loss",
        "threshold": Objective().threshold,
        "text": "final loss after 60 steps",
    }
    assert data["lowest_minimum"] == 0.0
    (read,) = data["maps"]
    assert read["optimizer"] == "momentum" and read["label"] == m.optimizer.label()
    for axis, got in ((x, read["x"]), (y, read["y"])):
        assert got == {
            "name": axis.name,
            "low": axis.low,
            "high": axis.high,
            "cells": axis.cells,
            "log": axis.log,
            "values": axis.values.tolist(),
        }
    np.testing.assert_allclose(read["x"]["values"], [0.01, 0.1, 1, 10, 100], rtol=1e-12)
    np.testing.assert_allclose(read["y"]["values"], [0.0, 0.45, 0.9], rtol=1e-12)
    assert read["diverged_at"] == m.diverged_at.tolist()
    assert [row[-1] for row in read["diverged_at"]] == [1, 1, 1]
    assert [row[-1] for row in read["final_loss"]] == [None, None, None]
    # a diverged cell has no loss; the others have theirs
    expected = np.where(m.diverged_at > 0, np.nan, m.final_loss)
    assert read["final_loss"] == finite_or_none(expected)
    assert read["reached_at"] is None
    row, column = np.unravel_index(np.argmin(m.score), m.shape)
    assert read["best"] == {
        "row": int(row),
        "column": int(column),
        "values": {"lr": float(x.values[column]), "momentum": float(y.values[row])},
    }


def test_a_map_of_steps_says_its_threshold_and_when_each_cell_reached_it():
    exp = build_experiment(optimizer_specs=["sgd"], start=(0.0, 1.0), steps=20)
    s = sweep(exp, (Axis("lr", 0.25, 0.5, 2),), Objective("steps", 0.01))
    data = strict(s.to_dict())
    assert data["objective"]["threshold"] == 0.01 and data["objective"]["kind"] == "steps"
    assert "within 0.01 of the minimum" in data["objective"]["text"]
    # lr 0.5: y_1 = 0 exactly; lr 0.25: loss 0.25**k < 0.01 from k = 4
    assert data["maps"][0]["reached_at"] == [[4, 1]]
    assert data["maps"][0]["y"] is None


def test_a_races_json_is_its_grid_and_every_trials_score():
    exp = build_experiment(optimizer_specs=["sgd", "momentum"], steps=30)
    raced = tune(exp, budget=8)
    sgd, momentum = raced.optimizers
    data = strict(momentum.tuned.to_dict())
    tuning = momentum.tuned
    assert data["grid"] == {name: list(values) for name, values in tuning.grid.axes}
    assert data["searched"] == tuning.grid.describe()
    assert data["searched"].startswith("2 lr in [0.001, 3] (log) x 4 momentum in")
    assert data["trials"] == 8 == len(data["scores"])
    assert data["steps"] == 30
    assert data["objective"]["text"] == "final loss after 30 steps"
    assert data["won"] == {"lr": momentum.lr, "momentum": momentum.momentum}
    settings = [
        {"lr": lr, "momentum": mu} for lr in tuning.grid.axes[0][1] for mu in tuning.grid.axes[1][1]
    ]
    assert [t["values"] for t in data["scores"]] == settings
    scores = [t["score"] for t in data["scores"]]
    assert data["score"] == min(s for s in scores if s is not None)
    # lr 3 makes momentum diverge on the book's surface: that trial has no score
    assert None in scores
    assert tuning.describe() == f"{data['searched']}, by final loss after 30 steps"
    assert strict(sgd.tuned.to_dict())["grid"] == {"lr": list(sgd.tuned.grid.axes[0][1])}


def test_a_noisy_scheduled_runs_json_says_its_noise_and_schedule():
    (traj,) = build_experiment(
        optimizer_specs=["sgd:lr=0.1,noise=2,batch=16,schedule=step,gamma=0.3,every=4"], steps=9
    ).run()
    data = strict(traj.to_dict())
    assert data["noise"] == {"sigma": 2.0, "batch": 16, "std": 0.5}  # 2 / sqrt(16)
    assert data["schedule"] == {"kind": "step", "warmup": 0, "gamma": 0.3, "every": 4}
    np.testing.assert_allclose(data["learning_rates"], 0.1 * 0.3 ** (np.arange(10) // 4))


def test_where_each_value_came_from_is_empty_when_not_told():
    exp = build_experiment(optimizer_specs=["sgd:lr=0.3", "momentum:lr=0.2"])
    told = Experiment(exp.surface, exp.start, exp.steps, exp.optimizers, origins=("given",))
    assert told.sources(0) == {"lr": "given"}
    assert told.sources(1) == {"lr": ""}


def test_a_whole_number_is_described_as_typed():
    assert Whole(1).describe(16) == "16"


def test_an_experiments_json_says_its_steps_start_and_how_each_optimizer_was_chosen():
    exp = tune(build_experiment(optimizer_specs=["sgd"], start=(-6.0, 1.5), steps=12), budget=4)
    data = strict(exp.to_dict())
    assert data["steps"] == 12 and data["start"] == [-6.0, 1.5]
    (entry,) = data["optimizers"]
    assert entry["tuned"] == strict(exp.optimizers[0].tuned.to_dict())


def test_an_optimizer_no_preset_tuned_comes_from_nowhere_in_particular():
    exp = build_experiment(optimizer_specs=["nadam", "sgd"])
    assert exp.origins == ("", "preset book")


def test_a_run_settings_default_is_what_a_spec_without_it_gives():
    told = make_optimizer("sgd", {"schedule": "step", "warmup": "3", "noise": "0.5", "batch": "4"})
    bare, noisy = make_optimizer("sgd", {}), make_optimizer("sgd", {"noise": "0.5"})
    assert told.default("schedule") == bare.schedule.kind
    assert told.default("warmup") == bare.schedule.warmup
    assert told.default("noise") == bare.noise.sigma
    assert told.default("batch") == noisy.noise.batch
    # a spec's numbers are read as the kind they are: a batch is a whole number, noise a float
    assert isinstance(told.noise.batch, int) and isinstance(told.noise.sigma, float)
    assert isinstance(Noise(2, owner="sgd").sigma, float)


def test_a_runs_json_is_its_rows():
    (traj,) = build_experiment(optimizer_specs=["adam:lr=0.3"], steps=6).run()
    data = strict(traj.to_dict())
    assert data["losses"] == traj.losses.tolist() and len(data["losses"]) == 7
    assert data["gradients"] == traj.gradients.tolist()
    assert data["quantities"] == {k: v.tolist() for k, v in traj.quantities.items()}
    assert set(data["quantities"]) >= {"m", "v"}


def test_a_schedule_is_read_as_the_cli_writes_it():
    schedule = Schedule(" Cosine ", 3.0)
    assert schedule.kind == "cosine" and schedule.warmup == 3 and isinstance(schedule.warmup, int)
    assert schedule.factor(4 + 3, 3 + 3) == 0.0  # the cosine, not a constant, after warm-up


def test_each_hyper_parameter_is_documented_with_its_defaults_under_each_rules():
    for cls in OPTIMIZERS:
        for name, doc in cls.parameter_docs().items():
            assert isinstance(doc.doc, str) and doc.doc, (cls.name, name)
    eps = Adam.parameter_docs()["eps"]
    assert eps.by_rules == {"book": 1e-7, "pytorch": 1e-8}  # the book's code; torch.optim.Adam
    assert eps.default == 1e-7
