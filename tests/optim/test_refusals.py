"""What a user is told when a value is refused: the one line names the value, what is wrong and
what is allowed (the CLI prints it as it is; tests/test_cli.py checks the stream)."""

import math

import pytest

from optiroll.errors import OptirollError
from optiroll.optim import cloud
from optiroll.optim.base import Choice, Range, Whole
from optiroll.optim.cloud import CloudSpec, roll_cloud
from optiroll.optim.experiment import build_experiment
from optiroll.optim.registry import make_optimizer, optimizer_class, parse_spec, surface


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(OptirollError) as err:
        call(*args, **kwargs)
    return str(err.value)


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ((-1, 1, math.nan, 1), "window bounds must be finite numbers"),
        ((-1, math.inf, 0, 1), "window bounds must be finite numbers"),
        (
            (1, 1, 0, 1),
            "window x in [1, 1], y in [0, 1] is empty: "
            "give X_MIN X_MAX Y_MIN Y_MAX, each minimum below its maximum",
        ),
        (
            (0, 1, 2, -2),
            "window x in [0, 1], y in [2, -2] is empty: "
            "give X_MIN X_MAX Y_MIN Y_MAX, each minimum below its maximum",
        ),
        ((-2e100, 1, 0, 1), "window bounds must be within ±1e+100"),
        ((0, 1, 0, 1.5e100), "window bounds must be within ±1e+100"),
    ],
)
def test_a_window_that_is_not_one_is_refused(window, message):
    assert refusal(build_experiment, optimizer_specs=["sgd"], window=window) == message


def test_a_window_at_the_largest_bounds_is_one():
    exp = build_experiment(optimizer_specs=["sgd"], window=(-1e100, 1e100, -1e100, 1e100))
    assert exp.surface.window.x_max == 1e100


def test_an_unknown_name_with_nothing_close_lists_every_name():
    message = refusal(optimizer_class, "zzzz")
    names = message.removeprefix("unknown optimizer 'zzzz'; choose from ").split(", ")
    assert "adam" in names and names == sorted(names) and len(names) > 5
    assert refusal(optimizer_class, "adma") == "unknown optimizer 'adma'; did you mean 'adam'?"
    assert refusal(surface, "zzzz").startswith("unknown surface 'zzzz'; choose from ")


@pytest.mark.parametrize(
    ("options", "said"),
    [(("book",), "book"), (("book", "pytorch"), "book or pytorch"), (("a", "b", "c"), "a, b or c")],
)
def test_a_choice_names_its_options_as_a_sentence_does(options, said):
    assert refusal(Choice(options).check, 3, "x") == f"x must be {said}, got 3"


def test_a_wrong_choice_is_answered_with_the_closest():
    assert (
        refusal(make_optimizer, "adam", {"rules": "pytorh"})
        == "adam: rules must be book or pytorch, got 'pytorh'; did you mean 'pytorch'?"
    )
    assert refusal(CloudSpec, "gird") == (
        "--starts must be grid, random or point, got 'gird'; did you mean 'grid'?"
    )


@pytest.mark.parametrize(
    ("interval", "written"),
    [
        (Range(), "(-inf, inf)"),
        (Range(-math.inf, 0.0, high_open=True), "(-inf, 0)"),
        (Range(0.0, 1.0), "[0, 1]"),
        (Range(0.0, 1.0, low_open=True), "(0, 1]"),
        (Range(-2.5, math.inf), "[-2.5, inf)"),
    ],
)
def test_a_range_is_written_as_an_interval(interval, written):
    """An infinite end is always open; a closed end is bracketed."""
    assert str(interval) == written
    assert refusal(interval.check, math.nan, "v") == "v must be finite, got nan"


def test_a_value_outside_its_range_says_the_range():
    assert refusal(make_optimizer, "sgd", {"lr": "0"}) == "sgd: lr must be in (0, inf), got 0"
    assert (
        refusal(make_optimizer, "momentum", {"momentum": "1"})
        == "momentum: momentum must be in [0, 1), got 1"
    )


def test_a_cloud_too_large_to_draw_says_how_large_it_is():
    exp = build_experiment(optimizer_specs=["sgd", "momentum"], steps=1000)
    assert refusal(roll_cloud, exp, CloudSpec("point", 10_000), record=True) == (
        "a cloud drawn keeps every ball's path: 10000 balls x 1001 points x 2 optimizers is over "
        "20,000,000; use fewer --balls or --steps"
    )


def test_a_drawn_cloud_may_keep_exactly_as_many_points_as_allowed(monkeypatch):
    """balls x (steps + 1) points x optimizers, against a limit made small enough to roll."""
    monkeypatch.setattr(cloud, "MAX_RECORDED", 3 * 10 * 2)
    exp = build_experiment(optimizer_specs=["sgd", "momentum"], steps=9)
    drawn = roll_cloud(exp, CloudSpec("point", 3), record=True)
    assert [r.path.shape for r in drawn.runs] == [(10, 3, 2)] * 2
    assert "3 balls x 11 points" in refusal(
        roll_cloud,
        build_experiment(optimizer_specs=["sgd", "momentum"], steps=10),
        CloudSpec("point", 3),
        record=True,
    )


def test_an_unknown_hyper_parameter_lists_the_optimizers_own():
    assert (
        refusal(make_optimizer, "momentum", {"zzz": "1"})
        == "momentum: unknown hyper-parameter 'zzz'; it has lr, momentum, rules"
    )


def test_a_number_that_is_not_one_is_quoted():
    assert refusal(make_optimizer, "sgd", {"lr": "fast"}) == "sgd: lr must be a number, got 'fast'"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (":lr=0.1", "optimizer spec ':lr=0.1' has no name (expected NAME:key=value,...)"),
        ("sgd:lr", "'lr' in 'sgd:lr' is not key=value"),
        ("sgd:=0.1", "'=0.1' in 'sgd:=0.1' is not key=value"),
        ("sgd:lr=0.1,lr=0.2", "sgd: lr is given twice in 'sgd:lr=0.1,lr=0.2'"),
        ("sgd:lr=0.1,eta=0.2", "sgd: lr is given twice ('lr' and 'eta')"),
        ("sgd:lr=0.1=3", "sgd: lr must be a number, got '0.1=3'"),
        ("sgd:noise=loud", "sgd: noise must be a number, got 'loud'"),
        ("sgd:noise=1,batch=many", "sgd: batch must be a whole number, got 'many'"),
        ("sgd:schedule=step,gamma=half", "sgd: gamma must be a number, got 'half'"),
        ("sgd:schedule=step,every=often", "sgd: every must be a whole number, got 'often'"),
        ("sgd:warmup=soon", "sgd: warmup must be a whole number, got 'soon'"),
    ],
)
def test_a_bad_spec_is_one_line_naming_the_part(spec, message):
    assert refusal(lambda: make_optimizer(*parse_spec(spec))) == message


def test_aliases_name_their_optimizers():
    assert [optimizer_class(a).name for a in ("gd", "NAG", "rmspropm")] == [
        "sgd",
        "nesterov",
        "rmsprop-momentum",
    ]


def test_a_choice_with_nothing_close_gives_no_hint():
    assert refusal(CloudSpec, "zzzz") == "--starts must be grid, random or point, got 'zzzz'"


def test_a_whole_number_that_is_not_a_number_is_named():
    assert (
        refusal(Whole(1).check, "many", "--balls") == "--balls must be a whole number, got 'many'"
    )


def test_a_closed_end_is_allowed_and_a_value_of_the_wrong_type_is_named():
    assert make_optimizer("sgd", {"schedule": "step", "gamma": "1"}).schedule.gamma == 1.0
    assert refusal(make_optimizer, "sgd", {"lr": [0.1]}) == "sgd: lr must be a number, got [0.1]"
