"""`optiroll render` (default figure, GIF) against the same animation made with matplotlib.

Pipelines, each run in its own process (imports and start-up included):

- optiroll: `optiroll render --output FILE`, the default figure at 854x480, 20 fps.
- peer: benchmarks/peer_matplotlib.py, written independently the way a matplotlib expert would
  (it does not import optiroll): bare Figure on Agg, blitting, per-step content drawn once a step,
  held frames not redrawn, frames streamed into one encoder process, `gifsicle -O2`. It gets
  optiroll's colour count, so the files are compared at the same number of colours.
- mpl-naive: the peer's figure done the way most users do, `FuncAnimation` + `PillowWriter`, every
  frame redrawn in full (run once, for scale).

The machine is shared and loaded, so optiroll and the peer run in alternating pairs (the order
swapped every pair) and what is reported is the median of each pair's ratio optiroll/peer, with
the median times and their spread. "Same picture" is checked on the last frame: at every step's
position of the side-car's trajectories, both files show the run's colour.

Targets: optiroll/peer time <= 0.8 and optiroll's file no larger than the peer's.

    .venv/bin/python benchmarks/render.py --pairs 5     # the table
    .venv/bin/python benchmarks/render.py --profile     # where optiroll's time goes (cProfile)
    .venv/bin/python benchmarks/render.py --lecture     # the lecture: sequential, 1, 2, all cores
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
from pathlib import Path
from statistics import median
from typing import NamedTuple

import numpy as np

from optiroll.plan.settings import sidecar_path
from optiroll.plan.theme import theme

ROOT = Path(__file__).resolve().parents[1]
PEER = Path(__file__).with_name("peer_matplotlib.py")
TARGET = 0.8  # optiroll/peer time


class Run(NamedTuple):
    wall: float  # seconds
    cpu: float  # seconds of CPU, user and system, of the child and the processes it waited for
    peak: int  # the child's peak resident bytes


def measure(command: list[str], tree: Path = ROOT, cpus: list[int] | None = None) -> Run:
    """Run `command` in `tree` (its code first on the path), on `cpus` only if given."""
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(tree)}
    pin = None if cpus is None else lambda: os.sched_setaffinity(0, cpus)
    with subprocess.Popen(
        command,
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=pin,
    ) as child:
        stderr = child.stderr.read() if child.stderr else b""
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n{stderr.decode()[-2000:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)  # KiB


def optiroll_command(out: Path) -> list[str]:
    return [sys.executable, "-m", "optiroll", "render", "--output", str(out)]


def last_frame(path: Path) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        *_, frame = container.decode(video=0)
        return frame.to_ndarray(format="rgb24")


def colours_used(path: Path) -> int:
    """How many distinct colours the pictures of a GIF show (every image, as composed)."""
    import av

    seen = np.zeros(1 << 24, bool)
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            rgb = frame.to_ndarray(format="rgb24").reshape(-1, 3).astype(np.uint32)
            seen[(rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]] = True
    return int(seen.sum())


def trail_match(path: Path, sidecar: dict) -> float:
    """The share of the side-car's step positions where the last frame shows the run's colour."""
    from matplotlib.colors import to_rgb

    from optiroll.plan.palette import run_colors

    image = last_frame(path).astype(int)
    colors = run_colors(
        [run["optimizer"] for run in sidecar["trajectories"]],
        theme(sidecar["settings"]["theme"]).background,
    )
    hits = total = 0
    for panel in sidecar["panels"]:
        left, top, right, bottom = panel["pixel_rect"]
        x0, x1, y0, y1 = panel["data_window"]
        for run in panel["runs"]:
            want = np.array(to_rgb(colors[run])) * 255
            for x, y in sidecar["trajectories"][run]["points"]:
                col = round(left + (x - x0) / (x1 - x0) * (right - left))
                row = round(bottom - (y - y0) / (y1 - y0) * (bottom - top))
                near = image[row - 1 : row + 2, col - 1 : col + 2].reshape(-1, 3)
                hits += np.abs(near - want).sum(axis=1).min() < 60
                total += 1
    return hits / total


def benchmark(pairs: int, out_dir: Path, tree: Path = ROOT) -> None:
    """Alternating pairs optiroll (the code in `tree`)/peer, one naive run; print the table and
    the targets."""
    from optiroll.render.output import probe

    mine, peer, ratios = [], [], []
    first = out_dir / "optiroll-first.gif"
    measure(optiroll_command(first), tree)  # warms the caches; gives the colour count
    sidecar = json.loads(sidecar_path(first).read_text())
    # The peer's palette gets as many colours as optiroll's pictures show (its palette size is a
    # ceiling that the colours it takes from the first frame may not reach).
    colors = colours_used(first)
    ours, theirs = out_dir / "optiroll.gif", out_dir / "peer.gif"
    peer_command = [sys.executable, str(PEER), str(theirs), "--colors", str(colors)]
    for r in range(pairs):
        order = [("optiroll", optiroll_command(ours)), ("peer", peer_command)]
        times = {
            name: measure(command, tree).wall for name, command in order[:: 1 if r % 2 == 0 else -1]
        }
        mine.append(times["optiroll"])
        peer.append(times["peer"])
        ratios.append(times["optiroll"] / times["peer"])
    naive = out_dir / "mpl-naive.gif"
    naive_seconds = measure([sys.executable, str(PEER), str(naive), "--naive"]).wall
    print(f"{pairs} alternating pairs; median [min-max]; load {os.getloadavg()[0]:.1f}")
    print(
        f"{'pipeline':<10} {'wall s':>18} {'bytes':>9} {'images':>6} {'dur s':>6} {'trail':>6} "
        f"{'colours':>7}"
    )
    rows = (("optiroll", mine, ours), ("peer", peer, theirs), ("mpl-naive", [naive_seconds], naive))
    for name, seconds, path in rows:
        info = probe(path)
        print(
            f"{name:<10} {median(seconds):>6.2f} [{min(seconds):.2f}-{max(seconds):.2f}] "
            f"{path.stat().st_size:>9,} {info.images:>6} {info.duration:>6.2f} "
            f"{trail_match(path, sidecar):>6.0%} {colours_used(path):>7}"
        )
    ratio, size = median(ratios), ours.stat().st_size / theirs.stat().st_size
    print(f"ratios optiroll/peer per pair: {' '.join(f'{x:.2f}' for x in ratios)}")
    print(
        f"target: optiroll/peer time <= {TARGET}: {ratio:.2f} [{min(ratios):.2f}-{max(ratios):.2f}]"
        f" ({'met' if ratio <= TARGET else 'missed'}); file size at {colors} colours: {size:.2f}"
        f" ({'met' if size <= 1.0 else 'missed'})"
    )


# Where one render's wall time goes, timed inside the process (the child below) by wrapping the
# pipeline's steps: the sink's first and last frame, the encoder's close (the rest of the encoding,
# gifsicle and the worker's decode), the check of the file. Python's own start-up and exit are the
# process's wall time minus what the child saw from its first line.
PHASES_CHILD = """
import time; start = time.perf_counter()
import gc, json, os, sys
collected = [0.0]
def timed(phase, info, since=[0.0]):
    if phase == "start": since[0] = time.perf_counter()
    else: collected[0] += time.perf_counter() - since[0]
gc.callbacks.append(timed)
marks = {}
import optiroll.cli
marks["import optiroll.cli"] = time.perf_counter()
from optiroll.render import pipeline, sink, background, output
pipeline.import_manim()
marks["import manim"] = time.perf_counter()
def around(owner, name, before, after):
    inner = getattr(owner, name)
    def wrapper(*args, **kwargs):
        if before: marks.setdefault(before, time.perf_counter())
        try: return inner(*args, **kwargs)
        finally:
            if after: marks[after] = time.perf_counter()
    setattr(owner, name, wrapper)
around(sink.FrameSink, "__call__", "scene build (experiment, scene, to its first frame)",
       "frames (drawing, the encoder keeping pace)")
around(background.EncoderProcess, "close", None, "encoder close (last frames, gifsicle, decode)")
around(output, "verify", None, "verify")
try:
    optiroll.cli.main(["render", "--output", sys.argv[1]])
except SystemExit:
    pass
marks["side-car, publish"] = time.perf_counter()
print(json.dumps({"start": start, "marks": marks, "gc": collected[0]}), file=sys.stderr)
if sys.argv[2] == "exit": os._exit(0)
"""


def gifsicle_seconds(path: Path) -> float:
    """gifsicle -O2's time on a copy of `path`: about the pass the encoder makes (which runs
    inside the encoder's close)."""
    import shutil

    if shutil.which("gifsicle") is None:
        return 0.0
    started = time.perf_counter()
    subprocess.run(["gifsicle", "-O2", "-Okeep-empty", str(path)], capture_output=True, check=True)
    return time.perf_counter() - started


def phases(repeats: int, out_dir: Path, tree: Path) -> None:
    """The median of each phase of `repeats` renders, with the code in `tree`."""
    import statistics

    rows: dict[str, list[float]] = {}
    for r in range(repeats):
        out = out_dir / f"phases-{r}.gif"
        exit_mode = "exit" if (tree / "optiroll" / "render" / "lean_imports.py").exists() else "-"
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PHASES_CHILD, str(out), exit_mode],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": str(tree)},
            capture_output=True,
            text=True,
            check=True,
        )
        wall = time.perf_counter() - start
        report = json.loads(done.stderr.strip().splitlines()[-1])
        last, times = 0.0, {}
        for name, at in sorted(report["marks"].items(), key=lambda mark: mark[1]):
            times[name] = at - report["start"] - last
            last = at - report["start"]
        times["garbage collection within the above"] = report["gc"]
        times["interpreter start-up and exit"] = wall - last
        times["total (process wall)"] = wall
        times["(gifsicle -O2 on the output, alone)"] = gifsicle_seconds(out)
        for name, seconds in times.items():
            rows.setdefault(name, []).append(seconds)
    print(f"phases, median of {repeats} ({tree}); load {os.getloadavg()[0]:.1f}")
    for name, values in rows.items():
        print(f"  {name:<52} {statistics.median(values):>6.2f} s")


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
        seconds = min(measure(command).wall for _ in range(repeats))
        frames = json.loads(sidecar_path(out).read_text())["output"]["frames"]
        per = seconds / frames
        baseline.setdefault((quality, fmt), per)
        print(
            f"{scene:<10} {quality:<8} {fmt:<6} {seconds:>7.2f} {frames:>6} {per * 1000:>9.1f} "
            f"{out.stat().st_size:>10,} {per / baseline[quality, fmt]:>9.2f}"
        )


# The lecture (issue 15): the book's, at 1920x1080 60 fps and at 640x360 15 fps, drawn one section
# after another (`--jobs 1`, the sequential path; or the code of --baseline TREE, which draws so,
# and then this code's `--jobs 1` too) and then its sections in parallel on 1, 2 and all cores
# (the render's default: a process per core it may use). Target: 1080p on 2 cores in at most a
# third of the sequential time. Beside each wall time, the CPU time of the render's processes:
# other work on a shared machine changes it far less than the wall time.
LECTURE_QUALITIES = ("lecture", "preview")
LECTURE_TARGET = 1 / 3


def lecture(out_dir: Path, baseline: Path | None, qualities: tuple[str, ...]) -> None:
    """Wall time of each lecture render, and its ratio to the sequential one."""
    optiroll = [sys.executable, "-m", "optiroll", "render", "lecture"]
    cores = sorted(os.sched_getaffinity(0))
    runs: list[tuple[str, Path, list[str], list[int] | None]] = [
        ("sequential", baseline or ROOT, [] if baseline else ["--jobs", "1"], None),
        *([("--jobs 1", ROOT, ["--jobs", "1"], None)] if baseline else []),
        ("1 core", ROOT, [], cores[:1]),
    ]
    if len(cores) >= 2:
        runs.append(("2 cores", ROOT, [], cores[:2]))
    runs.append((f"all {len(cores)} cores", ROOT, [], None))
    print(f"the book's lecture; load {os.getloadavg()[0]:.1f} (1 min) at the start")
    print(
        f"{'quality':<8} {'run':<12} {'wall s':>7} {'x seq':>6} {'CPU s':>7} {'frames':>6} "
        f"{'bytes':>11}"
    )
    for quality in qualities:
        sequential = None
        for name, tree, extra, cpus in runs:
            out = out_dir / f"lecture-{quality}-{name.replace(' ', '-')}.mp4"
            run = measure([*optiroll, "-q", quality, "-O", str(out), *extra], tree, cpus)
            seconds = run.wall
            sequential = sequential or seconds
            frames = json.loads(sidecar_path(out).read_text())["output"]["frames"]
            print(
                f"{quality:<8} {name:<12} {seconds:>7.1f} {seconds / sequential:>6.2f} "
                f"{run.cpu:>7.1f} {frames:>6} {out.stat().st_size:>11,}",
                flush=True,
            )
            if name == "2 cores" and quality == "lecture":
                ratio = seconds / sequential
                verdict = "met" if ratio <= LECTURE_TARGET else "missed"
                print(f"target: 1080p on 2 cores <= {LECTURE_TARGET:.2f} x sequential: {verdict}")
    print(f"load {os.getloadavg()[0]:.1f} (1 min) at the end")


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
    parser.add_argument("--pairs", type=int, default=3, help="alternating optiroll/peer pairs")
    parser.add_argument("--repeats", type=int, default=1, help="runs per scene (--scenes)")
    parser.add_argument("--profile", action="store_true", help="profile optiroll render instead")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the GIFs in DIR")
    parser.add_argument("--scenes", action="store_true", help="only the per-scene frame times")
    parser.add_argument("--phases", action="store_true", help="the phase table of one render")
    parser.add_argument("--tree", type=Path, default=ROOT, help="optiroll's code from TREE")
    parser.add_argument(
        "--lecture",
        nargs="*",
        choices=LECTURE_QUALITIES,
        metavar="QUALITY",
        help=f"only the lecture's times (qualities: {', '.join(LECTURE_QUALITIES)}; default both)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="TREE",
        help="--lecture: the sequential render with the code of TREE (e.g. a worktree of the "
        "commit before the parallel sections) instead of --jobs 1",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="optiroll-bench-") as scratch:
        out_dir = args.keep or Path(scratch)
        out_dir.mkdir(parents=True, exist_ok=True)
        if args.profile:
            profile(out_dir)
        elif args.phases:
            phases(args.repeats, out_dir, args.tree.resolve())
        elif args.scenes:
            per_frame(args.repeats, out_dir)
        elif args.lecture is not None:
            baseline = args.baseline.resolve() if args.baseline else None
            lecture(out_dir, baseline, tuple(args.lecture) or LECTURE_QUALITIES)
        else:
            benchmark(args.pairs, out_dir, args.tree.resolve())


if __name__ == "__main__":
    main()
