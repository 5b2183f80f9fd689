"""Hyper-parameter maps against closed forms, cell by cell against single runs."""

import math

import numpy as np
import pytest

from optiroll.errors import OptirollError
from optiroll.optim.experiment import Experiment, build_experiment
from optiroll.optim.sweep import Axis, Objective, parse_axis, sweep

BOUND = 50.0  # the book's window reaches y = 5; a run diverges beyond ten times that


def test_gradient_descent_on_the_books_surface_diverges_above_lr_1_exactly_along_y():
    """y_k = y_0 (1 - 2 lr)^k and x_k = x_0 (1 - lr/10)^k: below lr = 1 both shrink; above it
    |y| grows and the run leaves the bound at the first k with |y_k| > 50, x still inside."""
    steps = 400
    exp = build_experiment(optimizer_specs=["sgd"], steps=steps)  # from (-7, 2)
    lr_axis = Axis("lr", 0.9, 1.1, 41)
    (m,) = sweep(exp, (lr_axis,)).maps
    assert m.shape == (1, 41) and m.y is None
    for column, lr in enumerate(lr_axis.values):
        factor = abs(1 - 2 * lr)
        if lr <= 1.0 + 1e-12:
            assert m.diverged_at[0, column] == 0, lr
            assert abs(m.final[0, column, 1]) <= 2.0 + 1e-9
            continue
        # the first k at which 2 * factor**k > 50, by the closed form
        k = math.floor(math.log(BOUND / 2) / math.log(factor)) + 1
        if abs(2 * factor**k - BOUND) < 1e-6 or abs(2 * factor ** (k - 1) - BOUND) < 1e-6:
            continue  # too close to the bound for rounding to settle it
        assert m.diverged_at[0, column] == k, lr
        x, y = m.final[0, column]
        assert abs(y) > BOUND and abs(x) < 7  # left along y; x still shrinking
        np.testing.assert_allclose(y, 2 * (1 - 2 * lr) ** k, rtol=1e-9)


def test_below_lr_1_the_final_loss_follows_the_closed_form():
    steps = 30
    exp = build_experiment(optimizer_specs=["sgd"], steps=steps)
    (m,) = sweep(exp, (Axis("lr", 0.05, 0.95, 10),)).maps
    lr = m.x.values
    x = -7 * (1 - lr / 10) ** steps
    y = 2 * (1 - 2 * lr) ** steps
    np.testing.assert_allclose(m.final_loss[0], x**2 / 20 + y**2, rtol=1e-9)


def test_every_cell_is_the_single_run_of_its_values():
    exp = build_experiment(optimizer_specs=["adam:lr=0.3", "momentum", "rmsprop"], steps=40)
    s = sweep(exp, (Axis("lr", 0.01, 2, 5, log=True),))
    for m in s.maps:
        assert m.y is not None and m.shape == (5, 5)  # its default y axis, as many cells
        for row, column in [(0, 0), (1, 3), (4, 4), (3, 1)]:
            single = Experiment(exp.surface, exp.start, 40, (m.optimizer_at(row, column),))
            single = single.run()[0]
            np.testing.assert_allclose(m.final[row, column], single.points[-1], rtol=1e-12)
            assert m.diverged_at[row, column] == (single.diverged_at or 0)


def test_default_axes_per_optimizer():
    exp = build_experiment(
        optimizer_specs=["sgd", "momentum", "adagrad", "rmsprop", "adam", "nesterov"], steps=5
    )
    s = sweep(exp)
    got = [(m.x.name, m.y.name if m.y else None) for m in s.maps]
    assert got == [
        ("lr", None),
        ("lr", "momentum"),
        ("lr", None),
        ("lr", "decay_rate"),
        ("lr", "beta1"),
        ("lr", "momentum"),
    ]
    assert s.maps[0].x.log and not s.maps[1].y.log
    np.testing.assert_allclose(s.maps[0].x.values[[0, -1]], [1e-3, 3.0])


def test_an_axis_applies_to_the_optimizers_that_have_it():
    exp = build_experiment(optimizer_specs=["sgd", "adam"], steps=5)
    s = sweep(exp, (parse_axis("lr=0.01:1", 8), parse_axis("beta2=0.9:0.999", 4)))
    assert [(m.shape, m.y.name if m.y else None) for m in s.maps] == [
        ((1, 8), None),
        ((4, 8), "beta2"),
    ]


def test_steps_to_the_threshold():
    """SGD at lr 0.5 on y alone: y_1 = 0, so the loss is x**2/20 from then on."""
    exp = build_experiment(optimizer_specs=["sgd"], start=(0.0, 1.0), steps=20)
    s = sweep(exp, (Axis("lr", 0.25, 0.5, 2),), Objective("steps", 1e-3))
    (m,) = s.maps
    # lr 0.5: y_1 = 0 exactly. lr 0.25: y_k = 0.5**k, loss 0.25**k < 1e-3 from k = 5.
    assert m.reached_at[0].tolist() == [5, 1]
    assert m.best() == (0, 1) and m.score[0].tolist() == [5.0, 1.0]
    assert s.to_dict()["objective"]["kind"] == "steps"


def test_diverged_cells_are_neither_scored_nor_finite_in_json():
    exp = build_experiment(optimizer_specs=["sgd"], steps=200)
    s = sweep(exp, (Axis("lr", 0.5, 1.5, 3),))
    (m,) = s.maps
    assert m.diverged_at[0, 2] > 0 and m.score[0, 2] == math.inf
    data = s.to_dict()["maps"][0]
    assert data["final_loss"][0][2] is None and data["diverged_at"][0][2] > 0
    assert data["best"]["values"] == {"lr": 0.5}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lr=1:0.1", "the lr axis must go from a low to a higher number"),
        ("lr=0:1:log", "the lr axis is spaced in log: it must start above 0"),
        ("lr=a:1", "the lr axis must be NAME=LOW:HIGH, got 'lr=a:1'"),
        ("lr=1", "an axis is NAME=LOW:HIGH[:log|lin], got 'lr=1'"),
        ("rho", "give the rho axis its range: rho=LOW:HIGH"),
    ],
)
def test_a_bad_axis_is_one_line(text, message):
    with pytest.raises(OptirollError) as err:
        parse_axis(text)
    assert str(err.value).startswith(message)


def test_values_outside_a_hyper_parameters_range_are_refused_before_running():
    exp = build_experiment(optimizer_specs=["momentum"], steps=5)
    with pytest.raises(OptirollError, match=r"momentum: momentum must be in \[0, 1\), got 1.2"):
        sweep(exp, (parse_axis("lr"), parse_axis("momentum=0:1.2")))
    with pytest.raises(OptirollError, match="none of momentum has a hyper-parameter 'beta1'"):
        sweep(exp, (parse_axis("beta1=0:0.9"),))
    saddle = build_experiment(optimizer_specs=["sgd"], surface_name="saddle", steps=5)
    with pytest.raises(OptirollError, match="no minimum: use --objective loss"):
        sweep(saddle, (), Objective("steps"))


@pytest.mark.parametrize(
    ("spec", "y"),
    [
        ("momentum", "momentum=0:0.9"),
        ("adam:lr=0.3", "beta1=0:0.9"),
        ("sgd", None),
        ("momentum:noise=0.5", "momentum=0:0.9"),
        ("rmsprop:noise=1,batch=4", "decay_rate=0.5:0.99"),
    ],
)
def test_a_walk_is_every_point_of_the_cells_as_the_map_rolled_them(spec, y):
    """Row r of a map walked ends where the map's row ended, a cell that diverged held at its
    last point; without noise each cell's path is its single run's points. With noise, ball 0 of
    a batch is the single run (noise.py), and the others see the map's draws, not a row's."""
    steps = 25
    exp = build_experiment(optimizer_specs=[spec], steps=steps, seed=7)
    s = sweep(exp, (Axis("lr", 0.05, 1.2, 5), *([parse_axis(y, 3)] if y else [])))
    (m,) = s.maps
    noisy = m.optimizer.noise.sigma > 0
    for row in range(m.shape[0]):
        path = s.walk(0, row)
        assert path.shape == (steps + 1, m.shape[1], 2)
        np.testing.assert_array_equal(path[-1], m.final[row])
        for column in range(m.shape[1]):
            k = m.diverged_at[row, column]
            assert k == 0 or (path[k:, column] == m.final[row, column]).all()
            if noisy and (row, column) != (0, 0):
                continue
            cell = m.optimizer_at(row, column)
            points = Experiment(exp.surface, exp.start, steps, (cell,), seed=7).run()[0].points
            np.testing.assert_allclose(path[: len(points), column], points, rtol=1e-12)
            assert (path[len(points) :, column] == points[-1]).all()


def test_an_axis_reads_its_spacing_and_a_dashed_name():
    assert parse_axis("decay-rate=0.5:0.9") == Axis("decay_rate", 0.5, 0.9, 64, log=False)
    assert parse_axis("lr=0.1:1") == Axis("lr", 0.1, 1.0, 64, log=True)  # lr: log by default
    assert parse_axis("lr=0.1:1:lin", 8) == Axis("lr", 0.1, 1.0, 8, log=False)
    assert parse_axis("momentum=0.1:0.9:log", 8).log


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: Axis("lr", 1.0, 0.1, 8, log=True),
            "the lr axis must go from a low to a higher number, got lr=1:0.1:log",
        ),
        (
            lambda: Axis("momentum", 0.5, 0.5, 8),
            "the momentum axis must go from a low to a higher number, got momentum=0.5:0.5:lin",
        ),
        (lambda: Axis("lr", 0.1, 1.0, 257), "the lr axis has at most 256 cells, got 257"),
        (lambda: Axis("lr", 0.1, 1.0, 1), "the lr axis's cells must be at least 2, got 1"),
        (lambda: parse_axis("=1:2"), "an axis is NAME=LOW:HIGH[:log|lin], got '=1:2'"),
        (lambda: Objective("speed"), "--objective must be loss or steps, got 'speed'"),
        (lambda: Objective("steps", 0.0), "--threshold must be in (0, inf), got 0"),
    ],
)
def test_a_bad_axis_or_objective_says_what_is_wrong(make, message):
    with pytest.raises(OptirollError) as err:
        make()
    assert str(err.value) == message


def test_an_axis_may_have_the_most_cells():
    assert len(Axis("lr", 0.1, 1.0, 256).values) == 256


def test_an_axis_an_optimizer_lacks_still_sets_the_number_of_cells():
    """An optimizer without the axes asked gets its defaults, with the cells asked: the first
    axis's for x, the second's for y."""
    exp = build_experiment(optimizer_specs=["sgd", "momentum", "adam"], steps=5)
    s = sweep(exp, (parse_axis("beta1=0:0.9", 7), parse_axis("beta2=0.9:0.99", 3)))
    assert [m.shape for m in s.maps] == [(1, 7), (3, 7), (3, 7)]
    assert [(m.x.name, m.y.name if m.y else None) for m in s.maps] == [
        ("lr", None),
        ("lr", "momentum"),
        ("beta1", "beta2"),
    ]


def test_a_map_where_every_cell_failed_has_no_best_cell():
    exp = build_experiment(optimizer_specs=["sgd"], steps=20)
    s = sweep(exp, (Axis("lr", 1.5, 3.0, 3),))  # every lr above 1 diverges along y
    (m,) = s.maps
    assert m.best() is None and (m.diverged_at > 0).all()
    assert s.to_dict()["maps"][0]["best"] is None


def test_steps_are_zero_for_a_start_already_close_and_inf_for_a_cell_that_never_gets_there():
    """From (0, 0.1) the loss 0.01 is within 0.02 of the minimum at the start; a learning rate of
    1e-9 barely moves the ball from (-7, 2)."""
    near = build_experiment(optimizer_specs=["sgd"], start=(0.0, 0.1), steps=5)
    (m,) = sweep(near, (Axis("lr", 0.1, 0.2, 2),), Objective("steps", 0.02)).maps
    assert m.score.tolist() == [[0.0, 0.0]] and m.reached_at.tolist() == [[0, 0]]
    far = build_experiment(optimizer_specs=["sgd"], steps=5)
    (m,) = sweep(far, (Axis("lr", 1e-9, 2e-9, 2),), Objective("steps", 0.02)).maps
    assert m.score.tolist() == [[math.inf, math.inf]] and m.best() is None


def test_an_axis_no_optimizer_has_names_them_all():
    exp = build_experiment(optimizer_specs=["sgd", "momentum"], steps=5)
    with pytest.raises(OptirollError) as err:
        sweep(exp, (parse_axis("beta1=0:0.9"),))
    assert str(err.value) == "none of sgd, momentum has a hyper-parameter 'beta1'"
