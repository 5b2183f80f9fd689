"""The update rules of Deep Learning from Scratch ch. 6 (`common/optimizer.py`), as pure functions.

Every optimizer is a frozen dataclass of hyper-parameters with two pure methods, in the style of
optax: ``init(params) -> state`` and ``update(grads, state, params) -> (new_params, new_state)``.
``params`` and ``grads`` are float64 arrays of any shape (one ball is shape ``(2,)``, ten thousand
balls ``(10000, 2)``); every operation is element-wise, so a batch costs no Python loop.

Symbols as in the post: W the parameters, g = dL/dW the gradient, eta (``lr``) the learning rate,
alpha (``momentum``) the momentum coefficient, v the velocity, h the sum of squared gradients.
``quantities(state)`` gives what a picture shows of the state (velocity, per-axis step size, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from .base import POSITIVE, UNIT_OPEN, UNIT_OPEN_BOTH, Optimizer, hyper

Array = np.ndarray


class NoState(NamedTuple):
    pass


class VelocityState(NamedTuple):
    v: Array


class SquaresState(NamedTuple):
    h: Array


class AdamState(NamedTuple):
    t: int
    m: Array
    v: Array


class _VelocityOptimizer(Optimizer):
    """Momentum and Nesterov: the state is a velocity v, zero at the start."""

    def init(self, params: Array) -> VelocityState:
        return VelocityState(v=np.zeros_like(params, dtype=np.float64))

    def quantities(self, state: VelocityState) -> dict[str, Array]:
        return {"v": state.v}


class _SquaresOptimizer(Optimizer):
    """AdaGrad and RMSProp: the state is h, built from g*g; each axis steps lr / (sqrt(h) + eps)."""

    lr: float
    eps: float

    def init(self, params: Array) -> SquaresState:
        return SquaresState(h=np.zeros_like(params, dtype=np.float64))

    def quantities(self, state: SquaresState) -> dict[str, Array]:
        return {"h": state.h, "step_size": self.lr / (np.sqrt(state.h) + self.eps)}


def _lr() -> float:
    return hyper(0.01, POSITIVE, "learning rate eta")


def _eps() -> float:
    return hyper(1e-7, POSITIVE, "added to sqrt(h) so the first step never divides by zero")


@dataclass(frozen=True)
class SGD(Optimizer):
    """Stochastic gradient descent.

    W <- W - eta * g
    """

    name: ClassVar[str] = "sgd"
    display_name: ClassVar[str] = "SGD"
    formula: ClassVar[str] = "W <- W - η·∂L/∂W"
    latex: ClassVar[str] = r"W \leftarrow W - \eta \frac{\partial L}{\partial W}"
    lr: float = _lr()

    def init(self, params: Array) -> NoState:
        return NoState()

    def update(self, grads: Array, state: NoState, params: Array) -> tuple[Array, NoState]:
        return params - self.lr * grads, state

    def quantities(self, state: NoState) -> dict[str, Array]:
        return {}


@dataclass(frozen=True)
class Momentum(_VelocityOptimizer):
    """Momentum: a velocity accumulates the gradient and decays by alpha (friction).

    v <- alpha * v - eta * g
    W <- W + v
    """

    name: ClassVar[str] = "momentum"
    display_name: ClassVar[str] = "Momentum"
    formula: ClassVar[str] = "v <- αv - η·∂L/∂W;  W <- W + v"
    latex: ClassVar[str] = (
        r"v \leftarrow \alpha v - \eta \frac{\partial L}{\partial W}"
        r"\qquad W \leftarrow W + v"
    )
    lr: float = _lr()
    momentum: float = hyper(0.9, UNIT_OPEN, "momentum alpha: the share of velocity kept per step")

    def update(
        self, grads: Array, state: VelocityState, params: Array
    ) -> tuple[Array, VelocityState]:
        v = self.momentum * state.v - self.lr * grads
        return params + v, VelocityState(v=v)


@dataclass(frozen=True)
class Nesterov(_VelocityOptimizer):
    """Nesterov's accelerated gradient, in the book's reformulation (Bengio et al., 2012).

    W <- W + alpha^2 * v - (1 + alpha) * eta * g     (with the v from before this step)
    v <- alpha * v - eta * g
    """

    name: ClassVar[str] = "nesterov"
    display_name: ClassVar[str] = "Nesterov"
    formula: ClassVar[str] = "W <- W + α²v - (1+α)η·∂L/∂W;  v <- αv - η·∂L/∂W"
    latex: ClassVar[str] = (
        r"W \leftarrow W + \alpha^2 v - (1+\alpha)\eta \frac{\partial L}{\partial W}"
        r"\qquad v \leftarrow \alpha v - \eta \frac{\partial L}{\partial W}"
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
class AdaGrad(_SquaresOptimizer):
    """AdaGrad: each coordinate's step shrinks with the sum of its squared gradients.

    h <- h + g * g
    W <- W - eta * g / (sqrt(h) + eps)
    """

    name: ClassVar[str] = "adagrad"
    display_name: ClassVar[str] = "AdaGrad"
    formula: ClassVar[str] = "h <- h + ∂L/∂W ⊙ ∂L/∂W;  W <- W - η·∂L/∂W / √h"
    latex: ClassVar[str] = (
        r"h \leftarrow h + \frac{\partial L}{\partial W} \odot \frac{\partial L}{\partial W}"
        r"\qquad W \leftarrow W - \eta \frac{1}{\sqrt{h}} \frac{\partial L}{\partial W}"
    )
    lr: float = _lr()
    eps: float = _eps()

    def update(
        self, grads: Array, state: SquaresState, params: Array
    ) -> tuple[Array, SquaresState]:
        h = state.h + grads * grads
        return params - self.lr * grads / (np.sqrt(h) + self.eps), SquaresState(h=h)


@dataclass(frozen=True)
class RMSProp(_SquaresOptimizer):
    """RMSProp: like AdaGrad, but h is an exponential moving average that forgets old gradients.

    h <- rho * h + (1 - rho) * g * g
    W <- W - eta * g / (sqrt(h) + eps)
    """

    name: ClassVar[str] = "rmsprop"
    display_name: ClassVar[str] = "RMSProp"
    formula: ClassVar[str] = "h <- ρh + (1-ρ)·∂L/∂W ⊙ ∂L/∂W;  W <- W - η·∂L/∂W / √h"
    latex: ClassVar[str] = (
        r"h \leftarrow \rho h + (1-\rho) \frac{\partial L}{\partial W} \odot "
        r"\frac{\partial L}{\partial W}"
        r"\qquad W \leftarrow W - \eta \frac{1}{\sqrt{h}} \frac{\partial L}{\partial W}"
    )
    lr: float = _lr()
    decay_rate: float = hyper(0.99, UNIT_OPEN, "decay rate rho of the moving average h")
    eps: float = _eps()

    def update(
        self, grads: Array, state: SquaresState, params: Array
    ) -> tuple[Array, SquaresState]:
        h = self.decay_rate * state.h + (1 - self.decay_rate) * grads * grads
        return params - self.lr * grads / (np.sqrt(h) + self.eps), SquaresState(h=h)


@dataclass(frozen=True)
class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum on g and RMSProp on g*g, with bias correction.

    t <- t + 1
    eta_t <- eta * sqrt(1 - beta2^t) / (1 - beta1^t)
    m <- m + (1 - beta1) * (g - m)
    v <- v + (1 - beta2) * (g * g - v)
    W <- W - eta_t * m / (sqrt(v) + eps)
    """

    name: ClassVar[str] = "adam"
    display_name: ClassVar[str] = "Adam"
    formula: ClassVar[str] = (
        "m <- β₁m + (1-β₁)g;  v <- β₂v + (1-β₂)g²;  W <- W - η·√(1-β₂ᵗ)/(1-β₁ᵗ)·m/√v"
    )
    latex: ClassVar[str] = (
        r"m \leftarrow \beta_1 m + (1-\beta_1) g \qquad v \leftarrow \beta_2 v + (1-\beta_2) g^2"
        r"\qquad W \leftarrow W - \eta \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t} \frac{m}{\sqrt{v}}"
    )
    lr: float = hyper(0.001, POSITIVE, "learning rate eta")
    beta1: float = hyper(0.9, UNIT_OPEN, "decay of the first moment m")
    beta2: float = hyper(0.999, UNIT_OPEN_BOTH, "decay of the second moment v")
    eps: float = _eps()

    def init(self, params: Array) -> AdamState:
        zeros = np.zeros_like(params, dtype=np.float64)
        return AdamState(t=0, m=zeros, v=zeros.copy())

    def update(self, grads: Array, state: AdamState, params: Array) -> tuple[Array, AdamState]:
        t = state.t + 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)
        m = state.m + (1 - self.beta1) * (grads - state.m)
        v = state.v + (1 - self.beta2) * (grads * grads - state.v)
        return params - lr_t * m / (np.sqrt(v) + self.eps), AdamState(t=t, m=m, v=v)

    def quantities(self, state: AdamState) -> dict[str, Array]:
        t = max(state.t, 1)  # at t = 0 m and v are zero, and so are their corrected values
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)
        return {
            "m": state.m,
            "v": state.v,
            "m_hat": state.m / (1.0 - self.beta1**t),
            "v_hat": state.v / (1.0 - self.beta2**t),
            "step_size": lr_t / (np.sqrt(state.v) + self.eps),
        }


OPTIMIZERS: tuple[type[Optimizer], ...] = (SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam)
