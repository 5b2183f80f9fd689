"""Names to optimizers and surfaces, and the `NAME:key=value,...` spec the CLI accepts."""

from __future__ import annotations

import difflib
import math
import re

from ..errors import OptirollError
from .base import Optimizer
from .optimizers import OPTIMIZERS
from .surfaces import SURFACES, Surface

OPTIMIZER_CLASSES: dict[str, type[Optimizer]] = {cls.name: cls for cls in OPTIMIZERS}

_OPTIMIZER_ALIASES = {"gd": "sgd", "nag": "nesterov", "rmsprop": "rmsprop", "adagrad": "adagrad"}
_PARAMETER_ALIASES = {
    "learning_rate": "lr",
    "eta": "lr",
    "alpha": "momentum",
    "rho": "decay_rate",
    "decay": "decay_rate",
    "beta_1": "beta1",
    "beta_2": "beta2",
    "epsilon": "eps",
}


def _normalize(name: str) -> str:
    """Case and separators do not matter: 'RMSprop', 'rms-prop' and 'rmsprop' are one name."""
    return re.sub(r"[\s_\-]", "", name.strip().lower())


def unknown_name(kind: str, name: str, known: list[str]) -> OptirollError:
    close = difflib.get_close_matches(_normalize(name), known, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else f"; choose from {', '.join(known)}"
    return OptirollError(f"unknown {kind} '{name}'{hint}")


def optimizer_class(name: str) -> type[Optimizer]:
    """The optimizer class for a name or alias, case-insensitive."""
    key = _normalize(name)
    key = _OPTIMIZER_ALIASES.get(key, key)
    if key not in OPTIMIZER_CLASSES:
        raise unknown_name("optimizer", name, sorted(OPTIMIZER_CLASSES))
    return OPTIMIZER_CLASSES[key]


def surface(name: str) -> Surface:
    """The surface of that name."""
    key = _normalize(name)
    if key not in SURFACES:
        raise unknown_name("surface", name, sorted(SURFACES))
    return SURFACES[key]


def parse_number(text: str, what: str) -> float:
    """A finite float from user text, or a one-line error naming `what`."""
    try:
        value = float(text)
    except ValueError:
        raise OptirollError(f"{what} must be a number, got '{text}'") from None
    if not math.isfinite(value):
        raise OptirollError(f"{what} must be finite, got '{text}'")
    return value


def make_optimizer(
    name: str, overrides: dict[str, float], base: dict[str, float] | None = None
) -> Optimizer:
    """Build an optimizer from `base` hyper-parameters (e.g. a preset's) updated by `overrides`."""
    cls = optimizer_class(name)
    known = list(cls.parameter_docs())
    values = dict(base or {})
    for key, value in overrides.items():
        norm = _normalize(key)
        norm = _PARAMETER_ALIASES.get(key.strip().lower(), norm)
        if norm not in known:
            close = difflib.get_close_matches(norm, known, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else f"; it has {', '.join(known)}"
            raise OptirollError(f"{cls.name}: unknown hyper-parameter '{key}'{hint}")
        values[norm] = value
    return cls(**values)


def parse_spec(spec: str) -> tuple[str, dict[str, float]]:
    """'momentum:lr=0.2,momentum=0.8' -> ('momentum', {'lr': 0.2, 'momentum': 0.8})."""
    name, _, rest = spec.partition(":")
    if not name.strip():
        raise OptirollError(f"optimizer spec '{spec}' has no name (expected NAME:key=value,...)")
    overrides: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise OptirollError(f"'{item}' in '{spec}' is not key=value")
        overrides[key.strip()] = parse_number(value.strip(), f"{name.strip()}: {key.strip()}")
    return name.strip(), overrides
