"""Which characters of a label are mathematics, to be set in a font made for it. No Manim.

A Hangul font's own η, ∂, √ and superscripts look wrong in mathematics (a half-height ∂, an η like
ŋ, a √ with a detached bar, a dot for ¹), so the scenes set every cluster that holds one of these in
the style's math font and the rest in the language's font. A cluster is a base character with the
combining marks after it: m̂ must stay one piece, or its hat is drawn on a dotted circle.
"""

from __future__ import annotations

import unicodedata

# Blocks of mathematical characters, as (first, last) code points.
MATH_BLOCKS = (
    (0x0370, 0x03FF),  # Greek: α β η ε ρ λ ψ μ Δ ...
    (0x1D00, 0x1D7F),  # modifier letters used as scripts: ᵗ ᵢ ...
    (0x2070, 0x209F),  # superscripts and subscripts: ⁰ ¹ ₁ ₜ ...
    (0x2190, 0x21FF),  # arrows: ←
    (0x2200, 0x22FF),  # operators: ∂ √ ⊙ − ...
)
MATH_CHARACTERS = frozenset("¹²³·×")


def is_math(char: str) -> bool:
    """Whether `char` is a mathematical symbol (Greek, operators, arrows, sub- and superscripts)."""
    code = ord(char)
    return char in MATH_CHARACTERS or any(low <= code <= high for low, high in MATH_BLOCKS)


def clusters(text: str) -> list[str]:
    """`text` as base characters each with the combining marks that follow it."""
    out: list[str] = []
    for char in text:
        if out and unicodedata.combining(char):
            out[-1] += char
        else:
            out.append(char)
    return out


def math_clusters(text: str) -> list[str]:
    """The distinct clusters of `text` to set in a math font: those with a mathematical character
    or a combining mark (a hat, a bar), in order of first appearance."""
    chosen = [
        c for c in clusters(text) if any(is_math(ch) or unicodedata.combining(ch) for ch in c)
    ]
    return list(dict.fromkeys(chosen))
