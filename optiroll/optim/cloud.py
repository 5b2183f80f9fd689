"""Clouds: many balls started over the window, rolled together, each told by where it ends.

The starts are a grid over the surface's window (cell centres, as many columns per row as the
window's shape asks), seeded uniform points over it, or one point repeated (the spread of noisy
runs). Every optimizer rolls the same starts in one batch (`trajectory.roll`: ball i exactly as
`run` rolls it alone), and each ball's outcome is the minimum it ends near (within REACH of the
window's shorter side), "not converged" or "diverged".

The minima are the surface's own, then local minima found where balls ended: around the end of
a ball that reached none, the lowest point of a small window (`minimum.window_minimum`); where
that lies on the small window's edge, the ball is still on a slope (a plateau, a saddle) and has
not converged. Outcomes are shared by every optimizer of a figure, so a colour means one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import OptirollError
from .base import Choice, Optimizer, Whole
from .experiment import Experiment, optimizer_entry
from .minimum import window_minimum
from .surface import Surface, Window
from .trajectory import roll

LAYOUTS = Choice(("grid", "random", "point"))
DEFAULT_BALLS = 400
MAX_BALLS = 20_000
MAX_RECORDED = 20_000_000  # points of paths a drawn cloud keeps (320 MB)
REACH = 0.02  # a ball this close to a minimum (share of the window's shorter side) reached it
MAX_MINIMA = 6  # minima told apart; the rest, rarer, are "another minimum" together
RANDOM_STREAM = 0  # random starts draw from [seed, 0]; the gradient noise of update t, [seed, t]

MINIMUM, OTHER_MINIMA, NOT_CONVERGED, DIVERGED = (
    "minimum",
    "other minima",
    "not converged",
    "diverged",
)


@dataclass(frozen=True)
class CloudSpec:
    """Where the balls start: `layout` grid, random (seeded) or point (all at the experiment's
    start), about `balls` of them (a grid rounds to whole rows and columns)."""

    layout: str = "grid"
    balls: int = DEFAULT_BALLS

    def __post_init__(self) -> None:
        object.__setattr__(self, "layout", LAYOUTS.check(self.layout, "--starts"))
        balls = Whole(1).check(self.balls, "--balls")
        if balls > MAX_BALLS:
            raise OptirollError(f"--balls must be at most {MAX_BALLS}, got {balls}")
        object.__setattr__(self, "balls", balls)

    def starts(self, window: Window, start: tuple[float, float], seed: int) -> np.ndarray:
        """The starts (N, 2)."""
        if self.layout == "point":
            return np.tile(np.asarray(start, dtype=np.float64), (self.balls, 1))
        low, high = [window.x_min, window.y_min], [window.x_max, window.y_max]
        if self.layout == "random":
            rng = np.random.default_rng([seed, RANDOM_STREAM])
            return rng.uniform(low, high, size=(self.balls, 2))
        columns, rows = grid_shape(window, self.balls)
        xs = window.x_min + (np.arange(columns) + 0.5) * (window.x_max - window.x_min) / columns
        ys = window.y_min + (np.arange(rows) + 0.5) * (window.y_max - window.y_min) / rows
        return np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)

    def to_dict(self) -> dict[str, Any]:
        return {"layout": self.layout, "balls": self.balls}


def grid_shape(window: Window, balls: int) -> tuple[int, int]:
    """(columns, rows) of about `balls` cells, square in data units as far as whole cells go."""
    aspect = (window.x_max - window.x_min) / (window.y_max - window.y_min)
    columns = max(1, round(np.sqrt(balls * aspect)))
    return columns, max(1, round(balls / columns))


@dataclass(frozen=True)
class Outcome:
    """Where a ball ended: a minimum (`point`, its loss, whether it is one of the surface's own,
    global ones), the other minima together, not converged, or diverged."""

    kind: str
    point: tuple[float, float] | None = None
    loss: float | None = None
    surface_minimum: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "point": None if self.point is None else list(self.point),
            "loss": self.loss,
            "surface_minimum": self.surface_minimum,
        }


@dataclass(frozen=True)
class CloudRun:
    """One optimizer's balls: `outcome` (N) indexes the cloud's outcomes; `path` (steps + 1,
    N, 2) when recorded (a ball that diverged stays where it left); `final` (N, 2)."""

    optimizer: Optimizer
    final: np.ndarray
    diverged_at: np.ndarray
    outcome: np.ndarray
    path: np.ndarray | None = None

    def counts(self, outcomes: int) -> np.ndarray:
        return np.bincount(self.outcome, minlength=outcomes)


@dataclass(frozen=True)
class Cloud:
    """Every optimizer of an experiment rolled from the same starts, with shared outcomes."""

    experiment: Experiment
    spec: CloudSpec
    starts: np.ndarray
    runs: tuple[CloudRun, ...]
    outcomes: tuple[Outcome, ...]

    def to_dict(self) -> dict[str, Any]:
        """Every start and, per optimizer, every ball's outcome (an index into `outcomes`),
        the step it diverged at (0: it did not) and where it ended."""
        n = len(self.outcomes)
        return {
            "spec": self.spec.to_dict(),
            "seed": self.experiment.seed,
            "reach": reach(self.experiment.surface.window),
            "starts": self.starts.tolist(),
            "outcomes": [o.to_dict() for o in self.outcomes],
            "runs": [
                {
                    **optimizer_entry(run.optimizer),
                    "label": run.optimizer.label(),
                    "counts": run.counts(n).tolist(),
                    "outcome": run.outcome.tolist(),
                    "diverged_at": run.diverged_at.tolist(),
                    "final": [[_finite(v) for v in p] for p in run.final.tolist()],
                }
                for run in self.runs
            ],
        }


def _finite(value: float) -> float | None:
    """JSON has no inf or nan: a ball that left for infinity ends at null."""
    return value if np.isfinite(value) else None


def reach(window: Window) -> float:
    """How close to a minimum a ball must end to have reached it, in data units."""
    return REACH * min(window.x_max - window.x_min, window.y_max - window.y_min)


def roll_cloud(experiment: Experiment, spec: CloudSpec, *, record: bool = False) -> Cloud:
    """Roll every optimizer of `experiment` from the starts of `spec` for its steps (with its
    seed), and tell each ball's outcome. `record` keeps every ball's path (for drawing)."""
    surface = experiment.surface
    starts = spec.starts(surface.window, experiment.start, experiment.seed)
    points = len(starts) * (experiment.steps + 1) * len(experiment.optimizers)
    if record and points > MAX_RECORDED:
        raise OptirollError(
            f"a cloud drawn keeps every ball's path: {len(starts)} balls x {experiment.steps + 1}"
            f" points x {len(experiment.optimizers)} optimizers is over {MAX_RECORDED:,}; use "
            "fewer --balls or --steps"
        )
    rolled = [
        roll(o, surface, starts, experiment.steps, seed=experiment.seed, record=record)
        for o in experiment.optimizers
    ]
    outcomes, per_run = classify(surface, [(r.final, r.diverged) for r in rolled])
    runs = tuple(
        CloudRun(o, r.final, r.diverged_at, outcome, r.path)
        for o, r, outcome in zip(experiment.optimizers, rolled, per_run, strict=True)
    )
    return Cloud(experiment, spec, starts, runs, tuple(outcomes))


def classify(
    surface: Surface, ends: list[tuple[np.ndarray, np.ndarray]]
) -> tuple[list[Outcome], list[np.ndarray]]:
    """The outcomes, and each ball's, of balls ending at `ends` [(final (N, 2), diverged (N))]."""
    radius = reach(surface.window)
    finals = np.concatenate([f for f, _ in ends])
    diverged = np.concatenate([d for _, d in ends])
    minima = [tuple(map(float, m)) for m in surface.minima]
    known = len(minima)
    centre = np.full(len(finals), -1)
    _assign(finals, ~diverged, minima, radius, centre)
    minima += _found_minima(surface, finals, ~diverged & (centre < 0), radius, centre, known)
    hits = np.bincount(centre[centre >= 0], minlength=len(minima))
    # The surface's own minima first, then the found ones by how many balls reached them.
    order = list(range(known)) + sorted(range(known, len(minima)), key=lambda i: -hits[i])
    order = [i for i in order if hits[i] > 0 or i < known]
    kept, rest = order[:MAX_MINIMA], order[MAX_MINIMA:]
    if rest:
        kept, rest = order[: MAX_MINIMA - 1], order[MAX_MINIMA - 1 :]
    outcomes = [
        Outcome(MINIMUM, minima[i], float(surface.value(np.array(minima[i]))), i < known)
        for i in kept
    ]
    index = np.full(len(minima) + 1, -1)  # centre -> outcome; the last entry for "none"
    index[kept] = np.arange(len(kept))
    if rest:
        index[rest] = len(outcomes)
        outcomes.append(Outcome(OTHER_MINIMA))
    outcomes += [Outcome(NOT_CONVERGED), Outcome(DIVERGED)]
    every = index[centre]  # centre -1 reads the last entry: none
    every = np.where(every < 0, len(outcomes) - 2, every)
    every = np.where(diverged, len(outcomes) - 1, every)
    cuts = np.cumsum([len(f) for f, _ in ends])[:-1]
    return outcomes, np.split(every, cuts)


def _assign(
    finals: np.ndarray,
    candidates: np.ndarray,
    minima: list[tuple[float, float]],
    radius: float,
    centre: np.ndarray,
    first: int = 0,
) -> None:
    """Mark each candidate ball within `radius` of a minimum (numbered from `first`) with it."""
    for i, m in enumerate(minima, start=first):
        near = candidates & (centre < 0) & (np.hypot(*(finals - m).T) <= radius)
        centre[near] = i


def _found_minima(
    surface: Surface,
    finals: np.ndarray,
    candidates: np.ndarray,
    radius: float,
    centre: np.ndarray,
    first: int,
) -> list[tuple[float, float]]:
    """Local minima where the `candidates` (balls near no known minimum) ended, marking in
    `centre` the balls that reached each; a ball whose neighbourhood has none stays unmarked."""
    found: list[tuple[float, float]] = []
    waiting = candidates.copy()
    while waiting.any():
        k = int(np.argmax(waiting))
        x, y = finals[k]
        around = Window(x - radius, x + radius, y - radius, y + radius)
        point = window_minimum(surface, around)
        if point is not None:
            found.append(point)
            _assign(finals, waiting, [point], radius, centre, first + len(found) - 1)
        waiting &= centre < 0
        waiting[k] = False
    return found
