"""Everything the interactive page shows, computed here; the page only draws and formats it.

The schema extends the render side-car's: `settings`, `experiment` and `trajectories` (each run's
`to_dict()` with its `color`) are the same, and the page adds what it draws from: `panels`,
`contours`, `ticks`, `markers`, `theme`, `words` and `lr_grid`, the runs of the same experiment
with every optimizer's learning rate scaled by each factor, run by `optim/`.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from .. import __version__
from ..optim.base import Optimizer, format_value
from ..optim.experiment import Experiment
from ..optim.surfaces import Window
from ..optim.trajectory import Trajectory
from ..plan.axes import nice_ticks, tick_text
from ..plan.contours import contour_resolution, contours
from ..plan.layout import clip_polyline, layout_figure
from ..plan.palette import run_colors
from ..plan.settings import RenderSettings
from ..plan.theme import ColorScheme, theme
from ..plan.words import LANGUAGES
from .words import page_words

PAGE_DIGITS = 8  # significant digits of every number the page embeds; it prints DISPLAY_DIGITS
DISPLAY_DIGITS = 4
CONTOUR_TOLERANCE = 1e-3  # a contour point may move this share of the window (half a pixel at 500)
MAX_TICKS = 5


def page_data(settings: RenderSettings, experiment: Experiment) -> dict[str, Any]:
    """The page's data at full precision (the side-car holds it so; the page rounds it)."""
    scheme = theme(settings.theme)
    words = LANGUAGES[settings.lang]
    surface = experiment.surface
    window = surface.window
    colors = run_colors([o.name for o in experiment.optimizers], scheme.background)
    grid = [
        _runs(experiment if factor == 1.0 else scaled(experiment, factor), colors, settings)
        for factor in settings.lr_grid
    ]
    chosen = settings.lr_grid.index(1.0)
    contour_map = contours(surface, window, contour_resolution(settings.width))
    return {
        "tool": "optiroll",
        "version": __version__,
        "settings": settings.to_dict(),
        "experiment": experiment.to_dict(),
        "trajectories": grid[chosen],
        "lr_grid": {
            "factors": list(settings.lr_grid),
            "chosen": chosen,
            # The chosen factor's runs are `trajectories`; null here keeps them once.
            "trajectories": [None if i == chosen else runs for i, runs in enumerate(grid)],
        },
        "panels": _panels(settings, experiment, words),
        "columns": _columns(settings, experiment),
        "window": window.as_list(),
        "ticks": {"x": _ticks(window.x_min, window.x_max), "y": _ticks(window.y_min, window.y_max)},
        "contours": [
            {
                "level": float(level),
                "color": color,
                "lines": [_simplified(li, window) for li in lines],
            }
            for level, color, lines in zip(
                contour_map.levels,
                _contour_colors(scheme, len(contour_map.levels)),
                contour_map.lines,
                strict=True,
            )
        ],
        "markers": {
            "start": list(experiment.start),
            "minima": [list(m) for m in surface.minima if _inside(window, m)],
            "saddles": [list(s) for s in surface.saddles if _inside(window, s)],
        },
        "formula": surface.formula,
        "formula_text": formula_text(surface.formula),
        "theme": {
            key: getattr(scheme, key)
            for key in ("name", "background", "text", "muted_text", "frame", "minimum")
        },
        "lang": settings.lang,
        "fonts": list(words.fonts),
        "words": page_words(settings.lang),
        "display_digits": DISPLAY_DIGITS,
    }


SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def formula_text(formula: str) -> str:
    """A formula as a reader writes it: 'f(x, y) = x**2/20 + y**2' -> 'f(x, y) = x²/20 + y²'."""
    text = re.sub(r"\*\*(-?\d+)(?![\d.])", lambda m: m.group(1).translate(SUPERSCRIPTS), formula)
    return text.replace("**", "^").replace("*", "·").replace(" - ", " − ")


def scaled(experiment: Experiment, factor: float) -> Experiment:
    """The experiment with every optimizer's learning rate times `factor` (others unchanged)."""
    return replace(experiment, optimizers=tuple(_scaled(o, factor) for o in experiment.optimizers))


def _scaled(optimizer: Optimizer, factor: float) -> Optimizer:
    if "lr" not in optimizer.hyperparameters():
        return optimizer
    return replace(optimizer, lr=optimizer.lr * factor)


def _runs(experiment: Experiment, colors: list[str], settings: RenderSettings) -> list[dict]:
    """The render side-car's trajectories, with each run's title in the figure's words and, for a
    run that left the window, the point where it did (the page marks it there)."""
    words = LANGUAGES[settings.lang]
    window = experiment.surface.window
    return [
        {
            **t.to_dict(),
            "color": color,
            "title": words.label(t.optimizer),
            "lr": format_value(t.optimizer.lr) if "lr" in t.optimizer.hyperparameters() else None,
            "exit": _exit(t, window),
        }
        for t, color in zip(experiment.run(), colors, strict=True)
    ]


def _exit(trajectory: Trajectory, window: Window) -> list[float] | None:
    """Where a diverged run was last inside the window; None for a run that did not diverge."""
    if trajectory.diverged_at is None:
        return None
    pieces = clip_polyline(trajectory.points, window)
    return [float(v) for v in (pieces[-1][-1] if pieces else trajectory.points[0])]


def _panels(settings: RenderSettings, experiment: Experiment, words) -> list[dict]:
    """compare: a panel per run, titled with its label; race and single: one panel of every run."""
    runs = range(len(experiment.optimizers))
    if settings.scene == "compare":
        return [{"runs": [i], "title": True} for i in runs]
    return [{"runs": list(runs), "title": settings.scene == "single"}]


def _columns(settings: RenderSettings, experiment: Experiment) -> int:
    """The GIF's number of panel columns at this aspect: the page's grid on a wide screen."""
    lefts = {round(p.area.box.left, 6) for p in layout_figure(settings, experiment).panels}
    return len(lefts)


def _ticks(low: float, high: float) -> list[list]:
    return [[float(v), tick_text(v)] for v in nice_ticks(low, high, MAX_TICKS)]


def _inside(window: Window, point: tuple[float, float]) -> bool:
    return bool(window.contains(np.array(point)))


def _contour_colors(scheme: ColorScheme, count: int) -> list[str]:
    """From the theme's low to its high contour colour, as the GIF's contour map shades them."""
    low, high = _rgb(scheme.contour_low), _rgb(scheme.contour_high)
    shares = [i / max(1, count - 1) for i in range(count)]
    return [
        "#" + "".join(f"{round(a + (b - a) * t):02X}" for a, b in zip(low, high, strict=True))
        for t in shares
    ]


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))


def _simplified(line: np.ndarray, window: Window) -> list[float]:
    """A contour line as flat [x0, y0, x1, y1, ...], with the points dropped that move it less than
    CONTOUR_TOLERANCE of the window (Ramer-Douglas-Peucker), rounded to that precision."""
    span = np.array([window.x_max - window.x_min, window.y_max - window.y_min])
    unit = line / span  # distances in shares of the window, x and y alike
    keep = np.zeros(len(line), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(line) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        chord = unit[last] - unit[first]
        offsets = unit[first + 1 : last] - unit[first]
        length = math.hypot(*chord)
        if length == 0:
            distances = np.hypot(offsets[:, 0], offsets[:, 1])
        else:
            distances = np.abs(chord[0] * offsets[:, 1] - chord[1] * offsets[:, 0]) / length
        worst = int(np.argmax(distances))
        if distances[worst] > CONTOUR_TOLERANCE:
            keep[first + 1 + worst] = True
            stack += [(first, first + 1 + worst), (first + 1 + worst, last)]
    step = span * CONTOUR_TOLERANCE
    decimals = [max(0, -math.floor(math.log10(s))) for s in step]
    return [round(float(v), decimals[axis]) for point in line[keep] for axis, v in enumerate(point)]


def display(value: float, digits: int = DISPLAY_DIGITS) -> str:
    """A number as the page prints it: `digits` significant digits, a half rounded away from zero
    (JavaScript's toExponential and toFixed round so), laid out as Python's 'g' ('1.563e-09')."""
    if value == 0 or not math.isfinite(value):
        return format(value, "g")
    exact = Decimal(value)
    for _ in range(2):  # again when rounding up carried into a new digit (9.9996 -> 10.00)
        exact = exact.quantize(Decimal(1).scaleb(exact.adjusted() - digits + 1), ROUND_HALF_UP)
    return format(float(exact), f".{digits}g")


def rounded(value: Any, digits: int = PAGE_DIGITS) -> Any:
    """`value` (nested lists and dicts) with every float at `digits` significant digits, or at full
    precision where the shorter one would print otherwise (1.5625000000000082e-09 is 1.563e-09;
    1.5625e-09 would print as 1.562e-09 or 1.563e-09 by the binary value nearest to it)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        short = float(f"{value:.{digits}g}")
        return short if display(short) == display(value) else value
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v, digits) for v in value]
    return value
