"""Clouds, hyper-parameter maps and tunings as text: a readable table, JSON or CSV.

As `tables.py` does for trajectories: JSON is one strict object at full precision (a number
that is not finite is null), CSV is long (one row per ball or cell).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import numpy as np

from .optim.cloud import MINIMUM, Cloud, Outcome, grid_shape
from .optim.experiment import Experiment
from .optim.sweep import Sweep, SweepMap

SAMPLE = 8  # rows and columns of a map the table shows (--json and --csv give every cell)


def outcome_name(outcome: Outcome) -> str:
    """'minimum (3, 2)', 'not converged'."""
    if outcome.kind == MINIMUM and outcome.point is not None:
        x, y = outcome.point
        return f"minimum ({x:.4g}, {y:.4g})"
    return outcome.kind


def _aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells as lines, the first column left-aligned, the others right-aligned."""
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(w) if c == 0 else cell.rjust(w)
            for c, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _setup(experiment: Experiment) -> str:
    w = experiment.surface.window
    seed = f", seed {experiment.seed}" if experiment.noisy else ""
    return (
        f"{experiment.surface.name} (x in [{w.x_min:g}, {w.x_max:g}], y in [{w.y_min:g},"
        f" {w.y_max:g}]), {experiment.steps} steps{seed}"
    )


def cloud_table(cloud: Cloud) -> str:
    """How many balls ended at each outcome, per optimizer (a column each)."""
    exp = cloud.experiment
    n = len(cloud.starts)
    spec = cloud.spec
    if spec.layout == "grid":
        columns, rows = grid_shape(exp.surface.window, spec.balls)
        starts = f"{n} starts on a {columns} x {rows} grid"
    elif spec.layout == "random":
        starts = f"{n} random starts (seed {exp.seed})"
    else:
        starts = f"{n} balls from ({exp.start[0]:g}, {exp.start[1]:g})"
    head = f"{starts} over {_setup(exp)}"
    counts = [run.counts(len(cloud.outcomes)) for run in cloud.runs]
    table = [["where the balls end", *(run.optimizer.label() for run in cloud.runs)]]
    for i, outcome in enumerate(cloud.outcomes):
        table.append([outcome_name(outcome), *(f"{c[i]} ({100 * c[i] / n:.1f}%)" for c in counts)])
    return "\n".join([head, "", *_aligned(table)])


def cloud_json(cloud: Cloud) -> str:
    return json.dumps(
        {"experiment": cloud.experiment.to_dict(), "cloud": cloud.to_dict()}, allow_nan=False
    )


def cloud_csv(cloud: Cloud) -> str:
    """One row per optimizer and ball: its start, outcome, where it ended, when it diverged."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["optimizer", "label", "ball", "start_x", "start_y", "outcome", "minimum_x",
         "minimum_y", "end_x", "end_y", "diverged_at"]
    )  # fmt: skip
    for run in cloud.runs:
        label = run.optimizer.label()
        for i, (start, outcome) in enumerate(zip(cloud.starts, run.outcome, strict=True)):
            o = cloud.outcomes[outcome]
            point = ("", "") if o.point is None else (repr(o.point[0]), repr(o.point[1]))
            end = [repr(float(v)) if np.isfinite(v) else "" for v in run.final[i]]
            diverged = int(run.diverged_at[i])
            writer.writerow(
                [run.optimizer.name, label, i, repr(float(start[0])), repr(float(start[1])),
                 o.kind, *point, *end, diverged or ""]
            )  # fmt: skip
    return out.getvalue()


def _cell(m: SweepMap, row: int, column: int, kind: str) -> str:
    """A cell as the table prints it: its score, 'div' when it diverged, '-' when it never came
    close enough."""
    if m.diverged_at[row, column]:
        return "div"
    if kind == "steps":
        return "-" if m.reached_at[row, column] < 0 else str(int(m.reached_at[row, column]))
    return f"{m.final_loss[row, column]:.3g}"


def _sampled(count: int) -> list[int]:
    """At most SAMPLE indices spread over 0 .. count - 1, both ends included."""
    return sorted(set(np.linspace(0, count - 1, min(SAMPLE, count)).round().astype(int)))


def sweep_table(sweep: Sweep) -> str:
    """Per optimizer: its axes, the best cell, the share that diverged, and a sample of the map
    (rows from the top of the y axis, as a picture of it shows them)."""
    exp = sweep.experiment
    kind = sweep.objective.kind
    blocks = [f"{sweep.objective.describe(exp.steps)} from ({exp.start[0]:g}, "
              f"{exp.start[1]:g}) on {_setup(exp)}"]  # fmt: skip
    for m in sweep.maps:
        axes = f"{m.x.name} {m.x.low:g}..{m.x.high:g} ({m.x.cells}{', log' if m.x.log else ''})"
        if m.y is not None:
            axes += f" x {m.y.name} {m.y.low:g}..{m.y.high:g} ({m.y.cells}"
            axes += f"{', log' if m.y.log else ''})"
        best = m.best()
        if best is None:
            won = "no cell converged" if kind == "loss" else "no cell came close enough"
        else:
            values = ", ".join(f"{k}={v:.4g}" for k, v in m.values_at(*best).items())
            won = f"best {values}: {_cell(m, *best, kind)}"
        diverged = 100 * float(np.mean(m.diverged_at > 0))
        lines = [f"{m.optimizer.label()} over {axes}", f"{won}; {diverged:.1f}% of cells diverged"]
        rows = _sampled(m.shape[0])[::-1]
        columns = _sampled(m.shape[1])
        corner = "" if m.y is None else m.y.name
        table = [[corner, *(f"{m.x.values[c]:.3g}" for c in columns)]]
        for r in rows:
            head = "" if m.y is None else f"{m.y.values[r]:.3g}"
            table.append([head, *(_cell(m, r, c, kind) for c in columns)])
        lines += [f"{m.x.name} across:", *_aligned(table)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def sweep_json(sweep: Sweep) -> str:
    return json.dumps(
        {"experiment": sweep.experiment.to_dict(), "sweep": sweep.to_dict()}, allow_nan=False
    )


def sweep_csv(sweep: Sweep) -> str:
    """One row per optimizer and cell: its values, final loss, divergence and steps taken."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["optimizer", "label", "x_name", "x", "y_name", "y", "final_loss", "diverged_at",
         "reached_at"]
    )  # fmt: skip
    for m in sweep.maps:
        label = m.optimizer.label()
        for r in range(m.shape[0]):
            for c in range(m.shape[1]):
                y = ("", "") if m.y is None else (m.y.name, repr(float(m.y.values[r])))
                diverged = int(m.diverged_at[r, c])
                loss = m.final_loss[r, c]
                reached = "" if m.reached_at is None else int(m.reached_at[r, c])
                writer.writerow(
                    [m.optimizer.name, label, m.x.name, repr(float(m.x.values[c])), *y,
                     "" if diverged or not np.isfinite(loss) else repr(float(loss)),
                     diverged or "", reached]
                )  # fmt: skip
    return out.getvalue()


def tuning_lines(experiment: Experiment) -> list[str]:
    """What each tuned optimizer's search was and what won, a line each."""
    lines = []
    for o in experiment.optimizers:
        if o.tuned is None:
            continue
        won = ", ".join(f"{k}={v:g}" for k, v in o.tuned.won.items())
        score = o.tuned.scores[o.tuned.best]
        result = "every setting failed" if not np.isfinite(score) else f"score {score:.4g}"
        lines.append(f"tuned {o.name}: {o.tuned.describe()}: won {won} ({result})")
    return lines
