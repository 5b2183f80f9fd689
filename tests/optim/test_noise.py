"""Noisy gradients: the noise's mean and variance, seeds, mini-batches and batched runs."""

import numpy as np
import pytest

from optiroll.errors import OptirollError
from optiroll.optim.book import SGD
from optiroll.optim.experiment import build_experiment
from optiroll.optim.noise import Noise, draws
from optiroll.optim.registry import make_optimizer
from optiroll.optim.surfaces import BOOK
from optiroll.optim.trajectory import roll, run

SAMPLES = 200_000


@pytest.mark.parametrize(("sigma", "batch"), [(0.5, 1), (2.0, 16), (3.0, 9)])
def test_the_noise_has_mean_zero_and_variance_sigma_squared_over_the_batch(sigma, batch):
    noise = Noise(sigma, batch)
    sample = np.concatenate([noise.sample(7, t, (SAMPLES // 10, 2)) for t in range(1, 11)])
    variance = sigma**2 / batch
    # Standard errors: sqrt(var / n) for the mean, var * sqrt(2 / (n - 1)) for the variance.
    n = len(sample)
    np.testing.assert_allclose(sample.mean(axis=0), 0.0, atol=5 * np.sqrt(variance / n))
    np.testing.assert_allclose(
        sample.var(axis=0, ddof=1), variance, atol=5 * variance * np.sqrt(2 / (n - 1))
    )
    # the two axes are independent
    assert abs(np.corrcoef(sample.T)[0, 1]) < 5 / np.sqrt(n)


def test_the_gradient_a_noisy_update_uses_is_the_surfaces_plus_the_seeded_draws():
    opt = SGD(lr=0.1, noise=Noise(0.5))
    traj = run(opt, BOOK, (-7.0, 2.0), 5, seed=11)
    for k in range(6):
        expected = BOOK.gradient(traj.points[k]) + 0.5 * draws(11, k + 1, (2,))
        np.testing.assert_allclose(traj.gradients[k], expected)
    np.testing.assert_allclose(traj.points[1:], traj.points[:-1] - 0.1 * traj.gradients[:-1])
    assert traj.to_dict()["seed"] == 11 and traj.to_dict()["noise"]["std"] == 0.5


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    exp = build_experiment(optimizer_specs=["sgd:noise=1"], seed=5)
    a, b = exp.run()[0], exp.run()[0]
    np.testing.assert_array_equal(a.points, b.points)
    other = build_experiment(optimizer_specs=["sgd:noise=1"], seed=6).run()[0]
    assert not np.allclose(a.points, other.points)
    assert exp.to_dict()["seed"] == 5


def test_a_batch_draws_row_i_for_ball_i_whatever_its_size():
    np.testing.assert_array_equal(draws(3, 4, (10, 2))[:4], draws(3, 4, (4, 2)))
    np.testing.assert_array_equal(draws(3, 4, (10, 2))[0], draws(3, 4, (2,)))


def test_noise_is_part_of_the_spec_and_of_the_label():
    opt = make_optimizer("sgd", {"lr": "0.9", "noise": "2", "batch": "16"})
    assert opt.noise == Noise(2.0, 16) and opt.noise.std == 0.5
    assert opt.label() == "SGD lr=0.9 noise=2 batch=16"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"noise": "-1"}, "sgd: noise must be in [0, inf), got -1"),
        ({"noise": "inf"}, "sgd: noise must be finite"),
        ({"batch": "8"}, "sgd: batch needs noise=SIGMA"),
        ({"noise": "1", "batch": "0"}, "sgd: batch must be at least 1, got 0"),
        ({"noise": "1", "batch": "1.5"}, "sgd: batch must be a whole number, got 1.5"),
    ],
)
def test_bad_noise_is_one_line(values, message):
    with pytest.raises(OptirollError) as err:
        make_optimizer("sgd", values)
    assert message in str(err.value)


def test_a_bad_seed_is_one_line():
    with pytest.raises(OptirollError, match="--seed must be at least 0"):
        build_experiment(seed=-1)


def test_noisy_balls_spread_with_the_noise_and_shrink_with_the_batch():
    """From one start, SGD's spread on y after many updates is stationary: y_t = (1 - 2 eta)
    y_{t-1} - eta s z, so var(y) = eta^2 s^2 / (1 - (1 - 2 eta)^2)."""
    starts = np.zeros((4000, 2))
    eta = 0.1
    spreads = []
    for batch in (1, 4):
        opt = SGD(lr=eta, noise=Noise(1.0, batch))
        final = roll(opt, BOOK, starts, 60, seed=2).final
        std = 1.0 / np.sqrt(batch)
        expected = eta**2 * std**2 / (1 - (1 - 2 * eta) ** 2)
        np.testing.assert_allclose(final[:, 1].var(), expected, rtol=0.1)
        spreads.append(final[:, 1].std())
    np.testing.assert_allclose(spreads[0] / spreads[1], 2.0, rtol=0.1)
