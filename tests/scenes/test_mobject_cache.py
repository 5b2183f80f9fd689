"""Slow mobjects are made once: later calls load the same shapes from disk, damaged files are remade."""

import numpy as np
import pytest

pytest.importorskip("manim")

from optiroll.scenes import mobject_cache  # noqa: E402


@pytest.fixture(autouse=True)
def manim_media(tmp_path):
    """Manim's own SVG files go to a temporary folder, not the working directory."""
    from manim import tempconfig

    with tempconfig({"media_dir": str(tmp_path / "manim")}):
        yield


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "optiroll" / "mobjects"


def outline(mob) -> np.ndarray:
    return np.concatenate([m.points for m in mob.family_members_with_points()])


def test_a_text_is_made_once_and_then_loaded_with_the_same_outline(cache, monkeypatch):
    first = mobject_cache.text("SGD lr=0.95", "DejaVu Sans", "#1A1A1A")
    assert len(list(cache.glob("text-*.pickle"))) == 1
    monkeypatch.setattr(mobject_cache, "_store", lambda *a: pytest.fail("made again"))
    import manim

    monkeypatch.setattr(manim, "Text", lambda *a, **k: pytest.fail("laid out again"))
    second = mobject_cache.text("SGD lr=0.95", "DejaVu Sans", "#1A1A1A")
    assert second is not first
    assert np.array_equal(outline(first), outline(second))
    assert second.get_color().to_hex().upper() == "#1A1A1A"


def test_every_part_of_the_key_counts(cache):
    for args in [
        ("a", "DejaVu Sans", "#000000"),
        ("b", "DejaVu Sans", "#000000"),
        ("a", "NanumGothic", "#000000"),
        ("a", "DejaVu Sans", "#FF0000"),
    ]:
        mobject_cache.text(*args)
    assert len(list(cache.glob("text-*.pickle"))) == 4


def test_a_damaged_entry_is_made_again(cache):
    good = mobject_cache.text("step", "", "#000000")
    (entry,) = cache.glob("text-*.pickle")
    entry.write_bytes(b"not a pickle")
    again = mobject_cache.text("step", "", "#000000")
    assert np.array_equal(outline(good), outline(again))
    assert entry.read_bytes() != b"not a pickle"


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert len(mobject_cache.text("x", "", "#000000")) == 1


def test_nothing_is_loaded_or_stored_where_other_users_can_write(cache, monkeypatch):
    mobject_cache.text("shared", "", "#000000")
    (entry,) = cache.glob("text-*.pickle")
    for mode in (0o777, 0o775):  # a folder others (or the group) can write in
        cache.chmod(mode)
        entry.write_bytes(b"whatever another user put here")
        monkeypatch.setattr(mobject_cache.pickle, "load", lambda f: pytest.fail("unpickled"))
        assert len(mobject_cache.text("shared", "", "#000000")) == 6
        assert entry.read_bytes() == b"whatever another user put here"  # nor replaced
        assert len(list(cache.glob("text-*"))) == 1


def test_an_entry_others_can_write_or_a_link_is_not_loaded(cache, tmp_path, monkeypatch):
    first = mobject_cache.text("mine", "", "#000000")
    (entry,) = cache.glob("text-*.pickle")
    loaded = []
    real_load = mobject_cache.pickle.load
    monkeypatch.setattr(mobject_cache.pickle, "load", lambda f: loaded.append(1) or real_load(f))
    entry.chmod(0o666)
    again = mobject_cache.text("mine", "", "#000000")
    assert loaded == [] and np.array_equal(outline(first), outline(again))
    assert entry.stat().st_mode & 0o022 == 0  # made again, private
    elsewhere = tmp_path / "elsewhere.pickle"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    mobject_cache.text("mine", "", "#000000")
    assert loaded == []


def test_a_new_cache_folder_is_private(cache):
    mobject_cache.text("new", "", "#000000")
    assert cache.stat().st_mode & 0o777 == 0o700
