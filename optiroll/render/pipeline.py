"""The render pipeline: trajectories -> Manim frames -> our encoder -> verified file + side-car.

Manim draws; `capture` hands us its raw frames; `encode` writes them (GIFs with a palette of the
scene's own colours, not Manim's 3-3-2 one); `output` makes the write atomic and checks the result.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .. import __version__
from ..errors import OptirollError
from ..optim.experiment import Experiment
from ..plan.layout import layout_figure, scene_box_to_pixels
from ..plan.loss_axes import loss_axes, sidecar_entry
from ..plan.settings import SCENES, RenderSettings, sections_path, sidecar_path
from ..plan.theme import theme

if TYPE_CHECKING:
    from .background import EncoderProcess

Progress = Callable[[int, int], None]
# Measured on the default figure: 32 colours, the scheme's own among them, look like 64 and make
# the GIF 13% smaller; beyond the fixed colours the static plot needs about a dozen.
GIF_COLORS = 32
GIF_FREE_COLORS = 12


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


def expected_frames(settings: RenderSettings, steps: int) -> int:
    """How many frames Manim makes: the animation's frames, then the held last frame."""
    moving = manim_frames(steps * settings.seconds_per_step, settings.fps)
    return moving + frozen_frames(settings.hold_seconds, settings.fps)


def manim_frames(run_time: float, fps: float) -> int:
    """Frames Manim draws for a `play` of `run_time` seconds: one per
    `np.arange(0, run_time, 1 / fps)`, floating-point rounding included (0.6 s at 10 fps is 7)."""
    return len(np.arange(0, run_time, 1 / fps))


def frozen_frames(duration: float, fps: float) -> int:
    """Frames Manim repeats for a `wait` with nothing moving: `int(duration / (1 / fps))`
    (1 s at 12.5 fps is 12)."""
    return int(duration / (1 / fps))


_RENDER_MODULES = ("manim", "cairo", "manimpango", "av", "PIL")
_MISSING_EXTRA = "rendering needs Manim: pip install 'optiroll[render]' (or run scripts/setup)"


def require_render_extra() -> None:
    """A one-line error, before anything starts, when the `render` extra is not installed."""
    from importlib.util import find_spec

    if any(find_spec(name) is None for name in _RENDER_MODULES):
        raise OptirollError(_MISSING_EXTRA)


def import_manim() -> None:
    """Import Manim, turning a missing extra or system library into a one-line error."""
    try:
        import manim  # noqa: F401
    except ModuleNotFoundError as err:
        if err.name and err.name.split(".")[0] in _RENDER_MODULES:
            raise OptirollError(_MISSING_EXTRA) from None
        raise
    except (ImportError, OSError) as err:
        raise OptirollError(
            f"a system library Manim needs is missing ({err}); on Debian/Ubuntu: "
            "sudo apt-get install libcairo2 libpango-1.0-0 libpangocairo-1.0-0"
        ) from None


def scene_class(name: str) -> type:
    """The Manim Scene class that draws scene `name` (imports Manim)."""
    module, _, cls = SCENES[name].partition(":")
    return getattr(importlib.import_module(f"optiroll.scenes.{module}"), cls)


def render(
    settings: RenderSettings, experiment: Experiment, output: Path, progress: Progress | None = None
) -> RenderResult:
    """Render the figure to `output` (atomically) and write its side-car beside it."""
    require_render_extra()
    from .background import EncoderProcess

    encoder = EncoderProcess()  # starts now: its imports overlap Manim's
    try:
        return _render(settings, experiment, output, progress, encoder)
    except BaseException:
        encoder.abort()
        raise


def _render(
    settings: RenderSettings,
    experiment: Experiment,
    output: Path,
    progress: Progress | None,
    encoder: EncoderProcess,
) -> RenderResult:
    import_manim()
    from .capture import render_frames
    from .output import atomic_output, verify
    from .sections import JOINABLE, SectionCutter, join_clips

    trajectories = experiment.run()
    steps = max(len(t.points) - 1 for t in trajectories)
    cls = scene_class(settings.scene)
    # A scene with its own timeline plans its frames; sectioned ones also get a clip per section.
    planned = getattr(cls, "planned_frames", None)
    poster = settings.format == "png"  # only the last frame is drawn
    if poster:
        total = 1
    else:
        total = planned(settings, trajectories) if planned else expected_frames(settings, steps)
    sectioned = hasattr(cls, "on_section") and not poster
    folder = sections_path(output) if sectioned else None
    done = 0

    with atomic_output(output) as temporary, _maybe_directory(folder) as clips_dir:
        cutter = (
            SectionCutter(clips_dir, settings.format, settings.width, settings.height, settings.fps)
            if clips_dir
            else None
        )
        # A sectioned video is its clips joined, so its frames are encoded once, not twice.
        joined = cutter is not None and settings.format in JOINABLE
        # Scenes that draw aids in the scheme's ball colours say how many of them they use.
        fixed = _palette_colors(settings, max(len(trajectories), getattr(cls, "ball_colors", 0)))
        if joined:
            encoder.abort()
        else:
            encoder.open(
                settings.format,
                temporary,
                settings.width,
                settings.height,
                settings.fps,
                max_colors=_gif_colors(fixed),
                max_bytes=settings.max_bytes,
                fixed_colors=fixed,
            )

        def sink(frame) -> None:
            nonlocal done
            if not joined:
                encoder.write(frame)
            if cutter:
                cutter.write(frame)
            done += 1
            if progress:
                progress(done, total)

        def build():
            scene = cls(settings, experiment, trajectories)
            if cutter:
                scene.on_section = cutter.start
            return scene

        try:
            frames = render_frames(
                build,
                {
                    "pixel_width": settings.width,
                    "pixel_height": settings.height,
                    "frame_rate": settings.fps,
                    "frame_height": settings.frame_height,
                    "frame_width": settings.frame_width,
                    "background_color": _background(settings),
                },
                sink,
                still=poster,
            )
            if frames != total:
                raise RuntimeError(f"Manim made {frames} frames, expected {total}")
            clips = cutter.close() if cutter else None
        except BaseException:
            if cutter:
                cutter.abort()
            raise
        if clips is not None and sum(c.frames for c in clips) != frames:
            raise RuntimeError(f"the section clips hold {sum(c.frames for c in clips)} frames")
        if joined:
            report = join_clips(clips_dir, clips, settings.format, temporary)
        else:
            report = encoder.close()
        info = verify(temporary, report)
    given_up = tuple(getattr(report, "given_up", ()))
    sidecar = sidecar_path(output)
    _write_sidecar(sidecar, settings, experiment, trajectories, report, output, folder, clips)
    return RenderResult(
        output,
        sidecar,
        report.width,
        report.height,
        report.fps,
        report.frames,
        output.stat().st_size,
        info.duration,
        given_up,
        folder,
        getattr(report, "fits", True),
    )


@contextmanager
def _maybe_directory(folder: Path | None) -> Iterator[Path | None]:
    """An atomic temporary folder for `folder`, or None when there is nothing to put there."""
    if folder is None:
        yield None
        return
    from .sections import atomic_directory

    with atomic_directory(folder) as temporary:
        yield temporary


def _palette_colors(settings: RenderSettings, balls: int) -> list[str]:
    """Colours a GIF's palette holds exactly: the scheme's and each ball's (the first frame
    supplies the rest, but it has no trails yet)."""
    from ..scenes.mobjects import TrailedBall

    scheme = theme(settings.theme)
    page = [scheme.background, scheme.text, scheme.muted_text, scheme.frame, scheme.minimum]
    moving = [
        c for i in range(balls) for c in TrailedBall.colors(scheme.ball(i), scheme.background)
    ]
    return list(dict.fromkeys(page + moving))


def _gif_colors(fixed: list[str]) -> int:
    """Palette size: the fixed colours plus room for the contours, at least GIF_COLORS."""
    return max(GIF_COLORS, len(fixed) + GIF_FREE_COLORS)


def _background(settings: RenderSettings) -> str:
    return theme(settings.theme).background


def _panels(settings: RenderSettings, experiment: Experiment) -> tuple:
    """The plots on screen: the scene's own layout when it has one, else the figure grid."""
    own = getattr(scene_class(settings.scene), "panels", None)
    return own(settings, experiment) if own else layout_figure(settings, experiment).panels


def _write_sidecar(
    path, settings, experiment, trajectories, report, output, folder=None, clips=None
) -> None:
    """Everything needed to map a pixel back to (x, y) and to render the same figure again."""
    # A GIF shrunk to fit --max-size keeps its layout: scale the rectangles with it.
    scale = report.width / settings.width
    panels = [
        {
            "pixel_rect": [
                round(v * scale, 3)
                for v in scene_box_to_pixels(
                    panel.area.box,
                    settings.frame_width,
                    settings.frame_height,
                    settings.width,
                    settings.height,
                )
            ],
            "data_window": panel.area.window.as_list(),
            "runs": list(panel.runs),
        }
        for panel in _panels(settings, experiment)
    ]
    own = getattr(scene_class(settings.scene), "sidecar_panels", None)
    if own:  # a scene whose view is not flat plots (the 3D one) describes its panels itself
        panels = own(settings, experiment, trajectories, scale)
    curve = layout_figure(settings, experiment).curve if settings.loss_curve else None
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
        "panels": panels,
        "trajectories": [t.to_dict() for t in trajectories],
    }
    if curve is not None:
        steps = max(len(t.points) - 1 for t in trajectories)
        axes = loss_axes(curve, steps, [t.losses for t in trajectories])
        data["loss_curve"] = sidecar_entry(axes, settings, scale)
    if clips is not None:
        data["sections"] = {
            "folder": folder.name,
            "clips": [asdict(c) for c in clips],
        }
    from .output import atomic_output

    with atomic_output(path) as temporary:
        temporary.write_text(json.dumps(data, indent=1, default=str))
