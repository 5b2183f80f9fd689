"""The lecture: its plan, a real tiny render cut into section clips that decode and add up, with
no blank frame between sections and no hard cut anywhere, the folder written atomically, and the
Korean words the post uses."""

import json
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner

pytest.importorskip("manim")

from optiroll.cli import cli  # noqa: E402
from optiroll.optim.experiment import build_experiment  # noqa: E402
from optiroll.plan.beats import frames, lecture_sections  # noqa: E402
from optiroll.plan.request import RenderRequest  # noqa: E402
from optiroll.plan.settings import resolve_settings  # noqa: E402
from optiroll.plan.words import KOREAN  # noqa: E402
from optiroll.scenes import lecture  # noqa: E402


def frame_at(path: Path, index: int) -> np.ndarray:
    with av.open(str(path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i == index:
                return frame.to_ndarray(format="rgb24")
    raise IndexError(index)


def decoded_frames(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_plan_has_a_section_per_part_in_order():
    settings = resolve_settings("lecture", "mp4", "preview", seconds_per_step=0.5)
    runs = build_experiment(None, ["sgd", "momentum"], None, None, 4).run()
    sections = lecture_sections(settings, runs)
    assert [s.name for s in sections] == ["title", "surface", "sgd", "momentum", "comparison"]
    # An optimizer: its card fades in, holds, hands its rule to the board, then the steps and
    # a hold. SGD's steps at 15 fps: three narrated ones of 0.5 s, each a 0.175 s pause (2.6 ->
    # 3 frames) and a 0.325 s roll (4.9 -> 5 frames); the fourth 0.6 times as long (2 + 3).
    card_in, card_hold, to_board, path, hold = sections[2].beats
    assert (card_in, card_hold, to_board, hold) == (12, 48, 18, 15)
    assert path == 3 * (3 + 5) + (2 + 3)
    assert all(len(s.beats) >= 2 for s in sections)
    assert frames(4 * 0.5, 15) == 30 and frames(0.01, 15) == 1


def test_korean_lecture_uses_the_posts_terms():
    words = KOREAN.lesson
    assert words.long_names["sgd"].startswith("확률적 경사 하강법")
    assert "학습률 감소" in words.blurbs["adagrad"]
    assert "비등방성" in words.surface_why and "지그재그" in words.surface_why
    assert KOREAN.optimizer_names["momentum"] == "모멘텀"


def render(tmp_path: Path, out: Path, *extra: str):
    args = ["render", "lecture", "-o", "sgd", "-n", "2", "-q", "preview", "-O", str(out)]
    return CliRunner().invoke(cli, [*args, "--seconds-per-step", "1", *extra])


def blank(frame: np.ndarray) -> bool:
    """Whether a frame is the empty page: (almost) every pixel the background's."""
    page = frame[0, 0].astype(int)
    return (np.abs(frame.astype(int) - page).max(axis=2) > 30).mean() < 0.001


def test_lecture_sections_are_clips_that_add_up_to_the_whole(tmp_path):
    out = tmp_path / "lecture.mp4"
    result = render(tmp_path, out)
    assert result.exit_code == 0, result.output
    sidecar = json.loads((tmp_path / "lecture.mp4.json").read_text())
    total = decoded_frames(out)
    settings = RenderRequest(scene="lecture", quality="preview", seconds_per_step=1.0).resolve()
    runs = build_experiment(None, ["sgd"], None, None, 2).run()
    planned = lecture_sections(settings, runs)
    assert total == sidecar["output"]["frames"] == sum(s.frames for s in planned)
    folder = tmp_path / sidecar["sections"]["folder"]
    assert folder == tmp_path / "lecture.mp4.sections"
    clips = sidecar["sections"]["clips"]
    assert [c["name"] for c in clips] == ["title", "surface", "sgd", "comparison"]
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".mp4") == [
        c["file"] for c in clips
    ]
    assert [c["file"] for c in clips][0] == "01-title.mp4"
    counts = [decoded_frames(folder / c["file"]) for c in clips]
    assert counts == [c["frames"] for c in clips] == [s.frames for s in planned]
    assert sum(counts) == total
    starts = [c["first_frame"] for c in clips]
    assert starts == [sum(counts[:i]) for i in range(len(counts))]
    with av.open(str(folder / clips[2]["file"])) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (640, 360)
    # The whole is the clips joined packet for packet: its frames are the clips' frames.
    whole, clip = frame_at(out, starts[2] + 7), frame_at(folder / clips[2]["file"], 7)
    assert np.array_equal(whole, clip)
    assert not np.array_equal(whole, frame_at(out, starts[2] - 1))
    # No section opens on the empty page, and none ends on it.
    for start in starts[1:]:
        assert not blank(frame_at(out, start - 1)) and not blank(frame_at(out, start))
    # Nothing cuts: every change is spread over frames (a cross-fade, the rule moving to the
    # board), where a cut changes a frame at once (about 10 levels on average, measured).
    with av.open(str(out)) as container:
        video = [f.to_ndarray(format="rgb24").astype(np.int16) for f in container.decode(video=0)]
    assert not any(blank(f) for f in video)
    steps = [np.abs(b - a).mean() for a, b in zip(video, video[1:], strict=False)]
    assert max(steps) < 4.0, int(np.argmax(steps))
    # No hidden temporary files or folders are left beside the output.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "lecture.mp4",
        "lecture.mp4.chapters.vtt",
        "lecture.mp4.en.vtt",
        "lecture.mp4.json",
        "lecture.mp4.sections",
    ]


def test_a_failed_lecture_leaves_nothing_and_keeps_the_old_folder(tmp_path, monkeypatch):
    out = tmp_path / "lecture.mp4"
    old = tmp_path / "lecture.mp4.sections"
    old.mkdir()
    (old / "mine.txt").write_text("kept")

    def fail(self, beats):
        raise RuntimeError("boom in the surface section")

    monkeypatch.setattr(lecture.LectureScene, "_surface", fail)
    result = render(tmp_path, out)
    assert result.exit_code != 0
    assert (old / "mine.txt").read_text() == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lecture.mp4.sections"]
