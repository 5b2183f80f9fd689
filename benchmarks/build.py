"""`optiroll build examples/chapter6.toml`: a cold build, then a build with everything cached.

Targets (issue 7): cold under 60 s on 2 cores, cached under 2 s. Printed beside the same figures
rendered one after another with `optiroll render` (one process each, as a shell loop would), and the
sum of the CPU time the workers spent. Each build goes to a fresh temporary folder. Run:
.venv/bin/python benchmarks/build.py [--jobs N] [--figures FILE]
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

ROOT = Path(__file__).resolve().parent.parent
OPTIROLL = [sys.executable, "-c", "from optiroll.cli import main; main()"]


def timed(command: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the children, last line printed) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.strip().splitlines()[-1]


def one_by_one(figures: Path, out: Path) -> float:
    """Every file of the figures file through `optiroll render`, one process after another."""
    sys.path.insert(0, str(ROOT))
    from optiroll.builder.figures_file import load_figures

    options = {"preset_name": "-p", "surface_name": "-s", "steps": "-n"}
    started = time.perf_counter()
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
            subprocess.run(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
            )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=Path, default=ROOT / "examples" / "chapter6.toml")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as tmp:
        # Cold as on a new machine: no Text or LaTeX kept from earlier renders.
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        out = Path(tmp) / "out"
        build = [*OPTIROLL, "build", str(args.figures), "--out", str(out), *jobs]
        cold, cold_cpu, cold_summary = timed(build)
        # optiroll's source is part of the cache key: an edit in between re-renders (and says so).
        cached, _, cached_summary = timed(build)
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache-serial")  # cold as well
        serial = one_by_one(args.figures, Path(tmp))
        files = sorted(
            p.name for p in out.iterdir() if p.suffix in {".gif", ".mp4", ".webm", ".png"}
        )
    print(f"{args.figures.name}: {len(files)} files, {cores} cores, jobs {args.jobs or cores}")
    print(f"  {'cold build':<34} {cold:6.1f} s   target < 60 s   (CPU {cold_cpu:.1f} s)")
    print(f"    {cold_summary}")
    print(f"  {'cached build':<34} {cached:6.2f} s   target < 2 s")
    print(f"    {cached_summary}")
    print(f"  {'optiroll render, one after another':<34} {serial:6.1f} s   (baseline)")


if __name__ == "__main__":
    main()
