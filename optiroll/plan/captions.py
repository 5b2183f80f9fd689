"""A lecture's captions and chapters, planned from the same beats and words the scene draws with.

Every cue holds words the scene shows: the section's title, the surface's heading and why, an
optimizer's card (name, values, line from the chapter), each step's counter and caption, the
closing heading. A cue starts on the first frame of the beat that brings its words in (where they
start to fade in over what was shown, or where the board switches to the step) and ends where
the next one starts, or the video ends. Times are frames of the planned beats (`beats.py`), so a
cue matches its frame exactly; WebVTT gets them in milliseconds, rounded up into the frame.
Chapters are the sections, titled in the render's language. No Manim here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from ..optim.trajectory import Trajectory
from .beats import Section, lecture_sections, narrated, path_beats
from .narration import captions
from .notation import segments
from .settings import RenderSettings
from .words import LANGUAGES, Words


@dataclass(frozen=True)
class Cue:
    """Words shown from frame `start` up to (not including) frame `end`, one line each."""

    start: int
    end: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class SectionTrack:
    """One section of the lecture: its clip's `name`, its chapter `title`, where it starts and
    how long it is (frames of the whole video), and the cues that start in it."""

    name: str
    title: str
    first: int
    frames: int
    cues: tuple[Cue, ...]

    @property
    def end(self) -> int:
        return self.first + self.frames

    def chapter(self) -> Cue:
        """The section as a chapter cue."""
        return Cue(self.first, self.end, (self.title,))

    def clip_cues(self) -> list[Cue]:
        """The section's cues in its clip's own frames (its first frame is 0), ending with it."""
        return [Cue(c.start - self.first, c.end - self.first, c.lines) for c in self.cues]


def lecture_tracks(
    settings: RenderSettings, trajectories: list[Trajectory], steps: int
) -> list[SectionTrack]:
    """Every section of `lecture_sections` with its chapter title and cues; `steps` is the
    experiment's step count, which the boards' counters show as their total."""
    words = LANGUAGES[settings.lang]
    lesson = words.lesson
    sections = lecture_sections(settings, trajectories)
    titles = [lesson.title, lesson.surface_heading]
    titles += [words.long_name(t.optimizer) for t in trajectories]
    titles.append(lesson.closing)
    firsts = [sum(s.frames for s in sections[:i]) for i in range(len(sections))]
    shown: list[tuple[int, int, tuple[str, ...]]] = []  # (section, first frame, lines)
    for index, (section, first) in enumerate(zip(sections, firsts, strict=True)):
        if index == 0:
            texts = [(0, (lesson.title, lesson.subtitle))]
        elif index == 1:
            texts = [(first, (lesson.surface_heading, lesson.surface_why))]
        elif index == len(sections) - 1:
            texts = [(first, (lesson.closing,))]
        else:
            trajectory = trajectories[index - 2]
            texts = _optimizer_cues(settings, words, trajectory, section, first, steps)
        shown += [(index, start, tuple(plain(t) for t in lines if t)) for start, lines in texts]
    ends = [start for _, start, _ in shown[1:]] + [firsts[-1] + sections[-1].frames]
    return [
        SectionTrack(
            section.name,
            plain(title),
            first,
            section.frames,
            tuple(
                Cue(start, end, lines)
                for (owner, start, lines), end in zip(shown, ends, strict=True)
                if owner == index
            ),
        )
        for index, (section, title, first) in enumerate(zip(sections, titles, firsts, strict=True))
    ]


def _optimizer_cues(
    settings: RenderSettings,
    words: Words,
    trajectory: Trajectory,
    section: Section,
    first: int,
    steps: int,
) -> list[tuple[int, tuple[str, ...]]]:
    """The card as it fades in, then each step's counter and caption: the first as the board
    fades in (the card's rule moving to it), the others where the board switches to them."""
    opt = trajectory.optimizer
    cross, hold, to_board = section.beats[:3]
    card = (words.long_name(opt), words.label(opt), words.lesson.blurbs.get(opt.name, ""))
    shown = [(first, card)]
    beats = path_beats(settings, trajectory)
    texts = captions(words, trajectory, narrated(len(beats)))
    start = first + cross + hold + to_board
    for k, ((state, move), text) in enumerate(zip(beats, texts, strict=True)):
        shown.append((start, (words.counter(k + 1, steps), text)))
        start += sum(state) + move
    return shown


# A script's characters and their Unicode forms; a script with any other character stays as
# written (v_y: Unicode has no subscript y).
_SUBSCRIPT = str.maketrans("0123456789+−t", "₀₁₂₃₄₅₆₇₈₉₊₋ₜ")
_SUPERSCRIPT = str.maketrans("0123456789+−t", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ᵗ")
_SCRIPT = re.compile(r"([_^])(\{[^{}]*\}|.)")


def plain(text: str) -> str:
    """A lesson string (`notation.py`) as plain Unicode text: the dollar signs gone, scripts of
    digits, signs and t raised or lowered ('β_2^t' -> 'β₂ᵗ', '10^{−5}' -> '10⁻⁵')."""

    def script(match: re.Match[str]) -> str:
        mark, body = match.group(1), match.group(2).strip("{}")
        table = _SUBSCRIPT if mark == "_" else _SUPERSCRIPT
        lowered = body.translate(table)
        if all(c != t for c, t in zip(body, lowered, strict=True)):
            return lowered
        return f"{mark}{body}" if len(body) == 1 else f"{mark}({body})"

    return "".join(_SCRIPT.sub(script, p) if is_math else p for p, is_math in segments(text))


def frame_ms(frame: int, fps: float) -> int:
    """When `frame` starts, in whole milliseconds rounded up, so the time falls inside the frame
    (a frame lasts longer than a millisecond): a player seeking there shows that frame."""
    return math.ceil(frame * 1000 / Fraction(fps).limit_denominator(1001))


def timestamp(frame: int, fps: float) -> str:
    """When `frame` starts (`frame_ms`), as WebVTT's HH:MM:SS.mmm."""
    hours, rest = divmod(frame_ms(frame, fps), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def webvtt(cues: list[Cue], fps: float) -> str:
    """A WebVTT file of `cues`, numbered from 1; empty cues are left out."""
    blocks = ["WEBVTT"]
    for n, cue in enumerate((c for c in cues if c.end > c.start and c.lines), start=1):
        text = "\n".join(_escape(line) for line in cue.lines)
        blocks.append(f"{n}\n{timestamp(cue.start, fps)} --> {timestamp(cue.end, fps)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def _escape(line: str) -> str:
    """A cue's line as WebVTT text: its markup characters escaped, on one line."""
    line = " ".join(line.split())
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
