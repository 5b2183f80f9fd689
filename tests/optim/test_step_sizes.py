"""The step size an adaptive optimizer reports is the step it takes (the explain scene's bars).

Row k + 1 of a trajectory's quantities is the state after update k + 1, the update that moves
point k to point k + 1 with gradient row k. For every adaptive optimizer, coordinate by
coordinate, that move is the reported step size times the rule's own vector:

- AdaGrad, RMSProp, Adadelta: the gradient g;
- Adam, AMSGrad: the first moment m (the bias correction is inside the step size);
- AdamW: m, after the decoupled decay of W;
- NAdam: its look-ahead moment, mu_{t+1} m / (1 - mu_1..mu_{t+1}) + (1 - mu_t) g / (1 - mu_1..mu_t);
- RMSProp+Momentum: the move is the velocity v, and v <- alpha v - step_size * g.

Under a schedule, the step size of row k + 1 uses the rate of update k + 1.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optiroll.optim.book import Adam
from optiroll.optim.quantities import (
    FIRST_MOMENT,
    FIRST_MOMENT_HAT,
    SECOND_MOMENT,
    SECOND_MOMENT_HAT,
    STEP_SIZE,
    VELOCITY,
)
from optiroll.optim.registry import make_optimizer
from optiroll.optim.surfaces import BOOK
from optiroll.optim.trajectory import Trajectory, run

ADAPTIVE = ("adagrad", "rmsprop", "adam", "amsgrad", "adamw", "nadam", "adadelta")
STEPS = 12


def _expected_moves(traj: Trajectory) -> np.ndarray:
    """points[k + 1] - points[k] as the rule's form over the recorded step size says."""
    q, g, p = traj.quantities, traj.gradients[:-1], traj.points
    size = q[STEP_SIZE][1:]
    name = traj.optimizer.name
    if name in ("adagrad", "rmsprop", "adadelta"):
        return -size * g
    if name in ("adam", "amsgrad"):
        return -size * q[FIRST_MOMENT][1:]
    if name == "adamw":
        rates = traj.learning_rates if traj.learning_rates is not None else traj.optimizer.lr
        rates = np.broadcast_to(rates, (len(p),))[:-1, None]
        return -p[:-1] * rates * traj.optimizer.weight_decay - size * q[FIRST_MOMENT][1:]
    if name == "nadam":
        opt = traj.optimizer
        t = np.arange(1, len(p))
        mu, mu_next = opt.mu(t), opt.mu(t + 1)
        product = np.cumprod(mu)
        m = q[FIRST_MOMENT][1:]
        look_ahead = (mu_next / (1 - product * mu_next))[:, None] * m + ((1 - mu) / (1 - product))[
            :, None
        ] * g
        return -size * look_ahead
    raise AssertionError(name)


def _runs(name: str, lr_factor: float, rules: str, schedule: str, start) -> Trajectory:
    default = make_optimizer(name, {})
    overrides = {"lr": str(default.lr * lr_factor), "schedule": schedule}
    if "rules" in default.parameter_docs():
        overrides["rules"] = rules
    return run(make_optimizer(name, overrides), BOOK, start, STEPS)


STARTS = st.tuples(st.floats(-9, 9), st.floats(-3.5, 3.5))


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(ADAPTIVE),
    lr_factor=st.floats(0.1, 3.0),
    rules=st.sampled_from(["book", "pytorch"]),
    schedule=st.sampled_from(["constant", "cosine", "exponential"]),
    start=STARTS,
)
def test_the_reported_step_size_is_the_step_taken(name, lr_factor, rules, schedule, start):
    traj = _runs(name, lr_factor, rules, schedule, start)
    moves = np.diff(traj.points, axis=0)
    np.testing.assert_allclose(moves, _expected_moves(traj), rtol=1e-9, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    lr_factor=st.floats(0.1, 3.0),
    schedule=st.sampled_from(["constant", "cosine", "exponential"]),
    start=STARTS,
)
def test_rmsprop_with_momentum_moves_by_its_velocity_built_from_the_step_size(
    lr_factor, schedule, start
):
    traj = _runs("rmsprop-momentum", lr_factor, "book", schedule, start)
    v, size, g = traj.quantities[VELOCITY], traj.quantities[STEP_SIZE], traj.gradients
    np.testing.assert_allclose(np.diff(traj.points, axis=0), v[1:], rtol=1e-9, atol=1e-12)
    if schedule == "constant":  # v = -eta * b: with a changing eta, v is not a running sum
        momentum = traj.optimizer.momentum
        np.testing.assert_allclose(
            v[1:], momentum * v[:-1] - size[1:] * g[:-1], rtol=1e-9, atol=1e-12
        )


def test_without_bias_correction_the_moments_the_step_uses_are_the_moments():
    opt = Adam(lr=0.1, bias_correction=False)
    state = opt.init(np.array([-7.0, 2.0]))
    for g in ([0.3, -1.0], [0.2, 4.0], [-0.5, 0.1]):
        _, state = opt.update(np.array(g), state, np.zeros(2))
    q = opt.quantities(state)
    np.testing.assert_array_equal(q[FIRST_MOMENT_HAT], q[FIRST_MOMENT])
    np.testing.assert_array_equal(q[SECOND_MOMENT_HAT], q[SECOND_MOMENT])
