"""Update rules on screen: LaTeX (`MathTex`) when a TeX is installed, plain Unicode text otherwise.

The template needs only `texlive-latex-base` and `dvisvgm` (Debian): Manim's default uses the
`standalone` class, which that package does not have. Without TeX, or when it fails, the same rule
is drawn with `Text` in Unicode math and one notice says so: a render never fails for want of TeX.
"""

from __future__ import annotations

import shutil
import sys
from functools import cache

from manim import (
    DOWN,
    LEFT,
    WHITE,
    YELLOW,
    MathTex,
    Mobject,
    SurroundingRectangle,
    TexTemplate,
    VGroup,
)

from ..optim.base import Optimizer
from ..plan.narration import statements
from .mobject_cache import cached
from .mobject_cache import text as cached_text

NOTICE = (
    "optiroll: note: LaTeX or dvisvgm not found or failing; equations are drawn as plain text "
    "(on Debian/Ubuntu: sudo apt-get install texlive-latex-base dvisvgm)"
)


@cache
def minimal_template() -> TexTemplate:
    """A TeX template that `texlive-latex-base` can compile: article class, AMS math only."""
    return TexTemplate(
        documentclass=r"\documentclass{article}\pagestyle{empty}",
        preamble=r"\usepackage{amsmath}\usepackage{amssymb}",
    )


def tex_available() -> bool:
    """Whether `latex` and `dvisvgm` are on the PATH."""
    return shutil.which("latex") is not None and shutil.which("dvisvgm") is not None


_noticed: list[bool] = []


def notice_plain_text() -> None:
    """Say once per process that equations fall back to plain text."""
    if not _noticed:
        _noticed.append(True)
        print(NOTICE, file=sys.stderr)


def math_line(latex: str, plain: str, color: str, font: str = "") -> Mobject:
    """One formula: MathTex if TeX works here, else `plain` as Text (after a one-line notice)."""
    if tex_available():
        template = minimal_template()
        key = [latex, color, template.documentclass, template.preamble]
        try:
            # Kept on disk: LaTeX and dvisvgm take a second or more per formula.
            return cached(
                "mathtex", key, lambda: MathTex(latex, tex_template=template, color=color)
            )
        except (OSError, RuntimeError, ValueError):
            pass  # a broken TeX install: fall back like a missing one
    notice_plain_text()
    return cached_text(plain, font, color)


FRAME_BUFF = 0.08  # between a lit statement and its frame


class EquationPanel(VGroup):
    """An optimizer's rule, one statement per row; `light(i)` highlights the statement applied."""

    def __init__(
        self,
        optimizer: Optimizer,
        *,
        row_height: float,
        max_width: float = float("inf"),
        max_height: float = float("inf"),
        color: str = WHITE,
        accent: str = YELLOW,
        font: str = "",
        **kwargs,
    ):
        """Rows `row_height` tall (shrunk to fit `max_width` and `max_height`), in `color`; the lit
        one in `accent`. `font` draws them when there is no TeX."""
        super().__init__(**kwargs)
        self.color, self.accent = color, accent
        latex, plain = statements(optimizer)
        self.rows = VGroup(
            *(math_line(t, p, color, font) for t, p in zip(latex, plain, strict=True))
        )
        # One scale for every row, set by the tallest (a fraction), so the symbols match in size.
        self.rows.scale(row_height / max(max(row.height for row in self.rows), 1e-6))
        self.rows.arrange(DOWN, aligned_edge=LEFT, buff=row_height * 0.45)
        if self.rows.width > max_width:
            self.rows.scale_to_fit_width(max_width)
        if self.rows.height > max_height - 2 * FRAME_BUFF:  # four statements (AMSGrad, Adadelta)
            self.rows.scale_to_fit_height(max_height - 2 * FRAME_BUFF)
        # One frame, moved onto the lit row: its stroke is the only thing that changes colour.
        self.frame = SurroundingRectangle(
            self.rows[0], color=accent, buff=FRAME_BUFF, corner_radius=0.06, stroke_width=2.5
        )
        self.add(self.frame, self.rows)
        self.lit = -1
        self.light(0)

    def light(self, index: int) -> None:
        """Colour statement `index` with the accent and frame it; the others in the text colour."""
        if index == self.lit:
            return
        self.lit = index
        for i, row in enumerate(self.rows):
            row.set_color(self.accent if i == index else self.color)
        target = SurroundingRectangle(self.rows[index], buff=FRAME_BUFF, corner_radius=0.06)
        self.frame.become(target).set_stroke(self.accent, width=2.5).set_fill(opacity=0)
