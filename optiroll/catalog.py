"""`optiroll list`: what optimizers, surfaces and presets there are, generated from the registries."""

from __future__ import annotations

from .optim.base import HyperDoc, format_value
from .optim.noise import DOCS as NOISE_DOCS
from .optim.presets import PRESETS
from .optim.registry import OPTIMIZER_CLASSES
from .optim.schedules import DOCS as SCHEDULE_DOCS
from .optim.surfaces import SURFACES


def _default(name: str, doc: HyperDoc) -> str:
    """'lr=0.01', 'rules=book|pytorch' (the default first), 'eps=1e-07 (pytorch: 1e-08)'."""
    text = f"{name}={doc.valid.describe(doc.default)}"
    others = {r: v for r, v in (doc.by_rules or {}).items() if v != doc.default}
    return text + "".join(f" ({r}: {format_value(v)})" for r, v in others.items())


def describe_all() -> str:
    lines = ["Optimizers (defaults as in the book; choices listed default first):"]
    for cls in OPTIMIZER_CLASSES.values():
        defaults = ", ".join(_default(k, doc) for k, doc in cls.parameter_docs().items())
        lines += [f"  {cls.name:<16} {cls.formula}", f"  {'':<16} {defaults}"]
    lines.append("Every optimizer also takes a learning-rate schedule and gradient noise:")
    lines += [f"  {key + '=':<16} {doc}" for key, doc in {**SCHEDULE_DOCS, **NOISE_DOCS}.items()]
    lines.append("\nSurfaces (--surface NAME, or NAME:key=value for rotated):")
    width = max(len(name) for name in [*SURFACES, *PRESETS]) + 1
    for s in SURFACES.values():
        w = s.window
        minima = ", ".join(f"({x:.4g}, {y:.4g})" for x, y in s.minima) or "none"
        lines += [
            f"  {s.name:<{width}} {s.formula}",
            f"  {'':<{width}} x in [{w.x_min:g}, {w.x_max:g}], y in [{w.y_min:g}, {w.y_max:g}],"
            f" start ({s.start[0]:g}, {s.start[1]:g}), minima {minima}",
        ]
    lines += [
        f"  {'rotated:angle=A':<{width}} the book's bowl turned by A degrees instead of 45",
        f"  {'expr:FORMULA':<{width}} your own f(x, y): x, y, numbers, + - * / **, sin, cos, tan,"
        " arcsin, arccos, arctan, sinh, cosh, tanh, exp, log, sqrt, abs; --window to frame it",
    ]
    lines.append("\nPresets (steps count updates; a run has steps+1 points):")
    for p in PRESETS.values():
        runs = ", ".join(
            name + "".join(f" {k}={format_value(v)}" for k, v in values.items())
            for name, values in p.runs
        )
        lines += [
            f"  {p.name:<{width}} {p.surface} from ({p.start[0]:g}, {p.start[1]:g}),"
            f" {p.steps} steps: {runs}",
            f"  {'':<{width}} {p.why}",
        ]
    return "\n".join(lines)
