"""A legend: one coloured dot and label per entry, in rows or a grid, fitted into a box; and a key
to the landmarks a plot marks (start, minimum, saddle point)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, ORIGIN, Dot, VGroup

from ..plan.layout import Box, landmark_name
from .landmarks import GLYPHS
from .mobjects import labels
from .style import DEFAULT_STYLE, Style


def legend(
    entries: Sequence[tuple[str, str]],
    box: Box,
    *,
    style: Style = DEFAULT_STYLE,
    columns: int = 1,
    text_height: float = 0.28,
    marks: Sequence[str] = (),
) -> VGroup:
    """(text, colour) entries, then a landmark per `marks` (`landmarks.GLYPHS` names) drawn as on
    the plot with its name, row by row in `columns` columns, centred in `box`; the texts in the
    scheme's text colour."""
    names = [text for text, _ in entries] + [landmark_name(style.words, m) for m in marks]
    rows = -(-len(names) // columns)
    width = (box.width - 0.2) / columns - 0.6
    # One size for all, so no entry looks more important.
    texts = labels(names, height=text_height, max_width=width, style=style)
    keys = [Dot(radius=text_height * 0.36, color=color) for _, color in entries]
    keys += [GLYPHS[m](np.array(ORIGIN), color=style.scheme.minimum) for m in marks]
    items = VGroup(
        *(VGroup(key, text).arrange(buff=0.2) for key, text in zip(keys, texts, strict=True))
    )
    if columns == 1:
        items.arrange(DOWN, aligned_edge=LEFT, buff=text_height * 0.9)
    else:
        items.arrange_in_grid(rows, columns, buff=(0.5, text_height * 0.6), cell_alignment=LEFT)
    if items.width > box.width - 0.2:
        items.scale_to_fit_width(box.width - 0.2)
    if items.height > box.height - 0.1:
        items.scale_to_fit_height(box.height - 0.1)
    return items.move_to([*box.center, 0])


def landmark_key(
    kinds: Sequence[str], *, text_height: float, style: Style = DEFAULT_STYLE
) -> VGroup:
    """'○ start  + minimum': each landmark (names of `landmarks.GLYPHS`) drawn as on the plot,
    with its name, in a row."""
    # Sized with a digit beside them: no word smaller than a digit of `text_height` (the smallest
    # text there is), and lowercase words not blown up to a capital's height.
    *texts, _ = labels(
        [*(landmark_name(style.words, kind) for kind in kinds), "0"],
        height=text_height,
        max_width=float("inf"),
        style=style,
        color=style.scheme.text,
    )
    pairs = []
    for kind, text in zip(kinds, texts, strict=True):
        glyph = GLYPHS[kind](np.array(ORIGIN), color=style.scheme.minimum)
        pairs.append(VGroup(glyph, text).arrange(buff=text_height * 0.6))
    return VGroup(*pairs).arrange(buff=text_height * 1.6)
