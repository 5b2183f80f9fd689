"""The lecture's slides without a browser: the stops against the beats the lecture plays, the notes
against the trajectories, the page's self-containment, and the folder's target checks."""

import json
import re
from itertools import accumulate

import pytest
from click.testing import CliRunner

from optiroll.cli import cli
from optiroll.errors import OptirollError
from optiroll.optim.experiment import build_experiment
from optiroll.plan.beats import NARRATED_STEPS, lecture_sections, path_beats
from optiroll.plan.narration import fmt
from optiroll.plan.request import RenderRequest
from optiroll.plan.slides import END, MOVE, OPENING, STATEMENT, lecture_slides
from optiroll.render import slides as render_slides_module
from optiroll.render.slides import check_slides_target, render_slides
from optiroll.web.slides import SlideClip, lesson_html, slides_data, slides_html

STEPS = 5  # two narrated steps and then faster ones


@pytest.fixture(scope="module")
def lecture():
    settings = RenderRequest(scene="lecture", format="slides", quality="preview").resolve()
    runs = build_experiment(None, ["sgd", "adam"], None, None, STEPS).run()
    return settings, runs, lecture_slides(settings, runs)


def step_bounds(settings, run, first):
    """Per step: the first frame of each state beat, and the move's first and end frames,
    counted from `first` (where the board's steps begin)."""
    bounds = []
    at = first
    for state, move in path_beats(settings, run):
        starts = [at + s for s in accumulate((0, *state[:-1]))]
        at += sum(state)
        bounds.append((starts, at, at + move))
        at += move
    return bounds


def test_a_slide_per_section_with_its_frames_and_stops_in_order(lecture):
    settings, runs, slides = lecture
    sections = lecture_sections(settings, runs)
    assert [s.name for s in slides] == ["title", "surface", "sgd", "adam", "comparison"]
    assert [s.frames for s in slides] == [s.frames for s in sections]
    for slide in slides:
        frames = [stop.frame for stop in slide.stops]
        assert frames == sorted(set(frames)), slide.name
        assert 0 <= frames[0] and frames[-1] < slide.frames
        assert all(stop.frame <= stop.resume < slide.frames for stop in slide.stops)
        assert slide.stops[-1].kind == END


def test_sections_end_where_their_last_hold_begins(lecture):
    settings, runs, slides = lecture
    for slide, section in zip(slides, lecture_sections(settings, runs), strict=True):
        # The final hold repeats the last picture: the slide stops on its first frame.
        assert slide.stops[-1].frame == section.frames - section.beats[-1]


def test_an_optimizer_stops_at_every_beat_of_its_narrated_steps_and_once_per_later_step(lecture):
    settings, runs, slides = lecture
    for run, slide in zip(runs, slides[2:4], strict=True):
        fade, card, to_board = lecture_sections(settings, runs)[slides.index(slide)].beats[:3]
        opening, *steps, end = slide.stops
        # The card, fully faded in; moving on skips its hold (the same picture) to the rule's move.
        assert (opening.kind, opening.frame, opening.resume) == (OPENING, fade, fade + card)
        bounds = step_bounds(settings, run, fade + card + to_board)
        expected = []
        for k, (states, _, move_end) in enumerate(bounds):
            if k < NARRATED_STEPS:
                expected += [(STATEMENT, k, frame) for frame in states]
            if k < STEPS - 1:
                expected.append((MOVE, k, move_end - 1))  # the move's last frame
        assert [(s.kind, s.step, s.frame) for s in steps] == expected
        for stop in steps:
            if stop.kind == STATEMENT:  # a held statement: moving on plays from its beat's end
                assert stop.resume > stop.frame
                assert stop.resume in [*bounds[stop.step][0][1:], bounds[stop.step][1]]
            else:
                assert stop.resume == stop.frame
        assert end.step == STEPS - 1
        assert end.frame == bounds[-1][2]  # the first frame after the last move


def test_notes_give_the_numbers_of_each_stop_from_the_trajectory(lecture):
    settings, runs, slides = lecture
    clips = [SlideClip(f"{i:02d}-{s.name}.mp4") for i, s in enumerate(slides, 1)]
    data = slides_data(settings, runs, slides, clips)
    for run, slide, page in zip(runs, slides[2:4], data["slides"][2:4], strict=True):
        for stop, shown in zip(slide.stops, page["stops"], strict=True):
            if stop.step is None:
                continue
            text = re.sub(r"<[^>]+>", "", shown["notes"])
            at = stop.step + (stop.kind != STATEMENT)  # the ball has moved at a move and the end
            x, y = run.points[at]
            assert f"({fmt(x)}, {fmt(y)})" in text
            assert f"{fmt(run.losses[stop.step])} → {fmt(run.losses[stop.step + 1])}" in text
            assert f"step {stop.step + 1} / {STEPS}" in text
        # the card's notes: the optimizer's values and its rule
        card = re.sub(r"<[^>]+>", "", page["notes"])
        assert f"η={run.optimizer.lr:g}" in card
        assert "W ← W" in card
    closing = re.sub(r"<[^>]+>", "", data["slides"][-1]["stops"][-1]["notes"])
    for run in runs:
        assert f"loss {fmt(run.losses[-1])}" in closing


def test_stop_times_are_the_middle_of_their_frames(lecture):
    settings, runs, slides = lecture
    clips = [SlideClip(f"{s.name}.mp4") for s in slides]
    data = slides_data(settings, runs, slides, clips)
    for slide, page in zip(slides, data["slides"], strict=True):
        for stop, shown in zip(slide.stops, page["stops"], strict=True):
            assert shown["at"] == pytest.approx((stop.frame + 0.5) / settings.fps)
            assert shown["resume"] == pytest.approx((stop.resume + 0.5) / settings.fps)


def test_the_page_is_self_contained_and_carries_the_captions(lecture):
    settings, runs, slides = lecture
    vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\nHow optimizers roll downhill\n"
    clips = [SlideClip(f"{i:02d}-{s.name}.mp4", vtt) for i, s in enumerate(slides, 1)]
    html = slides_html(slides_data(settings, runs, slides, clips), settings, "0")
    assert not re.search(r"https?://", html)
    assert "<link" not in html and not re.search(r"<script[^>]+src=", html)
    embedded = re.search(r'id="optiroll-slides">(.*?)</script>', html, re.S).group(1)
    data = json.loads(embedded)
    assert [s["clip"] for s in data["slides"]] == [c.file for c in clips]
    assert data["slides"][0]["captions"] == vtt
    assert "{{" not in html


def test_lesson_strings_become_html_with_real_scripts():
    html = lesson_html("so $h_y = 16.0$ and $√v_y$ <b>")
    assert "<i>h</i><sub><i>y</i></sub> = 16.0" in html
    assert '√<span class="radicand"><i>v</i><sub><i>y</i></sub></span>' in html
    assert html.endswith("&lt;b&gt;")  # words are escaped


def test_slides_are_for_the_lecture_only():
    with pytest.raises(OptirollError, match="slides present the lecture, not race"):
        RenderRequest(scene="race", format="slides").resolve()
    result = CliRunner().invoke(cli, ["render", "compare", "-f", "slides", "-O", "x"])
    assert result.exit_code == 2
    assert "slides present the lecture" in result.output
    assert "Traceback" not in result.output


def test_a_folder_is_replaced_only_when_empty_or_written_as_slides(tmp_path):
    assert check_slides_target(tmp_path / "new") == tmp_path / "new"
    (tmp_path / "empty").mkdir()
    assert check_slides_target(tmp_path / "empty") == tmp_path / "empty"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html.json").write_text(json.dumps({"tool": "optiroll", "slides": []}))
    assert check_slides_target(mine) == mine
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("a teacher's own notes")
    with pytest.raises(OptirollError, match="optiroll did not write it; it is left as it is"):
        check_slides_target(theirs)
    (tmp_path / "link").symlink_to(mine)
    with pytest.raises(OptirollError, match="symbolic link"):
        check_slides_target(tmp_path / "link")
    with pytest.raises(OptirollError, match="does not exist"):
        check_slides_target(tmp_path / "missing" / "deck")
    with pytest.raises(OptirollError, match="the name is too long"):
        check_slides_target(tmp_path / ("x" * 250))  # its hidden temporary would not fit


def test_a_render_that_stops_halfway_leaves_the_old_folder_as_it_was(
    tmp_path, monkeypatch, lecture
):
    settings, _, _ = lecture
    deck = tmp_path / "deck"
    deck.mkdir()
    old = json.dumps({"tool": "optiroll", "slides": []})
    (deck / "index.html.json").write_text(old)

    def interrupted(settings, experiment, output, progress, **options):
        output.write_bytes(b"half a lecture")  # inside the hidden folder that would replace deck
        raise KeyboardInterrupt

    monkeypatch.setattr(render_slides_module, "render", interrupted)
    with pytest.raises(KeyboardInterrupt):
        render_slides(settings, build_experiment(steps=2), deck)
    assert [p.name for p in tmp_path.iterdir()] == ["deck"]  # no hidden folder left beside it
    assert [p.name for p in deck.iterdir()] == ["index.html.json"]
    assert (deck / "index.html.json").read_text() == old


@pytest.mark.parametrize(
    "runs",
    [
        (None, ["sgd"], "expr:sqrt(abs(x)) + y**2", (0.0, 2.0), 2),  # stops at its start
        (None, ["sgd:lr=100"], None, None, 2),  # leaves the plot at step 1
    ],
    ids=["stops at step 0", "diverges at step 1"],
)
def test_degenerate_runs_have_slides_and_notes_without_undefined_numbers(runs):
    settings = RenderRequest(scene="lecture", format="slides", quality="preview").resolve()
    trajectories = build_experiment(*runs).run()
    slides = lecture_slides(settings, trajectories)
    data = slides_data(settings, trajectories, slides, [SlideClip(s.name) for s in slides])
    text = json.dumps(data, ensure_ascii=False)
    assert not re.search(r"\b(nan|inf)\b", text, re.I)
    (run,) = trajectories
    steps = len(run.points) - 1
    optimizer = slides[2]
    assert [s.kind for s in optimizer.stops] == [OPENING] + [STATEMENT] * steps + [END]
    if steps:
        assert "diverged at step 1" in data["slides"][2]["stops"][-1]["notes"]
        assert "diverged at step 1" in data["slides"][-1]["stops"][-1]["notes"]
