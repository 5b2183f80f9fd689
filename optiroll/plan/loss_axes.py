"""The loss curve's axes, as pure geometry: step -> x, log10(loss) -> y, decade ticks. No Manim."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .axes import GUTTER_BOTTOM
from .layout import LINE, Box, scene_box_to_pixels
from .settings import RenderSettings

SHIFT_DECADES = 3  # when losses go to 0 or below, how far under the rest the lowest one is drawn
MAX_DECADES = 8  # a run that converges to 1e-30 would squash every other curve to the top
# Room around the plot inside the panel (scene units): tick labels left and below (as much as a
# map's), the axis name above, in a line like a map's title.
LEFT_MARGIN, BOTTOM_MARGIN, TOP_MARGIN, RIGHT_MARGIN = 0.8, GUTTER_BOTTOM, LINE, 0.15


@dataclass(frozen=True)
class LossAxes:
    """Steps 0..`steps` across `plot`, loss - `offset` from 10**`low` to 10**`high` up it, on a
    log scale. The offset is 0 unless a loss is below 0 (a saddle, Styblinski-Tang): then the
    curve shows how far above its lowest value each run is, and the axis says so."""

    plot: Box
    steps: int
    low: int
    high: int
    offset: float = 0.0

    def x(self, step: np.ndarray | float) -> np.ndarray:
        return self.plot.left + np.asarray(step, dtype=np.float64) / self.steps * self.plot.width

    def y(self, loss: np.ndarray | float) -> np.ndarray:
        """Scene y of a loss; losses outside the decades stick to the bottom or top."""
        return self.decade_y(np.asarray(loss, dtype=np.float64) - self.offset)

    def decade_y(self, shown: np.ndarray | float) -> np.ndarray:
        """Scene y of a value of the axis (loss - offset), e.g. of a decade's tick."""
        with np.errstate(divide="ignore", invalid="ignore"):
            decades = np.log10(np.asarray(shown, dtype=np.float64))
        share = (np.clip(decades, self.low, self.high) - self.low) / (self.high - self.low)
        return self.plot.bottom + share * self.plot.height

    def name(self, loss: str) -> str:
        """The axis name: 'loss', or 'loss + 78.3' when the curve is shifted."""
        if self.offset == 0:
            return loss
        return f"{loss} {'+' if self.offset < 0 else '−'} {abs(self.offset):.3g}"

    def to_scene(self, losses: np.ndarray, first: int = 0) -> np.ndarray:
        """(n,) losses at steps first..first+n-1 -> (n, 3) scene points."""
        steps = np.arange(first, first + len(losses))
        return np.stack([self.x(steps), self.y(losses), np.zeros(len(losses))], axis=-1)

    def at(self, losses: np.ndarray, t: float) -> np.ndarray:
        """The curve's scene point at fractional step t: straight between steps, as drawn."""
        last = len(losses) - 1
        t = min(max(t, 0.0), float(last))
        k = min(int(math.floor(t)), max(last - 1, 0))
        points = self.to_scene(losses[k : k + 2], first=k)
        if len(points) == 1:
            return points[0]
        return points[0] + (t - k) * (points[1] - points[0])

    def decades(self) -> range:
        return range(self.low, self.high + 1)

    def labelled_decades(self, text_height: float) -> range:
        """Every decade, or every k-th from the top when labels that tall would overlap."""
        spacing = self.plot.height / (self.high - self.low)
        return range(self.high, self.low - 1, -math.ceil(1.6 * text_height / spacing))


def loss_axes(panel: Box, steps: int, runs: Sequence[np.ndarray]) -> LossAxes:
    """Axes for these runs' losses inside `panel`: whole decades from the least to the most."""
    values = np.concatenate([np.asarray(r, dtype=np.float64) for r in runs])
    finite = values[np.isfinite(values)]
    offset = 0.0
    if finite.size and finite.min() < 0:  # exact zeros (a run at the minimum) sit at the bottom
        # The lowest loss sits SHIFT_DECADES below the spread of the losses.
        offset = float(finite.min() - (finite.max() - finite.min()) * 10.0**-SHIFT_DECADES)
    positive = finite[finite - offset > 0] - offset
    if positive.size == 0:  # every run sits exactly at a minimum of 0
        low, high = -1, 0
    else:
        high = math.ceil(math.log10(positive.max()) - 1e-12)
        low = max(math.floor(math.log10(positive.min()) + 1e-12), high - MAX_DECADES)
        if low == high:
            low -= 1
    plot = Box(
        panel.left + LEFT_MARGIN,
        panel.bottom + BOTTOM_MARGIN,
        panel.right - RIGHT_MARGIN,
        panel.top - TOP_MARGIN,
    )
    return LossAxes(plot, max(steps, 1), low, high, offset)


def superscript(n: int) -> str:
    """'10⁻³' for -3: a decade's label in plain Unicode."""
    table = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return "10" + str(n).translate(table)


def sidecar_entry(axes: LossAxes, settings: RenderSettings, scale: float = 1.0) -> dict:
    """The curve's plot rectangle in pixels and what its axes span, for the side-car."""
    rect = scene_box_to_pixels(
        axes.plot, settings.frame_width, settings.frame_height, settings.width, settings.height
    )
    return {
        "pixel_rect": [round(v * scale, 3) for v in rect],
        "steps": [0, axes.steps],
        "log10_loss": [axes.low, axes.high],
        "loss_offset": axes.offset,  # the axis shows log10(loss - loss_offset)
    }
