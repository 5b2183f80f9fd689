"""Mathematics in running text, written once and set as Pango markup, or read back as symbols.

A lesson string mixes words and mathematics; the mathematics stands between dollar signs:
"$h_y = 16.0$, so the $y$-step is $−1.50·4.00/√16.0 = −1.50$". Inside it, `_` and `^` take one
character or a {group} (`β_1`, `10^{−5}`), and `√` takes a number, a symbol or a (group) as its
radicand, drawn under a bar. A subscript x or y names an axis (v_y is v's y-component); ∂L/∂W
is the gradient, ∂L/∂y its y-component. Two or more Latin letters in a row are a word set upright
("max", "then Adam:"), one letter is a variable set in italics. The rules' own Unicode (β₁, β₂ᵗ,
μₜ₊₁) reads the same once `from_unicode` has turned its scripts into `_` and `^`.

`markup` sets a lesson string for Pango: words in the language's font, mathematics in a math
font (Latin Modern Math, the font of LaTeX itself, where TeX is installed), every glyph of it
there and never in the Hangul font, a symbol in the colour of what draws it. `symbols` reads the
symbols back, so a test can hold what a board says to the rule it shows. No Manim here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

GRADIENT = "∂L/∂W"
AXES = frozenset("xy")
_GRADIENT_AT = re.compile(r"∂L/∂([A-Za-z])")
_NUMBER = re.compile(r"[0-9][0-9.]*")
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋ₜₓᵧ", "0123456789+−txy", strict=True))
SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ᵗ", "0123456789+−t", strict=True))


def _italic_table() -> dict[str, str]:
    """Latin and Greek letters -> Unicode's mathematical italics (what LaTeX sets a variable in)."""
    table = {chr(ord("a") + i): chr(0x1D44E + i) for i in range(26)}
    table |= {chr(ord("A") + i): chr(0x1D434 + i) for i in range(26)}
    table["h"] = "\u210e"  # the italic h has its own code point (Planck's constant)
    table |= {chr(0x03B1 + i): chr(0x1D6FC + i) for i in range(25)}  # α ... ω
    table["∂"] = "\U0001d715"
    return table


ITALIC = _italic_table()
LETTERS = frozenset(c for c in ITALIC if c != "∂") | frozenset("ΓΔΘΛΞΠΣΦΨΩ")


@dataclass(frozen=True)
class MathFonts:
    """How mathematics is set: `math` for its glyphs (letters in Unicode's mathematical italics
    when `italic_letters`, else slanted), `radical` for √, `words` for the text around it."""

    words: str
    math: str
    radical: str
    italic_letters: bool = True
    radical_rise: int = 0  # Pango units that lift √ so its top meets the bar over the radicand


def from_unicode(text: str) -> str:
    """A rule statement's Unicode (β₂ᵗ, μₜ₊₁, g²) as this notation (β_2^t, μ_{t+1}, g^2)."""
    out, i = [], 0
    while i < len(text):
        for table, mark in ((_SUBSCRIPTS, "_"), (_SUPERSCRIPTS, "^")):
            run = ""
            while i < len(text) and text[i] in table:
                run += table[text[i]]
                i += 1
            if run:
                out.append(f"{mark}{run}" if len(run) == 1 else f"{mark}{{{run}}}")
                break
        else:
            out.append("−" if text[i] == "-" else text[i])
            i += 1
    return "$" + "".join(out) + "$"


def segments(text: str) -> list[tuple[str, bool]]:
    """`text` as (piece, is_mathematics) in order; empty pieces left out."""
    parts = text.split("$")
    if len(parts) % 2 == 0:
        raise ValueError(f"unbalanced $ in {text!r}")
    return [(p, i % 2 == 1) for i, p in enumerate(parts) if p]


def words(text: str) -> list[str]:
    """`text` cut at its spaces, outside and inside the mathematics, each piece still a lesson
    string ('$a = 1$' -> '$a$', '$=$', '$1$'): the places a line may break."""
    pieces: list[str] = []
    glue = False  # the next piece continues the last one (no space between them)
    for piece, is_math in segments(text):
        for j, word in enumerate(piece.split(" ")):
            if j > 0:
                glue = False
            if word:
                word = f"${word}$" if is_math else word
                if glue and pieces:
                    pieces[-1] += word
                else:
                    pieces.append(word)
                glue = True
    return pieces


# --- reading mathematics ---------------------------------------------------------------------


@dataclass(frozen=True)
class Atom:
    """One piece of mathematics: a `symbol` (its name, e.g. 'v̂' or '∂L/∂W', with `axis` when it
    is a component), a `word` set upright, a `number`, or any other `glyph`; `sub` and `sup` are
    its scripts, `radicand` what √ covers."""

    kind: str  # symbol, word, number, glyph, radical
    text: str
    axis: str = ""
    sub: tuple[Atom, ...] = ()
    sup: tuple[Atom, ...] = ()
    radicand: tuple[Atom, ...] = ()

    @property
    def name(self) -> str:
        """A symbol's name with its numeric subscript, as the rules write it: 'β₁', 'v̂', 'η'."""
        if self.sub and all(a.kind == "number" for a in self.sub):
            return self.text + "".join(a.text for a in self.sub).translate(SUBSCRIPT_DIGITS)
        return self.text


def _group(text: str, i: int) -> tuple[str, int]:
    """The script or radicand at `i`: a {group} or (group) without its brackets, else one cluster."""
    if i >= len(text):
        return "", i
    close = {"{": "}", "(": ")"}.get(text[i])
    if close:
        depth, j = 0, i
        while j < len(text):
            depth += text[j] == text[i]
            depth -= text[j] == close
            if depth == 0:
                return text[i + 1 : j], j + 1
            j += 1
        raise ValueError(f"unclosed {text[i]} in {text!r}")
    j = i + 1
    while j < len(text) and unicodedata.combining(text[j]):
        j += 1
    return text[i:j], j


def parse(math: str) -> tuple[Atom, ...]:
    """The atoms of a piece of mathematics (without its dollar signs)."""
    math = unicodedata.normalize("NFD", math)  # ĝ: a g and its hat, as m̂ is
    atoms: list[Atom] = []
    i = 0
    while i < len(math):
        c = math[i]
        if c in "_^" and atoms:
            script, i = _group(math, i + 1)
            inner = parse(script)
            last = atoms[-1]
            if c == "_":
                axis = script if last.kind == "symbol" and script in AXES else last.axis
                atoms[-1] = Atom(last.kind, last.text, axis, last.sub + inner, last.sup)
            else:
                atoms[-1] = Atom(last.kind, last.text, last.axis, last.sub, last.sup + inner)
            continue
        if c == "√":
            number = _NUMBER.match(math, i + 1)
            if number:
                radicand, i = number.group(), number.end()
            else:
                radicand, i = _group(math, i + 1)
                while i < len(math) and math[i] in "_^":  # √h_y: the script goes under the bar
                    mark = math[i]
                    script, i = _group(math, i + 1)
                    radicand += f"{mark}{{{script}}}"
            atoms.append(Atom("radical", "√", radicand=parse(radicand)))
            continue
        gradient = _GRADIENT_AT.match(math, i)
        if gradient:
            axis = gradient.group(1) if gradient.group(1) in AXES else ""
            atoms.append(Atom("symbol", GRADIENT, axis))
            i = gradient.end()
            continue
        number = _NUMBER.match(math, i)
        if number:
            atoms.append(Atom("number", number.group()))
            i = number.end()
            continue
        word = re.compile(r"[A-Za-z]{2,}:?").match(math, i)
        if word:
            atoms.append(Atom("word", word.group()))
            i = word.end()
            continue
        cluster, i = _group(math, i) if c not in "{(" else (c, i + 1)
        kind = "symbol" if cluster[0] in LETTERS else "glyph"
        atoms.append(Atom(kind, cluster))
    return tuple(atoms)


def math_atoms(text: str) -> Iterator[Atom]:
    """Every atom of a lesson string's mathematics, scripts and radicands included."""

    def walk(atoms: tuple[Atom, ...]) -> Iterator[Atom]:
        for atom in atoms:
            yield atom
            yield from walk(atom.sub)
            yield from walk(atom.sup)
            yield from walk(atom.radicand)

    for piece, is_math in segments(text):
        if is_math:
            yield from walk(parse(piece))


def symbols(text: str) -> set[str]:
    """The names of the symbols a lesson string uses: 'η', 'β₁', 'v̂', '∂L/∂W'; an axis ('y' of
    v_y) is a component, not a symbol of its own."""
    return {a.name for a in math_atoms(text) if a.kind == "symbol"} - AXES


# --- setting mathematics as Pango markup ---------------------------------------------------------

SCRIPT = {"sub": "subscript", "sup": "superscript"}
# A product's dot as LaTeX sets \cdot: the dot operator with a thin space each side.
OPERATORS = str.maketrans({"·": "\u2009⋅\u2009"})


def _span(content: str, **attributes: str) -> str:
    attrs = " ".join(f'{k}="{v}"' for k, v in attributes.items())
    return f"<span {attrs}>{content}</span>"


def _set(atoms: tuple[Atom, ...], fonts: MathFonts, colors: Mapping[str, str], ink: str) -> str:
    out = []
    for atom in atoms:
        if atom.kind == "radical":
            sign = _span("√", font_family=fonts.radical, rise=str(fonts.radical_rise))
            inner = _set(atom.radicand, fonts, colors, ink)
            out.append(sign + _span(inner, overline="single", overline_color=ink))
            continue
        if atom.kind == "symbol":
            drawn = "∂L/∂" + atom.axis if atom.text == GRADIENT and atom.axis else atom.text
            text = _letters(drawn, fonts)
            color = colors.get(atom.text)
            body = _span(text, foreground=color) if color else text
        elif atom.kind == "word":
            body = escape(atom.text)
        else:
            body = atom.text
            if atom.kind == "glyph":
                body = _letters(escape(atom.text.translate(OPERATORS)), fonts)
        for scripts, which in ((atom.sub, "sub"), (atom.sup, "sup")):
            if scripts:
                script = _set(scripts, fonts, colors, ink)
                body += _span(script, font_scale=SCRIPT[which], baseline_shift=SCRIPT[which])
        out.append(body)
    return "".join(out)


def _letters(text: str, fonts: MathFonts) -> str:
    """Variables in italics: Unicode's mathematical italics, or the font slanted."""
    if fonts.italic_letters:
        return "".join(ITALIC.get(c, c) for c in text)
    if text and text[0] in ITALIC and text[0] != "∂" and text[0].islower():
        return _span(text, style="italic")
    return text


def markup(text: str, fonts: MathFonts, colors: Mapping[str, str], ink: str) -> str:
    """A lesson string as Pango markup: words in the words' font, mathematics in the math font,
    each symbol named in `colors` in its colour, the rest (and a radical's bar) in `ink`."""
    out = []
    for piece, is_math in segments(text):
        if is_math:
            out.append(_span(_set(parse(piece), fonts, colors, ink), font_family=fonts.math))
        else:
            out.append(_span(escape(piece), font_family=fonts.words))
    return "".join(out)


# --- LaTeX: the same symbols, to colour a typeset rule --------------------------------------------

TEX_GREEK = {
    "alpha": "α",
    "beta": "β",
    "eta": "η",
    "rho": "ρ",
    "epsilon": "ε",
    "lambda": "λ",
    "psi": "ψ",
    "mu": "μ",
    "Delta": "Δ",
}
_TEX_GRADIENT = r"\frac{\partial L}{\partial W}"
_TEX_HAT = re.compile(r"\\hat\{([A-Za-z])\}")
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+)")
_TEX_SCRIPT = re.compile(r"[_^](\{[^{}]*\}|[A-Za-z0-9])")


def _tex_symbol(tex: str, i: int) -> tuple[str | None, int, list[str]]:
    """The symbol LaTeX writes at `i`: (its name or None, where it ends, the scripts attached)."""
    name, end = None, i + 1
    if tex.startswith(_TEX_GRADIENT, i):
        name, end = GRADIENT, i + len(_TEX_GRADIENT)
    elif hat := _TEX_HAT.match(tex, i):
        name, end = hat.group(1) + "\u0302", hat.end()
    elif command := _TEX_COMMAND.match(tex, i):
        name, end = TEX_GREEK.get(command.group(1)), command.end()
    elif tex[i].isascii() and tex[i].isalpha():
        name = tex[i]
    scripts: list[str] = []
    while name is not None and (script := _TEX_SCRIPT.match(tex, end)):
        inner = script.group(1).strip("{}")
        if script.group(0)[0] == "_" and inner.isdigit():
            name += inner.translate(SUBSCRIPT_DIGITS)
        else:
            scripts.append(inner)
        end = script.end()
    return name, end, scripts


def tex_pieces(tex: str) -> list[tuple[str, str | None]]:
    """A LaTeX statement cut into pieces, each with the name of the symbol it is or None; a
    symbol's scripts stay with it (a cut never parts g from ^2). Joined, they are `tex`."""
    pieces: list[tuple[str, str | None]] = []
    i = 0
    while i < len(tex):
        name, end, _ = _tex_symbol(tex, i)
        pieces.append((tex[i:end], name))
        i = end
    return pieces


def tex_symbols(tex: str) -> set[str]:
    """The names of the symbols a LaTeX statement uses, as `symbols` names them."""
    names: set[str] = set()
    i = 0
    while i < len(tex):
        name, end, scripts = _tex_symbol(tex, i)
        if name is not None:
            names.add(name)
            for script in scripts:
                names |= tex_symbols(script)
        i = end
    return names - AXES


def label_notation(label: str) -> str:
    """A label such as 'Adam η=0.3 β₁=0.9' as a lesson string: each value of a parameter named by
    a symbol set as mathematics ('$η=0.3$'), the rest (the name, 'rules=pytorch') as words."""
    out = []
    for token in label.split(" "):
        key = unicodedata.normalize("NFD", token.split("=")[0]).rstrip("₀₁₂₃₄₅₆₇₈₉")
        is_symbol = "=" in token and len(key) == 1 and key in LETTERS
        out.append(from_unicode(token) if is_symbol else token)
    return " ".join(out)
