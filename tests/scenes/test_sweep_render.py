"""render sweep: every cell in its colour, the walk's highlight and paths where the maps say."""

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from optiroll.cli import cli
from optiroll.optim.experiment import build_experiment
from optiroll.optim.sweep import parse_axis, sweep
from optiroll.plan.sweep_figure import ColorScale
from tests.media import gif_frames, pixel_of, rendered, rgb

pytest.importorskip("manim")

CELLS, STEPS = 8, 20


def render(tmp_path: Path, *args: str, name: str = "sweep.gif") -> tuple[Path, dict]:
    return tmp_path / name, rendered(tmp_path / name, "sweep", *args)


@pytest.fixture(scope="module")
def sweep_gif(tmp_path_factory):
    args = ["-o", "sgd", "-o", "momentum", "--cells", str(CELLS), "-n", str(STEPS)]
    return render(tmp_path_factory.mktemp("sweep"), *args)


def maps():
    exp = build_experiment(optimizer_specs=["sgd", "momentum"], steps=STEPS)
    return sweep(exp, (parse_axis("lr", CELLS),))


def ring_left(rect, shape, row, column):
    """(row, col) pixel on the left side of the walk's highlight of a cell: a frame three cells
    wide around it, kept inside the map."""
    left, top, right, bottom = rect
    y, x = centre(rect, shape, row, column)
    cell_w, cell_h = (right - left) / shape[1], (bottom - top) / shape[0]
    half_w, half_h = min(1.5 * cell_w, (right - left) / 2), min(1.5 * cell_h, (bottom - top) / 2)
    x = min(max(x, left + half_w), right - half_w)
    y = min(max(y, top + half_h), bottom - half_h)
    return int(round(y)), int(round(x - half_w))


def dark(pixels) -> bool:
    """Whether one of `pixels` is the highlight's ink: near the text colour, never a map's."""
    return bool((np.abs(pixels - rgb("#1A1A1A")).max(axis=-1) <= 40).any())


def centre(rect, shape, row, column):
    """(row, col) pixel of a cell's centre; row 0 at the bottom of the map."""
    left, top, right, bottom = rect
    rows, columns = shape
    x = left + (column + 0.5) * (right - left) / columns
    y = bottom - (row + 0.5) * (bottom - top) / rows
    return int(round(y)), int(round(x))


def test_the_frames_and_the_side_car(sweep_gif):
    path, sidecar = sweep_gif
    walk = sidecar["timeline"]
    frames = gif_frames(path)
    assert (
        len(frames)
        == walk["start_still_frames"] + CELLS * walk["frames_per_cell"] + walk["hold_frames"]
    )
    data = sidecar["sweep"]
    assert [len(m["final_loss"]) for m in data["maps"]] == [1, CELLS]  # SGD has one row
    assert [len(m["final_loss"][0]) for m in data["maps"]] == [CELLS, CELLS]
    assert data["objective"]["text"] == f"final loss after {STEPS} steps"
    expected = maps().to_dict()
    assert data["maps"][1]["final_loss"] == expected["maps"][1]["final_loss"]


def test_every_cell_is_drawn_in_its_colour(sweep_gif):
    path, sidecar = sweep_gif
    first = gif_frames(path)[0]
    data = sidecar["sweep"]
    scale = ColorScale(**data["scale"])
    checked = 0
    for m, rect in zip(data["maps"], data["pixel_rects"], strict=True):
        loss = np.array(m["final_loss"], dtype=float)
        shape = loss.shape
        colors = scale.colors(loss)
        walked_row = data["walked_rows"][data["maps"].index(m)]
        for row in range(shape[0]):
            for column in range(shape[1]):
                if abs(row - walked_row) <= 2 and column <= 2:
                    continue  # under the walk's highlight, at the first cell
                y, x = centre(rect, shape, row, column)
                pixel = first[y, x]
                if m["diverged_at"][row][column]:
                    assert min(np.abs(pixel - rgb(c)).max() for c in ("#5A5A5A", "#FFFFFF")) <= 40
                else:
                    assert np.abs(pixel - np.round(colors[row, column] * 255)).max() <= 24
                checked += 1
    assert checked > 40


def test_the_walk_highlights_each_cell_and_draws_its_path(sweep_gif):
    path, sidecar = sweep_gif
    frames = gif_frames(path)
    walk = sidecar["timeline"]
    data = sidecar["sweep"]
    panel = sidecar["panels"][0]
    result = maps()
    colors = [t["color"] for t in sidecar["trajectories"]]
    for column in (1, 4, 6):
        frame = frames[walk["start_still_frames"] + column * walk["frames_per_cell"]]
        for index, (m, rect) in enumerate(zip(data["maps"], data["pixel_rects"], strict=True)):
            rows = len(m["final_loss"])
            row = data["walked_rows"][index]
            # the highlight's frame: 1.5 cells left of the cell's centre, on its row
            y, x = ring_left(rect, (rows, CELLS), row, column)
            assert dark(frame[y, x - 2 : x + 3]), (index, column)
            end = result.walk(index, row)[-1, column]
            window = panel["data_window"]
            on_top = index == len(data["maps"]) - 1  # the paths drawn before may be covered
            inside = window[0] < end[0] < window[1] and window[2] < end[1] < window[3]
            r, c = pixel_of(end, panel)
            mark = pixel_of((0.0, 0.0), panel)  # the minimum's +, drawn above the paths
            if on_top and inside and np.hypot(r - mark[0], c - mark[1]) > 10:
                patch = frame[r - 2 : r + 3, c - 2 : c + 3].reshape(-1, 3)
                assert (np.abs(patch - rgb(colors[index])).max(axis=1) <= 40).any()


def test_the_last_frame_shows_the_best_cells(sweep_gif):
    path, sidecar = sweep_gif
    last = gif_frames(path)[-1]
    data = sidecar["sweep"]
    for m, rect in zip(data["maps"], data["pixel_rects"], strict=True):
        best = m["best"]
        rows = len(m["final_loss"])
        y, x = ring_left(rect, (rows, CELLS), best["row"], best["column"])
        assert dark(last[y, x - 2 : x + 3])
        # the best cell is the lowest final loss of its map
        losses = [v for row in m["final_loss"] for v in row if v is not None]
        assert m["final_loss"][best["row"]][best["column"]] == min(losses)


def test_a_png_still_in_the_dark_theme_and_korean(tmp_path):
    path, sidecar = render(
        tmp_path,
        "-o",
        "adam",
        "--cells",
        "6",
        "-n",
        "10",
        "--objective",
        "steps",
        "--threshold",
        "0.5",
        "--theme",
        "dark",
        "--lang",
        "ko",
        "-q",
        "preview",
        name="map.png",
    )
    from PIL import Image

    image = np.asarray(Image.open(path).convert("RGB")).astype(int)
    assert image.shape == (360, 640, 3) and image[2, 2].tolist() == rgb("#111418").tolist()
    data = sidecar["sweep"]
    assert data["objective"]["kind"] == "steps" and data["maps"][0]["reached_at"] is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--x", "lr=1:0.1"], "the lr axis must go from a low to a higher number"),
        (["--y", "beta1=0:0.9", "-o", "sgd"], "none of sgd has a hyper-parameter 'beta1'"),
        (["--cells", "1"], "the lr axis's cells must be at least 2"),
    ],
)
def test_bad_sweep_options_are_one_line(args, message, tmp_path):
    result = CliRunner().invoke(cli, ["render", "sweep", *args, "-O", str(tmp_path / "s.gif")])
    assert result.exit_code == 2 and message in result.output
    assert not list(tmp_path.iterdir())
