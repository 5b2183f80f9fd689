"""The optimizer interface: a frozen dataclass of validated hyper-parameters with pure methods.

Subclasses implement ``init(params) -> state``, ``update(grads, state, params) -> (new_params,
new_state)`` and ``quantities(state)``; hyper-parameters are fields made with ``hyper(...)`` (a
number in a `Range`), ``choice(...)`` (one of a few strings) or ``switch(...)`` (true or false),
each declaring what is valid, which construction checks.
"""

from __future__ import annotations

import math
from dataclasses import Field, dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

import numpy as np

from ..errors import OptirollError, did_you_mean
from .rule import Rule

if TYPE_CHECKING:
    from .noise import Noise
    from .schedules import Schedule
    from .tune import Tuning

Value = float | str | bool
"""A hyper-parameter's value: a number, a choice among strings, or a switch."""


class Domain(Protocol):
    """What values a hyper-parameter accepts; `what` names it in errors ('adam: rules').

    `describe(default)` is how `optiroll list` shows it: '0.9', 'book|pytorch', 'true|false'.
    """

    def check(self, value: Any, what: str) -> Value: ...

    def parse(self, text: str, what: str) -> Value: ...

    def describe(self, default: Value) -> str: ...


def format_value(value: Value) -> str:
    """How a value reads in labels, lists and specs: 0.3, 1e-07, pytorch, false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else f"{value:g}"


def _either(options: list[str]) -> str:
    """'a or b', 'a, b or c'."""
    return " or ".join([", ".join(options[:-1]), options[-1]] if len(options) > 1 else options)


@dataclass(frozen=True)
class Range:
    """An interval of valid numbers; `low_open`/`high_open` exclude the end point."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def check(self, value: Any, what: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise OptirollError(f"{what} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise OptirollError(f"{what} must be finite, got {value}")
        if not self.contains(value):
            raise OptirollError(f"{what} must be in {self}, got {value:g}")
        return float(value)

    def parse(self, text: str, what: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise OptirollError(f"{what} must be a number, got '{text}'") from None

    def describe(self, default: Value) -> str:
        return format_value(default)

    def __str__(self) -> str:
        left = "(" if self.low_open or self.low == -math.inf else "["
        right = ")" if self.high_open or self.high == math.inf else "]"
        return f"{left}{_fmt(self.low)}, {_fmt(self.high)}{right}"


def _fmt(value: float) -> str:
    return "inf" if value == math.inf else "-inf" if value == -math.inf else f"{value:g}"


@dataclass(frozen=True)
class Choice:
    """One of a few names, case-insensitive; a wrong one is answered with the closest."""

    options: tuple[str, ...]

    def check(self, value: Any, what: str) -> str:
        if not isinstance(value, str):
            raise OptirollError(f"{what} must be {_either(list(self.options))}, got {value!r}")
        key = value.strip().lower()
        if key in self.options:
            return key
        close = did_you_mean(key, self.options)
        hint = f"; did you mean '{close}'?" if close else ""
        raise OptirollError(f"{what} must be {_either(list(self.options))}, got '{value}'{hint}")

    def parse(self, text: str, what: str) -> str:
        return text

    def describe(self, default: Value) -> str:
        return "|".join([str(default), *(o for o in self.options if o != default)])


_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


@dataclass(frozen=True)
class Switch:
    """True or false; specs also accept yes/no, on/off and 1/0."""

    def check(self, value: Any, what: str) -> bool:
        if not isinstance(value, (bool, np.bool_)):
            raise OptirollError(f"{what} must be true or false, got {value!r}")
        return bool(value)

    def parse(self, text: str, what: str) -> bool:
        key = text.strip().lower()
        if key in _TRUE or key in _FALSE:
            return key in _TRUE
        raise OptirollError(f"{what} must be true or false, got '{text}'")

    def describe(self, default: Value) -> str:
        return f"{format_value(default)}|{format_value(not default)}"


@dataclass(frozen=True)
class Whole:
    """A whole number of at least `low`: a count of steps, a batch size."""

    low: int = 0

    def check(self, value: Any, what: str) -> int:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer)):
            raise OptirollError(f"{what} must be a whole number, got {value!r}")
        if not math.isfinite(value) or value != int(value):
            raise OptirollError(f"{what} must be a whole number, got {value:g}")
        if value < self.low:
            raise OptirollError(f"{what} must be at least {self.low}, got {value:g}")
        return int(value)

    def parse(self, text: str, what: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise OptirollError(f"{what} must be a whole number, got '{text}'") from None

    def describe(self, default: Value) -> str:
        return format_value(default)


POSITIVE = Range(0.0, math.inf, low_open=True)
NON_NEGATIVE = Range(0.0, math.inf)
UNIT_OPEN = Range(0.0, 1.0, high_open=True)
UNIT_OPEN_BOTH = Range(0.0, 1.0, low_open=True, high_open=True)

RULES = Choice(("book", "pytorch"))


def hyper(
    default: float, valid: Range, doc: str, *, quiet: bool = False, pytorch: float | None = None
) -> Any:
    """A number: its default, valid range and a short description.

    `quiet` leaves it out of labels while it has its default (as eps); `pytorch` is a different
    default under `rules=pytorch` (the field's value is then resolved from the rules).
    """
    by_rules = None if pytorch is None else {"book": default, "pytorch": pytorch}
    return field(
        default=None if by_rules else default,
        metadata={"valid": valid, "doc": doc, "quiet": quiet, "by_rules": by_rules},
    )


def choice(default: str, valid: Choice, doc: str) -> Any:
    """One of `valid.options`; labels show it only when it is not the default."""
    return field(default=default, metadata={"valid": valid, "doc": doc, "quiet": True})


def switch(default: bool, doc: str) -> Any:
    """True or false; labels show it only when it is not the default."""
    return field(default=default, metadata={"valid": Switch(), "doc": doc, "quiet": True})


def _constant_schedule() -> Schedule:
    from .schedules import CONSTANT  # schedules.py builds on this module's domains

    return CONSTANT


def _no_noise() -> Noise:
    from .noise import NO_NOISE

    return NO_NOISE


def run_setting(factory: Any) -> Any:
    """How a run applies the rule (a learning-rate schedule, gradient noise), not a value of the
    rule: given in the same spec (`sgd:lr=0.9,schedule=cosine`), left out of
    `hyperparameters()`, shown in labels when it is not the default."""
    return field(default_factory=factory, kw_only=True, metadata={"run": True})


def _rule_fields(obj: Any) -> list[Field]:
    """The hyper-parameters of an optimizer (class or instance), without its run settings."""
    return [f for f in fields(obj) if not f.metadata.get("run")]


class HyperDoc(NamedTuple):
    """What `optiroll list` tells of a hyper-parameter; `by_rules` maps rules to defaults."""

    default: Value
    valid: Domain
    doc: str
    by_rules: dict[str, float] | None


@dataclass(frozen=True)
class Optimizer:
    """Base of every optimizer: validates each hyper-parameter against its declared domain.

    A subclass declares its update rule once, as `update_rule`; `formula` and `latex` are
    derived from it.
    """

    name: ClassVar[str] = "optimizer"
    display_name: ClassVar[str] = "Optimizer"
    update_rule: ClassVar[Rule] = Rule(())
    formula: ClassVar[str] = ""
    latex: ClassVar[str] = ""
    schedule: Schedule = run_setting(_constant_schedule)
    noise: Noise = run_setting(_no_noise)
    # Where the values came from when they were chosen by a search (tune.py): the label says
    # of how many settings they were the best.
    tuned: Tuning | None = field(default=None, kw_only=True, metadata={"run": True})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.formula, cls.latex = cls.update_rule.formula, cls.update_rule.latex

    def __post_init__(self) -> None:
        by_rules = []
        for f in _rule_fields(self):
            value = getattr(self, f.name)
            if value is None and f.metadata.get("by_rules"):
                by_rules.append(f)
                continue
            checked = f.metadata["valid"].check(value, f"{self.name}: {f.name}")
            object.__setattr__(self, f.name, checked)
        for f in by_rules:  # after `rules` itself is checked
            object.__setattr__(self, f.name, f.metadata["by_rules"][self.rules])

    def hyperparameters(self) -> dict[str, Value]:
        """Every hyper-parameter by name, in declaration order."""
        return {f.name: getattr(self, f.name) for f in _rule_fields(self)}

    def default(self, name: str) -> Value:
        """The default of hyper-parameter (or run setting) `name` under this optimizer's rules."""
        for setting in (self.schedule, self.noise):
            if name in setting.KEYS:
                return setting.default(name)
        f = next(f for f in fields(self) if f.name == name)
        by_rules = f.metadata.get("by_rules")
        return by_rules[self.rules] if by_rules else f.default

    def shown_hyperparameters(self) -> dict[str, Value]:
        """What a label shows: every number, except quiet ones (eps) and choices at their default,
        then the run settings that are not their defaults (schedule=cosine, noise=0.5)."""
        quiet = {f.name for f in _rule_fields(self) if f.metadata["quiet"]}
        shown = {
            k: v
            for k, v in self.hyperparameters().items()
            if k not in quiet or v != self.default(k)
        }
        return {**shown, **self.schedule.shown(), **self.noise.shown()}

    def label(self) -> str:
        """The display label, generated from the values: 'Adam lr=0.3 rules=pytorch'; a tuned
        optimizer's ends in '(best of 48)'."""
        shown = " ".join(f"{k}={format_value(v)}" for k, v in self.shown_hyperparameters().items())
        best = f" (best of {self.tuned.trials})" if self.tuned is not None else ""
        return f"{self.display_name} {shown}".strip() + best

    @classmethod
    def parameter_docs(cls) -> dict[str, HyperDoc]:
        """Default, domain, description and per-rules defaults of each hyper-parameter."""
        docs = {}
        for f in _rule_fields(cls):
            by_rules = f.metadata.get("by_rules")
            default = by_rules["book"] if by_rules else f.default
            docs[f.name] = HyperDoc(default, f.metadata["valid"], f.metadata["doc"], by_rules)
        return docs

    @classmethod
    def parse_value(cls, name: str, text: str) -> Value:
        """The value of hyper-parameter `name` from spec text ('0.3', 'pytorch', 'false')."""
        valid = next(f for f in _rule_fields(cls) if f.name == name).metadata["valid"]
        return valid.parse(text.strip(), f"{cls.name}: {name}")

    def rule(self) -> Rule:
        """The update rule as these hyper-parameters apply it."""
        return self.update_rule

    def init(self, params: np.ndarray) -> Any:
        """The state before the first step, for parameters shaped like `params`."""
        raise NotImplementedError

    def update(self, grads: np.ndarray, state: Any, params: np.ndarray) -> tuple[np.ndarray, Any]:
        """One step: the new parameters and the new state; nothing is modified in place."""
        raise NotImplementedError

    def quantities(self, state: Any) -> dict[str, np.ndarray]:
        """What a picture shows of the state: velocity, per-axis step size, moments."""
        raise NotImplementedError
