"""Manim frames streamed to a callback: counts, pixels, settings, and no files of Manim's own."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("manim")

from manim import LEFT, RED, RIGHT, WHITE, Dot, Scene, config, linear  # noqa: E402
from manim._config.utils import ManimConfig  # noqa: E402

from optiroll.render.capture import render_frames  # noqa: E402

SETTINGS = {"pixel_width": 128, "pixel_height": 72, "frame_rate": 20, "background_color": WHITE}


class DotRight(Scene):
    """A red dot from x=-2 to x=+2 in 0.5 s, then a 0.2 s hold."""

    def construct(self):
        dot = Dot(2 * LEFT, radius=0.5, color=RED)
        self.add(dot)
        self.play(dot.animate.shift(4 * RIGHT), run_time=0.5, rate_func=linear)
        self.wait(0.2)


def dot_x(frame: np.ndarray) -> float:
    """Mean column of the reddish pixels."""
    red = (frame[..., 0] > 150) & (frame[..., 1] < 120)
    assert red.any(), "no dot in frame"
    return float(np.nonzero(red)[1].mean())


def every_frame(frames: list):
    """A sink keeping a copy of each frame, a held one as often as it lasts (frames are lent for
    the length of the call only)."""
    return lambda frame, repeat: frames.extend([frame[..., :3].copy()] * repeat)


def capture(build=DotRight, settings=SETTINGS):
    """Every frame, copied."""
    frames = []
    count = render_frames(build, settings, every_frame(frames))
    return count, frames


def test_every_frame_is_lent_read_only_as_rgba_and_a_wait_once_with_its_length():
    lent = []
    count = render_frames(
        DotRight,
        SETTINGS,
        lambda frame, repeat: lent.append(
            (frame.shape, frame.dtype, frame.flags.writeable, frame[..., :3].copy(), repeat)
        ),
    )
    assert count == 10 + 4  # 0.5 s and 0.2 s at 20 fps
    assert [repeat for *_, repeat in lent] == [1] * 10 + [4]  # the wait: one picture, 4 frames
    for shape, dtype, writeable, *_ in lent:
        assert shape == (72, 128, 4) and dtype == np.uint8 and not writeable
    frames = [copy for *_, copy, _ in lent]
    assert dot_x(frames[10]) > dot_x(frames[9]) > dot_x(frames[0])  # the wait: where it ended
    assert not np.array_equal(frames[0], frames[9])  # each lent frame had its own picture


def test_a_drawn_frame_is_lent_as_the_cameras_own_pixels_not_a_copy():
    scenes, shared = [], []

    def build():
        scenes.append(DotRight())
        return scenes[0]

    def sink(frame, repeat):
        if repeat == 1:  # a held picture is Manim's copy: the camera draws over its pixels later
            shared.append(np.shares_memory(frame, scenes[0].camera.pixel_array))

    render_frames(build, SETTINGS, sink)
    assert shared == [True] * 10


def test_background_is_exactly_white_and_the_dot_moves_right():
    _, frames = capture()
    corners = np.stack([frames[-1][0, 0], frames[-1][0, -1], frames[-1][-1, 0], frames[-1][-1, -1]])
    assert (corners == 255).all()
    # x=-2 and x=+2 in a frame 8 * 128 / 72 units wide, 128 pixels across.
    units = 128 / (8 * 128 / 72)
    assert dot_x(frames[0]) == pytest.approx(64 - 2 * units, abs=1.5)
    assert dot_x(frames[-1]) == pytest.approx(64 + 2 * units, abs=1.5)


def test_settings_take_effect_inside_and_are_undone_after():
    seen = {}

    def build():
        seen.update(
            fps=config.frame_rate,
            size=(config.pixel_width, config.pixel_height),
            frame=(config.frame_width, config.frame_height),
            background=config.background_color.to_hex(),
        )
        return DotRight()

    before = config.copy()
    capture(build, {**SETTINGS, "pixel_width": 64, "pixel_height": 64, "frame_rate": 10})
    assert seen == {"fps": 10, "size": (64, 64), "frame": (8.0, 8.0), "background": "#FFFFFF"}
    assert (config.frame_rate, config.pixel_width) == (before.frame_rate, before.pixel_width)


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"fram_rate": 20}, "unknown"),
        ({"format": "mp4"}, "decides"),
        ({"frame_rate": 20, "quality": "low_quality"}, "quality"),
    ],
)
def test_settings_that_cannot_work_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        capture(settings=bad)


def test_a_setting_manim_ignores_is_an_error(monkeypatch):
    ignoring = property(lambda self: self._d["frame_rate"], lambda self, value: None)
    monkeypatch.setattr(ManimConfig, "frame_rate", ignoring)
    with pytest.raises(RuntimeError, match="frame_rate=20"):
        capture()


CHILD = """
import json, sys
import numpy as np
sys.path.insert(0, {tests!r})
from test_capture import SETTINGS, DotRight
from optiroll.render.capture import render_frames
frames = []
render_frames(DotRight, SETTINGS, lambda f, repeat: frames.extend([f[..., :3].copy()] * repeat))
print(json.dumps({{"frames": len(frames), "shape": frames[0].shape,
                   "corner": frames[-1][0, 0].tolist(), "digest": float(np.mean(frames))}}))
"""

HOSTILE_CFG = """
[CLI]
background_color = RED
frame_rate = 5
pixel_width = 320
pixel_height = 240
frame_height = 3
media_dir = ./cfg_media
log_to_file = True
format = png
background_opacity = 0.5
from_animation_number = 1
disable_caching = False
verbosity = DEBUG
"""


def run_child(cwd: Path, media: Path) -> dict:
    code = CHILD.format(tests=str(Path(__file__).parent))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(map(str, Path(__file__).parents[1:3])),
        "XDG_CACHE_HOME": str(media),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_manim_cfg_in_cwd_changes_nothing_and_nothing_lands_in_cwd(tmp_path):
    plain, hostile, media = tmp_path / "plain", tmp_path / "hostile", tmp_path / "media"
    plain.mkdir()
    hostile.mkdir()
    (hostile / "manim.cfg").write_text(HOSTILE_CFG)
    expected = run_child(plain, media)
    assert expected["frames"] == 14 and expected["corner"] == [255, 255, 255]
    assert run_child(hostile, media) == expected
    assert list(plain.iterdir()) == []
    assert [p.name for p in hostile.iterdir()] == ["manim.cfg"]


def test_a_still_is_the_last_frame_alone():
    _, frames = capture()
    stills = []
    count = render_frames(DotRight, SETTINGS, every_frame(stills), still=True)
    assert count == len(stills) == 1
    assert np.array_equal(stills[0], frames[-1])


def test_a_still_is_drawn_once_however_many_plays_it_skips(monkeypatch):
    from manim.camera.camera import Camera

    drawn = []
    draw = Camera.capture_mobjects
    monkeypatch.setattr(
        Camera, "capture_mobjects", lambda self, *a, **k: drawn.append(1) or draw(self, *a, **k)
    )
    render_frames(DotRight, SETTINGS, lambda frame, repeat: None, still=True)
    assert len(drawn) == 1
    drawn.clear()
    capture()  # a play of 10 frames and a wait: every frame drawn, and the static parts
    assert len(drawn) > 10


def test_the_settings_are_undone_when_the_scene_fails():
    def build():
        raise RuntimeError("the scene broke")

    before = config.copy()
    with pytest.raises(RuntimeError, match="the scene broke"):
        capture(build, {**SETTINGS, "frame_rate": 10})
    assert config.frame_rate == before.frame_rate and config.renderer == before.renderer
