"""Grids for 1 to 6 panels: large plots first, then room for the titles."""

import pytest

from optiroll.scenes.layout import Box, best_grid

FRAME = Box(-7.1, -3.6, 7.1, 3.6)  # 16:9 in scene units, as rendered


@pytest.mark.parametrize(
    ("n", "aspect", "grid"),
    [
        (4, 2.0, (2, 2)),  # the book's figure
        (4, 1.0, (2, 2)),  # square windows: a row of four is 13% larger, its titles cramped
        (1, 2.0, (1, 1)),
        (2, 2.0, (2, 1)),  # stacked: full-width titles for 13% smaller plots
        (6, 1.0, (2, 3)),
    ],
)
def test_the_grid_for_n_panels(n, aspect, grid):
    assert best_grid(n, FRAME, aspect, 0.5) == grid


@pytest.mark.parametrize("n", range(1, 7))
@pytest.mark.parametrize("aspect", [0.5, 1.0, 2.0, 4.0])
def test_every_panel_has_a_cell_and_no_row_is_empty(n, aspect):
    rows, cols = best_grid(n, FRAME, aspect, 0.5)
    assert rows * cols >= n and (rows - 1) * cols < n
