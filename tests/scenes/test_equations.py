"""Equations: LaTeX through a template the minimal TeX can compile, else the rule's Unicode set in
the math font, never a failed render; symbols in their aids' colours; the board says what the
rule says."""

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import av
import pytest
from click.testing import CliRunner

pytest.importorskip("manim")

from manim import MathTex  # noqa: E402

from optiroll.cli import cli  # noqa: E402
from optiroll.optim.experiment import build_experiment  # noqa: E402
from optiroll.optim.registry import OPTIMIZERS, make_optimizer  # noqa: E402
from optiroll.plan.beats import explain_beats  # noqa: E402
from optiroll.plan.narration import (  # noqa: E402
    gradient_symbol,
    readout_labels,
    readout_values,
    rule_text,
    statements,
    step_caption,
)
from optiroll.plan.notation import GRADIENT, from_unicode, symbols, tex_symbols  # noqa: E402
from optiroll.plan.request import RenderRequest  # noqa: E402
from optiroll.plan.words import ENGLISH, KOREAN  # noqa: E402
from optiroll.scenes import equations  # noqa: E402
from optiroll.scenes.equations import EquationPanel, math_line, minimal_template  # noqa: E402
from optiroll.scenes.math_text import TextBlock  # noqa: E402

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
    # ... and statement for statement the same symbols.
    assert [tex_symbols(t) for t in latex] == [symbols(from_unicode(p)) for p in plain]


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: o.name)
def test_the_boards_symbols_are_the_rules(optimizer):
    """Readout, captions (worked and short) and the arrows' legend name only the rule's symbols;
    a rule that never names the gradient (AdamW's defers to Adam's) has it as g."""
    run = build_experiment(None, [optimizer.name], None, None, 4).run()[0]
    opt = run.optimizer
    rule = symbols(rule_text(opt))
    board = set(rule)
    for words in (ENGLISH, KOREAN):
        lesson = words.lesson
        said = [*readout_labels(words, run), lesson.velocity_arrow]
        said.append(lesson.gradient_arrow.format(grad="−" + gradient_symbol(opt), scale=0.5))
        for k in range(4):
            said += readout_values(run, k)
            said += [step_caption(words, run, k), step_caption(words, run, k, full=False)]
        if optimizer.name not in ("momentum", "nesterov"):
            said.remove(lesson.velocity_arrow)  # only a velocity rule draws v's arrow
        for text in said:
            board |= symbols(text)
    names_gradient = GRADIENT in rule or "g" in rule
    assert board == (rule if names_gradient else rule | {"g"})


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


def test_without_tex_the_rule_is_set_in_the_math_font_and_said_once(no_tex, capsys):
    first = math_line(r"W \leftarrow W - \eta g", "W ← W − η·g", "#1A1A1A", "NanumGothic")
    second = math_line(r"h \leftarrow h + g", "h ← h + g", "#1A1A1A")
    assert isinstance(first, TextBlock) and isinstance(second, TextBlock)
    set_as = first.markup[0]
    # Every glyph of the rule is in the math font's span, none in the Hangul font's.
    assert 'font_family="NanumGothic"' not in set_as
    assert set_as.startswith('<span font_family="Latin Modern Math">')
    assert "𝑊" in set_as and "𝜂" in set_as  # the variables in mathematical italics
    assert len(first.lines[0]) == len("W←W−η⋅g")  # a glyph each, none dropped
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "math font" in err and "texlive-latex-base" in err


def test_a_failing_tex_falls_back_too(monkeypatch, capsys):
    monkeypatch.setattr(equations, "_noticed", [])
    monkeypatch.setattr(equations, "tex_available", lambda: True)

    def broken(*args, **kwargs):
        raise ValueError("latex error converting to dvi")

    monkeypatch.setattr(equations, "MathTex", broken)
    fresh = f"x_{{{uuid.uuid4().hex}}}"  # never cached: the broken MathTex must be reached
    assert isinstance(math_line(fresh, "x", "#000000"), TextBlock)
    assert "math font" in capsys.readouterr().err


@pytest.mark.skipif(not HAS_TEX, reason="needs latex and dvisvgm")
def test_symbols_take_the_colour_of_what_draws_them(monkeypatch):
    monkeypatch.setattr(equations, "_noticed", [])
    colors = {GRADIENT: "#D55E00", "h": "#1D97DD"}
    line = math_line(statements(make_optimizer("adagrad", {}))[0][1], "", "#1A1A1A", colors=colors)
    assert isinstance(line, MathTex)
    drawn = {
        part.tex_string.strip(): {
            glyph.get_fill_color().to_hex().upper() for glyph in part.family_members_with_points()
        }
        for part in line
    }
    assert drawn["h"] == {"#1D97DD"} and drawn[r"\frac{\partial L}{\partial W}"] == {"#D55E00"}
    assert drawn[r"W \leftarrow W - \eta \frac{1}{\sqrt{"] == {"#1A1A1A"}


def test_panel_puts_the_band_of_now_behind_one_statement(no_tex):
    from optiroll.optim.book import AdaGrad

    panel = EquationPanel(
        AdaGrad(lr=1.5),
        color="#1A1A1A",
        colors={"h": "#1D97DD"},
        now="#9C920C",
        now_fill="#FAF7C6",
        max_width=5.0,
        row_height=0.5,
    )
    assert len(panel.rows) == 2 and panel.width <= 5.0 + 0.3
    panel.light(1)
    # The band is behind statement 1, in the colour of now; the rows keep their own colours.
    assert panel.band.get_fill_color().to_hex().upper() == "#FAF7C6"
    assert panel.band.get_stroke_color().to_hex().upper() == "#9C920C"
    assert panel.band.get_top()[1] >= panel.rows[1].get_top()[1]
    assert panel.band.get_bottom()[1] <= panel.rows[1].get_bottom()[1]
    assert panel.band.get_top()[1] < panel.rows[0].get_bottom()[1]  # statement 0 is not on it
    assert panel.submobjects.index(panel.band) < panel.submobjects.index(panel.rows)
    inks = {g.get_fill_color().to_hex().upper() for g in panel.rows[0].family_members_with_points()}
    assert inks == {"#1A1A1A", "#1D97DD"}  # h in the step size's colour, the rest in the text's
    # Lit again after the panel moved (as a card's rule does), the band is behind the row there.
    panel.shift([2.0, -1.0, 0])
    panel.light(0)
    panel.light(1)
    assert panel.band.get_top()[1] >= panel.rows[1].get_top()[1]
    assert panel.band.get_bottom()[1] <= panel.rows[1].get_bottom()[1]
    assert panel.band.get_left()[0] < panel.rows.get_left()[0] < panel.band.get_right()[0]


def test_render_without_tex_still_succeeds(no_tex, tmp_path):
    out = tmp_path / "plain.mp4"
    args = ["render", "explain", "-o", "sgd", "-n", "1", "-q", "preview"]
    result = CliRunner().invoke(cli, [*args, "--seconds-per-step", "0.4", "-O", str(out)])
    assert result.exit_code == 0, result.output
    assert "math font" in result.output  # CliRunner mixes stderr into the output
    settings = RenderRequest(
        scene="explain", format="mp4", quality="preview", seconds_per_step=0.4
    ).resolve()
    run = build_experiment(None, ["sgd"], None, None, 1).run()[0]
    planned = sum(explain_beats(settings, run))
    assert planned == 6 + round(settings.hold_seconds * 15)  # a 0.4 s step, then the hold
    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(video=0)) == planned
    assert json.loads(Path(str(out) + ".json").read_text())["output"]["frames"] == planned


@pytest.mark.parametrize("name", ["amsgrad", "adadelta"])
def test_a_four_statement_rule_fits_its_box_frame_included(no_tex, name):
    panel = EquationPanel(
        make_optimizer(name, {}),
        color="#1A1A1A",
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
