"""A terminal figure (`scene = "terminal"`): what `optiroll play` shows, recorded for a post.

Its files are the animated SVG (the snippet's `<img>`), the asciicast with a marker at each step,
and a poster: the SVG's last frame as a static SVG. Each is written in this process, in
milliseconds, without Manim; each has a side-car as a render's has (its file name and pixel size),
so the build's cache and snippets treat it as any other output.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from rich.color import ColorSystem

from .. import __version__
from ..optim.experiment import Experiment, build_experiment
from ..plan.request import RenderRequest
from ..plan.settings import sidecar_path
from ..terminal.ansi import FrameEncoder
from ..terminal.asciicast import CastWriter
from ..terminal.player import PIPE_SIZE, frame_interval, record_offline
from ..terminal.svg import SvgWriter
from ..writes import staged
from .cache import source_digest

SCENE = "terminal"
ANIMATION, CAST, POSTER = "svg", "cast", "still.svg"
OUTPUTS = (ANIMATION, CAST, POSTER)
FPS = 10.0  # as `optiroll play`'s default
SIZE = PIPE_SIZE  # columns and rows: a classic terminal, as `play` records from a pipe
KEYS = ("scene", "fps")  # the request fields a terminal figure takes; the rest draw Manim frames


def fps_of(request: RenderRequest) -> float:
    """The figure's frames per second, checked as `play --fps` checks them."""
    fps = FPS if request.fps is None else request.fps
    frame_interval(fps)
    return fps


def terminal_key(request: RenderRequest, experiment: Experiment) -> str:
    """The hash of everything that decides one output of a terminal figure."""
    blob = json.dumps(
        {
            "version": __version__,
            "source": source_digest(),
            "output": request.format,
            "fps": fps_of(request),
            "size": SIZE,
            "experiment": experiment.to_dict(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def write_output(request: RenderRequest, experiment_args: dict, target: Path) -> None:
    """Record the figure into `target`, one of its OUTPUTS (`request.format`), and its side-car."""
    experiment = build_experiment(**experiment_args)
    fps = fps_of(request)
    trajectories = experiment.run()
    # The frames in memory, for the pictures and the pixel size; only `commit` would write.
    svg = SvgWriter(target.with_name(f"{target.name.split('.')[0]}.svg"))
    draw = {"fps": fps, "size": SIZE}
    record_offline(svg, experiment.surface, trajectories, encoder=FrameEncoder(None), **draw)
    if request.format == CAST:
        with CastWriter(target) as cast:
            encoder = FrameEncoder(ColorSystem.TRUECOLOR)  # web players show truecolor
            record_offline(
                cast, experiment.surface, trajectories, encoder=encoder, markers=True, **draw
            )
    width, height = svg.size()
    sidecar = {
        "tool": "optiroll",
        "version": __version__,
        "output": {"file": target.name, "width": width, "height": height},
        "settings": {"scene": SCENE, "fps": fps, "columns": SIZE[0], "rows": SIZE[1]},
        "experiment": experiment.to_dict(),
    }
    with staged() as staging:
        if request.format != CAST:
            text = svg.document() if request.format == ANIMATION else svg.still()
            staging.file(target).write_text(text, encoding="utf-8")
        staging.file(sidecar_path(target), marker=True).write_text(
            json.dumps(sidecar, indent=1), encoding="utf-8"
        )
