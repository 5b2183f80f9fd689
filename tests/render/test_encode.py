"""Encoders fed real Manim frames, decoded back: counts, sizes, rates, loops, pixels, fitting."""

import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from optiroll.render import encode
from optiroll.render.encode import GIF_FPS, encode_gif, open_encoder
from optiroll.render.output import probe, verify

pytest.importorskip("manim")

from test_capture import SETTINGS, DotRight, dot_x, every_frame  # noqa: E402

from media import decode, gif_delays  # noqa: E402
from optiroll.render.capture import render_frames  # noqa: E402

FPS = SETTINGS["frame_rate"]


@pytest.fixture(scope="module")
def frames():
    captured = []
    render_frames(DotRight, SETTINGS, every_frame(captured))
    return captured


def write(fmt, path, frames, fps=FPS, **options):
    height, width = frames[0].shape[:2]
    encoder = open_encoder(fmt, path, width, height, fps, **options)
    for frame in frames:
        encoder.write(frame)
    return encoder.close()


@pytest.mark.parametrize("fmt", ["gif", "mp4", "webm"])
def test_animations_decode_to_the_same_frames_size_rate_and_motion(tmp_path, frames, fmt):
    path = tmp_path / f"dot.{fmt}"
    report = write(fmt, path, frames)
    info = probe(path)
    assert (info.width, info.height, info.fps, info.frames) == (128, 72, FPS, len(frames))
    assert (report.frames, report.bytes) == (len(frames), path.stat().st_size)
    decoded = decode(path)
    assert dot_x(decoded[0]) == pytest.approx(dot_x(frames[0]), abs=1)
    assert dot_x(decoded[-1]) == pytest.approx(dot_x(frames[-1]), abs=1)
    assert dot_x(decoded[-1]) - dot_x(decoded[0]) > 30


def test_gif_loops_forever_and_white_stays_exactly_white(tmp_path, frames):
    path = tmp_path / "dot.gif"
    report = write("gif", path, frames)
    assert probe(path).loops == 0
    assert report.colors == 64 and report.given_up == () and report.fits
    for source, decoded in zip(frames, decode(path), strict=True):
        white = (source == 255).all(axis=-1)
        assert white.sum() > 0.9 * white.size
        assert (decoded[white] == 255).all()


def test_gif_frame_delay_is_exact_at_every_allowed_rate(tmp_path, frames):
    for fps in GIF_FPS:
        path = tmp_path / f"{fps}.gif"
        write("gif", path, frames[:3], fps=fps)
        with Image.open(path) as image:
            assert image.info["duration"] == 1000 / fps
        assert probe(path).fps == fps


def test_gif_works_without_gifsicle_and_gifsicle_only_shrinks_it(tmp_path, frames, monkeypatch):
    with_gifsicle = write("gif", tmp_path / "a.gif", frames).bytes
    monkeypatch.setattr(encode.shutil, "which", lambda name: None)
    without = write("gif", tmp_path / "b.gif", frames).bytes
    assert with_gifsicle <= without
    for a, b in zip(decode(tmp_path / "a.gif"), decode(tmp_path / "b.gif"), strict=True):
        assert np.array_equal(a, b)


def test_mp4_puts_its_index_before_the_data_for_streaming(tmp_path, frames):
    path = tmp_path / "dot.mp4"
    write("mp4", path, frames)
    boxes = top_level_boxes(path.read_bytes())
    assert boxes.index(b"moov") < boxes.index(b"mdat")


def top_level_boxes(data: bytes) -> list[bytes]:
    boxes, offset = [], 0
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        boxes.append(kind)
        offset += size
    return boxes


def test_video_white_stays_white_within_codec_rounding(tmp_path, frames):
    for fmt in ("mp4", "webm"):
        path = tmp_path / f"dot.{fmt}"
        write(fmt, path, frames)
        corner = decode(path)[-1][:8, :8]
        assert corner.min() >= 250, fmt


def test_png_is_the_last_frame_losslessly(tmp_path, frames):
    path = tmp_path / "poster.png"
    report = write("png", path, frames)
    with Image.open(path) as image:
        assert np.array_equal(np.asarray(image.convert("RGB")), frames[-1])
    assert (report.width, report.height, report.frames) == (128, 72, 1)


def test_rgba_frames_are_taken_as_rgb(tmp_path, frames):
    rgba = [np.dstack([frame, np.full(frame.shape[:2], 255, np.uint8)]) for frame in frames]
    write("png", tmp_path / "rgba.png", rgba)
    with Image.open(tmp_path / "rgba.png") as image:
        assert image.mode == "RGB"
        assert np.array_equal(np.asarray(image), frames[-1])


@pytest.mark.parametrize("fmt", ["mp4", "webm"])
@pytest.mark.parametrize("size", [(127, 72), (128, 71)])
def test_odd_dimensions_are_rejected_for_video(tmp_path, fmt, size):
    with pytest.raises(ValueError, match="even"):
        open_encoder(fmt, tmp_path / f"x.{fmt}", *size, FPS)


@pytest.mark.parametrize("fps", [1, 15, 24, 30, 60, 100])
def test_gif_rates_browsers_play_wrongly_are_rejected(tmp_path, fps):
    with pytest.raises(ValueError, match="fps"):
        open_encoder("gif", tmp_path / "x.gif", 64, 48, fps)


def test_frames_of_the_wrong_size_or_type_are_rejected(tmp_path):
    encoder = open_encoder("png", tmp_path / "x.png", 64, 48, FPS)
    with pytest.raises(ValueError, match="expected 64x48"):
        encoder.write(np.zeros((48, 63, 3), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        encoder.write(np.zeros((48, 64, 3), np.float32))


def test_unknown_format_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="gif, mp4, webm, png"):
        open_encoder("avi", tmp_path / "x.avi", 64, 48, FPS)


def noise_frames(count=16, width=128, height=72, seed=0):
    """Smooth colour blobs that change every frame: big as a GIF, so fitting has work to do."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (count, height // 8, width // 8, 3), dtype=np.uint8)
    return [np.kron(frame, np.ones((8, 8, 1), np.uint8)) for frame in small]


def test_max_bytes_gives_up_frame_rate_first_and_says_so(tmp_path):
    frames = noise_frames()
    full = encode_gif(frames, tmp_path / "full.gif", 25)
    fitted = encode_gif(frames, tmp_path / "fit.gif", 25, max_bytes=full.bytes - 1)
    assert fitted.fits and fitted.bytes <= full.bytes - 1
    assert (fitted.fps, fitted.frames, fitted.colors, fitted.width) == (12.5, 8, 64, 128)
    assert fitted.given_up == ("frame rate 25 -> 12.5 fps",)
    assert fitted.size_kept() == (True, fitted.given_up)
    video = open_encoder("mp4", tmp_path / "v.mp4", 128, 72, 25)
    video.write(frames[0])
    assert video.close().size_kept() == (True, ())  # a video is never made to fit


def test_max_bytes_too_small_writes_the_smallest_setting_and_says_it_does_not_fit(tmp_path):
    frames = noise_frames()
    frames[-1] = np.zeros_like(frames[-1])
    report = encode_gif(frames, tmp_path / "tiny.gif", 50, max_bytes=100)
    assert not report.fits and report.bytes > 100
    assert report.size_kept() == (False, report.given_up)
    assert (report.colors, report.fps, report.frames) == (16, 12.5, 4)
    assert (report.width, report.height) == (72, 40)  # 128x72 -> 96x54 -> 72x40, not below half
    assert report.given_up == (
        "frame rate 50 -> 12.5 fps",
        "colours 64 -> 16",
        "size 128x72 -> 72x40",
    )
    info = probe(report.path)
    assert (info.width, info.height, info.fps, info.frames) == (72, 40, 12.5, 4)
    # The last (uniform) frame survives the dropping; the noise frames are far from uniform.
    assert decode(report.path)[-1].reshape(-1, 3).std(axis=0).max() < 4


def test_a_small_moving_ball_keeps_its_colour_over_a_many_coloured_plot(tmp_path):
    """The palette must not spend itself on the static plot: the ball's colour names its run."""
    x, y = np.meshgrid(np.linspace(0, 1, 128), np.linspace(0, 1, 72))
    plot = (255 * np.dstack([x, y, 1 - x * y])).astype(np.uint8)
    green = np.array([0, 158, 115], np.uint8)
    frames = []
    for index in range(12):
        frame = plot.copy()
        frame[30:34, 10 + 8 * index : 14 + 8 * index] = green
        frames.append(frame)
    encode_gif(frames, tmp_path / "ball.gif", 25)
    for index, decoded in enumerate(decode(tmp_path / "ball.gif")):
        ball = decoded[30:34, 10 + 8 * index : 14 + 8 * index].reshape(-1, 3).astype(int)
        assert np.abs(ball - green).max() <= 8, index


@given(
    colors=st.integers(4, 256),
    fps=st.sampled_from(GIF_FPS),
    width=st.integers(1, 1000).map(lambda n: 2 * n),
    height=st.integers(1, 1000).map(lambda n: 2 * n),
)
def test_every_fitting_step_loses_more_and_stays_valid(colors, fps, width, height):
    previous = (colors, fps, width, height)
    for step_colors, step_fps, (step_width, step_height) in encode._gif_steps(
        colors, fps, width, height
    ):
        step = (step_colors, step_fps, step_width, step_height)
        assert step != previous and all(a <= b for a, b in zip(step, previous, strict=True))
        assert step_fps in GIF_FPS and step_colors >= min(colors, 16)
        assert step_width % 2 == 0 and step_height % 2 == 0 and step_width >= width / 2
        previous = step


@given(count=st.integers(1, 200), every=st.sampled_from([1, 2, 4]))
def test_dropping_frames_keeps_the_last_and_spaces_the_rest_evenly(count, every):
    kept = encode._drop_frames(list(range(count)), every)
    assert kept[-1] == count - 1
    assert len(kept) == -(-count // every)
    assert set(np.diff(kept)) <= {every}


@pytest.mark.parametrize("options", [{"max_colors": 3}, {"max_colors": 257}, {"max_bytes": 0}])
def test_bad_gif_options_are_rejected_before_any_frame(tmp_path, options):
    with pytest.raises(ValueError, match="max_"):
        open_encoder("gif", tmp_path / "x.gif", 64, 48, 25, **options)


def moving_ball_over_plot(count: int = 12) -> tuple[list[np.ndarray], np.ndarray]:
    x, y = np.meshgrid(np.linspace(0, 1, 128), np.linspace(0, 1, 72))
    plot = (255 * np.dstack([x, y, 1 - x * y])).astype(np.uint8)
    green = np.array([0, 158, 115], np.uint8)
    frames = []
    for index in range(count):
        frame = plot.copy()
        frame[30:34, 10 + 8 * index : 14 + 8 * index] = green
        frames.append(frame)
    return frames, green


def test_a_streamed_gif_keeps_fixed_colours_exactly_and_the_rest_close(tmp_path):
    frames, green = moving_ball_over_plot()
    frames[0][30:34, 10:14] = frames[0][29, 9]  # the ball is not in the first frame at all
    path = tmp_path / "stream.gif"
    report = write("gif", path, frames, 25, fixed_colors=["#009e73"])
    assert (report.frames, report.bytes, report.given_up) == (12, path.stat().st_size, ())
    decoded = decode(path)
    assert len(decoded) == 12
    for index, picture in enumerate(decoded[1:], start=1):
        ball = picture[30:34, 10 + 8 * index : 14 + 8 * index].reshape(-1, 3)
        assert (ball == green).all(), index
    # The rest of the palette comes from the first frame: as close to it as a palette made from
    # every frame (palettegen) gets.
    whole = encode_gif(frames, tmp_path / "whole.gif", 25)
    error = np.abs(decoded[0].astype(int) - frames[0]).mean()
    whole_error = np.abs(decode(whole.path)[0].astype(int) - frames[0]).mean()
    assert error <= whole_error * 1.2, (error, whole_error)


def test_a_gif_palette_holds_the_fixed_colours_and_no_more_than_asked(frames):
    palette = encode.gif_palette(frames[0], ["#e69f00", "#56b4e9", "#e69f00"], 16)
    assert palette.shape == (256, 3)
    distinct = {tuple(c) for c in palette.tolist()}
    assert {(0xE6, 0x9F, 0x00), (0x56, 0xB4, 0xE9)} <= distinct
    assert len(distinct) <= 16
    assert (255, 255, 255) in distinct  # the white page of the first frame


def test_a_streamed_gif_needs_room_for_more_than_its_fixed_colours(tmp_path):
    with pytest.raises(ValueError, match="fixed colours"):
        open_encoder(
            "gif",
            tmp_path / "x.gif",
            64,
            48,
            25,
            max_colors=4,
            fixed_colors=["#000001", "#000002", "#000003"],
        )


def test_a_streamed_gif_is_smaller_than_a_frame_sized_palette_would_allow(tmp_path, frames):
    """Same frames both ways: the streamed GIF decodes to the same motion."""
    streamed = write("gif", tmp_path / "s.gif", frames, fixed_colors=["#fc6255"])
    whole = write("gif", tmp_path / "w.gif", frames)
    assert streamed.frames == whole.frames == len(frames)
    for a, b in zip(decode(tmp_path / "s.gif"), decode(tmp_path / "w.gif"), strict=True):
        assert dot_x(a) == pytest.approx(dot_x(b), abs=0.5)


def drifting_frames(count: int = 30) -> list[np.ndarray]:
    """A smooth gradient whose colours turn right round the hue wheel over the clip (what a first
    frame's palette cannot foresee), beside a still square of one exact colour and above a still
    grey ramp."""
    import colorsys

    x = np.linspace(0, 1, 128)[None, :, None]
    frames = []
    for index in range(count):
        turn = index / count
        a = np.array(colorsys.hls_to_rgb(turn, 0.35, 0.8))
        b = np.array(colorsys.hls_to_rgb((turn + 0.2) % 1, 0.75, 0.8))
        frame = np.repeat((255 * ((1 - x) * a + x * b)).astype(np.uint8), 72, axis=0)
        frame[4:12, 4:12] = (0, 158, 115)
        frame[40:] = (255 * x[..., 0] * 0.8).astype(np.uint8)[..., None]
        frames.append(frame)
    return frames


def test_a_refreshed_gif_palette_follows_colours_that_come_later(tmp_path):
    frames = drifting_frames()
    options = {"max_colors": 64, "fixed_colors": ["#009e73"]}
    fixed = write("gif", tmp_path / "fixed.gif", frames, 20, **options)
    refreshed = write("gif", tmp_path / "refreshed.gif", frames, 20, palette="refreshed", **options)
    assert (fixed.palette, refreshed.palette) == ("fixed", "refreshed")
    errors, colours = {}, {}
    for name, report in (("fixed", fixed), ("refreshed", refreshed)):
        decoded = decode(report.path)
        assert len(decoded) == len(frames)
        colours[name] = len(np.unique(np.concatenate(decoded).reshape(-1, 3), axis=0))
        errors[name] = [
            np.abs(d.astype(int) - f).mean() for d, f in zip(decoded, frames, strict=True)
        ]
        # What stays still keeps its colours, whatever palette a frame has: the exact colour
        # exactly, the grey ramp closely (a mapper that kept the last frame's palette indices
        # for unchanged pixels would repaint it with the new palette's colours).
        for picture, source in zip(decoded, frames, strict=True):
            assert (picture[4:12, 4:12] == (0, 158, 115)).all()
            assert np.abs(picture[40:].astype(int) - source[40:]).max() <= 24
    # A new palette every half second, at 20 fps frames 0, 10 and 20: each of those is drawn as
    # closely as the first, where the first frame's palette cannot draw the later hues.
    for refresh in (0, 10, 20):
        assert errors["refreshed"][refresh] < 2, refresh
    assert errors["fixed"][20] > 10 * errors["refreshed"][20]
    # More colours in all than one palette holds (gifsicle may merge the three palettes into one
    # table of up to 256, so the colours are counted, not the tables).
    assert colours["fixed"] <= 64 < colours["refreshed"]


def test_an_unknown_gif_palette_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="palette must be one of fixed, refreshed"):
        open_encoder("gif", tmp_path / "x.gif", 64, 48, 25, palette="sometimes")


@pytest.mark.parametrize("fixed_colors", [["#009e73"], []], ids=["streamed", "buffered"])
def test_a_held_picture_is_one_image_shown_as_long_as_it_lasts(tmp_path, fixed_colors):
    """A still start, a move, a final hold: images are the distinct pictures, their delays add
    up to every frame's time, and the frames come back in order."""
    moving, _ = moving_ball_over_plot(4)
    path = tmp_path / "held.gif"
    encoder = open_encoder("gif", path, 128, 72, 20, fixed_colors=fixed_colors)
    encoder.write(moving[0], 10)
    for frame in moving[1:-1]:
        encoder.write(frame)
    encoder.write(moving[-1], 50)
    report = encoder.close()
    assert report.frames == 10 + 2 + 50 and report.holds == ((10, 1), (1, 2), (50, 1))
    assert gif_delays(path) == [50, 5, 5, 250]  # centiseconds: 0.5 s, a frame each, 2.5 s
    info = verify(path, report)
    assert (info.frames, info.images, info.duration) == (62, 4, 3.1)
    decoded = decode(path)
    assert len(decoded) == 62
    shown = [0] * 10 + [1, 2] + [3] * 50  # which picture each frame shows
    for index, (picture, source) in enumerate(zip(decoded, shown, strict=True)):
        distances = [np.abs(picture.astype(int) - other).mean() for other in moving]
        assert int(np.argmin(distances)) == source, index


def test_equal_frames_written_one_by_one_become_one_image_in_a_buffered_gif(tmp_path):
    moving, _ = moving_ball_over_plot(3)
    frames = [moving[0], moving[1], moving[1].copy(), moving[1].copy(), moving[2]]
    report = write("gif", tmp_path / "equal.gif", frames, 25)
    assert report.frames == 5 and report.holds == ((1, 1), (3, 1), (1, 1))
    probed = probe(report.path)
    assert (probed.frames, probed.images, probed.fps) == (5, 3, 25)


def test_free_palette_entries_go_to_what_no_fixed_colour_draws_closely():
    """Near-white fringes beside white are drawn as white (no entries of their own to flicker
    between); a colour far from every fixed one gets an entry."""
    frame = np.full((40, 60, 3), 255, np.uint8)
    frame[:, :10] = (250, 250, 250)  # a fringe: within reach of white
    frame[:, 10:12] = (246, 246, 246)
    frame[:, 20:30] = (128, 64, 0)  # brown: far from everything fixed
    palette = encode.gif_palette(frame, ["#ffffff", "#0072b2"], 8)
    distinct = {tuple(c) for c in palette.tolist()}
    assert {(255, 255, 255), (0, 0x72, 0xB2), (128, 64, 0)} <= distinct
    assert (250, 250, 250) not in distinct and (246, 246, 246) not in distinct
    # Only what fixed colours draw: nothing else is needed.
    white = np.full((40, 60, 3), 252, np.uint8)
    assert {tuple(c) for c in encode.gif_palette(white, ["#ffffff", "#000000"], 8).tolist()} == {
        (255, 255, 255),
        (0, 0, 0),
    }


def test_a_grey_left_to_a_fixed_grey_never_lands_on_a_tinted_entry():
    """A light grey (#E4E4E4) is close to a fixed grey (#D8D8D8), but a free entry for a light
    blue that no fixed colour draws (#E4ECF5) is closer still: the grey must not be drawn blue."""
    from optiroll.plan.colormap import srgb_to_oklab

    frame = np.full((40, 60, 3), 255, np.uint8)
    frame[:, :20] = (0xE4, 0xE4, 0xE4)
    frame[:, 20:40] = (0xE4, 0xEC, 0xF5)
    palette = encode.gif_palette(frame, ["#ffffff", "#d8d8d8"], 6).astype(float)
    lab = srgb_to_oklab(palette / 255)
    grey = srgb_to_oklab(np.array([0xE4, 0xE4, 0xE4]) / 255)
    landed = lab[np.linalg.norm(lab - grey, axis=1).argmin()]
    assert np.abs(landed[1:] - grey[1:]).max() <= 0.01  # the same hue
    # The blue covers as much as the grey: it keeps an entry of its own hue too.
    blue = srgb_to_oklab(np.array([0xE4, 0xEC, 0xF5]) / 255)
    landed = lab[np.linalg.norm(lab - blue, axis=1).argmin()]
    assert np.abs(landed[1:] - blue[1:]).max() <= 0.01


def test_near_white_greys_land_on_white_not_on_a_faint_tint_of_a_few_fringe_pixels():
    """A few pixels of a faint warm near-white (a ball's antialiased edge, too far from white for
    white to draw) would get an entry that the many near-white greys beside the lines are nearer
    to than to white, tinting them. The tint's entry goes and the greys stay white: no entries
    spent on grey fringe levels (which flicker from frame to frame and cost bytes)."""
    frame = np.full((40, 60, 3), 255, np.uint8)
    frame[:, :30] = (0xF6, 0xF6, 0xF6)  # 1200 pixels, within reach of white
    frame[:2, 40:44] = (0xF6, 0xEE, 0xE6)  # 8 pixels, beyond it
    palette = {tuple(c) for c in encode.gif_palette(frame, ["#ffffff", "#0072b2"], 8).tolist()}
    assert palette == {(255, 255, 255), (0, 0x72, 0xB2)}


def test_a_gif_removed_while_gifsicle_runs_is_not_written_again(tmp_path, monkeypatch):
    """A render that stops removes its temporary GIF, maybe while its encoder's gifsicle runs:
    the smaller file gifsicle gives back must not bring it back."""
    import pathlib
    import subprocess

    from optiroll.render import encode

    gif = tmp_path / ".stopped.gif"
    gif.write_bytes(b"GIF89a" + bytes(200))
    monkeypatch.setattr(encode.shutil, "which", lambda name: "gifsicle")
    monkeypatch.setattr(
        encode.subprocess,
        "run",
        lambda command, **kw: subprocess.CompletedProcess(command, 0, b"GIF89a smaller", b""),
    )
    real_stat = pathlib.Path.stat

    def stat_then_removed(self, *args, **kwargs):
        found = real_stat(self, *args, **kwargs)
        if self == gif:
            self.unlink()  # the render's discard, right after gifsicle's size check
        return found

    monkeypatch.setattr(pathlib.Path, "stat", stat_then_removed)
    with pytest.raises(FileNotFoundError):
        encode._gifsicle(gif)
    monkeypatch.undo()
    assert not gif.exists()
