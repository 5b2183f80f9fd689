"""Running an optimizer over a surface: full histories for pictures, final positions for clouds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .base import Optimizer
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
    first point outside the bound included, and `diverged_at` is k.
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
        }


def run(
    optimizer: Optimizer, surface: Surface, start: tuple[float, float], steps: int
) -> Trajectory:
    """Run `steps` updates from `start`, recording everything; stop early where it diverges."""
    bound = surface.window.scaled(DIVERGENCE_BOUND)
    params = np.asarray(start, dtype=np.float64)
    state = optimizer.init(params)
    points, grads_seen, states = [params], [surface.gradient(params)], [optimizer.quantities(state)]
    diverged_at = None
    for k in range(1, steps + 1):
        params, state = optimizer.update(grads_seen[-1], state, params)
        finite = bool(np.all(np.isfinite(params)))
        if finite:
            points.append(params)
            grads_seen.append(surface.gradient(params))
            states.append(optimizer.quantities(state))
        if not finite or not bound.contains(params) or not np.all(np.isfinite(grads_seen[-1])):
            diverged_at = k
            break
    stacked = np.array(points)
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
    )


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
