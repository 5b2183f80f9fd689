"""What to run: a surface, a start, a number of updates and the optimizers, resolved from names."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import OptirollError
from .base import Optimizer, Whole
from .noise import DEFAULT_SEED
from .presets import DEFAULT_PRESET, preset, tuned_hyperparameters
from .registry import make_optimizer, optimizer_class, parse_spec, run_key, surface
from .surfaces import Surface, Window
from .trajectory import DIVERGENCE_BOUND, Trajectory, run

MAX_STEPS = 10_000


GIVEN = "given"


@dataclass(frozen=True)
class Experiment:
    """Every parameter of a figure; `run()` gives one trajectory per optimizer.

    `origins` says, per optimizer, where its values that are not the defaults came from: GIVEN
    by the user, or 'preset NAME' (empty when unknown).
    """

    surface: Surface
    start: tuple[float, float]
    steps: int
    optimizers: tuple[Optimizer, ...]
    origins: tuple[str, ...] = ()
    seed: int = DEFAULT_SEED  # the gradient noise's draws (noise.py), for optimizers that have it

    def run(self) -> list[Trajectory]:
        return [
            run(opt, self.surface, self.start, self.steps, self.seed) for opt in self.optimizers
        ]

    @property
    def noisy(self) -> bool:
        return any(o.noise.sigma > 0 for o in self.optimizers)

    def to_dict(self) -> dict:
        return {
            "surface": self.surface.name,
            "surface_spec": self.surface.spec or self.surface.name,
            "formula": self.surface.formula,
            "window": self.surface.window.as_list(),
            "steps": self.steps,
            "start": list(self.start),
            "optimizers": [optimizer_entry(o) for o in self.optimizers],
            **({"seed": self.seed} if self.noisy else {}),
        }

    def sources(self, index: int) -> dict[str, str]:
        """Each hyper-parameter of optimizer `index` that is not its default, with its origin."""
        optimizer = self.optimizers[index]
        origin = self.origins[index] if index < len(self.origins) else ""
        return {
            name: origin
            for name, value in optimizer.hyperparameters().items()
            if value != optimizer.default(name)
        }


def optimizer_entry(optimizer: Optimizer) -> dict:
    """An optimizer's name and values; its schedule, noise and tuning too when it has them."""
    entry = {"optimizer": optimizer.name, "hyperparameters": optimizer.hyperparameters()}
    if not optimizer.schedule.constant:
        entry["schedule"] = optimizer.schedule.to_dict()
    if optimizer.noise.sigma > 0:
        entry["noise"] = optimizer.noise.to_dict()
    if optimizer.tuned is not None:
        entry["tuned"] = optimizer.tuned.to_dict()
    return entry


def build_experiment(
    preset_name: str | None = None,
    optimizer_specs: Sequence[str] = (),
    surface_name: str | None = None,
    start: tuple[float, float] | None = None,
    steps: int | None = None,
    window: tuple[float, float, float, float] | None = None,
    seed: int = DEFAULT_SEED,
) -> Experiment:
    """Resolve user choices over a preset (the book's figure by default).

    An optimizer named without values takes the hyper-parameters a preset on the same surface
    tuned for it, else the book's defaults; once any value is given (`NAME:key=value`), the
    others are the documented defaults. A `window`
    (x_min, x_max, y_min, y_max) replaces the surface's; when it leaves out the start, and no start
    is given, the ball starts where the book's would in that window.
    """
    base = preset(preset_name or DEFAULT_PRESET)
    view = _window(window) if window is not None else None
    chosen = surface(surface_name or base.surface, view)
    same_surface = chosen.name == base.surface
    if optimizer_specs:
        optimizers, origins = [], []
        for spec in optimizer_specs:
            name, overrides = parse_spec(spec)
            # A schedule or noise alone keeps the tuned values: they are not the rule's.
            if any(run_key(key) is None for key in overrides):
                optimizers.append(make_optimizer(name, overrides))
                origins.append(GIVEN)
                continue
            tuner, tuned = ("", {})
            if same_surface:
                tuner, tuned = tuned_hyperparameters(base, optimizer_class(name).name)
            optimizers.append(make_optimizer(name, overrides, tuned))
            origins.append(f"preset {tuner}" if tuner else "")
    else:
        optimizers = [make_optimizer(name, {}, values) for name, values in base.runs]
        origins = [f"preset {base.name}"] * len(optimizers)
    if start is None:
        start = base.start if same_surface else chosen.start
        if view is not None and not view.contains(np.array(start)):
            start = view.default_start
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
    seed = Whole(0).check(seed, "--seed")
    return Experiment(
        chosen, (float(x), float(y)), int(steps), tuple(optimizers), tuple(origins), seed
    )


def _window(bounds: tuple[float, float, float, float]) -> Window:
    """A view window from x_min, x_max, y_min, y_max, each axis of positive length."""
    x_min, x_max, y_min, y_max = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (x_min, x_max, y_min, y_max)):
        raise OptirollError("window bounds must be finite numbers")
    if not (x_min < x_max and y_min < y_max):
        raise OptirollError(
            f"window x in [{x_min:g}, {x_max:g}], y in [{y_min:g}, {y_max:g}] is empty: "
            "give X_MIN X_MAX Y_MIN Y_MAX, each minimum below its maximum"
        )
    if not all(math.isfinite(v) and abs(v) <= MAX_WINDOW for v in (x_min, x_max, y_min, y_max)):
        raise OptirollError(f"window bounds must be within ±{MAX_WINDOW:g}")
    return Window(x_min, x_max, y_min, y_max)


# Far beyond any picture, and far enough from float's limit that spans and grids stay finite.
MAX_WINDOW = 1e100
