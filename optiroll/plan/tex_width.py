"""How large a formula's LaTeX typesets, estimated without TeX (the layout runs before drawing).

Widths are in ems of Computer Modern math at text style, read off its glyph metrics: a digit
0.5, a letter about 0.6, a binary operator with its spaces 1.22, scripts and a fraction's parts
at script size (0.7). `width` turns ems into scene units for a formula whose digits are a given
height; on the presets' formulas and on sympy's LaTeX of `expr:` surfaces it reads 3-9% wider
than MathTex draws, never narrower. `height` errs tall the same way.
"""

from __future__ import annotations

import re

# Ems per digit height (a digit is 0.644 em tall) and a little more, so the estimate errs wide:
# measured MathTex widths are 1.37 to 1.45 digit heights per estimated em.
EM_PER_DIGIT = 1.5
SCRIPT = 0.7  # super- and subscripts, a text-style fraction's numerator and denominator
SCRIPT_SPACE = 0.05
FRACTION_PAD = 0.24  # the null delimiters either side of a fraction
BINARY = {"+": 1.22, "-": 1.22, "=": 1.33, "<": 1.33, ">": 1.33}
NARROW = {"(": 0.39, ")": 0.39, "[": 0.28, "]": 0.28, ",": 0.45, ".": 0.28, "/": 0.5, "|": 0.28}
SPACES = {" ": 0.33, ",": 0.17, ";": 0.28, ":": 0.22, "!": 0.0, "quad": 1.0, "qquad": 2.0}
INVISIBLE = {"left", "right", "textstyle", "displaystyle", "mathrm", "operatorname"}
OPERATORS = {"cos", "sin", "tan", "exp", "log", "ln", "tanh", "sinh", "cosh", "max", "min"}
INFIX = {"cdot", "times", "pm"}
DIGIT, GLYPH = 0.5, 0.6
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
_NESTED_SCRIPT = re.compile(r"[\^_]\{[^{}]*[\^_]")


def width(latex: str, digit_height: float) -> float:
    """About how wide `latex` typesets (scene units) with digits `digit_height` tall."""
    return ems(latex) * EM_PER_DIGIT * digit_height


def height(latex: str, digit_height: float) -> float:
    """About how tall `latex` typesets (scene units) with digits `digit_height` tall: brackets
    and scripts reach 1.6 digits; a fraction in text style, a root or a script's own script
    more (measured: 1.45 to 1.57; 1.74 to 2.2)."""
    if "\\frac" in latex:
        rows = 2.3
    elif "\\sqrt" in latex or _NESTED_SCRIPT.search(latex):
        rows = 2.0
    else:
        rows = 1.6
    return rows * digit_height


def ems(latex: str) -> float:
    """About how many ems wide `latex` typesets in text style."""
    total, i = 0.0, 0
    while i < len(latex):
        w, i = _sequence(latex, i)
        total, i = total + w, i + 1  # past a stray closing brace
    return total


def _sequence(tex: str, i: int) -> tuple[float, int]:
    """The width of the tokens from `i` to the closing brace (or the end), and where it is."""
    total = 0.0
    while i < len(tex) and tex[i] != "}":
        if tex[i] == " ":  # TeX ignores spaces in math
            i += 1
            continue
        w, i = _token(tex, i)
        total += w
    return total, i


def _token(tex: str, i: int) -> tuple[float, int]:
    """The width of the token or {group} at `i`, and the index after it."""
    if i >= len(tex):  # a script or an argument missing at the end
        return 0.0, i
    char = tex[i]
    if char == "{":
        w, i = _sequence(tex, i + 1)
        return w, i + 1
    if char in "^_":
        w, i = _token(tex, _skip_spaces(tex, i + 1))
        return SCRIPT * w + SCRIPT_SPACE, i
    if char == "\\":
        match = _COMMAND.match(tex, i)
        assert match is not None  # a backslash always matches one character at least
        return _command(tex, match.group(1), match.end())
    if char in BINARY:
        return BINARY[char], i + 1
    if char in NARROW:
        return NARROW[char], i + 1
    return (DIGIT if char.isdigit() else GLYPH), i + 1


def _command(tex: str, name: str, i: int) -> tuple[float, int]:
    """The width of \\name (with its arguments, read from `i`), and the index after it."""
    if name in SPACES:
        return SPACES[name], i
    if name in INVISIBLE:
        return 0.0, i
    if name in ("frac", "dfrac", "tfrac"):
        top, i = _token(tex, _skip_spaces(tex, i))
        bottom, i = _token(tex, _skip_spaces(tex, i))
        return SCRIPT * max(top, bottom) + FRACTION_PAD, i
    if name == "sqrt":
        inside, i = _token(tex, _skip_spaces(tex, i))
        return inside + 0.85, i
    if name in OPERATORS:
        return 0.5 * len(name) + 0.33, i
    if name in INFIX:
        return BINARY["+"], i
    return GLYPH, i  # a Greek letter, \circ, \infty: one glyph


def _skip_spaces(tex: str, i: int) -> int:
    while i < len(tex) and tex[i] == " ":
        i += 1
    return i


def pieces(latex: str) -> list[str]:
    """`latex` cut where a line may break, outside every bracket and group: before a binary + or
    - and after a ",\\ "; the pieces joined make `latex` again."""
    cuts, depth, i = [0], 0, 0
    while i < len(latex):
        if latex.startswith(("\\left", "\\right"), i):
            step = 5 if latex.startswith("\\left", i) else 6
            depth += 1 if step == 5 else -1
            i += step + 1  # the delimiter after it
            continue
        char = latex[i]
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
        elif depth == 0 and latex.startswith(",\\ ", i):
            cuts.append(i + 3)
            i += 3
            continue
        elif depth == 0 and char in "+-" and _binary(latex, i):
            cuts.append(i)
        i += 1
    cuts.append(len(latex))
    return [latex[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if latex[a:b].strip()]


def _binary(latex: str, i: int) -> bool:
    """Whether the sign at `i` joins two terms (not a leading minus, nor one after = or a comma)."""
    before = latex[:i].rstrip()
    return bool(before) and before[-1] not in "=,(^_{" and not before.endswith("\\ ")
