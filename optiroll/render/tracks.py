"""A sectioned video's text tracks as files: WebVTT captions and chapters beside the video, and
captions beside each section clip, written as temporaries that the render publishes with it.

Only videos get them (`CAPTIONED`): a GIF's players show no text tracks. The chapters inside the
container are written where the clips are joined (`sections.join_clips`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..plan.captions import SectionTrack, webvtt
from ..plan.settings import RenderSettings, captions_path, chapters_path
from ..writes import Staged

if TYPE_CHECKING:
    from .sections import Clip

CAPTIONED = ("mp4", "webm")  # the formats whose players show text tracks


def check_sections(tracks: list[SectionTrack], clips: list[Clip]) -> None:
    """The clips the scene cut are the sections its tracks were planned for, or a RuntimeError
    (the scene did not follow its plan: its captions would be out of time)."""
    planned = [(t.name, t.first, t.frames) for t in tracks]
    cut = [(c.name, c.first_frame, c.frames) for c in clips]
    if planned != cut:
        raise RuntimeError(f"the scene cut sections {cut}, its captions planned {planned}")


def write_tracks(
    staging: Staged,
    tracks: list[SectionTrack],
    clips: list[Clip],
    settings: RenderSettings,
    output: Path,
    sections: Path,
) -> dict:
    """Write the captions and chapters of `output` (staged beside it) and each clip's captions
    (into `sections`, the clips' temporary folder); return the side-car's `captions` entry."""
    check_sections(tracks, clips)
    fps, lang = settings.fps, settings.lang
    captions, chapters = captions_path(output, lang), chapters_path(output)
    cues = [cue for track in tracks for cue in track.cues]
    staging.file(captions).write_text(webvtt(cues, fps), encoding="utf-8")
    staging.file(chapters).write_text(webvtt([t.chapter() for t in tracks], fps), encoding="utf-8")
    per_clip = []
    for track, clip in zip(tracks, clips, strict=True):
        name = captions_path(Path(clip.file), lang).name
        (sections / name).write_text(webvtt(track.clip_cues(), fps), encoding="utf-8")
        per_clip.append({"section": clip.name, "title": track.title, "captions": name})
    return {
        "captions": {
            "lang": lang,
            "file": captions.name,
            "chapters": chapters.name,
            "sections": per_clip,
        }
    }
