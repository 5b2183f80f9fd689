"""What the explain scene says about each step, as text: numbers read from a trajectory. No Manim.

Step k here is the update from point k to point k + 1: it uses the gradient at point k and the
optimizer state recorded after the update (row k + 1), where AdaGrad's h already holds g*g.
"""

from __future__ import annotations

import numpy as np

from ..optim.base import Optimizer
from ..optim.quantities import (
    FIRST_MOMENT_HAT,
    SECOND_MOMENT_HAT,
    SQUARES,
    STEP_SIZE,
    VELOCITY,
)
from ..optim.trajectory import Trajectory
from .words import Words

# The quantities a readout lists, in this order, and their symbols; Adam shows its
# bias-corrected moments, so its raw m and v are left out.
SHOWN_QUANTITIES = {
    VELOCITY: "v",
    SQUARES: "h",
    FIRST_MOMENT_HAT: "m̂",
    SECOND_MOMENT_HAT: "v̂",
    STEP_SIZE: "η/(√h+ε)",
}


# The book's rules, whose captions spell out the arithmetic; other optimizers get the numbers only.
KINDS = {
    "sgd": "plain",
    "momentum": "velocity",
    "nesterov": "velocity",
    "adagrad": "squares",
    "rmsprop": "squares",
    "adam": "adam",
}


def statements(optimizer: Optimizer) -> tuple[list[str], list[str]]:
    """The rule's statements (one assignment each) as LaTeX and as Unicode text, in order."""
    rule = optimizer.rule().statements
    return [s.tex for s in rule], [s.text for s in rule]


def kind(trajectory: Trajectory) -> str:
    """'plain' (SGD), 'velocity' (Momentum, Nesterov), 'squares' (AdaGrad, RMSProp), 'adam',
    or 'other' for rules the book does not have."""
    return KINDS.get(trajectory.optimizer.name, "other")


def updates(trajectory: Trajectory) -> int:
    """How many updates the run made (fewer than asked when it diverged)."""
    return len(trajectory.points) - 1


def fmt(x: float) -> str:
    """A number with about three significant digits, a real minus sign: 16.0, 4.00, 0.375."""
    a = abs(x)
    text = (
        f"{x:.0f}" if a >= 100 else f"{x:.1f}" if a >= 10 else f"{x:.2f}" if a >= 1 else f"{x:.3f}"
    )
    return text.replace("-", "−")


def factor(x: float) -> str:
    """A number as a factor in a product: negative ones in parentheses."""
    return f"({fmt(x)})" if x < 0 else fmt(x)


def pair(v: np.ndarray) -> str:
    return f"({fmt(v[0])}, {fmt(v[1])})"


def shown_quantities(trajectory: Trajectory) -> list[str]:
    """The names of the quantities a readout shows for this optimizer."""
    q = trajectory.quantities
    return [
        name
        for name in SHOWN_QUANTITIES
        if name in q and not (name == VELOCITY and SECOND_MOMENT_HAT in q)
    ]


def quantity_symbol(trajectory: Trajectory, name: str) -> str:
    """The symbol of a quantity; Adam's step size divides its own lr_t by sqrt(v)."""
    if name == STEP_SIZE and kind(trajectory) == "adam":
        return "ηₜ/(√v+ε)"
    if name == STEP_SIZE and kind(trajectory) == "other":
        return "η·…"  # each such rule scales η its own way
    return SHOWN_QUANTITIES[name]


def readout_lines(words: Words, trajectory: Trajectory, k: int) -> list[str]:
    """Loss before -> after step k, the gradient used, and the optimizer's state after it."""
    lines = [
        f"{words.loss}  {fmt(trajectory.losses[k])} → {fmt(trajectory.losses[k + 1])}",
        f"∂L/∂W  {pair(trajectory.gradients[k])}",
    ]
    for name in shown_quantities(trajectory):
        value = trajectory.quantities[name][k + 1]
        lines.append(f"{quantity_symbol(trajectory, name)}  {pair(value)}")
    return lines


def step_caption(words: Words, trajectory: Trajectory, k: int) -> str:
    """One line narrating step k's numbers along y, the axis the book's zigzag is about."""
    opt, q = trajectory.optimizer, trajectory.quantities
    g = trajectory.gradients[k][1]
    dy = fmt(trajectory.points[k + 1][1] - trajectory.points[k][1])
    w = words.lesson
    if kind(trajectory) == "other":
        return w.other_caption.format(g=fmt(g), dy=dy)
    lr = fmt(opt.lr)
    match kind(trajectory):
        case "adam":
            m, v = q[FIRST_MOMENT_HAT][k + 1][1], q[SECOND_MOMENT_HAT][k + 1][1]
            return w.adam_caption.format(m=fmt(m), v=fmt(v), lr=lr, m_f=factor(m), dy=dy)
        case "squares":
            h = q[SQUARES][k + 1][1]
            return w.squares_caption.format(h=fmt(h), lr=lr, g=factor(g), dy=dy)
        case "velocity":
            v0, v1 = q[VELOCITY][k][1], q[VELOCITY][k + 1][1]
            return w.velocity_caption.format(
                a=fmt(opt.momentum), v0=factor(v0), lr=lr, g=factor(g), v1=fmt(v1), dy=dy
            )
        case _:
            return w.plain_caption.format(lr=lr, g=factor(g), dy=dy)
