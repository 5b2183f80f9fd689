"""What a render is asked for, resolved into pixels, frame rates and a file name. No Manim."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import OptirollError
from ..optim.cloud import CloudSpec
from ..optim.experiment import Experiment
from ..optim.registry import unknown_name
from ..optim.sweep import SweepSpec
from .formats import FORMATS, GIF_FPS
from .theme import THEMES
from .words import LANGUAGES

# scene name -> the Manim Scene class that draws it, as "module:Class" under optiroll.scenes,
# imported only when rendering (Manim is an optional extra).
SCENES = {
    "compare": "plots:OptimizerFigure",
    "race": "plots:OptimizerFigure",
    "single": "plots:OptimizerFigure",
    "surface3d": "surface3d:SurfaceFigure",
    "explain": "explain:ExplainScene",
    "lecture": "lecture:LectureScene",
    "cloud": "cloud:CloudScene",
    "sweep": "sweep:SweepScene",
}
LOSS_CURVE_SCENES = ("compare", "race")
# An interactive page draws the 2D plots; its learning-rate control switches between the runs of
# these factors on every optimizer's learning rate (1, the chosen one, is always among them).
HTML_SCENES = ("compare", "race", "single")
DEFAULT_LR_GRID = (0.5, 0.7, 1.0, 1.4, 2.0)
MAX_LR_FACTORS = 9
ASPECTS = {"16:9": 16 / 9, "1:1": 1.0, "4:3": 4 / 3}
# quality -> (height, fps) for GIF (and an HTML page's design size) and for video (PNG uses the
# video size).
QUALITIES = {
    "preview": ((240, 10.0), (360, 15.0)),
    "blog": ((480, 20.0), (720, 30.0)),
    "lecture": ((720, 25.0), (1080, 60.0)),
    "4k": ((1080, 25.0), (2160, 60.0)),
}
FRAME_HEIGHT = 8.0  # Manim's scene units across the frame's height
HOLD_SECONDS = 2.5  # the last frame stays this long before a GIF loops (--hold)
MAX_HOLD_SECONDS = 30.0


@dataclass(frozen=True)
class RenderSettings:
    scene: str
    format: str
    quality: str
    width: int
    height: int
    fps: float
    seconds_per_step: float
    theme: str
    lang: str
    aspect: str
    equal_scale: bool
    max_bytes: int | None
    hold_seconds: float = HOLD_SECONDS
    loss_curve: bool = False  # a loss-against-step panel beside the plots
    axes: bool = True  # 2D plots have axes: ticks, their labels and the axis names
    lr_grid: tuple[float, ...] = ()  # html: the learning-rate factors the page switches between
    cloud: CloudSpec | None = None  # cloud: where the balls start (None: CloudSpec's defaults)
    sweep: SweepSpec | None = None  # sweep: the axes and objective (None: the defaults)

    @property
    def frame_height(self) -> float:
        return FRAME_HEIGHT

    @property
    def frame_width(self) -> float:
        return FRAME_HEIGHT * self.width / self.height

    def to_dict(self) -> dict:
        return asdict(self)


ONE_OPTIMIZER_SCENES = ("single", "explain")


def check_scene_runs(scene: str, count: int) -> None:
    """A scene that draws one optimizer refuses more, in one line."""
    if scene in ONE_OPTIMIZER_SCENES and count != 1:
        raise OptirollError(
            f"the {scene} scene shows one optimizer, got {count}: name exactly one (e.g. momentum)"
        )


def even(x: float) -> int:
    return max(2, int(round(x / 2)) * 2)


def parse_size(text: str) -> int:
    """'300KB', '1.5MB', '200000' -> bytes (1 KB = 1000 bytes, as file browsers count)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)[bB]?\s*", text)
    if not match:
        raise OptirollError(f"--max-size must look like 300KB or 1.5MB, got '{text}'")
    factor = {"": 1, "k": 1000, "m": 1000_000}[match.group(2).lower()]
    size = int(float(match.group(1)) * factor)
    if size < 10_000:
        raise OptirollError(f"--max-size must be at least 10KB, got '{text}'")
    return size


def parse_lr_grid(text: str) -> tuple[float, ...]:
    """'0.5,1,2' -> (0.5, 1.0, 2.0): positive factors on the learning rate, sorted, 1 added."""
    factors = set()
    for part in text.split(","):
        try:
            factor = float(part)
        except ValueError:
            factor = math.nan
        if not (math.isfinite(factor) and 0 < factor <= 100):
            raise OptirollError(
                f"--lr-grid takes factors on the learning rate between 0 and 100 separated by "
                f"commas (0.5,1,2), got '{text}'"
            )
        factors.add(factor)
    factors.add(1.0)
    if len(factors) > MAX_LR_FACTORS:
        raise OptirollError(f"--lr-grid takes at most {MAX_LR_FACTORS} factors, got '{text}'")
    return tuple(sorted(factors))


def resolve_settings(
    scene: str = "compare",
    fmt: str = "gif",
    quality: str = "blog",
    fps: float | None = None,
    seconds_per_step: float = 0.2,
    theme: str = "light",
    lang: str = "en",
    aspect: str = "16:9",
    max_size: str | None = None,
    equal_scale: bool = True,
    loss_curve: bool = False,
    lr_grid: str | None = None,
    hold_seconds: float = HOLD_SECONDS,
    axes: bool = True,
) -> RenderSettings:
    """Check every choice and fill in sizes and rates from the quality and format.

    Every choice is taken as given: a user's request goes through `RenderRequest.resolve`, which
    first fills in what the user left out with the scene's defaults.
    """
    for value, allowed, what in (
        (scene, tuple(SCENES), "scene"),
        (fmt, FORMATS, "format"),
        (quality, QUALITIES, "quality"),
        (theme, THEMES, "theme"),
        (lang, LANGUAGES, "language"),
        (aspect, ASPECTS, "aspect"),
    ):
        if value not in allowed:
            raise unknown_name(what, value, list(allowed))
    (gif_height, gif_fps), (video_height, video_fps) = QUALITIES[quality]
    gif_sized = fmt in ("gif", "html")
    height, default_fps = (gif_height, gif_fps) if gif_sized else (video_height, video_fps)
    fps = default_fps if fps is None else float(fps)
    if fmt == "gif" and fps not in GIF_FPS:
        allowed = ", ".join(f"{f:g}" for f in GIF_FPS)
        raise OptirollError(f"a GIF plays as asked only at {allowed} fps, got {fps:g}")
    if not 1 <= fps <= 120:
        raise OptirollError(f"--fps must be between 1 and 120, got {fps:g}")
    if not 0.01 <= seconds_per_step <= 10:
        raise OptirollError(
            f"--seconds-per-step must be between 0.01 and 10, got {seconds_per_step:g}"
        )
    if not 0 <= hold_seconds <= MAX_HOLD_SECONDS:
        raise OptirollError(
            f"--hold must be between 0 and {MAX_HOLD_SECONDS:g} seconds, got {hold_seconds:g}"
        )
    if max_size is not None and fmt != "gif":
        raise OptirollError("--max-size applies to GIFs only")
    if not equal_scale and scene == "surface3d":
        raise OptirollError("--stretch does not apply to surface3d: its x and y share one scale")
    if loss_curve and scene not in LOSS_CURVE_SCENES:
        raise OptirollError(
            f"--loss-curve applies to {' and '.join(LOSS_CURVE_SCENES)} only, not {scene}"
        )
    if fmt == "html" and scene not in HTML_SCENES:
        raise OptirollError(
            f"an html page draws {', '.join(HTML_SCENES)}, not {scene}: choose one of those or "
            "another format"
        )
    if fmt == "slides" and scene != "lecture":
        raise OptirollError(
            f"slides present the lecture, not {scene}: optiroll render lecture --format slides"
        )
    if fmt == "html" and loss_curve:
        raise OptirollError("--loss-curve is not drawn in an html page: leave it out for html")
    return RenderSettings(
        scene=scene,
        format=fmt,
        quality=quality,
        width=even(height * ASPECTS[aspect]),
        height=height,
        fps=fps,
        seconds_per_step=float(seconds_per_step),
        theme=theme,
        lang=lang,
        aspect=aspect,
        equal_scale=equal_scale,
        max_bytes=parse_size(max_size) if max_size else None,
        loss_curve=loss_curve,
        # Only a page has a learning-rate control: a figure's other formats leave the grid out.
        lr_grid=(parse_lr_grid(lr_grid) if lr_grid else DEFAULT_LR_GRID) if fmt == "html" else (),
        hold_seconds=float(hold_seconds),
        axes=axes,
    )


def fingerprint(settings: RenderSettings, experiment: Experiment) -> str:
    """A short hash of everything that decides the picture."""
    blob = json.dumps([settings.to_dict(), experiment.to_dict()], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:8]


def default_output(settings: RenderSettings, experiment: Experiment, media_dir: Path) -> Path:
    """A descriptive name under media/ that never replaces an existing file."""
    names = "-".join(dict.fromkeys(o.name for o in experiment.optimizers))
    stem = f"{settings.scene}-{experiment.surface.name}-{names}-{fingerprint(settings, experiment)}"
    candidate = media_dir / f"{stem}.{settings.format}"
    n = 2
    while any(
        p.exists() for p in (candidate, *companion_files(candidate), sections_path(candidate))
    ):
        candidate = media_dir / f"{stem}-{n}.{settings.format}"
        n += 1
    return candidate


def sidecar_path(output: Path) -> Path:
    """Where a render's data and parameters go: beside it, named after the whole file name."""
    return output.with_name(output.name + ".json")


def sections_path(output: Path) -> Path:
    """The folder of a video's section clips: beside it, named after the whole file name."""
    return output.with_name(output.name + ".sections")


def captions_path(output: Path, lang: str) -> Path:
    """A video's WebVTT captions in `lang`: beside it, named after the whole file name."""
    return output.with_name(f"{output.name}.{lang}.vtt")


def chapters_path(output: Path) -> Path:
    """A video's WebVTT chapters track: beside it, named after the whole file name."""
    return output.with_name(output.name + ".chapters.vtt")


def companion_files(output: Path) -> list[Path]:
    """The files a render may write beside `output`: its side-car, its captions in every
    language and its chapters (its sections folder is `sections_path`)."""
    captions = [captions_path(output, lang) for lang in LANGUAGES]
    return [sidecar_path(output), *captions, chapters_path(output)]
