"""The lecture as slides: where each section's clip stops, and what the speaker's notes say there.

A slide is a section of the lecture (`beats.lecture_sections`); a stop is a frame of its clip where
the presentation holds until the teacher moves on. Inside an optimizer's section the narrated steps
stop at every beat (each state statement lit, then the ball's move), the faster steps once each.
The stops are counted from the beats the scene plays, so they fall on the frames the clip has.

A beat that plays ends with its animation's last state on the frame after it: a frozen hold or the
next animation's first frame shows that state exactly (Manim draws the final frame of an animation
only there), so a stop is that frame. A step's move is followed by the next step's first state
beat, which already shows the next step's numbers: the stop is then the move's own last frame.
Moving on from a stop before a frozen hold plays from the hold's end: the hold looks the same, and
the teacher, not the clock, decides how long it lasts. No Manim here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..optim.trajectory import Trajectory
from .beats import NARRATED_STEPS, Section, lecture_sections, path_beats
from .narration import fmt, pair, readout_lines, statements, step_caption
from .notation import from_unicode, label_notation
from .settings import RenderSettings
from .words import Words

# What a stop shows.
OPENING = "opening"  # a section's first picture (a card, the surface, the comparison's start)
STATEMENT = "statement"  # a step's state statement lit, the ball still at the step's start
MOVE = "move"  # a step's ball arrived at its next point
END = "end"  # the section's last picture

# A section's beats, by kind: PLAY animates, HOLD keeps the last picture, PATH is an explain
# board's steps (`beats.path_beats`). Zipped with `lecture_sections`' beats, strictly, so a beat
# added there without one here fails loudly.
PLAY, HOLD, PATH = "play", "hold", "path"
CARD_BEATS = (PLAY, HOLD, PLAY, PATH, HOLD)  # cross-fade, card, to the board, steps, hold
SECTION_BEATS = {
    "title": (PLAY, HOLD),
    "surface": (PLAY, PLAY, HOLD),  # cross-fade, the gradient's arrow, hold
    "comparison": (PLAY, PLAY, HOLD),  # cross-fade, the balls roll, hold
}


@dataclass(frozen=True)
class Stop:
    """A frame of a section's clip (counted from 0) where the slides hold: `frame` is shown, and
    moving on plays from `resume` (past a frozen hold that looks the same, else `frame` itself).
    `step` is the update shown (0-based: from point step to step + 1), `statement` the rule's
    statement lit at a STATEMENT stop."""

    frame: int
    resume: int
    kind: str
    step: int | None = None
    statement: int | None = None


@dataclass(frozen=True)
class Slide:
    """One section of the lecture: its name, its clip's frame count, its stops in order and, for
    an optimizer's section, the index of the run it explains."""

    name: str
    frames: int
    stops: tuple[Stop, ...]
    run: int | None = None


def lecture_slides(settings: RenderSettings, trajectories: list[Trajectory]) -> list[Slide]:
    """Every section of the lecture with its stops, from the beats the lecture scene plays."""
    slides = []
    runs = iter(range(len(trajectories)))
    for section in lecture_sections(settings, trajectories):
        kinds = SECTION_BEATS.get(section.name)
        run = None if kinds else next(runs)
        trajectory = None if run is None else trajectories[run]
        slides.append(_slide(settings, section, kinds or CARD_BEATS, trajectory, run))
    return slides


def _slide(
    settings: RenderSettings,
    section: Section,
    kinds: tuple[str, ...],
    trajectory: Trajectory | None,
    run: int | None,
) -> Slide:
    stops: list[Stop] = []
    beats = list(zip(kinds, section.beats, strict=True))
    (first_kind, first), (second_kind, second) = beats[0], beats[1]
    if first_kind == PLAY and len(beats) > 2:  # the opening picture, unless it is all there is
        stops.append(Stop(first, first + (second if second_kind == HOLD else 0), OPENING))
    at = 0
    for kind, count in beats:
        if kind == PATH:
            assert trajectory is not None
            stops += _path_stops(settings, trajectory, at, count)
        at += count
    final = beats[-1][1] if beats[-1][0] == HOLD else 1
    last_step = stops[-1].step if stops else None
    if stops and stops[-1].kind == MOVE:
        stops.pop()  # the last move ends where the section's end stop is
    end = Stop(at - final, at - final, END, last_step)
    return Slide(section.name, section.frames, (*stops, end), run)


def _path_stops(
    settings: RenderSettings, trajectory: Trajectory, start: int, frames: int
) -> list[Stop]:
    """A board's steps from frame `start`: a stop at each beat of the narrated steps, one at the
    end of each later step's move."""
    stops = []
    at = start
    for k, (state, move) in enumerate(path_beats(settings, trajectory)):
        for i, count in enumerate(state):
            if k < NARRATED_STEPS:
                stops.append(Stop(at, at + count, STATEMENT, k, i))
            at += count
        at += move
        stops.append(Stop(at - 1, at - 1, MOVE, k))
    assert at - start == frames, "the board's steps must fill its beat"
    return stops


# --- the speaker's notes: lesson strings (words and $mathematics$, see notation.py) ------------


def section_notes(words: Words, trajectories: list[Trajectory]) -> list[list[str]]:
    """Per section, the lines every stop of it shares (its narration), in `lecture_slides`' order."""
    w = words.lesson
    first = trajectories[0]
    notes: list[list[str]] = [
        [w.title, w.subtitle, *(label_notation(words.label(t.optimizer)) for t in trajectories)],
        [
            w.surface_heading,
            w.surface_why,
            f"{words.start} {pair(first.points[0])}" + _gradient(first),
        ],
    ]
    for t in trajectories:
        opt = t.optimizer
        name = w.long_names.get(opt.name, words.name(opt))
        rule = [from_unicode(s) for s in statements(opt)[1]]
        notes.append([name, label_notation(words.label(opt)), *rule, w.blurbs.get(opt.name, "")])
    notes.append([w.closing])
    return [[line for line in lines if line] for lines in notes]


def stop_notes(words: Words, slide: Slide, stop: Stop, trajectories: list[Trajectory]) -> list[str]:
    """What is on the screen at `stop` in numbers: the step, where the ball is, the board's
    readout and caption (an optimizer's section); every run's loss (the comparison)."""
    if slide.name == "comparison":
        final = stop.kind == END
        return [_run_line(words, t, len(t.points) - 1 if final else 0) for t in trajectories]
    if stop.step is None or slide.run is None:
        return []
    trajectory = trajectories[slide.run]
    k = stop.step
    steps = len(trajectory.points) - 1
    at = k + 1 if stop.kind in (MOVE, END) else k
    lines = [words.counter(k + 1, steps), f"$(x, y) = {pair(trajectory.points[at])[1:-1]}$"]
    if stop.kind == STATEMENT:
        lit = statements(trajectory.optimizer)[1]
        lines.append("→ " + from_unicode(lit[min(stop.statement or 0, len(lit) - 1)]))
    lines += readout_lines(words, trajectory, k)
    lines.append(step_caption(words, trajectory, k, full=k < NARRATED_STEPS))
    if stop.kind == END and trajectory.diverged_at is not None:
        lines.append(words.diverged.format(step=trajectory.diverged_at))
    return lines


def _gradient(trajectory: Trajectory) -> str:
    """', ∂L/∂W (…)' at the start, where the gradient is defined there."""
    g = trajectory.gradients[0]
    return f", $∂L/∂W$ {pair(g)}" if np.all(np.isfinite(g)) else ""


def _run_line(words: Words, trajectory: Trajectory, k: int) -> str:
    label = label_notation(words.label(trajectory.optimizer))
    line = f"{label}: {words.loss} ${fmt(trajectory.losses[k])}$ {pair(trajectory.points[k])}"
    if k > 0 and trajectory.diverged_at is not None:
        line += ", " + words.diverged.format(step=trajectory.diverged_at)
    return line
