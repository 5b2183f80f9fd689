"""Lines of words and mathematics: placed by their baselines, paragraphs wrapped at spaces to a
measured width, figures of one width."""

import numpy as np
import pytest

pytest.importorskip("manim")

from optiroll.plan.lesson_layout import LINE_HEIGHT  # noqa: E402
from optiroll.plan.words import KOREAN  # noqa: E402
from optiroll.scenes.math_text import TextBlock, paragraph, wrap  # noqa: E402
from optiroll.scenes.style import Style  # noqa: E402

KO = Style(words=KOREAN, font="NanumGothic", math_font="DejaVu Sans")


def test_lines_sit_on_baselines_line_height_ems_apart_whatever_their_fonts():
    # Each line starts with the same H, whatever follows it: its bottom marks the line's baseline.
    block = TextBlock(["H $x$", "H 가나다", "H $∂L/∂W$"], em=0.5, style=KO).place(1.0, 2.0)
    bottoms = np.array([line[0].get_bottom()[1] for line in block.lines])
    assert np.diff(bottoms) == pytest.approx([-LINE_HEIGHT * 0.5] * 2, abs=1e-6)
    assert bottoms[0] == pytest.approx(2.0, abs=0.05 * 0.5)  # on the origin's baseline
    lefts = [line.get_left()[0] for line in block.lines]
    assert lefts == pytest.approx([1.0] * 3, abs=1e-9)  # flush left on the ink


def test_figures_have_one_width():
    # The distance from an H before a digit to the H after it is the digit's advance.
    advances = []
    for digit in "0123456789":
        (line,) = TextBlock([f"$H{digit}H$"], em=1.0, style=KO).lines
        advances.append(line[-1].get_left()[0] - line[0].get_left()[0])
    assert max(advances) - min(advances) < 1e-3


def test_a_korean_paragraph_wraps_at_spaces_inside_its_width():
    text = KOREAN.lesson.surface_why
    lines = wrap(text, 5.0, em=0.3, style=KO)
    assert len(lines) > 1 and " ".join(lines) == text  # cut only at spaces, nothing lost
    block = paragraph(text, width=5.0, em=0.3, style=KO)
    assert len(block.lines) == len(lines) and block.ink_width <= 5.0 + 0.02
    # Greedy: no line but the last could have taken the next line's first word.
    for line, following in zip(lines, lines[1:], strict=False):
        longer = TextBlock([f"{line} {following.split(' ')[0]}"], em=0.3, style=KO)
        assert longer.ink_width > 5.0
