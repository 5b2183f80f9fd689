"""The render pipeline: trajectories -> Manim frames -> our encoder -> verified file + side-car.

Manim draws; `capture` hands us its raw frames; `encode` writes them (GIFs with a palette of the
scene's own colours, not Manim's 3-3-2 one); `output` makes the write atomic and checks the result.
"""

from __future__ import annotations

import gc
import importlib
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..errors import OptirollError, failure
from ..folders import check_target
from ..optim.experiment import Experiment
from ..plan.settings import (
    SCENES,
    RenderSettings,
    companion_files,
    sections_path,
    sidecar_path,
)
from ..plan.theme import theme
from ..tables import json_run
from ..writes import Staged, staged, sweep
from .capture import MANIM_FOLDER
from .lean_imports import import_manim_lean
from .tracks import CAPTIONED, write_tracks

if TYPE_CHECKING:
    from ..scenes.base import OptirollScene
    from .encode import EncodeReport
    from .sink import FileEncoder, FrameSink

Progress = Callable[[int, int], None]
# Measured on the default figure: 32 colours, the scheme's own among them, look like 64 and make
# the GIF 13% smaller. Beyond the fixed colours, five free ones hold the text's and contours' edges
# (a fixed colour also draws the fading edges of its own hue): a dozen changed no pixel of the
# default figure by more than 30 levels in 5 and made it 3% larger (six Korean runs: 5%).
GIF_COLORS = 32
GIF_FREE_COLORS = 5
# A scene that refreshes its palette (`gif_palette`) is shaded: 256 colours keep its shading
# smooth (the 3D relief at 32 or 64 colours falls apart into patches).
GIF_SHADED_COLORS = 256
# What a render can take its poster from: a picture drawn frame by frame in this process.
POSTER_SOURCES = ("gif", "mp4", "webm")


@dataclass(frozen=True)
class RenderResult:
    path: Path
    sidecar: Path
    width: int
    height: int
    fps: float
    frames: int
    bytes: int
    duration: float
    given_up: tuple[str, ...]
    sections: Path | None = None  # the folder of section clips, for scenes with sections
    fits: bool = True  # within --max-size (a GIF that could not shrink enough says so here)
    poster: RenderResult | None = None  # the PNG taken from this animation's last frame


_RENDER_MODULES = ("manim", "cairo", "manimpango", "av", "PIL")
_MISSING_EXTRA = "rendering needs Manim: pip install 'optiroll[render]' (or run scripts/setup)"


def require_render_extra() -> None:
    """A one-line error, before anything starts, when the `render` extra is not installed."""
    from importlib.util import find_spec

    if any(find_spec(name) is None for name in _RENDER_MODULES):
        raise OptirollError(_MISSING_EXTRA)


def import_manim() -> None:
    """Import Manim, turning a missing extra or system library into a one-line error.

    The packages Manim imports but a figure never uses are deferred (`lean_imports`). Importing
    makes tens of thousands of objects and no cycles worth collecting: the collector is off
    meanwhile, and what was loaded is then frozen out of it, so no collection during the render
    walks it again.
    """
    gc.disable()
    try:
        import_manim_lean()
        gc.freeze()
    except ModuleNotFoundError as err:
        if err.name and err.name.split(".")[0] in _RENDER_MODULES:
            raise OptirollError(_MISSING_EXTRA) from None
        raise
    except (ImportError, OSError) as err:
        raise OptirollError(
            f"a system library Manim needs is missing ({err}); on Debian/Ubuntu: "
            "sudo apt-get install libcairo2 libpango-1.0-0 libpangocairo-1.0-0"
        ) from None
    finally:
        gc.enable()


def scene_class(name: str) -> type[OptirollScene]:
    """The Manim Scene class that draws scene `name` (imports Manim)."""
    module, _, cls = SCENES[name].partition(":")
    return getattr(importlib.import_module(f"optiroll.scenes.{module}"), cls)


# Longer animations are refused unless asked for (--yes): they take hours and gigabytes to make.
MAX_SECONDS = 3600.0


def check_output(output: Path, what: str = "output") -> Path:
    """`output` as a path a render may write, with its side-car, captions, chapters and sections
    folder beside it, or a one-line OptirollError (see `folders.check_target`)."""
    return check_target(
        output, what, files=companion_files(Path(output)), folders=[sections_path(Path(output))]
    )


def render(
    settings: RenderSettings,
    experiment: Experiment,
    output: Path,
    progress: Progress | None = None,
    *,
    long_ok: bool = False,
    jobs: int = 1,
    poster: Path | None = None,
    encode_here: bool = False,
) -> RenderResult:
    """Render the figure to `output` and its side-car beside it: both appear together, or
    neither (nor any temporary) does. A sectioned video's sections are drawn by up to `jobs`
    processes at once (`parallel.py`). The file is encoded in a second process, on a second
    core, unless `encode_here` (a process with no core to spare: see `local_encoder.py`); a
    sectioned video's clips are encoded in processes of their own either way (`sections.py`).

    `poster`, for an animation (POSTER_SOURCES) drawn with `jobs` 1: also write there, with its
    own side-car, the PNG that `settings` with format png render (the last frame, with no
    second render), published together with the animation or not at all.

    A write that fails is one line: an OptirollError for what the path decides (permissions, a
    read-only file system), else an OptirollFailure (a full disk, a folder removed meanwhile).
    An animation longer than MAX_SECONDS is refused before drawing unless `long_ok`.
    """
    if poster is not None and (settings.format not in POSTER_SOURCES or jobs != 1):
        raise ValueError(f"a poster is taken from a {'/'.join(POSTER_SOURCES)} drawn here")
    if settings.format == "html":  # drawn by the reader's browser: neither Manim nor PyAV
        return _page(settings, experiment, output)
    if settings.format == "slides":  # the lecture's MP4 clips, in a folder with their page
        from .slides import render_slides

        return render_slides(settings, experiment, output, progress, long_ok=long_ok, jobs=jobs)
    require_render_extra()
    output = check_output(output)
    poster = check_output(poster, "poster") if poster is not None else None
    sweep(output.parent)  # what a killed render left here
    sweep(Path(tempfile.gettempdir()), prefix=f".{MANIM_FOLDER}.")
    from .background import EncoderProcess
    from .local_encoder import LocalEncoder

    # An encoder process starts now, so that its imports overlap Manim's.
    encoder = LocalEncoder() if encode_here else EncoderProcess.ready()
    try:
        return _render(settings, experiment, output, progress, encoder, long_ok, jobs, poster)
    except OSError as err:
        encoder.abort()
        raise failure(err, err.filename or output) from None
    except BaseException:
        encoder.abort()
        raise


def _render(
    settings: RenderSettings,
    experiment: Experiment,
    output: Path,
    progress: Progress | None,
    encoder: FileEncoder,
    long_ok: bool,
    jobs: int = 1,
    poster: Path | None = None,
) -> RenderResult:
    import_manim()
    from .capture import render_frames
    from .output import verify
    from .sink import FrameSink

    trajectories = experiment.run()
    cls = scene_class(settings.scene)
    still = settings.format == "png"  # only the last frame is drawn
    total = 1 if still else cls.planned_frames(settings, trajectories)
    if not long_ok and total / settings.fps > MAX_SECONDS:
        raise OptirollError(
            f"this animation would run {total / settings.fps / 3600:.1f} hours ({total} frames); "
            "use fewer --steps or a shorter --seconds-per-step, or pass --yes to render it"
        )
    folder = sections_path(output) if cls.sectioned and not still else None
    captioned = settings.format in CAPTIONED
    tracks = cls.planned_tracks(settings, experiment, trajectories) if captioned else None
    fixed = cls.exact_colors(settings, experiment)
    built: list[OptirollScene] = []
    sidecar = sidecar_path(output)

    # Media, clips and side-car are published together, the side-car last (see `Staged`).
    with staged() as staging, _aborting(encoder):
        temporary = staging.file(output)
        clip_folder = staging.folder(folder) if folder else None
        still_temporary = staging.file(poster) if poster else None
        sink = FrameSink(
            encoder,
            settings.format,
            temporary,
            width=settings.width,
            height=settings.height,
            fps=settings.fps,
            total=total,
            sections=clip_folder,
            chapters=[t.title for t in tracks] if tracks else (),
            progress=progress,
            max_colors=_gif_colors(fixed, cls.gif_palette),
            max_bytes=settings.max_bytes,
            fixed_colors=fixed,
            palette=cls.gif_palette,
            poster=still_temporary,
        )

        def build(drawn: range | None = None, on_section=sink.on_section) -> OptirollScene:
            scene = cls(
                settings, experiment, trajectories, on_section=on_section, drawn_sections=drawn
            )
            built.append(scene)
            return scene

        manim_settings = {
            "pixel_width": settings.width,
            "pixel_height": settings.height,
            "frame_rate": settings.fps,
            "frame_height": settings.frame_height,
            "frame_width": settings.frame_width,
            "background_color": _background(settings),
        }
        if jobs > 1 and sink.joined:  # the sections drawn by several processes at once
            from .parallel import draw_sections

            plan = cls.planned_sections(settings, trajectories)
            draw = partial(draw_sections, jobs, plan, build, manim_settings, sink)
        else:
            draw = partial(render_frames, build, manim_settings, sink, still=still)
        report, clips = sink.record(draw)
        # A video joined from clips is their packets, each clip decoded and checked already.
        info = verify(temporary, report, decode=not sink.joined)
        captions = {}
        if tracks and clips is not None and clip_folder is not None:
            captions = write_tracks(staging, tracks, clips, settings, output, clip_folder)
        _write_sidecar(
            staging.file(sidecar, marker=True),
            built[-1],
            settings,
            experiment,
            trajectories,
            report,
            output,
            folder,
            clips,
            captions,
        )
        still_drawn = None
        if poster is not None and still_temporary is not None:
            still_drawn = _write_poster(
                staging,
                sink,
                built[-1],
                settings,
                experiment,
                trajectories,
                poster,
                still_temporary,
            )
    return _result(
        output,
        sidecar,
        report,
        info.duration,
        folder,
        _result(poster, sidecar_path(poster), *still_drawn) if still_drawn else None,
    )


def _result(
    output: Path,
    sidecar: Path,
    report: EncodeReport,
    duration: float,
    folder: Path | None = None,
    poster: RenderResult | None = None,
) -> RenderResult:
    """What a published render wrote."""
    fits, given_up = report.size_kept()
    return RenderResult(
        output,
        sidecar,
        report.width,
        report.height,
        report.fps,
        report.frames,
        output.stat().st_size,
        duration,
        given_up,
        folder,
        fits,
        poster,
    )


def _write_poster(
    staging: Staged,
    sink: FrameSink,
    scene: OptirollScene,
    settings: RenderSettings,
    experiment: Experiment,
    trajectories: list,
    poster: Path,
    temporary: Path,
) -> tuple[EncodeReport, float]:
    """The poster the sink kept, checked, with the side-car a PNG render of `settings` writes
    (the scene's layout is the still's: only the format differs). Its report and duration."""
    from .output import verify

    report = sink.finish_poster()
    info = verify(temporary, report, decode=True)
    still = replace(settings, format="png", max_bytes=None)
    path = staging.file(sidecar_path(poster))
    _write_sidecar(path, scene, still, experiment, trajectories, report, poster)
    return report, info.duration


@contextmanager
def _aborting(encoder: FileEncoder) -> Iterator[None]:
    """Stop the encoder if the block fails, before the temporaries are removed: it may be
    about to write one, which would then outlive the render."""
    try:
        yield
    except BaseException:
        encoder.abort()
        raise


def _page(settings: RenderSettings, experiment: Experiment, output: Path) -> RenderResult:
    """An interactive page (see `web/`): its "frames" are the steps it shows, at its ×1 speed."""
    from ..web.page import write_page

    page = write_page(settings, experiment, check_output(output))
    steps = experiment.steps
    return RenderResult(
        page.path,
        page.sidecar,
        settings.width,
        settings.height,
        1 / settings.seconds_per_step,
        steps + 1,
        page.bytes,
        steps * settings.seconds_per_step,
        (),
    )


def _gif_colors(fixed: list[str], palette: str = "fixed") -> int:
    """Palette size: the fixed colours plus room for the contours, at least GIF_COLORS; a
    refreshed palette has GIF_SHADED_COLORS."""
    if palette == "refreshed":
        return GIF_SHADED_COLORS
    return max(GIF_COLORS, len(fixed) + GIF_FREE_COLORS)


def _background(settings: RenderSettings) -> str:
    return theme(settings.theme).background


def _write_sidecar(
    path: Path,  # a temporary: the staging renames it
    scene: OptirollScene,
    settings: RenderSettings,
    experiment: Experiment,
    trajectories: list,
    report: EncodeReport,
    output: Path,
    folder: Path | None = None,
    clips: list | None = None,
    captions: dict | None = None,
) -> None:
    """Everything needed to map a pixel back to (x, y) and to render the same figure again.

    The panels come from the `scene` that drew them, laid out as it was drawn.
    """
    # A GIF shrunk to fit --max-size keeps its layout: scale the rectangles with it.
    scale = report.width / settings.width
    curve = scene.sidecar_loss_curve(scale)
    data = {
        "tool": "optiroll",
        "version": __version__,
        "command": sys.argv,
        "output": {
            "file": output.name,
            **{k: v for k, v in asdict(report).items() if k != "path"},
        },
        "settings": settings.to_dict(),
        "experiment": experiment.to_dict(),
        "pixel_rect_format": "[left, top, right, bottom], pixels from the top-left corner",
        "panels": scene.sidecar_panels(scale),
        "trajectories": [
            {**json_run(t), "color": color}
            for t, color in zip(trajectories, scene.run_colors(), strict=True)
        ],
    }
    if curve is not None:
        data["loss_curve"] = curve
    timeline = scene.sidecar_timeline()
    if timeline is not None:  # frame numbers at the timeline's own fps
        data["timeline"] = timeline
    data.update(scene.sidecar_extra())
    if clips is not None:
        data["sections"] = {
            "folder": folder.name,
            "clips": [asdict(c) for c in clips],
        }
    data.update(captions or {})  # the text tracks' files (render/tracks.py)
    path.write_text(json.dumps(data, indent=1, default=str, allow_nan=False))
