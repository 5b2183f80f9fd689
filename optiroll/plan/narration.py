"""What the explain scene says about each step, as lesson strings (words and $mathematics$, see
`notation.py`): numbers read from a trajectory, symbols read from the rule shown. No Manim.

Step k here is the update from point k to point k + 1: it uses the gradient at point k and the
optimizer state recorded after the update (row k + 1), where AdaGrad's h already holds g*g.

The board says one thing: the readout lists the rule's own state variables under the rule's own
symbols (∂L/∂W or g, whichever the rule writes; Adam's m and v, not m̂ and v̂), and the step size
under the part of the rule that scales the gradient (η/√h), so every symbol on the board is one of
the rule's. Like the book's printed rules, none of it shows ε (1e-7, added in the code so nothing
divides by zero): at three digits it changes no number shown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..optim.base import Optimizer
from ..optim.quantities import (
    BUFFER,
    FIRST_MOMENT,
    SECOND_MOMENT,
    SECOND_MOMENT_MAX,
    SQUARES,
    STEP_SIZE,
    STEP_SQUARES,
    VELOCITY,
)
from ..optim.trajectory import Trajectory
from .notation import GRADIENT, from_unicode, math_atoms
from .words import Words

# A rule's state variable -> the recorded quantity that holds it.
STATE = {
    "v": VELOCITY,  # Momentum's velocity; Adam's second moment has the same key
    "h": SQUARES,
    "m": FIRST_MOMENT,
    "v̂": SECOND_MOMENT_MAX,
    "u": STEP_SQUARES,
    "b": BUFFER,
}
assert SECOND_MOMENT == VELOCITY  # one optimizer never records both (see quantities.py)

# The book's rules, whose captions spell out the arithmetic; other optimizers get the numbers only.
KINDS = {
    "sgd": "plain",
    "momentum": "velocity",
    "nesterov": "velocity",
    "adagrad": "squares",
    "rmsprop": "squares",
    "adam": "adam",
}
# Adam's bias correction, as a factor in the caption's symbols.
CORRECTION = "·√(1−β_2^t)/(1−β_1^t)"


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
    """A number to three significant digits, a real minus sign and no negative zero: 16.0, 4.00,
    0.375, 0.0160, −1.50, 123; below 0.001, times a power of ten (2.37×10^{−5})."""
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    mantissa, exponent = f"{x:.2e}".split("e")  # rounded first: 0.09996 is 0.100
    power = int(exponent)
    if power < -3:
        return f"{mantissa}×10^{{{power}}}".replace("-", "−")
    return f"{x:.{max(0, 2 - power)}f}".replace("-", "−")


def factor(x: float) -> str:
    """A number as a factor in a product: negative ones in parentheses."""
    text = fmt(x)
    return f"({text})" if text.startswith("−") else text


def pair(v: np.ndarray) -> str:
    """A point or a per-axis value as mathematics: '$(−0.700, 4.00)$'."""
    return f"$({fmt(v[0])}, {fmt(v[1])})$"


def rule_text(optimizer: Optimizer) -> str:
    """The rule shown, every statement as one lesson string (for reading its symbols)."""
    return " ".join(from_unicode(s) for s in statements(optimizer)[1])


def gradient_symbol(optimizer: Optimizer) -> str:
    """How the rule writes the gradient: ∂L/∂W (the book's rules) or g (Adam's family)."""
    return GRADIENT if GRADIENT in " ".join(statements(optimizer)[1]) else "g"


def gradient_component(optimizer: Optimizer, axis: str = "y") -> str:
    """The gradient's component along `axis`, as the rule would write it: ∂L/∂y or g_y."""
    return f"∂L/∂{axis}" if gradient_symbol(optimizer) == GRADIENT else f"g_{axis}"


def state_symbols(trajectory: Trajectory) -> list[str]:
    """The rule's state variables that the run recorded, in the order the rule assigns them."""
    names = []
    for text in statements(trajectory.optimizer)[1]:
        name = text.split("←")[0].split(":")[-1].strip()
        if name in STATE and STATE[name] in trajectory.quantities and name not in names:
            names.append(name)
    return names


def step_size_symbol(trajectory: Trajectory) -> str | None:
    """The part of the rule that scales the gradient (what the step-size bars show), for the
    book's rules that have one; None for the others."""
    if kind(trajectory) == "squares":
        return "η/√h"
    if kind(trajectory) == "adam":
        return f"η{CORRECTION}/√v" if corrected(trajectory.optimizer) else "η/√v"
    return None


def corrected(optimizer: Optimizer) -> bool:
    """Whether the rule shown moves W with Adam's bias correction."""
    return "β" in statements(optimizer)[1][-1]


def scaled_symbol(optimizer: Optimizer) -> str | None:
    """The symbol under the rule's last root, which sizes each axis's step (h, v or v̂), if any."""
    radicals = [a for a in math_atoms(rule_text(optimizer)) if a.kind == "radical"]
    if not radicals:
        return None
    radicand = "$" + "".join(a.text for a in radicals[-1].radicand) + "$"
    inside = [a for a in math_atoms(radicand) if a.kind == "symbol"]
    return inside[0].name if inside else None


def readout_labels(words: Words, trajectory: Trajectory) -> list[str]:
    """The readout's first column: loss, the gradient, the state, the step size."""
    labels = [words.loss, f"${gradient_symbol(trajectory.optimizer)}$"]
    labels += [f"${name}$" for name in state_symbols(trajectory)]
    step = step_size_symbol(trajectory)
    if step is not None and STEP_SIZE in trajectory.quantities:
        labels.append(f"${step}$")
    return labels


def readout_values(trajectory: Trajectory, k: int) -> list[str]:
    """The readout's second column at step k: loss before → after, the gradient used, the state
    after the step, the step size it took."""
    q = trajectory.quantities
    values = [
        f"${fmt(trajectory.losses[k])} → {fmt(trajectory.losses[k + 1])}$",
        pair(trajectory.gradients[k]),
    ]
    values += [pair(q[STATE[name]][k + 1]) for name in state_symbols(trajectory)]
    if step_size_symbol(trajectory) is not None and STEP_SIZE in q:
        values.append(pair(q[STEP_SIZE][k + 1]))
    return values


def readout_lines(words: Words, trajectory: Trajectory, k: int) -> list[str]:
    """Label and value per line, as one lesson string each."""
    labels, values = readout_labels(words, trajectory), readout_values(trajectory, k)
    return [f"{a}  {b}" for a, b in zip(labels, values, strict=True)]


def step_caption(words: Words, trajectory: Trajectory, k: int, *, full: bool = True) -> str:
    """Step k's numbers along y, the axis the book's zigzag is about: worked through (`full`),
    or in the short form of the steps that follow the narrated ones."""
    opt, q = trajectory.optimizer, trajectory.quantities
    g = trajectory.gradients[k][1]
    values = {
        "dy": fmt(trajectory.points[k + 1][1] - trajectory.points[k][1]),
        "g": factor(g),
        "gy": gradient_component(opt),
        "lr": fmt(opt.lr),
    }
    match kind(trajectory):
        case "adam":
            t, fixed = k + 1, corrected(opt)
            c = math.sqrt(1 - opt.beta2**t) / (1 - opt.beta1**t) if fixed else 1.0
            m, v = q[FIRST_MOMENT][k + 1][1], q[SECOND_MOMENT][k + 1][1]
            values |= {
                "m": fmt(m),
                "v": fmt(v),
                "m_f": factor(m),
                "corr": f"·{fmt(c)}" if fixed else "",
                "corr_sym": CORRECTION if fixed else "",
            }
        case "squares":
            values["h"] = fmt(q[SQUARES][k + 1][1])
        case "velocity":
            v0, v1 = q[VELOCITY][k][1], q[VELOCITY][k + 1][1]
            values |= {"a": fmt(opt.momentum), "v0": factor(v0), "v1": fmt(v1)}
    templates = words.lesson.captions if full else words.lesson.short_captions
    return templates[kind(trajectory)].format(**values)


def captions(words: Words, trajectory: Trajectory, narrated: Sequence[bool]) -> list[str]:
    """Every step's caption: worked through where `narrated[k]`, else the short form."""
    return [step_caption(words, trajectory, k, full=full) for k, full in enumerate(narrated)]
