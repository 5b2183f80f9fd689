"""optiroll sweep -O maps.svg: the still drawn from the data, without Manim."""

import base64
import io
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
from click.testing import CliRunner

from optiroll.cli import cli
from optiroll.optim.experiment import build_experiment
from optiroll.optim.sweep import parse_axis, sweep
from optiroll.plan.sweep_figure import cell_colors, color_scale
from optiroll.plan.theme import LIGHT

SVG = "{http://www.w3.org/2000/svg}"
ARGS = ["-o", "sgd", "-o", "momentum", "--cells", "8", "-n", "20"]


def images(root) -> list[np.ndarray]:
    """Every embedded image, decoded (RGB), in document order."""
    from PIL import Image

    found = []
    for element in root.iter(f"{SVG}image"):
        data = element.get("href").split(",", 1)[1]
        found.append(np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")))
    return found


def test_the_svg_draws_every_cell_in_its_colour_and_frames_the_best(tmp_path):
    out = tmp_path / "maps.svg"
    result = CliRunner().invoke(cli, ["sweep", *ARGS, "-O", str(out)])
    assert result.exit_code == 0, result.output
    assert "best lr=" in result.output  # the table is printed too
    root = ET.parse(out).getroot()
    assert (root.get("width"), root.get("height")) == ("854", "480")
    maps = sweep(build_experiment(optimizer_specs=["sgd", "momentum"], steps=20),
                 (parse_axis("lr", 8),))  # fmt: skip
    scale = color_scale(maps)
    pictures = images(root)
    assert len(pictures) == len(maps.maps) + 1 + 1  # the maps, the colour bar, "diverged"
    for m, picture in zip(maps.maps, pictures, strict=False):
        expected = cell_colors(maps, m, scale, LIGHT)
        rows, columns = m.shape
        height, width = picture.shape[:2]
        for row in range(rows):
            for column in range(columns):
                y = int((rows - 1 - row + 0.5) * height / rows)
                x = int((column + 0.5) * width / columns)
                pixel = picture[y, x].astype(int)
                if m.diverged_at[row, column]:
                    hatch = [np.array([0x5A] * 3), np.array([0xFF] * 3)]
                    assert min(np.abs(pixel - h).max() for h in hatch) <= 1
                else:
                    assert np.abs(pixel - np.round(expected[row, column] * 255)).max() <= 1
    # each map's best cell framed in the text colour
    frames = [e for e in root.iter(f"{SVG}rect") if e.get("stroke") == LIGHT.text]
    assert len(frames) == len(maps.maps)
    # the paths of the best cells, in the optimizers' colours
    strokes = {e.get("stroke") for e in root.iter(f"{SVG}polyline")}
    assert {"#0072B2", "#D55E00"} <= strokes
    assert not [p for p in tmp_path.iterdir() if p.name != "maps.svg"]


def test_the_svg_is_made_without_manim(tmp_path):
    out = tmp_path / "maps.svg"
    code = f"""
import sys

class NoManim:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("manim", "manimpango", "cairo", "av", "PIL"):
            raise ImportError(name)

sys.meta_path.insert(0, NoManim())
from optiroll.cli import cli
cli({["sweep", *ARGS, "--theme", "dark", "--lang", "ko", "-O", str(out)]!r})
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "지도마다 최선의 칸" in text and LIGHT.background not in text.split(">", 2)[1]


def test_only_svg_is_written_by_sweep(tmp_path):
    result = CliRunner().invoke(cli, ["sweep", *ARGS, "-O", str(tmp_path / "maps.png")])
    assert result.exit_code == 2
    assert "for PNG, GIF or video use optiroll render sweep" in result.output
    assert not list(tmp_path.iterdir())
