"""Update rules as data: each statement written once in both notations, the strings derived."""

import pytest

from optiroll.optim.registry import OPTIMIZERS, make_optimizer
from optiroll.optim.rule import BIAS_CORRECTION, Part, Rule, Statement


def assigned(statement: Statement) -> tuple[str, str]:
    """The variable a statement assigns, in Unicode and in LaTeX ('then Adam: ' left out)."""
    text = statement.text.split("←")[0].split(":")[-1].strip()
    tex = statement.tex.split(r"\leftarrow")[0].strip()
    return text, tex


TEX_NAMES = {"v̂": r"\hat{v}", "Δ": r"\Delta"}  # the others are one Latin letter in both


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: o.name)
def test_every_statement_assigns_one_variable_in_both_notations(optimizer):
    statements = optimizer.update_rule.statements
    assert statements
    for s in statements:
        assert s.text.count("←") == 1 and s.tex.count(r"\leftarrow") == 1
        assert "<-" not in s.text and "<-" not in s.tex
        text, tex = assigned(s)
        assert TEX_NAMES.get(text, text) == tex
    assert ("W", "W") in map(assigned, statements)  # one moves W (Nesterov's before v)


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: o.name)
def test_formula_and_latex_are_derived_from_the_statements(optimizer):
    statements = optimizer.update_rule.statements
    assert optimizer.formula.split(";  ") == [s.typed for s in statements]
    assert [t.strip() for t in optimizer.latex.split(r"\qquad")] == [s.tex for s in statements]
    assert "←" not in optimizer.formula and "−" not in optimizer.formula


def test_formula_writes_the_arrow_and_the_minus_as_typed():
    by_name = {o.name: o for o in OPTIMIZERS}
    assert by_name["momentum"].formula == "v <- αv - η·∂L/∂W;  W <- W + v"
    assert by_name["adamw"].formula == (
        "W <- W - ηλW;  then Adam: W <- W - η·√(1-β₂ᵗ)/(1-β₁ᵗ)·m/√v"
    )


def test_without_leaves_out_only_the_tagged_parts():
    statement = Statement((Part("a ", "A "), Part("b ", "B ", tag="x"), Part("c", "C")))
    rule = Rule((statement, Statement.of("d", "D")))
    assert rule.without("x").formula == "a c;  d"
    assert rule.without("x").latex == r"A C \qquad D"
    assert rule.without("y") == rule


@pytest.mark.parametrize("name", ["adam", "adamw", "amsgrad"])
def test_bias_correction_false_drops_exactly_the_tagged_part(name):
    corrected = make_optimizer(name, {}).rule()
    plain = make_optimizer(name, {"bias_correction": "false"}).rule()
    assert corrected == make_optimizer(name, {}).update_rule
    assert len(plain.statements) == len(corrected.statements)
    for with_it, without in zip(corrected.statements, plain.statements, strict=True):
        kept = tuple(p for p in with_it.parts if p.tag != BIAS_CORRECTION)
        assert without.parts == kept
    tagged = [p for s in corrected.statements for p in s.parts if p.tag == BIAS_CORRECTION]
    assert len(tagged) == 1 and "1-β₁ᵗ" in tagged[0].text and r"1-\beta_1^t" in tagged[0].tex
    assert "β₁ᵗ" not in plain.formula and r"\beta_1^t" not in plain.latex


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: o.name)
def test_only_an_optimizer_that_can_drop_the_correction_tags_one(optimizer):
    tags = {p.tag for s in optimizer.update_rule.statements for p in s.parts}
    if "bias_correction" in optimizer.parameter_docs():
        assert BIAS_CORRECTION in tags
    else:
        assert tags == {None}
        assert optimizer().rule() == optimizer.update_rule
