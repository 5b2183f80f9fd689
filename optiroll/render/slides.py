"""The lecture as slides: a folder with the page (`web/slides.py`), a clip per section and their
captions, rendered by the MP4 pipeline and published in one rename.

The lecture is rendered as an MP4 with its section clips inside the hidden folder that becomes the
slides' folder; the clips (and the captions written beside them) move to the top of it, the joined
video and its side-car go, and the page and its side-car `index.html.json` are written there.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, replace
from pathlib import Path

from .. import __version__
from ..errors import OptirollError, failure
from ..folders import check_folder_target
from ..optim.experiment import Experiment
from ..plan.settings import (
    RenderSettings,
    captions_path,
    companion_files,
    sections_path,
    sidecar_path,
)
from ..plan.slides import lecture_slides
from ..web.slides import SlideClip, slides_data, slides_html
from ..writes import staged, sweep
from .pipeline import Progress, RenderResult, render

PAGE = "index.html"
LECTURE = "lecture.mp4"  # the joined video, made on the way and not kept


def is_slides_folder(folder: Path) -> bool:
    """Whether `folder` holds slides optiroll wrote (its side-car says so)."""
    try:
        record = json.loads(sidecar_path(folder / PAGE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and record.get("tool") == "optiroll" and "slides" in record


def check_slides_target(output: Path, what: str = "output") -> Path:
    """`output` as a folder the slides may be written to (see `folders.check_folder_target`)."""
    return check_folder_target(output, what, is_slides_folder)


def render_slides(
    settings: RenderSettings,
    experiment: Experiment,
    output: Path,
    progress: Progress | None = None,
    *,
    long_ok: bool = False,
    jobs: int = 1,
) -> RenderResult:
    """Write the slides' folder `output`: whole, or not at all (an old one stays until then).
    The lecture's sections are drawn by up to `jobs` processes at once (see `render`)."""
    output = check_slides_target(output)
    sweep(output.parent)
    try:
        with staged() as staging:
            folder = staging.folder(output)
            video = render(
                replace(settings, format="mp4"),
                experiment,
                folder / LECTURE,
                progress,
                long_ok=long_ok,
                jobs=jobs,
            )
            record = json.loads(video.sidecar.read_text(encoding="utf-8"))
            clips = _move_clips(sections_path(video.path), folder, record, settings.lang)
            for made in (video.path, *companion_files(video.path)):
                made.unlink(missing_ok=True)
            sections_path(video.path).rmdir()
            pages = _write_page(folder, settings, experiment, record, clips)
    except OSError as err:
        raise failure(err, err.filename or output) from None
    return RenderResult(
        output,
        sidecar_path(output / PAGE),
        video.width,
        video.height,
        video.fps,
        video.frames,
        pages + sum(f.stat().st_size for f in output.iterdir() if f.name != PAGE),
        video.duration,
        (),
    )


def _move_clips(sections: Path, folder: Path, record: dict, lang: str) -> list[SlideClip]:
    """Each section's clip and its captions (where the render wrote them) moved to the top of
    `folder`, with whatever else the render put beside the clips."""
    clips = []
    for clip in record["sections"]["clips"]:
        vtt = captions_path(sections / clip["file"], lang)
        captions = vtt.read_text(encoding="utf-8") if vtt.is_file() else None
        clips.append(SlideClip(clip["file"], captions, vtt.name if captions is not None else None))
    for made in sections.iterdir():
        os.replace(made, folder / made.name)
    return clips


def _write_page(
    folder: Path,
    settings: RenderSettings,
    experiment: Experiment,
    record: dict,
    clips: list[SlideClip],
) -> int:
    """The page and its side-car (the render's record, the slides' stops and files); the page's
    size in bytes."""
    trajectories = experiment.run()
    slides = lecture_slides(settings, trajectories)
    names = [c["name"] for c in record["sections"]["clips"]]
    if names != [s.name for s in slides]:
        raise OptirollError(
            f"the lecture's clips ({', '.join(names)}) are not its planned sections"
        )
    data = slides_data(settings, trajectories, slides, clips)
    html = slides_html(data, settings, __version__)
    (folder / PAGE).write_text(html, encoding="utf-8")
    shown = ("width", "height", "fps", "frames")
    record["output"] = {"file": PAGE, "format": "slides", **{k: record["output"][k] for k in shown}}
    record["settings"] = settings.to_dict()
    record["slides"] = [
        {
            "name": slide.name,
            "clip": clip.file,
            "captions": clip.captions_file,
            "frames": slide.frames,
            "stops": [asdict(stop) for stop in slide.stops],
        }
        for slide, clip in zip(slides, clips, strict=True)
    ]
    del record["sections"]  # the clips are the slides'
    del record["captions"]  # the joined video's tracks, not kept: each slide lists its clip's
    sidecar_path(folder / PAGE).write_text(json.dumps(record, indent=1, ensure_ascii=False))
    return len(html.encode("utf-8"))
