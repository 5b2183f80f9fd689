"""`hold_still`: a part with no updater is no longer walked in every frame; a part with one is
refused (holding it would stop its updater)."""

import pytest

pytest.importorskip("manim")

from manim import Circle, Text, VGroup  # noqa: E402

from optiroll.scenes.mobjects import hold_still  # noqa: E402


def test_a_still_part_is_not_walked_and_a_moving_one_is_refused(monkeypatch):
    from manim import Mobject

    still = VGroup(Text("step"), Circle())
    walked = []
    update = Mobject.update
    monkeypatch.setattr(
        Mobject, "update", lambda self, *a, **k: walked.append(self) or update(self, *a, **k)
    )
    still.update(0)
    assert len(walked) == len(still.get_family())  # Manim's walk: every glyph
    hold_still(still)
    walked.clear()
    still.update(0)
    assert walked == [still]  # stops at the top

    moving = VGroup(Circle(), Circle().add_updater(lambda mob: mob.shift([0.1, 0, 0])))
    with pytest.raises(ValueError, match="has updaters"):
        hold_still(moving)
    before = moving[1].get_center().copy()
    moving.update(0)
    assert moving[1].get_center()[0] > before[0]  # still updating
