"""The relief's colour map: perceptual steps, lightness with height, no optimizer's hue, light."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optiroll.plan.colormap import (
    AMBIENT,
    height_lab,
    oklab_to_srgb,
    relief_colors,
    srgb_to_oklab,
)
from optiroll.plan.palette import HUES, run_colors
from optiroll.plan.theme import THEMES

PAGES = [t.background for t in THEMES.values()]


def chroma(lab: np.ndarray) -> np.ndarray:
    return np.hypot(lab[..., 1], lab[..., 2])


def lab_of(color: str) -> np.ndarray:
    return srgb_to_oklab(np.array([int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]))


@given(st.lists(st.floats(0, 1), min_size=3, max_size=3))
def test_oklab_round_trips_srgb(rgb):
    assert oklab_to_srgb(srgb_to_oklab(np.array(rgb))) == pytest.approx(rgb, abs=1e-6)


def test_oklab_matches_its_published_values():
    # Ottosson's reference: white is L = 1, a = b = 0; sRGB red is (0.628, 0.225, 0.126).
    assert srgb_to_oklab(np.array([1.0, 1.0, 1.0])) == pytest.approx([1, 0, 0], abs=1e-4)
    assert srgb_to_oklab(np.array([1.0, 0.0, 0.0])) == pytest.approx(
        [0.628, 0.225, 0.126], abs=1e-3
    )


@pytest.mark.parametrize("page", PAGES)
def test_lightness_rises_evenly_with_height_on_either_page(page):
    lab = height_lab(np.linspace(0, 1, 101), page)
    steps = np.diff(lab[:, 0])
    assert (steps > 0).all()
    assert steps.max() < 2 * steps.min()  # no stretch of the map reads as a jump
    assert lab[-1, 0] - lab[0, 0] > 0.3


@pytest.mark.parametrize("page", PAGES)
def test_the_map_takes_no_optimizers_hue(page):
    """Chroma stays at a fraction of any run's: a trail never sinks into a relief of its hue."""
    ramp = chroma(height_lab(np.linspace(0, 1, 101), page))
    runs = [chroma(lab_of(c)) for c in run_colors(list(HUES), page)]
    runs += [chroma(lab_of(c)) for c in HUES.values()]
    assert ramp.max() <= 0.04 < 0.4 * min(runs)


def test_the_map_stands_apart_from_its_page():
    """On white the relief is a shade darker than the page, on the dark theme lighter."""
    for page in PAGES:
        background = lab_of(page)[0]
        levels = height_lab(np.linspace(0, 1, 11), page)[:, 0]
        assert np.abs(levels - background).min() > 0.03


def test_sunlight_changes_lightness_only_and_flat_ground_shows_the_map():
    levels = np.linspace(0, 1, 5)
    for page in PAGES:
        flat = srgb_to_oklab(relief_colors(levels, np.ones(5), page))
        assert flat == pytest.approx(height_lab(levels, page), abs=1e-6)
        shade = srgb_to_oklab(relief_colors(levels, np.zeros(5), page))
        assert shade[:, 0] == pytest.approx(AMBIENT * flat[:, 0], abs=1e-6)
        hue = np.arctan2(shade[:, 2], shade[:, 1]), np.arctan2(flat[:, 2], flat[:, 1])
        assert hue[0] == pytest.approx(hue[1], abs=1e-3)
