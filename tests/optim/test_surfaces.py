"""Surfaces: gradients against finite differences, minima, the rotated bowl, presets and their lessons."""

import math
import warnings

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from optiroll.cli import cli
from optiroll.errors import OptirollError
from optiroll.optim.experiment import build_experiment
from optiroll.optim.presets import PRESETS
from optiroll.optim.registry import surface
from optiroll.optim.surface import Window
from optiroll.optim.surfaces import BOOK, SURFACES, rotated

ALL = [*SURFACES.values(), rotated(30.0), rotated(-110.0), rotated(0.0)]

# Known global minima and values from the literature (Surjanovic & Bingham's library), typed in
# by hand: Styblinski-Tang's is -39.16599 per dimension to the 5 digits usually quoted.
KNOWN_MINIMUM_VALUES = {
    "book": 0.0,
    "rotated": 0.0,
    "rosenbrock": 0.0,
    "beale": 0.0,
    "himmelblau": 0.0,
    "rastrigin": 0.0,
    "styblinski-tang": -78.33198,
    "plateau": 0.0,
}


def central_difference(s, point, h=1e-6):
    p = np.asarray(point, dtype=np.float64)
    dx, dy = np.array([h, 0.0]), np.array([0.0, h])
    return np.array(
        [
            (s.value(p + dx) - s.value(p - dx)) / (2 * h),
            (s.value(p + dy) - s.value(p - dy)) / (2 * h),
        ]
    )


@pytest.mark.parametrize("s", ALL, ids=lambda s: s.name)
@settings(max_examples=60, deadline=None)
@given(u=st.floats(0, 1), v=st.floats(0, 1))
def test_gradient_matches_central_differences(s, u, v):
    w = s.window
    point = (w.x_min + u * (w.x_max - w.x_min), w.y_min + v * (w.y_max - w.y_min))
    numeric = central_difference(s, point)
    scale = max(1.0, float(np.abs(numeric).max()))
    assert np.allclose(s.gradient(np.array(point)), numeric, rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.parametrize("s", ALL, ids=lambda s: s.name)
def test_value_and_gradient_are_vectorized(s):
    w = s.window
    grid = np.stack(
        np.meshgrid(np.linspace(w.x_min, w.x_max, 7), np.linspace(w.y_min, w.y_max, 5)), -1
    )
    values, grads = s.value(grid), s.gradient(grid)
    assert values.shape == (5, 7) and grads.shape == (5, 7, 2)
    assert values[2, 3] == s.value(grid[2, 3]) and np.array_equal(
        grads[2, 3], s.gradient(grid[2, 3])
    )
    assert np.isfinite(values).all() and s.nonfinite_point() is None


@pytest.mark.parametrize("s", [s for s in SURFACES.values() if s.minima], ids=lambda s: s.name)
def test_minima_are_stationary_with_the_known_value_and_lowest_on_a_grid(s):
    for minimum in s.minima:
        assert s.window.contains(np.array(minimum))
        assert np.abs(s.gradient(np.array(minimum))).max() < 1e-9
        assert s.value(np.array(minimum)) == pytest.approx(KNOWN_MINIMUM_VALUES[s.name], abs=1e-3)
    w = s.window
    grid = np.stack(
        np.meshgrid(np.linspace(w.x_min, w.x_max, 301), np.linspace(w.y_min, w.y_max, 301)), -1
    )
    assert s.value(grid).min() >= s.value(np.array(s.minima[0])) - 1e-12


def test_himmelblau_has_four_minima_and_each_is_a_minimum():
    s = SURFACES["himmelblau"]
    assert len(set(s.minima)) == 4
    for minimum in s.minima:
        for direction in ((1, 0), (0, 1), (1, 1), (1, -1)):
            step = 1e-3 * np.array(direction)
            m = np.array(minimum)
            assert s.value(m + step) > s.value(m) and s.value(m - step) > s.value(m)


def test_saddle_has_no_minimum_and_a_flat_point_at_the_origin():
    s = SURFACES["saddle"]
    assert s.minima == ()
    assert np.array_equal(s.gradient(np.zeros(2)), np.zeros(2))
    assert s.value(np.array([0.1, 0.0])) > 0 > s.value(np.array([0.0, 0.1]))


def test_plateau_is_flat_at_the_start_and_has_its_local_minimum_where_described():
    s = SURFACES["plateau"]
    assert np.abs(s.gradient(np.array(s.start))).max() < 0.01
    local = np.array([-1.9774817323610654, 0.9954963464722131])
    assert np.abs(s.gradient(local)).max() < 1e-12
    ring = local + 0.05 * np.stack(
        [np.cos(np.linspace(0, 6.2, 20)), np.sin(np.linspace(0, 6.2, 20))], -1
    )
    assert (s.value(ring) > s.value(local)).all() and s.value(local) > 0.6


@pytest.mark.parametrize("angle", [0.0, 30.0, 45.0, 90.0, -60.0])
def test_rotated_is_the_book_bowl_turned(angle):
    s = rotated(angle)
    t = math.radians(angle)
    turn = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    points = np.random.default_rng(0).uniform(-8, 8, (50, 2))
    assert np.allclose(s.value(points @ turn.T), BOOK.value(points))
    assert np.allclose(s.gradient(points @ turn.T), BOOK.gradient(points) @ turn.T)
    assert np.allclose(s.start, turn @ np.array(BOOK.start))
    assert s.window.contains(np.array(s.start))


def test_rotated_by_zero_keeps_the_book_window_and_names_say_the_angle():
    assert rotated(0.0).window == BOOK.window
    assert rotated().name == "rotated" and rotated().spec == "rotated"
    assert rotated(30).name == "rotated-30" and rotated(30).spec == "rotated:angle=30"
    assert "30" in rotated(30).formula


def test_registry_reads_names_parameters_and_windows():
    assert surface("Styblinski_Tang") is SURFACES["styblinski-tang"]
    assert surface("rotated:angle=30").start == rotated(30).start
    same = surface("rotated:angle=45")
    assert (same.name, same.start, same.window) == ("rotated", rotated().start, rotated().window)
    from optiroll.optim.surfaces import Window

    seen = surface("rosenbrock", Window(-3, 3, -2, 4))
    assert seen.window == Window(-3, 3, -2, 4) and seen.start == SURFACES["rosenbrock"].start


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("rosenbrok", "unknown surface 'rosenbrok'; did you mean 'rosenbrock'?"),
        ("rotated:angel=30", "surface rotated: unknown parameter 'angel'; did you mean 'angle'?"),
        ("rotated:angle=abc", "angle must be a number"),
        ("rotated:angle=inf", "must be finite"),
        ("beale:a=1", "surface 'beale' takes no parameters"),
        ("expr", "expr needs a formula"),
    ],
)
def test_bad_surface_specs_are_one_line_errors(spec, message):
    with pytest.raises(OptirollError, match=None) as err:
        surface(spec)
    assert message in str(err.value)
    result = CliRunner().invoke(cli, ["trace", "-s", spec])
    assert result.exit_code == 2
    assert result.output.splitlines() == [f"optiroll: error: {err.value}"]


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_runs_in_view_without_diverging(name):
    p = PRESETS[name]
    experiment = build_experiment(name)
    assert experiment.surface.name == p.surface and experiment.start == p.start
    assert experiment.surface.window.contains(np.array(p.start))
    for traj, (opt_name, values) in zip(experiment.run(), p.runs, strict=True):
        assert traj.diverged_at is None and len(traj.points) == p.steps + 1
        assert experiment.surface.window.contains(traj.points).all()
        assert traj.optimizer.name == opt_name
        for key, value in values.items():
            assert f"{key}={value:g}" in traj.label
    assert p.why and "\n" not in p.why


def final_points(preset):
    return {t.optimizer.name: t for t in build_experiment(preset).run()}


def test_rotated_lesson_sgd_and_momentum_do_not_notice_adagrad_and_adam_do():
    book, turned = final_points("book"), final_points("rotated")
    for name in ("sgd", "momentum"):
        assert turned[name].losses == pytest.approx(book[name].losses, rel=1e-9, abs=1e-12)
    for name in ("adagrad", "adam"):
        assert turned[name].losses[-1] > 5 * book[name].losses[-1]


def test_plateau_lesson_momentum_rolls_over_the_dip_the_adaptive_ones_stop_in_it():
    runs = final_points("plateau")
    assert np.linalg.norm(runs["momentum"].points[-1] - [3, 0]) < 0.1
    for name in ("adagrad", "adam"):
        assert np.linalg.norm(runs[name].points[-1] - [-1.977, 0.995]) < 0.1
    assert np.linalg.norm(runs["sgd"].points[-1] - [-7, 1.5]) < 2


def test_himmelblau_and_styblinski_tang_lessons_different_optimizers_different_minima():
    runs = final_points("himmelblau")
    minima = np.array(SURFACES["himmelblau"].minima)

    def nearest(t):
        return int(np.linalg.norm(minima - t.points[-1], axis=1).argmin())

    assert nearest(runs["sgd"]) == nearest(runs["momentum"]) != nearest(runs["adam"])
    st_runs = final_points("styblinski-tang")
    deepest = np.array(SURFACES["styblinski-tang"].minima[0])
    assert np.linalg.norm(st_runs["momentum"].points[-1] - deepest) < 0.1
    assert all(
        np.linalg.norm(st_runs[n].points[-1] - deepest) > 3 for n in ("sgd", "adagrad", "adam")
    )


def test_saddle_lesson_sgd_visits_the_saddle_adaptive_ones_go_around():
    runs = final_points("saddle")
    near = {n: np.linalg.norm(t.points, axis=1).min() for n, t in runs.items()}
    assert near["sgd"] < 0.1 and near["momentum"] < 0.1
    assert near["adagrad"] > 1 and near["adam"] > 1


def test_window_option_moves_the_view_and_the_start_follows_when_left_outside():
    inside = build_experiment("rosenbrock", window=(-3, 3, -2, 4))
    assert inside.start == (-1.2, 1.0) and inside.surface.window.as_list() == [-3, 3, -2, 4]
    outside = build_experiment(window=(0, 10, 0, 5))
    assert outside.start == (1.5, 3.5)  # the book's (-7, 2) relative to this window
    data = outside.to_dict()
    assert data["window"] == [0, 10, 0, 5] and data["formula"] == BOOK.formula


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (["1", "-1", "0", "1"], "is empty"),
        (["0", "1", "0", "0"], "is empty"),
        (["0", "1", "a", "2"], "window y_min must be a number"),
        (["0", "inf", "0", "1"], "window x_max must be finite"),
    ],
)
def test_bad_windows_are_one_line_errors(window, message):
    result = CliRunner().invoke(cli, ["trace", "--window", *window])
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1
    assert message in result.output


def test_cli_runs_a_turned_surface_and_writes_its_spec_in_json():
    import json

    result = CliRunner().invoke(cli, ["trace", "--json", "-s", "rotated:angle=30", "-n", "3"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["surface"] == "rotated-30"
    assert data["runs"][0]["points"][0] == list(rotated(30).start)


@pytest.mark.parametrize("angle", [0.0, 30.0, 45.0, 90.0, -60.0, 17.3])
def test_the_rotated_window_is_the_turned_book_window_to_the_next_half_unit(angle):
    """Every corner of the book's window, turned, is inside; the window is no more than half a
    unit wider than those corners on any side. The minimum stays at the origin."""
    s = rotated(angle)
    t = math.radians(angle)
    turn = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    w = BOOK.window
    corners = np.array([[x, y] for x in (w.x_min, w.x_max) for y in (w.y_min, w.y_max)]) @ turn.T
    reach_x, reach_y = np.abs(corners).max(axis=0)
    assert s.window.contains(corners * (1 - 1e-12)).all()
    assert reach_x <= s.window.x_max <= reach_x + 0.5 and s.window.x_min == -s.window.x_max
    assert reach_y <= s.window.y_max <= reach_y + 0.5 and s.window.y_min == -s.window.y_max
    (minimum,) = s.minima
    assert s.value(np.array(minimum)) == 0.0
    np.testing.assert_array_equal(s.gradient(np.array(minimum)), [0.0, 0.0])


def test_a_rotated_spec_gives_its_angle_back_to_the_last_digit():
    for angle in (30.0, 0.1 + 0.2, 1 / 3, -60.0):
        s = rotated(angle)
        again = surface(s.spec)
        points = np.random.default_rng(1).uniform(-8, 8, (20, 2))
        np.testing.assert_array_equal(again.value(points), s.value(points))
        assert again.name == s.name
        # the formula writes (u, v) as (x, y) turned back by the angle
        assert s.formula.endswith(f"turned by {-angle:g} degrees")


def test_a_formula_undefined_on_one_line_of_the_window_is_refused_at_a_point_of_that_line():
    """y + 1/x is infinite only where x = 0, a line the 101 x 101 check grid of the book's window
    [-10, 10] x [-5, 5] has (column 50). The error names a point where f is not finite."""
    with pytest.raises(OptirollError) as err:
        surface("expr:y + 1/x")
    message = str(err.value)
    at = message.split(" at (")[1].split(")")[0]
    x, y = (float(v) for v in at.split(", "))
    assert x == 0.0 and -5 <= y <= 5
    assert message.startswith("f(x, y) = y + 1/x is not a finite real number at (")
    assert message.endswith("inside the window x in [-10, 10], y in [-5, 5]")
    with pytest.raises(OptirollError, match="not a finite real number at"):
        surface("expr:log(4.9 - y) + x")  # only where y >= 4.9, the window's top edge
    edge = surface("expr:log(4.9 - y) + x", Window(-10, 10, -5, 4.8))
    assert edge.nonfinite_point() is None


def test_the_finite_check_prints_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(OptirollError):
            surface("expr:log(x) + y")


def test_the_finite_check_samples_both_axes_as_finely():
    """x + 1/y is infinite only on the row y = 0 of the 101 x 101 grid, as y + 1/x on its column."""
    for formula in ("x + 1/y", "y + 1/x"):
        with pytest.raises(OptirollError, match="is not a finite real number at"):
            surface(f"expr:{formula}")
