"""Render settings: names are checked with the closest suggested."""

import pytest

from optiroll.errors import OptirollError
from optiroll.plan.settings import check_scene_runs, resolve_settings


@pytest.mark.parametrize(
    ("option", "value", "suggestion"),
    [("theme", "drak", "dark"), ("scene", "racee", "race"), ("quality", "blg", "blog")],
)
def test_an_unknown_name_suggests_the_closest(option, value, suggestion):
    with pytest.raises(
        OptirollError, match=f"unknown {option} '{value}'; did you mean '{suggestion}'"
    ):
        resolve_settings(**{option: value})


@pytest.mark.parametrize("scene", ["single", "explain"])
def test_one_optimizer_scenes_take_exactly_one(scene):
    check_scene_runs(scene, 1)
    with pytest.raises(OptirollError, match=f"the {scene} scene shows one optimizer, got 2"):
        check_scene_runs(scene, 2)
    check_scene_runs("compare", 6)
