"""Named comparisons: a surface, a start, a number of updates and the optimizers to run.

`steps` counts updates: a run of N steps has N + 1 points, the start included. The book's loop
(`ch06/optimizer_compare_naive.py`) records a point and then updates, 30 times, so its figure shows
the start and 29 updates; the `book` preset runs 30 updates, one more than the figure shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from .registry import unknown_name


@dataclass(frozen=True)
class Preset:
    """A comparison worth showing; `runs` pairs optimizer names with their hyper-parameters."""

    name: str
    surface: str
    start: tuple[float, float]
    steps: int
    runs: tuple[tuple[str, dict[str, float]], ...]
    why: str


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            name="book",
            surface="book",
            start=(-7.0, 2.0),
            steps=30,
            runs=(
                ("sgd", {"lr": 0.95}),
                ("momentum", {"lr": 0.1}),
                ("adagrad", {"lr": 1.5}),
                ("adam", {"lr": 0.3}),
            ),
            why="the book's Figure 6-8: SGD zigzags, Momentum rolls, AdaGrad and Adam adapt per axis",
        ),
        Preset(
            name="rmsprop",
            surface="book",
            start=(-7.0, 2.0),
            steps=50,
            runs=(("adagrad", {"lr": 0.5}), ("rmsprop", {"lr": 0.15, "decay_rate": 0.9})),
            why=(
                "AdaGrad's steps shrink for ever as h grows, RMSProp's h forgets (decay 0.9, a memory"
                " of ~10 steps), so its x-steps stay long: both start alike, RMSProp keeps rolling"
            ),
        ),
        Preset(
            name="nesterov",
            surface="book",
            start=(-7.0, 2.0),
            steps=30,
            runs=(("momentum", {"lr": 0.1}), ("nesterov", {"lr": 0.1})),
            why=(
                "same lr and momentum: Nesterov looks ahead before it steps, so its y-swings are"
                " about half of Momentum's and it settles sooner"
            ),
        ),
    )
}

DEFAULT_PRESET = "book"


def preset(name: str) -> Preset:
    """The preset of that name."""
    key = name.strip().lower()
    if key not in PRESETS:
        raise unknown_name("preset", name, sorted(PRESETS))
    return PRESETS[key]


def tuned_hyperparameters(active: Preset, optimizer: str) -> dict[str, float]:
    """What an optimizer named without values uses: the active preset's choice, else another
    preset's on the same surface, else the book's defaults ({})."""
    candidates = [active] + [p for p in PRESETS.values() if p.surface == active.surface]
    for p in candidates:
        for name, values in p.runs:
            if name == optimizer:
                return dict(values)
    return {}
