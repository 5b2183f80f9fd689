"""The cloud figure, decided before drawing: outcome colours, the layout and the timeline. No Manim.

Outcome colours come from Paul Tol's colour-blind-safe schemes, not from Okabe & Ito's, which
are the optimizers' own (`palette.py`): the six minima's colours (indigo, brown, green, purple,
dark cyan, pink) are the six of Tol's muted and dark schemes farthest from every optimizer's
colour on both themes; the other minima are olive, a ball that did not converge grey, and one
that diverged the page's text colour. Each is shifted in lightness to 3.2:1 on its page, as the
optimizers' are.

The figure is `compare`'s (a panel per optimizer, titled with its label) in a frame narrowed by
the key's column on the right. The balls roll as the 2D figures' balls do, quiet stretches sped
up (the counter says so), in ROLL_SECONDS at most; then the starts, each in its outcome's
colour, fade in under them: the last frame is a basin map.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache

import numpy as np

from ..optim.cloud import DIVERGED, MINIMUM, NOT_CONVERGED, Cloud, CloudSpec, Outcome, roll_cloud
from ..optim.experiment import Experiment
from .beats import frames, play_seconds, wait_seconds
from .layout import (
    GAP,
    MARGIN,
    TEXT,
    Box,
    FigureLayout,
    Panel,
    PlotArea,
    layout_figure,
    legend_size,
)
from .palette import on_background
from .settings import RenderSettings, even
from .study_words import STUDY_WORDS
from .theme import theme
from .timeline import Timeline, paced_timeline

MINIMUM_HUES = ("#332288", "#663333", "#117733", "#AA4499", "#225555", "#FFAABB")
OTHER_MINIMA_HUE = "#999933"
NOT_CONVERGED_HUE = "#999999"
ROLL_SECONDS = 9.0  # the most the balls' roll takes, however many steps
FADE_SECONDS = 0.6  # the basin map fading in


def outcome_colors(outcomes: tuple[Outcome, ...], background: str, text: str) -> list[str]:
    """The colour of each outcome on `background`; a diverged ball's is the page's `text`."""
    colors, minima = [], iter(MINIMUM_HUES)
    for outcome in outcomes:
        if outcome.kind == MINIMUM:
            hue = next(minima)
        elif outcome.kind == DIVERGED:
            colors.append(text)
            continue
        else:
            hue = NOT_CONVERGED_HUE if outcome.kind == NOT_CONVERGED else OTHER_MINIMA_HUE
        colors.append(on_background(hue, background))
    return colors


@dataclass(frozen=True)
class CloudLayout:
    """`figure`: compare's panels, header and counter, left of `key`, the outcomes' column."""

    figure: FigureLayout
    key: Box


def cloud_layout(
    settings: RenderSettings, experiment: Experiment, key_texts: list[str], text: float
) -> CloudLayout:
    """Compare's layout in the frame less the key's column (`key_texts` at text height `text`)."""
    key_width = legend_size(key_texts, 1, text)[0] + GAP
    frame_width, frame_height = settings.frame_width, settings.frame_height
    pixels = even(settings.width * (frame_width - key_width) / frame_width)
    narrow = replace(settings, width=pixels, scene="compare")
    inner = layout_figure(narrow, experiment)
    shift = -(frame_width - narrow.frame_width) / 2
    right = frame_width / 2 - MARGIN
    key = Box(right - key_width + GAP, -frame_height / 2 + MARGIN, right, inner.header.bottom)
    return CloudLayout(_shifted(inner, shift), key)


def _shifted(layout: FigureLayout, dx: float) -> FigureLayout:
    """`layout` moved `dx` scene units to the right: every box of it, its panels' too."""

    def move(box: Box | None) -> Box | None:
        return None if box is None else Box(box.left + dx, box.bottom, box.right + dx, box.top)

    panels = tuple(
        replace(p, area=PlotArea(move(p.area.box), p.area.window), title_box=move(p.title_box))
        for p in layout.panels
    )
    boxes = {
        f.name: move(getattr(layout, f.name))
        for f in fields(layout)
        if isinstance(getattr(layout, f.name), Box)
    }
    return replace(layout, panels=panels, **boxes)


@dataclass(frozen=True)
class CloudTimeline:
    """The balls' `roll` (a paced timeline, `timeline.py`: the start still, the steps with quiet
    stretches sped up), then `fade` frames while the basin map fades in, `hold` on the last."""

    roll: Timeline
    fade: int
    hold: int

    @property
    def frames(self) -> int:
        return self.roll.still + self.roll.moving + self.fade + self.hold

    @property
    def fade_seconds(self) -> float:
        return play_seconds(self.fade, self.roll.fps)

    @property
    def hold_seconds(self) -> float:
        return wait_seconds(self.hold, self.roll.fps)

    def to_dict(self) -> dict:
        return {**self.roll.to_dict(), "fade_frames": self.fade, "hold_frames": self.hold}


def cloud_moves(settings: RenderSettings, panels: Sequence[Panel], paths: Sequence) -> np.ndarray:
    """(steps,) the most any ball seen in a plot moves in each step, in output pixels; `paths`
    (steps + 1, N, 2) per panel."""
    pixels_per_unit = settings.height / settings.frame_height
    moves = np.zeros(len(paths[0]) - 1)
    for panel, path in zip(panels, paths, strict=True):
        box, window = panel.area.box, panel.area.window
        scale = pixels_per_unit * np.array(
            [box.width / (window.x_max - window.x_min), box.height / (window.y_max - window.y_min)]
        )
        seen = window.contains(path)
        seen = seen[1:] | seen[:-1]
        moved = np.hypot(*np.moveaxis(np.diff(path, axis=0) * scale, -1, 0))
        moves = np.maximum(moves, np.where(seen, moved, 0.0).max(axis=1))
    return moves


def cloud_timeline(settings: RenderSettings, moves: np.ndarray) -> CloudTimeline:
    """The cloud's pace: steps paced as the 2D figures' are (quiet stretches sped up), the whole
    roll at most ROLL_SECONDS (each step shorter when it would be longer)."""
    calm = replace(settings, hold_seconds=0.0)
    roll = paced_timeline(calm, moves)
    seconds = roll.positions[-1] / settings.fps
    if seconds > ROLL_SECONDS:
        faster = settings.seconds_per_step * ROLL_SECONDS / seconds
        roll = paced_timeline(replace(calm, seconds_per_step=faster), moves)
    fps = settings.fps
    return CloudTimeline(roll, frames(FADE_SECONDS, fps), int(settings.hold_seconds * fps))


@dataclass(frozen=True)
class CloudFigure:
    """Everything the cloud scene draws, decided: the rolled cloud, each outcome's colour and
    its faded one for the basin map, the outcomes the key names (those some ball has) and
    their words, the layout and the timeline."""

    cloud: Cloud
    colors: tuple[str, ...]
    basin_colors: tuple[str, ...]
    shown: tuple[int, ...]
    key_texts: tuple[str, ...]
    layout: CloudLayout
    timeline: CloudTimeline


BASIN_TINT = 0.55  # of its outcome's colour in a start's dot on the basin map, the rest the page's


def cloud_figure(settings: RenderSettings, experiment: Experiment) -> CloudFigure:
    """The cloud figure of `experiment` for `settings` (its `cloud` spec, else the defaults);
    cached, as the render pipeline asks for the frame count (from the runs, which do not say
    where their values came from) before the scene draws."""
    return _cloud_figure(settings, replace(experiment, origins=()))


@lru_cache(maxsize=4)
def _cloud_figure(settings: RenderSettings, experiment: Experiment) -> CloudFigure:
    cloud = roll_cloud(experiment, settings.cloud or CloudSpec(), record=True)
    scheme = theme(settings.theme)
    colors = outcome_colors(cloud.outcomes, scheme.background, scheme.text)
    counts = sum(run.counts(len(cloud.outcomes)) for run in cloud.runs)
    shown = tuple(i for i, count in enumerate(counts) if count > 0)
    words = STUDY_WORDS[settings.lang]
    texts = tuple(words.outcome(cloud.outcomes[i]) for i in shown)
    layout = cloud_layout(settings, experiment, list(texts), TEXT)
    moves = cloud_moves(settings, layout.figure.panels, [run.path for run in cloud.runs])
    return CloudFigure(
        cloud,
        tuple(colors),
        tuple(mix(scheme.background, c, BASIN_TINT) for c in colors),
        shown,
        texts,
        layout,
        cloud_timeline(settings, moves),
    )


def mix(background: str, color: str, share: float) -> str:
    """`color` faded into `background`, `share` of it kept, mixed in sRGB as a page shows it."""
    a, b = (np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)]) for c in (background, color))
    return "#" + "".join(f"{round(v):02X}" for v in (1 - share) * a + share * b)
