"""Update rules on screen: LaTeX (`MathTex`) when a TeX is installed, else set by Pango in a math
font; each symbol in the colour of what draws it, the statement being applied on a band of "now".

The template needs only `texlive-latex-base` and `dvisvgm` (Debian): Manim's default uses the
`standalone` class, which that package does not have. Without TeX, or when it fails, the same rule
is set from its Unicode in the math font (see `math_text.py`) and one notice says so: a render
never fails for want of TeX, and never sets mathematics in the Hangul font.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from dataclasses import replace
from functools import cache, lru_cache

import numpy as np
from manim import (
    DOWN,
    LEFT,
    WHITE,
    MathTex,
    Mobject,
    RoundedRectangle,
    TexTemplate,
    VGroup,
    VMobject,
)

from ..optim.base import Optimizer
from ..plan.narration import statements
from ..plan.notation import from_unicode, tex_pieces
from .fonts import pick_math_font
from .math_text import TextBlock
from .mobject_cache import cached
from .style import DEFAULT_STYLE, Style

NOTICE = (
    "optiroll: note: LaTeX or dvisvgm not found or failing; equations are set in a math font "
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
    """Say once per process that equations are not typeset by LaTeX."""
    if not _noticed:
        _noticed.append(True)
        print(NOTICE, file=sys.stderr)


def colored_parts(latex: str, colors: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """`latex` cut where a symbol named in `colors` starts and ends, each part with its colour."""
    parts: list[tuple[str, str | None]] = []
    for piece, name in tex_pieces(latex):
        color = colors.get(name) if name is not None else None
        if parts and color is None and parts[-1][1] is None:
            parts[-1] = (parts[-1][0] + piece, None)
        else:
            parts.append((piece, color))
    # Manim reads "{{" at the start of a part as its own grouping: keep braces apart.
    return [(text.replace("{{", "{ {"), color) for text, color in parts]


def math_line(
    latex: str,
    plain: str,
    color: str,
    font: str = "",
    *,
    style: Style | None = None,
    colors: Mapping[str, str] | None = None,
) -> Mobject:
    """One formula: MathTex if TeX works here, else `plain` (Unicode) set in the math font, after
    a one-line notice. Each symbol named in `colors` ('h', '∂L/∂W', ...) takes its colour. `style`
    (or, without one, `font`) gives the fonts for the fallback."""
    colors = colors or {}
    if tex_available():
        template = minimal_template()
        parts = colored_parts(latex, colors)
        key = [2, parts, color, template.documentclass, template.preamble]

        def build() -> MathTex:
            tex = MathTex(*(p for p, _ in parts), tex_template=template, color=color)
            for part, (_, part_color) in zip(tex, parts, strict=True):
                if part_color is not None:
                    part.set_color(part_color)
            for glyph in tex.family_members_with_points():
                glyph.path_obj = None  # the parsed SVG: only slows every copy (see math_text.py)
            return tex

        try:
            # Kept on disk: LaTeX and dvisvgm take a second or more per formula.
            return cached("mathtex", key, build)
        except (OSError, RuntimeError, ValueError):
            pass  # a broken TeX install: fall back like a missing one
    notice_plain_text()
    if style is None:
        style = replace(DEFAULT_STYLE, font=font, math_font=pick_math_font())
    return TextBlock([from_unicode(plain)], em=1.0, style=style, color=color, colors=colors)


@lru_cache(maxsize=64)
def band_shape(width: float, height: float) -> np.ndarray:
    """A band's points, centred: a board lights its few bands hundreds of times, and building a
    RoundedRectangle (arcs and all) took most of the time between two beats."""
    shape = RoundedRectangle(corner_radius=0.06, width=width, height=height).points
    shape.flags.writeable = False
    return shape


BAND_BUFF = 0.08  # between a lit statement and the edge of its band
ROW_GAP = 0.35  # between statements, in rows: room for the band and a little more


class EquationPanel(VGroup):
    """An optimizer's rule, one statement per row; `light(i)` puts the band of "now" behind the
    statement applied. The rows keep their colours: each symbol the colour of what draws it."""

    def __init__(
        self,
        optimizer: Optimizer,
        *,
        row_height: float,
        max_width: float = float("inf"),
        max_height: float = float("inf"),
        color: str = WHITE,
        colors: Mapping[str, str] | None = None,
        now: str = "#9C920C",
        now_fill: str = "#FAF7C6",
        style: Style = DEFAULT_STYLE,
        **kwargs,
    ):
        """Rows `row_height` tall (shrunk to fit `max_width` and `max_height`), in `color`, the
        symbols named in `colors` in theirs; the band in `now_fill` edged with `now`. `style`
        sets the rule when there is no TeX."""
        super().__init__(**kwargs)
        latex, plain = statements(optimizer)
        self.rows = VGroup(
            *(
                math_line(t, p, color, style=style, colors=colors)
                for t, p in zip(latex, plain, strict=True)
            )
        )
        # One scale for every row, set by the tallest (a fraction), so the symbols match in size.
        self.rows.scale(row_height / max(max(row.height for row in self.rows), 1e-6))
        self.rows.arrange(DOWN, aligned_edge=LEFT, buff=row_height * ROW_GAP)
        if self.rows.width > max_width - 2 * BAND_BUFF:
            self.rows.scale_to_fit_width(max_width - 2 * BAND_BUFF)
        if self.rows.height > max_height - 2 * BAND_BUFF:  # four statements (AMSGrad, Adadelta)
            self.rows.scale_to_fit_height(max_height - 2 * BAND_BUFF)
        self.now, self.now_fill = now, now_fill
        self.band = RoundedRectangle(corner_radius=0.06)
        self.add(self.band, self.rows)
        self.lit = -1
        self.light(0)

    def band_behind(self, index: int) -> VMobject:
        """The band's shape behind statement `index`, as wide as the widest statement."""
        row = self.rows[index]
        width = self.rows.width + 2 * BAND_BUFF
        height = row.height + 2 * BAND_BUFF
        band = VMobject().set_points(band_shape(width, height).copy())
        return band.move_to([self.rows.get_left()[0] - BAND_BUFF, row.get_center()[1], 0], LEFT)

    def light(self, index: int) -> None:
        """Put the band behind statement `index`: the same mobject, new points."""
        if index == self.lit:
            return
        self.lit = index
        self.band.set_points(self.band_behind(index).points)
        self.band.set_fill(self.now_fill, opacity=1).set_stroke(self.now, width=2.0)

    def unlit(self) -> None:
        """No statement applied yet (a card introducing the rule): no band."""
        self.band.set_fill(opacity=0).set_stroke(opacity=0)
        self.lit = -1
