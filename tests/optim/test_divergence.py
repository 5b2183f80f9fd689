"""Divergence bookkeeping, for every optimizer and every cause of a stop.

The invariant (`Trajectory`'s docstring): every array has len(points) rows. A run that did not
diverge has steps + 1 of them. A run that diverged at update k keeps points 0 .. k - 1, all
finite, inside the bound and with finite gradients, and then

- k + 1 rows when point k is finite but left the bound or has a non-finite gradient (it is kept,
  with that gradient);
- k rows when update k gave a non-finite point (it is dropped).

`roll` declares the same update and ends the ball at the run's last point.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optiroll.optim.registry import OPTIMIZERS, make_optimizer
from optiroll.optim.surfaces import Surface, Window
from optiroll.optim.trajectory import DIVERGENCE_BOUND, Trajectory, roll, run

WINDOW = Window(-2.0, 2.0, -2.0, 2.0)
BOUND = WINDOW.scaled(DIVERGENCE_BOUND)


def cliff(at: float, beyond: float, curvature: float = 1.0) -> Surface:
    """A bowl whose gradient (in x) is `beyond` for x > `at`: nan or inf (a non-finite gradient),
    or a huge finite number (a jump out of the bound or, by overflow, a non-finite point)."""
    return Surface(
        name="cliff",
        formula="",
        latex="",
        value_fn=lambda x, y: curvature * (x * x + y * y) / 2,
        gradient_fn=lambda x, y: (np.where(x > at, beyond, curvature * x), curvature * y),
        window=WINDOW,
        start=(-1.0, 1.0),
        minima=((0.0, 0.0),),
    )


def check_bookkeeping(traj: Trajectory) -> str:
    """Assert the invariant; return the cause of the stop ('none', 'bound', 'gradient', 'point')."""
    rows = len(traj.points)
    assert len(traj.losses) == len(traj.gradients) == rows
    assert all(len(q) == rows for q in traj.quantities.values())
    if traj.learning_rates is not None:
        assert len(traj.learning_rates) == rows
    k = traj.diverged_at
    kept = rows if k is None else k  # the points that must be unremarkable
    assert np.all(np.isfinite(traj.points[:kept]))
    assert np.all(np.isfinite(traj.gradients[:kept]))
    assert np.all(BOUND.contains(traj.points[:kept]))
    if k is None:
        assert rows == traj.steps + 1
        return "none"
    assert 1 <= k <= traj.steps
    replayed = _replay(traj, k)
    if rows == k + 1:
        np.testing.assert_array_equal(replayed, traj.points[k])
        assert np.all(np.isfinite(traj.points[k]))
        if not BOUND.contains(traj.points[k]):
            return "bound"
        assert not np.all(np.isfinite(traj.gradients[k]))
        return "gradient"
    assert rows == k, f"diverged at {k} with {rows} rows"
    assert not np.all(np.isfinite(replayed))
    return "point"


def _replay(traj: Trajectory, k: int) -> np.ndarray:
    """Point k as the optimizer's own updates give it from the recorded points and gradients."""
    opt = traj.optimizer
    state = opt.init(traj.points[0])
    with np.errstate(all="ignore"):
        for j in range(k):
            params, state = opt.update(traj.gradients[j], state, traj.points[j])
            if j + 1 < k:
                np.testing.assert_array_equal(params, traj.points[j + 1])
    return params


def check_roll_agrees(traj: Trajectory) -> None:
    rolled = roll(traj.optimizer, traj.surface, np.array([traj.start]), traj.steps)
    assert rolled.diverged_at[0] == (traj.diverged_at or 0)
    np.testing.assert_array_equal(rolled.final[0], traj.points[-1])


@settings(max_examples=120, deadline=None)
@given(
    optimizer=st.sampled_from(OPTIMIZERS),
    lr_factor=st.sampled_from([0.5, 1.0, 30.0, 1e4]),
    at=st.floats(-0.5, 1.5),
    beyond=st.sampled_from([np.nan, np.inf, -np.inf, 1e6, 1e200, 1.5e308]),
    curvature=st.sampled_from([1.0, 3.0]),
    start=st.tuples(st.floats(-1.9, -0.6), st.floats(-1.9, 1.9)),
)
def test_every_stop_keeps_the_bookkeeping(optimizer, lr_factor, at, beyond, curvature, start):
    opt = make_optimizer(optimizer.name, {"lr": str(optimizer().lr * lr_factor)})
    with np.errstate(all="ignore"):
        traj = run(opt, cliff(at, beyond, curvature), start, 25)
    check_bookkeeping(traj)
    check_roll_agrees(traj)


@pytest.mark.parametrize(
    ("name", "lr", "beyond", "start", "cause", "k"),
    [
        # no cliff in reach: x <- -1.5 x leaves |x| <= 20 at update 7 (1.5 * 1.5^7 > 20)
        ("sgd", "2.5", 1.0, (-1.5, 0.0), "bound", 7),
        # x: -1.5 -> -0.75 -> 0.3, where the gradient is nan
        ("momentum", "0.5", np.nan, (-1.5, 0.0), "gradient", 2),
        ("adam", "0.3", np.inf, (-1.5, 0.5), "gradient", None),
        # 10 * 1.5e308 overflows to inf
        ("sgd", "10", 1.5e308, (0.5, 0.5), "point", 1),
        # v = (1 - beta2) * inf = inf, a step of m / inf = 0; then inf - inf in v's average: nan
        ("adam", "0.1", 1e200, (0.5, 0.5), "point", 2),
    ],
)
def test_each_cause_is_met(name, lr, beyond, start, cause, k):
    opt = make_optimizer(name, {"lr": lr})
    with np.errstate(all="ignore"):
        traj = run(opt, cliff(0.0 if cause != "bound" else 100.0, beyond), start, 40)
    assert check_bookkeeping(traj) == cause
    if k is not None:
        assert traj.diverged_at == k
    check_roll_agrees(traj)
