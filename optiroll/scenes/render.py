"""The render pipeline: trajectories -> Manim frames -> our encoder -> verified file + side-car.

Manim draws; `capture` hands us its raw frames; `encode` writes them (GIFs with a palette of the
scene's own colours, not Manim's 3-3-2 one); `output` makes the write atomic and checks the result.
"""

from __future__ import annotations

import importlib
import json
import math
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import __version__
from ..errors import OptirollError
from ..optim.experiment import Experiment
from .layout import layout_figure, scene_box_to_pixels
from .settings import SCENES, RenderSettings, sidecar_path
from .theme import theme

Progress = Callable[[int, int], None]


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


def expected_frames(settings: RenderSettings, steps: int) -> int:
    """How many frames Manim makes: the animation's frames, then the held last frame."""
    moving = math.ceil(steps * settings.seconds_per_step * settings.fps - 1e-9)
    return moving + int(settings.hold_seconds * settings.fps + 1e-9)


def import_manim() -> None:
    """Import Manim, turning a missing extra or system library into a one-line error."""
    try:
        import manim  # noqa: F401
    except ModuleNotFoundError as err:
        if err.name and err.name.split(".")[0] in {"manim", "cairo", "manimpango", "av", "PIL"}:
            raise OptirollError(
                "rendering needs Manim: pip install 'optiroll[render]' (or run scripts/setup)"
            ) from None
        raise
    except (ImportError, OSError) as err:
        raise OptirollError(
            f"a system library Manim needs is missing ({err}); on Debian/Ubuntu: "
            "sudo apt-get install libcairo2 libpango-1.0-0 libpangocairo-1.0-0"
        ) from None


def scene_class(name: str) -> type:
    """The Manim Scene class that draws scene `name` (imports Manim)."""
    module, _, cls = SCENES[name].partition(":")
    return getattr(importlib.import_module(f"{__package__}.{module}"), cls)


def render(
    settings: RenderSettings, experiment: Experiment, output: Path, progress: Progress | None = None
) -> RenderResult:
    """Render the figure to `output` (atomically) and write its side-car beside it."""
    import_manim()
    from .capture import render_frames
    from .encode import open_encoder
    from .output import atomic_output, verify

    trajectories = experiment.run()
    steps = max(len(t.points) - 1 for t in trajectories)
    total = expected_frames(settings, steps)
    done = 0

    with atomic_output(output) as temporary:
        encoder = open_encoder(
            settings.format,
            temporary,
            settings.width,
            settings.height,
            settings.fps,
            max_bytes=settings.max_bytes,
        )

        def sink(frame) -> None:
            nonlocal done
            encoder.write(frame)
            done += 1
            if progress:
                progress(done, total)

        frames = render_frames(
            lambda: scene_class(settings.scene)(settings, experiment, trajectories),
            {
                "pixel_width": settings.width,
                "pixel_height": settings.height,
                "frame_rate": settings.fps,
                "frame_height": settings.frame_height,
                "frame_width": settings.frame_width,
                "background_color": _background(settings),
            },
            sink,
        )
        if frames != total:
            raise RuntimeError(f"Manim made {frames} frames, expected {total}")
        report = encoder.close()
        info = verify(temporary, report)
    given_up = tuple(getattr(report, "given_up", ()))
    sidecar = sidecar_path(output)
    _write_sidecar(sidecar, settings, experiment, trajectories, report, output)
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
    )


def _background(settings: RenderSettings) -> str:
    return theme(settings.theme).background


def _write_sidecar(path, settings, experiment, trajectories, report, output) -> None:
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
        for panel in layout_figure(settings, experiment).panels
    ]
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
    from .output import atomic_output

    with atomic_output(path) as temporary:
        temporary.write_text(json.dumps(data, indent=1, default=str))
