"""`optiroll render` (default figure, GIF) against the same animation made with matplotlib.

Measures wall time from process start (imports and Manim start-up included), peak resident memory
(the child's own ru_maxrss, from `os.wait4`) and file size for three pipelines, each run in its own
process, best time of `--repeats` runs:

- optiroll: `optiroll render --output FILE`, the book's four panels at 854x480, 20 fps.
- mpl-naive: what most users do, `FuncAnimation` + `PillowWriter`, every frame redrawn in full.
- mpl-blit: hand-tuned matplotlib, static parts drawn once and only the moving artists redrawn
  over a saved background (`copy_from_bbox`/`restore_region`), frames taken from the Agg buffer and
  written by optiroll's own GIF encoder (`encode_gif`), so the comparison isolates the drawing.

The matplotlib figures reuse optiroll's layout, contour levels, colours, labels and frame schedule
(from the side-car of the optiroll run when there is one), so all three show the same picture.

Targets: optiroll no slower than mpl-blit (time ratio optiroll/mpl-blit <= 1.0) and a smaller file.

    .venv/bin/python benchmarks/render.py             # the table
    .venv/bin/python benchmarks/render.py --profile   # where optiroll's time goes (cProfile)
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from optiroll.optim.experiment import Experiment, build_experiment
from optiroll.optim.trajectory import Trajectory
from optiroll.plan.contours import contour_levels
from optiroll.plan.layout import Box, layout_figure, scene_box_to_pixels
from optiroll.plan.settings import RenderSettings, resolve_settings, sidecar_path
from optiroll.plan.theme import theme
from optiroll.plan.timeline import expected_frames
from optiroll.plan.words import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
PIPELINES = ("optiroll", "mpl-naive", "mpl-blit")
TARGET = "mpl-blit"
DPI = 100
LINE_PX = 1.5  # Manim's stroke width 2.5 at 480 px high
TAIL_STEPS = 3  # as optiroll's TrailedBall: the bright part of the trail covers the last 3 steps
GRID = 200  # contour grid points along x
# Manim scales a text's glyph extents to the asked height: titles have capitals, no descenders;
# the counter's "p" descends.
CAPS, CAPS_AND_DESCENDERS = 0.72, 0.93  # in ems, DejaVu Sans

Update = Callable[[float], list]


@dataclass(frozen=True)
class Run:
    """One measured process: wall seconds, peak resident memory in bytes, output size in bytes."""

    seconds: float
    peak: int
    size: int


def load_settings(like: Path | None) -> RenderSettings:
    """The settings of the optiroll render at `like` (its side-car), else optiroll's defaults."""
    if like is not None and sidecar_path(like).exists():
        return RenderSettings(**json.loads(sidecar_path(like).read_text())["settings"])
    return resolve_settings()


def frame_steps(settings: RenderSettings, steps: int) -> list[float]:
    """The fractional step shown in each frame, as Manim samples it, then the held last frame."""
    per_step = settings.seconds_per_step * settings.fps
    return [min(i / per_step, float(steps)) for i in range(expected_frames(settings, steps))]


def trail(path: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(faded history, bright tail, ball) at fractional step t, as optiroll's TrailedBall."""
    last = len(path) - 1
    k = min(int(np.floor(t)), last - 1)
    here = (1 - (t - k)) * path[k] + (t - k) * path[k + 1]
    done = path[: int(np.floor(t)) + 1]
    points = np.vstack([done, here])
    split = max(0, len(done) - TAIL_STEPS)
    return points[: split + 1], points[split:], here


def build_figure(
    settings: RenderSettings, experiment: Experiment, trajectories: list[Trajectory], animated: bool
):
    """A matplotlib figure laid out like optiroll's, and a function showing fractional step t.

    `animated` marks the moving artists so a full draw skips them (for blitting).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgb

    scheme, words = theme(settings.theme), LANGUAGES[settings.lang]
    width, height = settings.width, settings.height
    px_per_unit = height / settings.frame_height
    points_per_px = 72 / DPI
    fig = plt.figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor=scheme.background)

    def pixels(box: Box) -> tuple[float, float, float, float]:
        left, top, right, bottom = scene_box_to_pixels(
            box, settings.frame_width, settings.frame_height, width, height
        )
        return left, top, right, bottom

    def text_at(box: Box, content: str, size: float, em: float, anchor: str, **kw):
        """Text whose glyphs span `size` scene units, `em` of the font size, in the box."""
        left, top, right, bottom = pixels(box)
        x = right if anchor == "right" else (left + right) / 2
        fontsize = size * px_per_unit / em * points_per_px
        return fig.text(
            x / width,
            1 - (top + bottom) / 2 / height,
            content,
            ha=anchor,
            va="center",
            fontsize=fontsize,
            color=scheme.text,
            **kw,
        )

    surface, window = experiment.surface, experiment.surface.window
    levels = contour_levels(surface, window)
    x = np.linspace(window.x_min, window.x_max, GRID)
    y = np.linspace(window.y_min, window.y_max, GRID // 2)
    z = surface.value(np.stack(np.meshgrid(x, y), axis=-1))
    low, high = np.array(to_rgb(scheme.contour_low)), np.array(to_rgb(scheme.contour_high))
    colors = [tuple(low + (high - low) * i / (len(levels) - 1)) for i in range(len(levels))]
    line = LINE_PX * points_per_px

    layout = layout_figure(settings, experiment)
    balls: list[tuple[np.ndarray, tuple]] = []
    for panel in layout.panels:
        left, top, right, bottom = pixels(panel.area.box)
        ax = fig.add_axes(
            (left / width, 1 - bottom / height, (right - left) / width, (bottom - top) / height)
        )
        ax.contour(x, y, z, levels=levels, colors=colors, linewidths=line)
        ax.set(
            xlim=(window.x_min, window.x_max),
            ylim=(window.y_min, window.y_max),
            xticks=[],
            yticks=[],
            facecolor=scheme.background,
        )
        for spine in ax.spines.values():
            spine.set(color=scheme.frame, linewidth=line)
        for minimum in surface.minima:
            ax.plot(*minimum, "+", color=scheme.minimum, ms=12 * points_per_px, mew=line * 1.5)
        if panel.title_box is not None:
            label = words.label(trajectories[panel.runs[0]].optimizer)
            text_at(panel.title_box, label, panel.title_box.height * 0.6, CAPS, "center")
        radius = min(panel.area.box.width, panel.area.box.height) * 0.022 * px_per_unit
        for i in panel.runs:
            color = scheme.ball(i)
            artists = (
                ax.plot([], [], color=color, lw=line, alpha=0.45, animated=animated)[0],
                ax.plot([], [], color=color, lw=line * 1.8, animated=animated)[0],
                ax.plot(
                    [],
                    [],
                    "o",
                    color=color,
                    ms=2 * radius * points_per_px,
                    mec=scheme.background,
                    mew=line * 0.8,
                    animated=animated,
                )[0],
            )
            balls.append((trajectories[i].points, artists))
    counter = text_at(
        layout.header,
        "",
        layout.header.height * 0.6,
        CAPS_AND_DESCENDERS,
        "right",
        animated=animated,
    )

    def update(t: float) -> list:
        for path, (history, tail, ball) in balls:
            old, new, here = trail(path, t)
            history.set_data(old[:, 0], old[:, 1])
            tail.set_data(new[:, 0], new[:, 1])
            ball.set_data([here[0]], [here[1]])
        counter.set_text(words.counter(int(np.floor(t + 1e-9)), experiment.steps))
        return [artist for _, artists in balls for artist in artists] + [counter]

    return fig, update


def mpl_naive(settings: RenderSettings, out: Path) -> None:
    """FuncAnimation + PillowWriter: every frame is a full redraw, Pillow picks the palettes."""
    from matplotlib.animation import FuncAnimation, PillowWriter

    experiment = build_experiment()
    trajectories = experiment.run()
    fig, update = build_figure(settings, experiment, trajectories, animated=False)
    steps = frame_steps(settings, experiment.steps)
    animation = FuncAnimation(fig, update, frames=steps, blit=False, repeat=False)
    animation.save(out, writer=PillowWriter(fps=settings.fps))


def mpl_blit(settings: RenderSettings, out: Path) -> None:
    """Static parts drawn once; each frame restores them and draws only the moving artists."""
    from optiroll.render.encode import encode_gif

    experiment = build_experiment()
    trajectories = experiment.run()
    fig, update = build_figure(settings, experiment, trajectories, animated=True)
    canvas = fig.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    frames: list[np.ndarray] = []
    shown = None
    for t in frame_steps(settings, experiment.steps):
        if t != shown:  # held frames repeat the last array instead of drawing it again
            canvas.restore_region(background)
            for artist in update(t):
                fig.draw_artist(artist)
            frame = np.asarray(canvas.buffer_rgba())[..., :3].copy()
            shown = t
        frames.append(frame)
    encode_gif(frames, out, settings.fps)


def measure(command: list[str]) -> tuple[float, int]:
    """Run `command` from the repo root: (wall seconds, the child's peak resident bytes)."""
    start = time.perf_counter()
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as child:
        stderr = child.stderr.read() if child.stderr else b""
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n{stderr.decode()[-2000:]}")
    return seconds, usage.ru_maxrss * 1024  # Linux reports KiB


def command_for(name: str, out: Path, like: Path) -> list[str]:
    if name == "optiroll":
        return [str(Path(sys.executable).with_name("optiroll")), "render", "--output", str(out)]
    return [sys.executable, __file__, "--pipeline", name, "--out", str(out), "--like", str(like)]


def benchmark(repeats: int, out_dir: Path) -> None:
    """Run every pipeline `repeats` times, interleaved, and print the table and the targets."""
    from optiroll.render.output import probe

    runs: dict[str, list[Run]] = {name: [] for name in PIPELINES}
    outputs: dict[str, Path] = {}
    for r in range(repeats):
        like = out_dir / f"optiroll-{r}.gif"
        for name in PIPELINES:
            out = out_dir / f"{name}-{r}.gif"
            seconds, peak = measure(command_for(name, out, like))
            runs[name].append(Run(seconds, peak, out.stat().st_size))
            outputs[name] = out
    best = {name: min(rs, key=lambda run: run.seconds) for name, rs in runs.items()}
    mine = best["optiroll"]
    print(
        f"best of {repeats}; peak = max resident memory of the process; "
        "ratios are optiroll / pipeline"
    )
    print(
        f"{'pipeline':<10} {'wall s':>7} {'peak MB':>8} {'bytes':>9} {'pixels':>8} {'frames':>6} "
        f"{'dur s':>6} {'time x':>7} {'size x':>7} {'mem x':>6}"
    )
    for name in PIPELINES:
        run, info = best[name], probe(outputs[name])
        peak = max(r.peak for r in runs[name])
        print(
            f"{name:<10} {run.seconds:>7.2f} {peak / 1e6:>8.0f} {run.size:>9,} "
            f"{info.width}x{info.height:<4} {info.frames:>6} {info.duration:>6.2f} "
            f"{mine.seconds / run.seconds:>7.2f} {mine.size / run.size:>7.2f} "
            f"{max(r.peak for r in runs['optiroll']) / peak:>6.2f}"
        )
    time_ratio, size_ratio = mine.seconds / best[TARGET].seconds, mine.size / best[TARGET].size
    print(
        f"target: optiroll/{TARGET} time <= 1.0: {time_ratio:.2f} "
        f"({'met' if time_ratio <= 1.0 else 'missed'}); "
        f"smaller file: {size_ratio:.2f} ({'met' if size_ratio < 1.0 else 'missed'})"
    )


# Other scenes, timed per frame beside the default figure at the same quality and format (the
# baseline). A scene that takes its own quality or options adds a row here. The lecture is an MP4
# (its default) with a clip per section; best of the repeats means its Text and LaTeX are cached.
SCENE_RUNS = (
    ("compare", "preview", "gif"),
    ("surface3d", "preview", "gif"),
    ("compare", "blog", "gif"),
    ("surface3d", "blog", "gif"),
    ("compare", "preview", "mp4"),
    ("lecture", "preview", "mp4"),
)


def per_frame(repeats: int, out_dir: Path) -> None:
    """Wall time per frame of each scene in SCENE_RUNS, start-up included, best of `repeats`."""
    optiroll = str(Path(sys.executable).with_name("optiroll"))
    print(
        f"{'scene':<10} {'quality':<8} {'format':<6} {'wall s':>7} {'frames':>6} "
        f"{'ms/frame':>9} {'bytes':>10} {'x compare':>9}"
    )
    baseline: dict[tuple[str, str], float] = {}
    for scene, quality, fmt in SCENE_RUNS:
        out = out_dir / f"{scene}-{quality}.{fmt}"
        command = [optiroll, "render", scene, "--quality", quality, "--output", str(out)]
        seconds = min(measure(command)[0] for _ in range(repeats))
        frames = json.loads(sidecar_path(out).read_text())["output"]["frames"]
        per = seconds / frames
        baseline.setdefault((quality, fmt), per)
        print(
            f"{scene:<10} {quality:<8} {fmt:<6} {seconds:>7.2f} {frames:>6} {per * 1000:>9.1f} "
            f"{out.stat().st_size:>10,} {per / baseline[quality, fmt]:>9.2f}"
        )


def profile(out_dir: Path) -> None:
    """Render in this process under cProfile; print the top 15 entries by cumulative time.

    The cumulative list keeps optiroll's own functions, so it reads as the pipeline's stages
    (importing Manim, drawing frames, encoding, checking); the self-time list, which keeps
    everything, shows where inside them the time burns.
    """
    from optiroll.cli import main

    profiler = cProfile.Profile()
    try:
        profiler.runcall(main, ["render", "--output", str(out_dir / "profiled.gif")])
    except SystemExit as done:  # the CLI always exits
        if done.code:
            sys.exit(f"optiroll render failed ({done.code})")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(re.escape(str(ROOT / "optiroll")), 15)
    stats.sort_stats("tottime").print_stats(15)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="runs per pipeline (best time)")
    parser.add_argument("--profile", action="store_true", help="profile optiroll render instead")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the GIFs in DIR")
    parser.add_argument("--scenes", action="store_true", help="only the per-scene frame times")
    parser.add_argument("--pipeline", choices=("mpl-naive", "mpl-blit"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--like", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pipeline:  # a child: one pipeline, measured by the parent
        pipeline = mpl_naive if args.pipeline == "mpl-naive" else mpl_blit
        pipeline(load_settings(args.like), args.out)
        return
    with tempfile.TemporaryDirectory(prefix="optiroll-bench-") as scratch:
        out_dir = args.keep or Path(scratch)
        out_dir.mkdir(parents=True, exist_ok=True)
        if args.profile:
            profile(out_dir)
        elif args.scenes:
            per_frame(args.repeats, out_dir)
        else:
            benchmark(args.repeats, out_dir)
            per_frame(args.repeats, out_dir)


if __name__ == "__main__":
    main()
