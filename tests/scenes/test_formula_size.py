"""The layout's estimate of a formula's size (plan/tex_width.py) against MathTex: never smaller,
so a formula the layout places beside the counter is drawn at its digits' size or larger."""

import pytest

pytest.importorskip("manim")

from optiroll.optim.experiment import build_experiment  # noqa: E402
from optiroll.optim.expression import expression_surface  # noqa: E402
from optiroll.optim.presets import PRESETS  # noqa: E402
from optiroll.plan.layout import FORMULA_DIGIT, Box  # noqa: E402
from optiroll.plan.tex_width import height, width  # noqa: E402
from optiroll.scenes.equations import tex_available  # noqa: E402
from optiroll.scenes.plots import surface_formula  # noqa: E402
from optiroll.scenes.style import DEFAULT_STYLE  # noqa: E402

EXPRESSIONS = (
    "sin(x)*cos(y) + 0.1*(x**2 + y**2)",
    "sqrt(x**2 + y**2 + 1)",
    "exp(-x**2 - y**2)*(x - 1)**2 + log(1 + y**2)",
    "abs(x) + abs(y)",
    "tanh(x)**2 + y**4/4 - x*y",
)


@pytest.mark.skipif(not tex_available(), reason="needs LaTeX")
def test_the_estimate_is_never_smaller_than_the_typeset_formula():
    surfaces = [build_experiment(p, (), None, None, None, None).surface for p in PRESETS]
    surfaces += [expression_surface(text) for text in EXPRESSIONS]
    for surface in surfaces:
        drawn = surface_formula(surface, Box(-50, -5, 50, 5), style=DEFAULT_STYLE)
        assert drawn.width <= width(surface.latex, FORMULA_DIGIT), surface.latex
        assert drawn.width >= 0.85 * width(surface.latex, FORMULA_DIGIT), surface.latex
        assert drawn.height <= height(surface.latex, FORMULA_DIGIT), surface.latex
