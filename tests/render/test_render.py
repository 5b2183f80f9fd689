"""Real renders at tiny sizes, decoded and inspected: frames, size, colours, where each ball is."""

import json
import math
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

pytest.importorskip("manim")

from media import assert_ball_at, gif_delays, gif_frames, rgb  # noqa: E402
from optiroll.cli import cli  # noqa: E402
from optiroll.plan.theme import DARK  # noqa: E402

# Blog GIFs (854x480, 20 fps): at preview size a 3-pixel ball may share a palette entry with its
# trail, and these tests check exact colours.
STEPS, FPS, SPS = 4, 20, 0.2
STILL, HOLD = FPS // 2, FPS * 5 // 2  # 0.5 s on the start, 2.5 s on the end
EXPECTED_FRAMES = STILL + math.ceil(STEPS * SPS * FPS) + HOLD


def render(tmp_path: Path, *args: str, name: str = "out.gif", quality: str = "blog"):
    out = tmp_path / name
    result = CliRunner().invoke(
        cli, ["render", *args, "-n", str(STEPS), "--quality", quality, "-O", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out, json.loads((tmp_path / (name + ".json")).read_text())


@pytest.fixture(scope="module")
def book_gif(tmp_path_factory):
    return render(tmp_path_factory.mktemp("book"))


def test_the_default_gif_decodes_with_the_frames_and_size_asked(book_gif):
    path, sidecar = book_gif
    frames = gif_frames(path)
    assert len(frames) == EXPECTED_FRAMES == sidecar["output"]["frames"]
    assert frames[0].shape == (480, 854, 3)
    with Image.open(path) as im:
        assert im.info["loop"] == 0  # loops forever
    # 20 fps: the 0.5 s still start is one image, each moving frame one, the 2.5 s hold one.
    assert gif_delays(path) == [50] + [5] * (EXPECTED_FRAMES - 60) + [250]
    # The side-car holds every parameter and the data.
    momentum = sidecar["experiment"]["optimizers"][1]
    assert momentum["optimizer"] == "momentum"
    assert {"lr": 0.1, "momentum": 0.9}.items() <= momentum["hyperparameters"].items()
    assert len(sidecar["trajectories"]) == 4 and len(sidecar["panels"]) == 4


def test_light_background_is_pure_white(book_gif):
    first = gif_frames(book_gif[0])[0]
    assert first[2, 2].tolist() == [255, 255, 255]
    assert first[-3, -3].tolist() == [255, 255, 255]


def test_each_ball_is_where_its_trajectory_says(book_gif):
    path, sidecar = book_gif
    frames = gif_frames(path)
    for panel in sidecar["panels"]:
        run = panel["runs"][0]
        points = sidecar["trajectories"][run]["points"]
        color = sidecar["trajectories"][run]["color"]
        assert_ball_at(frames[-1], points[-1], panel, color)
        # Step 2 is reached 2 * 0.2 s after the still, at 20 fps: frame 10 + 8.
        assert_ball_at(frames[STILL + int(2 * SPS * FPS)], points[2], panel, color)


def test_the_ball_moves_between_iterates_in_straight_lines(book_gif):
    path, sidecar = book_gif
    frame = gif_frames(path)[STILL + 2]  # 4 frames a step: half-way from point 0 to point 1
    panel = sidecar["panels"][0]
    points = np.array(sidecar["trajectories"][0]["points"])
    assert_ball_at(frame, (points[0] + points[1]) / 2, panel, sidecar["trajectories"][0]["color"])


def test_race_dark_theme_and_a_diverging_ball(tmp_path):
    path, sidecar = render(tmp_path, "race", "-o", "sgd:lr=3", "-o", "adam", "--theme", "dark")
    sgd = sidecar["trajectories"][0]
    assert (
        sgd["diverged_at"] is not None
    )  # y is multiplied by -5 a step: past the bound (50) at step 3
    frames = gif_frames(path)
    assert np.abs(frames[0][2, 2] - rgb(DARK.background)).max() <= 3
    panel = sidecar["panels"][0]
    assert panel["runs"] == [0, 1]
    adam = sidecar["trajectories"][1]
    assert_ball_at(frames[-1], adam["points"][-1], panel, adam["color"])
    # The "diverged at step N" mark is drawn in SGD's colour inside the plot.
    left, top, right, bottom = (int(v) for v in panel["pixel_rect"])
    plot = frames[-1][top:bottom, left:right]
    marked = (np.abs(plot - rgb(sgd["color"])).max(axis=-1) <= 40).sum()
    assert marked > 40


def test_korean_labels_are_drawn(tmp_path):
    path, sidecar = render(tmp_path, "single", "-o", "momentum", "--lang", "ko")
    last = gif_frames(path)[-1]
    top = int(sidecar["panels"][0]["pixel_rect"][1])
    title_strip = last[: top - 2]
    assert (np.abs(title_strip - 255).max(axis=-1) > 100).sum() > 100  # glyph pixels, not blank


def test_mp4_is_h264_with_faststart(tmp_path):
    out = tmp_path / "out.mp4"
    result = CliRunner().invoke(cli, ["render", "-n", "2", "--quality", "preview", "-O", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == (640, 360)
        # The still (0.5 s: 8 frames at 15 fps), 2 steps, the 2.5 s hold.
        assert sum(1 for _ in container.decode(stream)) == 8 + math.ceil(2 * SPS * 15) + 38


def test_png_is_the_final_frame(tmp_path):
    out, sidecar = render(tmp_path, "-o", "adagrad", name="poster.png", quality="preview")
    with Image.open(out) as im:
        assert im.size == (640, 360)
        frame = np.asarray(im.convert("RGB")).astype(int)
    panel = sidecar["panels"][0]
    run = sidecar["trajectories"][0]
    assert_ball_at(frame, run["points"][-1], panel, run["color"])


def test_default_names_never_replace_an_existing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["render", "-o", "sgd", "-n", "1", "--quality", "preview"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    first = sorted((tmp_path / "media").glob("*.gif"))
    first[0].write_bytes(b"mine")
    assert CliRunner().invoke(cli, args).exit_code == 0
    gifs = sorted((tmp_path / "media").glob("*.gif"))
    assert len(gifs) == 2 and first[0].read_bytes() == b"mine"


def test_a_failed_render_leaves_nothing_behind(tmp_path, monkeypatch):
    from optiroll.scenes import plots

    target = tmp_path / "fig.gif"
    target.write_bytes(b"the old figure")

    def explode(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(plots.OptimizerFigure, "construct", explode)
    result = CliRunner().invoke(
        cli, ["render", "-n", "1", "--quality", "preview", "-O", str(target)]
    )
    assert result.exit_code == 130
    assert target.read_bytes() == b"the old figure"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.gif"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fps", "15"], "a GIF plays as asked only at 10, 12.5, 20, 25, 50 fps"),
        (["-O", "/nonexistent/dir/x.gif"], "does not exist"),
        (["-f", "mp4", "--max-size", "300KB"], "--max-size applies to GIFs only"),
        (["--max-size", "lots"], "--max-size must look like 300KB"),
        (["single"], "the single scene shows one optimizer, got 4"),
        (["-O", "x.gif", "-f", "mp4"], "does not end in .mp4"),
        (["--seconds-per-step", "0"], "--seconds-per-step must be between"),
    ],
)
def test_bad_render_options_are_one_line_errors(args, message):
    result = CliRunner().invoke(cli, ["render", *args])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith("optiroll: error: ")
    assert message in result.output


@pytest.mark.parametrize(("steps", "fps"), [(3, "10"), (7, "10"), (2, "12.5")])
def test_every_step_count_gives_the_frames_manim_draws(tmp_path, steps, fps):
    """0.6 s at 10 fps is 7 frames in Manim (floating-point arange), not 6, and a 1 s hold at
    12.5 fps is 12 (int of 1 / 0.08): both sides agree."""
    out = tmp_path / "few.gif"
    args = ["render", "race", "-o", "adam", "-n", str(steps), "--quality", "preview"]
    args += ["--fps", fps, "-O", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    sidecar = json.loads((tmp_path / "few.gif.json").read_text())
    assert len(gif_frames(out)) == sidecar["output"]["frames"]
    assert_ball_at(
        gif_frames(out)[-1],
        sidecar["trajectories"][0]["points"][-1],
        sidecar["panels"][0],
        sidecar["trajectories"][0]["color"],
    )


@pytest.mark.parametrize(("aspect", "size"), [("1:1", (480, 480)), ("4:3", (640, 480))])
def test_square_and_4_3_frames_keep_the_balls_where_the_data_says(tmp_path, aspect, size):
    path, sidecar = render(tmp_path, "--aspect", aspect)
    frames = gif_frames(path)
    assert frames[0].shape[:2] == (size[1], size[0])
    assert sidecar["settings"]["aspect"] == aspect
    for i, panel in enumerate(sidecar["panels"]):
        run = sidecar["trajectories"][i]
        assert_ball_at(frames[-1], run["points"][-1], panel, run["color"])


def test_webm_is_vp9_with_the_frames_asked(tmp_path):
    path, sidecar = render(tmp_path, "race", "-o", "adam", name="out.webm")
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "libvpx-vp9" or stream.codec_context.name == "vp9"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == sidecar["output"]["frames"] and frames[0].shape == (720, 1280, 3)


def test_the_counter_changes_exactly_when_a_step_is_done(book_gif):
    path, sidecar = book_gif
    frames = gif_frames(path)
    left, top = sidecar["panels"][1]["pixel_rect"][:2]  # the counter is above the top-right panel
    counter = [frame[: int(top) - 30, int(left) :] for frame in frames]
    changed = [i for i in range(1, len(frames)) if not np.array_equal(counter[i], counter[i - 1])]
    # A step takes SPS * FPS = 4 frames after the still: it changes at 14, 18, ...
    per_step = round(SPS * FPS)
    assert changed == [STILL + k * per_step for k in range(1, STEPS + 1)]
    assert changed == sidecar["timeline"]["step_frames"][1:]


def test_a_missing_system_library_is_one_line_saying_how_to_install_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "manim":
            raise OSError("libpango-1.0.so.0: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    result = CliRunner().invoke(cli, ["render", "-n", "2", "-O", "never.gif"])
    assert result.exit_code == 2
    *progress, line = result.stderr.strip().splitlines()
    assert [p for p in progress if "error" in p or "Traceback" in p] == []
    assert line.startswith("optiroll: error:") and "libpango" in line and "apt-get install" in line
    assert not Path("never.gif").exists()


def test_a_media_file_where_the_folder_should_be_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "media").write_text("not a folder")
    result = CliRunner().invoke(cli, ["render", "-n", "1", "-q", "preview"])
    assert result.exit_code == 2
    assert (
        result.stderr.strip().splitlines()[-1].startswith("optiroll: error: cannot make the folder")
    )


def test_a_gif_that_cannot_fit_max_size_says_so(tmp_path):
    out = tmp_path / "small.gif"
    args = ["render", "-q", "preview", "--max-size", "10KB", "-O", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 10_000
    assert "over --max-size 10KB" in result.stderr
