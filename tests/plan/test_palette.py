"""A colour per optimizer: owned hues, contrast on both themes, a stable rule for repeats."""

import colorsys

from hypothesis import given
from hypothesis import strategies as st

from optiroll.optim.registry import OPTIMIZER_CLASSES
from optiroll.plan.palette import (
    HUES,
    MIN_CONTRAST,
    OPTIMIZER_HUES,
    contrast,
    hue_names,
    on_background,
    run_colors,
)
from optiroll.plan.theme import THEMES

NAMES = sorted(OPTIMIZER_CLASSES)


def hue_of(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0]


def test_every_optimizer_owns_a_hue_and_the_books_four_are_all_different():
    assert set(OPTIMIZER_HUES) == set(OPTIMIZER_CLASSES)
    book = [OPTIMIZER_HUES[n] for n in ("sgd", "momentum", "adagrad", "adam", "rmsprop")]
    assert len(set(book)) == len(book)


def test_contrast_matches_wcag_reference_values():
    assert round(contrast("#000000", "#FFFFFF"), 2) == 21.0
    assert round(contrast("#777777", "#FFFFFF"), 2) == 4.48  # WCAG's well-known grey


@given(
    st.sampled_from(list(HUES.values())), st.sampled_from([t.background for t in THEMES.values()])
)
def test_a_colour_on_a_page_keeps_its_hue_and_reaches_the_contrast(color, background):
    shifted = on_background(color, background)
    assert contrast(shifted, background) >= MIN_CONTRAST - 0.02  # 8-bit rounding
    assert abs(hue_of(shifted) - hue_of(color)) < 0.02
    if contrast(color, background) >= MIN_CONTRAST:
        assert shifted == color  # colours that already stand out are left alone


def test_the_same_optimizer_has_the_same_colour_in_any_figure_and_theme_keeps_the_hue():
    for theme in THEMES.values():
        alone = run_colors(["adam"], theme.background)[0]
        assert run_colors(["sgd", "momentum", "adam"], theme.background)[2] == alone
    light, dark = (run_colors(["adagrad"], THEMES[t].background)[0] for t in ("light", "dark"))
    assert abs(hue_of(light) - hue_of(dark)) < 0.02


@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=7))
def test_runs_in_one_figure_never_share_a_hue_while_hues_last(names):
    hues = hue_names(names)
    assert len(set(hues)) == len(hues)
    assert hue_names(names) == hues  # a pure function of the names
    # the first run of each optimizer whose hue no earlier run took gets its own
    taken = set()
    for name, hue in zip(names, hues, strict=True):
        if OPTIMIZER_HUES[name] not in taken:
            assert hue == OPTIMIZER_HUES[name]
        taken.add(hue)
