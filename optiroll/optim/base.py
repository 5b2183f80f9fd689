"""The optimizer interface: a frozen dataclass of validated hyper-parameters with pure methods.

Subclasses implement ``init(params) -> state``, ``update(grads, state, params) -> (new_params,
new_state)`` and ``quantities(state)``; hyper-parameters are fields made with ``hyper(...)``, which
declares the valid range that construction checks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np

from ..errors import OptirollError


@dataclass(frozen=True)
class Range:
    """An interval of valid values; `low_open`/`high_open` exclude the end point."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    integer: bool = False

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def __str__(self) -> str:
        left = "(" if self.low_open or self.low == -math.inf else "["
        right = ")" if self.high_open or self.high == math.inf else "]"
        return f"{left}{_fmt(self.low)}, {_fmt(self.high)}{right}"


def _fmt(value: float) -> str:
    return "inf" if value == math.inf else "-inf" if value == -math.inf else f"{value:g}"


POSITIVE = Range(0.0, math.inf, low_open=True)
UNIT_OPEN = Range(0.0, 1.0, high_open=True)
UNIT_OPEN_BOTH = Range(0.0, 1.0, low_open=True, high_open=True)


def hyper(default: float, valid: Range, doc: str) -> Any:
    """A hyper-parameter field: its default, valid range and a short description."""
    return field(default=default, metadata={"range": valid, "doc": doc})


@dataclass(frozen=True)
class Optimizer:
    """Base of every optimizer: validates each hyper-parameter against its declared range."""

    name: ClassVar[str] = "optimizer"
    display_name: ClassVar[str] = "Optimizer"

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise OptirollError(f"{self.name}: {f.name} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise OptirollError(f"{self.name}: {f.name} must be finite, got {value}")
            valid: Range = f.metadata["range"]
            if not valid.contains(value):
                raise OptirollError(f"{self.name}: {f.name} must be in {valid}, got {value:g}")
            object.__setattr__(self, f.name, float(value))

    def hyperparameters(self) -> dict[str, float]:
        """Every hyper-parameter by name, in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def shown_hyperparameters(self) -> dict[str, float]:
        """The hyper-parameters a label shows: all but the book's eps, which every figure shares."""
        return {k: v for k, v in self.hyperparameters().items() if k != "eps" or v != 1e-7}

    def label(self) -> str:
        """The display label, generated from the values: 'Momentum lr=0.1 momentum=0.9'."""
        shown = " ".join(f"{k}={v:g}" for k, v in self.shown_hyperparameters().items())
        return f"{self.display_name} {shown}".strip()

    @classmethod
    def parameter_docs(cls) -> dict[str, tuple[float, Range, str]]:
        """(default, range, description) for each hyper-parameter."""
        return {f.name: (f.default, f.metadata["range"], f.metadata["doc"]) for f in fields(cls)}

    formula: ClassVar[str] = ""
    latex: ClassVar[str] = ""

    def init(self, params: np.ndarray) -> Any:
        """The state before the first step, for parameters shaped like `params`."""
        raise NotImplementedError

    def update(self, grads: np.ndarray, state: Any, params: np.ndarray) -> tuple[np.ndarray, Any]:
        """One step: the new parameters and the new state; nothing is modified in place."""
        raise NotImplementedError

    def quantities(self, state: Any) -> dict[str, np.ndarray]:
        """What a picture shows of the state: velocity, per-axis step size, moments."""
        raise NotImplementedError
