"""`optiroll build examples/chapter6.toml`: a cold build, then a build with everything cached.

Targets: cold under 60 s on 2 cores and cached under 2 s (issue 7); cold in at most half the time
of the baseline (issue 19): the same files rendered one after another with `optiroll render`
(one process each, as a shell loop would; a GIF's poster there is `render`'s PNG, at the video
size, where the build's is at the GIF's size), or with `--against DIR` the cold build of the code
in DIR (the code when issue 19 was filed: `git archive f40948d | tar -x -C DIR`; it wrote no
posters, so the files are counted too). Cold build and baseline run in alternating pairs (the
order swapped every pair), each from an empty cache folder in a fresh temporary folder (with
`--warm-cache`, each code's cache of texts and formulas is kept from one earlier build instead, as
on a machine that has rendered before: the files are still all rendered); the medians, their
spread and the ratio per pair are printed with the CPU time the processes spent (the machine may
be shared: the CPU time is what the build itself costs, and the load is printed). Run:
.venv/bin/python benchmarks/build.py [--pairs N] [--jobs N] [--figures FILE] [--tree DIR]
    [--against DIR] [--warm-cache]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import fields
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
OPTIROLL = [sys.executable, "-c", "from optiroll.cli import main; main()"]
TARGET = 0.5  # cold build / one after another


def timed(command: list[str], tree: Path, cache: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the children, last line printed) of one command run with
    the code of `tree` and `cache` as the cache folder."""
    env = {**os.environ, "PYTHONPATH": str(tree), "XDG_CACHE_HOME": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=tree, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.strip().splitlines()
    return wall, cpu, lines[-1] if lines else ""


def one_by_one(figures: Path, out: Path, tree: Path, cache: Path) -> tuple[float, float]:
    """Every file of the figures file through `optiroll render`, one process after another:
    (wall seconds, CPU seconds)."""
    sys.path.insert(0, str(ROOT))
    from optiroll.builder.figures_file import load_figures

    options = {"preset_name": "-p", "surface_name": "-s", "steps": "-n"}
    wall = cpu = 0.0
    for figure in load_figures(figures).figures:
        for fmt in figure.outputs:
            command = [*OPTIROLL, "render", "-f", fmt, "-O", str(out / figure.file_name(fmt))]
            for key, value in figure.experiment_args.items():
                if key == "optimizer_specs":
                    command += [arg for spec in value for arg in ("-o", spec)]
                elif key == "start":
                    command += ["--start", *map(str, value)]
                else:
                    command += [options[key], str(value)]
            for option in fields(figure.request):
                value = getattr(figure.request, option.name)
                flag = "--" + option.name.replace("_", "-")
                if value == option.default:
                    continue
                if option.name == "scene":
                    command.insert(len(OPTIROLL) + 1, value)
                else:
                    command += [flag] if value is True else [flag, str(value)]
            seconds, used, _ = timed(command, tree, cache)
            wall, cpu = wall + seconds, cpu + used
    return wall, cpu


def cold_build(
    figures: Path, tmp: Path, tree: Path, jobs: list[str], cache: Path | None = None
) -> tuple[float, float, str, Path]:
    """A build of `tree` into the empty tmp/out, from an empty cache unless given `cache`:
    (wall, CPU, last line, out folder)."""
    out = tmp / "out"
    build = [*OPTIROLL, "build", str(figures), "--out", str(out), *jobs]
    return (*timed(build, tree, cache or tmp / "cache"), out)


def warm_caches(
    figures: Path, tree: Path, against: Path | None, jobs: list[str], folder: Path
) -> dict[str, Path]:
    """For --warm-cache: a cache folder for each side holding what one earlier run of its code
    made (its texts and formulas)."""
    caches = {"build": folder / "build", "baseline": folder / "baseline"}
    with tempfile.TemporaryDirectory() as tmp:
        cold_build(figures, Path(tmp) / "build", tree, jobs, caches["build"])
        if against:
            cold_build(figures, Path(tmp) / "baseline", against, jobs, caches["baseline"])
        else:
            one_by_one(figures, Path(tmp), tree, caches["baseline"])
    return caches


def media(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.suffix in {".gif", ".mp4", ".webm", ".png"})


def spread(values: list[float]) -> str:
    return f"{median(values):6.1f} s [{min(values):.1f}-{max(values):.1f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=Path, default=ROOT / "examples" / "chapter6.toml")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--pairs", type=int, default=1, help="alternating build/baseline pairs")
    parser.add_argument("--tree", type=Path, default=ROOT, help="optiroll's code from TREE")
    parser.add_argument(
        "--against", type=Path, default=None, help="baseline: the cold build of the code in DIR"
    )
    parser.add_argument(
        "--warm-cache",
        action="store_true",
        help="each code's text and formula cache kept from one earlier build (a machine that "
        "has rendered before); the files are still all rendered",
    )
    args = parser.parse_args()
    figures, tree = args.figures.resolve(), args.tree.resolve()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    cores = len(os.sched_getaffinity(0))
    builds: list[tuple[float, float]] = []
    baselines: list[tuple[float, float]] = []
    against = args.against.resolve() if args.against else None
    with tempfile.TemporaryDirectory() as kept:
        caches: dict[str, Path | None] = {"build": None, "baseline": None}
        if args.warm_cache:
            caches.update(warm_caches(figures, tree, against, jobs, Path(kept)))
        for pair in range(args.pairs):
            with tempfile.TemporaryDirectory() as tmp:
                # Cold as on a new machine, no Text or LaTeX kept from earlier renders, unless
                # --warm-cache; a cached build's cache is the cold build's.
                for step in ("build", "baseline")[:: 1 if pair % 2 == 0 else -1]:
                    if step == "build":
                        cold, cold_cpu, cold_summary, out = cold_build(
                            figures, Path(tmp), tree, jobs, caches["build"]
                        )
                        builds.append((cold, cold_cpu))
                        files = media(out)
                        # optiroll's source is part of the cache key: an edit meanwhile re-renders.
                        cached, _, cached_summary = timed(
                            [*OPTIROLL, "build", str(figures), "--out", str(out), *jobs],
                            tree,
                            caches["build"] or Path(tmp) / "cache",
                        )
                    elif against:
                        with tempfile.TemporaryDirectory() as other:
                            wall, cpu, _, other_out = cold_build(
                                figures, Path(other), against, jobs, caches["baseline"]
                            )
                            baselines.append((wall, cpu))
                            baseline_files = media(other_out)
                    else:
                        cache = caches["baseline"] or Path(tmp) / "cache-1by1"
                        baselines.append(one_by_one(figures, Path(tmp), tree, cache))
                        baseline_files = files
    ratios = [b[0] / s[0] for b, s in zip(builds, baselines, strict=True)]
    cpu_ratios = [b[1] / s[1] for b, s in zip(builds, baselines, strict=True)]
    print(f"{figures.name}: {len(files)} files, {cores} cores, jobs {args.jobs or cores}; {tree}")
    print(f"{args.pairs} alternating pairs, median [min-max]; load {os.getloadavg()[0]:.1f}")
    if args.warm_cache:
        print("  text and formula caches warm from an earlier build (--warm-cache)")
    print(
        f"  {'cold build':<34} {spread([b[0] for b in builds])}   target < 60 s"
        f"   (CPU {spread([b[1] for b in builds])})"
    )
    print(f"    {cold_summary}")
    print(f"  {'cached build (last pair)':<34} {cached:6.2f} s   target < 2 s")
    print(f"    {cached_summary}")
    name = f"cold build of {against}" if against else "optiroll render, one after another"
    print(
        f"  {name:<34} {spread([s[0] for s in baselines])}"
        f"   (baseline, {len(baseline_files)} files; CPU {spread([s[1] for s in baselines])})"
    )
    ratio = median(ratios)
    print(f"  CPU ratio per pair: {' '.join(f'{r:.2f}' for r in cpu_ratios)}")
    print(
        f"  cold build / baseline per pair: {' '.join(f'{r:.2f}' for r in ratios)}; target <= "
        f"{TARGET}: {ratio:.2f} ({'met' if ratio <= TARGET else 'missed'})"
    )


if __name__ == "__main__":
    main()
