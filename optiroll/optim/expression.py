"""A surface from a formula the user typed: `expr:x**2/20 + y**2`.

The text is parsed by Python's `ast` into a syntax tree, and only these nodes are accepted: numbers,
the names x and y, + - * / ** (binary), unary - and +, parentheses, and one-argument calls to the
functions in FUNCTIONS. The sympy expression is built from that tree node by node (the text never
reaches eval, exec or sympify), differentiated by sympy, and compiled to vectorized NumPy. Constant
parts are also computed in floats on the way, so `9**9**9`, `1/0` and `log(-1)` are refused before
sympy works on them; the formula must be finite over the view window.

Limits: MAX_LENGTH characters (after runs of white space become one space), MAX_DEPTH levels of
nesting (calls, signs and right operands: a long sum a + b + c + ... is not deep), constant
exponents of at most MAX_EXPONENT in size and constant parts within MAX_CONSTANT.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import sympy

from ..errors import OptirollError
from .minimum import window_minimum
from .surface import Array, Surface, Window

MAX_LENGTH = 500
MAX_DEPTH = 32
MAX_EXPONENT = 100
MAX_CONSTANT = 1e300

X, Y = sympy.symbols("x y", real=True)

# name -> (sympy function, the same function on floats, for constant parts)
FUNCTIONS: dict[str, tuple[Callable, Callable[[float], float]]] = {
    "sin": (sympy.sin, math.sin),
    "cos": (sympy.cos, math.cos),
    "tan": (sympy.tan, math.tan),
    "arcsin": (sympy.asin, math.asin),
    "arccos": (sympy.acos, math.acos),
    "arctan": (sympy.atan, math.atan),
    "sinh": (sympy.sinh, math.sinh),
    "cosh": (sympy.cosh, math.cosh),
    "tanh": (sympy.tanh, math.tanh),
    "exp": (sympy.exp, math.exp),
    "log": (sympy.log, math.log),
    "sqrt": (sympy.sqrt, math.sqrt),
    "abs": (sympy.Abs, abs),
}
FUNCTIONS |= {"asin": FUNCTIONS["arcsin"], "acos": FUNCTIONS["arccos"], "atan": FUNCTIONS["arctan"]}

_OPERATORS: dict[type, tuple[str, Callable[[object, object], object]]] = {
    ast.Add: ("+", lambda a, b: a + b),
    ast.Sub: ("-", lambda a, b: a - b),
    ast.Mult: ("*", lambda a, b: a * b),
    ast.Div: ("/", lambda a, b: a / b),
    ast.Pow: ("**", lambda a, b: a**b),
}

# What the rejected constructs are called in messages; anything else by its ast class name.
_NOT_ALLOWED = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.IfExp: "if-else",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.Tuple: "tuples (a comma)",
    ast.List: "lists",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.NamedExpr: "assignment (:=)",
    ast.JoinedStr: "strings",
    ast.Starred: "starred arguments",
}
_BINARY_NAMES = {
    ast.MatMult: "@",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^ (for powers write **)",
    ast.LShift: "<<",
    ast.RShift: ">>",
}

FUNCTION_LIST = ", ".join(FUNCTIONS)


class _Node:
    """A built subtree: its sympy expression, and its float value when it has no x or y."""

    __slots__ = ("expr", "value")

    def __init__(self, expr: sympy.Expr, value: float | None) -> None:
        self.expr, self.value = expr, value


def _checked_constant(compute: Callable[[], object], what: str) -> float:
    """A constant part computed in floats, refused unless it is a real number of sane size."""
    try:
        value = compute()
    except ZeroDivisionError:
        raise OptirollError(f"division by zero in {what}") from None
    except OverflowError:
        raise OptirollError(f"{what} is too large for a float") from None
    except ValueError:
        raise OptirollError(f"{what} is not a finite real number") from None
    if isinstance(value, complex):
        raise OptirollError(f"{what} is not a real number")
    if not math.isfinite(value) or abs(value) > MAX_CONSTANT:
        raise OptirollError(f"{what} is too large (constants must stay within {MAX_CONSTANT:g})")
    return float(value)


def _shortened(piece: str, limit: int = 40) -> str:
    return piece if len(piece) <= limit else piece[: limit - 3] + "..."


def _build(node: ast.AST, text: str, depth: int = 0) -> _Node:
    if depth > MAX_DEPTH:
        raise OptirollError(f"formula nested deeper than {MAX_DEPTH} levels")
    piece = _shortened(ast.get_source_segment(text, node) or type(node).__name__)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            kind = "strings" if isinstance(node.value, str | bytes) else repr(node.value)
            raise OptirollError(f"{kind} not allowed in a formula; numbers only")
        value = _checked_constant(lambda: float(node.value), f"the number {piece}")
        exact = sympy.Integer(node.value) if isinstance(node.value, int) else sympy.Float(value)
        return _Node(exact, value)
    if isinstance(node, ast.Name):
        if node.id in ("x", "y"):
            return _Node(X if node.id == "x" else Y, None)
        hint = " (a function must be called: sin(x))" if node.id in FUNCTIONS else ""
        raise OptirollError(f"unknown name '{node.id}'{hint}; a formula uses only x and y")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _build(node.operand, text, depth + 1)
        if isinstance(node.op, ast.UAdd):
            return inner
        return _Node(-inner.expr, None if inner.value is None else -inner.value)
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            symbol = _BINARY_NAMES.get(type(node.op), type(node.op).__name__)
            raise OptirollError(f"the operator {symbol} is not allowed; use + - * / **")
        symbol, apply = _OPERATORS[type(node.op)]
        # A chain a + b + c nests to the left; only what nests to the right counts as depth.
        left = _build(node.left, text, depth)
        right = _build(node.right, text, depth + 1)
        if symbol == "/" and right.value == 0:
            raise OptirollError(f"division by zero in {piece}")
        if symbol == "**" and right.value is not None and abs(right.value) > MAX_EXPONENT:
            raise OptirollError(
                f"exponent {right.value:g} in {piece} is too large (at most {MAX_EXPONENT})"
            )
        value = None
        if left.value is not None and right.value is not None:
            value = _checked_constant(lambda: apply(left.value, right.value), piece)
        return _Node(apply(left.expr, right.expr), value)
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            called = name or _shortened(ast.get_source_segment(text, node.func) or "that")
            raise OptirollError(f"calling '{called}' is not allowed; functions: {FUNCTION_LIST}")
        if len(node.args) != 1 or node.keywords:
            raise OptirollError(f"{name}() takes exactly one argument, in {piece}")
        symbolic, numeric = FUNCTIONS[name]
        arg = _build(node.args[0], text, depth + 1)
        value = None
        if arg.value is not None:
            value = _checked_constant(lambda: numeric(arg.value), piece)
        return _Node(symbolic(arg.expr), value)
    kind = _NOT_ALLOWED.get(type(node), type(node).__name__)
    raise OptirollError(f"{kind} not allowed in a formula")


def parse_formula(text: str) -> sympy.Expr:
    """The sympy expression of a formula in x and y, or a one-line OptirollError saying why not."""
    text = " ".join(text.split())
    if not text:
        raise OptirollError("the formula is empty; e.g. --surface 'expr:x**2/20 + y**2'")
    if len(text) > MAX_LENGTH:
        raise OptirollError(
            f"the formula is {len(text)} characters long; the limit is {MAX_LENGTH}"
        )
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        reason = getattr(err, "msg", None) or str(err) or type(err).__name__
        raise OptirollError(f"not a formula: {' '.join(reason.split())}") from None
    expr = _build(tree.body, text).expr
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise OptirollError(f"the formula {text} is infinite or undefined (it is {expr})")
    # sympy folds nested powers ((x**100)**100 is x**10000): check what it built, too.
    for power in expr.atoms(sympy.Pow):
        if power.exp.is_number and abs(float(power.exp)) > MAX_EXPONENT:
            raise OptirollError(
                f"the formula {text} raises to the power {power.exp}; the limit is {MAX_EXPONENT}"
            )
    return expr


def _numeric(expr: sympy.Expr) -> sympy.Expr:
    """Exact numbers too big for a float become floats (inf when beyond), so NumPy can use them."""
    big = {r: sympy.Float(r) for r in expr.atoms(sympy.Rational) if max(abs(r.p), r.q) > 2**53}
    return expr.xreplace(big)


def _vectorized(exprs: list[sympy.Expr]) -> Callable[[Array, Array], list[Array]]:
    """NumPy functions of (x, y) for each expression, each result a float array of the inputs' shape."""
    compiled = sympy.lambdify((X, Y), [_numeric(e) for e in exprs], modules="numpy", cse=True)

    def evaluate(x: Array, y: Array) -> list[Array]:
        shape = np.broadcast(x, y).shape
        with np.errstate(all="ignore"):
            results = [np.asarray(r) for r in compiled(x, y)]
        # sympy may simplify to an imaginary constant (sqrt(-x**2) is I*|x|): not a real loss.
        real = [np.where(r.imag == 0, r.real, np.nan) if np.iscomplexobj(r) else r for r in results]
        return [np.broadcast_to(r.astype(np.float64), shape).copy() for r in real]

    return evaluate


def expression_surface(text: str, window: Window | None = None) -> Surface:
    """A surface for a formula in x and y, seen through `window` (default: the book's).

    It starts where the book starts relative to its window (see `Window.default_start`); its
    minimum is the lowest point found numerically inside the window, none when f keeps falling
    past the window's edge. Refused when f is not a finite real number somewhere over the window.
    """
    from .surfaces import BOOK

    window = window or BOOK.window
    expr = parse_formula(text)
    value = _vectorized([expr])
    gradient = _vectorized([sympy.diff(expr, X), sympy.diff(expr, Y)])
    formula = " ".join(text.split())
    surface = Surface(
        name="expr",
        formula=f"f(x, y) = {sympy.sstr(expr)}",
        latex=f"f(x, y) = {sympy.latex(expr)}",
        value_fn=lambda x, y: value(x, y)[0],
        gradient_fn=lambda x, y: tuple(gradient(x, y)),
        window=window,
        start=window.default_start,
        minima=(),
        description=f"the formula {formula}",
        spec=f"expr:{formula}",
    ).require_finite()
    lowest = window_minimum(surface)
    return replace(surface, minima=() if lowest is None else (lowest,))
