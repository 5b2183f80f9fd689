"""Trajectories as text: a readable table per optimizer, JSON, or CSV."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .optim.base import format_value
from .optim.experiment import Experiment
from .optim.trajectory import Trajectory


def _columns(traj: Trajectory) -> list[tuple[str, np.ndarray]]:
    """(header, values per row) for step, x, y, loss, a schedule's rate (`lr`: the next
    update's) and each state quantity per axis."""
    cols = [
        ("step", np.arange(len(traj.points))),
        ("x", traj.points[:, 0]),
        ("y", traj.points[:, 1]),
        ("loss", traj.losses),
    ]
    if traj.learning_rates is not None:
        cols.append(("lr", traj.learning_rates))
    for name, values in traj.quantities.items():
        cols += [(f"{name}_x", values[:, 0]), (f"{name}_y", values[:, 1])]
    return cols


def as_table(experiment: Experiment, trajectories: Sequence[Trajectory]) -> str:
    """One aligned table per optimizer, headed by its label, how the run ended and where its
    values that are not the defaults came from."""
    blocks = []
    for index, traj in enumerate(trajectories):
        cols = _columns(traj)
        cells = [[h for h, _ in cols]] + [
            [str(int(v[i])) if h == "step" else f"{v[i]:.6g}" for h, v in cols]
            for i in range(len(traj.points))
        ]
        widths = [max(len(row[c]) for row in cells) for c in range(len(cols))]
        lines = [
            "  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in cells
        ]
        ending = (
            f"diverged at step {traj.diverged_at}"
            if traj.diverged_at is not None
            else f"final loss {traj.losses[-1]:.6g}"
        )
        title = f"{traj.label} on {experiment.surface.name} from {experiment.start}: {ending}"
        title += _sources_note(experiment, index)
        blocks.append("\n".join([title, *lines]))
    return "\n\n".join(blocks)


def _sources_note(experiment: Experiment, index: int) -> str:
    """'; from preset rmsprop: lr=0.15, decay_rate=0.9', or '' when every value is a default."""
    by_origin: dict[str, list[str]] = {}
    values = experiment.optimizers[index].hyperparameters()
    for name, origin in experiment.sources(index).items():
        by_origin.setdefault(origin or "set", []).append(f"{name}={format_value(values[name])}")
    return "".join(f"; {origin}: {', '.join(shown)}" for origin, shown in by_origin.items())


def as_json(experiment: Experiment, trajectories: Sequence[Trajectory]) -> str:
    """One strict JSON object with every run at full float precision: a value that is not a
    finite number is null, and its run's `nulls` says which it was (JSON has no NaN)."""
    # The surface as given (spec, formula, window), so an expr: run says which formula it was.
    setup = {k: v for k, v in experiment.to_dict().items() if k != "optimizers"}
    runs = [{**json_run(t), "sources": experiment.sources(i)} for i, t in enumerate(trajectories)]
    return json.dumps({**setup, "runs": runs}, allow_nan=False)


def json_run(trajectory: Trajectory) -> dict[str, Any]:
    """A run's JSON form with every NaN or infinity as null; `nulls` (only when there are any)
    lists each as {"at": "gradients[0][1]", "was": "NaN"}."""
    nulls: list[dict[str, str]] = []

    def finite(value: Any, at: str) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            nulls.append({"at": at, "was": _NON_FINITE.get(value, "NaN")})
            return None
        if isinstance(value, list):
            return [finite(item, f"{at}[{i}]") for i, item in enumerate(value)]
        if isinstance(value, dict):
            return {key: finite(item, f"{at}.{key}" if at else key) for key, item in value.items()}
        return value

    run = finite(trajectory.to_dict(), "")
    if nulls:
        run["nulls"] = nulls
    return run


_NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def as_csv(experiment: Experiment, trajectories: Sequence[Trajectory]) -> str:
    """Long format: one row per optimizer and step; state columns blank where they do not apply."""
    per_run = [_columns(t) for t in trajectories]
    extra = list(dict.fromkeys(h for cols in per_run for h, _ in cols[4:]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["optimizer", "label", "step", "x", "y", "loss", *extra, "diverged_at"])
    for traj, cols in zip(trajectories, per_run, strict=True):
        by_name = dict(cols)
        for i in range(len(traj.points)):
            writer.writerow(
                [traj.optimizer.name, traj.label, i]
                + [repr(float(by_name[h][i])) for h in ("x", "y", "loss")]
                + [repr(float(by_name[h][i])) if h in by_name else "" for h in extra]
                + ["" if traj.diverged_at is None else traj.diverged_at]
            )
    return out.getvalue()
