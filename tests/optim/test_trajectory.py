"""Trajectories: shapes, divergence as a result, and batches equal to single runs."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optiroll.errors import OptirollError
from optiroll.optim.book import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp
from optiroll.optim.experiment import build_experiment
from optiroll.optim.registry import make_optimizer, parse_spec
from optiroll.optim.surfaces import BOOK, Surface, Window
from optiroll.optim.trajectory import roll, run, run_batch


def test_a_run_has_steps_plus_one_rows_of_everything():
    traj = run(Adam(lr=0.3), BOOK, (-7, 2), 30)
    assert traj.points.shape == (31, 2)
    assert traj.losses.shape == (31,)
    assert traj.gradients.shape == (31, 2)
    assert {k: v.shape for k, v in traj.quantities.items()} == {
        k: (31, 2) for k in ("m", "v", "m_hat", "v_hat", "step_size")
    }
    np.testing.assert_allclose(traj.losses, BOOK.value(traj.points))
    assert traj.diverged_at is None


def test_leaving_the_bound_stops_the_run_and_keeps_the_finite_prefix():
    traj = run(SGD(lr=1.2), BOOK, (-7, 2), 500)
    k = traj.diverged_at
    assert k is not None and k < 500
    assert len(traj.points) == k + 1
    assert np.all(np.isfinite(traj.points))
    assert abs(traj.points[-1, 1]) > 50 >= abs(traj.points[-2, 1])  # the bound is 10x the window


def test_a_non_finite_value_stops_the_run_and_is_dropped():
    cliff = Surface(
        name="cliff",
        formula="",
        latex="",
        value_fn=lambda x, y: x * 0 + y * 0,
        gradient_fn=lambda x, y: (np.where(x > 0, np.inf, -1.0), y * 0),
        window=Window(-10, 10, -10, 10),
        start=(-1, 0),
        minima=(),
    )
    with np.errstate(invalid="ignore"):
        traj = run(SGD(lr=0.6), cliff, (-1.0, 0.0), 10)
    # -1 -> -0.4 -> 0.2 (gradient inf there) -> -inf: the inf step is dropped.
    assert traj.diverged_at is not None
    assert np.all(np.isfinite(traj.points))


@settings(max_examples=25)
@given(
    seed=st.integers(0, 2**32 - 1),
    which=st.sampled_from(
        [
            SGD(lr=0.9),
            Momentum(lr=0.1),
            Nesterov(lr=0.1),
            AdaGrad(lr=1.5),
            RMSProp(lr=0.1),
            Adam(lr=0.3),
        ]
    ),
)
def test_a_batch_of_starts_gives_exactly_the_single_runs(seed, which):
    starts = np.random.default_rng(seed).uniform([-9, -4], [9, 4], size=(7, 2))
    finals = run_batch(which, BOOK, starts, 40)
    for start, final in zip(starts, finals, strict=True):
        np.testing.assert_array_equal(final, run(which, BOOK, tuple(start), 40).points[-1])


def test_the_default_experiment_is_the_books_figure():
    exp = build_experiment()
    assert exp.surface is BOOK and exp.start == (-7.0, 2.0) and exp.steps == 30
    assert [o.label() for o in exp.optimizers] == [
        "SGD lr=0.95",
        "Momentum lr=0.1 momentum=0.9",
        "AdaGrad lr=1.5",
        "Adam lr=0.3 beta1=0.9 beta2=0.999",
    ]


def test_a_bare_name_takes_tuned_values_and_a_given_value_leaves_the_rest_at_defaults():
    exp = build_experiment(
        optimizer_specs=["momentum:momentum=0.8", "RMSprop", "nesterov", "rmsprop:lr=0.1"]
    )
    assert [o.hyperparameters() for o in exp.optimizers] == [
        {"lr": 0.01, "momentum": 0.8, "rules": "book"},  # lr: the documented default
        {"lr": 0.15, "decay_rate": 0.9, "eps": 1e-7, "rules": "book"},  # the rmsprop preset's
        {"lr": 0.1, "momentum": 0.9},
        {"lr": 0.1, "decay_rate": 0.99, "eps": 1e-7, "rules": "book"},  # not the preset's 0.9
    ]
    assert [exp.sources(i) for i in range(4)] == [
        {"momentum": "given"},
        {"lr": "preset rmsprop", "decay_rate": "preset rmsprop"},
        {"lr": "preset nesterov"},
        {"lr": "given"},
    ]


def test_a_presets_own_runs_say_they_come_from_it():
    exp = build_experiment("rmsprop")
    assert [exp.sources(i) for i in range(2)] == [
        {"lr": "preset rmsprop"},
        {"lr": "preset rmsprop", "decay_rate": "preset rmsprop"},
    ]


def test_a_start_far_outside_the_window_is_rejected():
    with pytest.raises(OptirollError, match="too far"):
        build_experiment(start=(1e6, 0.0))


@pytest.mark.parametrize("y0", [25.0, -25.0])
def test_a_ball_landing_exactly_on_the_bound_is_still_inside(y0):
    """SGD at lr 1.5 on the book's bowl: y_1 = y_0 (1 - 2 * 1.5) = -2 y_0, exactly -50 or 50, the
    divergence bound (ten times the window's 5); it leaves at the next step, as the run says."""
    traj = run(SGD(lr=1.5), BOOK, (0.0, y0), 5)
    assert traj.points[1][1] == -2 * y0 and traj.diverged_at == 2
    rolled = roll(SGD(lr=1.5), BOOK, np.array([[0.0, y0]]), 5, record=True)
    assert rolled.diverged_at.tolist() == [2]
    np.testing.assert_array_equal(rolled.final[0], traj.points[-1])


def test_whole_number_starts_roll_as_their_floats():
    starts = np.array([[-7, 2], [3, -4], [0, 1]])
    for spec in ["sgd:lr=1.2", "momentum:lr=0.3"]:  # lr 1.2 throws every ball out
        opt = make_optimizer(*parse_spec(spec))
        as_int = roll(opt, BOOK, starts, 30, record=True, threshold=0.5)
        as_float = roll(opt, BOOK, starts.astype(float), 30, record=True, threshold=0.5)
        for got, expected in zip(as_int.__dict__.values(), as_float.__dict__.values(), strict=True):
            np.testing.assert_array_equal(got, expected)


def test_a_roll_keeps_the_path_only_when_asked():
    starts = np.array([[-7.0, 2.0]])
    assert roll(SGD(), BOOK, starts, 3).path is None
    assert roll(SGD(), BOOK, starts, 3, record=True).path.shape == (4, 1, 2)


def test_a_threshold_is_reached_below_it_not_at_it():
    """From (0, 1) the loss is exactly 1: with threshold 1 the start has not reached it; SGD at
    lr 0.25 halves y, and the loss 0.25 at step 1 is below."""
    rolled = roll(SGD(lr=0.25), BOOK, np.array([[0.0, 1.0]]), 4, threshold=1.0)
    assert rolled.reached_at.tolist() == [1]


def test_a_roll_that_overflows_prints_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rolled = roll(SGD(lr=30.0), BOOK, np.array([[-7.0, 2.0], [0.0, 0.0]]), 400)
    assert rolled.diverged_at.tolist()[0] > 0 and rolled.diverged_at.tolist()[1] == 0


def test_a_threshold_is_reached_at_the_first_step_below_it():
    """Losses 1, 0.25, 0.0625 ... (y halves each step): with threshold 0.25 the first point below
    it is point 2, not point 1 which is at it."""
    rolled = roll(SGD(lr=0.25), BOOK, np.array([[0.0, 1.0]]), 4, threshold=0.25)
    assert rolled.reached_at.tolist() == [2]


@pytest.mark.parametrize("x0", [50.0, -50.0])
def test_a_ball_landing_exactly_on_the_bounds_side_is_still_inside(x0):
    """SGD at lr 30 on x alone: x_1 = x_0 (1 - 30/10) = -2 x_0, exactly -100 or 100, the bound
    (ten times the window's 10)."""
    traj = run(SGD(lr=30.0), BOOK, (x0, 0.0), 3)
    assert traj.points[1][0] == -2 * x0 and traj.diverged_at == 2
    rolled = roll(SGD(lr=30.0), BOOK, np.array([[x0, 0.0]]), 3)
    assert rolled.diverged_at.tolist() == [2]
