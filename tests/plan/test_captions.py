"""A lecture's captions and chapters: each cue on the planned frame its words come in, the words
the scene shows (in Korean for a Korean lecture), WebVTT that a strict reader accepts with times
inside their frames, and each clip's captions in the clip's own time."""

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from optiroll.optim.experiment import build_experiment
from optiroll.plan.beats import lecture_sections, path_beats
from optiroll.plan.captions import Cue, frame_ms, lecture_tracks, plain, timestamp, webvtt
from optiroll.plan.narration import step_caption
from optiroll.plan.request import RenderRequest
from optiroll.plan.settings import captions_path, chapters_path, default_output
from optiroll.plan.words import LANGUAGES
from tests.webvtt import parse_vtt

HANGUL = re.compile(r"[\uac00-\ud7a3]")
OPTIMIZERS = ["sgd", "momentum", "adam"]
STEPS = 5


def plan(lang="en", seconds_per_step=1.0, optimizers=OPTIMIZERS, steps=STEPS):
    settings = RenderRequest(
        scene="lecture", quality="preview", lang=lang, seconds_per_step=seconds_per_step
    ).resolve()
    experiment = build_experiment(None, optimizers, None, None, steps)
    runs = experiment.run()
    return settings, runs, lecture_tracks(settings, runs, experiment.steps)


@pytest.mark.parametrize("seconds_per_step", [0.4, 1.0, 4.0])
def test_every_cue_starts_on_the_frame_its_words_come_in(seconds_per_step):
    settings, runs, tracks = plan(seconds_per_step=seconds_per_step)
    sections = lecture_sections(settings, runs)
    assert [t.name for t in tracks] == [s.name for s in sections]
    first = 0
    for track, section in zip(tracks, sections, strict=True):
        assert (track.first, track.frames) == (first, section.frames)
        # Every section's words come in with its first beat (the title is there from frame 0).
        assert track.cues[0].start == first
        first += section.frames
    for track, run in zip(tracks[2:-1], runs, strict=True):
        card, *steps = track.cues
        cross, hold, to_board = lecture_sections(settings, runs)[tracks.index(track)].beats[:3]
        # The first step's words fade in with the board, as the card's rule moves to it; each
        # later one where the board switches to it: after every frame of the steps before.
        step_starts = [track.first + cross + hold + to_board]
        for state, move in path_beats(settings, run)[:-1]:
            step_starts.append(step_starts[-1] + sum(state) + move)
        assert [c.start for c in steps] == step_starts
        assert len(steps) == len(run.points) - 1
    # Each cue lasts until the next comes in; the last until the video ends.
    cues = [c for t in tracks for c in t.cues]
    assert all(a.end == b.start for a, b in zip(cues, cues[1:], strict=False))
    assert cues[-1].end == sum(s.frames for s in sections)


def test_the_cues_say_what_the_scene_shows():
    settings, runs, tracks = plan()
    words = LANGUAGES["en"]
    title, surface, *boards, closing = tracks
    assert title.cues[0].lines == (words.lesson.title, words.lesson.subtitle)
    assert surface.cues[0].lines[0] == "The loss surface"
    assert surface.cues[0].lines[1].startswith("Steep in y, nearly flat in x")
    assert closing.cues[0].lines == ("Side by side",)
    for track, run in zip(boards, runs, strict=True):
        opt = run.optimizer
        card = track.cues[0]
        assert card.lines == (
            words.long_name(opt),
            words.label(opt),
            plain(words.lesson.blurbs[opt.name]),
        )
        for k, cue in enumerate(track.cues[1:]):
            assert cue.lines[0].split() == ["step", str(k + 1), "/", str(STEPS)]
            full = k < 3  # the narrated steps are worked through, the later ones short
            assert cue.lines[1] == plain(step_caption(words, run, k, full=full))
    assert tracks[2].title == "Stochastic gradient descent (SGD)"
    assert [t.title for t in tracks[3:5]] == ["Momentum", "Adam"]
    assert not any("$" in line for c in (c for t in tracks for c in t.cues) for line in c.lines)


def test_a_korean_lecture_has_korean_captions_and_chapters():
    _, _, english = plan("en")
    _, _, korean = plan("ko")
    assert not any(HANGUL.search(line) for t in english for c in t.cues for line in c.lines)
    assert all(HANGUL.search(t.title) for t in korean if t.name != "adam")
    assert [t.title for t in korean][:3] == [
        "매개변수 갱신: 최적화 기법",
        "손실 함수",
        "확률적 경사 하강법 (SGD)",
    ]
    for track in korean:
        for cue in track.cues:
            assert HANGUL.search(" ".join(cue.lines)), cue
    # The same frames in either language: the words change, not the timing.
    assert [(c.start, c.end) for t in korean for c in t.cues] == [
        (c.start, c.end) for t in english for c in t.cues
    ]


def test_lesson_mathematics_reads_as_plain_unicode():
    assert plain("$h_y = 16.0$, so the $y$-step is $−η·∂L/∂y/√h_y$") == (
        "h_y = 16.0, so the y-step is −η·∂L/∂y/√h_y"
    )
    assert plain("$−η·√(1−β_2^t)/(1−β_1^t)$") == "−η·√(1−β₂ᵗ)/(1−β₁ᵗ)"
    assert plain("$2.37×10^{−5}$ and $μ_{t+1}$") == "2.37×10⁻⁵ and μₜ₊₁"
    assert plain("no mathematics") == "no mathematics"


@given(st.integers(0, 10**6), st.sampled_from([10.0, 12.5, 15.0, 25.0, 30.0, 60.0, 30000 / 1001]))
def test_a_timestamp_falls_inside_its_frame(frame, fps):
    ms = frame_ms(frame, fps)
    assert math.floor(ms / 1000 * fps + 1e-9) == frame
    h, m, s = timestamp(frame, fps).split(":")
    assert (int(h) * 60 + int(m)) * 60 * 1000 + round(float(s) * 1000) == ms
    assert re.fullmatch(r"\d{2,}:[0-5]\d:[0-5]\d\.\d{3}", timestamp(frame, fps))


def test_webvtt_is_strict_and_escaped():
    text = webvtt(
        [
            Cue(0, 15, ("a < b & c > d", "two  spaces\nand a break")),
            Cue(15, 15, ("empty: left out",)),
            Cue(15, 54_000 * 15, ("an hour later",)),
        ],
        15.0,
    )
    cues = parse_vtt(text)
    assert [(c.ident, c.start_ms, c.end_ms) for c in cues] == [
        ("1", 0, 1000),
        ("2", 1000, 54_000_000),
    ]
    assert cues[0].lines == ("a &lt; b &amp; c &gt; d", "two spaces and a break")
    assert cues[0].text.startswith("a < b & c > d")
    assert "15:00:00.000" in text


def test_the_whole_lectures_captions_and_chapters_parse_and_match_the_plan():
    settings, _, tracks = plan("ko")
    cues = parse_vtt(webvtt([c for t in tracks for c in t.cues], settings.fps))
    planned = [c for t in tracks for c in t.cues]
    assert [(c.start_ms, c.end_ms) for c in cues] == [
        (frame_ms(c.start, settings.fps), frame_ms(c.end, settings.fps)) for c in planned
    ]
    assert [c.lines for c in cues] == [c.lines for c in planned]
    chapters = parse_vtt(webvtt([t.chapter() for t in tracks], settings.fps))
    assert [c.lines[0] for c in chapters] == [t.title for t in tracks]
    assert [c.start_ms for c in chapters] == [frame_ms(t.first, settings.fps) for t in tracks]


def test_each_clips_captions_are_in_the_clips_own_time():
    settings, _, tracks = plan()
    for track in tracks:
        own = track.clip_cues()
        assert own[0].start == 0 and own[-1].end == track.frames
        assert [(c.start + track.first, c.end + track.first, c.lines) for c in own] == [
            (c.start, c.end, c.lines) for c in track.cues
        ]
        assert parse_vtt(webvtt(own, settings.fps))[0].start_ms == 0


@pytest.mark.parametrize("track", ["ko", "chapters"])
def test_a_default_name_never_lands_on_someone_elses_tracks(tmp_path, track):
    settings, _, _ = plan()
    experiment = build_experiment(None, OPTIMIZERS, None, None, STEPS)
    first = default_output(settings, experiment, tmp_path)
    taken = chapters_path(first) if track == "chapters" else captions_path(first, track)
    taken.write_text("WEBVTT\n")
    second = default_output(settings, experiment, tmp_path)
    assert second != first and second.stem.endswith("-2")
    assert taken.read_text() == "WEBVTT\n"
