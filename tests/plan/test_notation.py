"""Mathematics in running text: the notation read back as symbols, set as Pango markup with every
mathematical glyph in the math font, and the rules' two notations naming the same symbols."""

import pytest

from optiroll.optim.registry import OPTIMIZERS
from optiroll.plan.notation import (
    GRADIENT,
    MathFonts,
    from_unicode,
    label_notation,
    markup,
    symbols,
    tex_pieces,
    tex_symbols,
    words,
)
from optiroll.plan.typography import is_math

FONTS = MathFonts("NanumGothic", "Latin Modern Math", "DejaVu Serif")


def test_symbols_name_variables_not_axes_numbers_or_words():
    text = "$h_y = 16.0$ 이므로 $y$ 방향 갱신량은 $−η·∂L/∂y/√h_y = −1.50·4.00/√16.0 = −1.50$"
    assert symbols(text) == {"h", "η", GRADIENT}
    assert symbols("$β_1^t$, $m̂$ and $max(v̂, v)$") == {"β₁", "t", "m̂", "v̂", "v"}
    assert symbols("the $y$-step, then Adam: $W$") == {"W"}


def test_unicode_scripts_become_the_notations():
    assert from_unicode("W ← W − η·√(1-β₂ᵗ)/(1-β₁ᵗ)·m/√v") == (
        "$W ← W − η·√(1−β_2^t)/(1−β_1^t)·m/√v$"
    )
    assert from_unicode("μₜ₊₁m̂") == "$μ_{t+1}m̂$"


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: o.name)
def test_each_statement_names_the_same_symbols_in_unicode_and_latex(optimizer):
    for statement in optimizer().rule().statements:
        assert symbols(from_unicode(statement.text)) == tex_symbols(statement.tex), statement.text


def test_latex_is_cut_around_symbols_with_their_scripts_and_joins_back():
    tex = r"v \leftarrow \beta_2 v + (1-\beta_2) g^2 + \frac{\partial L}{\partial W} \hat{v}"
    pieces = tex_pieces(tex)
    assert "".join(p for p, _ in pieces) == tex
    named = {name: piece for piece, name in pieces if name}
    assert named["g"] == "g^2" and named[GRADIENT] == r"\frac{\partial L}{\partial W}"
    assert named["β₂"] == r"\beta_2" and named["v̂"] == r"\hat{v}"
    assert all(name is None for piece, name in pieces if piece == r"\leftarrow")


def test_markup_sets_every_math_glyph_in_the_math_font_and_colours_symbols():
    text = "$h_y = 16.0$ 이므로 $−η·∂L/∂y/√h_y$"
    out = markup(text, FONTS, {"h": "#0072B2", GRADIENT: "#D55E00"}, "#1A1A1A")
    # The Hangul sits in a span of the words' font, and nothing mathematical does.
    for span in out.split('<span font_family="NanumGothic">')[1:]:
        words_text = span.split("</span>")[0]
        assert words_text.strip() == "이므로" and not any(is_math(c) for c in words_text)
    assert out.count('font_family="Latin Modern Math"') == 2
    assert "𝜂" in out and "ℎ" in out and "𝜕𝐿/𝜕𝑦" in out  # mathematical italics, ∂L/∂y drawn
    assert '<span foreground="#0072B2">ℎ</span>' in out
    assert 'baseline_shift="subscript"' in out  # h_y: a real subscript
    assert 'overline="single"' in out and 'font_family="DejaVu Serif"' in out  # √ with its bar


def test_markup_escapes_words_and_slants_letters_without_math_italics():
    plain = MathFonts("DejaVu Sans", "DejaVu Sans", "DejaVu Sans", italic_letters=False)
    out = markup("a < b & $v_y$", plain, {}, "#000")
    assert "&lt;" in out and "&amp;" in out
    assert '<span style="italic">v</span>' in out


def test_words_break_at_spaces_inside_and_outside_mathematics():
    assert words("$h_y = 16.0$, so the $y$-step is $−1.50$") == [
        "$h_y$",
        "$=$",
        "$16.0$,",
        "so",
        "the",
        "$y$-step",
        "is",
        "$−1.50$",
    ]


def test_a_label_sets_symbol_values_as_mathematics():
    assert label_notation("Adam η=0.3 β₁=0.9 규칙=pytorch") == (
        "Adam $η=0.3$ $β_1=0.9$ 규칙=pytorch"
    )
