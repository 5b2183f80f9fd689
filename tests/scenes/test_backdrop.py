"""The backdrop camera: a picture that starts with the held mobjects is the picture Manim's own
camera paints, drawn over the kept pixels of those mobjects; any other picture is painted whole."""

import numpy as np
import pytest

pytest.importorskip("manim")

from manim import BLUE, RED, Camera, Circle, Square, tempconfig  # noqa: E402

from optiroll.scenes.backdrop import BackdropCamera  # noqa: E402

SMALL = {"pixel_width": 160, "pixel_height": 90}


def picture(camera: Camera, mobjects: list) -> np.ndarray:
    camera.reset()
    camera.capture_mobjects(mobjects)
    return camera.pixel_array.copy()


def test_a_picture_over_the_backdrop_is_the_one_painted_whole():
    with tempconfig(SMALL):
        square = Square(color=BLUE, fill_opacity=1).shift([-1, 0, 0])
        circle = Circle(color=RED, fill_opacity=0.5)
        plain, held = Camera(), BackdropCamera()
        held.hold([square])
        first = picture(held, [square, circle])
        circle.shift([0.5, 0, 0])
        second = picture(held, [square, circle])
        assert np.array_equal(second, picture(plain, [square, circle]))
        assert not np.array_equal(first, second)


def test_the_held_pixels_are_reused_until_release():
    with tempconfig(SMALL):
        square = Square(color=BLUE, fill_opacity=1)
        circle = Circle(color=RED).shift([2, 0, 0])
        camera = BackdropCamera()
        camera.hold([square])
        kept = picture(camera, [square, circle])
        square.set_fill(RED)  # against the contract: the camera keeps what it painted
        assert np.array_equal(picture(camera, [square, circle]), kept)
        camera.release()
        assert not np.array_equal(picture(camera, [square, circle]), kept)


def test_a_picture_not_starting_with_the_held_mobjects_is_painted_whole():
    with tempconfig(SMALL):
        square = Square(color=BLUE, fill_opacity=1)
        circle = Circle(color=RED, fill_opacity=1)
        camera = BackdropCamera()
        camera.hold([square])
        picture(camera, [square])
        assert np.array_equal(picture(camera, [circle]), picture(Camera(), [circle]))
        # Drawn over a background that is not the page (Manim's static image): painted as asked.
        camera.set_frame_to_background(picture(Camera(), [circle]))
        camera.capture_mobjects([square])
        assert np.array_equal(camera.pixel_array, picture(Camera(), [circle, square]))


def test_a_new_hold_keeps_the_pictures_of_the_layers_it_shares():
    with tempconfig(SMALL):
        square = Square(color=BLUE, fill_opacity=1).shift([-2, 0, 0])
        circle = Circle(color=RED, fill_opacity=1)
        dot = Circle(radius=0.3, color=RED, fill_opacity=1).shift([2, 0, 0])
        camera = BackdropCamera()
        camera.hold([square], [circle])
        picture(camera, [square, circle, dot])
        blue_square = picture(Camera(), [square])
        square.set_fill(RED)  # against the contract: shows which layers are painted anew
        camera.hold([square], [dot])
        drawn = picture(camera, [square, dot, circle])
        camera.set_frame_to_background(blue_square)
        camera.capture_mobjects([dot, circle])
        assert np.array_equal(drawn, camera.pixel_array)


def test_it_lists_the_mobjects_to_paint_as_manims_camera_does():
    from manim import Dot, VGroup
    from manim.utils.family import extract_mobject_family_members

    with tempconfig(SMALL):
        inner = VGroup(Dot(), Square())
        outer = VGroup(Circle(), inner, Dot().set_z_index(-1))
        loose = Square()
        flat = extract_mobject_family_members([outer, loose])  # as Manim passes a play's parts
        for mobjects in ([outer, loose], flat, flat[::-1], [inner, *flat]):
            assert BackdropCamera().get_mobjects_to_display(
                mobjects
            ) == Camera().get_mobjects_to_display(mobjects)
