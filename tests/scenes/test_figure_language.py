"""The 2D figures' visual language, checked on real renders: a colour per optimizer in every scene
and theme, opaque paths with a dot at every step, a faded ghost path from the first frame, the
minimum drawn above the balls, and axes whose ticks sit where the data says."""

import colorsys
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

pytest.importorskip("manim")

from media import gif_frames, rgb  # noqa: E402
from optiroll.cli import cli  # noqa: E402
from optiroll.plan.palette import contrast  # noqa: E402
from optiroll.plan.theme import DARK, LIGHT  # noqa: E402
from optiroll.scenes.mobjects import TrailedBall  # noqa: E402

BOOK_FOUR = ["sgd", "momentum", "adagrad", "adam"]


def render(tmp_path: Path, *args: str, name: str = "out.gif"):
    """Frames (RGB ints) and side-car of a render into `tmp_path`."""
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["render", *args, "-O", str(out)])
    assert result.exit_code == 0, result.output
    sidecar = json.loads((tmp_path / (name + ".json")).read_text())
    if name.endswith(".png"):
        with Image.open(out) as im:
            return [np.asarray(im.convert("RGB")).astype(int)], sidecar
    return gif_frames(out), sidecar


def pixel_at(point, panel) -> tuple[int, int]:
    """(row, col) of the pixel a data point falls in (pixel k spans [k, k + 1]; `media.pixel_of`
    rounds, which may pick its neighbour)."""
    left, top, right, bottom = panel["pixel_rect"]
    x0, x1, y0, y1 = panel["data_window"]
    col = left + (point[0] - x0) / (x1 - x0) * (right - left)
    row = bottom - (point[1] - y0) / (y1 - y0) * (bottom - top)
    return int(np.floor(row)), int(np.floor(col))


def hex_of(pixel) -> str:
    return "#" + "".join(f"{int(c):02X}" for c in pixel)


def hue(pixel) -> float:
    return colorsys.rgb_to_hls(*(np.asarray(pixel) / 255))[0]


def hue_distance(a: float, b: float) -> float:
    return min(abs(a - b), 1 - abs(a - b))


def panel_of(sidecar, run: int) -> dict:
    return next(p for p in sidecar["panels"] if run in p["runs"])


@pytest.fixture(scope="module")
def book_gif(tmp_path_factory):
    """The book's four at blog size, a few steps: the figure a reader sees first."""
    return render(tmp_path_factory.mktemp("book"), "-n", "6")


def test_each_optimizer_keeps_its_hue_in_every_scene_and_theme(tmp_path):
    """The ball's centre pixel, where the side-car puts it, in compare, race, single and explain
    (there the dot of step 1: the arrows sit on the ball), light and dark: one hue per optimizer
    (lightness may move, to keep 3:1 on the page)."""
    seen: dict[str, list[tuple[str, float]]] = {name: [] for name in BOOK_FOUR}
    specs = [o for name in BOOK_FOUR for o in ("-o", name)]
    cases = [
        (scene, theme, names)
        for theme in ("light", "dark")
        for scene, names in (("compare", BOOK_FOUR), ("race", BOOK_FOUR), ("single", ["adam"]))
    ] + [("explain", "light", ["momentum"])]
    for i, (scene, theme, names) in enumerate(cases):
        args = specs if len(names) > 1 else ["-o", names[0]]
        frames, sidecar = render(
            tmp_path,
            scene,
            *args,
            *("--theme", theme, "-n", "3", "-f", "png", "-q", "preview"),
            name=f"{i}.png",
        )
        for run, name in enumerate(names):
            trajectory = sidecar["trajectories"][run]
            point = trajectory["points"][1 if scene == "explain" else -1]
            row, col = pixel_at(point, panel_of(sidecar, run))
            pixel = frames[-1][row, col]
            assert np.abs(pixel - rgb(trajectory["color"])).max() <= 8, (scene, theme, name)
            seen[name].append((f"{scene}/{theme}", hue(pixel)))
    for name, hues in seen.items():
        first = hues[0][1]
        for where, h in hues:
            assert hue_distance(h, first) < 0.03, (name, where, hues)
    # And the four are told apart.
    firsts = [hues[0][1] for hues in seen.values()]
    assert min(hue_distance(a, b) for i, a in enumerate(firsts) for b in firsts[i + 1 :]) > 0.05


def along_segments(points, shares=(0.3, 0.5, 0.7)):
    """Points part-way along each step's segment, away from the dots at the iterates."""
    points = np.asarray(points)
    for a, b in zip(points[:-1], points[1:], strict=False):
        for t in shares:
            yield a + t * (b - a), np.linalg.norm(b - a)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_paths_reach_3_to_1_against_the_page(tmp_path, theme):
    """Along every drawn segment of every run, at 854x480, the trail's best pixel across its width
    stands out 3:1 from the page (WCAG 1.4.11), anti-aliasing included."""
    frames, sidecar = render(tmp_path, "--theme", theme, "-n", "6")
    last = frames[-1]
    page = (LIGHT if theme == "light" else DARK).background
    checked = 0
    for run, trajectory in enumerate(sidecar["trajectories"]):
        panel = panel_of(sidecar, run)
        left, top, right, bottom = panel["pixel_rect"]
        scale = (right - left) / (panel["data_window"][1] - panel["data_window"][0])
        for point, length in along_segments(trajectory["points"]):
            if length * scale < 8:  # a step shorter than its dots: nothing but dots to see
                continue
            row, col = pixel_at(point, panel)
            patch = last[row - 1 : row + 2, col - 1 : col + 2].reshape(-1, 3)
            best = max(contrast(hex_of(p), page) for p in patch)
            assert best >= 3.0, (trajectory["optimizer"], point, patch.tolist())
            checked += 1
    assert checked > 20


def run_share(pixel, color: str, page: str) -> float:
    """How far `pixel` is from the page toward `color`, 0 to 1 (per channel, least-squares)."""
    own, background = rgb(color).astype(float), rgb(page).astype(float)
    direction = own - background
    return float(np.dot(np.asarray(pixel) - background, direction) / np.dot(direction, direction))


def dot_at(frame, point, panel, color: str, page: str) -> bool:
    """A dot, not just a line, at `point`: run-coloured pixels 2 px away in 3 of 4 directions (a
    2.4 px line reaches at most the 2 along it)."""
    row, col = pixel_at(point, panel)
    around = [frame[row + dr, col + dc] for dr, dc in ((2, 0), (-2, 0), (0, 2), (0, -2))]
    return sum(run_share(p, color, page) >= 0.5 for p in around) >= 3


def test_a_dot_marks_every_step_and_appears_as_the_ball_passes(book_gif):
    frames, sidecar = book_gif
    last = frames[-1]
    for run, trajectory in enumerate(sidecar["trajectories"]):
        panel, color = panel_of(sidecar, run), trajectory["color"]
        for point in trajectory["points"]:
            assert dot_at(last, point, panel, color, LIGHT.background), (run, point)
    # When step 2's dot has appeared, step 5's has not: the dots come with the ball.
    sgd, panel = sidecar["trajectories"][0], panel_of(sidecar, 0)
    ahead = [dot_at(f, sgd["points"][2], panel, sgd["color"], LIGHT.background) for f in frames]
    early = frames[ahead.index(True)]
    assert not dot_at(early, sgd["points"][5], panel, sgd["color"], LIGHT.background)


def test_the_first_frame_shows_every_whole_path_faded(book_gif):
    """The ghost: each run's later points already drawn in its faded colour at frame 0, which a
    GIF keeps exactly (it is among `TrailedBall.colors`)."""
    frames, sidecar = book_gif
    first = frames[0]
    for run, trajectory in enumerate(sidecar["trajectories"]):
        ghost = TrailedBall.colors(trajectory["color"], LIGHT.background)[1]
        panel = panel_of(sidecar, run)
        for point in trajectory["points"][2:]:
            row, col = pixel_at(point, panel)
            patch = first[row - 1 : row + 2, col - 1 : col + 2].reshape(-1, 3)
            assert (np.abs(patch - rgb(ghost)).max(axis=1) == 0).any(), (run, point)
            # Faded: well short of the run's own colour.
            assert max(run_share(p, trajectory["color"], LIGHT.background) for p in patch) < 0.5


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_nothing_is_drawn_over_the_minimum(tmp_path, theme):
    """A ball started on the minimum sits under it the whole time; the '+' stays on top, in the
    marker's colour, at its centre and along both arms."""
    frames, sidecar = render(
        tmp_path, "-o", "adam", "-o", "sgd", "--start", "0", "0", "-n", "2", "--theme", theme
    )
    marker = (LIGHT if theme == "light" else DARK).minimum
    for run in range(2):
        panel = panel_of(sidecar, run)
        for frame in (frames[0], frames[-1]):
            assert is_plus(frame, (0.0, 0.0), panel, marker), run


def is_plus(frame, point, panel, color: str) -> bool:
    """A '+' in `color` at `point`: at its centre and 3 px out along each arm, the arm's best pixel
    across its width (2.4 px: one pixel at least is covered whole) is `color`."""
    row, col = pixel_at(point, panel)

    def inked(r: int, c: int, across: tuple[int, int]) -> bool:
        pixels = [frame[r + k * across[0], c + k * across[1]] for k in (-1, 0, 1)]
        return min(np.abs(p - rgb(color)).max() for p in pixels) <= 40

    arms = [
        ((0, 0), (0, 1)),
        ((0, 3), (1, 0)),
        ((0, -3), (1, 0)),
        ((3, 0), (0, 1)),
        ((-3, 0), (0, 1)),
    ]
    return all(inked(row + dr, col + dc, across) for (dr, dc), across in arms)


def runs_of(line, color: str, first: int) -> list[float]:
    """Centres (pixel centres, k + 0.5) of the runs of `color` along a line of pixels on the light
    page that starts at pixel `first`, each pixel weighted by how much of `color` it holds: a
    thin line between two pixels paints both paler."""
    page, ink = rgb(LIGHT.background), rgb(color)
    share = ((page - line) / (page - ink)).mean(axis=1)
    grey = np.abs(line - (page + np.outer(share, ink - page))).max(axis=1) <= 30
    hits = np.flatnonzero(grey & (share >= 0.25))
    runs = np.split(hits, np.flatnonzero(np.diff(hits) > 1) + 1) if len(hits) else []
    return [float(np.average(r + 0.5, weights=share[r])) + first for r in runs if len(r)]


def check_round_and_even(values: list[float], pixel: float) -> None:
    """Values a tick could have: at least three, a round step (1, 2 or 5 times a power of ten),
    each a multiple of it within 1.5 pixels."""
    assert len(values) >= 3, values
    step = values[1] - values[0]
    mantissa = step / 10 ** np.floor(np.log10(step))
    assert min(abs(mantissa - m) for m in (1, 2, 5, 10)) < 0.1, values
    for value in values:
        assert abs(value - round(value / step) * step) <= 1.5 * pixel, values


def centred(ink, at: float, half: int) -> bool:
    """Whether the ink across `ink`'s columns within `half` of `at` is centred on `at`, to 2 px."""
    lo = int(at) - half
    cols = np.flatnonzero(ink[:, max(lo, 0) : int(at) + half + 1].any(axis=0)) + max(lo, 0)
    return len(cols) > 0 and abs((cols.min() + cols.max() + 1) / 2 - at) <= 2


def test_ticks_and_their_labels_sit_where_their_values_are(book_gif):
    """Under the plots of the bottom row and left of those of the first column, every tick mark
    maps back through the side-car to a round value, evenly spaced, and each label's ink is
    centred on its tick (neighbours share these ticks: they draw the marks only)."""
    frames, sidecar = book_gif
    last = frames[-1]
    ink = np.abs(last - rgb(LIGHT.muted_text)).max(axis=-1) <= 80
    panels = sidecar["panels"]
    lowest = max(p["pixel_rect"][3] for p in panels)
    leftmost = min(p["pixel_rect"][0] for p in panels)
    checked = 0
    for panel in panels:
        left, top, right, bottom = panel["pixel_rect"]
        x0, x1, y0, y1 = panel["data_window"]
        at_left, at_top, at_right, at_bottom = (int(v) for v in (left, top, right, bottom))
        if bottom == lowest:
            line = last[at_bottom + 2, at_left - 1 : at_right + 2]
            columns = runs_of(line, LIGHT.frame, at_left - 1)
            values = [x0 + (c - left) / (right - left) * (x1 - x0) for c in columns]
            check_round_and_even(values, (x1 - x0) / (right - left))
            # Half a wide label ("−10": 38 px), short of the axis name at the right end.
            half = min(int((columns[1] - columns[0]) / 2) - 1, 24)
            row_ink = ink[at_bottom + 6 : at_bottom + 24]
            assert all(centred(row_ink, c, half) for c in columns), columns
            checked += 1
        if left == leftmost:
            rows = runs_of(last[at_top - 1 : at_bottom + 2, at_left - 3], LIGHT.frame, at_top - 1)
            values = sorted(y0 + (bottom - q) / (bottom - top) * (y1 - y0) for q in rows)
            check_round_and_even(values, (y1 - y0) / (bottom - top))
            half = 10  # half a label's height and more, short of the name above the top one
            # The labels' column: the gutter as the layout sized it, from the frame's edge.
            column_ink = ink[at_top - 10 : at_bottom + 10, max(at_left - 48, 0) : at_left - 7].T
            assert all(centred(column_ink, q - (at_top - 10), half) for q in rows), rows
            checked += 1
    assert checked >= 3


def marker_pixels(frame, point, panel, color: str, reach: int = 8) -> np.ndarray:
    """Offsets (row, col) from `point`'s pixel of the pixels in `color` within `reach`."""
    row, col = pixel_at(point, panel)
    patch = frame[row - reach : row + reach + 1, col - reach : col + reach + 1]
    hits = np.argwhere(np.abs(patch - rgb(color)).max(axis=-1) <= 40)
    return hits - reach


def test_an_expr_surface_marks_the_minimum_found_inside_its_window(tmp_path):
    frames, sidecar = render(
        tmp_path, "single", "-o", "sgd", "-s", "expr:(x - 3)**2/20 + (y + 1.5)**2", "-n", "2"
    )
    assert is_plus(frames[-1], (3.0, -1.5), sidecar["panels"][0], LIGHT.minimum)


def test_the_saddle_is_marked_with_an_open_diamond(tmp_path):
    frames, sidecar = render(tmp_path, "single", "-o", "sgd", "-p", "saddle", "-n", "2")
    hits = {
        tuple(h) for h in marker_pixels(frames[-1], (0.0, 0.0), sidecar["panels"][0], LIGHT.minimum)
    }
    assert len(hits) > 15
    assert (0, 0) not in hits  # open, unlike the minimum's '+'
    # Its corners sit on the axes through the point: ink above, below, left and right.
    for direction in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        assert any(h[0] * direction[0] + h[1] * direction[1] >= 4 for h in hits), direction
