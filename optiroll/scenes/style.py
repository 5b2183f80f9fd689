"""How a scene draws: its colour scheme, each run's colour, words, font and stroke, and the size
rules they share.

Built once per scene (`Style.for_scene`) and handed to every mobject, so a mobject takes one
`style=` instead of the theme, the words and the font one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..plan.layout import Box
from ..plan.palette import run_colors
from ..plan.settings import RenderSettings
from ..plan.theme import LIGHT, ColorScheme, theme
from ..plan.words import ENGLISH, LANGUAGES, Words
from .fonts import pick_font, pick_math_font

# Manim stroke widths are hundredths of a scene unit, so lines keep their look at every resolution.
STROKE = 2.5
BALL_SHARE = 0.022  # a ball's radius, as a share of its plot's short side
ARROW_STROKE = 1.4  # an arrow's shaft, in strokes: it must stand out from the trails


@dataclass(frozen=True)
class Style:
    scheme: ColorScheme = LIGHT
    words: Words = ENGLISH
    font: str = ""  # Pango's default sans
    math_font: str = ""  # for the mathematical characters of a label; "": the font above
    stroke: float = STROKE
    runs: tuple[str, ...] = ()  # each run's colour, in the experiment's order

    @classmethod
    def for_scene(cls, settings: RenderSettings, optimizers: Sequence[str] = ()) -> Style:
        """The render's theme and language, in a font installed here that has their glyphs, and
        the colour of each run of `optimizers` (their names, in order) on the theme's page."""
        words = LANGUAGES[settings.lang]
        scheme = theme(settings.theme)
        runs = tuple(run_colors(optimizers, scheme.background))
        return cls(
            scheme=scheme,
            words=words,
            font=pick_font(words),
            math_font=pick_math_font(),
            runs=runs,
        )

    def run_color(self, index: int) -> str:
        """The colour of run `index`: its optimizer's own (see `plan/palette.py`)."""
        return self.runs[index]

    @property
    def arrow_stroke(self) -> float:
        return self.stroke * ARROW_STROKE

    @staticmethod
    def ball_radius(box: Box, share: float = BALL_SHARE) -> float:
        """The radius of a ball drawn on a plot in `box` (scene units)."""
        return min(box.width, box.height) * share


DEFAULT_STYLE = Style()  # light, English, Pango's default font: what a mobject draws unless told
