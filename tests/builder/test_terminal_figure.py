"""`scene = "terminal"` in a figures file: the animated SVG, the asciicast with a marker per step,
the poster and the snippet, written without Manim and cached like any other figure."""

import json
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest
from test_build import Tags, write

from optiroll.builder.figures_file import FiguresFileError, load_figures

TERMINAL = """\
title = "In the terminal"

[defaults]
quality = "preview"
theme = "dark"

[figures.race]
scene = "terminal"
steps = 6
fps = 4
alt = "four balls <race> & \\"roll\\""
caption = "The book's race, as `optiroll play` shows it"
"""
FILES = ("race.svg", "race.cast", "race.still.svg")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("terminal")
    figures = write(root, TERMINAL)
    out = root / "out"
    # In a fresh interpreter, to see what the build imported; built twice in it, as the cache
    # key hashes optiroll's source, which other work may change between two interpreters.
    code = textwrap.dedent(
        f"""\
        import os, sys
        from click.testing import CliRunner
        from optiroll.cli import cli
        def build():
            r = CliRunner().invoke(cli, ['build', {str(figures)!r}, '--out', {str(out)!r}])
            assert r.exit_code == 0, r.output
            return r.output.splitlines()[-1]
        def mtimes():
            return {{p: os.stat(os.path.join({str(out)!r}, p)).st_mtime_ns
                    for p in os.listdir({str(out)!r})}}
        first = build()
        before = mtimes()
        again = build()
        print('manim' in sys.modules)
        print(first)
        print(again)
        print(mtimes() == before)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return figures, out, done.stdout.splitlines()


def frame_groups(path):
    root = ET.parse(path).getroot()
    return root, [g for g in root.iter(f"{SVG}g") if "f" in g.get("class", "").split()]


def test_a_terminal_figure_writes_its_files_without_manim(built):
    _, out, (imported_manim, summary, _, _) = built
    assert imported_manim == "False"
    assert summary.startswith("3 rendered, 0 up to date, 0 failed")
    root, groups = frame_groups(out / "race.svg")
    assert len(groups) == 7  # the start and six steps
    assert [float(g.get("data-start")) for g in groups] == pytest.approx([k / 4 for k in range(7)])
    for name in FILES:
        sidecar = json.loads((out / f"{name}.json").read_text())
        assert sidecar["output"] == {
            "file": name,
            "width": int(root.get("width")),
            "height": int(root.get("height")),
        }
        assert sidecar["experiment"]["steps"] == 6 and sidecar["settings"]["fps"] == 4


def test_the_cast_has_a_marker_at_each_step_before_its_frame(built):
    _, out, _ = built
    header, *events = [json.loads(line) for line in (out / "race.cast").read_text().splitlines()]
    assert (header["version"], header["width"], header["height"]) == (2, 80, 24)
    markers = [(t, label) for t, code, label in events if code == "m"]
    assert markers == [(k / 4, f"step {k}") for k in range(7)]
    codes = [code for _, code, _ in events]
    assert codes == ["m", "o"] * 7
    times = [e[0] for e in events]
    assert all(a < b for a, b in zip(times, times[1:], strict=False))


def test_the_poster_is_the_last_frame_alone(built):
    _, out, _ = built
    root, (still,) = frame_groups(out / "race.still.svg")
    animated_root, groups = frame_groups(out / "race.svg")
    assert (root.get("width"), root.get("height")) == (
        animated_root.get("width"),
        animated_root.get("height"),
    )
    texts = [t for t in still.iter(f"{SVG}text")]
    header = "".join(span.text for span in texts[0].iter(f"{SVG}tspan"))
    assert header.startswith("step 6/6") and len(texts) == 24


def test_the_snippet_shows_the_svg_with_its_size_and_the_poster_for_reduced_motion(built):
    _, out, _ = built
    tags = Tags((out / "race.md").read_text())
    image = tags.first("img")
    assert image["src"] == "race.svg" and image["alt"] == 'four balls <race> & "roll"'
    root, _ = frame_groups(out / "race.svg")
    width, height = root.get("width"), root.get("height")
    assert (image["width"], image["height"]) == (width, height)
    assert f"aspect-ratio: {width} / {height}" in image["style"]
    source = tags.first("source")
    assert source == {"media": "(prefers-reduced-motion: reduce)", "srcset": "race.still.svg"}
    assert tags.caption == "The book's race, as `optiroll play` shows it"
    assert "## race" in (out / "index.md").read_text()


def test_a_second_build_writes_nothing(built):
    _, _, (_, _, again, untouched) = built
    assert again.startswith("0 rendered, 3 up to date, 0 failed")
    assert untouched == "True"


def test_the_figures_file_round_trips(tmp_path):
    figures_file = load_figures(write(tmp_path, TERMINAL))
    (figure,) = figures_file.figures
    assert figure.terminal and figure.request.fps == 4
    assert figure.formats == ("svg",) and figure.outputs == ("svg", "cast", "still.svg")
    assert figure.experiment_args == {"steps": 6}
    assert figure.alt == 'four balls <race> & "roll"'


def test_render_options_and_a_bad_fps_are_refused_in_a_terminal_figure(tmp_path):
    text = """\
    [figures.a]
    scene = "terminal"
    alt = "a"
    format = "gif"
    [figures.b]
    scene = "terminal"
    alt = "b"
    fps = 0
    """
    with pytest.raises(FiguresFileError) as err:
        load_figures(write(tmp_path, text))
    assert err.value.problems == [
        f"{tmp_path / 'figures.toml'}:4: figure 'a': format: a terminal figure takes scene and "
        "fps only",
        f"{tmp_path / 'figures.toml'}:8: figure 'b': fps: --fps must be a positive finite number, "
        "got 0",
    ]
