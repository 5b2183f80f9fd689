"""The figure layout, computed directly (no render): the plots fill the frame, every text keeps
its size, nothing overlaps, and each plot shows the surface's window at one scale for x and y."""

import itertools

import pytest

from optiroll.optim.experiment import build_experiment
from optiroll.optim.presets import PRESETS
from optiroll.plan import tex_width
from optiroll.plan.axes import GUTTER_BOTTOM, MIN_TEXT, y_gutter
from optiroll.plan.layout import (
    CURVE_MIN,
    FORMULA_MIN_DIGIT,
    LINE,
    TEXT,
    TITLE_DOT,
    TITLE_SHARE,
    Box,
    landmark_name,
    layout_figure,
    legend_size,
    text_width,
    wrap,
)
from optiroll.plan.request import RenderRequest

# Beyond a preset's own optimizers, the next ones of this list make up to six.
MORE = ("sgd", "momentum", "adagrad", "adam", "rmsprop", "nesterov")
ASPECTS = ("16:9", "1:1", "4:3")
FILL = {"16:9": 0.6, "1:1": 0.5, "4:3": 0.5}
EPS = 1e-9


def optimizers(preset: str, n: int) -> tuple[str, ...]:
    own = [name for name, _ in PRESETS[preset].runs]
    return tuple((own + [m for m in MORE if m not in own])[:n])


def figure(scene="compare", preset="book", n=None, aspect="16:9", **asked):
    names = optimizers(preset, n) if n else ()
    experiment = build_experiment(preset, names, None, None, None, None)
    settings = RenderRequest(scene=scene, aspect=aspect, **asked).resolve()
    return settings, experiment, layout_figure(settings, experiment)


CASES = [
    (scene, curve, aspect)
    for scene, curve in (("compare", False), ("compare", True), ("race", False), ("race", True))
    for aspect in ASPECTS
] + [("single", False, aspect) for aspect in ASPECTS]


@pytest.mark.parametrize(("scene", "curve", "aspect"), CASES)
def test_the_plots_cover_the_frame_for_every_preset_and_count(scene, curve, aspect):
    """The plots (the loss curve's plot among them) cover 60% of a 16:9 frame, 50% of the
    others, for every preset and one to six optimizers."""
    counts = [1] if scene == "single" else range(1, 7)
    short = []
    for preset, n in itertools.product(PRESETS, counts):
        settings, _, layout = figure(scene, preset, n, aspect, loss_curve=curve)
        coverage = layout.coverage(settings.frame_width, settings.frame_height)
        if coverage < FILL[aspect]:
            short.append((preset, n, round(coverage, 3)))
    assert short == []


def test_the_book_figure_is_two_by_two_and_fills_more_than_the_old_layout():
    settings, _, layout = figure()
    assert len({p.area.box.top for p in layout.panels}) == 2
    assert len({p.area.box.left for p in layout.panels}) == 2
    # The layout before axes and filling covered 42% of the frame.
    assert layout.coverage(settings.frame_width, settings.frame_height) > 0.6


def texts_fit(settings, experiment, layout):
    """Every text the layout places is TEXT tall and fits its box at that size."""
    assert TEXT >= MIN_TEXT
    assert layout.counter.height * TITLE_SHARE >= MIN_TEXT - EPS
    steps = experiment.steps
    from optiroll.plan.words import LANGUAGES

    words = LANGUAGES[settings.lang]
    assert text_width(f"×8 {words.counter(steps, steps)}", TEXT) <= layout.counter.width
    for panel in layout.panels:
        if panel.title_box is None:
            continue
        dot = TITLE_DOT if layout.title_dots else 0.0
        assert len(panel.title) * LINE <= panel.title_box.height + EPS
        for line in panel.title:
            assert text_width(line, TEXT) + dot <= panel.title_box.width + EPS, line
    if layout.legend is not None:
        marks = [landmark_name(words, kind) for kind in layout.legend_marks]
        entries = [*layout.legend_texts, *marks]
        width, height = legend_size(entries, layout.legend_columns)
        assert width <= layout.legend.width + EPS and height <= layout.legend.height + EPS
    if layout.curve is not None:  # room for the loss curve's decades, whatever else is placed
        curve = layout.plot_boxes()[-1]
        assert curve.width >= CURVE_MIN[0] and curve.height >= CURVE_MIN[1]
    if layout.note is not None:
        assert text_width(words.not_to_scale, TEXT) <= layout.note.width
    # The formula, at its smallest digits, fits beside the counter, or has a line of its own, or
    # (too long even for that) runs from beside the counter onto the line under it.
    latex = experiment.surface.latex
    lines = layout.formula_lines or ((latex, layout.formula),)
    assert "".join(piece for piece, _ in lines) == latex and lines[-1][1] == layout.formula
    for piece, box in lines:
        assert box.height >= max(LINE, tex_width.height(piece, FORMULA_MIN_DIGIT)) - EPS
        assert layout.header.bottom - EPS <= box.bottom and box.top <= layout.header.top + EPS
    if layout.formula_lines:
        assert lines[0][1].right <= layout.counter.left and lines[1][1].top <= lines[0][1].bottom
        assert tex_width.width(latex, FORMULA_MIN_DIGIT) > layout.header.width
        assert all(tex_width.width(p, FORMULA_MIN_DIGIT) <= box.width for p, box in lines)
    else:
        assert tex_width.width(latex, FORMULA_MIN_DIGIT) <= layout.formula.width or (
            layout.formula.width == pytest.approx(layout.header.width)
        )
    # Each labelled y axis's labels fit the room left of its plot.
    for panel in layout.panels:
        if panel.y_labels:
            w, b = panel.area.window, panel.area.box
            assert y_gutter(w.y_min, w.y_max, b.height) <= layout.gutter_left + EPS


def occupied(settings, layout) -> list[tuple[str, Box]]:
    """Every box something is drawn in: plots with their gutters, titles, header, legend, curve."""
    boxes = [("header", layout.header)]
    for i, panel in enumerate(layout.panels):
        b = panel.area.box
        left = layout.gutter_left if panel.y_labels else 0.0
        below = GUTTER_BOTTOM if panel.x_labels else 0.0
        boxes.append((f"plot {i}", Box(b.left - left, b.bottom - below, b.right, b.top)))
        if panel.title_box is not None and panel.title_box.top <= layout.header.bottom + EPS:
            boxes.append((f"title {i}", panel.title_box))
    for name in ("legend", "curve"):
        if getattr(layout, name) is not None:
            boxes.append((name, getattr(layout, name)))
    return boxes


def overlap(a: Box, b: Box) -> bool:
    return min(a.right, b.right) - max(a.left, b.left) > EPS and (
        min(a.top, b.top) - max(a.bottom, b.bottom) > EPS
    )


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("scene", "curve", "aspect"), CASES)
def test_texts_keep_their_size_and_nothing_overlaps(scene, curve, aspect, lang):
    counts = [1] if scene == "single" else (1, 2, 4, 6)
    for preset, n, axes, stretch in itertools.product(
        ("book", "rosenbrock", "beale", "plateau"), counts, (True, False), (False, True)
    ):
        settings, experiment, layout = figure(
            scene, preset, n, aspect, loss_curve=curve, lang=lang, axes=axes, stretch=stretch
        )
        texts_fit(settings, experiment, layout)
        fw, fh = settings.frame_width, settings.frame_height
        frame = Box(-fw / 2, -fh / 2, fw / 2, fh / 2)
        boxes = occupied(settings, layout)
        for name, box in boxes:
            assert frame.left - EPS <= box.left and box.right <= frame.right + EPS, name
            assert frame.bottom - EPS <= box.bottom and box.top <= frame.top + EPS, name
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            assert not overlap(box_a, box_b), (preset, n, a, b)


@pytest.mark.parametrize(("scene", "curve", "aspect"), CASES)
def test_every_plot_shows_the_surfaces_window_at_one_scale(scene, curve, aspect):
    """The window grows to the panel's shape about the surface's own, x and y at one scale, the
    same in every panel; stretched, each panel shows exactly the surface's window."""
    for preset in ("book", "rosenbrock", "plateau"):
        _, experiment, layout = figure(scene, preset, 4 if scene != "single" else 1, aspect)
        own = experiment.surface.window
        scales = set()
        for panel in layout.panels:
            w, b = panel.area.window, panel.area.box
            assert w.x_min <= own.x_min + EPS and w.x_max >= own.x_max - EPS
            assert w.y_min <= own.y_min + EPS and w.y_max >= own.y_max - EPS
            assert (w.x_min + w.x_max) / 2 == pytest.approx((own.x_min + own.x_max) / 2)
            assert (w.y_min + w.y_max) / 2 == pytest.approx((own.y_min + own.y_max) / 2)
            sx, sy = b.width / (w.x_max - w.x_min), b.height / (w.y_max - w.y_min)
            assert sx == pytest.approx(sy)
            scales.add(round(sx, 9))
        assert len(scales) == 1
        _, _, stretched = figure(scene, preset, 4 if scene != "single" else 1, aspect, stretch=True)
        assert all(p.area.window == own for p in stretched.panels)


def test_neighbours_share_ticks_and_label_them_once():
    """A row's plots show the same y range, only its first labels it; a regular grid's columns
    show the same x range, only the bottom row labels it."""
    _, _, layout = figure("compare", "book", 6)
    rows = {}
    for panel in layout.panels:
        rows.setdefault(round(panel.area.box.top, 9), []).append(panel)
    assert len(rows) > 1 and len({len(r) for r in rows.values()}) == 1  # a regular grid
    for row in rows.values():
        assert [p.y_labels for p in row] == [True] + [False] * (len(row) - 1)
        assert len({(p.area.window.y_min, p.area.window.y_max) for p in row}) == 1
    bottom = min(rows)
    for top, row in rows.items():
        assert all(p.x_labels == (top == bottom) for p in row)
    _, _, bare = figure("compare", "book", 6, axes=False)
    assert not any(p.x_labels or p.y_labels for p in bare.panels)


def test_without_axes_the_plots_take_the_gutters():
    with_axes = figure("single", "book", 1)
    without = figure("single", "book", 1, axes=False)
    s = with_axes[0]
    assert without[2].coverage(s.frame_width, s.frame_height) > with_axes[2].coverage(
        s.frame_width, s.frame_height
    )


def test_single_puts_its_title_in_the_header_row_beside_the_counter():
    _, _, layout = figure("single", "book", 1)
    (panel,) = layout.panels
    assert panel.title_box.top == layout.header.top and panel.title_box.right <= layout.counter.left
    assert panel.title == ("SGD η=0.95",)


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("curve", [False, True])
def test_races_legend_always_explains_the_landmarks(aspect, curve):
    """Whatever the arrangement, race's legend names the start and the surface's minima or
    saddle after the runs (the header then leaves them out)."""
    for preset, kinds in (("beale", ("start", "minimum")), ("saddle", ("start", "saddle"))):
        for n in (1, 6):
            _, _, layout = figure("race", preset, n, aspect, loss_curve=curve)
            assert layout.legend is not None and layout.legend_marks == kinds
    _, _, compare = figure("compare", "beale", 4, aspect, loss_curve=curve)
    assert compare.legend_marks == ()


def test_a_formula_too_long_for_a_line_starts_beside_the_counter():
    """The rotated bowl's formula in a square frame: wider than the frame at the smallest digits,
    it runs from beside the counter onto the next line, the header no taller than with a line of
    its own (the counter's and the formula's)."""
    _, experiment, layout = figure("compare", "rotated", 4, "1:1")
    (first, first_box), (_, second_box) = layout.formula_lines
    assert first.startswith("f(x, y) =") and first_box.top == layout.counter.top
    assert first_box.right <= layout.counter.left and second_box.width == layout.header.width
    tallest = max(LINE, tex_width.height(experiment.surface.latex, FORMULA_MIN_DIGIT))
    assert layout.header.height <= LINE + tallest + EPS
    _, _, wide = figure("compare", "rotated", 4, "16:9")
    assert wide.formula_lines == () and wide.formula.top == wide.counter.top


def test_a_loss_curve_without_a_legend_makes_the_titles_its_key():
    _, _, compare = figure("compare", "book", 4, loss_curve=True)
    _, _, race = figure("race", "book", 4, loss_curve=True)
    assert compare.title_dots and compare.curve is not None
    assert not race.title_dots and race.legend is not None


def test_a_title_too_long_for_its_panel_is_shortened_or_wrapped_never_shrunk():
    _, _, layout = figure("compare", "book", 6, aspect="1:1")
    titles = [" ".join(p.title) for p in layout.panels]
    # Adam's betas are at their defaults: a narrow panel leaves them out rather than shrink.
    assert any(t.startswith("Adam") for t in titles)
    assert all(
        text_width(line, TEXT) <= p.title_box.width for p in layout.panels for line in p.title
    )


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("Adam η=0.3 β₁=0.9 β₂=0.999", 100.0, ("Adam η=0.3 β₁=0.9 β₂=0.999",)),
        ("Adam η=0.3 β₁=0.9 β₂=0.999", 2.8, ("Adam η=0.3", "β₁=0.9 β₂=0.999")),
        ("Adam η=0.3 β₁=0.9 β₂=0.999", 0.5, None),
    ],
)
def test_wrap_takes_the_fewest_even_lines_that_fit(text, width, lines):
    assert wrap(text, width, TEXT, 2) == lines


def test_the_widest_title_of_the_figure_decides():
    assert text_width("모멘텀", 1.0) > text_width("abc", 1.0) > 0
