"""The update rules of Deep Learning from Scratch ch. 6 (`common/optimizer.py`), as pure functions.

Every optimizer is a frozen dataclass of hyper-parameters with two pure methods, in the style of
optax: ``init(params) -> state`` and ``update(grads, state, params) -> (new_params, new_state)``.
``params`` and ``grads`` are float64 arrays of any shape (one ball is shape ``(2,)``, ten thousand
balls ``(10000, 2)``); every operation is element-wise, so a batch costs no Python loop.

Symbols as in the post: W the parameters, g = dL/dW the gradient, eta (``lr``) the learning rate,
alpha (``momentum``) the momentum coefficient, v the velocity, h the sum of squared gradients.
``quantities(state)`` gives what a picture shows of the state (velocity, per-axis step size, ...).

Momentum, AdaGrad, RMSProp and Adam take ``rules=book|pytorch``: the book's code, or PyTorch's
documented algorithm (``torch.optim.SGD``, ``Adagrad``, ``RMSprop``, ``Adam``); each docstring says
what changes. Optimizers published after the book are in `modern.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from .base import POSITIVE, RULES, UNIT_OPEN, UNIT_OPEN_BOTH, Optimizer, choice, hyper, switch
from .quantities import (
    BUFFER,
    FIRST_MOMENT,
    FIRST_MOMENT_HAT,
    SECOND_MOMENT,
    SECOND_MOMENT_HAT,
    SQUARES,
    STEP_SIZE,
    VELOCITY,
)
from .rule import BIAS_CORRECTION, Part, Rule, Statement

Array = np.ndarray


class NoState(NamedTuple):
    pass


class VelocityState(NamedTuple):
    v: Array


class BufferState(NamedTuple):
    buf: Array


class SquaresState(NamedTuple):
    h: Array


class AdamState(NamedTuple):
    t: int
    m: Array
    v: Array


class VelocityOptimizer(Optimizer):
    """Momentum and Nesterov: the state is a velocity v, zero at the start."""

    def init(self, params: Array) -> VelocityState:
        return VelocityState(v=np.zeros_like(params, dtype=np.float64))

    def quantities(self, state: VelocityState) -> dict[str, Array]:
        return {VELOCITY: state.v}


class SquaresOptimizer(Optimizer):
    """AdaGrad and the RMSProps: the state holds h, built from g*g; each axis steps lr / (sqrt(h) + eps)."""

    lr: float
    eps: float

    def init(self, params: Array) -> SquaresState:
        return SquaresState(h=np.zeros_like(params, dtype=np.float64))

    def quantities(self, state: SquaresState) -> dict[str, Array]:
        return {SQUARES: state.h, STEP_SIZE: self.lr / (np.sqrt(state.h) + self.eps)}


def ema(average: Array, value: Array, decay: float) -> Array:
    """The moving average after one more value: average + (1 - decay) * (value - average).

    As the book's Adam writes it. The averages of squares (RMSProp's h, Adadelta's h and u) keep
    their sources' arithmetic instead, decay * h + (1 - decay) * g * g (the book's RMSProp,
    torch's RMSprop and Adadelta): the same average, rounded differently, and the recorded paths
    stay bit for bit what they were.
    """
    return average + (1 - decay) * (value - average)


# Statements more than one rule writes.
VELOCITY_STEP = Statement.of(
    "v ← αv − η·∂L/∂W", r"v \leftarrow \alpha v - \eta \frac{\partial L}{\partial W}"
)
ADAGRAD_STEP = Statement.of(
    "W ← W − η·∂L/∂W / √h",
    r"W \leftarrow W - \eta \frac{1}{\sqrt{h}} \frac{\partial L}{\partial W}",
)
MOMENTS = (
    Statement.of("m ← β₁m + (1-β₁)g", r"m \leftarrow \beta_1 m + (1-\beta_1) g"),
    Statement.of("v ← β₂v + (1-β₂)g²", r"v \leftarrow \beta_2 v + (1-\beta_2) g^2"),
)
"""Adam's first and second moments (AMSGrad's and NAdam's too)."""


def adam_step(divided_by: Part) -> Statement:
    """Adam's move of W, its bias correction tagged; `divided_by` is m over the root it divides by."""
    return Statement(
        (
            Part("W ← W − η·", r"W \leftarrow W - \eta "),
            Part("√(1-β₂ᵗ)/(1-β₁ᵗ)·", r"\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t} ", BIAS_CORRECTION),
            divided_by,
        )
    )


def _lr() -> float:
    return hyper(0.01, POSITIVE, "learning rate eta")


def _eps(pytorch: float | None = None) -> float:
    return hyper(
        1e-7,
        POSITIVE,
        "added to the root so the first step never divides by zero",
        quiet=True,
        pytorch=pytorch,
    )


def _rules() -> str:
    return choice("book", RULES, "whose conventions: the book's code or PyTorch's algorithm")


@dataclass(frozen=True)
class SGD(Optimizer):
    """Stochastic gradient descent.

    W <- W - eta * g
    """

    name: ClassVar[str] = "sgd"
    display_name: ClassVar[str] = "SGD"
    update_rule: ClassVar[Rule] = Rule(
        (Statement.of("W ← W − η·∂L/∂W", r"W \leftarrow W - \eta \frac{\partial L}{\partial W}"),)
    )
    lr: float = _lr()

    def init(self, params: Array) -> NoState:
        return NoState()

    def update(self, grads: Array, state: NoState, params: Array) -> tuple[Array, NoState]:
        return params - self.lr * grads, state

    def quantities(self, state: NoState) -> dict[str, Array]:
        return {}


@dataclass(frozen=True)
class Momentum(VelocityOptimizer):
    """Momentum (Polyak, 1964): a velocity accumulates the gradient and decays by alpha (friction).

    rules=book:
        v <- alpha * v - eta * g
        W <- W + v
    rules=pytorch (torch.optim.SGD with momentum, dampening 0; the buffer starts at g):
        b <- alpha * b + g
        W <- W - eta * b

    The same path while eta is constant (v = -eta * b), up to rounding; it differs when eta changes.
    ``quantities`` gives v (the last step) under both rules, and b under PyTorch's.
    """

    name: ClassVar[str] = "momentum"
    display_name: ClassVar[str] = "Momentum"
    update_rule: ClassVar[Rule] = Rule(
        (VELOCITY_STEP, Statement.of("W ← W + v", r"W \leftarrow W + v"))
    )
    lr: float = _lr()
    momentum: float = hyper(0.9, UNIT_OPEN, "momentum alpha: the share of velocity kept per step")
    rules: str = _rules()

    def init(self, params: Array) -> VelocityState | BufferState:
        if self.rules == "pytorch":
            # alpha * 0 + g_1 is exactly PyTorch's first buffer, g_1.
            return BufferState(buf=np.zeros_like(params, dtype=np.float64))
        return super().init(params)

    def update(
        self, grads: Array, state: VelocityState | BufferState, params: Array
    ) -> tuple[Array, VelocityState | BufferState]:
        if self.rules == "pytorch":
            buf = self.momentum * state.buf + grads
            return params - self.lr * buf, BufferState(buf=buf)
        v = self.momentum * state.v - self.lr * grads
        return params + v, VelocityState(v=v)

    def quantities(self, state: VelocityState | BufferState) -> dict[str, Array]:
        if self.rules == "pytorch":
            return {VELOCITY: -self.lr * state.buf, BUFFER: state.buf}
        return super().quantities(state)


@dataclass(frozen=True)
class Nesterov(VelocityOptimizer):
    """Nesterov's accelerated gradient, in the book's reformulation (Bengio et al., 2012).

    W <- W + alpha^2 * v - (1 + alpha) * eta * g     (with the v from before this step)
    v <- alpha * v - eta * g
    """

    name: ClassVar[str] = "nesterov"
    display_name: ClassVar[str] = "Nesterov"
    update_rule: ClassVar[Rule] = Rule(
        (
            Statement.of(
                "W ← W + α²v − (1+α)η·∂L/∂W",
                r"W \leftarrow W + \alpha^2 v - (1+\alpha)\eta \frac{\partial L}{\partial W}",
            ),
            VELOCITY_STEP,
        )
    )
    lr: float = _lr()
    momentum: float = hyper(0.9, UNIT_OPEN, "momentum alpha: the share of velocity kept per step")

    def update(
        self, grads: Array, state: VelocityState, params: Array
    ) -> tuple[Array, VelocityState]:
        # W moves with the old v; updating v first (as the Korean edition's code does) is not
        # Nesterov's method.
        new_params = params + self.momentum**2 * state.v - (1 + self.momentum) * self.lr * grads
        v = self.momentum * state.v - self.lr * grads
        return new_params, VelocityState(v=v)


@dataclass(frozen=True)
class AdaGrad(SquaresOptimizer):
    """AdaGrad (Duchi, Hazan & Singer, 2011): each coordinate's step shrinks with the sum of its
    squared gradients.

    h <- h + g * g                          (h starts at 0)
    W <- W - eta * g / (sqrt(h) + eps)

    rules=pytorch (torch.optim.Adagrad, initial_accumulator_value 0, lr_decay 0) is the same rule
    with eps = 1e-10 instead of the book's 1e-7; optax's differs more (h starts at 0.1, eps inside
    the root).
    """

    name: ClassVar[str] = "adagrad"
    display_name: ClassVar[str] = "AdaGrad"
    update_rule: ClassVar[Rule] = Rule(
        (
            Statement.of(
                "h ← h + ∂L/∂W ⊙ ∂L/∂W",
                r"h \leftarrow h + \frac{\partial L}{\partial W} \odot \frac{\partial L}{\partial W}",
            ),
            ADAGRAD_STEP,
        )
    )
    lr: float = _lr()
    eps: float = _eps(pytorch=1e-10)
    rules: str = _rules()

    def update(
        self, grads: Array, state: SquaresState, params: Array
    ) -> tuple[Array, SquaresState]:
        h = state.h + grads * grads
        return params - self.lr * grads / (np.sqrt(h) + self.eps), SquaresState(h=h)


@dataclass(frozen=True)
class RMSProp(SquaresOptimizer):
    """RMSProp (Tieleman & Hinton, 2012, Coursera lecture 6.5): like AdaGrad, but h is an
    exponential moving average that forgets old gradients.

    h <- rho * h + (1 - rho) * g * g        (h starts at 0)
    W <- W - eta * g / (sqrt(h) + eps)

    rules=pytorch (torch.optim.RMSprop, not centered, momentum 0) is the same rule with eps = 1e-8
    instead of the book's 1e-7 (PyTorch calls rho `alpha`).
    """

    name: ClassVar[str] = "rmsprop"
    display_name: ClassVar[str] = "RMSProp"
    update_rule: ClassVar[Rule] = Rule(
        (
            Statement.of(
                "h ← ρh + (1-ρ)·∂L/∂W ⊙ ∂L/∂W",
                r"h \leftarrow \rho h + (1-\rho) \frac{\partial L}{\partial W} \odot "
                r"\frac{\partial L}{\partial W}",
            ),
            ADAGRAD_STEP,
        )
    )
    lr: float = _lr()
    decay_rate: float = hyper(0.99, UNIT_OPEN, "decay rate rho of the moving average h")
    eps: float = _eps(pytorch=1e-8)
    rules: str = _rules()

    def update(
        self, grads: Array, state: SquaresState, params: Array
    ) -> tuple[Array, SquaresState]:
        # The book's code, h *= decay; h += (1 - decay) * g * g: not `ema`, see its docstring.
        h = self.decay_rate * state.h + (1 - self.decay_rate) * grads * grads
        return params - self.lr * grads / (np.sqrt(h) + self.eps), SquaresState(h=h)


@dataclass(frozen=True)
class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum on g and RMSProp on g*g, with bias correction.

    t <- t + 1
    m <- m + (1 - beta1) * (g - m)
    v <- v + (1 - beta2) * (g * g - v)
    rules=book (eps is added before the correction, so it acts as eps / sqrt(1 - beta2^t)):
        W <- W - eta * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)
    rules=pytorch (torch.optim.Adam; eps = 1e-8 and added after the correction):
        W <- W - eta / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    bias_correction=false, under either rules:
        W <- W - eta * m / (sqrt(v) + eps)
    """

    name: ClassVar[str] = "adam"
    display_name: ClassVar[str] = "Adam"
    update_rule: ClassVar[Rule] = Rule((*MOMENTS, adam_step(Part("m/√v", r"\frac{m}{\sqrt{v}}"))))
    lr: float = hyper(0.001, POSITIVE, "learning rate eta")
    beta1: float = hyper(0.9, UNIT_OPEN, "decay of the first moment m")
    beta2: float = hyper(0.999, UNIT_OPEN_BOTH, "decay of the second moment v")
    eps: float = _eps(pytorch=1e-8)
    rules: str = _rules()
    bias_correction: bool = switch(True, "divide m and v by 1 - beta^t, undoing their start at 0")

    def rule(self) -> Rule:
        """Without bias correction, the rule shown has no correction factor either."""
        return (
            self.update_rule if self.bias_correction else self.update_rule.without(BIAS_CORRECTION)
        )

    def init(self, params: Array) -> AdamState:
        zeros = np.zeros_like(params, dtype=np.float64)
        return AdamState(t=0, m=zeros, v=zeros.copy())

    def moments(self, grads: Array, state: AdamState) -> tuple[int, Array, Array]:
        """t, m and v after this step's gradient."""
        return state.t + 1, ema(state.m, grads, self.beta1), ema(state.v, grads * grads, self.beta2)

    def scale(self, t: int) -> tuple[float, float]:
        """(eta_t, r) such that the step at t is eta_t * m / (sqrt(v) / r + eps)."""
        if not self.bias_correction:
            return self.lr, 1.0
        c1, c2 = 1.0 - self.beta1**t, 1.0 - self.beta2**t
        if self.rules == "pytorch":
            return self.lr / c1, np.sqrt(c2)
        return self.lr * np.sqrt(c2) / c1, 1.0

    def step(self, t: int, m: Array, v: Array) -> Array:
        """The step at t, to subtract from W; `v` is what divides (AMSGrad's running max)."""
        lr_t, r = self.scale(t)
        return lr_t * m / (np.sqrt(v) / r + self.eps)

    def update(self, grads: Array, state: AdamState, params: Array) -> tuple[Array, AdamState]:
        t, m, v = self.moments(grads, state)
        return params - self.step(t, m, v), AdamState(t=t, m=m, v=v)

    def quantities(self, state: AdamState) -> dict[str, Array]:
        return self.moment_quantities(state.t, state.m, state.v)

    def moment_quantities(self, t: int, m: Array, v: Array) -> dict[str, Array]:
        """m, v, the moments the step uses (m_hat, v_hat) and the per-axis step size."""
        t = max(t, 1)  # at t = 0 m and v are zero, and so are their corrected values
        c1, c2 = (1.0 - self.beta1**t, 1.0 - self.beta2**t) if self.bias_correction else (1, 1)
        lr_t, r = self.scale(t)
        return {
            FIRST_MOMENT: m,
            SECOND_MOMENT: v,
            FIRST_MOMENT_HAT: m / c1,
            SECOND_MOMENT_HAT: v / c2,
            STEP_SIZE: lr_t / (np.sqrt(v) / r + self.eps),
        }


BOOK_OPTIMIZERS: tuple[type[Optimizer], ...] = (SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam)
