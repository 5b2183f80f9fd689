"""Learning-rate schedules: closed forms, the spec that sets them, and runs that apply them."""

import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from optiroll.errors import OptirollError
from optiroll.optim.book import SGD, Adam, Momentum
from optiroll.optim.experiment import build_experiment
from optiroll.optim.registry import make_optimizer
from optiroll.optim.schedules import Schedule
from optiroll.optim.surfaces import BOOK
from optiroll.optim.trajectory import run
from optiroll.plan.words import ENGLISH


def test_constant_is_the_learning_rate_itself():
    np.testing.assert_array_equal(Schedule().rates(0.3, 5), [0.3] * 5)


def test_step_cuts_by_gamma_every_so_many_updates():
    rates = Schedule("step", gamma=0.5, every=3).rates(1.0, 8)
    np.testing.assert_allclose(rates, [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25])


def test_exponential_multiplies_by_gamma_each_update():
    rates = Schedule("exponential", gamma=0.9).rates(2.0, 4)
    np.testing.assert_allclose(rates, [2.0, 1.8, 1.62, 1.458])


def test_cosine_anneals_from_the_rate_towards_zero_over_the_run():
    steps = 10
    rates = Schedule("cosine").rates(0.8, steps)
    expected = [0.8 * (1 + math.cos(math.pi * s / steps)) / 2 for s in range(steps)]
    np.testing.assert_allclose(rates, expected)
    assert rates[0] == 0.8 and 0 < rates[-1] < 0.8 * 0.03


def test_a_warmup_climbs_linearly_then_the_schedule_starts_from_the_top():
    rates = Schedule("cosine", warmup=4).rates(1.0, 10)
    np.testing.assert_allclose(rates[:4], [0.25, 0.5, 0.75, 1.0])
    horizon = 10 - 4
    expected = [(1 + math.cos(math.pi * s / horizon)) / 2 for s in range(horizon)]
    np.testing.assert_allclose(rates[4:], expected)
    np.testing.assert_allclose(Schedule(warmup=2).rates(0.5, 4), [0.25, 0.5, 0.5, 0.5])


@given(
    kind=st.sampled_from(["constant", "step", "exponential", "cosine"]),
    warmup=st.integers(0, 20),
    steps=st.integers(1, 200),
)
def test_every_rate_is_positive_and_at_most_the_learning_rate(kind, warmup, steps):
    rates = Schedule(kind, warmup=warmup).rates(0.7, steps)
    assert rates.shape == (steps,)
    assert np.all(rates > 0) and np.all(rates <= 0.7 + 1e-15)


def test_a_schedule_is_part_of_the_spec_and_of_the_label():
    opt = make_optimizer("momentum", {"lr": "0.1", "schedule": "step", "Gamma": "0.7"})
    assert opt.schedule == Schedule("step", gamma=0.7, every=10)
    assert opt.hyperparameters() == {"lr": 0.1, "momentum": 0.9, "rules": "book"}
    assert opt.label() == "Momentum lr=0.1 momentum=0.9 schedule=step gamma=0.7"
    assert ENGLISH.label(opt) == "Momentum η=0.1 α=0.9 schedule=step γ=0.7"
    assert ENGLISH.label(make_optimizer("adam", {"lr": "0.3", "warmup": "5"})) == (
        "Adam η=0.3 β₁=0.9 β₂=0.999 warmup=5"
    )
    # the kind's defaults are not shown
    assert make_optimizer("sgd", {"schedule": "exponential", "gamma": "0.95"}).label() == (
        "SGD lr=0.01 schedule=exponential"
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"schedule": "cosin"}, "sgd: schedule must be constant, step, exponential or cosine"),
        ({"every": "5"}, "sgd: every applies to schedule=step, not schedule=constant"),
        ({"schedule": "cosine", "gamma": "0.5"}, "gamma applies to schedule=step or exponential"),
        ({"schedule": "step", "every": "0"}, "sgd: every must be at least 1, got 0"),
        ({"warmup": "2.5"}, "sgd: warmup must be a whole number, got 2.5"),
        ({"warmup": "-1"}, "sgd: warmup must be at least 0"),
        ({"schedule": "exponential", "gamma": "1.5"}, "sgd: gamma must be in (0, 1], got 1.5"),
        ({"schedule": "step", "gamma": "nan"}, "sgd: gamma must be finite"),
        ({"warmup": "three"}, "sgd: warmup must be a whole number, got 'three'"),
    ],
)
def test_a_bad_schedule_is_one_line_naming_the_optimizer(values, message):
    with pytest.raises(OptirollError, match=None) as err:
        make_optimizer("sgd", values)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_each_update_uses_its_scheduled_rate():
    """SGD on the book's surface, y only: y_{t} = y_{t-1} (1 - 2 eta_t)."""
    opt = SGD(lr=0.4, schedule=Schedule("exponential", gamma=0.5))
    traj = run(opt, BOOK, (0.0, 1.0), 5)
    rates = 0.4 * 0.5 ** np.arange(5)
    np.testing.assert_allclose(traj.points[1:, 1], np.cumprod(1 - 2 * rates))
    np.testing.assert_allclose(traj.learning_rates, [*rates, 0.4 * 0.5**5])
    assert traj.to_dict()["schedule"]["kind"] == "exponential"


def test_adaptive_step_sizes_follow_the_schedule():
    """Adam's recorded step size at point k is that of update k + 1, at its rate."""
    plain = run(Adam(lr=0.3), BOOK, (-7.0, 2.0), 6)
    warm = run(Adam(lr=0.3, schedule=Schedule(warmup=3)), BOOK, (-7.0, 2.0), 6)
    np.testing.assert_allclose(
        warm.quantities["step_size"][0], plain.quantities["step_size"][0] / 3
    )


def test_momentum_rules_differ_once_the_rate_changes():
    """The book's velocity and PyTorch's buffer give one path at a constant rate, not under a
    schedule (README: v = -eta b holds only while eta is constant)."""
    schedule = Schedule("step", gamma=0.5, every=2)
    book = run(Momentum(lr=0.1, schedule=schedule), BOOK, (-7.0, 2.0), 6)
    torch = run(Momentum(lr=0.1, rules="pytorch", schedule=schedule), BOOK, (-7.0, 2.0), 6)
    np.testing.assert_allclose(book.points[:3], torch.points[:3])
    assert not np.allclose(book.points[4:], torch.points[4:])


def test_nothing_changes_for_an_optimizer_without_a_schedule():
    traj = run(SGD(lr=0.95), BOOK, (-7.0, 2.0), 30)
    assert traj.learning_rates is None
    assert "schedule" not in traj.to_dict() and "seed" not in traj.to_dict()
    exp = build_experiment()
    assert "seed" not in exp.to_dict()
    assert all(set(o) == {"optimizer", "hyperparameters"} for o in exp.to_dict()["optimizers"])


def test_a_schedule_alone_keeps_the_presets_tuned_values():
    exp = build_experiment(optimizer_specs=["sgd:schedule=cosine", "sgd:lr=0.5,warmup=2"])
    assert [o.lr for o in exp.optimizers] == [0.95, 0.5]
    assert exp.to_dict()["optimizers"][0]["schedule"]["kind"] == "cosine"


@settings(max_examples=40)
@given(steps=st.integers(1, 60), warmup=st.integers(0, 59))
def test_a_cosine_schedule_reaches_zero_after_its_last_update(steps, warmup):
    """After warm-up the cosine goes from 1 to 0 over the remaining updates: the rate recorded
    after the run (update steps + 1) is 0 whenever an update follows the warm-up."""
    assume(warmup < steps)
    cosine = Schedule("cosine", warmup)
    assert cosine.factor(steps + 1, steps) == pytest.approx(0.0, abs=1e-15)
    assert cosine.factor(warmup + 1, steps) == 1.0


@pytest.mark.parametrize(
    "schedule",
    [
        Schedule(),
        Schedule("cosine", 5),
        Schedule("step", 0, 0.3, 4),
        Schedule("exponential", 2, 0.9),
        Schedule("step", 3),
    ],
)
def test_a_schedules_spec_and_json_give_it_back(schedule):
    spec = schedule.spec()
    values = dict(item.split("=") for item in spec.split(",")) if spec else {}
    assert make_optimizer("sgd", values).schedule == schedule
    data = json.loads(json.dumps(schedule.to_dict()))
    assert Schedule(data["kind"], data["warmup"], data["gamma"], data["every"]) == schedule
