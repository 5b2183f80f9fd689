"""Lines of words and mathematics (see `plan/notation.py`), set by Pango in one pass per block.

Every line is set with an anchor glyph in front (an H in the math font, in a colour nothing else
has): its bottom is the line's baseline, so lines are placed by their baselines, not by their ink,
and text that changes every step (a caption, a readout) never jitters. The anchors are removed
once read. Lines are flush left on their ink, `line_height` ems apart.

Mathematics is set in Latin Modern Math (LaTeX's own font, which a TeX installation brings) where
Pango has it, else in the style's math font; never in the Hangul font.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from manim import ManimColor, MarkupText, VGroup, config
from manimpango import MarkupUtils

from ..plan.lesson_layout import LINE_HEIGHT  # ems from baseline to baseline
from ..plan.notation import MathFonts, markup, words
from .fonts import installed
from .mobject_cache import cached
from .style import DEFAULT_STYLE, Style

LATEX_MATH_FONT = "Latin Modern Math"  # the OpenType Computer Modern: math as LaTeX sets it
RADICAL_FONTS = ("DejaVu Serif", "DejaVu Sans")  # a √ that sits on the baseline, bar-high
ANCHOR = "H"
ANCHOR_COLOR = "#010203"
LINES_FORMAT = 2  # bump when what `set_lines` stores changes
RADICAL_RISE = 1024  # Pango units: a tenth of an em at the 10 pt Manim's MarkupText sets
EM = 48 / 72  # scene units per em of a MarkupText at Manim's default size (48 pt at 72 per unit)


class UnwrappedMarkup(MarkupText):
    """Manim's MarkupText with Pango's own wrapping off (Manim wraps at about 50 ems): a line
    breaks only where the markup says."""

    def _text2hash(self, color) -> str:
        return "unwrapped-" + super()._text2hash(color)

    def _text2svg(self, color) -> str:
        from manim.mobject.text.text_mobject import START_X, START_Y, TEXT2SVG_ADJUSTMENT_FACTOR

        folder = config.get_dir("text_dir")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (self._text2hash(color) + ".svg")
        if not path.exists():
            MarkupUtils.text2svg(
                f'<span foreground="{ManimColor(color).to_hex()}">{self.text}</span>',
                self.font,
                self.slant,
                self.weight,
                self._font_size / TEXT2SVG_ADJUSTMENT_FACTOR,
                None,
                self.disable_ligatures,
                str(path.resolve()),
                START_X,
                START_Y,
                SURFACE,
                SURFACE,
                pango_width=-1,  # no width: no wrapping
            )
        return str(path.resolve())


SURFACE = 100_000  # the SVG surface's size, in points: glyphs outside it would be dropped


def math_fonts(style: Style) -> MathFonts:
    """The fonts a style sets words and mathematics in, as installed here."""
    if installed(LATEX_MATH_FONT):
        radical = next((f for f in RADICAL_FONTS if installed(f)), LATEX_MATH_FONT)
        return MathFonts(style.font, LATEX_MATH_FONT, radical, True, RADICAL_RISE)
    math = style.math_font or style.font
    return MathFonts(style.font, math, math, italic_letters=False)


def set_lines(lines: Sequence[str], color: str, font: str) -> list[VGroup]:
    """Each Pango markup line's glyphs, one em per scene unit, its baseline on y = 0 and its ink
    starting at x = 0 (an empty line: an empty group). `font` sets what no span sets (spaces)."""
    anchor = f'<span font_family="{LATEX_MATH_FONT}" foreground="{ANCHOR_COLOR}">{ANCHOR}</span>'

    def build() -> list[VGroup]:
        body = "\n".join(anchor + line for line in lines)
        text = UnwrappedMarkup(
            body, color=color, font=font, should_center=False, disable_ligatures=True
        )
        groups: list[VGroup] = []
        for glyph in text.submobjects:
            if glyph.get_fill_color().to_hex().upper() == ANCHOR_COLOR.upper():
                baseline = glyph.get_bottom()[1]
                groups.append(VGroup())
                groups[-1].baseline = baseline
            else:
                groups[-1].add(glyph)
        for glyph in text.submobjects:
            # The parsed SVG path each glyph keeps: thousands of small objects, which every copy
            # an animation makes would copy again. The points are all a glyph needs once drawn.
            glyph.path_obj = None
        for group in groups:
            left = group.get_left()[0] if group.submobjects else 0.0
            group.shift([-left, -group.baseline, 0]).scale(1 / EM, about_point=np.zeros(3))
            del group.baseline
        return groups

    if len(lines) == 0:
        return []
    return cached("lines", [LINES_FORMAT, list(lines), color, font], build)


class TextBlock(VGroup):
    """Lines of lesson strings, flush left, `em` scene units to the em and `line_height` ems
    from baseline to baseline; `origin` is the left end of the first baseline."""

    def __init__(
        self,
        lines: Sequence[str],
        *,
        em: float,
        style: Style = DEFAULT_STYLE,
        color: str | None = None,
        colors: Mapping[str, str] | None = None,
        line_height: float = LINE_HEIGHT,
        **kwargs,
    ):
        """In `color` (the scheme's text colour by default), each symbol named in `colors`
        (e.g. {'h': bar colour}) in its own."""
        super().__init__(**kwargs)
        ink = style.scheme.text if color is None else color
        fonts = math_fonts(style)
        marked = [markup(line, fonts, colors or {}, ink) for line in lines]
        self.markup = marked  # what Pango set, fonts named: tests read which font set what
        self.em, self.line_height = em, line_height
        self.lines = set_lines(marked, ink, fonts.words)
        for i, line in enumerate(self.lines):
            line.scale(em, about_point=np.zeros(3)).shift([0, -i * line_height * em, 0])
            self.add(line)
        self.origin = np.zeros(3)

    @property
    def ink_width(self) -> float:
        return max((line.width for line in self.lines if line.submobjects), default=0.0)

    def place(self, left: float, baseline: float) -> TextBlock:
        """Move the block so its origin is at (left, baseline)."""
        self.shift([left - self.origin[0], baseline - self.origin[1], 0])
        self.origin = np.array([left, baseline, 0.0])
        return self

    def fit_width(self, width: float) -> TextBlock:
        """Shrink the block about its origin until its widest line fits `width`."""
        if self.ink_width > width > 0:
            factor = width / self.ink_width
            self.scale(factor, about_point=self.origin)
            self.em *= factor
        return self


def wrap(text: str, width: float, *, em: float, style: Style = DEFAULT_STYLE) -> list[str]:
    """`text` cut into lines no wider than `width` (scene units) at `em`, breaking only at spaces
    (Korean too, between words), from the measured width of each piece."""
    pieces = words(text)
    if not pieces:
        return []
    fonts = math_fonts(style)
    marked = [markup(p, fonts, {}, "#000000") for p in [*pieces, "H", "H H"]]
    measured = [g.width * em for g in set_lines(marked, "#000000", fonts.words)]
    space = measured[-1] - 2 * measured[-2]
    lines: list[list[int]] = [[]]
    used = 0.0
    for i, piece_width in enumerate(measured[: len(pieces)]):
        wider = used + (space if lines[-1] else 0.0) + piece_width
        if lines[-1] and wider > width:
            lines.append([i])
            used = piece_width
        else:
            lines[-1].append(i)
            used = wider
    return [" ".join(pieces[i] for i in line) for line in lines]


def paragraph(
    text: str, *, width: float, em: float, style: Style = DEFAULT_STYLE, **kwargs
) -> TextBlock:
    """`text` wrapped to `width` and set as a TextBlock (flush left, LINE_HEIGHT apart)."""
    return TextBlock(wrap(text, width, em=em, style=style), em=em, style=style, **kwargs)


def top_left(block: TextBlock, left: float, top: float) -> TextBlock:
    """Place `block` so its first line's ascenders (about 0.8 em) reach `top`, flush left."""
    return block.place(left, top - 0.8 * block.em)
