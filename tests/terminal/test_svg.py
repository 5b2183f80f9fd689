"""`play --record NAME.svg`: the animated SVG holds the recorded frames, in time, as the cast does,
and Chromium plays it as an `<img>`."""

import io
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from test_terminal import make_player, read_cast, replay

from optiroll.errors import OptirollError
from optiroll.optim.experiment import build_experiment
from optiroll.plan.palette import run_colors
from optiroll.plan.theme import DARK
from optiroll.terminal.player import play_in_terminal
from optiroll.terminal.svg import BASELINE, CELL, PAD, SvgWriter

SVG = "{http://www.w3.org/2000/svg}"


def frames_of(path):
    """The frame groups of the SVG in order, as the ElementTree of the document."""
    root = ET.parse(path).getroot()
    return root, [g for g in root.iter(f"{SVG}g") if "f" in g.get("class", "").split()]


def screens(path, cols, rows):
    """The screen after each frame group, painted in order as the browser paints them."""
    _, groups = frames_of(path)
    grid = [" " * cols] * rows
    shown = []
    for group in groups:
        if any(r.get("height") == "100%" for r in group.iter(f"{SVG}rect")):
            grid = [" " * cols] * rows  # a new size: a clean background
        for text in group.iter(f"{SVG}text"):
            y = round((float(text.get("y")) - PAD - BASELINE) / CELL[1])
            line = [" "] * cols
            for span in text.iter(f"{SVG}tspan"):
                x = round((float(span.get("x")) - PAD) / CELL[0])
                line[x : x + len(span.text)] = span.text
            grid[y] = "".join(line)
        shown.append([line.rstrip() for line in grid])
    return shown


def record_both(tmp_path, fps=4, steps=30):
    """The same pipe recording as a cast and as an SVG."""
    experiment = build_experiment(steps=steps)
    paths = tmp_path / "race.cast", tmp_path / "race.svg"
    for path in paths:
        play_in_terminal(experiment, fps=fps, record=str(path), stream=io.StringIO(), environ={})
    return paths


def test_the_svg_holds_every_frame_of_the_cast_in_time(tmp_path):
    cast, svg = record_both(tmp_path)
    header, events = read_cast(cast)
    outputs = [e for e in events if e[1] == "o"]
    root, groups = frames_of(svg)
    assert len(groups) == len(outputs) == 31
    starts = [float(g.get("data-start")) for g in groups]
    durations = [float(g.get("data-duration")) for g in groups]
    assert starts == pytest.approx([t for t, _, _ in outputs])
    assert durations == pytest.approx([0.25] * 30 + [header["idle_time_limit"]])
    # Each frame's keyframe shows it from its start to the end of the loop.
    style = root.find(f"{SVG}style").text
    total = float(re.search(r"\.f\{animation:([\d.]+)s step-end infinite\}", style).group(1))
    assert total == pytest.approx(sum(durations))
    for k, start in enumerate(starts[1:], start=1):
        found = re.search(rf"@keyframes k{k}\{{0%\{{visibility:hidden\}}([\d.]+)%,to", style)
        assert float(found.group(1)) == pytest.approx(100 * start / total, abs=1e-3)
    assert "@media (prefers-reduced-motion:reduce){.f{animation:none}}" in style


def test_the_svg_matches_the_cast_frame_for_frame_in_text(tmp_path):
    cast, svg = record_both(tmp_path)
    header, events = read_cast(cast)
    outputs = [e for e in events if e[1] == "o"]
    from_cast = [
        [line.rstrip() for line in replay(header, outputs[: k + 1]).lines()]
        for k in range(len(outputs))
    ]
    assert screens(svg, header["width"], header["height"]) == from_cast
    assert from_cast[0] != from_cast[-1]


def test_each_optimizer_keeps_its_colour_and_later_frames_hold_only_changed_rows(tmp_path):
    _, svg = record_both(tmp_path)
    text = svg.read_text(encoding="utf-8")
    names = [t.optimizer.name for t in build_experiment().run()]
    for color in run_colors(names, DARK.background):
        assert f"fill:{color.lower()}" in text
    _, groups = frames_of(svg)
    rows_drawn = [len(list(g.iter(f"{SVG}text"))) for g in groups]
    assert rows_drawn[0] == 24 and max(rows_drawn[1:]) < 24


@pytest.mark.parametrize("first, then", [((80, 24), (100, 30)), ((100, 30), (80, 24))])
def test_an_interactive_recording_keeps_pauses_short_and_its_resizes(tmp_path, first, then):
    sizes = iter([first] * 5 + [then] * 1000)
    path = tmp_path / "live.svg"
    with SvgWriter(path) as recording:
        player, _, _ = make_player(
            build_experiment(), size=lambda: next(sizes), interactive=False, cast=recording
        )
        player.run()
    root, groups = frames_of(path)
    assert float(root.get("width")) == pytest.approx(2 * PAD + 100 * CELL[0])
    last = screens(path, 100, 30)[-1]
    final = [line.rstrip() for line in player.canvas(then).frame(30, "end").lines()]
    assert last == final + [""] * (30 - then[1])
    assert all(float(g.get("data-duration")) <= recording.hold for g in groups)


def test_record_refuses_other_suffixes_and_a_failed_run_leaves_no_svg(tmp_path):
    with pytest.raises(OptirollError, match=r"does not end in \.cast or \.svg"):
        SvgWriter(tmp_path / "race.png")
    path = tmp_path / "race.svg"
    with pytest.raises(KeyboardInterrupt):
        with SvgWriter(path) as recording:
            recording.start(80, 24, title="t", idle_time_limit=2.0)
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


# --- in Chromium --------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=args)
        yield launched
        launched.close()


def image_page(tmp_path, svg, width):
    page = tmp_path / "post.html"
    # As a blog's stylesheet does: images fit the column.
    page.write_text(
        f'<!doctype html><body style="margin:0"><img id="fig" src="{svg.name}" alt="race" '
        'style="max-width:100%;height:auto"></body>',
        encoding="utf-8",
    )
    return page.as_uri()


def test_chromium_plays_the_svg_as_an_image_and_keeps_its_aspect_at_360_px(browser, tmp_path):
    _, svg = record_both(tmp_path, fps=10)
    page = browser.new_page(viewport={"width": 360, "height": 640})
    page.goto(image_page(tmp_path, svg, 360))
    page.wait_for_function("document.getElementById('fig').complete")
    natural_w, natural_h, shown_w, shown_h = page.evaluate(
        "(() => { const i = document.getElementById('fig');"
        " return [i.naturalWidth, i.naturalHeight, i.clientWidth, i.clientHeight]; })()"
    )
    assert natural_w > 360 and shown_w == 360
    assert shown_w / shown_h == pytest.approx(natural_w / natural_h, rel=0.01)
    image = page.locator("#fig")
    first = image.screenshot()
    page.wait_for_timeout(1500)
    later = image.screenshot()
    assert first != later  # it animates
    page.close()


def test_play_refuses_a_record_suffix_it_does_not_know_in_one_line(tmp_path):
    from click.testing import CliRunner

    from optiroll.cli import cli

    result = CliRunner().invoke(cli, ["play", "--record", str(tmp_path / "race.gif")])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"optiroll: error: --record {tmp_path / 'race.gif'} does not end in .cast or .svg"
    ]
    assert list(tmp_path.iterdir()) == []
