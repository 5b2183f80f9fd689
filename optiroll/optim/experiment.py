"""What to run: a surface, a start, a number of updates and the optimizers, resolved from names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import OptirollError
from .base import Optimizer
from .presets import DEFAULT_PRESET, preset, tuned_hyperparameters
from .registry import make_optimizer, optimizer_class, parse_spec, surface
from .surfaces import Surface
from .trajectory import DIVERGENCE_BOUND, Trajectory, run

MAX_STEPS = 10_000


@dataclass(frozen=True)
class Experiment:
    """Every parameter of a figure; `run()` gives one trajectory per optimizer."""

    surface: Surface
    start: tuple[float, float]
    steps: int
    optimizers: tuple[Optimizer, ...]

    def run(self) -> list[Trajectory]:
        return [run(opt, self.surface, self.start, self.steps) for opt in self.optimizers]

    def to_dict(self) -> dict:
        return {
            "surface": self.surface.name,
            "steps": self.steps,
            "start": list(self.start),
            "optimizers": [
                {"optimizer": o.name, "hyperparameters": o.hyperparameters()}
                for o in self.optimizers
            ],
        }


def build_experiment(
    preset_name: str | None = None,
    optimizer_specs: Sequence[str] = (),
    surface_name: str | None = None,
    start: tuple[float, float] | None = None,
    steps: int | None = None,
) -> Experiment:
    """Resolve user choices over a preset (the book's figure by default).

    An optimizer named without values takes the hyper-parameters a preset on the same surface
    tuned for it, else the book's defaults; `NAME:key=value` overrides either.
    """
    base = preset(preset_name or DEFAULT_PRESET)
    chosen = surface(surface_name) if surface_name else surface(base.surface)
    same_surface = chosen.name == base.surface
    if optimizer_specs:
        optimizers = []
        for spec in optimizer_specs:
            name, overrides = parse_spec(spec)
            opt_name = optimizer_class(name).name
            tuned = tuned_hyperparameters(base, opt_name) if same_surface else {}
            optimizers.append(make_optimizer(name, overrides, tuned))
    else:
        optimizers = [make_optimizer(name, {}, values) for name, values in base.runs]
    if start is None:
        start = base.start if same_surface else chosen.start
    if steps is None:
        steps = base.steps
    if not 1 <= steps <= MAX_STEPS:
        raise OptirollError(f"steps must be between 1 and {MAX_STEPS}, got {steps}")
    bound = chosen.window.scaled(DIVERGENCE_BOUND)
    x, y = start
    if not (bound.x_min <= x <= bound.x_max and bound.y_min <= y <= bound.y_max):
        raise OptirollError(
            f"start ({x:g}, {y:g}) is too far from the {chosen.name} surface's window "
            f"x in [{chosen.window.x_min:g}, {chosen.window.x_max:g}], "
            f"y in [{chosen.window.y_min:g}, {chosen.window.y_max:g}]"
        )
    return Experiment(chosen, (float(x), float(y)), int(steps), tuple(optimizers))
