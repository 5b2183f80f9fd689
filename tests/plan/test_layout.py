"""Grids for 1 to 6 panels: large plots first, then room for the titles."""

import pytest

from optiroll.plan.layout import Box, best_grid, text_width

FRAME = Box(-7.1, -3.6, 7.1, 3.6)  # 16:9 in scene units, as rendered


@pytest.mark.parametrize(
    ("n", "aspect", "title_width", "grid"),
    [
        (4, 2.0, 5.0, (2, 2)),  # the book's figure
        (4, 1.0, 5.0, (2, 2)),  # square plots: a row of four is 13% larger but squeezes titles
        (4, 1.0, 3.0, (1, 4)),  # ... unless the titles are short enough
        (4, 1.0, 9.0, (2, 2)),  # none fits: the widest near cells
        (1, 2.0, 5.0, (1, 1)),
        (2, 2.0, 5.0, (1, 2)),  # side by side: titles fit and the plots are 13% larger
        (6, 1.0, 4.0, (2, 3)),
        (6, 1.0, 20.0, (2, 3)),  # no grid near the largest fits: of those, the widest cells
    ],
)
def test_the_grid_for_n_panels(n, aspect, title_width, grid):
    assert best_grid(n, FRAME, aspect, 0.5, title_width) == grid


def test_the_widest_title_of_the_figure_decides():
    assert text_width("모멘텀", 1.0) > text_width("abc", 1.0) > 0


@pytest.mark.parametrize("n", range(1, 7))
@pytest.mark.parametrize("aspect", [0.5, 1.0, 2.0, 4.0])
def test_every_panel_has_a_cell_and_no_row_is_empty(n, aspect):
    rows, cols = best_grid(n, FRAME, aspect, 0.5)
    assert rows * cols >= n and (rows - 1) * cols < n
