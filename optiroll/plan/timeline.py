"""A figure's pacing in whole frames: a still of the start, the steps, the last frame held. No Manim.

Time adapts to what can be seen: a stretch of at least MIN_QUIET_STEPS steps in which no ball
moves more than about a pixel of the output (through each plot's data-to-pixel scale) plays
faster. Of PACES (how still a stretch must be, how much faster it plays), the gentlest that keeps
the steps within STEP_BUDGET is used, so a long figure lasts about 12 s and no step is dropped;
every other step takes `seconds_per_step`. The timeline is data (stretches of steps with their
speed-up) that a scene plays and the side-car records; the frame counts are exact (see
`beats.play_seconds`), so the render pipeline checks the file against them.

Scenes that step evenly (surface3d) count their frames with `expected_frames`: Manim makes
`len(arange(0, run_time, 1/fps))` frames for an animation and `int(duration * fps)` for a frozen
wait.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..optim.experiment import Experiment
from ..optim.trajectory import Trajectory
from .beats import frames, play_seconds, wait_seconds
from .layout import Panel, layout_figure
from .settings import RenderSettings

PACED_SCENES = ("compare", "race", "single")  # the 2D figures play an adaptive timeline
START_STILL = 0.5  # seconds on the start position before anything moves
# (the most any ball may move in a step of the stretch, in output pixels; its speed-up), gentlest
# first. Balls sit on pixel centres, so a move under a pixel or two often changes no pixel at all;
# a stretch of larger moves is sped up only when the figure would otherwise run long, and less.
PACES = ((1.5, 2), (1.5, 4), (1.5, 8), (3.0, 4), (3.0, 8), (6.0, 4))
MIN_QUIET_STEPS = 4  # shorter quiet runs keep their time: the "x4" mark would only flicker
# The steps' time in steps at the normal pace (9 s at the default 0.2 s a step): with the start
# still and the 2.5 s hold, a preset's blog GIF lasts about 12 s.
STEP_BUDGET = 45.0


@dataclass(frozen=True)
class Stretch:
    """Steps `first` to `last` (the step reached at its end), `speedup` times the normal pace."""

    first: int
    last: int
    speedup: int = 1

    @property
    def steps(self) -> int:
        return self.last - self.first


@dataclass(frozen=True)
class Timeline:
    """`still` frames of the start, then the stretches played in `moving` frames, then `hold`
    frames of the last step. Frame numbers count from the file's first frame."""

    fps: float
    seconds_per_step: float
    still: int
    stretches: tuple[Stretch, ...]
    hold: int

    @cached_property
    def positions(self) -> np.ndarray:
        """The moment each step 0..N is reached, in frames from the first moving frame."""
        per_step = self.seconds_per_step * self.fps
        durations = [per_step / s.speedup for s in self.stretches for _ in range(s.steps)]
        return np.concatenate([[0.0], np.cumsum(durations)])

    @property
    def steps(self) -> int:
        return len(self.positions) - 1

    @property
    def moving(self) -> int:
        """Frames while the balls move: one at each whole frame before the last step is reached
        (which the first held frame shows)."""
        return max(1, math.ceil(self.positions[-1] - 1e-9))

    @property
    def frames(self) -> int:
        return self.still + self.moving + self.hold

    @property
    def still_seconds(self) -> float:
        """A frozen wait that Manim turns into exactly `still` frames."""
        return wait_seconds(self.still, self.fps)

    @property
    def play_seconds(self) -> float:
        """A run time that Manim's `play` turns into exactly `moving` frames (one frame's time
        at least, or Manim lengthens it and says so)."""
        return max(play_seconds(self.moving, self.fps), 1 / self.fps)

    @property
    def hold_seconds(self) -> float:
        return wait_seconds(self.hold, self.fps)

    def step_at(self, frame: float) -> float:
        """The fractional step shown `frame` frames after the first moving frame."""
        return float(np.interp(frame, self.positions, np.arange(self.steps + 1)))

    def step_at_progress(self, alpha: float) -> float:
        """The step shown at `alpha` (Manim's t / run_time) of a play lasting `play_seconds`;
        1 (the play's end) is the last step."""
        if alpha >= 1:
            return float(self.steps)
        frame = alpha * (self.moving - 0.5)
        nearest = round(frame)
        # Manim samples t = i / fps: land on frame i exactly, not a rounding error before it.
        return self.step_at(nearest if abs(frame - nearest) < 1e-6 else frame)

    def speedup_at(self, step: float) -> int:
        """The speed-up of the stretch playing at fractional `step` (1 once the last is reached)."""
        for stretch in self.stretches:
            if stretch.first <= step < stretch.last:
                return stretch.speedup
        return 1

    def frame_of_step(self, step: int) -> int:
        """The first frame of the file that shows `step` reached."""
        return self.still + math.ceil(self.positions[step] - 1e-9)

    def to_dict(self) -> dict:
        """The side-car's record: the stretches and the frame each step is first shown in."""
        return {
            "fps": self.fps,
            "start_still_frames": self.still,
            "hold_frames": self.hold,
            "stretches": [
                {"first_step": s.first, "last_step": s.last, "speedup": s.speedup}
                for s in self.stretches
            ],
            "compressed_steps": [
                step
                for s in self.stretches
                if s.speedup > 1
                for step in range(s.first + 1, s.last + 1)
            ],
            "step_frames": [self.frame_of_step(k) for k in range(self.steps + 1)],
        }


def step_moves(
    settings: RenderSettings, panels: Sequence[Panel], trajectories: Sequence[Trajectory]
) -> np.ndarray:
    """(N,) the most any ball moves in step k + 1, in output pixels of the plot it is drawn in."""
    steps = max(len(t.points) - 1 for t in trajectories)
    moves = np.zeros(steps)
    pixels_per_unit = settings.height / settings.frame_height
    for panel in panels:
        box, window = panel.area.box, panel.area.window
        scale = pixels_per_unit * np.array(
            [box.width / (window.x_max - window.x_min), box.height / (window.y_max - window.y_min)]
        )
        for run in panel.runs:
            delta = np.diff(trajectories[run].points, axis=0) * scale
            moved = np.hypot(delta[:, 0], delta[:, 1])
            moves[: len(moved)] = np.maximum(moves[: len(moved)], moved)
    return moves


def quiet_stretches(moves: np.ndarray, pixels: float) -> list[tuple[int, int]]:
    """(first, last) of each run of at least MIN_QUIET_STEPS steps that move no ball more than
    `pixels`."""
    quiet = np.append(moves <= pixels, False)
    found, start = [], None
    for k, still in enumerate(quiet):
        if still and start is None:
            start = k
        elif not still and start is not None:
            if k - start >= MIN_QUIET_STEPS:
                found.append((start, k))
            start = None
    return found


def adaptive_timeline(
    settings: RenderSettings, panels: Sequence[Panel], trajectories: Sequence[Trajectory]
) -> Timeline:
    """A figure's timeline: the start still, its steps with the quiet stretches sped up, the hold."""
    return paced_timeline(settings, step_moves(settings, panels, trajectories))


def paced_timeline(settings: RenderSettings, moves: np.ndarray) -> Timeline:
    """The timeline of steps whose largest moves (output pixels, one per step) are `moves`."""
    for pixels, speedup in PACES:
        quiet = quiet_stretches(moves, pixels)
        quiet_steps = sum(last - first for first, last in quiet)
        if len(moves) - quiet_steps + quiet_steps / speedup <= STEP_BUDGET:
            break
    stretches, step = [], 0
    for first, last in quiet:
        if first > step:
            stretches.append(Stretch(step, first))
        stretches.append(Stretch(first, last, speedup))
        step = last
    if step < len(moves):
        stretches.append(Stretch(step, len(moves)))
    return Timeline(
        fps=settings.fps,
        seconds_per_step=settings.seconds_per_step,
        still=frames(START_STILL, settings.fps),
        stretches=tuple(stretches),
        hold=round(settings.hold_seconds * settings.fps),
    )


def figure_timeline(
    settings: RenderSettings, experiment: Experiment, trajectories: Sequence[Trajectory]
) -> Timeline:
    """The timeline a 2D figure (compare, race, single) plays, through the layout it draws."""
    return adaptive_timeline(settings, layout_figure(settings, experiment).panels, trajectories)


def expected_frames(settings: RenderSettings, steps: int) -> int:
    """How many frames Manim makes for evenly paced steps: the animation's, then the held last
    frame's."""
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
