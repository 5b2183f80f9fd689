"""Optimizers published after the book's chapter, in the same pure form as `book.py`.

AdamW and AMSGrad are Adam with one change each, so they take Adam's `rules` and
`bias_correction` too; NAdam, Adadelta and RMSProp with momentum follow PyTorch's documented
algorithms (``torch.optim.NAdam``, ``Adadelta``, ``RMSprop(momentum=...)``), whose papers they cite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from .base import NON_NEGATIVE, POSITIVE, UNIT_OPEN, UNIT_OPEN_BOTH, Optimizer, hyper
from .book import MOMENTS, Adam, AdamState, SquaresOptimizer, SquaresState, adam_step, ema
from .quantities import (
    FIRST_MOMENT,
    SECOND_MOMENT,
    SECOND_MOMENT_MAX,
    SQUARES,
    STEP_SIZE,
    STEP_SQUARES,
    VELOCITY,
)
from .rule import Part, Rule, Statement

Array = np.ndarray


class AMSGradState(NamedTuple):
    t: int
    m: Array
    v: Array
    v_max: Array


class NAdamState(NamedTuple):
    t: int
    m: Array
    v: Array
    mu_product: float


class AdadeltaState(NamedTuple):
    h: Array
    u: Array
    ratio: Array  # sqrt(u + eps) / sqrt(h + eps) of the last step, with u from before it


class RMSPropMomentumState(NamedTuple):
    h: Array
    buf: Array


AVERAGE_OF_SQUARES = Statement.of("h ← ρh + (1-ρ)g²", r"h \leftarrow \rho h + (1-\rho) g^2")
"""E[g²], as Adadelta and RMSProp with momentum write it."""


@dataclass(frozen=True)
class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019).

    W <- W - eta * lambda * W           (decay, decoupled from the gradient)
    then Adam's step (see `Adam`) with the gradient taken at the W before the decay.

    As torch.optim.AdamW, the decay is scaled by eta (the paper scales it by the schedule
    multiplier alone); weight_decay = 0 is Adam exactly.
    """

    name: ClassVar[str] = "adamw"
    display_name: ClassVar[str] = "AdamW"
    update_rule: ClassVar[Rule] = Rule(
        (
            Statement.of("W ← W − ηλW", r"W \leftarrow W - \eta \lambda W"),
            Statement((Part("then Adam: ", ""), *Adam.update_rule.statements[-1].parts)),
        )
    )
    weight_decay: float = hyper(0.01, NON_NEGATIVE, "decoupled weight decay lambda")

    def update(self, grads: Array, state: AdamState, params: Array) -> tuple[Array, AdamState]:
        return super().update(grads, state, params * (1 - self.lr * self.weight_decay))


@dataclass(frozen=True)
class AMSGrad(Adam):
    """AMSGrad (Reddi, Kale & Kumar, "On the Convergence of Adam and Beyond", ICLR 2018).

    Adam, but it divides by the largest v so far, so a coordinate's step size never grows:
    m <- m + (1 - beta1) * (g - m)
    v <- v + (1 - beta2) * (g * g - v)
    v_max <- max(v_max, v)
    W <- W - eta_t * m / (sqrt(v_max) / r + eps)      (eta_t and r as in `Adam`, per rules)

    As torch.optim.Adam(amsgrad=True): the max is over the uncorrected v, then corrected. The
    paper's algorithm has no bias correction (bias_correction=false).
    """

    name: ClassVar[str] = "amsgrad"
    display_name: ClassVar[str] = "AMSGrad"
    update_rule: ClassVar[Rule] = Rule(
        (
            *MOMENTS,
            Statement.of("v̂ ← max(v̂, v)", r"\hat{v} \leftarrow \max(\hat{v}, v)"),
            adam_step(Part("m/√v̂", r"\frac{m}{\sqrt{\hat{v}}}")),
        )
    )

    def init(self, params: Array) -> AMSGradState:
        t, m, v = super().init(params)
        return AMSGradState(t=t, m=m, v=v, v_max=v.copy())

    def update(
        self, grads: Array, state: AMSGradState, params: Array
    ) -> tuple[Array, AMSGradState]:
        t, m, v = self.moments(grads, state)
        v_max = np.maximum(state.v_max, v)
        return params - self.step(t, m, v_max), AMSGradState(t=t, m=m, v=v, v_max=v_max)

    def quantities(self, state: AMSGradState) -> dict[str, Array]:
        divided_by = self.moment_quantities(state.t, state.m, state.v_max)
        return {**divided_by, SECOND_MOMENT: state.v, SECOND_MOMENT_MAX: state.v_max}


@dataclass(frozen=True)
class NAdam(Optimizer):
    """NAdam (Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop).

    As torch.optim.NAdam, with its momentum schedule (psi = momentum_decay):
    t <- t + 1
    mu_t <- beta1 * (1 - 0.5 * 0.96^(t psi));  mu_{t+1} <- beta1 * (1 - 0.5 * 0.96^((t+1) psi))
    m <- beta1 * m + (1 - beta1) * g
    v <- beta2 * v + (1 - beta2) * g * g
    m_hat <- mu_{t+1} m / (1 - mu_1 ... mu_{t+1}) + (1 - mu_t) g / (1 - mu_1 ... mu_t)
    v_hat <- v / (1 - beta2^t)
    W <- W - eta * m_hat / (sqrt(v_hat) + eps)

    m_hat looks one step ahead: the momentum of the next step is applied now (Nesterov).
    """

    name: ClassVar[str] = "nadam"
    display_name: ClassVar[str] = "NAdam"
    update_rule: ClassVar[Rule] = Rule(
        (
            *MOMENTS,
            Statement.of(
                "W ← W − η·(μₜ₊₁m̂ + (1-μₜ)ĝ)/√v̂  (μₜ = β₁(1 − ½·0.96^(tψ)))",
                r"W \leftarrow W - \eta \frac{\mu_{t+1} \hat{m} + (1-\mu_t) \hat{g}}{\sqrt{\hat{v}}}"
                r"\quad (\mu_t = \beta_1 (1 - \tfrac{1}{2} 0.96^{t\psi}))",
            ),
        )
    )
    lr: float = hyper(0.002, POSITIVE, "learning rate eta")
    beta1: float = hyper(0.9, UNIT_OPEN, "decay of the first moment m")
    beta2: float = hyper(0.999, UNIT_OPEN_BOTH, "decay of the second moment v")
    eps: float = hyper(1e-8, POSITIVE, "added to sqrt(v_hat)", quiet=True)
    momentum_decay: float = hyper(
        0.004, NON_NEGATIVE, "psi: how fast mu_t rises to beta1", quiet=True
    )

    def init(self, params: Array) -> NAdamState:
        zeros = np.zeros_like(params, dtype=np.float64)
        return NAdamState(t=0, m=zeros, v=zeros.copy(), mu_product=1.0)

    def mu(self, t: int) -> float:
        """The momentum coefficient of step t."""
        return self.beta1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay))

    def update(self, grads: Array, state: NAdamState, params: Array) -> tuple[Array, NAdamState]:
        t = state.t + 1
        mu, mu_next = self.mu(t), self.mu(t + 1)
        mu_product = state.mu_product * mu
        m = ema(state.m, grads, self.beta1)
        v = ema(state.v, grads * grads, self.beta2)
        m_hat = mu_next * m / (1.0 - mu_product * mu_next) + (1.0 - mu) * grads / (1.0 - mu_product)
        v_hat = v / (1.0 - self.beta2**t)
        new_params = params - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return new_params, NAdamState(t=t, m=m, v=v, mu_product=mu_product)

    def quantities(self, state: NAdamState) -> dict[str, Array]:
        t = max(state.t, 1)
        v_hat = state.v / (1.0 - self.beta2**t)
        return {
            FIRST_MOMENT: state.m,
            SECOND_MOMENT: state.v,
            STEP_SIZE: self.lr / (np.sqrt(v_hat) + self.eps),
        }


@dataclass(frozen=True)
class Adadelta(Optimizer):
    """Adadelta (Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012, Algorithm 1).

    h <- rho * h + (1 - rho) * g * g                     (E[g^2])
    dx <- sqrt(u + eps) / sqrt(h + eps) * g
    u <- rho * u + (1 - rho) * dx * dx                   (E[dx^2])
    W <- W - eta * dx

    Units match without a learning rate: the paper has none (eta = 1); eta is torch.optim.Adadelta's
    extra factor. Defaults are the paper's (rho 0.95, eps 1e-6; PyTorch uses rho 0.9). Steps start
    at about sqrt(eps) and grow as u remembers the steps taken.
    """

    name: ClassVar[str] = "adadelta"
    display_name: ClassVar[str] = "Adadelta"
    update_rule: ClassVar[Rule] = Rule(
        (
            AVERAGE_OF_SQUARES,
            Statement.of(
                "Δ ← √(u+ε)/√(h+ε)·g",
                r"\Delta \leftarrow \frac{\sqrt{u + \epsilon}}{\sqrt{h + \epsilon}} g",
            ),
            Statement.of("u ← ρu + (1-ρ)Δ²", r"u \leftarrow \rho u + (1-\rho) \Delta^2"),
            Statement.of("W ← W − ηΔ", r"W \leftarrow W - \eta \Delta"),
        )
    )
    lr: float = hyper(1.0, POSITIVE, "learning rate eta: a factor on the step (1 in the paper)")
    decay_rate: float = hyper(0.95, UNIT_OPEN, "decay rate rho of both moving averages")
    eps: float = hyper(
        1e-6, POSITIVE, "added inside both roots; sets the first steps' size", quiet=True
    )

    def init(self, params: Array) -> AdadeltaState:
        zeros = np.zeros_like(params, dtype=np.float64)
        # sqrt(0 + eps) / sqrt(0 + eps): the ratio of a step with nothing averaged yet
        return AdadeltaState(h=zeros, u=zeros.copy(), ratio=np.ones_like(zeros))

    def update(
        self, grads: Array, state: AdadeltaState, params: Array
    ) -> tuple[Array, AdadeltaState]:
        rho = self.decay_rate
        # torch's arithmetic for both averages, not `ema`'s: see its docstring
        h = rho * state.h + (1 - rho) * grads * grads
        ratio = np.sqrt(state.u + self.eps) / np.sqrt(h + self.eps)
        dx = ratio * grads
        u = rho * state.u + (1 - rho) * dx * dx
        return params - self.lr * dx, AdadeltaState(h=h, u=u, ratio=ratio)

    def quantities(self, state: AdadeltaState) -> dict[str, Array]:
        # The step size of the step just taken, which used u from before it: the state's u is
        # already the next step's.
        return {SQUARES: state.h, STEP_SQUARES: state.u, STEP_SIZE: self.lr * state.ratio}


@dataclass(frozen=True)
class RMSPropMomentum(SquaresOptimizer):
    """RMSProp with momentum (Tieleman & Hinton, 2012; Graves, "Generating Sequences With
    Recurrent Neural Networks", 2013, eq. 38-45 without centering), as torch.optim.RMSprop with
    momentum > 0.

    h <- rho * h + (1 - rho) * g * g
    b <- alpha * b + g / (sqrt(h) + eps)
    W <- W - eta * b

    momentum = 0 is RMSProp (up to rounding).
    """

    name: ClassVar[str] = "rmsprop-momentum"
    display_name: ClassVar[str] = "RMSProp+Momentum"
    update_rule: ClassVar[Rule] = Rule(
        (
            AVERAGE_OF_SQUARES,
            Statement.of("b ← αb + g/√h", r"b \leftarrow \alpha b + \frac{g}{\sqrt{h}}"),
            Statement.of("W ← W − ηb", r"W \leftarrow W - \eta b"),
        )
    )
    lr: float = hyper(0.01, POSITIVE, "learning rate eta")
    decay_rate: float = hyper(0.99, UNIT_OPEN, "decay rate rho of the moving average h")
    momentum: float = hyper(0.9, UNIT_OPEN, "momentum alpha: the share of the buffer kept per step")
    eps: float = hyper(1e-7, POSITIVE, "added to sqrt(h)", quiet=True)

    def init(self, params: Array) -> RMSPropMomentumState:
        zeros = np.zeros_like(params, dtype=np.float64)
        return RMSPropMomentumState(h=zeros, buf=zeros.copy())

    def update(
        self, grads: Array, state: RMSPropMomentumState, params: Array
    ) -> tuple[Array, RMSPropMomentumState]:
        # torch's arithmetic, not `ema`'s: see its docstring
        h = self.decay_rate * state.h + (1 - self.decay_rate) * grads * grads
        buf = self.momentum * state.buf + grads / (np.sqrt(h) + self.eps)
        return params - self.lr * buf, RMSPropMomentumState(h=h, buf=buf)

    def quantities(self, state: RMSPropMomentumState) -> dict[str, Array]:
        return {**super().quantities(SquaresState(h=state.h)), VELOCITY: -self.lr * state.buf}


MODERN_OPTIMIZERS: tuple[type[Optimizer], ...] = (AdamW, AMSGrad, NAdam, Adadelta, RMSPropMomentum)
