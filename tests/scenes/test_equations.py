"""Equations: LaTeX through a template the minimal TeX can compile, else Unicode text, never a
failed render."""

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import av
import pytest
from click.testing import CliRunner

pytest.importorskip("manim")

from manim import MathTex, Text  # noqa: E402

from optiroll.cli import cli  # noqa: E402
from optiroll.optim.registry import OPTIMIZERS, make_optimizer  # noqa: E402
from optiroll.plan.narration import statements  # noqa: E402
from optiroll.scenes import equations  # noqa: E402
from optiroll.scenes.equations import EquationPanel, math_line, minimal_template  # noqa: E402

HAS_TEX = shutil.which("latex") is not None and shutil.which("dvisvgm") is not None


@pytest.fixture(autouse=True)
def media_dir(tmp_path):
    """Manim's TeX and text files go to a temporary folder, not ./media (rendering sets its own)."""
    from manim import tempconfig

    with tempconfig({"media_dir": str(tmp_path / "media")}):
        yield


@pytest.fixture
def no_tex(monkeypatch, tmp_path):
    """A PATH on which neither latex nor dvisvgm exists, and the notice not yet given."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setattr(equations, "_noticed", [])


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: o.name)
def test_latex_and_unicode_rules_have_the_same_statements(optimizer):
    latex, plain = statements(optimizer())
    assert len(latex) == len(plain) >= 1
    assert all("<-" not in p for p in plain) and "←" in plain[-1]
    assert r"\leftarrow" in latex[-1]  # the last statement moves W
    # Statement for statement the same variable is assigned (the panel lights them by position).
    tex_names = {r"\hat{v}": "v̂", r"\Delta": "Δ"}
    assigned_tex = [tex_names.get(t, t) for t in (s.split(r"\leftarrow")[0].strip() for s in latex)]
    assigned_plain = [s.split("←")[0].split(":")[-1].strip() for s in plain]
    assert assigned_tex == assigned_plain


def test_template_uses_only_classes_and_packages_a_minimal_tex_has():
    template = minimal_template()
    assert "standalone" not in template.documentclass + template.preamble
    if shutil.which("kpsewhich"):
        for name in ("article.cls", "amsmath.sty", "amssymb.sty"):
            found = subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout
            assert found.strip(), f"{name} is not in this TeX"


@pytest.mark.skipif(not HAS_TEX, reason="needs latex and dvisvgm")
def test_with_tex_a_rule_is_typeset(capsys, monkeypatch):
    monkeypatch.setattr(equations, "_noticed", [])
    line = math_line(r"W \leftarrow W - \eta g", "W ← W − η g", "#1A1A1A")
    assert isinstance(line, MathTex) and line.width > 0
    assert capsys.readouterr().err == ""


def test_without_tex_the_rule_is_unicode_text_and_said_once(no_tex, capsys):
    first = math_line(r"W \leftarrow W - \eta g", "W ← W − η g", "#1A1A1A")
    second = math_line(r"h \leftarrow h + g", "h ← h + g", "#1A1A1A")
    assert isinstance(first, Text) and first.text.replace(" ", "") == "W←W−ηg"
    assert isinstance(second, Text)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "plain text" in err and "texlive-latex-base" in err


def test_a_failing_tex_falls_back_too(monkeypatch, capsys):
    monkeypatch.setattr(equations, "_noticed", [])
    monkeypatch.setattr(equations, "tex_available", lambda: True)

    def broken(*args, **kwargs):
        raise ValueError("latex error converting to dvi")

    monkeypatch.setattr(equations, "MathTex", broken)
    fresh = f"x_{{{uuid.uuid4().hex}}}"  # never cached: the broken MathTex must be reached
    assert isinstance(math_line(fresh, "x", "#000000"), Text)
    assert "plain text" in capsys.readouterr().err


def test_panel_lights_one_statement(no_tex):
    from optiroll.optim.book import AdaGrad

    panel = EquationPanel(
        AdaGrad(lr=1.5), color="#1A1A1A", accent="#D55E00", max_width=5.0, row_height=0.5
    )
    assert len(panel.rows) == 2 and panel.width <= 5.0 + 0.3
    panel.light(1)
    colors = [row.get_color().to_hex().upper() for row in panel.rows]
    assert colors == ["#1A1A1A", "#D55E00"]
    # The frame surrounds the lit row.
    assert panel.frame.get_top()[1] >= panel.rows[1].get_top()[1]
    assert panel.frame.get_bottom()[1] <= panel.rows[1].get_bottom()[1]


def test_render_without_tex_still_succeeds(no_tex, tmp_path):
    out = tmp_path / "plain.mp4"
    args = ["render", "explain", "-o", "sgd", "-n", "1", "-q", "preview"]
    result = CliRunner().invoke(cli, [*args, "--seconds-per-step", "0.4", "-O", str(out)])
    assert result.exit_code == 0, result.output
    assert "plain text" in result.output  # CliRunner mixes stderr into the output
    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 6 + 15  # 0.4 s step + 1 s hold
    assert json.loads(Path(str(out) + ".json").read_text())["output"]["frames"] == 21


@pytest.mark.parametrize("name", ["amsgrad", "adadelta"])
def test_a_four_statement_rule_fits_its_box_frame_included(no_tex, name):
    panel = EquationPanel(
        make_optimizer(name, {}),
        color="#1A1A1A",
        accent="#D55E00",
        max_width=5.0,
        row_height=0.8,
        max_height=2.0,
    )
    assert len(panel.rows) == 4
    for lit in range(4):
        panel.light(lit)
        assert panel.height <= 2.0 + 1e-6


@pytest.mark.parametrize("name", ["adam", "adamw", "amsgrad"])
def test_the_rule_shown_drops_the_correction_when_the_run_does(name):
    corrected = statements(make_optimizer(name, {}))
    plain = statements(make_optimizer(name, {"bias_correction": "false"}))
    assert "1-β₁ᵗ" in corrected[1][-1] and r"1-\beta_1^t" in corrected[0][-1]
    assert "1-β₁ᵗ" not in plain[1][-1] and r"1-\beta_1^t" not in plain[0][-1]
    assert len(plain[0]) == len(corrected[0])  # the same statements, one factor fewer
