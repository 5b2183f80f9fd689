"""Learning-rate schedules: the rate an optimizer uses at update t, a pure function of t.

The rate of update t (counted from 1) is eta_t = eta * factor(t). A warm-up of W updates climbs
linearly to eta (t / W: eta / W at the first update, eta at the W-th); then the main schedule runs,
with s = t - W - 1 updates of it done before update t:

    constant      1
    step          gamma ** floor(s / every)           (PyTorch's StepLR)
    exponential   gamma ** s                          (ExponentialLR)
    cosine        (1 + cos(pi * s / T)) / 2           (CosineAnnealingLR to 0, T = steps - W)

Cosine is the only one that needs the run's length (`steps`); its last update has a small rate,
not zero. A schedule is part of an optimizer's spec, in ASCII: `-o sgd:lr=0.9,schedule=cosine`,
`-o adam:lr=0.3,warmup=5` (a warm-up, then constant), `-o momentum:schedule=step,gamma=0.5,every=10`.
The optimizers' rules are unchanged: a run hands each update the optimizer with its `lr` set to
that update's eta_t (`trajectory.with_values`).
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass
from typing import Any, ClassVar

import numpy as np

from ..errors import OptirollError
from .base import Choice, Range, Value, Whole, format_value

KINDS = Choice(("constant", "step", "exponential", "cosine"))
GAMMA = Range(0.0, 1.0, low_open=True)
DEFAULT_GAMMA = {"step": 0.5, "exponential": 0.95}
DEFAULT_EVERY = 10
# The spec's keys (any case or separators), each with what it holds.
DOCS = {
    "schedule": "constant|step|exponential|cosine",
    "warmup": "updates of linear warm-up to lr first (0)",
    "gamma": "step: the factor every `every` updates (0.5); exponential: per update (0.95)",
    "every": "step: updates between two cuts (10)",
}


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule: `kind`, a `warmup` before it, and the kind's own values (`gamma`
    for step and exponential, `every` for step; None fills in the kind's default, and a value
    the kind does not use is refused). `owner` names the optimizer in error messages."""

    KEYS: ClassVar[tuple[str, ...]] = ("schedule", "warmup", "gamma", "every")

    kind: str = "constant"
    warmup: int = 0
    gamma: float | None = None
    every: int | None = None
    owner: InitVar[str] = "schedule"

    def __post_init__(self, owner: str) -> None:
        kind = KINDS.check(self.kind, f"{owner}: schedule")
        for key, kinds in (("gamma", tuple(DEFAULT_GAMMA)), ("every", ("step",))):
            if getattr(self, key) is not None and kind not in kinds:
                used = " or ".join(kinds)
                raise OptirollError(
                    f"{owner}: {key} applies to schedule={used}, not schedule={kind}"
                )
        gamma = DEFAULT_GAMMA.get(kind) if self.gamma is None else self.gamma
        every = (DEFAULT_EVERY if kind == "step" else None) if self.every is None else self.every
        checked = {
            "kind": kind,
            "warmup": Whole(0).check(self.warmup, f"{owner}: warmup"),
            "gamma": None if gamma is None else GAMMA.check(gamma, f"{owner}: gamma"),
            "every": None if every is None else Whole(1).check(every, f"{owner}: every"),
        }
        for key, value in checked.items():
            object.__setattr__(self, key, value)

    @classmethod
    def of(cls, values: dict[str, Any], owner: str) -> Schedule:
        """The schedule a spec's values give ({'schedule': 'step', 'every': '5'}); text is read
        by each key's kind."""
        read: dict[str, Any] = {}
        for key, value in values.items():
            if isinstance(value, str) and key != "schedule":
                domain = Whole() if key in ("warmup", "every") else GAMMA
                value = domain.parse(value, f"{owner}: {key}")
            read["kind" if key == "schedule" else key] = value
        return cls(**read, owner=owner)

    @property
    def constant(self) -> bool:
        """Whether every update uses eta itself."""
        return self.kind == "constant" and self.warmup == 0

    def factor(self, t: Any, steps: int) -> np.ndarray:
        """eta_t / eta for update numbers `t` (from 1) of a run of `steps` updates."""
        t = np.asarray(t, dtype=np.float64)
        s = np.maximum(t - self.warmup - 1, 0.0)
        if self.kind == "step":
            main = self.gamma ** np.floor(s / self.every)
        elif self.kind == "exponential":
            main = self.gamma**s
        elif self.kind == "cosine":
            horizon = max(steps - self.warmup, 1)
            main = (1 + np.cos(np.pi * np.minimum(s, horizon) / horizon)) / 2
        else:
            main = np.ones_like(s)
        if self.warmup:
            return np.where(t <= self.warmup, t / self.warmup, main)
        return main

    def rates(self, lr: float, steps: int) -> np.ndarray:
        """eta_t of updates 1 .. steps."""
        return lr * self.factor(np.arange(1, steps + 1), steps)

    def default(self, key: str) -> Value:
        """What `key` is when the spec leaves it out (gamma: the kind's default)."""
        defaults = {"schedule": "constant", "warmup": 0, "every": DEFAULT_EVERY}
        return DEFAULT_GAMMA.get(self.kind, 0.0) if key == "gamma" else defaults[key]

    def shown(self) -> dict[str, Value]:
        """The spec keys a label shows: those not at their defaults, the kind first."""
        values = {"schedule": self.kind, "warmup": self.warmup}
        values |= {k: v for k, v in (("gamma", self.gamma), ("every", self.every)) if v is not None}
        return {k: v for k, v in values.items() if v != self.default(k)}

    def spec(self) -> str:
        """The spec's text for this schedule: 'schedule=cosine,warmup=5' ('' when constant)."""
        return ",".join(f"{k}={format_value(v)}" for k, v in self.shown().items())

    def to_dict(self) -> dict[str, Value | None]:
        """The JSON form: every value, None where the kind has none."""
        return {"kind": self.kind, "warmup": self.warmup, "gamma": self.gamma, "every": self.every}


CONSTANT = Schedule()
