"""The explain and lecture scenes' beats in whole frames, so frame counts are exact.

Manim makes `len(arange(0, run_time, 1/fps))` frames for an animation and `int(duration * fps)`
for a frozen wait; run times half a frame off the grid make both counts immune to rounding.
No Manim here: the render pipeline plans its progress and checks with the same numbers. The 2D
figures' pacing is `timeline.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..optim.base import Optimizer
from ..optim.trajectory import Trajectory
from .narration import statements
from .settings import RenderSettings

STATE_BEAT = 0.35  # share of a step spent on the state statements before the ball moves
# The explain board's pace: the first steps are narrated in full, each `seconds_per_step` long (a
# worked caption takes about 4 s to read); then each step takes SPEED_UP of the one before, down
# to FAST_SHARE of a narrated step, and shows the short caption.
NARRATED_STEPS = 3
SPEED_UP = 0.6
FAST_SHARE = 0.15
# Lecture beats, in seconds.
TITLE_IN, TITLE_HOLD = 1.0, 2.5
CROSS_FADE = 0.8  # a section opens by fading in over the last frame of the one before
SURFACE_ARROW, SURFACE_HOLD = 1.0, 4.0
CARD_HOLD = 3.2
TO_BOARD = 1.2  # the card's rule moves to its place on the board as the board fades in
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


def narrated(steps: int) -> list[bool]:
    """Which of `steps` steps the board narrates in full (the others say it in short)."""
    return [k < NARRATED_STEPS for k in range(steps)]


def step_seconds(settings: RenderSettings, steps: int) -> list[float]:
    """Each step's time: `seconds_per_step` for the narrated ones, then faster and faster down to
    FAST_SHARE of it; the option scales the whole schedule."""
    s = settings.seconds_per_step
    return [
        s if k < NARRATED_STEPS else s * max(FAST_SHARE, SPEED_UP ** (k - NARRATED_STEPS + 1))
        for k in range(steps)
    ]


def step_beats(
    settings: RenderSettings, optimizer: Optimizer, seconds: float
) -> tuple[tuple[int, ...], int]:
    """One step of `seconds`: (a beat per state statement lit before the ball moves, the move).

    A rule with one statement (SGD) still pauses first: its gradient arrow is shown standing.
    """
    fps = settings.fps
    pauses = max(1, len(statements(optimizer)[0]) - 1)
    state = tuple(frames(seconds * STATE_BEAT / pauses, fps) for _ in range(pauses))
    return state, frames(seconds * (1 - STATE_BEAT), fps)


def path_beats(
    settings: RenderSettings, trajectory: Trajectory
) -> list[tuple[tuple[int, ...], int]]:
    """Every step's beats, in order."""
    steps = len(trajectory.points) - 1
    return [
        step_beats(settings, trajectory.optimizer, seconds)
        for seconds in step_seconds(settings, steps)
    ]


def path_frames(settings: RenderSettings, trajectory: Trajectory) -> int:
    """Frames of every step of a run."""
    return sum(sum(state) + move for state, move in path_beats(settings, trajectory))


def explain_beats(settings: RenderSettings, trajectory: Trajectory) -> tuple[int, int]:
    """(frames of the steps, frames of the held last frame)."""
    return path_frames(settings, trajectory), frames(settings.hold_seconds, settings.fps)


def lecture_sections(settings: RenderSettings, trajectories: list[Trajectory]) -> list[Section]:
    """Title; surface; per optimizer its card, the move to its board, its steps and a hold; the
    comparison. Every section after the title opens with a cross-fade from the one before."""
    fps = settings.fps

    def beats(*seconds: float) -> tuple[int, ...]:
        return tuple(frames(s, fps) for s in seconds)

    sections = [
        Section("title", beats(TITLE_IN, TITLE_HOLD)),
        Section("surface", beats(CROSS_FADE, SURFACE_ARROW, SURFACE_HOLD)),
    ]
    for trajectory in trajectories:
        card = beats(CROSS_FADE, CARD_HOLD, TO_BOARD)
        path = (path_frames(settings, trajectory), frames(PATH_HOLD, fps))
        sections.append(Section(trajectory.optimizer.name, card + path))
    longest = max(len(t.points) - 1 for t in trajectories)
    closing = beats(CROSS_FADE, longest * CLOSING_SECONDS_PER_STEP, CLOSING_HOLD)
    sections.append(Section("comparison", closing))
    return sections
