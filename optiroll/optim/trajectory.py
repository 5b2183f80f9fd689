"""Running an optimizer over a surface: full histories for pictures, batches for clouds and maps.

A run applies the optimizer's spec as a whole: its rule, its learning-rate schedule (each update
gets the optimizer with `lr` set to that update's rate) and its gradient noise (seeded, see
`noise.py`). `run` records one ball's every quantity; `roll` moves a batch of balls (any shape of
starts, hyper-parameters that may be arrays over the batch: `with_values`) with the same rules,
so ball i of a batch follows exactly the path `run` gives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .base import Optimizer
from .noise import DEFAULT_SEED
from .surfaces import Surface

# A run diverges when it leaves the view window grown this much about its centre (or is no
# longer finite): far enough that anything heading back is still drawn, near enough to stop early.
DIVERGENCE_BOUND = 10.0


@dataclass(frozen=True)
class Trajectory:
    """One ball's path: row k of each array is the state after k updates (row 0 is the start).

    `points`, `losses` and `gradients` have one row per recorded point; `quantities[name]` holds the
    optimizer's state a picture needs (see `Optimizer.quantities`) with the same row indexing.
    When the run diverged at update k, the arrays stop there: they keep every finite point, the
    first point outside the bound included, and `diverged_at` is k. So every array has
    len(points) rows: steps + 1 without divergence; k + 1 when point k left the bound or its
    gradient is not finite (that gradient is row k); k when update k gave a non-finite point.

    With a schedule, `learning_rates` row k is the rate of update k + 1 (the update that starts
    from point k, as `gradients` row k is the gradient it uses); with noise, the gradients are
    the noisy ones the updates used; `seed` (every run's) chooses the draws.
    """

    optimizer: Optimizer
    surface: Surface
    start: tuple[float, float]
    steps: int
    points: np.ndarray
    losses: np.ndarray
    gradients: np.ndarray
    quantities: dict[str, np.ndarray] = field(default_factory=dict)
    diverged_at: int | None = None
    learning_rates: np.ndarray | None = None
    seed: int = DEFAULT_SEED

    @property
    def label(self) -> str:
        return self.optimizer.label()

    def to_dict(self) -> dict:
        """The JSON form: plain lists of floats at full precision."""
        return {
            "optimizer": self.optimizer.name,
            "label": self.label,
            "hyperparameters": self.optimizer.hyperparameters(),
            "points": self.points.tolist(),
            "losses": self.losses.tolist(),
            "gradients": self.gradients.tolist(),
            "quantities": {k: v.tolist() for k, v in self.quantities.items()},
            "diverged_at": self.diverged_at,
            **self._run_settings(),
        }

    def _run_settings(self) -> dict[str, Any]:
        """The schedule, the noise and the tuning, for a run that has them (others' JSON is
        unchanged)."""
        found: dict[str, Any] = {}
        if self.learning_rates is not None:
            found["schedule"] = self.optimizer.schedule.to_dict()
            found["learning_rates"] = self.learning_rates.tolist()
        if self.optimizer.noise.sigma > 0:
            found["noise"] = self.optimizer.noise.to_dict()
            found["seed"] = self.seed
        if self.optimizer.tuned is not None:
            found["tuned"] = self.optimizer.tuned.to_dict()
        return found


def run(
    optimizer: Optimizer,
    surface: Surface,
    start: tuple[float, float],
    steps: int,
    seed: int = DEFAULT_SEED,
) -> Trajectory:
    """Run `steps` updates from `start`, recording everything; stop early where it diverges.

    `seed` chooses the gradient noise's draws (when the optimizer has noise)."""
    bound = surface.window.scaled(DIVERGENCE_BOUND)
    at, gradient = _stepping(optimizer, surface, steps, seed)
    params = np.asarray(start, dtype=np.float64)
    state = optimizer.init(params)
    points, grads_seen, states = [params], [gradient(params, 1)], [at(1).quantities(state)]
    diverged_at = None
    for k in range(1, steps + 1):
        params, state = at(k).update(grads_seen[-1], state, params)
        finite = bool(np.all(np.isfinite(params)))
        if finite:
            points.append(params)
            grads_seen.append(gradient(params, k + 1))
            states.append(at(k).quantities(state))  # the rate of the update that led here
        if not finite or not bound.contains(params) or not np.all(np.isfinite(grads_seen[-1])):
            diverged_at = k
            break
    stacked = np.array(points)
    scheduled = not optimizer.schedule.constant
    return Trajectory(
        optimizer=optimizer,
        surface=surface,
        start=(float(start[0]), float(start[1])),
        steps=steps,
        points=stacked,
        losses=surface.value(stacked),
        gradients=np.array(grads_seen),
        quantities={name: np.array([s[name] for s in states]) for name in states[0]},
        diverged_at=diverged_at,
        learning_rates=_rates(optimizer, steps)[: len(stacked)] if scheduled else None,
        seed=seed,
    )


def with_values(optimizer: Optimizer, **values: Any) -> Optimizer:
    """`optimizer` with these hyper-parameters replaced, without checking them again: each is
    already checked (a sweep's grid values, a schedule's rate from a checked lr) and may be an
    array over a batch of balls, shaped to broadcast against their (..., 2) parameters."""
    changed = object.__new__(type(optimizer))
    for name, value in {**vars(optimizer), **values}.items():
        object.__setattr__(changed, name, value)
    return changed


def _rates(optimizer: Optimizer, steps: int) -> np.ndarray:
    """The learning rate of updates 1 .. steps + 1 (the last one after the run, as recorded)."""
    t = np.arange(1, steps + 2)
    return np.multiply.outer(optimizer.schedule.factor(t, steps), np.asarray(optimizer.lr))


Gradient = Callable[[np.ndarray, int], np.ndarray]


def _stepping(
    optimizer: Optimizer, surface: Surface, steps: int, seed: int
) -> tuple[Callable[[int], Optimizer], Gradient]:
    """(the optimizer update t uses, the gradient update t sees at given parameters)."""
    noise = optimizer.noise
    if optimizer.schedule.constant:
        at: Callable[[int], Optimizer] = lambda t: optimizer  # noqa: E731
    else:
        rates = _rates(optimizer, steps)
        at = lambda t: with_values(optimizer, lr=rates[t - 1])  # noqa: E731
    if noise.sigma == 0:
        return at, lambda params, t: surface.gradient(params)
    return at, lambda params, t: surface.gradient(params) + noise.sample(seed, t, params.shape)


@dataclass(frozen=True)
class Roll:
    """A batch of balls rolled together (see `roll`), as arrays over the batch's shape B.

    `final` (B, 2) is where each ball ended: for a ball that diverged, the last point `run` keeps
    (the first outside the bound, when finite). `diverged_at` (B) is the update at which it
    diverged, 0 for none. `path` (steps + 1, B, 2), when recorded, holds every point; a ball that
    diverged stays at its last point. `reached_at` (B), when a threshold was given, is the first
    point whose loss is below it (0: the start), -1 for none.
    """

    final: np.ndarray
    diverged_at: np.ndarray
    path: np.ndarray | None = None
    reached_at: np.ndarray | None = None

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at > 0


def roll(
    optimizer: Optimizer,
    surface: Surface,
    starts: np.ndarray,
    steps: int,
    *,
    seed: int = DEFAULT_SEED,
    record: bool = False,
    threshold: float | None = None,
) -> Roll:
    """Roll a ball from each of `starts` (B, 2) for `steps` updates, as `run` would each one.

    Hyper-parameters may be arrays over B (`with_values`, shaped (B, 1) for parameters (B, 2)).
    `record` keeps every point; `threshold` finds the first point of each ball below that loss.
    """
    at, gradient = _stepping(optimizer, surface, steps, seed)
    params = np.array(starts, dtype=np.float64)
    batch = params.shape[:-1]
    # The bound's corners as arrays of the parameters' shape: comparing with a (2,) array would
    # broadcast over rows of two, many times slower.
    bound = surface.window.scaled(DIVERGENCE_BOUND)
    low = np.broadcast_to([bound.x_min, bound.y_min], params.shape).copy()
    high = np.broadcast_to([bound.x_max, bound.y_max], params.shape).copy()
    state = optimizer.init(params)
    alive = np.ones(batch, dtype=bool)
    everyone = True  # no ball has diverged yet
    diverged_at = np.zeros(batch, dtype=np.int64)
    last = params.copy()  # where a ball that diverged ended; the others' entries are unused
    path = [params] if record else None
    reached_at = None
    with np.errstate(all="ignore"):
        grads = gradient(params, 1)
        if threshold is not None:
            reached_at = np.where(surface.value(params) < threshold, 0, -1)
        for k in range(1, steps + 1):
            # A ball that diverged rolls on unseen (its values may go to inf or nan): masking it
            # out of every update would cost more than the update.
            new, state = at(k).update(grads, state, params)
            grads = gradient(new, k + 1)
            ok = _both(new >= low) & _both(new <= high) & _both(np.isfinite(grads))
            if not (everyone and ok.all()):
                left = alive & ~ok
                if left.any():
                    finite = _both(np.isfinite(new[left]))
                    last[left] = np.where(finite[:, None], new[left], params[left])
                    diverged_at[left] = k
                    alive &= ~left
                    everyone = False
            params = new
            if path is not None:
                path.append(params if everyone else np.where(alive[..., None], params, last))
            if reached_at is not None:
                below = alive & (reached_at < 0) & (surface.value(params) < threshold)
                reached_at[below] = k
    return Roll(
        final=params if everyone else np.where(alive[..., None], params, last),
        diverged_at=diverged_at,
        path=None if path is None else np.stack(path),
        reached_at=reached_at,
    )


def _both(flags: np.ndarray) -> np.ndarray:
    """Whether both of each pair of flags (..., 2) hold, as (...): two bytes read as one."""
    return np.ascontiguousarray(flags).view(np.uint16)[..., 0] == 0x0101


def run_batch(optimizer: Optimizer, surface: Surface, starts: np.ndarray, steps: int) -> np.ndarray:
    """Final positions of many balls at once: starts (..., 2) -> (..., 2), no history kept.

    Diverged balls end non-finite or far outside the window; nothing stops early.
    """
    params = np.asarray(starts, dtype=np.float64)
    state = optimizer.init(params)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            params, state = optimizer.update(surface.gradient(params), state, params)
    return params
