"""Batches of any shape, for every optimizer, equal their single runs (`run_batch` and `roll`)."""

import warnings

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

from optiroll.optim.book import SGD
from optiroll.optim.registry import OPTIMIZERS, make_optimizer
from optiroll.optim.surfaces import BOOK
from optiroll.optim.trajectory import roll, run, run_batch

STEPS = 15


def _optimizer(cls, rules: str, lr_factor: float, schedule: str = "constant"):
    overrides = {"lr": str(cls().lr * lr_factor), "schedule": schedule}
    if "rules" in cls.parameter_docs():
        overrides["rules"] = rules
    return make_optimizer(cls.name, overrides)


def _starts(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform([-9, -4], [9, 4], size=(*shape, 2))


BATCH = dict(
    cls=st.sampled_from(OPTIMIZERS),
    rules=st.sampled_from(["book", "pytorch"]),
    lr_factor=st.sampled_from([0.5, 1.0, 2.0]),
    shape=array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3),
    seed=st.integers(0, 2**32 - 1),
)


@settings(max_examples=60, deadline=None)
@given(**BATCH)
def test_run_batch_keeps_the_batch_shape_and_equals_each_single_run(
    cls, rules, lr_factor, shape, seed
):
    opt = _optimizer(cls, rules, lr_factor)
    starts = _starts(shape, seed)
    finals = run_batch(opt, BOOK, starts, STEPS)
    assert finals.shape == starts.shape
    for index in np.ndindex(shape):
        single = run(opt, BOOK, tuple(starts[index]), STEPS)
        if single.diverged_at is None:  # run_batch does not stop where a run does
            np.testing.assert_array_equal(finals[index], single.points[-1])


@settings(max_examples=60, deadline=None)
@given(**BATCH, schedule=st.sampled_from(["constant", "cosine", "step"]))
@example(cls=SGD, rules="book", lr_factor=1.0, shape=(2, 3), seed=1, schedule="constant")
def test_roll_keeps_the_batch_shape_and_each_ball_is_its_single_run(
    cls, rules, lr_factor, shape, seed, schedule
):
    opt = _optimizer(cls, rules, lr_factor * 150, schedule)  # some balls diverge
    starts = _starts(shape, seed)
    rolled = roll(opt, BOOK, starts, STEPS, record=True, threshold=1.0)
    assert rolled.final.shape == starts.shape
    assert rolled.diverged_at.shape == rolled.reached_at.shape == shape
    assert rolled.path.shape == (STEPS + 1, *starts.shape)
    diverged = 0
    for index in np.ndindex(shape):
        single = run(opt, BOOK, tuple(starts[index]), STEPS)
        np.testing.assert_array_equal(rolled.final[index], single.points[-1])
        assert rolled.diverged_at[index] == (single.diverged_at or 0)
        diverged += single.diverged_at is not None
        path = rolled.path[(slice(None), *index)]
        kept = len(single.points)
        np.testing.assert_array_equal(path[:kept], single.points)
        np.testing.assert_array_equal(
            path[kept:], np.broadcast_to(single.points[-1], path[kept:].shape)
        )
        below = np.flatnonzero(single.losses < 1.0)
        assert rolled.reached_at[index] == (below[0] if below.size else -1)
    if (cls, lr_factor, shape) == (SGD, 1.0, (2, 3)):  # the example: SGD at lr 1.5 diverges
        assert diverged > 0


def test_a_batch_that_overflows_ends_non_finite_without_a_warning():
    """Balls thrown out grow past float's range (overflow, then inf - inf): run_batch keeps no
    history and stops nothing, and prints no RuntimeWarning on the way."""
    starts = np.array([[-7.0, 2.0], [1.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        final = run_batch(SGD(lr=30.0), BOOK, starts, 400)
    assert not np.isfinite(final).all()
