"""Fade: every picture of a fade in or out is the one Manim's FadeIn or FadeOut paints, and the
mobject ends as theirs leaves it, without copying it."""

import numpy as np
import pytest

pytest.importorskip("manim")

from manim import (  # noqa: E402
    BLUE,
    RED,
    Camera,
    Circle,
    FadeIn,
    FadeOut,
    Square,
    VGroup,
    smooth,
    tempconfig,
)

from optiroll.scenes.fade import Fade  # noqa: E402

SMALL = {"pixel_width": 160, "pixel_height": 90}


def board() -> VGroup:
    square = Square(color=BLUE, fill_opacity=0.8, stroke_width=6).shift([-1.3, 0.2, 0])
    circle = Circle(color=RED, fill_opacity=0.4).shift([0.7, -0.1, 0])
    return VGroup(square, VGroup(circle))


def pictures(animation, mobject, alphas) -> list[np.ndarray]:
    camera = Camera()
    animation.begin()
    shots = []
    for alpha in alphas:
        animation.interpolate(alpha)
        camera.reset()
        camera.capture_mobjects([mobject])
        shots.append(camera.pixel_array.copy())
    animation.finish()
    return shots


@pytest.mark.parametrize(("appear", "manims"), [(True, FadeIn), (False, FadeOut)])
def test_each_picture_is_manims(appear, manims):
    alphas = [0.0, 0.2, 0.45, 0.8, 1.0]
    with tempconfig(SMALL):
        ours, theirs = board(), board()
        drawn = pictures(Fade(ours, appear=appear, rate_func=smooth), ours, alphas)
        expected = pictures(manims(theirs, rate_func=smooth), theirs, alphas)
        for got, want in zip(drawn, expected, strict=True):
            assert np.array_equal(got, want)
        assert not np.array_equal(drawn[1], drawn[3])  # it does fade
        for a, b in zip(ours.get_family(), theirs.get_family(), strict=True):
            assert np.array_equal(a.points, b.points)
            assert np.array_equal(a.fill_rgbas, b.fill_rgbas)
            assert np.array_equal(a.stroke_rgbas, b.stroke_rgbas)


def test_it_does_not_copy_the_mobject(monkeypatch):
    from manim import Mobject

    copied = []
    deepcopy = Mobject.__deepcopy__
    monkeypatch.setattr(
        Mobject, "__deepcopy__", lambda self, memo: copied.append(self) or deepcopy(self, memo)
    )
    with tempconfig(SMALL):
        ours, theirs = board(), board()
        pictures(Fade(ours, appear=True), ours, [0.5])
        assert copied == []
        pictures(FadeIn(theirs), theirs, [0.5])
        assert copied  # the check sees Manim's copies
