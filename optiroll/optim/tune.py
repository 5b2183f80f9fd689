"""Fair races: each optimizer's hyper-parameters chosen on a stated grid by a stated objective.

Every optimizer gets the same budget: the same number of trials (`budget` settings, one batch
each, see `trajectory.roll`) of the same number of steps from the same start, scored by the same
objective (`sweep.Objective`: final loss, or steps to within a threshold of the minimum). The
grid is the learning rate, spaced in log over LR_RANGE, times the value the optimizer's rule adds
to SGD's (SECOND_VALUES: momentum, decay rate, beta1), with as many learning rates as the budget
leaves. The winner is the lowest score; of equal scores, the first in the grid (the smallest
learning rate, then the smallest second value); when every trial failed, the first setting.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..errors import OptirollError
from .base import Optimizer, Whole
from .experiment import Experiment
from .sweep import DEFAULT_Y, FINAL_LOSS, Objective, lowest_minimum
from .trajectory import roll, with_values

DEFAULT_BUDGET = 48
MAX_BUDGET = 4096
LR_RANGE = (1e-3, 3.0)
TUNED = "tuned"  # where a tuned optimizer's values came from (`Experiment.origins`)
SECOND_VALUES = {
    "momentum": (0.5, 0.8, 0.9, 0.95),
    "decay_rate": (0.9, 0.99, 0.999),
    "beta1": (0.5, 0.8, 0.9, 0.95),
}


@dataclass(frozen=True)
class Grid:
    """The values searched for one optimizer: per hyper-parameter, in order; the trials are
    every combination."""

    axes: tuple[tuple[str, tuple[float, ...]], ...]

    @property
    def trials(self) -> int:
        return math.prod(len(values) for _, values in self.axes)

    def settings(self) -> list[dict[str, float]]:
        """Every combination, in order: the first axis (the learning rate) varies slowest, so
        of equal scores the first has the smallest learning rate."""
        names = [name for name, _ in self.axes]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*self._values)]

    @property
    def _values(self) -> list[tuple[float, ...]]:
        return [values for _, values in self.axes]

    def contains(self, optimizer: Optimizer) -> bool:
        """Whether each searched value of `optimizer` is one of the grid's."""
        own = optimizer.hyperparameters()
        return all(own[name] in values for name, values in self.axes)

    def describe(self) -> str:
        """'12 lr in [0.001, 3] (log) x 4 momentum in {0.5, 0.8, 0.9, 0.95}'."""
        parts = []
        for name, values in self.axes:
            if name == "lr":
                parts.append(f"{len(values)} lr in [{values[0]:g}, {values[-1]:g}] (log)")
            else:
                listed = ", ".join(f"{v:g}" for v in values)
                parts.append(f"{len(values)} {name} in {{{listed}}}")
        return " x ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {name: list(values) for name, values in self.axes}


def default_grid(optimizer: Optimizer, budget: int = DEFAULT_BUDGET) -> Grid:
    """Learning rates over LR_RANGE times the optimizer's second value (SECOND_VALUES), with
    as many learning rates as `budget` trials allow; learning rates alone when that is fewer
    than two."""
    second = DEFAULT_Y.get(optimizer.name)
    axes: list[tuple[str, tuple[float, ...]]] = []
    rates = budget
    if second in SECOND_VALUES and second in optimizer.hyperparameters():
        if budget // len(SECOND_VALUES[second]) >= 2:  # else the budget is the lr's alone
            rates = budget // len(SECOND_VALUES[second])
            axes.append((second, SECOND_VALUES[second]))
    lr = tuple(float(f"{v:.3g}") for v in np.geomspace(*LR_RANGE, rates))
    return Grid((("lr", lr), *axes))


@dataclass(frozen=True)
class Tuning:
    """How an optimizer's values were chosen: the grid, the objective, the steps every trial
    ran, each trial's score (in `grid.settings()` order; inf where it failed) and the winner's
    index. A tuned optimizer carries it (`Optimizer.tuned`)."""

    grid: Grid
    objective: Objective
    steps: int
    scores: tuple[float, ...]
    best: int

    @property
    def trials(self) -> int:
        return self.grid.trials

    @property
    def won(self) -> dict[str, float]:
        return self.grid.settings()[self.best]

    def describe(self) -> str:
        """'12 lr in [0.001, 3] (log) x 4 momentum in {...}, by final loss after 30 steps'."""
        return f"{self.grid.describe()}, by {self.objective.describe(self.steps)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "grid": self.grid.to_dict(),
            "searched": self.grid.describe(),
            "trials": self.trials,
            "steps": self.steps,
            "objective": {**self.objective.to_dict(), "text": self.objective.describe(self.steps)},
            "won": self.won,
            "score": _finite(self.scores[self.best]),
            "scores": [
                {"values": s, "score": _finite(v)}
                for s, v in zip(self.grid.settings(), self.scores, strict=True)
            ],
        }


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def tune(
    experiment: Experiment,
    objective: Objective = FINAL_LOSS,
    budget: int = DEFAULT_BUDGET,
) -> Experiment:
    """The experiment with each optimizer replaced by the best of its grid (its other values,
    schedule and noise kept), which carries how it was chosen (`Optimizer.tuned`)."""
    Whole(2).check(budget, "--budget")
    if budget > MAX_BUDGET:
        raise OptirollError(f"--budget must be at most {MAX_BUDGET}, got {budget}")
    f_star = lowest_minimum(experiment)
    if objective.kind == "steps" and f_star is None:
        raise OptirollError(
            f"the {experiment.surface.name} surface has no minimum: tune by --objective loss"
        )
    threshold = None if objective.kind == "loss" else f_star + objective.threshold
    tuned = tuple(
        _tune_one(experiment, o, default_grid(o, budget), objective, threshold)
        for o in experiment.optimizers
    )
    return replace(experiment, optimizers=tuned, origins=(TUNED,) * len(tuned))


def _tune_one(
    experiment: Experiment,
    optimizer: Optimizer,
    grid: Grid,
    objective: Objective,
    threshold: float | None,
) -> Optimizer:
    settings = grid.settings()
    for name, values in grid.axes:  # each value checked as a single run checks it
        for value in (min(values), max(values)):
            replace(optimizer, **{name: value})
    arrays = {name: np.array([s[name] for s in settings])[:, None] for name, _ in grid.axes}
    starts = np.broadcast_to(np.asarray(experiment.start), (len(settings), 2))
    rolled = roll(
        with_values(optimizer, **arrays),
        experiment.surface,
        starts,
        experiment.steps,
        seed=experiment.seed,
        threshold=threshold,
    )
    if objective.kind == "loss":
        losses = experiment.surface.value(rolled.final)
        scores = np.where(rolled.diverged | ~np.isfinite(losses), np.inf, losses)
    else:
        scores = np.where(rolled.reached_at >= 0, rolled.reached_at, np.inf).astype(float)
    # When every trial failed the first setting stands, its score inf says so.
    best = int(np.argmin(scores))
    tuning = Tuning(grid, objective, experiment.steps, tuple(scores.tolist()), best)
    return replace(optimizer, **settings[best], tuned=tuning)
