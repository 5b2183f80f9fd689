"""expr:FORMULA surfaces: values and gradients, hostile input refused in one line, sympy kept lazy."""

import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
import sympy
from click.testing import CliRunner
from hypothesis import assume, given, reject, settings
from hypothesis import strategies as st

from optiroll.cli import cli
from optiroll.errors import OptirollError
from optiroll.optim.experiment import build_experiment
from optiroll.optim.expression import FUNCTIONS, MAX_LENGTH, expression_surface, parse_formula
from optiroll.optim.surfaces import BOOK, Window


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def test_the_book_formula_is_the_book_surface():
    s = expression_surface("x**2/20 + y**2")
    points = np.random.default_rng(1).uniform(-10, 10, (40, 2))
    assert np.allclose(s.value(points), BOOK.value(points), rtol=1e-14)
    assert np.allclose(s.gradient(points), BOOK.gradient(points), rtol=1e-14)
    assert s.window == BOOK.window and s.start == BOOK.start
    assert np.allclose(s.minima, BOOK.minima, atol=1e-12)  # found numerically
    assert s.formula == "f(x, y) = x**2/20 + y**2"
    assert s.latex == r"f(x, y) = \frac{x^{2}}{20} + y^{2}"


@pytest.mark.parametrize(
    ("text", "value", "gradient"),
    [
        # Gradients derived by hand.
        (
            "sin(x)*exp(y)",
            lambda x, y: math.sin(x) * math.exp(y),
            lambda x, y: (math.cos(x) * math.exp(y), math.sin(x) * math.exp(y)),
        ),
        (
            "sqrt(1 + x**2) - log(2 + cos(y))",
            lambda x, y: math.sqrt(1 + x * x) - math.log(2 + math.cos(y)),
            lambda x, y: (x / math.sqrt(1 + x * x), math.sin(y) / (2 + math.cos(y))),
        ),
        (
            "abs(x) + 3*tanh(y)",
            lambda x, y: abs(x) + 3 * math.tanh(y),
            lambda x, y: (math.copysign(1, x), 3 / math.cosh(y) ** 2),
        ),
        (
            "atan(x*y) + -x + +y",
            lambda x, y: math.atan(x * y) - x + y,
            lambda x, y: (y / (1 + (x * y) ** 2) - 1, x / (1 + (x * y) ** 2) + 1),
        ),
        ("2**x / 4", lambda x, y: 2**x / 4, lambda x, y: (math.log(2) * 2**x / 4, 0.0)),
    ],
)
def test_values_and_gradients_match_hand_derivations(text, value, gradient):
    s = expression_surface(text, Window(-2, 2, -2, 2))
    for x, y in [(0.3, -1.2), (-1.7, 0.4), (1.1, 1.9)]:
        assert s.value(np.array([x, y])) == pytest.approx(value(x, y), rel=1e-12)
        assert s.gradient(np.array([x, y])) == pytest.approx(gradient(x, y), rel=1e-12, abs=1e-14)


def test_constant_formulas_give_arrays_shaped_like_the_points():
    s = expression_surface("3")
    grid = np.zeros((4, 5, 2))
    assert s.value(grid).shape == (4, 5) and s.gradient(grid).shape == (4, 5, 2)
    assert (s.value(grid) == 3).all() and (s.gradient(grid) == 0).all()


def test_aliases_and_whitespace_are_one_formula():
    assert parse_formula("arctan(x)") == parse_formula("atan( x )")
    assert parse_formula("x\n + y") == parse_formula("x + y")


HOSTILE = [
    ("__import__('os')", "calling '__import__' is not allowed"),
    ("__import__('os').system('true')", "calling '__import__('os').system' is not allowed"),
    ("x.__class__", "attribute access not allowed"),
    ("().__class__", "attribute access not allowed"),
    ("lambda: 1", "lambda not allowed"),
    ("[x for x in y]", "comprehensions not allowed"),
    ("{x: 1 for x in y}", "comprehensions not allowed"),
    ("'a'", "strings not allowed"),
    ("f'{x}'", "strings not allowed"),
    ("9**9**9", "too large"),
    ("(9**60)**60", "too large"),
    ("((x**100)**100)**100 + y**2", "raises to the power 1000000"),
    ("((((((x**2)**2)**2)**2)**2)**2)**2", "raises to the power 128"),
    ("1e999 * x", "too large"),
    ("9" * 400, "too large"),
    ("exp(exp(exp(x)))", "is not a finite real number at"),
    ("exp(1000) * x", "too large"),
    ("open('f')", "calling 'open' is not allowed"),
    ("eval('1')", "calling 'eval' is not allowed"),
    ("x if y else 1", "if-else not allowed"),
    ("x[0]", "indexing not allowed"),
    ("y@x", "the operator @ is not allowed"),
    ("x // y", "the operator // is not allowed"),
    ("x ^ 2", "the operator ^"),
    ("x < y", "comparisons not allowed"),
    ("x and y", "and/or not allowed"),
    ("x, y", "tuples"),
    ("(z := 1)", "assignment"),
    ("z + 1", "unknown name 'z'"),
    ("pi * x", "unknown name 'pi'"),
    ("sin", "a function must be called"),
    ("sin(x, y)", "takes exactly one argument"),
    ("sin(x=1)", "takes exactly one argument"),
    ("sin(*x)", "starred arguments not allowed"),
    ("x.real(1)", "calling 'x.real' is not allowed"),
    ("True + x", "True not allowed"),
    ("None", "None not allowed"),
    ("1j * x", "1j not allowed"),
    ("x" + "+x" * 300, "the limit is 500"),
    ("1/0", "division by zero"),
    ("x/(2-2)", "division by zero"),
    ("0**-1 + x", "division by zero"),
    ("x/(y-y)", "infinite or undefined"),
    ("log(-1-x**2)", "is not a finite real number at"),
    ("log(-1)", "not a finite real number"),
    ("(-8)**(1/3)", "not a real number"),
    ("sqrt(x)", "is not a finite real number at"),
    ("sqrt(-x**2)", "is not a finite real number at"),  # sympy makes it I*Abs(x)
    ("(-2)**(x*0 + 0.5)", "is not a finite real number at"),  # x*0 is 0 only once sympy has it
    ("1/x", "is not a finite real number at"),
    ("x +", "not a formula"),
    ("x; import os", "not a formula"),
    ("", "the formula is empty"),
    ("(" * 300 + "x" + ")" * 300, "the limit is 500"),
    ("(" * 210 + "x" + ")" * 210, "not a formula: too many nested parentheses"),
    ("-" * 40 + "x", "nested deeper than 32"),
    ("sin(" * 40 + "x" + ")" * 40, "nested deeper than 32"),
    ("x\x00", "not a formula"),
    # an allowed function behind an attribute, a subscript or a call must not read as itself
    ("np.sin(x)", "calling 'np.sin' is not allowed"),
    ("math.exp(y)", "calling 'math.exp' is not allowed"),
    ("numpy.log(x**2 + 1)", "calling 'numpy.log' is not allowed"),
    ("x.sin(y)", "calling 'x.sin' is not allowed"),
    ("sin.sin(x)", "calling 'sin.sin' is not allowed"),
    ("np.sin", "attribute access not allowed"),
    ("x + math.pi", "attribute access not allowed"),
    ("sin(x).real", "attribute access not allowed"),
    ("funcs['sin'](x)", "calling 'funcs['sin']' is not allowed"),
    ("sin[0](x)", "calling 'sin[0]' is not allowed"),
    ("sin(x)[0]", "indexing not allowed"),
    ("x[sin(y)]", "indexing not allowed"),
    ("sin(x)(y)", "calling 'sin(x)' is not allowed"),
    ("exp(x)(y)(x)", "calling 'exp(x)(y)' is not allowed"),
    ("(lambda t: t)(x)", "calling 'lambda t: t' is not allowed"),
    ("(sin if x else cos)(y)", "is not allowed"),
    ("getattr(np, 'sin')(x)", "is not allowed"),
    ("sin(np.cos(x))", "calling 'np.cos' is not allowed"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE, ids=[t[:30] for t, _ in HOSTILE])
def test_hostile_formulas_are_refused_in_one_line_with_exit_2(text, message):
    result = invoke("trace", "-s", f"expr:{text}", "-n", "1")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("optiroll: error: "), result.output
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_the_parenthesised_function_name_is_accepted_as_a_call():
    # `(sin)(x)` parses to the same Call node as `sin(x)`: nothing new is reachable through it.
    assert parse_formula("(sin)(x)") == parse_formula("sin(x)")


def test_the_limits_hold_at_their_edges():
    longest = "11" + "+x" * ((MAX_LENGTH - 2) // 2)
    assert len(longest) == MAX_LENGTH and parse_formula(longest) == 11 + 249 * sympy.Symbol(
        "x", real=True
    )
    with pytest.raises(OptirollError, match="the limit is 500"):
        parse_formula("1" + longest)
    assert parse_formula("x**100") is not None
    with pytest.raises(OptirollError, match="at most 100"):
        parse_formula("x**101")
    assert parse_formula("-" * 32 + "x") is not None


def test_a_window_makes_a_formula_finite_that_is_not_over_the_default_one():
    with pytest.raises(OptirollError, match="not a finite real number"):
        build_experiment(surface_name="expr:log(x) + y**2")
    e = build_experiment(surface_name="expr:log(x) + y**2", window=(0.5, 4, -2, 2))
    assert e.start == pytest.approx((0.5 + 0.15 * 3.5, -2 + 0.7 * 4))  # inferred from the window
    traj = e.run()[0]
    assert np.isfinite(traj.points).all()


def test_formula_travels_into_json_labels_and_the_side_car_data():
    result = invoke("trace", "--json", "-s", "expr:x**2/20 + y**2", "-n", "3")
    assert result.exit_code == 0
    expected = build_experiment(steps=3).run()
    for run, traj in zip(json.loads(result.output)["runs"], expected, strict=True):
        assert np.allclose(run["points"], traj.points, rtol=1e-15, atol=0)
    data = build_experiment(surface_name="expr:x**2/20 + y**2").to_dict()
    assert data["surface"] == "expr" and data["surface_spec"] == "expr:x**2/20 + y**2"
    assert data["formula"] == "f(x, y) = x**2/20 + y**2"


def test_sympy_is_imported_only_for_an_expr_surface():
    code = (
        "import sys; from click.testing import CliRunner; from optiroll.cli import cli; "
        "r = CliRunner().invoke(cli, sys.argv[1:]); assert r.exit_code == 0, r.output; "
        "print('sympy' in sys.modules)"
    )
    for args, loaded in [
        (["list"], "False"),
        (["trace", "-p", "plateau", "-n", "2"], "False"),
        (["trace", "-s", "rotated:angle=30", "-n", "2"], "False"),
        (["trace", "-s", "expr:x**2 + y**2", "-n", "2"], "True"),
    ]:
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
        assert out.stdout.strip() == loaded, (args, out.stderr)


# Random formulas from the grammar, kept smooth and finite over [-1, 1]**2 by construction:
# denominators and logarithm arguments are 1 + something squared, exponents small.
def formulas():
    leaves = st.sampled_from(["x", "y", "2", "0.5", "3", "1.25"])

    def grow(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, inner).map(lambda t: f"({t[0]} / (1 + {t[1]}**2))"),
            st.tuples(inner, st.sampled_from(["2", "3"])).map(lambda t: f"({t[0]})**{t[1]}"),
            inner.map(lambda e: f"-({e})"),
            st.tuples(st.sampled_from(["sin", "cos", "tanh", "atan", "arctan", "sinh"]), inner).map(
                lambda t: f"{t[0]}({t[1]})"
            ),
            inner.map(lambda e: f"exp(tanh({e}))"),
            inner.map(lambda e: f"log(1 + ({e})**2)"),
            inner.map(lambda e: f"sqrt(1 + ({e})**2)"),
        )

    return st.recursive(leaves, grow, max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(text=formulas(), u=st.floats(-0.9, 0.9), v=st.floats(-0.9, 0.9))
def test_random_formulas_have_gradients_equal_to_finite_differences(text, u, v):
    assume(len(text) <= MAX_LENGTH)
    try:
        s = expression_surface(text, Window(-1, 1, -1, 1))
    except OptirollError:  # e.g. a constant part that overflows
        reject()
    h = 1e-6
    p = np.array([u, v])
    numeric = np.array(
        [
            (s.value(p + [h, 0]) - s.value(p - [h, 0])) / (2 * h),
            (s.value(p + [0, h]) - s.value(p - [0, h])) / (2 * h),
        ]
    )
    assume(np.isfinite(numeric).all() and np.abs(numeric).max() < 1e6)
    scale = max(1.0, float(np.abs(s.value(p))), float(np.abs(numeric).max()))
    assert np.allclose(s.gradient(p), numeric, rtol=1e-5, atol=1e-6 * scale), text


def test_every_listed_function_is_callable_and_differentiable():
    safe = {
        "arccos": "0.5*x",
        "acos": "0.5*x",
        "arcsin": "0.5*x",
        "asin": "0.5*x",
        "log": "2 + x",
        "sqrt": "2 + x",
    }
    for name in FUNCTIONS:
        s = expression_surface(f"{name}({safe.get(name, 'x')}) + y", Window(-1, 1, -1, 1))
        p = np.array([0.3, 0.2])
        h = 1e-6
        numeric = (s.value(p + [h, 0]) - s.value(p - [h, 0])) / (2 * h)
        assert s.gradient(p)[0] == pytest.approx(numeric, rel=1e-6), name


def _refusal(text: str) -> str:
    with pytest.raises(OptirollError) as err:
        parse_formula(text)
    return str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sin + x",
            "unknown name 'sin' (a function must be called: sin(x)); a formula uses only x and y",
        ),
        ("z + x", "unknown name 'z'; a formula uses only x and y"),
        ("(yield x)", "Yield not allowed in a formula"),
        ("x // 2", "the operator // is not allowed; use + - * / **"),
        ("1/0 + x", "division by zero in 1/0"),
        ("x + 1/sin(0)", "division by zero in 1/sin(0)"),
        ("1e999 * x", "the number 1e999 is too large (constants must stay within 1e+300)"),
        ("1e301 * x", "the number 1e301 is too large (constants must stay within 1e+300)"),
        ("1e200*1e200 * x", "1e200*1e200 is too large (constants must stay within 1e+300)"),
        ("exp(1000) * x", "exp(1000) is too large for a float"),
        ("x + log(0)", "log(0) is not a finite real number"),
    ],
)
def test_a_refused_formula_names_the_part_and_why(text, message):
    assert _refusal(text) == message


def test_a_long_part_is_shortened_in_the_message_to_forty_characters():
    forty = "a" * 37 + ".sn"  # 40 characters: shown whole
    assert _refusal(f"{forty}(x)") == (
        f"calling '{forty}' is not allowed; functions: {', '.join(FUNCTIONS)}"
    )
    longer = "a" * 38 + ".sn"  # 41: the first 37 and an ellipsis
    assert _refusal(f"{longer}(x)").startswith(f"calling '{'a' * 37}...' is not allowed")


def test_the_largest_constant_is_allowed():
    assert parse_formula("1e300 * x") == sympy.Float(1e300) * sympy.Symbol("x", real=True)


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        # each right operand, call and sign is one level deeper; a left operand is not
        ("x + (" * 32 + "x" + ")" * 32, False),
        ("x + (" * 33 + "x" + ")" * 33, True),
        ("sin(" * 32 + "x" + ")" * 32, False),
        ("sin(" * 33 + "x" + ")" * 33, True),
        ("sin(" * 16 + "-" * 16 + "x + 1" + ")" * 16, False),
        ("sin(" * 16 + "-" * 17 + "x + 1" + ")" * 16, True),
        (" + ".join(["x"] * 120), False),
    ],
)
def test_nesting_is_counted_to_the_limit(text, deep):
    if deep:
        assert _refusal(text) == "formula nested deeper than 32 levels"
    else:
        parse_formula(text)


def test_large_exact_numbers_evaluate_as_floats():
    surface = expression_surface("x + 10**20/3 + y/12345678901234567")
    values = surface.value(np.array([[1.0, 0.0], [0.0, 1.0]]))
    np.testing.assert_allclose(values, [1 + 1e20 / 3, 1e20 / 3 + 1 / 12345678901234567], rtol=1e-15)


def test_values_outside_a_functions_domain_are_nan_silently():
    """log(x) over x in [1, 2] is a surface; asked at x = -1 it is NaN, with no warning printed."""
    surface = expression_surface("log(x) + y", Window(1, 2, 1, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = surface.value_fn(np.array([-1.0, math.e]), np.array([0.0, 1.0]))
    assert np.isnan(value[0]) and value[1] == pytest.approx(2.0, rel=1e-15)


def test_an_imaginary_part_that_is_zero_over_the_window_is_no_part():
    """sympy writes sqrt(-(|x| - x)**2) as I*|x - |x||: zero for x >= 0, so over such a window the
    formula is the real y**2; where it is not zero the value is not a real number."""
    surface = expression_surface("sqrt(-(abs(x) - x)**2) + y**2", Window(0, 10, -5, 5))
    points = np.array([[1.0, 2.0], [0.0, -3.0], [9.0, 0.5]])
    np.testing.assert_array_equal(surface.value(points), points[:, 1] ** 2)
    assert np.isnan(surface.value_fn(np.array([-1.0]), np.array([0.0]))).all()


def test_a_formula_sympy_makes_too_large_for_a_float_is_refused_in_one_line():
    """(10**100 x)**4 is 10**400 x**4 to sympy: beyond a float, infinite over the window."""
    with pytest.raises(OptirollError, match="is not a finite real number at"):
        expression_surface("(10**100*x)**4 + y")


def test_small_exact_fractions_stay_exact():
    surface = expression_surface("x/107 + y**2/3")
    assert surface.value(np.array([1.0, 0.0])) == 1 / 107
    assert surface.value(np.array([0.0, 1.0])) == 1 / 3
