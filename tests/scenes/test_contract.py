"""The scene contract: every scene is an OptirollScene, and the pipeline asks it, not around it."""

import json

import pytest
from click.testing import CliRunner

pytest.importorskip("manim")

from optiroll.cli import cli  # noqa: E402
from optiroll.optim.experiment import build_experiment  # noqa: E402
from optiroll.plan.aid_colors import aid_colors  # noqa: E402
from optiroll.plan.palette import hue_names, run_colors  # noqa: E402
from optiroll.plan.request import RenderRequest  # noqa: E402
from optiroll.plan.settings import SCENES  # noqa: E402
from optiroll.render import pipeline  # noqa: E402
from optiroll.scenes import base, plots  # noqa: E402
from optiroll.scenes.base import OptirollScene  # noqa: E402


@pytest.mark.parametrize("name", sorted(SCENES))
def test_every_scene_derives_from_the_contract(name):
    assert issubclass(pipeline.scene_class(name), OptirollScene)


def test_only_the_lecture_is_sectioned_and_the_boards_keep_their_colours():
    sectioned = {name for name in SCENES if pipeline.scene_class(name).sectioned}
    assert sectioned == {"lecture"}
    experiment = build_experiment(None, ["adam"], None, None, 3, None)
    settings = RenderRequest(scene="explain").resolve()
    figure = pipeline.scene_class("compare").exact_colors(settings, experiment)
    board = pipeline.scene_class("explain").exact_colors(settings, experiment)
    scheme = pipeline.scene_class("explain").style_for(settings, experiment).scheme
    aids = aid_colors(hue_names(["adam"])[0], scheme.background, scheme.name)
    assert set(board) == set(figure) | set(aids.all)
    assert scheme.background in figure and run_colors(["adam"], scheme.background)[0] in figure


def render(tmp_path, *args):
    out = tmp_path / "fig.gif"
    result = CliRunner().invoke(
        cli, ["render", *args, "-n", "2", "--quality", "preview", "-O", str(out)]
    )
    return result, tmp_path / "fig.gif.json"


def test_the_pipeline_calls_the_hooks_a_scene_overrides(tmp_path, monkeypatch):
    asked = {}
    from optiroll.render.background import EncoderProcess

    real_open = EncoderProcess.open

    def open_encoder(self, *args, fixed_colors, **kwargs):
        asked["fixed"] = fixed_colors
        return real_open(self, *args, fixed_colors=fixed_colors, **kwargs)

    monkeypatch.setattr(EncoderProcess, "open", open_encoder)
    monkeypatch.setattr(
        plots.OptimizerFigure,
        "exact_colors",
        classmethod(lambda cls, settings, experiment: ["#FFFFFF", "#123456"]),
    )
    monkeypatch.setattr(
        plots.OptimizerFigure, "sidecar_panels", lambda self, scale: [{"from": "the scene"}]
    )
    result, sidecar = render(tmp_path, "race", "-o", "adam")
    assert result.exit_code == 0, result.output
    assert asked["fixed"] == ["#FFFFFF", "#123456"]
    assert json.loads(sidecar.read_text())["panels"] == [{"from": "the scene"}]


def test_the_frames_the_scene_plans_are_checked(tmp_path, monkeypatch):
    planned = plots.OptimizerFigure.planned_frames
    monkeypatch.setattr(
        plots.OptimizerFigure,
        "planned_frames",
        classmethod(lambda cls, settings, runs: planned(settings, runs) + 1),
    )
    result, sidecar = render(tmp_path, "race", "-o", "adam")
    assert isinstance(result.exception, RuntimeError)
    assert "expected" in str(result.exception) and not sidecar.exists()


def test_the_side_car_gets_the_layout_the_scene_drew_with(tmp_path, monkeypatch):
    layouts = []
    real = plots.layout_figure

    def counted(settings, experiment):
        layouts.append(real(settings, experiment))
        return layouts[-1]

    monkeypatch.setattr(plots, "layout_figure", counted)
    monkeypatch.setattr(base, "layout_figure", counted)
    result, sidecar = render(tmp_path, "race", "--loss-curve")
    assert result.exit_code == 0, result.output
    assert len(layouts) == 1  # laid out once: for drawing, and the side-car is handed that
    assert "loss_curve" in json.loads(sidecar.read_text())
