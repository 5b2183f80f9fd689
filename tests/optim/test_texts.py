"""What users read of the math: `optiroll list`'s help texts, the update rules' LaTeX and the
rotated surface's description and formula say what they must, in words and symbols that read."""

import math
import re

import numpy as np
import pytest

from optiroll.optim.registry import OPTIMIZERS
from optiroll.optim.surfaces import rotated

DISPLAY_NAMES = {cls.display_name for cls in OPTIMIZERS}
PROPER_NAMES = DISPLAY_NAMES | {"PyTorch"}  # the library whose conventions rules=pytorch follows
DOCS = {
    (cls.name, name): doc.doc for cls in OPTIMIZERS for name, doc in cls.parameter_docs().items()
}


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z_]+(?:'[a-z]+)?", text)


def proper_words(text: str) -> list[str]:
    """The words of `text` that are not all lowercase."""
    return [w for w in words(text) if w != w.lower()]


@pytest.mark.parametrize(("key", "doc"), sorted(DOCS.items()))
def test_each_help_text_is_lowercase_words_with_names_spelled_as_their_owners_do(key, doc):
    """A help text is a phrase in lowercase (hyper-parameters are named by their Greek letter's
    name); only the names of optimizers and of PyTorch keep their capitals, spelled exactly."""
    assert doc[0].islower(), doc
    for word in proper_words(doc):
        assert word.split("'")[0] in PROPER_NAMES, (key, word)


@pytest.mark.parametrize("cls", [c for c in OPTIMIZERS if "lr" in c.parameter_docs()])
def test_the_learning_rate_says_it_is_the_books_eta(cls):
    doc = cls.parameter_docs()["lr"].doc
    assert re.match(r"learning rate eta\b", doc), doc


def test_the_books_eps_says_why_it_is_there():
    """The book's AdaGrad adds 1e-7 to the root so that the first step (h = 0 where the gradient
    is 0) does not divide by zero."""
    adagrad = next(c for c in OPTIMIZERS if c.name == "adagrad").parameter_docs()["eps"]
    assert adagrad.default == 1e-7
    assert re.search(r"\broot\b", adagrad.doc) and re.search(r"\bdivides by zero$", adagrad.doc)


def test_the_rules_name_both_conventions():
    rules = {doc for (_, name), doc in DOCS.items() if name == "rules"}
    assert rules and all(
        re.search(r"\bbook's\b", d) and re.search(r"\bPyTorch's\b", d) for d in rules
    )


@pytest.mark.parametrize("cls", OPTIMIZERS, ids=lambda c: c.name)
def test_every_rules_latex_is_symbols_and_commands(cls):
    """In math mode letters side by side are a product of variables: every name longer than one
    letter must be a command (\\eta, \\frac, \\sqrt), so no two letters may stand together once
    the commands are taken out."""
    tex = cls.update_rule.latex
    assert not re.search(r"[A-Za-z]{2}", re.sub(r"\\[A-Za-z]+", " ", tex)), tex


def test_adams_bias_correction_is_a_fraction_of_the_root_of_one_minus_beta2_t():
    """Adam's LaTeX holds the factor √(1-β₂ᵗ)/(1-β₁ᵗ) its text names, and nothing else between
    the learning rate and m/√v."""
    adam = next(c for c in OPTIMIZERS if c.name == "adam")
    move = adam.update_rule.latex.split(r"\qquad")[-1]
    between = re.search(r"\\eta(.*)\\frac\{m\}", move).group(1)
    assert between.split() == [r"\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}"]


@pytest.mark.parametrize("angle", [45.0, 30.0, -12.5])
def test_the_rotated_surface_says_its_angle_and_names_optimizers_as_they_are_named(angle):
    surface = rotated(angle)
    assert f"turned {angle:g} degrees" in surface.description
    named = {
        w for w in words(surface.description) if w.lower() in {n.lower() for n in DISPLAY_NAMES}
    }
    assert named == {"SGD", "Momentum", "AdaGrad", "Adam"}
    for word in proper_words(surface.description):
        assert word in DISPLAY_NAMES, word


def latex_to_python(tex: str) -> str:
    """Just enough of LaTeX to read the rotated surface's formula as Python."""
    for pattern, replacement in [
        (r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))"),
        (r"\\(cos|sin) (-?[\d.]+)\^\\circ", r"math.\1(math.radians(\2))"),
        (r"\^(\d)", r"**\1"),
    ]:
        tex = re.sub(pattern, replacement, tex)
    return re.sub(r"(\)|\d|[uvxy]) ([a-z(])", r"\1*\2", tex)


@pytest.mark.parametrize("angle", [45.0, 30.0, -12.5])
def test_the_rotated_surfaces_latex_computes_its_values(angle):
    """f, u and v read from the LaTeX give the surface's own values."""
    surface = rotated(angle)
    f_part, u_part, v_part = (latex_to_python(part) for part in surface.latex.split(r",\ "))
    rng = np.random.default_rng(0)
    for x, y in rng.uniform(-5, 5, (5, 2)):
        names = {"math": math, "x": x, "y": y}
        names["u"] = eval(u_part.split("=")[1], names)
        names["v"] = eval(v_part.split("=")[1], names)
        value = eval(f_part.split("=")[1], names)
        assert value == pytest.approx(float(surface.value(np.array([x, y]))), rel=1e-12)
