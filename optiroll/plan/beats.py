"""The timelines of the scenes in whole frames, so frame counts are exact.

Manim makes `len(arange(0, run_time, 1/fps))` frames for an animation and `int(duration * fps)`
for a frozen wait; run times half a frame off the grid make both counts immune to rounding.
No Manim here: the render pipeline plans its progress and checks with the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..optim.base import Optimizer
from ..optim.trajectory import Trajectory
from .narration import statements
from .settings import RenderSettings

STATE_BEAT = 0.35  # share of a step spent on the state statements before the ball moves
# Lecture beats, in seconds.
TITLE_IN, TITLE_HOLD = 1.0, 2.5
SURFACE_IN, SURFACE_ARROW, SURFACE_HOLD = 1.0, 1.0, 4.0
CARD_IN, CARD_HOLD = 0.8, 3.2
PATH_HOLD = 1.0
CLOSING_SECONDS_PER_STEP = 0.15
CLOSING_HOLD = 3.0


def frames(seconds: float, fps: float) -> int:
    """Whole frames for a beat of `seconds` (at least one)."""
    return max(1, round(seconds * fps))


def play_seconds(count: int, fps: float) -> float:
    """A run time that Manim's `play` turns into exactly `count` frames."""
    return (count - 0.5) / fps


def wait_seconds(count: int, fps: float) -> float:
    """A duration that Manim's frozen `wait` turns into exactly `count` frames."""
    return (count + 0.5) / fps


@dataclass(frozen=True)
class Section:
    """A named part of a video and its beats, each a count of frames."""

    name: str
    beats: tuple[int, ...]

    @property
    def frames(self) -> int:
        return sum(self.beats)


def step_beats(settings: RenderSettings, optimizer: Optimizer) -> tuple[tuple[int, ...], int]:
    """One step: (a beat per state statement lit before the ball moves, the ball's move).

    A rule with one statement (SGD) still pauses first: its gradient arrow is shown standing.
    """
    fps, seconds = settings.fps, settings.seconds_per_step
    pauses = max(1, len(statements(optimizer)[0]) - 1)
    state = tuple(frames(seconds * STATE_BEAT / pauses, fps) for _ in range(pauses))
    return state, frames(seconds * (1 - STATE_BEAT), fps)


def path_frames(settings: RenderSettings, trajectory: Trajectory) -> int:
    """Frames of every step of a run."""
    state, move = step_beats(settings, trajectory.optimizer)
    return (len(trajectory.points) - 1) * (sum(state) + move)


def explain_beats(settings: RenderSettings, trajectory: Trajectory) -> tuple[int, int]:
    """(frames of the steps, frames of the held last frame)."""
    return path_frames(settings, trajectory), frames(settings.hold_seconds, settings.fps)


def lecture_sections(settings: RenderSettings, trajectories: list[Trajectory]) -> list[Section]:
    """Title, surface, one section per optimizer (card, path, hold), then the comparison."""
    fps = settings.fps

    def beats(*seconds: float) -> tuple[int, ...]:
        return tuple(frames(s, fps) for s in seconds)

    sections = [
        Section("title", beats(TITLE_IN, TITLE_HOLD)),
        Section("surface", beats(SURFACE_IN, SURFACE_ARROW, SURFACE_HOLD)),
    ]
    for trajectory in trajectories:
        card = beats(CARD_IN, CARD_HOLD)
        path = (path_frames(settings, trajectory), frames(PATH_HOLD, fps))
        sections.append(Section(trajectory.optimizer.name, card + path))
    longest = max(len(t.points) - 1 for t in trajectories)
    sections.append(Section("comparison", beats(longest * CLOSING_SECONDS_PER_STEP, CLOSING_HOLD)))
    return sections


def expected_frames(settings: RenderSettings, steps: int) -> int:
    """How many frames Manim makes: the animation's frames, then the held last frame."""
    moving = manim_frames(steps * settings.seconds_per_step, settings.fps)
    return moving + frozen_frames(settings.hold_seconds, settings.fps)


def manim_frames(run_time: float, fps: float) -> int:
    """Frames Manim draws for a `play` of `run_time` seconds: one per
    `np.arange(0, run_time, 1 / fps)`, floating-point rounding included (0.6 s at 10 fps is 7)."""
    return len(np.arange(0, run_time, 1 / fps))


def frozen_frames(duration: float, fps: float) -> int:
    """Frames Manim repeats for a `wait` with nothing moving: `int(duration / (1 / fps))`
    (1 s at 12.5 fps is 12)."""
    return int(duration / (1 / fps))
