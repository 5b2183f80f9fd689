"""A formula's size from its LaTeX, without TeX: scripts and fractions count at script size,
operators with their spaces, and nothing a surface's LaTeX holds breaks the estimate."""

import pytest

from optiroll.optim.experiment import build_experiment
from optiroll.optim.presets import PRESETS
from optiroll.plan.tex_width import ems, height, pieces, width


def test_a_digit_a_letter_and_an_operator_with_its_spaces():
    assert ems("1") < ems("x") < ems("+") and ems("1 + 2") == pytest.approx(2 * ems("1") + ems("+"))


def test_scripts_and_fractions_count_at_script_size():
    assert ems("x^2") < ems("x2") and ems("x^{22}") < ems("x22")
    # A fraction is as wide as its wider part, at script size, not both side by side.
    assert ems(r"\frac{1}{20}") < ems("20") < ems("1/20")
    assert ems(r"\frac{x^{2}}{20}") == pytest.approx(ems(r"\frac{20}{x^{2}}"))


def test_spaces_in_the_source_count_for_nothing_and_spacing_commands_for_their_width():
    assert ems("x  +   y") == ems("x+y")
    assert ems(r"x,\ y") > ems("x,y") > ems("xy")


def test_fractions_roots_and_scripts_of_scripts_are_taller():
    plain = height("x^2 + y^2", 1.0)
    assert height(r"\frac{1}{2} x", 1.0) > height(r"\sqrt{x}", 1.0) > plain
    assert height("e^{-(x - 1)^2}", 1.0) > plain
    assert height("x^2", 0.5) == pytest.approx(plain / 2)


@pytest.mark.parametrize("latex", ["x^", r"\frac{1}", "}x{", r"\unknown{x}", "", r"\left(x\right)"])
def test_unfinished_or_unknown_latex_still_measures(latex):
    assert ems(latex) >= 0


def test_width_scales_with_the_digits_height():
    latex = build_experiment("beale", (), None, None, None, None).surface.latex
    assert width(latex, 0.36) == pytest.approx(2 * width(latex, 0.18))
    assert all(
        width(build_experiment(p, (), None, None, None, None).surface.latex, 0.18) > 0
        for p in PRESETS
    )


@pytest.mark.parametrize(
    ("latex", "cut"),
    [
        ("f(x, y) = (1 - x)^2 + 100 (y - x^2)^2", ["f(x, y) = (1 - x)^2 ", "+ 100 (y - x^2)^2"]),
        ("f = - x + y", ["f = - x ", "+ y"]),
        (r"u = x,\ v = y", [r"u = x,\ ", "v = y"]),
        (
            r"\left(x - 1\right)^{2} e^{- x - y} - 2",
            [r"\left(x - 1\right)^{2} e^{- x - y} ", "- 2"],
        ),
        (r"\frac{1}{1 + x} - 1", [r"\frac{1}{1 + x} ", "- 1"]),
    ],
)
def test_lines_break_before_a_term_or_after_a_clause_never_inside_brackets(latex, cut):
    assert pieces(latex) == cut


def test_every_presets_formula_comes_back_whole_from_its_pieces():
    for preset in PRESETS:
        latex = build_experiment(preset, (), None, None, None, None).surface.latex
        assert "".join(pieces(latex)) == latex
