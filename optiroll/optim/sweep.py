"""Hyper-parameter maps: for each optimizer, the outcome over a grid of two of its values.

Each optimizer's grid is one batch (`trajectory.roll` with its hyper-parameters as arrays, one
value per cell), every cell starting where the experiment starts. A cell's outcome is its final
loss after the experiment's steps, or the steps until its loss came within `threshold` of the
surface's lowest minimum (objective `steps`); a cell that diverged is neither.

Axes are written `NAME=LOW:HIGH` with an optional `:log` or `:lin` (learning rates and eps are
spaced in log by default, the rest linearly): `--x lr=0.001:3 --y momentum=0:0.99`. An axis
applies to the optimizers that have that hyper-parameter; the others keep their default axes
(DEFAULT_Y). An optimizer with a single value worth sweeping (SGD, AdaGrad) gets one row.

The closed form to check against: plain gradient descent on the book's x**2/20 + y**2 multiplies
y by 1 - 2 lr each step, so it converges for lr < 1 and diverges above, along y.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..errors import OptirollError
from .base import Optimizer, Range, Whole
from .experiment import Experiment, optimizer_entry
from .registry import make_optimizer
from .trajectory import Roll, roll, with_values

DEFAULT_CELLS = 64
MAX_CELLS = 256
OBJECTIVES = ("loss", "steps")
DEFAULT_THRESHOLD = 1e-3
# Default ranges: the learning rate over four and a half decades, the rest over their useful span.
DEFAULT_RANGES = {
    "lr": (1e-3, 3.0),
    "momentum": (0.0, 0.99),
    "decay_rate": (0.5, 0.999),
    "beta1": (0.0, 0.99),
    "beta2": (0.5, 0.9999),
    "eps": (1e-8, 1.0),
    "weight_decay": (0.0, 0.5),
    "momentum_decay": (0.0, 0.01),
}
LOG_BY_DEFAULT = ("lr", "eps")
# The second value each optimizer is swept over unless told: what its rule adds to SGD's.
DEFAULT_Y = {
    "momentum": "momentum",
    "nesterov": "momentum",
    "rmsprop": "decay_rate",
    "adam": "beta1",
    "adamw": "beta1",
    "amsgrad": "beta1",
    "nadam": "beta1",
    "adadelta": "decay_rate",
    "rmsprop-momentum": "momentum",
}


@dataclass(frozen=True)
class Axis:
    """`cells` values of hyper-parameter `name` from `low` to `high` (both included), spaced
    evenly, or evenly in log when `log`."""

    name: str
    low: float
    high: float
    cells: int = DEFAULT_CELLS
    log: bool = False

    def __post_init__(self) -> None:
        what = f"the {self.name} axis"
        Whole(2).check(self.cells, f"{what}'s cells")
        if self.cells > MAX_CELLS:
            raise OptirollError(f"{what} has at most {MAX_CELLS} cells, got {self.cells}")
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise OptirollError(f"{what} must go from a low to a higher number, got {self}")
        if self.log and self.low <= 0:
            raise OptirollError(f"{what} is spaced in log: it must start above 0, got {self}")

    @property
    def values(self) -> np.ndarray:
        space = np.geomspace if self.log else np.linspace
        return space(self.low, self.high, self.cells)

    def __str__(self) -> str:
        return f"{self.name}={self.low:g}:{self.high:g}:{'log' if self.log else 'lin'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "low": self.low,
            "high": self.high,
            "cells": self.cells,
            "log": self.log,
            "values": self.values.tolist(),
        }


def parse_axis(text: str, cells: int = DEFAULT_CELLS) -> Axis:
    """'lr=0.001:3', 'momentum=0:0.99:lin', 'lr' (its default range) -> an Axis."""
    name, eq, rest = text.partition("=")
    name = name.strip().lower().replace("-", "_")
    if not name:
        raise OptirollError(f"an axis is NAME=LOW:HIGH[:log|lin], got '{text}'")
    parts = [p.strip() for p in rest.split(":")] if eq else []
    spacing = parts.pop() if parts and parts[-1] in ("log", "lin") else None
    if eq and len(parts) != 2:
        raise OptirollError(f"an axis is NAME=LOW:HIGH[:log|lin], got '{text}'")
    if parts:
        low, high = (_number(p, f"the {name} axis", text) for p in parts)
    elif name in DEFAULT_RANGES:
        low, high = DEFAULT_RANGES[name]
    else:
        raise OptirollError(f"give the {name} axis its range: {name}=LOW:HIGH")
    log = name in LOG_BY_DEFAULT if spacing is None else spacing == "log"
    return Axis(name, low, high, cells, log)


def _number(part: str, what: str, text: str) -> float:
    try:
        return float(part)
    except ValueError:
        raise OptirollError(f"{what} must be NAME=LOW:HIGH, got '{text}'") from None


@dataclass(frozen=True)
class Objective:
    """What a cell scores: its final `loss` (lower is better), or the `steps` until its loss
    came within `threshold` of the surface's lowest minimum (fewer is better)."""

    kind: str = "loss"
    threshold: float = DEFAULT_THRESHOLD

    def __post_init__(self) -> None:
        if self.kind not in OBJECTIVES:
            raise OptirollError(f"--objective must be loss or steps, got '{self.kind}'")
        Range(0.0, math.inf, low_open=True).check(self.threshold, "--threshold")

    def describe(self, steps: int) -> str:
        """'final loss after 30 steps', 'steps until loss - f* < 0.001 (of 30)'."""
        if self.kind == "loss":
            return f"final loss after {steps} steps"
        return f"steps until the loss is within {self.threshold:g} of the minimum (at most {steps})"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "threshold": self.threshold}


FINAL_LOSS = Objective()


@dataclass(frozen=True)
class SweepSpec:
    """What a map figure sweeps: the axes asked for (see `axes_for`) and the objective."""

    axes: tuple[Axis, ...] = ()
    objective: Objective = FINAL_LOSS


@dataclass(frozen=True)
class SweepMap:
    """One optimizer's map: rows along `y` (one row when None), columns along `x`.

    `final_loss`, `diverged_at` and (objective steps) `reached_at` are (rows, columns); see
    `trajectory.Roll`. `score` is what the objective ranks, lower better, inf where a cell
    diverged or (steps) never came close enough.
    """

    optimizer: Optimizer
    x: Axis
    y: Axis | None
    final: np.ndarray
    final_loss: np.ndarray
    diverged_at: np.ndarray
    reached_at: np.ndarray | None
    score: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.score.shape

    def values_at(self, row: int, column: int) -> dict[str, float]:
        """The swept values of cell (row, column)."""
        values = {self.x.name: float(self.x.values[column])}
        if self.y is not None:
            values[self.y.name] = float(self.y.values[row])
        return values

    def optimizer_at(self, row: int, column: int) -> Optimizer:
        """The optimizer of cell (row, column), checked, as a single run would take it."""
        return replace(self.optimizer, **self.values_at(row, column))

    def best(self) -> tuple[int, int] | None:
        """The cell with the lowest score (the first of equals), None when every cell failed."""
        if not np.isfinite(self.score).any():
            return None
        row, column = np.unravel_index(np.argmin(self.score), self.shape)
        return int(row), int(column)

    def to_dict(self) -> dict[str, Any]:
        best = self.best()
        return {
            **optimizer_entry(self.optimizer),
            "label": self.optimizer.label(),
            "x": self.x.to_dict(),
            "y": None if self.y is None else self.y.to_dict(),
            "final_loss": _rows(np.where(self.diverged_at > 0, np.nan, self.final_loss)),
            "diverged_at": self.diverged_at.tolist(),
            "reached_at": None if self.reached_at is None else self.reached_at.tolist(),
            "best": None
            if best is None
            else {"row": best[0], "column": best[1], "values": self.values_at(*best)},
        }


def _rows(values: np.ndarray) -> list:
    """A 2-D array as lists, with null where a value is not finite (JSON has no NaN)."""
    return [[float(v) if np.isfinite(v) else None for v in row] for row in values]


@dataclass(frozen=True)
class Sweep:
    """A map per optimizer of an experiment, scored by one objective."""

    experiment: Experiment
    objective: Objective
    maps: tuple[SweepMap, ...]

    def walk(self, index: int, row: int) -> np.ndarray:
        """(steps + 1, columns, 2): every point of the cells of `row` of map `index`, as the map
        rolled them (a cell that diverged stays where it left). With gradient noise the whole
        map rolls again, so each cell sees the same draws as in the map."""
        m, exp = self.maps[index], self.experiment
        rows = range(row, row + 1) if m.optimizer.noise.sigma == 0 else range(m.shape[0])
        grid = {m.x.name: np.broadcast_to(m.x.values, (len(rows), m.x.cells))[..., None]}
        if m.y is not None:
            ys = m.y.values[list(rows)][:, None]
            grid[m.y.name] = np.broadcast_to(ys, (len(rows), m.x.cells))[..., None]
        starts = np.broadcast_to(np.asarray(exp.start), (len(rows), m.x.cells, 2))
        rolled = roll(
            with_values(m.optimizer, **grid),
            exp.surface,
            starts,
            exp.steps,
            seed=exp.seed,
            record=True,
        )
        return rolled.path[:, rows.index(row)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "objective": {
                **self.objective.to_dict(),
                "text": self.objective.describe(self.experiment.steps),
            },
            "lowest_minimum": lowest_minimum(self.experiment),
            "maps": [m.to_dict() for m in self.maps],
        }


def lowest_minimum(experiment: Experiment) -> float | None:
    """f* of the objective `steps`: the lowest of the surface's minima, None when it has none."""
    minima = experiment.surface.minima
    if not minima:
        return None
    return float(np.min(experiment.surface.value(np.array(minima))))


def axes_for(optimizer: Optimizer, asked: tuple[Axis, ...]) -> tuple[Axis, Axis | None]:
    """The (x, y) axes of `optimizer`'s map: of `asked` (x first, then y), those it has; its
    default for the rest (x: lr; y: DEFAULT_Y, none for SGD and AdaGrad)."""
    own = optimizer.hyperparameters()
    have = [a for a in asked if a.name in own]
    cells = asked[0].cells if asked else DEFAULT_CELLS
    x = have[0] if have and have[0] is asked[0] else parse_axis("lr", cells)
    y_name = DEFAULT_Y.get(optimizer.name)
    y = next((a for a in have if a is not x), None)
    if y is None and y_name is not None and y_name != x.name:
        y = parse_axis(y_name, asked[1].cells if len(asked) > 1 else cells)
    return x, y


def sweep(
    experiment: Experiment, axes: tuple[Axis, ...] = (), objective: Objective = FINAL_LOSS
) -> Sweep:
    """A map per optimizer of `experiment` over its axes (see `axes_for`), each one batch."""
    f_star = lowest_minimum(experiment)
    if objective.kind == "steps" and f_star is None:
        raise OptirollError(
            f"the {experiment.surface.name} surface has no minimum: use --objective loss"
        )
    for axis in axes:
        if not any(axis.name in o.hyperparameters() for o in experiment.optimizers):
            names = ", ".join(o.name for o in experiment.optimizers)
            raise OptirollError(f"none of {names} has a hyper-parameter '{axis.name}'")
    maps = []
    for optimizer in experiment.optimizers:
        x, y = axes_for(optimizer, axes)
        maps.append(_map(experiment, optimizer, x, y, objective, f_star))
    return Sweep(experiment, objective, tuple(maps))


def _map(
    experiment: Experiment,
    optimizer: Optimizer,
    x: Axis,
    y: Axis | None,
    objective: Objective,
    f_star: float | None,
) -> SweepMap:
    # Each axis's ends checked as a single optimizer checks its values (a valid range is an
    # interval: the values between are valid too).
    for axis in (x, y):
        for value in [] if axis is None else (axis.low, axis.high):
            make_optimizer(optimizer.name, {axis.name: value}, optimizer.hyperparameters())
    rows = 1 if y is None else y.cells
    grid = {x.name: np.broadcast_to(x.values, (rows, x.cells))[..., None]}
    if y is not None:
        grid[y.name] = np.broadcast_to(y.values[:, None], (rows, x.cells))[..., None]
    starts = np.broadcast_to(np.asarray(experiment.start), (rows, x.cells, 2))
    threshold = None if objective.kind == "loss" else f_star + objective.threshold
    rolled = roll(
        with_values(optimizer, **grid),
        experiment.surface,
        starts,
        experiment.steps,
        seed=experiment.seed,
        threshold=threshold,
    )
    losses = experiment.surface.value(rolled.final)
    return SweepMap(
        optimizer,
        x,
        y,
        rolled.final,
        losses,
        rolled.diverged_at,
        rolled.reached_at,
        _score(rolled, losses, objective),
    )


def _score(rolled: Roll, losses: np.ndarray, objective: Objective) -> np.ndarray:
    """Lower is better; inf where the cell diverged or never reached the threshold."""
    if objective.kind == "loss":
        score = np.where(rolled.diverged, np.inf, losses)
        return np.where(np.isfinite(score), score, np.inf)
    assert rolled.reached_at is not None
    return np.where(rolled.reached_at >= 0, rolled.reached_at, np.inf).astype(np.float64)
