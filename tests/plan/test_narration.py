"""The narration's statements: the rule's own, read in order, as the equations draw them."""

from optiroll.optim.registry import make_optimizer
from optiroll.plan.narration import statements


def test_statements_are_the_rules_in_order_with_arrow_and_minus_sign():
    latex, plain = statements(make_optimizer("momentum", {}))
    assert latex == [
        r"v \leftarrow \alpha v - \eta \frac{\partial L}{\partial W}",
        r"W \leftarrow W + v",
    ]
    assert plain == ["v ← αv − η·∂L/∂W", "W ← W + v"]


def test_statements_follow_the_hyperparameters():
    _, plain = statements(make_optimizer("adam", {"bias_correction": "false"}))
    assert plain[-1] == "W ← W − η·m/√v"
    _, plain = statements(make_optimizer("nadam", {}))
    assert plain[-1] == "W ← W − η·(μₜ₊₁m̂ + (1-μₜ)ĝ)/√v̂  (μₜ = β₁(1 − ½·0.96^(tψ)))"
