"""Probing and verifying written files."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from optiroll.render.encode import EncodeReport, open_encoder
from optiroll.render.output import OutputMismatchError, probe, verify
from optiroll.writes import atomic_output


def names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def frames(count=6, width=64, height=48):
    """A white field with a black square moving right."""
    out = []
    for index in range(count):
        frame = np.full((height, width, 3), 255, np.uint8)
        frame[20:28, 4 + 8 * index : 12 + 8 * index] = 0
        out.append(frame)
    return out


def written(tmp_path, fmt, fps=25):
    target = tmp_path / f"clip.{fmt}"
    with atomic_output(target) as temporary:
        encoder = open_encoder(fmt, temporary, 64, 48, fps)
        for frame in frames():
            encoder.write(frame)
        report = encoder.close()
    return target, replace(report, path=target)


@pytest.mark.parametrize("fmt", ["gif", "mp4", "webm"])
def test_probe_decodes_what_was_written(tmp_path, fmt):
    target, _ = written(tmp_path, fmt)
    info = probe(target)
    assert (info.width, info.height, info.fps, info.frames) == (64, 48, 25, 6)
    assert info.duration == pytest.approx(6 / 25)
    assert info.codec == {"gif": "gif", "mp4": "h264", "webm": "vp9"}[fmt]
    assert info.loops == (0 if fmt == "gif" else None)


def test_probe_reads_a_png_poster(tmp_path):
    target, _ = written(tmp_path, "png")
    info = probe(target)
    assert (info.width, info.height, info.frames, info.codec) == (64, 48, 1, "png")


@pytest.mark.parametrize("fmt", ["gif", "mp4", "webm", "png"])
def test_verify_accepts_what_the_encoder_reported(tmp_path, fmt):
    target, report = written(tmp_path, fmt)
    verify(target, report)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"width": 66}, "size 64x48, expected 66x48"),
        ({"fps": 12.5}, "frame rate"),
        ({"frames": 7}, "6 frames, expected 7"),
    ],
)
@pytest.mark.parametrize("fmt", ["mp4", "webm"])
def test_verify_names_what_differs(tmp_path, fmt, change, message):
    target, report = written(tmp_path, fmt)
    with pytest.raises(OutputMismatchError, match=message):
        verify(target, replace(report, **change))


@pytest.mark.parametrize(
    "change, message",
    [
        ({"width": 66}, "size 64x48, expected 66x48"),
        ({"fps": 12.5}, r"delays 4 cs x 6, expected 8 cs x 6; 0.240 s, expected 0.480 s"),
        ({"frames": 7}, r"0.240 s, expected 0.280 s"),
        ({"holds": ((1, 5),), "frames": 5}, "6 images, expected 5"),
        ({"holds": ((2, 3),)}, r"6 images, expected 3"),
        (
            {"holds": ((1, 3), (2, 1), (1, 2)), "frames": 7},
            r"delays 4 cs x 6, expected 4 cs x 3, 8 cs, 4 cs x 2; 0.240 s, expected 0.280 s",
        ),
    ],
)
def test_verify_names_what_differs_in_a_gif_from_its_blocks(tmp_path, change, message):
    target, report = written(tmp_path, "gif")
    assert report.holds == ((1, 6),)
    with pytest.raises(OutputMismatchError, match=message):
        verify(target, replace(report, **change))


def test_a_gif_that_breaks_its_block_structure_is_rejected(tmp_path):
    target, report = written(tmp_path, "gif")
    whole = target.read_bytes()
    target.write_bytes(whole[:-40])
    with pytest.raises(OutputMismatchError, match="ends before its trailer"):
        verify(target, report)
    first_block = 13 + 3 * (2 << (whole[10] & 7))  # after the global colour table
    target.write_bytes(whole[:first_block] + b"\x99" + whole[first_block + 1 :])
    with pytest.raises(OutputMismatchError, match="unknown block 0x99"):
        verify(target, report)
    target.write_bytes(b"PNG" + whole[3:])
    with pytest.raises(OutputMismatchError, match="does not start as a GIF"):
        verify(target, report)


def test_verify_rejects_a_gif_that_does_not_loop_forever(tmp_path):
    target = tmp_path / "once.gif"
    images = [Image.fromarray(frame) for frame in frames()]
    images[0].save(target, save_all=True, append_images=images[1:], duration=40, loop=1)
    report = EncodeReport(target, 64, 48, 25, 6, target.stat().st_size)
    with pytest.raises(OutputMismatchError, match="loop count 1"):
        verify(target, report)


def test_a_real_manim_scene_goes_through_capture_encoder_and_verify(tmp_path):
    pytest.importorskip("manim")
    from test_capture import SETTINGS, DotRight, dot_x

    from optiroll.render.capture import render_frames

    for fmt in ("gif", "mp4", "webm", "png"):
        target = tmp_path / f"dot.{fmt}"
        with atomic_output(target) as temporary:
            encoder = open_encoder(fmt, temporary, 128, 72, SETTINGS["frame_rate"])
            render_frames(DotRight, SETTINGS, encoder.write)
            info = verify(temporary, encoder.close())  # before it is published
        assert info.frames == (1 if fmt == "png" else 14)
        if fmt == "png":
            with Image.open(target) as image:
                assert dot_x(np.asarray(image.convert("RGB"))) > 64 + 10
    assert names(tmp_path) == ["dot.gif", "dot.mp4", "dot.png", "dot.webm"]


def test_verify_rejects_a_gif_whose_delays_do_not_add_up(tmp_path):
    target = tmp_path / "slow.gif"
    images = [Image.fromarray(frame) for frame in frames()]
    delays = [40, 40, 40, 40, 40, 1000]
    images[0].save(target, save_all=True, append_images=images[1:], duration=delays, loop=0)
    report = EncodeReport(target, 64, 48, 25, 6, target.stat().st_size)
    with pytest.raises(OutputMismatchError, match="1.200 s, expected 0.240 s"):
        verify(target, report)
