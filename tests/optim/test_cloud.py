"""Clouds of starts: batched balls equal single runs, and every outcome is what the ball did."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optiroll.errors import OptirollError
from optiroll.optim.cloud import (
    DIVERGED,
    MINIMUM,
    NOT_CONVERGED,
    OTHER_MINIMA,
    CloudSpec,
    classify,
    grid_shape,
    reach,
    roll_cloud,
)
from optiroll.optim.experiment import build_experiment
from optiroll.optim.expression import expression_surface
from optiroll.optim.surfaces import SURFACES
from optiroll.optim.trajectory import roll, run


@settings(max_examples=30)
@given(
    spec=st.sampled_from(
        [
            "sgd:lr=0.95",
            "sgd:lr=1.05",
            "momentum:lr=0.1",
            "nesterov:lr=0.1",
            "adagrad:lr=1.5",
            "rmsprop:lr=0.2,decay_rate=0.9",
            "adam:lr=0.3",
            "adam:lr=0.3,schedule=cosine,warmup=3",
            "sgd:lr=0.5,noise=1",
            "amsgrad:lr=0.3",
            "nadam:lr=0.3",
            "adadelta",
            "rmsprop-momentum:lr=0.05",
        ]
    ),
    surface=st.sampled_from(["book", "himmelblau", "styblinski-tang", "rosenbrock", "saddle"]),
    x=st.floats(0, 1),
    y=st.floats(0, 1),
    seed=st.integers(0, 2**31),
)
def test_a_cloud_of_one_start_is_the_single_run(spec, surface, x, y, seed):
    window = SURFACES[surface].window
    start = (
        window.x_min + x * (window.x_max - window.x_min),
        window.y_min + y * (window.y_max - window.y_min),
    )
    exp = build_experiment(
        optimizer_specs=[spec], surface_name=surface, start=start, steps=40, seed=seed
    )
    single = exp.run()[0]
    cloud = roll_cloud(exp, CloudSpec("point", 1), record=True)
    ball = cloud.runs[0]
    n = len(single.points)
    np.testing.assert_array_equal(ball.path[:n, 0], single.points)
    np.testing.assert_array_equal(ball.path[n:, 0], np.repeat(single.points[-1:], 41 - n, axis=0))
    assert ball.diverged_at[0] == (single.diverged_at or 0)
    np.testing.assert_array_equal(ball.final[0], single.points[-1])


def test_every_ball_of_a_batch_is_its_own_single_run():
    exp = build_experiment(optimizer_specs=["momentum:lr=0.05", "sgd:lr=0.04,noise=3"], steps=25)
    starts = CloudSpec("random", 30).starts(exp.surface.window, exp.start, exp.seed)
    rolled = roll(exp.optimizers[0], exp.surface, starts, 25, record=True)
    for i in (0, 7, 29):
        alone = run(exp.optimizers[0], exp.surface, tuple(starts[i]), 25)
        np.testing.assert_array_equal(rolled.path[: len(alone.points), i], alone.points)


def test_himmelblau_balls_end_at_its_four_minima_and_each_outcome_is_true():
    exp = build_experiment(
        "himmelblau", ["sgd:lr=0.01", "momentum:lr=0.01", "sgd:lr=0.06"], steps=200
    )
    cloud = roll_cloud(exp, CloudSpec("grid", 400))
    surface = exp.surface
    minima = [o for o in cloud.outcomes if o.kind == MINIMUM]
    assert [o.point for o in minima] == [tuple(m) for m in surface.minima]
    assert all(o.surface_minimum and abs(o.loss) < 1e-20 for o in minima)
    radius = reach(surface.window)
    for run_ in cloud.runs:
        for ball, outcome in enumerate(run_.outcome):
            o = cloud.outcomes[outcome]
            at = run_.final[ball]
            if o.kind == DIVERGED:
                assert run_.diverged_at[ball] > 0
                continue
            assert run_.diverged_at[ball] == 0
            near = [np.hypot(*(at - m)) <= radius for m in surface.minima]
            if o.kind == MINIMUM:
                assert np.hypot(*(at - o.point)) <= radius
            else:
                assert o.kind == NOT_CONVERGED and not any(near)
    counts = [run_.counts(len(cloud.outcomes)) for run_ in cloud.runs]
    assert counts[0][:4].sum() == 400  # plain SGD at a small rate: every ball reaches one
    assert counts[2][-1] > 0  # lr 0.06 throws some out


def test_local_minima_are_found_where_balls_come_to_rest():
    """Styblinski-Tang's surface names only its global minimum; the other three wells are
    found from where balls ended."""
    exp = build_experiment("styblinski-tang", ["sgd:lr=0.02"], steps=200)
    cloud = roll_cloud(exp, CloudSpec("grid", 100))
    minima = [o for o in cloud.outcomes if o.kind == MINIMUM]
    assert len(minima) == 4 and minima[0].surface_minimum
    low, high = -2.903534027771177, 2.746802770990837  # roots of 2t**3 - 16t + 2.5
    found = np.array([o.point for o in minima[1:]])
    for well in [(high, low), (low, high), (high, high)]:
        assert np.hypot(*(found - well).T).min() < 1e-6
    for o in minima:
        np.testing.assert_allclose(exp.surface.gradient(np.array(o.point)), 0, atol=1e-6)


def test_many_minima_keep_six_colours():
    exp = build_experiment("rastrigin", ["sgd:lr=0.002"], steps=150)
    cloud = roll_cloud(exp, CloudSpec("grid", 400))
    kinds = [o.kind for o in cloud.outcomes]
    assert kinds == [MINIMUM] * 5 + [OTHER_MINIMA, NOT_CONVERGED, DIVERGED]
    assert cloud.runs[0].counts(len(kinds))[5] > 0


def test_start_layouts():
    window = SURFACES["book"].window
    grid = CloudSpec("grid", 200).starts(window, (0, 0), 0)
    columns, rows = grid_shape(window, 200)
    assert (columns, rows) == (20, 10) and grid.shape == (200, 2)
    np.testing.assert_allclose(grid[0], [-9.5, -4.5])
    np.testing.assert_allclose(grid[-1], [9.5, 4.5])
    random = CloudSpec("random", 50).starts(window, (0, 0), 3)
    np.testing.assert_array_equal(random, CloudSpec("random", 50).starts(window, (0, 0), 3))
    assert not np.array_equal(random, CloudSpec("random", 50).starts(window, (0, 0), 4))
    assert np.all(window.contains(random))
    point = CloudSpec("point", 5).starts(window, (-7, 2), 0)
    np.testing.assert_array_equal(point, [[-7, 2]] * 5)


def test_a_noisy_cloud_from_one_point_spreads_and_its_seed_is_recorded():
    exp = build_experiment(optimizer_specs=["sgd:lr=0.1,noise=1"], steps=30, seed=9)
    cloud = roll_cloud(exp, CloudSpec("point", 200))
    assert cloud.runs[0].final.std(axis=0).min() > 0.1
    data = cloud.to_dict()
    assert data["seed"] == 9 and data["runs"][0]["noise"]["sigma"] == 1.0
    assert len(data["starts"]) == len(data["runs"][0]["outcome"]) == 200


@pytest.mark.parametrize(
    ("layout", "balls", "message"),
    [
        ("grd", 10, "--starts must be grid, random or point, got 'grd'; did you mean 'grid'?"),
        ("grid", 0, "--balls must be at least 1, got 0"),
        ("grid", 10**6, "--balls must be at most 20000"),
    ],
)
def test_a_bad_cloud_is_one_line(layout, balls, message):
    with pytest.raises(OptirollError) as err:
        CloudSpec(layout, balls)
    assert str(err.value) == message or str(err.value).startswith(message)


def test_a_cloud_too_large_to_draw_is_refused_before_rolling():
    exp = build_experiment(optimizer_specs=["sgd", "adam"], steps=1000)
    with pytest.raises(OptirollError, match="a cloud drawn keeps every ball's path: 20000 balls"):
        roll_cloud(exp, CloudSpec("grid", 20_000), record=True)
    assert len(roll_cloud(exp, CloudSpec("random", 20_000)).runs[1].outcome) == 20_000


def test_a_spec_is_read_as_the_cli_writes_it():
    spec = CloudSpec(" Random ", 12.0)  # --starts is case-insensitive; --balls a whole number
    assert spec.layout == "random" and spec.balls == 12 and isinstance(spec.balls, int)
    window = SURFACES["book"].window
    assert CloudSpec("point", 2).starts(window, (-7, 2), 0).dtype == np.float64


def test_random_starts_fill_the_window():
    window = SURFACES["book"].window  # [-10, 10] x [-5, 5]
    starts = CloudSpec("random", 2000).starts(window, (0, 0), 1)
    assert np.all(window.contains(starts))
    # 2000 uniform draws leave no strip of a tenth of either side empty
    for axis, (low, high) in enumerate([(-10, 10), (-5, 5)]):
        assert starts[:, axis].min() < low + (high - low) / 10
        assert starts[:, axis].max() > high - (high - low) / 10


def test_a_grid_of_one_ball_is_the_windows_centre():
    window = SURFACES["book"].window
    assert grid_shape(window, 1) == (1, 1)
    np.testing.assert_array_equal(CloudSpec("grid", 1).starts(window, (-7, 2), 0), [[0.0, 0.0]])


def test_a_ball_reaches_a_minimum_within_a_fiftieth_of_the_shorter_side():
    assert reach(SURFACES["book"].window) == pytest.approx(0.2)  # 2% of 10
    assert reach(SURFACES["book"].window.scaled(0.5)) == pytest.approx(0.1)


def test_a_noisy_cloud_rolls_with_the_experiments_seed():
    exp = build_experiment(optimizer_specs=["sgd:lr=0.05,noise=2"], steps=20, seed=11)
    spec = CloudSpec("random", 20)
    cloud = roll_cloud(exp, spec)
    starts = spec.starts(exp.surface.window, exp.start, 11)
    alone = roll(exp.optimizers[0], exp.surface, starts, 20, seed=11)
    np.testing.assert_array_equal(cloud.runs[0].final, alone.final)


def test_a_ball_exactly_at_the_reach_of_a_minimum_has_reached_it():
    surface = SURFACES["book"]
    radius = reach(surface.window)
    finals = np.array([[radius, 0.0], [0.0, -radius], [2 * radius, 0.0]])
    outcomes, (every,) = classify(surface, [(finals, np.zeros(3, dtype=bool))])
    kinds = [outcomes[i].kind for i in every]
    assert kinds == [MINIMUM, MINIMUM, NOT_CONVERGED]


def test_balls_still_rolling_are_not_converged():
    """Five small steps from a grid of starts: the balls are still far from the book's minimum
    (except any that started near it), and none diverged."""
    exp = build_experiment(optimizer_specs=["sgd:lr=0.01"], steps=5)
    cloud = roll_cloud(exp, CloudSpec("grid", 50))
    radius = reach(exp.surface.window)
    (run_,) = cloud.runs
    kinds = [cloud.outcomes[i].kind for i in run_.outcome]
    far = np.hypot(*run_.final.T) > radius
    assert far.sum() >= 45
    assert [k == NOT_CONVERGED for k in kinds] == far.tolist()
    assert run_.counts(len(cloud.outcomes)).sum() == 50


def test_found_minima_come_after_the_surfaces_own_most_reached_first_and_each_reached():
    exp = build_experiment("styblinski-tang", ["sgd:lr=0.02", "sgd:lr=0.005"], steps=200)
    cloud = roll_cloud(exp, CloudSpec("random", 300))
    minima = [i for i, o in enumerate(cloud.outcomes) if o.kind == MINIMUM]
    counts = sum(r.counts(len(cloud.outcomes)) for r in cloud.runs)
    assert [cloud.outcomes[i].surface_minimum for i in minima] == [True] + [False] * (
        len(minima) - 1
    )
    found = [counts[i] for i in minima[1:]]
    assert len(found) >= 2 and found == sorted(found, reverse=True) and min(found) > 0


def test_a_surface_that_names_no_minimum_has_its_minima_found():
    bowl = SURFACES["book"]
    unnamed = type(bowl)(
        name="unnamed",
        formula="",
        latex="",
        value_fn=bowl.value_fn,
        gradient_fn=bowl.gradient_fn,
        window=bowl.window,
        start=bowl.start,
        minima=(),
    )
    for finals in ([[0.0, 0.0], [0.05, 0.0], [5.0, 3.0]], [[0.0, 0.0], [5.0, 3.0]]):
        outcomes, (every,) = classify(unnamed, [(np.array(finals), np.zeros(len(finals), bool))])
        assert [outcomes[i].kind for i in every] == [MINIMUM] * (len(finals) - 1) + [NOT_CONVERGED]
        (found,) = [o for o in outcomes if o.kind == MINIMUM]
        assert not found.surface_minimum and np.hypot(*found.point) < 1e-6


@pytest.mark.parametrize(
    ("preset", "spec", "steps", "layout"),
    [
        ("himmelblau", "sgd:lr=0.001", 3, "grid"),  # most balls still rolling
        ("himmelblau", "sgd:lr=0.01", 200, "random"),
        ("styblinski-tang", "sgd:lr=0.02", 200, "random"),
        ("rastrigin", "sgd:lr=0.002", 150, "random"),  # more minima than colours
    ],
)
def test_every_outcome_is_what_its_balls_did(preset, spec, steps, layout):
    """A ball is not converged only when it ended farther than the reach from every minimum
    told; every minimum told was reached by some ball, the surface's own first and the found
    ones after them, most reached first."""
    exp = build_experiment(preset, [spec], steps=steps)
    check_outcomes(roll_cloud(exp, CloudSpec(layout, 300)))


def test_balls_thrown_out_find_no_minimum_where_they_land():
    """cos(x) + cos(y) has minima everywhere; at lr 300 every ball leaves the bound at once, and
    the minima told are those the balls of lr 0.5 reached, not any beyond the bound."""
    exp = build_experiment(
        optimizer_specs=["sgd:lr=300", "sgd:lr=0.5"], surface_name="expr:cos(x) + cos(y)", steps=30
    )
    for balls in (3, 100):  # few enough that every minimum found would get its own colour
        cloud = roll_cloud(exp, CloudSpec("random", balls))
        assert (cloud.runs[0].diverged_at > 0).all()
        check_outcomes(cloud)


def check_outcomes(cloud):
    radius = reach(cloud.experiment.surface.window)
    counts = sum(r.counts(len(cloud.outcomes)) for r in cloud.runs)
    told = [(i, o) for i, o in enumerate(cloud.outcomes) if o.kind == MINIMUM]
    for i, o in told:
        assert counts[i] > 0 or o.surface_minimum, o
    found = [counts[i] for i, o in told if not o.surface_minimum]
    assert found == sorted(found, reverse=True)
    assert [o.surface_minimum for _, o in told] == sorted(
        [o.surface_minimum for _, o in told], reverse=True
    )
    points = np.array([o.point for _, o in told])
    for run_ in cloud.runs:
        for ball, outcome in enumerate(run_.outcome):
            kind = cloud.outcomes[outcome].kind
            if kind == NOT_CONVERGED:
                assert np.hypot(*(points - run_.final[ball]).T).min() > radius
            elif kind == MINIMUM:
                assert np.hypot(*(cloud.outcomes[outcome].point - run_.final[ball])) <= radius


COS_WELLS = [(x * np.pi, y * np.pi) for x in (-3, -1, 1, 3) for y in (-1, 1)]
"""The eight minima of cos(x) + cos(y) in its default window [-10, 10] x [-5, 5]."""


def balls_around(wells, counts, radius):
    """`counts[i]` ball ends within `radius` / 3 of `wells[i]`, and which well each is at."""
    finals = [
        (x + radius / 3 * np.cos(j), y + radius / 3 * np.sin(j))
        for (x, y), n in zip(wells, counts, strict=True)
        for j in range(n)
    ]
    return np.array(finals), np.repeat(np.arange(len(wells)), counts)


def test_with_more_minima_than_colours_every_ball_at_a_minimum_is_told_one():
    """Eight minima, reached by 8, 7, ..., 1 balls: five get a colour, and the balls of the three
    least reached are 'other minima', none 'not converged'."""
    surface = expression_surface("cos(x) + cos(y)")
    radius = reach(surface.window)
    finals, well = balls_around(COS_WELLS, range(8, 0, -1), radius)
    outcomes, (every,) = classify(surface, [(finals, np.zeros(len(finals), bool))])
    kinds = np.array([outcomes[i].kind for i in every])
    assert [o.kind for o in outcomes] == [MINIMUM] * 5 + [OTHER_MINIMA, NOT_CONVERGED, DIVERGED]
    assert set(kinds[well >= 5]) == {OTHER_MINIMA}
    for i in every[well < 5]:
        assert np.hypot(*(np.array(outcomes[i].point) - finals[every == i]).T).max() <= radius


def test_a_diverged_balls_last_point_finds_no_minimum():
    """A ball stopped by a non-finite gradient keeps its last finite point, which can lie at a
    minimum no other ball reached: that minimum is not found (no ball of its own reached it)."""
    surface = expression_surface("cos(x) + cos(y)")
    radius = reach(surface.window)
    finals, _ = balls_around(COS_WELLS[:2], [3, 1], radius)
    diverged = np.array([False, False, False, True])
    outcomes, (every,) = classify(surface, [(finals, diverged)])
    found = [o.point for o in outcomes if o.kind == MINIMUM and not o.surface_minimum]
    assert len(found) == 1 and np.allclose(found[0], COS_WELLS[0], atol=1e-6)
    assert [outcomes[i].kind for i in every] == [MINIMUM] * 3 + [DIVERGED]
