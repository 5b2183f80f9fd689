"""Named comparisons: a surface, a start, a number of updates and the optimizers to run.

`steps` counts updates: a run of N steps has N + 1 points, the start included. The book's loop
(`ch06/optimizer_compare_naive.py`) records a point and then updates, 30 times, so its figure shows
the start and 29 updates; the `book` preset runs 30 updates, one more than the figure shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from .registry import unknown_name
from .surfaces import rotated


@dataclass(frozen=True)
class Preset:
    """A comparison worth showing; `runs` pairs optimizer names with their hyper-parameters."""

    name: str
    surface: str
    start: tuple[float, float]
    steps: int
    runs: tuple[tuple[str, dict[str, float]], ...]
    why: str


BOOK_RUNS = (
    ("sgd", {"lr": 0.95}),
    ("momentum", {"lr": 0.1}),
    ("adagrad", {"lr": 1.5}),
    ("adam", {"lr": 0.3}),
)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            name="book",
            surface="book",
            start=(-7.0, 2.0),
            steps=30,
            runs=BOOK_RUNS,
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
        Preset(
            name="rotated",
            surface="rotated",
            start=rotated().start,
            steps=30,
            runs=BOOK_RUNS,
            why=(
                "the book's four with its rates on the bowl turned 45 degrees: SGD and Momentum end"
                " with the book's losses (0.0133, 0.0479), AdaGrad (0.0007 -> 0.14) and Adam"
                " (0.10 -> 0.62) lose their edge: they scale x and y, no longer the valley's axes"
            ),
        ),
        Preset(
            name="rosenbrock",
            surface="rosenbrock",
            start=(-1.2, 1.0),
            steps=150,
            runs=(
                ("sgd", {"lr": 0.001}),
                ("momentum", {"lr": 0.001}),
                ("adagrad", {"lr": 1.0}),
                ("adam", {"lr": 0.3}),
            ),
            why=(
                "all reach the curved valley in a few steps; following its flat floor to (1, 1) is"
                " the hard part: SGD ends at loss 3.6, AdaGrad, whose steps keep shrinking,"
                " at 2.2, Adam at 0.22, Momentum, which gathers speed along the floor, at 0.066"
            ),
        ),
        Preset(
            name="beale",
            surface="beale",
            start=(1.0, 1.5),
            steps=100,
            runs=(
                ("sgd", {"lr": 0.01}),
                ("momentum", {"lr": 0.002}),
                ("adagrad", {"lr": 1.0}),
                ("adam", {"lr": 0.1}),
            ),
            why=(
                "the walls rise as y**6, so SGD and Momentum must keep their rates small (SGD 0.05"
                " and Momentum 0.01 diverge): from the flat middle each takes its own way into the"
                " narrow valley to (3, 0.5); losses after 100 steps: SGD 0.090, Momentum 0.0083,"
                " AdaGrad 0.018, Adam 0.073"
            ),
        ),
        Preset(
            name="himmelblau",
            surface="himmelblau",
            start=(-0.3, -0.9),
            steps=60,
            runs=(
                ("sgd", {"lr": 0.01}),
                ("momentum", {"lr": 0.002}),
                ("adagrad", {"lr": 1.0}),
                ("adam", {"lr": 0.3}),
            ),
            why=(
                "one start beside the maximum, two answers: SGD and Momentum follow the steepest"
                " slope to (-3.78, -3.28), AdaGrad and Adam take steps of equal size in x and y"
                " and end in (-2.81, 3.13); the optimizer, not only the start, picks the minimum"
            ),
        ),
        Preset(
            name="saddle",
            surface="saddle",
            start=(-1.8, 0.001),
            steps=40,
            runs=(
                ("sgd", {"lr": 0.1}),
                ("momentum", {"lr": 0.02}),
                ("adagrad", {"lr": 0.1}),
                ("adam", {"lr": 0.04}),
            ),
            why=(
                "no minimum, and the y-gradient starts at 0.002: SGD and Momentum roll almost onto"
                " the saddle point (within 0.06, near step 20) and leave it only after step 35;"
                " AdaGrad and Adam scale the tiny y-gradient up and go around it (never nearer"
                " than 1.3)"
            ),
        ),
        Preset(
            name="rastrigin",
            surface="rastrigin",
            start=(-4.5, 3.5),
            steps=80,
            runs=(
                ("sgd", {"lr": 0.002}),
                ("momentum", {"lr": 0.004}),
                ("adagrad", {"lr": 0.5}),
                ("adam", {"lr": 1.0}),
            ),
            why=(
                "a local minimum near every integer point: SGD and AdaGrad stop in the nearest"
                " (loss 24.9), Momentum's speed and Adam's large steps hop over a few bumps (8.0"
                " and 4.0); none reaches (0, 0)"
            ),
        ),
        Preset(
            name="styblinski-tang",
            surface="styblinski-tang",
            start=(-0.5, 4.5),
            steps=60,
            runs=(
                ("sgd", {"lr": 0.01}),
                ("momentum", {"lr": 0.005}),
                ("adagrad", {"lr": 0.5}),
                ("adam", {"lr": 0.3}),
            ),
            why=(
                "four wells: SGD, AdaGrad and Adam settle in the nearer one (-2.90, 2.75), f = -64.2;"
                " Momentum comes down fast enough to cross the ridge at y = 0.16 into the deepest,"
                " f = -78.3"
            ),
        ),
        Preset(
            name="plateau",
            surface="plateau",
            start=(-7.0, 1.5),
            steps=80,
            runs=(
                ("sgd", {"lr": 2.0}),
                ("momentum", {"lr": 1.0}),
                ("adagrad", {"lr": 0.5}),
                ("adam", {"lr": 0.3}),
            ),
            why=(
                "the gradient on the plateau is 0.007: SGD, even at lr 2, has moved 1.4 after 80"
                " steps; AdaGrad and Adam divide by the gradient's size and cross at full speed,"
                " then settle in the dip at (-1.98, 1.00); Momentum gathers speed, rolls over the"
                " dip and reaches the bowl at (3, 0)"
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


def tuned_hyperparameters(active: Preset, optimizer: str) -> tuple[str, dict[str, float]]:
    """What an optimizer named without values uses, and the preset that tuned it: the active
    preset's choice, else another preset's on the same surface, else the book's defaults
    ('', {})."""
    candidates = [active] + [p for p in PRESETS.values() if p.surface == active.surface]
    for p in candidates:
        for name, values in p.runs:
            if name == optimizer:
                return p.name, dict(values)
    return "", {}
