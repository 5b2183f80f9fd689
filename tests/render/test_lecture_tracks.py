"""A real lecture render's text tracks: captions and chapters beside the MP4 and WebM (its
sections drawn in parallel), each clip's captions in the sections folder, the chapters inside the
containers, all listed in the side-car; a cue changes with the board's caption on its very frame;
a GIF gets none; a failed render leaves none behind."""

import json
import re
from pathlib import Path

import av
import numpy as np
import pytest

pytest.importorskip("manim")

from optiroll.errors import OptirollError  # noqa: E402
from optiroll.optim.experiment import build_experiment  # noqa: E402
from optiroll.plan.captions import frame_ms, lecture_tracks  # noqa: E402
from optiroll.plan.layout import scene_box_to_pixels  # noqa: E402
from optiroll.plan.lesson_layout import layout_explain  # noqa: E402
from optiroll.plan.request import RenderRequest  # noqa: E402
from optiroll.render import pipeline  # noqa: E402
from tests.webvtt import parse_vtt  # noqa: E402

HANGUL = re.compile(r"[\uac00-\ud7a3]")
STEPS = 3


def lecture(tmp_path: Path, fmt: str, lang: str, jobs: int = 1):
    """Render a small lecture (SGD, three steps, preview quality) with its sections drawn by
    `jobs` processes: (settings, tracks, output)."""
    settings = RenderRequest(
        scene="lecture", format=fmt, quality="preview", lang=lang, seconds_per_step=1.0
    ).resolve()
    experiment = build_experiment(None, ["sgd"], None, None, STEPS)
    out = tmp_path / f"lecture.{fmt}"
    pipeline.render(settings, experiment, out, jobs=jobs)
    return settings, lecture_tracks(settings, experiment.run(), STEPS), out


@pytest.fixture(scope="module")
def mp4(tmp_path_factory):
    return lecture(tmp_path_factory.mktemp("mp4"), "mp4", "en")


@pytest.fixture(scope="module")
def webm(tmp_path_factory):
    return lecture(tmp_path_factory.mktemp("webm"), "webm", "ko", jobs=2)  # sections in parallel


def frames_at(path: Path, wanted: set[int], box: list[float]) -> dict[int, np.ndarray]:
    """The frames numbered `wanted`, cropped to the pixel rectangle `box`."""
    left, top, right, bottom = (round(v) for v in box)
    out = {}
    with av.open(str(path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i in wanted:
                out[i] = frame.to_ndarray(format="rgb24")[top:bottom, left:right].astype(np.int16)
            if i >= max(wanted):
                break
    return out


def changed(a: np.ndarray, b: np.ndarray) -> float:
    """The share of pixels that differ by more than the codec's noise."""
    return float((np.abs(a - b).max(axis=2) > 48).mean())


@pytest.mark.parametrize("which", ["mp4", "webm"])
def test_the_tracks_are_written_beside_the_video_and_listed(which, request):
    settings, tracks, out = request.getfixturevalue(which)
    folder = out.parent
    sidecar = json.loads((folder / f"{out.name}.json").read_text())
    listed = sidecar["captions"]
    assert listed["lang"] == settings.lang
    assert listed["file"] == f"{out.name}.{settings.lang}.vtt"
    assert listed["chapters"] == f"{out.name}.chapters.vtt"
    clips = sidecar["sections"]["clips"]
    assert [s["captions"] for s in listed["sections"]] == [
        f"{c['file']}.{settings.lang}.vtt" for c in clips
    ]
    assert [s["title"] for s in listed["sections"]] == [t.title for t in tracks]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [out.name, f"{out.name}.json", listed["file"], listed["chapters"], f"{out.name}.sections"]
    )
    sections = folder / sidecar["sections"]["folder"]
    assert sorted(p.name for p in sections.iterdir()) == sorted(
        [c["file"] for c in clips] + [s["captions"] for s in listed["sections"]]
    )
    fps = settings.fps
    cues = parse_vtt((folder / listed["file"]).read_text(encoding="utf-8"))
    planned = [c for t in tracks for c in t.cues]
    assert [(c.start_ms, c.end_ms) for c in cues] == [
        (frame_ms(c.start, fps), frame_ms(c.end, fps)) for c in planned
    ]
    assert cues[-1].end_ms == frame_ms(sidecar["output"]["frames"], fps)
    # Each clip's captions are in the clip's own time: they start at 0 and end with it.
    for entry, clip, track in zip(listed["sections"], clips, tracks, strict=True):
        own = parse_vtt((sections / entry["captions"]).read_text(encoding="utf-8"))
        assert own[0].start_ms == 0 and own[-1].end_ms == frame_ms(clip["frames"], fps)
        assert [(c.start_ms, c.lines) for c in own] == [
            (frame_ms(c.start - clip["first_frame"], fps), c.lines) for c in track.cues
        ]


@pytest.mark.parametrize("which", ["mp4", "webm"])
def test_every_section_is_a_chapter_of_the_container_and_of_the_track(which, request):
    settings, tracks, out = request.getfixturevalue(which)
    sidecar = json.loads(Path(f"{out}.json").read_text())
    clips = sidecar["sections"]["clips"]
    with av.open(str(out)) as container:
        chapters = container.chapters()
    assert [c["metadata"]["title"] for c in chapters] == [t.title for t in tracks]
    for chapter, clip in zip(chapters, clips, strict=True):
        start = chapter["start"] * chapter["time_base"]
        # Seeking to the chapter shows the section's first frame.
        assert int(start * int(settings.fps)) == clip["first_frame"]
        end = chapter["end"] * chapter["time_base"]
        assert int(end * int(settings.fps)) == clip["first_frame"] + clip["frames"]
    track = parse_vtt(Path(f"{out}.chapters.vtt").read_text(encoding="utf-8"))
    assert [c.text for c in track] == [t.title for t in tracks]
    assert [c.start_ms for c in track] == [frame_ms(c["first_frame"], settings.fps) for c in clips]


def test_the_korean_lectures_tracks_are_korean(webm):
    settings, _, out = webm
    captions = parse_vtt(Path(f"{out}.ko.vtt").read_text(encoding="utf-8"))
    assert all(HANGUL.search(c.text) for c in captions)
    chapters = parse_vtt(Path(f"{out}.chapters.vtt").read_text(encoding="utf-8"))
    assert [c.text for c in chapters] == [
        "매개변수 갱신: 최적화 기법",
        "손실 함수",
        "확률적 경사 하강법 (SGD)",
        "한눈에 비교",
    ]
    assert not Path(f"{out}.en.vtt").exists()


def test_a_step_cue_starts_on_the_frame_the_board_shows_its_caption(mp4):
    settings, tracks, out = mp4
    experiment = build_experiment(None, ["sgd"], None, None, STEPS)
    layout = layout_explain(
        settings.frame_width, settings.frame_height, experiment.surface.window, True
    )
    box = scene_box_to_pixels(
        layout.caption, settings.frame_width, settings.frame_height, settings.width, settings.height
    )
    board = tracks[2]
    steps = board.cues[1:]
    assert len(steps) == STEPS
    wanted = {f for c in steps[1:] for f in (c.start - 2, c.start - 1, c.start, c.start + 1)}
    wanted |= {c.end - 1 for c in steps}
    seen = frames_at(out, wanted, box)
    for cue in steps[1:]:
        before, at = seen[cue.start - 1], seen[cue.start]
        assert changed(before, at) > 0.002, cue  # the caption switches on the cue's frame...
        assert changed(seen[cue.start - 2], before) < 0.0005  # ...not a frame earlier
        assert changed(at, seen[cue.start + 1]) < 0.0005  # and stays
        assert changed(at, seen[cue.end - 1]) < 0.0005  # until the cue ends


def test_a_gif_lecture_has_no_text_tracks(tmp_path):
    settings, _, out = lecture(tmp_path, "gif", "en")
    sidecar = json.loads(Path(f"{out}.json").read_text())
    assert "captions" not in sidecar
    assert not list(tmp_path.glob("*.vtt")) and not list(tmp_path.glob("*.sections/*.vtt"))


def test_a_failed_render_leaves_no_tracks_and_keeps_the_old_ones(tmp_path, monkeypatch):
    old = tmp_path / "lecture.mp4.en.vtt"
    old.write_text("WEBVTT\n")

    def fail(*args, **kwargs):
        raise RuntimeError("the side-car could not be written")

    # The tracks are written by then: the last step before the files are published.
    monkeypatch.setattr(pipeline, "_write_sidecar", fail)
    with pytest.raises(RuntimeError, match="side-car"):
        lecture(tmp_path, "mp4", "en")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lecture.mp4.en.vtt"]
    assert old.read_text() == "WEBVTT\n"


def test_a_track_path_that_is_not_a_regular_file_is_refused_before_rendering(tmp_path):
    target = tmp_path / "elsewhere.vtt"
    target.write_text("someone else's")
    (tmp_path / "lecture.mp4.chapters.vtt").symlink_to(target)
    with pytest.raises(OptirollError, match="chapters.vtt' is a symbolic link"):
        pipeline.check_output(tmp_path / "lecture.mp4")
    assert target.read_text() == "someone else's"
