"""Mathematical clusters: what a label sets in the math font, whole clusters with their marks."""

from optiroll.plan.typography import clusters, is_math, math_clusters


def test_greek_operators_arrows_and_scripts_are_math_hangul_and_ascii_are_not():
    assert all(is_math(c) for c in "ηαβε∂√⊙←−₁¹ᵗ·")
    assert not any(is_math(c) for c in "모멘텀 lr=0.1 (x, y)")


def test_a_combining_hat_stays_with_its_letter():
    assert clusters("m̂ = v̂") == ["m̂", " ", "=", " ", "v̂"]
    assert math_clusters("모멘텀 η=0.1 m̂_y ∂L/∂W η") == ["η", "m̂", "∂"]
