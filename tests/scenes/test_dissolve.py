"""A dissolve: each page painted once, their pixels mixed; where one page has ink, a frame is the
fade Manim paints; other animations play over it; the scene ends showing the new page."""

import numpy as np
import pytest

pytest.importorskip("manim")

from manim import (  # noqa: E402
    BLUE,
    RED,
    Camera,
    Circle,
    FadeIn,
    Mobject,
    ReplacementTransform,
    Scene,
    Square,
    Text,
    linear,
    tempconfig,
)

from optiroll.scenes import dissolve  # noqa: E402
from optiroll.scenes.backdrop import BackdropCamera  # noqa: E402
from optiroll.scenes.dissolve import Dissolve, Mix, Picture  # noqa: E402

SMALL = {"pixel_width": 160, "pixel_height": 90, "frame_rate": 10, "dry_run": True}


def page(mobjects) -> np.ndarray:
    camera = Camera()
    camera.capture_mobjects(mobjects)
    return camera.pixel_array.copy()


def test_the_mix_runs_from_one_page_to_the_other_pixel_by_pixel():
    rng = np.random.default_rng(3)
    before = rng.integers(0, 256, (9, 16, 4), dtype=np.uint8)
    after = before.copy()
    after[2:5, 3:11] = rng.integers(0, 256, (3, 8, 4), dtype=np.uint8)
    mix, pixels = Mix(before, after), np.zeros_like(before)
    for t in (0.0, 0.3, 0.5, 1.0):
        mix.into(pixels, t)
        exact = before + (after.astype(float) - before) * t
        assert np.abs(pixels - exact).max() <= 0.5 + 1e-4
    assert len(mix.changed) <= 3 * 8  # only the pixels that differ are computed


def test_where_one_page_has_one_layer_of_ink_a_frame_is_the_fade_manim_paints():
    """(Where a part's own layers overlap, a stroke over its fill, Manim's fade lets the lower
    layer show through the upper one; the dissolve shows the page as it is, as film does.)"""
    with tempconfig(SMALL):
        square = Square(color=BLUE, fill_opacity=0.8, stroke_width=6).shift([-1.3, 0.2, 0])
        circle = Circle(fill_color=RED, fill_opacity=0.4, stroke_width=0).shift([1.5, -0.1, 0])
        picture = Picture([square], [square, circle])
        camera = BackdropCamera()
        for t in (0.2, 0.5, 0.85):
            theirs = circle.copy()
            fade = FadeIn(theirs, rate_func=linear)
            fade.begin()
            fade.interpolate(t)
            picture.mix = t
            camera.reset()
            camera.capture_mobjects([picture])
            drawn = camera.pixel_array.astype(int)
            assert np.abs(drawn - page([square, theirs])).max() <= 2
            assert np.abs(drawn - page([square])).max() >= 0.4 * t * 255 - 1  # the circle comes in


def test_a_picture_replaces_what_was_painted_and_what_follows_paints_over_it():
    with tempconfig(SMALL):
        under = Square(color=RED, fill_opacity=1).scale(3)
        old, new = Circle(color=BLUE, fill_opacity=1), Square(color=BLUE, fill_opacity=1)
        top = Circle(radius=0.3, color=RED, fill_opacity=1).shift([2, 0, 0])
        picture = Picture([old], [new])
        picture.mix = 1.0
        camera = BackdropCamera()
        camera.capture_mobjects([under, picture, top])
        assert np.array_equal(camera.pixel_array, page([new, top]))


def test_in_a_scene_each_page_is_painted_once_and_the_play_ends_on_the_new_page(monkeypatch):
    mixes, copied = [], []
    made = Mix.__init__
    monkeypatch.setattr(Mix, "__init__", lambda self, *a: mixes.append(self) or made(self, *a))
    deepcopy = Mobject.__deepcopy__
    monkeypatch.setattr(
        Mobject, "__deepcopy__", lambda self, memo: copied.append(self) or deepcopy(self, memo)
    )
    with tempconfig(SMALL):
        scene = Scene(camera_class=BackdropCamera)
        frames = []
        scene.renderer.add_frame = lambda frame, num_frames=1: frames.append(frame.copy())
        title, board = Text("old", color=RED).shift([0, 2, 0]), Square(color=BLUE).scale(2)
        rule, moved = Text("rule", color=RED), Text("rule", color=RED).shift([0, -3, 0])
        scene.add(title, rule)
        scene.remove(title)
        scene.play(Dissolve([title], [board]), ReplacementTransform(rule, moved), run_time=1)
        assert len(frames) >= 9 and len(mixes) == 1
        assert not any(m in copied for m in [title, board, *title, *board.get_family()])
        assert board in scene.mobjects and moved in scene.mobjects and rule not in scene.mobjects
        assert not any(isinstance(m, dissolve.Picture) for m in scene.mobjects)
        # From the old page to the new one, the rule moving over both.
        new = page([board, moved]).astype(int)
        away = [np.abs(frame - new).mean() for frame in frames]
        assert away == sorted(away, reverse=True) and away[0] > 10 * away[-1]
        assert np.array_equal(page(scene.mobjects), page([board, moved]))
