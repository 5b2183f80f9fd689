"""Noisy gradients: what "stochastic" gradient descent sees in training, seeded.

The gradient an update uses is the surface's plus Gaussian noise, independent per axis:
g~ = g + (sigma / sqrt(batch)) * z, z ~ N(0, I). `noise=sigma` is the noise of one example's
gradient; `batch=B` models a mini-batch, the mean of B such gradients, whose noise has standard
deviation sigma / sqrt(B). Spec: `-o sgd:lr=0.9,noise=0.5` or `-o sgd:noise=2,batch=16`.

The noise of update t is a pure function of the seed and t (a generator seeded with [seed, t]):
the same seed gives the same figure, and in a batch ball i draws row i, so ball 0 of any batch
is the single run. Two optimizers of one figure with the same seed see the same draws (a fair
race: common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import InitVar, dataclass
from typing import Any, ClassVar

import numpy as np

from ..errors import OptirollError
from .base import NON_NEGATIVE, Value, Whole

DEFAULT_SEED = 0
DOCS = {
    "noise": "sigma: Gaussian noise on each gradient component (0, none)",
    "batch": "a mini-batch of this many examples: the noise is sigma / sqrt(batch) (1)",
}


@dataclass(frozen=True)
class Noise:
    """Gaussian gradient noise: `sigma` per example, averaged over a mini-batch of `batch`.
    `owner` names the optimizer in error messages."""

    KEYS: ClassVar[tuple[str, ...]] = ("noise", "batch")

    sigma: float = 0.0
    batch: int = 1
    owner: InitVar[str] = "noise"

    def __post_init__(self, owner: str) -> None:
        object.__setattr__(self, "sigma", NON_NEGATIVE.check(self.sigma, f"{owner}: noise"))
        object.__setattr__(self, "batch", Whole(1).check(self.batch, f"{owner}: batch"))
        if self.batch != 1 and self.sigma == 0:
            raise OptirollError(f"{owner}: batch needs noise=SIGMA, the noise of one example")

    @classmethod
    def of(cls, values: dict[str, Any], owner: str) -> Noise:
        """The noise a spec's values give ({'noise': '0.5', 'batch': '8'})."""
        read = {}
        for key, value in values.items():
            if isinstance(value, str):
                domain = Whole() if key == "batch" else NON_NEGATIVE
                value = domain.parse(value, f"{owner}: {key}")
            read["sigma" if key == "noise" else key] = value
        return cls(**read, owner=owner)

    @property
    def std(self) -> float:
        """The standard deviation of each component of the noise an update sees."""
        return self.sigma / math.sqrt(self.batch)

    def sample(self, seed: int, step: int, shape: tuple[int, ...]) -> np.ndarray:
        """The noise added to the gradient used by update `step`, for parameters of `shape`."""
        return self.std * draws(seed, step, shape)

    def default(self, key: str) -> Value:
        return {"noise": 0.0, "batch": 1}[key]

    def shown(self) -> dict[str, Value]:
        """The spec keys a label shows: those not at their defaults."""
        values = {"noise": self.sigma, "batch": self.batch}
        return {k: v for k, v in values.items() if v != self.default(k)}

    def to_dict(self) -> dict[str, float]:
        return {"sigma": self.sigma, "batch": self.batch, "std": self.std}


NO_NOISE = Noise()


def draws(seed: int, step: int, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal draws of `shape` for update `step`: row i the same in any batch."""
    return np.random.default_rng([seed, step]).standard_normal(shape)
