"""Names to optimizers and surfaces, and the `NAME:key=value,...` spec the CLI accepts."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from ..errors import OptirollError, did_you_mean
from .base import Optimizer, Value
from .book import BOOK_OPTIMIZERS
from .modern import MODERN_OPTIMIZERS
from .noise import Noise
from .schedules import Schedule
from .surfaces import SURFACES, Surface, Window

OPTIMIZERS: tuple[type[Optimizer], ...] = BOOK_OPTIMIZERS + MODERN_OPTIMIZERS
OPTIMIZER_CLASSES: dict[str, type[Optimizer]] = {cls.name: cls for cls in OPTIMIZERS}

_OPTIMIZER_ALIASES = {"gd": "sgd", "nag": "nesterov", "rmspropm": "rmsprop-momentum"}
_PARAMETER_ALIASES = {
    "learningrate": "lr",
    "eta": "lr",
    "alpha": "momentum",
    "rho": "decay_rate",
    "decay": "decay_rate",
    "epsilon": "eps",
    "wd": "weight_decay",
    "lambda": "weight_decay",
    "psi": "momentum_decay",
    "rule": "rules",
    "convention": "rules",
}


def _normalize(name: str) -> str:
    """Case and separators do not matter: 'RMSprop', 'rms-prop' and 'rmsprop' are one name."""
    return re.sub(r"[\s_\-]", "", name.strip().lower())


def unknown_name(kind: str, name: str, known: list[str]) -> OptirollError:
    """'unknown optimizer 'adma'; did you mean 'adam'?', or the list when nothing is close."""
    close = did_you_mean(_normalize(name), known)
    hint = f"; did you mean '{close}'?" if close else f"; choose from {', '.join(known)}"
    return OptirollError(f"unknown {kind} '{name}'{hint}")


def _optimizer_key(name: str) -> str | None:
    """The registered name that `name` means (any case, separators or alias), if any."""
    names = {_normalize(n): n for n in OPTIMIZER_CLASSES}
    key = _normalize(name)
    return names.get(key) or _OPTIMIZER_ALIASES.get(key)


def optimizer_class(name: str) -> type[Optimizer]:
    """The optimizer class for a name or alias, case-insensitive."""
    key = _optimizer_key(name)
    if key is None:
        raise unknown_name("optimizer", name, sorted(OPTIMIZER_CLASSES))
    return OPTIMIZER_CLASSES[key]


def surface(spec: str, window: Window | None = None) -> Surface:
    """The surface a spec names, seen through `window` (default: its own).

    `rotated:angle=30` sets a parameter of a surface family; `expr:FORMULA` is a formula in x and y
    (sympy is imported only then). Refused when f is not finite over the window.
    """
    import inspect

    from .surfaces import SURFACE_FAMILIES

    head, colon, rest = spec.partition(":")
    key = _normalize(head)
    if key == "expr":
        if not colon:
            raise OptirollError("expr needs a formula: --surface 'expr:x**2/20 + y**2'")
        from .expression import expression_surface

        return expression_surface(rest, window)
    names = {_normalize(n): n for n in SURFACES}
    if key not in names:
        raise unknown_name("surface", head, sorted(SURFACES))
    chosen = SURFACES[names[key]]
    if colon:
        family = SURFACE_FAMILIES.get(names[key])
        if family is None:
            raise OptirollError(f"surface '{names[key]}' takes no parameters, got '{rest}'")
        _, values = parse_spec(spec)
        known = list(inspect.signature(family).parameters)
        for given in values:
            if given not in known:
                close = did_you_mean(given, known)
                hint = f"; did you mean '{close}'?" if close else f"; it has {', '.join(known)}"
                raise OptirollError(f"surface {names[key]}: unknown parameter '{given}'{hint}")
        chosen = family(**values)
    return chosen.with_window(window).require_finite() if window else chosen


def parse_number(text: str, what: str) -> float:
    """A finite float from user text, or a one-line error naming `what`."""
    try:
        value = float(text)
    except ValueError:
        raise OptirollError(f"{what} must be a number, got '{text}'") from None
    if not math.isfinite(value):
        raise OptirollError(f"{what} must be finite, got '{text}'")
    return value


def _parameter(cls: type[Optimizer], key: str) -> str:
    """The hyper-parameter of `cls` that `key` means (any case or separators, or an alias)."""
    known = {_normalize(k): k for k in cls.parameter_docs()}
    norm = _normalize(key)
    name = known.get(norm) or _PARAMETER_ALIASES.get(norm)
    if name not in cls.parameter_docs():
        close = did_you_mean(norm, known)
        hint = (
            f"; did you mean '{known[close]}'?"
            if close
            else f"; it has {', '.join(known.values())}"
        )
        raise OptirollError(f"{cls.name}: unknown hyper-parameter '{key}'{hint}")
    return name


def make_optimizer(
    name: str, overrides: Mapping[str, Value], base: Mapping[str, Value] | None = None
) -> Optimizer:
    """Build an optimizer from `base` hyper-parameters (e.g. a preset's) updated by `overrides`.

    Text values are read by each hyper-parameter's kind: '0.3', 'pytorch', 'false'. The run
    settings (a learning-rate schedule, gradient noise: `RUN_KEYS`) come in the same overrides.
    """
    cls = optimizer_class(name)
    values = dict(base or {})
    given: dict[str, str] = {}  # hyper-parameter -> the key that set it
    run: dict[str, Value] = {}
    for key, value in overrides.items():
        field = run_key(key) or _parameter(cls, key)
        if field in given:
            raise OptirollError(
                f"{cls.name}: {field} is given twice ('{given[field]}' and '{key}')"
            )
        given[field] = key
        if field in RUN_KEYS:
            run[field] = value
            continue
        values[field] = cls.parse_value(field, value) if isinstance(value, str) else value
    return cls(**values, **run_settings(cls.name, run))


RUN_KEYS = Schedule.KEYS + Noise.KEYS


def run_key(key: str) -> str | None:
    """The run setting (schedules.py, noise.py) that spec key `key` names, if any."""
    norm = _normalize(key)
    return norm if norm in RUN_KEYS else None


def run_settings(owner: str, values: Mapping[str, Value]) -> dict[str, Schedule | Noise]:
    """An optimizer's `schedule` and `noise` from its spec's run settings, by key."""
    return {
        "schedule": Schedule.of({k: v for k, v in values.items() if k in Schedule.KEYS}, owner),
        "noise": Noise.of({k: v for k, v in values.items() if k in Noise.KEYS}, owner),
    }


def parse_spec(spec: str) -> tuple[str, dict[str, Value]]:
    """'momentum:lr=0.2,rules=pytorch' -> ('momentum', {'lr': '0.2', 'rules': 'pytorch'}).

    An optimizer's values stay text, for `make_optimizer` to read by each hyper-parameter's kind;
    any other spec's (a surface's parameters) must be numbers.
    """
    name, _, rest = spec.partition(":")
    if not name.strip():
        raise OptirollError(f"optimizer spec '{spec}' has no name (expected NAME:key=value,...)")
    as_text = _optimizer_key(name) is not None
    values: dict[str, Value] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise OptirollError(f"'{item}' in '{spec}' is not key=value")
        what = f"{name.strip()}: {key.strip()}"
        if key.strip() in values:
            raise OptirollError(f"{what} is given twice in '{spec}'")
        values[key.strip()] = value.strip() if as_text else parse_number(value.strip(), what)
    return name.strip(), values
