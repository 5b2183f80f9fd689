"""The optimizers after the book, and PyTorch's rules, against second formulations.

Each reference loop below is written from the paper or from PyTorch's documented algorithm
(pytorch.org/docs/stable/generated/torch.optim.*.html), one ball at a time, with the book
surface's gradient (x/10, 2y) by hand; none of it calls optiroll's update rules.
"""

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from optiroll.cli import cli
from optiroll.errors import OptirollError
from optiroll.optim.book import AdaGrad, Adam, Momentum, RMSProp
from optiroll.optim.modern import Adadelta, AdamW, AMSGrad, NAdam, RMSPropMomentum
from optiroll.optim.registry import OPTIMIZER_CLASSES, make_optimizer, parse_spec
from optiroll.optim.surfaces import BOOK
from optiroll.optim.trajectory import run

START = (-7.0, 2.0)
STEPS = 25


def grad(w):
    return np.array([w[0] / 10.0, 2.0 * w[1]])


def reference_path(step, state, start=START, steps=STEPS):
    """Points of a run where `step(t, w, g, state) -> (w, state)` is the reference rule."""
    w = np.array(start, dtype=float)
    points = [w]
    for t in range(1, steps + 1):
        w, state = step(t, w, grad(w), state)
        points.append(w)
    return np.array(points)


# PyTorch's documented algorithms.


def test_momentum_pytorch_rules_are_torch_sgd_with_momentum():
    """b_1 = g_1, then b_t = mu b_{t-1} + g_t (dampening 0); theta -= lr b_t."""
    lr, mu = 0.1, 0.9

    def step(t, w, g, b):
        b = g if t == 1 else mu * b + g
        return w - lr * b, b

    traj = run(Momentum(lr=lr, momentum=mu, rules="pytorch"), BOOK, START, STEPS)
    np.testing.assert_allclose(traj.points, reference_path(step, None), rtol=0, atol=1e-12)
    # The buffer is in units of the gradient; v is the step it makes.
    np.testing.assert_allclose(traj.quantities["buf"][1], grad(START), rtol=1e-15)
    np.testing.assert_allclose(traj.quantities["v"][1:], np.diff(traj.points, axis=0), atol=1e-12)


def test_adagrad_pytorch_rules_are_torch_adagrad():
    """state_sum starts at 0 (initial_accumulator_value); theta -= lr g / (sqrt(sum) + 1e-10)."""
    lr = 1.5

    def step(t, w, g, s):
        s = s + g * g
        return w - lr * g / (np.sqrt(s) + 1e-10), s

    traj = run(AdaGrad(lr=lr, rules="pytorch"), BOOK, START, STEPS)
    np.testing.assert_allclose(traj.points, reference_path(step, np.zeros(2)), atol=1e-12)


def test_rmsprop_pytorch_rules_are_torch_rmsprop():
    """v = alpha v + (1 - alpha) g^2; theta -= lr g / (sqrt(v) + 1e-8)."""
    lr, alpha = 0.1, 0.99

    def step(t, w, g, v):
        v = alpha * v + (1 - alpha) * g * g
        return w - lr * g / (np.sqrt(v) + 1e-8), v

    traj = run(RMSProp(lr=lr, decay_rate=alpha, rules="pytorch"), BOOK, START, STEPS)
    np.testing.assert_allclose(traj.points, reference_path(step, np.zeros(2)), atol=1e-12)


def torch_adam_step(lr, b1, b2, eps, amsgrad=False):
    """torch.optim.Adam's documented step; for AMSGrad, the max of v then its correction."""

    def step(t, w, g, state):
        m, v, v_max = state
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        v_max = np.maximum(v_max, v)
        v_hat = (v_max if amsgrad else v) / (1 - b2**t)
        return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v, v_max)

    return step


def test_adam_pytorch_rules_are_torch_adam():
    lr, b1, b2 = 0.3, 0.9, 0.999
    traj = run(Adam(lr=lr, rules="pytorch"), BOOK, START, STEPS)
    zeros = (np.zeros(2),) * 3
    expected = reference_path(torch_adam_step(lr, b1, b2, 1e-8), zeros)
    np.testing.assert_allclose(traj.points, expected, atol=1e-12)


def test_adam_first_step_by_hand_under_both_rules_with_a_large_eps():
    """g0 = (-0.7, 4), t = 1: m = 0.1 g, v = 0.001 g^2, sqrt(v) = sqrt(0.001) |g|."""
    lr, eps, c2 = 0.3, 0.01, 1 - 0.999
    g = np.array([-0.7, 4.0])
    book = run(Adam(lr=lr, eps=eps), BOOK, START, 1).points[1]
    torch = run(Adam(lr=lr, eps=eps, rules="pytorch"), BOOK, START, 1).points[1]
    # book: lr sqrt(c2)/0.1 * 0.1 g / (sqrt(c2)|g| + eps); PyTorch: lr g / (|g| + eps)
    np.testing.assert_allclose(
        book, START - lr * math.sqrt(c2) * g / (math.sqrt(c2) * abs(g) + eps)
    )
    np.testing.assert_allclose(torch, START - lr * g / (abs(g) + eps))
    # the book's eps weighs 1/sqrt(c2) ~ 32 times more on the first step: a shorter step
    assert np.all(np.abs(book - START) < np.abs(torch - START))


def test_adam_without_bias_correction_takes_tiny_first_steps():
    """m = 0.1 g and v = 0.001 g^2 uncorrected: the first step is lr * 0.1/sqrt(0.001) = 3.16 lr."""
    lr = 0.01
    traj = run(Adam(lr=lr, bias_correction=False), BOOK, START, 1)
    np.testing.assert_allclose(
        np.abs(traj.points[1] - START), lr * 0.1 / math.sqrt(0.001), rtol=1e-5
    )
    m_hat = traj.quantities["m_hat"][1]
    np.testing.assert_array_equal(m_hat, traj.quantities["m"][1])  # nothing corrected


# The optimizers after the book.


def test_adamw_is_adam_after_a_decoupled_decay():
    """Loshchilov & Hutter as in torch.optim.AdamW: theta *= 1 - lr lambda, then Adam's step."""
    lr, wd, b1, b2 = 0.3, 0.1, 0.9, 0.999
    adam = torch_adam_step(lr, b1, b2, 1e-8)

    def step(t, w, g, state):
        return adam(t, w * (1 - lr * wd), g, state)

    traj = run(AdamW(lr=lr, weight_decay=wd, rules="pytorch"), BOOK, START, STEPS)
    expected = reference_path(step, (np.zeros(2),) * 3)
    np.testing.assert_allclose(traj.points, expected, atol=1e-12)


def test_amsgrad_without_bias_correction_is_the_papers_algorithm():
    """Reddi et al., Algorithm 2 with constant alpha and beta1 (and eps in the denominator)."""
    alpha, b1, b2, eps = 0.3, 0.9, 0.99, 1e-7

    def step(t, x, g, state):
        m, v, v_hat = state
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        v_hat = np.maximum(v_hat, v)
        return x - alpha * m / (np.sqrt(v_hat) + eps), (m, v, v_hat)

    opt = AMSGrad(lr=alpha, beta2=b2, bias_correction=False)
    traj = run(opt, BOOK, START, 60)
    np.testing.assert_allclose(
        traj.points, reference_path(step, (np.zeros(2),) * 3, steps=60), atol=1e-12
    )
    # the point of AMSGrad: a coordinate's step size never grows
    assert np.all(np.diff(traj.quantities["step_size"][1:], axis=0) <= 0)


def test_amsgrad_pytorch_rules_are_torch_adam_with_amsgrad():
    lr, b1, b2 = 0.3, 0.9, 0.99
    traj = run(AMSGrad(lr=lr, beta2=b2, rules="pytorch"), BOOK, START, 60)
    step = torch_adam_step(lr, b1, b2, 1e-8, amsgrad=True)
    expected = reference_path(step, (np.zeros(2),) * 3, steps=60)
    np.testing.assert_allclose(traj.points, expected, atol=1e-12)
    # on this run v falls below its maximum, so AMSGrad is not Adam
    adam = run(Adam(lr=lr, beta2=b2, rules="pytorch"), BOOK, START, 60)
    assert np.any(traj.quantities["v_max"] > traj.quantities["v"])
    assert not np.allclose(traj.points, adam.points)


def test_nadam_is_torch_nadam_with_its_momentum_schedule():
    """mu_t = b1 (1 - 0.5 * 0.96^(t psi)); products of the mu taken afresh each step."""
    lr, b1, b2, eps, psi = 0.3, 0.9, 0.999, 1e-8, 0.004

    def mu(t):
        return b1 * (1 - 0.5 * 0.96 ** (t * psi))

    def step(t, w, g, state):
        m, v = state
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        through_t = math.prod(mu(i) for i in range(1, t + 1))
        m_hat = mu(t + 1) * m / (1 - through_t * mu(t + 1)) + (1 - mu(t)) * g / (1 - through_t)
        v_hat = v / (1 - b2**t)
        return w - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v)

    traj = run(NAdam(lr=lr), BOOK, START, STEPS)
    np.testing.assert_allclose(traj.points, reference_path(step, (np.zeros(2),) * 2), atol=1e-12)


def test_nadam_first_step_by_hand():
    """t = 1: m_hat = g (1 + 0.1 mu_2 / (1 - mu_1 mu_2)) and v_hat = g^2."""
    mu1 = 0.9 * (1 - 0.5 * 0.96**0.004)
    mu2 = 0.9 * (1 - 0.5 * 0.96**0.008)
    first = run(NAdam(lr=0.3), BOOK, START, 1).points[1]
    expected = 0.3 * (1 + 0.1 * mu2 / (1 - mu1 * mu2))  # ~0.3 * 1.0588 per coordinate
    np.testing.assert_allclose(np.abs(first - START), expected, rtol=1e-7)


def test_adadelta_is_zeilers_algorithm_1():
    """E[g^2] and E[dx^2] decay by rho; dx = -RMS[dx]_{t-1} / RMS[g]_t * g; RMS[y] = sqrt(E + eps)."""
    rho, eps = 0.95, 1e-6

    def step(t, x, g, state):
        e_g2, e_dx2 = state
        e_g2 = rho * e_g2 + (1 - rho) * g**2
        dx = -np.sqrt(e_dx2 + eps) / np.sqrt(e_g2 + eps) * g
        e_dx2 = rho * e_dx2 + (1 - rho) * dx**2
        return x + dx, (e_g2, e_dx2)

    traj = run(Adadelta(), BOOK, START, 200)
    expected = reference_path(step, (np.zeros(2),) * 2, steps=200)
    np.testing.assert_allclose(traj.points, expected, rtol=0, atol=1e-12)
    # first step: sqrt(eps) / sqrt((1 - rho) g^2 + eps) * g, about sqrt(eps / (1 - rho)) = 0.0045
    g = np.array([-0.7, 4.0])
    np.testing.assert_allclose(
        traj.points[1], START - math.sqrt(eps) * g / np.sqrt((1 - rho) * g * g + eps), rtol=1e-14
    )


def test_adadelta_learning_rate_is_torchs_factor_on_the_step():
    base = run(Adadelta(decay_rate=0.9), BOOK, START, 1).points
    scaled = run(Adadelta(lr=2.0, decay_rate=0.9), BOOK, START, 1).points
    np.testing.assert_allclose(scaled[1] - scaled[0], 2 * (base[1] - base[0]), rtol=1e-12)


def test_rmsprop_momentum_is_torch_rmsprop_with_momentum():
    """v = alpha v + (1 - alpha) g^2; b = mu b + g / (sqrt(v) + eps); theta -= lr b."""
    lr, alpha, mu, eps = 0.01, 0.99, 0.9, 1e-7

    def step(t, w, g, state):
        v, b = state
        v = alpha * v + (1 - alpha) * g * g
        b = mu * b + g / (np.sqrt(v) + eps)
        return w - lr * b, (v, b)

    traj = run(RMSPropMomentum(lr=lr, decay_rate=alpha, momentum=mu), BOOK, START, STEPS)
    np.testing.assert_allclose(traj.points, reference_path(step, (np.zeros(2),) * 2), atol=1e-12)
    np.testing.assert_allclose(traj.quantities["v"][1:], np.diff(traj.points, axis=0), atol=1e-12)


# Properties.

coords = st.floats(-9, 9, allow_nan=False)
points = st.tuples(coords, st.floats(-4.5, 4.5, allow_nan=False))
rules = st.sampled_from(["book", "pytorch"])


@settings(max_examples=50)
@given(start=points, lr=st.floats(1e-3, 1.0), rules=rules, corrected=st.booleans())
def test_adamw_without_decay_is_adam_bit_for_bit(start, lr, rules, corrected):
    kw = {"lr": lr, "rules": rules, "bias_correction": corrected}
    a = run(AdamW(weight_decay=0.0, **kw), BOOK, start, 30)
    b = run(Adam(**kw), BOOK, start, 30)
    np.testing.assert_array_equal(a.points, b.points)


@settings(max_examples=50)
@given(start=points, lr=st.floats(1e-3, 3.0), eps=st.floats(1e-12, 1e-2))
def test_adagrad_and_rmsprop_rules_differ_only_in_eps(start, lr, eps):
    for cls in (AdaGrad, RMSProp):
        book = run(cls(lr=lr, eps=eps), BOOK, start, 20)
        torch = run(cls(lr=lr, eps=eps, rules="pytorch"), BOOK, start, 20)
        np.testing.assert_array_equal(book.points, torch.points)
    assert AdaGrad(rules="pytorch").eps == 1e-10 and RMSProp(rules="pytorch").eps == 1e-8


@settings(max_examples=50)
@given(start=points, lr=st.floats(1e-3, 1.0), eps=st.floats(1e-12, 1e-2))
def test_adam_rules_agree_without_bias_correction(start, lr, eps):
    """Where eps goes relative to the correction is the only difference."""
    kw = {"lr": lr, "eps": eps, "bias_correction": False}
    book = run(Adam(**kw), BOOK, start, 20)
    torch = run(Adam(rules="pytorch", **kw), BOOK, start, 20)
    np.testing.assert_array_equal(book.points, torch.points)


@settings(max_examples=50)
@given(start=points, lr=st.floats(1e-3, 0.3), mu=st.floats(0.0, 0.95))
def test_momentum_rules_trace_the_same_path(start, lr, mu):
    """v = -lr b: the same path for a constant lr, up to rounding."""
    book = run(Momentum(lr=lr, momentum=mu), BOOK, start, 30)
    torch = run(Momentum(lr=lr, momentum=mu, rules="pytorch"), BOOK, start, 30)
    assert book.diverged_at == torch.diverged_at
    np.testing.assert_allclose(book.points, torch.points, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(book.quantities["v"], torch.quantities["v"], rtol=1e-9, atol=1e-9)


@settings(max_examples=50)
@given(start=points, lr=st.floats(1e-3, 0.1), rho=st.floats(0.5, 0.999))
def test_rmsprop_momentum_without_momentum_is_rmsprop(start, lr, rho):
    a = run(RMSPropMomentum(lr=lr, decay_rate=rho, momentum=0.0), BOOK, start, 30)
    b = run(RMSProp(lr=lr, decay_rate=rho), BOOK, start, 30)
    np.testing.assert_allclose(a.points, b.points, rtol=1e-12, atol=1e-12)


# Hyper-parameters that are choices or switches.


def test_labels_show_choices_and_switches_only_when_not_the_default():
    assert Adam(lr=0.3).label() == "Adam lr=0.3 beta1=0.9 beta2=0.999"
    assert (
        Adam(lr=0.3, rules="pytorch").label() == "Adam lr=0.3 beta1=0.9 beta2=0.999 rules=pytorch"
    )
    assert (
        Adam(lr=0.3, bias_correction=False).label()
        == "Adam lr=0.3 beta1=0.9 beta2=0.999 bias_correction=false"
    )
    # eps is shown only when it is not the default of the rules in force
    assert AdaGrad(lr=1.5, rules="pytorch").label() == "AdaGrad lr=1.5 rules=pytorch"
    assert AdaGrad(lr=1.5, eps=1e-7, rules="pytorch").label() == (
        "AdaGrad lr=1.5 eps=1e-07 rules=pytorch"
    )
    assert AdaGrad(lr=1.5, eps=1e-10).label() == "AdaGrad lr=1.5 eps=1e-10"
    assert AdamW(lr=0.3).label() == "AdamW lr=0.3 beta1=0.9 beta2=0.999 weight_decay=0.01"
    # NAdam's schedule constant, like eps, only when changed
    assert NAdam(lr=0.3).label() == "NAdam lr=0.3 beta1=0.9 beta2=0.999"
    assert (
        NAdam(momentum_decay=0.01).label()
        == "NAdam lr=0.002 beta1=0.9 beta2=0.999 momentum_decay=0.01"
    )


def test_specs_read_each_value_by_its_kind():
    name, values = parse_spec("adam:lr=0.3,rules=PyTorch,bias_correction=no")
    opt = make_optimizer(name, values)
    assert opt.hyperparameters() == {
        "lr": 0.3,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-8,
        "rules": "pytorch",
        "bias_correction": False,
    }
    # typed values too, as a figures file gives them
    assert make_optimizer("adam", {"bias_correction": False}).bias_correction is False
    # names and keys in any case or separators, and aliases
    opt = make_optimizer("RMSProp_Momentum", {"Learning-Rate": "0.2", "rho": "0.9"})
    assert isinstance(opt, RMSPropMomentum) and (opt.lr, opt.decay_rate) == (0.2, 0.9)
    assert make_optimizer("adamw", {"wd": "0"}).weight_decay == 0.0


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: Adam(rules="keras"), "adam: rules must be book or pytorch, got 'keras'"),
        (lambda: Adam(rules=1.0), "adam: rules must be book or pytorch, got 1.0"),
        (lambda: Adam(bias_correction="yes"), "bias_correction must be true or false"),
        (lambda: AdamW(weight_decay=-0.1), "weight_decay must be in [0, inf)"),
        (lambda: Adadelta(decay_rate=1.0), "decay_rate must be in [0, 1)"),
        (lambda: NAdam(eps=0.0), "eps must be in (0, inf)"),
    ],
)
def test_bad_values_of_every_kind_are_rejected(factory, message):
    with pytest.raises(OptirollError) as err:
        factory()
    assert message in str(err.value)


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("adam:rules=keras", "adam: rules must be book or pytorch, got 'keras'"),
        ("adam:rules=pytroch", "got 'pytroch'; did you mean 'pytorch'?"),
        ("adam:bias_correction=maybe", "adam: bias_correction must be true or false, got 'maybe'"),
        ("sgd:rules=pytorch", "sgd: unknown hyper-parameter 'rules'; it has lr"),
        ("adam:bias_corection=false", "did you mean 'bias_correction'?"),
        ("adamw:weight_decay=-1", "weight_decay must be in [0, inf)"),
        ("nadamm", "unknown optimizer 'nadamm'; did you mean 'nadam'?"),
    ],
)
def test_bad_choices_are_one_line_errors_with_exit_code_2(spec, message):
    result = invoke("trace", "-o", spec)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("optiroll: error: "), result.output
    assert message in lines[0]


def test_every_command_knows_the_new_optimizers_and_the_json_keeps_the_kinds():
    listed = invoke("list").output
    for name in ("adamw", "amsgrad", "nadam", "adadelta", "rmsprop-momentum"):
        assert f"  {name} " in listed
    assert "rules=book|pytorch, bias_correction=true|false" in listed
    specs = ["adamw", "amsgrad", "nadam", "adadelta", "rmsprop-momentum", "adam:rules=pytorch"]
    args = ["trace", "--json", "-n", "3"]
    for spec in [*specs, "adam:bias_correction=false"]:
        args += ["-o", spec]
    data = json.loads(invoke(*args).output)
    assert [r["optimizer"] for r in data["runs"]] == [*specs[:-1], "adam", "adam"]
    assert data["runs"][-2]["hyperparameters"]["rules"] == "pytorch"
    assert data["runs"][-1]["hyperparameters"]["bias_correction"] is False
    assert data["runs"][-1]["label"].endswith("bias_correction=false")
    for r in data["runs"]:
        assert len(r["points"]) == 4 and r["diverged_at"] is None
        rebuilt = make_optimizer(r["optimizer"], r["hyperparameters"])
        assert rebuilt.label() == r["label"]  # the side-car data rebuilds the same optimizer


@pytest.mark.parametrize("name", sorted(OPTIMIZER_CLASSES))
def test_every_optimizer_plays_in_the_terminal(name):
    result = invoke("play", "-o", name, "-n", "3")  # piped: the last frame as text
    assert result.exit_code == 0, result.output
    assert OPTIMIZER_CLASSES[name].display_name in result.output


def test_the_later_optimizers_render_with_their_labels(tmp_path):
    pytest.importorskip("manim")
    names = ["adamw", "amsgrad", "nadam", "adadelta", "rmsprop-momentum"]
    out = tmp_path / "race.png"
    args = [arg for name in names for arg in ("-o", name)]
    result = invoke("render", "race", *args, "-n", "3", "-q", "preview", "-O", str(out))
    assert result.exit_code == 0, result.output
    sidecar = json.loads((tmp_path / "race.png.json").read_text())
    assert [t["optimizer"] for t in sidecar["trajectories"]] == names
    assert [t["label"] for t in sidecar["trajectories"]] == [
        make_optimizer(name, {}).label() for name in names
    ]
    assert out.stat().st_size > 0
