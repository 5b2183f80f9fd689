"""Render jobs in worker processes (each imports Manim once) and report overall progress."""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OptirollError
from ..plan.request import RenderRequest
from .figures_file import resolve_figure

# files done, files in all, frames done, frames in all
Progress = Callable[[int, int, int, int], None]
PROGRESS_EVERY = 5  # frames between progress messages from a worker


@dataclass(frozen=True)
class Job:
    """One file to render; plain values only, so it pickles (surfaces hold functions)."""

    figure: str
    file_name: str
    request: RenderRequest  # its format is this file's
    experiment_args: dict[str, Any]
    key: str
    frames: int  # expected, for the progress display until the worker reports its own count


@dataclass(frozen=True)
class Outcome:
    job: Job
    seconds: float
    error: str | None = None


_worker_queue: Any = None
_worker_import_error: str | None = None


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _init_worker(progress_queue: Any) -> None:
    """Import Manim once per worker; a missing extra fails each job with the install hint."""
    global _worker_queue, _worker_import_error
    _worker_queue = progress_queue
    from ..render.pipeline import import_manim

    try:
        import_manim()
    except OptirollError as err:
        _worker_import_error = str(err)


def _render_job(job: Job, out_dir: Path) -> float:
    from ..render.pipeline import render

    if _worker_import_error:
        raise OptirollError(_worker_import_error)
    settings, experiment = resolve_figure(job.request, job.experiment_args)

    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            _worker_queue.put((job.file_name, done, total))

    started = time.perf_counter()
    render(settings, experiment, out_dir / job.file_name, progress)
    return time.perf_counter() - started


def _describe(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text if isinstance(err, OptirollError) else f"{type(err).__name__}: {text}"


def run_jobs(
    jobs: list[Job],
    out_dir: Path,
    workers: int,
    progress: Progress | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Render every job, `workers` at a time; a failing job is an Outcome with its error."""
    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    messages = context.Queue()
    frames_done = {job.file_name: 0 for job in jobs}
    frames_all = {job.file_name: job.frames for job in jobs}
    outcomes: list[Outcome] = []
    # Longest first, so the last worker to finish is not the one left with the biggest file.
    waiting = sorted(jobs, key=lambda job: job.frames)
    workers = max(1, min(workers, len(jobs)))
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(messages,)
    ) as pool:
        running: dict[Future, Job] = {}
        # A job is handed out only when a worker is free: on Ctrl-C (which the workers get too,
        # and abort on, leaving no file behind) nothing queued starts after the interrupt.
        while waiting or running:
            while waiting and len(running) < workers:
                job = waiting.pop()
                running[pool.submit(_render_job, job, out_dir)] = job
            finished, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
            _drain(messages, frames_done, frames_all)
            for future in finished:
                job = running.pop(future)
                try:
                    outcome = Outcome(job, future.result())
                except Exception as err:  # noqa: BLE001 - any failure belongs to this figure
                    outcome = Outcome(job, 0.0, _describe(err))
                frames_done[job.file_name] = frames_all[job.file_name]
                outcomes.append(outcome)
                if on_done:
                    on_done(outcome)
            if progress:
                progress(
                    len(outcomes), len(jobs), sum(frames_done.values()), sum(frames_all.values())
                )
    return outcomes


def _drain(messages: Any, frames_done: dict[str, int], frames_all: dict[str, int]) -> None:
    while True:
        try:
            name, done, total = messages.get_nowait()
        except queue.Empty:
            return
        frames_done[name], frames_all[name] = done, total
