"""The figures' pacing and layout on real renders, decoded: the frames the timeline plans, the
still start, the held end, sped-up stretches marked beside a counter that tells the true step,
and plots that cover the frame as the side-car's rectangles say."""

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("manim")

from media import gif_delays, gif_frames, rendered  # noqa: E402
from optiroll.optim.experiment import build_experiment  # noqa: E402
from optiroll.plan.layout import layout_figure, scene_box_to_pixels  # noqa: E402
from optiroll.plan.settings import RenderSettings  # noqa: E402


def render(tmp_path: Path, *args: str, name: str = "out.gif") -> tuple[list, dict]:
    sidecar = rendered(tmp_path / name, *args)
    return gif_frames(tmp_path / name), sidecar


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a, b))


@pytest.mark.parametrize(("fps", "steps"), [("10", 7), ("12.5", 5), ("20", 3), ("25", 4)])
def test_a_gif_has_the_frames_its_timeline_plans(tmp_path, fps, steps):
    frames, sidecar = render(
        tmp_path, "race", "-o", "adam", "-n", str(steps), "-q", "preview", "--fps", fps
    )
    timeline = sidecar["timeline"]
    moving = timeline["step_frames"][-1] - timeline["start_still_frames"]
    planned = timeline["start_still_frames"] + moving + timeline["hold_frames"]
    assert len(frames) == planned == sidecar["output"]["frames"]
    assert timeline["fps"] == float(fps)
    assert timeline["hold_frames"] == round(2.5 * float(fps))
    # The still start and the hold are one image each, shown for their frames' time; every
    # moving frame is an image of its own.
    frame_cs = round(100 / float(fps))
    delays = gif_delays(tmp_path / "out.gif")
    assert delays == [timeline["start_still_frames"] * frame_cs] + [frame_cs] * moving + [
        timeline["hold_frames"] * frame_cs
    ]
    assert sidecar["output"]["holds"] == [
        [timeline["start_still_frames"], 1],
        [1, moving],
        [timeline["hold_frames"], 1],
    ]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return render(tmp_path_factory.mktemp("book"), "-n", "6", "--hold", "1.5")


def test_the_start_is_still_and_the_end_is_held(book):
    frames, sidecar = book
    timeline = sidecar["timeline"]
    still, hold = timeline["start_still_frames"], timeline["hold_frames"]
    assert (still, hold) == (10, 30)  # 0.5 s and --hold 1.5 at 20 fps
    # The first moving frame still shows step 0; the balls leave it in the next.
    assert all(same(frames[0], f) for f in frames[1 : still + 1])
    assert not same(frames[still], frames[still + 1])
    # The last step is reached in the first held frame, which stays until the loop.
    assert all(same(frames[-1], f) for f in frames[-hold:])
    assert not same(frames[-hold - 1], frames[-1])
    assert timeline["step_frames"][-1] == len(frames) - hold


def test_the_book_is_not_sped_up(book):
    _, sidecar = book
    assert [s["speedup"] for s in sidecar["timeline"]["stretches"]] == [1]
    assert sidecar["timeline"]["compressed_steps"] == []


def counter_box(sidecar: dict, args: list[str]) -> tuple[int, int, int, int]:
    """The counter's pixels (left, top, right, bottom), from the layout of the side-car's
    settings."""
    settings = RenderSettings(**{**sidecar["settings"], "lr_grid": ()})
    layout = layout_figure(settings, build_experiment(*args))
    box = layout.counter
    left, top, right, bottom = scene_box_to_pixels(
        box, settings.frame_width, settings.frame_height, settings.width, settings.height
    )
    return int(left), int(top), int(right) + 1, int(bottom) + 1


def test_a_sped_up_stretch_is_marked_and_the_counter_tells_the_true_step(tmp_path):
    """Rosenbrock's crawl along the valley floor plays faster: a "×8" (or "×4") shows beside
    the counter exactly then, and the counter's digits change on the frames where the
    timeline reaches a step."""
    frames, sidecar = render(tmp_path, "-p", "rosenbrock", "-n", "60", "-q", "preview")
    timeline = sidecar["timeline"]
    fast = [s for s in timeline["stretches"] if s["speedup"] > 1]
    assert fast, timeline["stretches"]
    left, top, right, bottom = counter_box(sidecar, ["rosenbrock", (), None, None, 60, None])
    region = [f[top:bottom, left:right] for f in frames]
    changed = [i for i in range(1, len(frames)) if not same(region[i], region[i - 1])]
    steps = timeline["step_frames"]
    assert changed == sorted(set(steps[1:]))
    # The mark: ink in the counter's left part while a fast stretch plays, none otherwise.
    width = right - left
    background = frames[0][top, left]
    inked = [
        bool((np.abs(r[:, : width // 4] - background).max(axis=-1) > 60).any()) for r in region
    ]
    for i in range(len(frames)):
        step = max((k for k, f in enumerate(steps) if f <= i), default=0)
        speedup = next(
            (
                s["speedup"]
                for s in timeline["stretches"]
                if s["first_step"] <= step < s["last_step"]
            ),
            1,
        )
        assert inked[i] == (speedup > 1), (i, step)


def test_rosenbrocks_blog_gif_lasts_about_twelve_seconds(tmp_path):
    """150 steps took 31 s before pacing."""
    frames, sidecar = render(tmp_path, "-p", "rosenbrock")
    assert len(frames) / sidecar["output"]["fps"] <= 12.0
    assert sidecar["timeline"]["compressed_steps"]
    assert len(sidecar["timeline"]["step_frames"]) == 151  # every step shown


@pytest.mark.parametrize(
    ("args", "least"),
    [
        (["-p", "rosenbrock", "-n", "3"], 0.6),
        (["race", "-p", "beale", "-n", "3", "--loss-curve"], 0.6),
        (["-n", "3", "--aspect", "1:1"], 0.5),
        (["single", "-o", "adam", "-n", "3", "--aspect", "4:3", "--lang", "ko"], 0.5),
    ],
)
def test_the_side_cars_rectangles_cover_the_frame(tmp_path, args, least):
    frames, sidecar = render(tmp_path, *args, "-q", "preview")
    height, width = frames[0].shape[:2]
    rects = [p["pixel_rect"] for p in sidecar["panels"]]
    if "loss_curve" in sidecar:
        rects.append(sidecar["loss_curve"]["pixel_rect"])
    covered = sum((right - left) * (bottom - top) for left, top, right, bottom in rects)
    assert covered / (width * height) >= least
