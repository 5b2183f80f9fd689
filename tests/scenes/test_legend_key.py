"""Race's legend explains the landmarks after the runs, whatever the frame: a rendered legend
has a row of ink per run and per landmark the surface has."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

pytest.importorskip("manim")

from media import rgb  # noqa: E402
from optiroll.cli import cli  # noqa: E402
from optiroll.optim.experiment import build_experiment  # noqa: E402
from optiroll.plan.layout import layout_figure, scene_box_to_pixels  # noqa: E402
from optiroll.plan.request import RenderRequest  # noqa: E402
from optiroll.plan.theme import LIGHT  # noqa: E402


def ink_rows(image: np.ndarray, box: list[float]) -> int:
    """How many separate bands of rows hold dark ink (text, dots, glyphs) inside `box`."""
    left, top, right, bottom = (int(round(v)) for v in box)
    patch = image[top:bottom, left:right]
    inked = (np.abs(patch - rgb(LIGHT.background)).max(axis=-1) > 120).any(axis=1)
    return int(np.sum(inked[1:] & ~inked[:-1]) + inked[0])


@pytest.mark.parametrize(
    ("aspect", "preset", "landmarks"), [("16:9", "beale", 2), ("4:3", "saddle", 2)]
)
def test_the_legend_names_each_run_and_each_landmark(tmp_path, aspect, preset, landmarks):
    out = tmp_path / "race.png"
    args = ["render", "race", "-p", preset, "-o", "sgd", "-n", "3", "--aspect", aspect]
    result = CliRunner().invoke(cli, [*args, "-q", "preview", "-O", str(out)])
    assert result.exit_code == 0, result.output
    settings = json.loads((tmp_path / "race.png.json").read_text())["settings"]
    request = RenderRequest(scene="race", aspect=aspect, quality="preview", format="png")
    layout = layout_figure(request.resolve(), build_experiment(preset, ("sgd",), None, None, 3))
    assert layout.legend_columns == 1  # a square map: the legend is a column right of it
    box = scene_box_to_pixels(layout.legend, 8 * settings["width"] / settings["height"], 8,
                              settings["width"], settings["height"])  # fmt: skip
    with Image.open(out) as image:
        pixels = np.asarray(image.convert("RGB")).astype(int)
    assert ink_rows(pixels, box) == 1 + landmarks
