"""Batched trajectories vs a Python loop over starts, for every optimizer.

Target (issue 2): the book's six optimizers, 10,000 starts x 1,000 steps, under 2 s in total on 2
cores, and at least 100x faster per ball than looping over the starts. The optimizers after the book
and PyTorch's rules (issue 5) are measured the same way and totalled apart. Also times `optiroll
trace` on the book's figure from process start (target: under 0.5 s), beside `python -c pass` as a
baseline.
"""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np

from optiroll.optim.book import BOOK_OPTIMIZERS
from optiroll.optim.experiment import build_experiment
from optiroll.optim.modern import MODERN_OPTIMIZERS
from optiroll.optim.surfaces import BOOK
from optiroll.optim.trajectory import run_batch

BALLS, STEPS, LOOP_SAMPLE = 10_000, 1_000, 50


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    starts = rng.uniform([-10, -5], [10, 5], size=(BALLS, 2))
    book = [cls.name for cls in BOOK_OPTIMIZERS]
    later = [cls.name for cls in MODERN_OPTIMIZERS] + [
        f"{name}:rules=pytorch" for name in ("momentum", "adagrad", "rmsprop", "adam")
    ]
    print(f"{'optimizer':<58} {'batched s':>10} {'loop s (scaled)':>16} {'speed-up':>9}")
    groups = (
        ("the book's six", book, " (target < 2 s)"),
        ("after the book, PyTorch's rules", later, ""),
    )
    for title, specs, target in groups:
        total = 0.0
        for opt in build_experiment(optimizer_specs=specs).optimizers:
            batched = best_of(3, lambda opt=opt: run_batch(opt, BOOK, starts, STEPS))
            loop = best_of(
                1, lambda opt=opt: [run_batch(opt, BOOK, s, STEPS) for s in starts[:LOOP_SAMPLE]]
            )
            loop_scaled = loop * BALLS / LOOP_SAMPLE
            total += batched
            print(
                f"{opt.label():<58} {batched:>10.3f} {loop_scaled:>16.1f}"
                f" {loop_scaled / batched:>8.0f}x"
            )
        print(f"{title} ({len(specs)}), {BALLS} x {STEPS}: {total:.2f} s{target}")

    def cli_time(args: list[str]) -> float:
        return best_of(5, lambda: subprocess.run(args, check=True, capture_output=True))

    baseline = cli_time([sys.executable, "-c", "pass"])
    trace = cli_time([sys.executable, "-m", "optiroll", "trace"])
    print(
        f"optiroll trace (book figure): {trace:.3f} s; python -c pass: {baseline:.3f} s "
        f"(target < 0.5 s)"
    )


if __name__ == "__main__":
    main()
