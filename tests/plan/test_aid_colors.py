"""The explain board's colours: a meaning each, never the ball's hue, 3:1 on either page."""

import pytest

from optiroll.plan.aid_colors import PREFERENCES, aid_colors, aid_hues
from optiroll.plan.palette import HUES, OPTIMIZER_HUES, contrast
from optiroll.plan.theme import THEMES


@pytest.mark.parametrize("ball", sorted(HUES))
def test_no_aid_shares_the_balls_hue_and_no_two_aids_share_one(ball):
    hues = aid_hues(ball)
    assert set(hues) == set(PREFERENCES)
    assert ball not in hues.values()
    assert len(set(hues.values())) == len(hues)


@pytest.mark.parametrize("scheme", THEMES.values(), ids=lambda s: s.name)
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZER_HUES))
def test_every_aid_stands_out_from_the_page(scheme, optimizer):
    colors = aid_colors(OPTIMIZER_HUES[optimizer], scheme.background, scheme.name)
    for color in (colors.gradient, colors.velocity, colors.step_size, colors.now):
        assert contrast(color, scheme.background) >= 3.0, (optimizer, color)
    # The band of now is a tint of the page, so the rule's symbols keep their contrast on it.
    assert contrast(colors.now_fill, scheme.text) >= 4.5


def test_the_book_boards_keep_the_gradient_warm_and_now_yellow():
    for optimizer in ("sgd", "adagrad", "adam"):
        assert aid_hues(OPTIMIZER_HUES[optimizer])["gradient"] == "vermillion"
    assert aid_hues(OPTIMIZER_HUES["momentum"])["gradient"] == "reddish purple"
    assert {aid_hues(OPTIMIZER_HUES[o])["now"] for o in ("sgd", "momentum", "adam")} == {"yellow"}
