"""Hyper-parameter maps as one batch per optimizer (issue 17).

Target: a 64 x 64 grid x the book's six optimizers x 1,000 steps in about a second on 2 cores.
Each optimizer's map is one batch of 4,096 balls (`optim/sweep.py`): learning rate (log, 0.001 to
3) x its second value (momentum, decay rate, beta1; AdaGrad's eps, in log; SGD, having none,
4,096 learning rates through the same batch), from the book's start on the book's surface. Also
times a cloud of 10,000 starts x 1,000 steps (`optim/cloud.py`, outcomes included) and prints
`run_batch` (no divergence bookkeeping) beside the map's batch as the baseline.
"""

from __future__ import annotations

import time

import numpy as np

from optiroll.optim.cloud import CloudSpec, roll_cloud
from optiroll.optim.experiment import build_experiment
from optiroll.optim.sweep import Axis, parse_axis, sweep
from optiroll.optim.trajectory import roll, run_batch, with_values

STEPS, CELLS = 1_000, 64
BOOK_SIX = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def axes_for(name: str) -> tuple[Axis, ...]:
    """64 x 64: lr x the optimizer's second value (AdaGrad's eps)."""
    if name == "adagrad":
        return (parse_axis("lr", CELLS), parse_axis("eps", CELLS))
    return (parse_axis("lr", CELLS),)


def sgd_batch(exp) -> None:
    """SGD has one value: 4,096 learning rates in one batch, as its map rolls them."""
    rates = np.geomspace(1e-3, 3.0, CELLS * CELLS)[:, None]
    starts = np.broadcast_to(np.asarray(exp.start), (CELLS * CELLS, 2))
    roll(with_values(exp.optimizers[0], lr=rates), exp.surface, starts, STEPS)


def main() -> None:
    print(f"{'optimizer':<10} {'cells':>7} {'map s':>8} {'run_batch s':>12}")
    total = 0.0
    for name in BOOK_SIX:
        exp = build_experiment(optimizer_specs=[name], steps=STEPS)
        if name == "sgd":
            cells = CELLS * CELLS
            seconds = best_of(3, lambda exp=exp: sgd_batch(exp))
        else:
            axes = axes_for(name)
            cells = sweep(exp, axes).maps[0].score.size  # warm up, and the count printed
            seconds = best_of(3, lambda exp=exp, axes=axes: sweep(exp, axes))
        starts = np.broadcast_to(np.asarray(exp.start), (cells, 2))
        baseline = best_of(
            3, lambda e=exp, s=starts: run_batch(e.optimizers[0], e.surface, s, STEPS)
        )
        total += seconds
        print(f"{name:<10} {cells:>7} {seconds:>8.3f} {baseline:>12.3f}")
    print(
        f"{CELLS} x {CELLS} grid x 6 optimizers x {STEPS} steps: {total:.2f} s (target: about 1 s)"
    )
    exp = build_experiment("himmelblau", ["sgd:lr=0.01"], steps=STEPS)
    cloud = best_of(3, lambda: roll_cloud(exp, CloudSpec("random", 10_000)))
    print(
        f"cloud: 10,000 random starts x {STEPS} steps on himmelblau, told by outcome: {cloud:.3f} s"
    )


if __name__ == "__main__":
    main()
