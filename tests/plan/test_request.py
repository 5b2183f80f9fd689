"""A render request: what the user did not say is the scene's default, and only that."""

from dataclasses import fields, replace

import pytest

from optiroll.errors import OptirollError
from optiroll.plan.request import REQUEST_KINDS, SCENE_DEFAULTS, UNSAID, RenderRequest
from optiroll.plan.settings import SCENES, resolve_settings


@pytest.mark.parametrize(
    ("scene", "fmt", "quality", "seconds_per_step"),
    [
        ("compare", "gif", "blog", 0.2),
        ("explain", "gif", "blog", 4.0),
        ("lecture", "mp4", "lecture", 4.0),
    ],
)
def test_what_is_not_said_is_the_scenes_default(scene, fmt, quality, seconds_per_step):
    settings = RenderRequest(scene=scene).resolve()
    assert (settings.format, settings.quality, settings.seconds_per_step) == (
        fmt,
        quality,
        seconds_per_step,
    )


def test_what_is_said_beats_the_scenes_default():
    asked = RenderRequest(scene="lecture", format="gif", quality="preview", seconds_per_step=0.3)
    settings = asked.resolve()
    assert (settings.format, settings.quality, settings.seconds_per_step) == ("gif", "preview", 0.3)
    assert asked.with_defaults() == asked


def test_every_scene_default_names_a_field_and_every_scene_fills_every_unsaid_field():
    for scene in SCENES:
        filled = RenderRequest(scene=scene).with_defaults()
        assert all(getattr(filled, key) is not None for key in UNSAID)
    assert {key for defaults in SCENE_DEFAULTS.values() for key in defaults} <= set(UNSAID)


def test_an_empty_request_is_resolve_settings_defaults():
    assert RenderRequest().resolve() == resolve_settings()


def test_stretch_is_the_opposite_of_one_scale():
    assert RenderRequest().resolve().equal_scale is True
    assert RenderRequest(stretch=True).resolve().equal_scale is False


def test_every_field_a_user_says_has_its_kind_in_order():
    # sized_as is the build's (a poster's size), not a user's option.
    assert list(REQUEST_KINDS) == [f.name for f in fields(RenderRequest) if f.name != "sized_as"]
    assert set(REQUEST_KINDS.values()) <= {str, int, float, bool}
    assert REQUEST_KINDS["fps"] is float and REQUEST_KINDS["stretch"] is bool


def test_a_bad_choice_is_named_with_the_closest():
    with pytest.raises(OptirollError, match="unknown format 'gfi'; did you mean 'gif'"):
        RenderRequest(format="gfi").resolve()
    with pytest.raises(OptirollError, match="a GIF plays as asked only at"):
        RenderRequest(fps=30).resolve()
    RenderRequest(scene="lecture", fps=30).resolve()  # an MP4 by default: any rate


@pytest.mark.parametrize(("quality", "fps"), [("blog", None), ("preview", 12.5)])
def test_a_still_sized_as_a_gif_is_the_gifs_settings_but_the_format(quality, fps):
    gif = RenderRequest(quality=quality, fps=fps, format="gif", max_size="300KB").resolve()
    still = RenderRequest(quality=quality, fps=fps, format="png", sized_as="gif").resolve()
    own = RenderRequest(quality=quality, format="png").resolve()
    assert still == replace(gif, format="png", max_bytes=None)
    assert (still.width, still.height) != (own.width, own.height)  # a PNG's own is a video's


def test_a_still_sized_as_a_gif_is_still_checked_as_a_still():
    with pytest.raises(OptirollError, match="--max-size applies to GIFs only"):
        RenderRequest(format="png", sized_as="gif", max_size="300KB").resolve()
    with pytest.raises(OptirollError, match="a GIF plays as asked only at"):
        RenderRequest(format="png", sized_as="gif", fps=30).resolve()
    with pytest.raises(ValueError, match="only a still"):
        RenderRequest(format="mp4", sized_as="gif").resolve()
