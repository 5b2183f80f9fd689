"""Each update rule against the book's formulas: hand-worked steps and second formulations."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optiroll.errors import OptirollError
from optiroll.optim.book import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp
from optiroll.optim.modern import Adadelta, AdamW, AMSGrad, NAdam, RMSPropMomentum
from optiroll.optim.surfaces import BOOK
from optiroll.optim.trajectory import run

START = (-7.0, 2.0)
# g at the start on the book surface: (x/10, 2y) = (-0.7, 4).


def test_sgd_first_step_by_hand():
    traj = run(SGD(lr=0.95), BOOK, START, 1)
    np.testing.assert_allclose(traj.points[1], [-7 + 0.95 * 0.7, 2 - 0.95 * 4], rtol=0, atol=1e-15)


def test_momentum_first_two_steps_by_hand():
    traj = run(Momentum(lr=0.1), BOOK, START, 2)
    # v1 = -0.1 * (-0.7, 4) = (0.07, -0.4); W1 = (-6.93, 1.6); g1 = (-0.693, 3.2)
    # v2 = 0.9 * v1 - 0.1 * g1 = (0.1323, -0.68); W2 = (-6.7977, 0.92)
    np.testing.assert_allclose(traj.points[1:], [[-6.93, 1.6], [-6.7977, 0.92]], atol=1e-12)
    np.testing.assert_allclose(traj.quantities["v"][2], [0.1323, -0.68], atol=1e-12)


def test_adagrad_first_two_steps_by_hand():
    traj = run(AdaGrad(lr=1.5), BOOK, START, 2)
    # h1 = (0.49, 16): each coordinate moves by lr = 1.5 (minus the effect of eps).
    np.testing.assert_allclose(traj.points[1], [-5.5, 0.5], atol=1e-6)
    # g1 = (-0.55, 1.0); h2 = (0.7925, 17)
    expected = [-5.5 + 1.5 * 0.55 / math.sqrt(0.7925), 0.5 - 1.5 / math.sqrt(17)]
    np.testing.assert_allclose(traj.points[2], expected, atol=1e-6)
    np.testing.assert_allclose(traj.quantities["h"][2], [0.7925, 17.0], atol=1e-9)


def test_adam_first_step_moves_each_coordinate_by_lr():
    traj = run(Adam(lr=0.3), BOOK, START, 1)
    # lr_t = 0.3 * sqrt(0.001) / 0.1; m = 0.1 g; v = 0.001 g^2; so m / sqrt(v) = sign(g) * sqrt(10)
    np.testing.assert_allclose(traj.points[1], [-6.7, 1.7], atol=1e-6)


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_rho():
    traj = run(RMSProp(lr=0.01, decay_rate=0.99), BOOK, START, 1)
    np.testing.assert_allclose(traj.points[1], [-7 + 0.1, 2 - 0.1], atol=1e-6)


# Second formulations, written independently of optiroll's code, one ball at a time in Python.


def grads_of(traj):
    return [tuple(g) for g in traj.gradients[:-1]]


def momentum_closed_form(w0, grads, lr, alpha):
    """W_k = W_0 + sum_j v_j with v_j = -lr * sum_{i<=j} alpha^(j-i) g_i."""
    out = [w0]
    for k in range(1, len(grads) + 1):
        v = [
            -lr * sum(alpha ** (k - 1 - i) * g[d] for i, g in enumerate(grads[:k])) for d in (0, 1)
        ]
        out.append(tuple(out[-1][d] + v[d] for d in (0, 1)))
    return out


def test_momentum_matches_the_closed_form():
    traj = run(Momentum(lr=0.1, momentum=0.9), BOOK, START, 25)
    expected = momentum_closed_form(START, grads_of(traj), 0.1, 0.9)
    np.testing.assert_allclose(traj.points, expected, atol=1e-10)


def test_nesterov_is_nesterovs_method_in_lookahead_coordinates():
    """Original NAG: v <- a v - lr grad(theta + a v); theta <- theta + v. The book's W is theta + a v."""
    lr, a = 0.1, 0.9
    traj = run(Nesterov(lr=lr, momentum=a), BOOK, START, 25)
    theta, v = np.array(START), np.zeros(2)
    for k in range(1, 26):
        look = theta + a * v
        v = a * v - lr * np.array([look[0] / 10, 2 * look[1]])
        theta = theta + v
        np.testing.assert_allclose(traj.points[k], theta + a * v, atol=1e-10)


def test_nesterov_moves_with_the_old_velocity_not_the_new():
    """The Korean edition's code updates v first; that order is pinned out."""
    lr, a = 0.1, 0.9
    traj = run(Nesterov(lr=lr, momentum=a), BOOK, START, 2)
    w1, v1 = traj.points[1], traj.quantities["v"][1]
    g1 = traj.gradients[1]
    right = w1 + a * a * v1 - (1 + a) * lr * g1
    v_first = a * v1 - lr * g1
    wrong = w1 + a * a * v_first - (1 + a) * lr * g1
    np.testing.assert_allclose(traj.points[2], right, atol=1e-14)
    assert not np.allclose(traj.points[2], wrong)


def test_adagrad_matches_the_cumulative_sum_form():
    traj = run(AdaGrad(lr=1.5), BOOK, START, 20)
    g = traj.gradients[:-1]
    root = np.sqrt(np.cumsum(g * g, axis=0))
    expected = START - np.concatenate([[[0, 0]], np.cumsum(1.5 * g / (root + 1e-7), axis=0)])
    np.testing.assert_allclose(traj.points, expected, atol=1e-10)


def test_rmsprop_matches_the_weighted_sum_form():
    rho, lr = 0.9, 0.15
    traj = run(RMSProp(lr=lr, decay_rate=rho), BOOK, START, 20)
    g = traj.gradients[:-1]
    for k in range(1, 21):
        weights = (1 - rho) * rho ** np.arange(k - 1, -1, -1)
        h = (weights[:, None] * g[:k] ** 2).sum(axis=0)
        np.testing.assert_allclose(traj.quantities["h"][k], h, rtol=1e-12)
        step = -lr * g[k - 1] / (np.sqrt(h) + 1e-7)
        np.testing.assert_allclose(traj.points[k] - traj.points[k - 1], step, atol=1e-12)


def test_adam_matches_the_papers_bias_corrected_form():
    """Kingma & Ba: W -= lr m_hat / (sqrt(v_hat) + eps'), where the book's eps = eps' sqrt(1-b2^t)."""
    lr, b1, b2, eps = 0.3, 0.9, 0.999, 1e-7
    traj = run(Adam(lr=lr, beta1=b1, beta2=b2, eps=eps), BOOK, START, 20)
    w, m, v = np.array(START), np.zeros(2), np.zeros(2)
    for t in range(1, 21):
        g = np.array([w[0] / 10, 2 * w[1]])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps / math.sqrt(1 - b2**t))
        np.testing.assert_allclose(traj.points[t], w, atol=1e-10)
        np.testing.assert_allclose(traj.quantities["m_hat"][t], m_hat, rtol=1e-12)
        np.testing.assert_allclose(traj.quantities["v_hat"][t], v_hat, rtol=1e-12)


# Properties over random inputs.

coords = st.floats(-9, 9, allow_nan=False)
points = st.tuples(coords, st.floats(-4.5, 4.5, allow_nan=False))


@given(start=points, lr=st.floats(1e-3, 0.9))
def test_momentum_with_zero_momentum_is_sgd(start, lr):
    a = run(Momentum(lr=lr, momentum=0.0), BOOK, start, 15)
    b = run(SGD(lr=lr), BOOK, start, 15)
    np.testing.assert_array_equal(a.points, b.points)


@settings(max_examples=50)
@given(lr=st.floats(0.05, 0.99), start=points.filter(lambda p: abs(p[0]) + abs(p[1]) > 0.1))
def test_sgd_on_the_book_surface_converges_below_lr_1(lr, start):
    traj = run(SGD(lr=lr), BOOK, start, 2000)
    assert traj.diverged_at is None
    assert traj.losses[-1] < 1e-3 * traj.losses[0]


@settings(max_examples=50)
@given(lr=st.floats(1.01, 3.0), x=coords, y=st.floats(0.5, 4.5))
def test_sgd_on_the_book_surface_diverges_above_lr_1(lr, x, y):
    traj = run(SGD(lr=lr), BOOK, (x, y), 2000)
    assert traj.diverged_at is not None


@given(start=points, lr=st.floats(1e-3, 10.0), steps=st.integers(1, 40))
def test_adagrad_never_moves_a_coordinate_more_than_lr(start, lr, steps):
    traj = run(AdaGrad(lr=lr), BOOK, start, steps)
    assert np.all(np.abs(np.diff(traj.points, axis=0)) <= lr * (1 + 1e-12))


@given(
    # |g| well above eps, so eps changes the step by less than the tolerance
    start=points.filter(lambda p: abs(p[0]) > 0.5 and abs(p[1]) > 0.05),
    lr=st.floats(1e-3, 1.0),
    b1=st.floats(0.0, 0.99),
    b2=st.floats(0.5, 0.999),
)
def test_adam_first_step_moves_each_coordinate_by_about_lr(start, lr, b1, b2):
    traj = run(Adam(lr=lr, beta1=b1, beta2=b2), BOOK, start, 1)
    np.testing.assert_allclose(np.abs(traj.points[1] - traj.points[0]), lr, rtol=1e-4)


ALL = [
    SGD(lr=0.3),
    Momentum(lr=0.1),
    Nesterov(lr=0.1),
    AdaGrad(lr=1.0),
    RMSProp(lr=0.1),
    Adam(lr=0.3),
    Momentum(lr=0.1, rules="pytorch"),
    Adam(lr=0.3, rules="pytorch"),
    AdamW(lr=0.3, weight_decay=0.1),
    AMSGrad(lr=0.3),
    NAdam(lr=0.3),
    Adadelta(),
    RMSPropMomentum(lr=0.01),
]


@pytest.mark.parametrize("opt", ALL, ids=lambda o: o.label())
@given(data=st.data())
@settings(max_examples=20)
def test_update_works_on_any_batch_shape_and_is_pure(opt, data):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=0, max_size=3)).copy() + [2]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    params = rng.uniform(-5, 5, size=shape)
    grads = BOOK.gradient(params)
    state = opt.init(params)
    before = (params.copy(), grads.copy())
    new_params, new_state = opt.update(grads, state, params)
    new_params, _ = opt.update(BOOK.gradient(new_params), new_state, new_params)
    np.testing.assert_array_equal(params, before[0])
    np.testing.assert_array_equal(grads, before[1])
    assert new_params.shape == params.shape
    # Element-wise: each ball in the batch moves exactly as it would alone.
    flat = params.reshape(-1, 2)
    for i in range(flat.shape[0]):
        alone = run(opt, BOOK, tuple(flat[i]), 2).points[2]
        np.testing.assert_array_equal(new_params.reshape(-1, 2)[i], alone)


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: SGD(lr=-1), "lr must be in (0, inf)"),
        (lambda: SGD(lr=0), "lr must be in (0, inf)"),
        (lambda: Momentum(momentum=1.0), "momentum must be in [0, 1)"),
        (lambda: RMSProp(decay_rate=-0.1), "decay_rate must be in [0, 1)"),
        (lambda: Adam(beta2=0.0), "beta2 must be in (0, 1)"),
        (lambda: Adam(lr=float("nan")), "lr must be finite"),
        (lambda: AdaGrad(eps=float("inf")), "eps must be finite"),
    ],
)
def test_out_of_range_hyperparameters_are_rejected(factory, message):
    with pytest.raises(
        OptirollError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        factory()


def test_labels_come_from_the_values():
    assert Momentum(lr=0.1).label() == "Momentum lr=0.1 momentum=0.9"
    assert AdaGrad(lr=1.5).label() == "AdaGrad lr=1.5"
    assert AdaGrad(lr=1.5, eps=1e-8).label() == "AdaGrad lr=1.5 eps=1e-08"


def test_the_defaults_are_the_books():
    """common/optimizer.py: SGD(lr=0.01), Momentum(lr=0.01, momentum=0.9), AdaGrad(lr=0.01),
    RMSprop(lr=0.01, decay_rate=0.99), Adam(lr=0.001, beta1=0.9, beta2=0.999); eps 1e-7."""
    assert SGD().hyperparameters() == {"lr": 0.01}
    assert Momentum().hyperparameters() == {"lr": 0.01, "momentum": 0.9, "rules": "book"}
    assert AdaGrad().hyperparameters() == {"lr": 0.01, "eps": 1e-7, "rules": "book"}
    assert RMSProp().hyperparameters() == {
        "lr": 0.01,
        "decay_rate": 0.99,
        "eps": 1e-7,
        "rules": "book",
    }
    adam = Adam().hyperparameters()
    assert {k: adam[k] for k in ("lr", "beta1", "beta2", "eps")} == {
        "lr": 0.001,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-7,
    }


def test_hyper_parameters_may_be_given_in_order():
    """The rule's values come first, in order; the run settings (schedule, noise) only by name."""
    assert Momentum(0.05, 0.5).hyperparameters() == {"lr": 0.05, "momentum": 0.5, "rules": "book"}
    assert SGD(0.3).lr == 0.3
