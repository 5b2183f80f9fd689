"""Render jobs in worker processes (each imports Manim once) and report overall progress.

The workers end with the build, however it ends: on Ctrl-C, SIGTERM or SIGHUP the build stops
them (SIGTERM: each removes its unfinished files and exits), and a worker whose build was killed
outright notices (the kernel's parent-death signal on Linux, else a watch on its parent's pid)
and does the same.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from ..cores import usable_cores
from ..errors import OptirollError
from ..plan.request import RenderRequest
from ..signals import exit_code, stop_on_signals
from .figures_file import resolve_figure

# files done, files in all, frames done, frames in all
Progress = Callable[[int, int, int, int], None]
PROGRESS_EVERY = 5  # frames between progress messages from a worker
PARENT_POLL = 0.5  # seconds between a worker's looks at whether its build is still there
STOP_GRACE = 10.0  # seconds a stopped worker has to clean up before it is killed
# When a build is killed outright, multiprocessing's resource tracker (which outlives it) removes
# the locks it held, and would warn about "leaked semaphore objects": the cleanup working, not
# news. It takes its warning filters from this process's -W options when it starts.
QUIET_TRACKER = "ignore:resource_tracker:UserWarning"


@dataclass(frozen=True)
class Job:
    """One file to render; plain values only, so it pickles (surfaces hold functions).

    An animation's job may carry its figure's `poster`: that file's own job (its name, request
    and key), written from this render's last frame and published with it (see `render`).
    """

    figure: str
    file_name: str
    request: RenderRequest  # its format is this file's
    experiment_args: dict[str, Any]
    key: str
    frames: int  # expected, for the progress display until the worker reports its own count
    poster: Job | None = None
    runs: int = 1  # trajectories drawn in each frame

    @property
    def work(self) -> int:
        """About how much drawing the job takes: frames, weighted by the runs each draws. A
        frame's fixed parts cost about two runs' worth (a build's single figure, 2-run and
        4-run comparisons take 1 : 1.6 : 1.9 of the CPU per frame)."""
        return self.frames * (2 + self.runs)

    @property
    def files(self) -> tuple[Job, ...]:
        """The jobs of the files this one writes: itself, and its poster's."""
        return (self,) if self.poster is None else (self, self.poster)


@dataclass(frozen=True)
class Outcome:
    job: Job
    seconds: float
    error: str | None = None


_worker_queue: Any = None
_worker_import_error: str | None = None
# A stop is under way: a further one (the pool terminates every worker once one has ended) must
# not cut its cleanup short.
_worker_stopping = False


def _init_worker(progress_queue: Any, build: int) -> None:
    """Tie the worker's life to the build's (process `build`), then import Manim once; a
    missing extra fails each job with the install hint. In a worker with a core to spare, the
    encoder process of one render serves the next (`keep_encoders`): it starts once, like
    Manim."""
    global _worker_queue, _worker_import_error
    _worker_queue = progress_queue
    _end_with(build)
    from ..render.background import keep_encoders
    from ..render.pipeline import import_manim

    keep_encoders()

    try:
        import_manim()
    except OptirollError as err:
        _worker_import_error = str(err)


def _end_with(build: int) -> None:
    """The build handles Ctrl-C and stops its workers with SIGTERM; a worker whose build is
    gone, however it went, stops itself the same way."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        try:
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
        except (OSError, AttributeError):
            pass  # the watch below still notices
    threading.Thread(target=_watch, args=(build,), daemon=True, name="watch-build").start()


def _watch(build: int) -> None:
    while os.getppid() == build:  # an orphan is adopted by another process
        time.sleep(PARENT_POLL)
    os.kill(os.getpid(), signal.SIGTERM)


def _stop(signum: int, frame: FrameType | None) -> None:
    """Between jobs: end now, once. (A job stops on signals as any command does, remembering
    the stop and removing its files; `_render_job` then ends the worker.)"""
    global _worker_stopping
    if not _worker_stopping:
        _worker_stopping = True
        _exit(128 + signum)


def _exit(code: int) -> None:
    """End the worker now, from inside the pool's loop (which would catch SystemExit), after
    multiprocessing's exit handlers: they release the locks libraries made (tqdm's), which the
    resource tracker would otherwise report as leaked."""
    from multiprocessing.util import _exit_function

    _exit_function()
    os._exit(code)


def _render_job(job: Job, out_dir: Path, encode_here: bool) -> float:
    global _worker_stopping
    from ..render.pipeline import render

    if _worker_import_error:
        raise OptirollError(_worker_import_error)
    settings, experiment = resolve_figure(job.request, job.experiment_args)

    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            _worker_queue.put((job.file_name, done, total))

    poster = out_dir / job.poster.file_name if job.poster else None
    started = time.perf_counter()
    try:
        with stop_on_signals():
            render(
                settings,
                experiment,
                out_dir / job.file_name,
                progress,
                poster=poster,
                encode_here=encode_here,
            )
    except KeyboardInterrupt as stop:  # only a stop arrives so: SIGINT is ignored here
        _worker_stopping = True
        _exit(exit_code(stop))
    return time.perf_counter() - started


def run_here(job: Job, out_dir: Path) -> Outcome:
    """A terminal figure's output, written in this process (it needs no Manim)."""
    from .terminal_figure import write_output

    started = time.perf_counter()
    try:
        write_output(job.request, job.experiment_args, out_dir / job.file_name)
    except OptirollError as err:
        return Outcome(job, 0.0, _describe(err))
    return Outcome(job, time.perf_counter() - started)


def _describe(err: BaseException) -> str:
    if isinstance(err, BrokenProcessPool):
        return "its render process died (killed, or out of memory)"
    text = " ".join(str(err).split())
    return text if isinstance(err, OptirollError) else f"{type(err).__name__}: {text}"


def hand_out_order(jobs: list[Job]) -> list[Job]:
    """The order jobs are handed to workers: most work first, so the last worker to finish is
    not the one left with the biggest file; posters (a moment each) last, when their figure's
    text is made and cached, not made twice by two workers at once."""
    return sorted(jobs, key=lambda job: (job.request.format == "png", -job.work))


def encodes_here(workers: int, cores: int) -> bool:
    """Whether the workers encode their files themselves (see `local_encoder.py`): yes when
    every core has a worker drawing, as an encoder process would only take a core from another
    worker. (Also for a build's last job, when the others' cores come free: its encoder process
    would cost more to start than it gains; 4% of a cold `examples/chapter6.toml` build.)"""
    return workers >= cores


def run_jobs(
    jobs: list[Job],
    out_dir: Path,
    workers: int,
    progress: Progress | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Render every job, `workers` at a time: an Outcome for each file (a job's and its
    poster's alike, a failing job's with its error)."""
    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    if QUIET_TRACKER not in sys.warnoptions:
        sys.warnoptions.append(QUIET_TRACKER)
    messages = context.Queue()
    files = [file for job in jobs for file in job.files]
    frames_done = {file.file_name: 0 for file in files}
    frames_all = {file.file_name: file.frames for file in files}
    outcomes: list[Outcome] = []
    waiting = hand_out_order(jobs)
    workers = max(1, min(workers, len(jobs)))
    here = encodes_here(workers, usable_cores())

    def finish(job: Job, seconds: float, error: str | None = None) -> None:
        """The outcomes of `job`'s files: its poster's took no render of its own."""
        for file in job.files:
            frames_done[file.file_name] = frames_all[file.file_name]
            outcome = Outcome(file, seconds if file is job else 0.0, error)
            outcomes.append(outcome)
            if on_done:
                on_done(outcome)

    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(messages, os.getpid()),
    ) as pool:
        running: dict[Future, Job] = {}
        try:
            # A job is handed out only when a worker is free: after a stop nothing queued starts.
            while waiting or running:
                while waiting and len(running) < workers:
                    job = waiting.pop(0)
                    try:
                        running[pool.submit(_render_job, job, out_dir, here)] = job
                    except BrokenProcessPool as err:  # a worker died: no more can start
                        finish(job, 0.0, f"not rendered: {_describe(err)}")
                finished, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
                _drain(messages, frames_done, frames_all)
                for future in finished:
                    job = running.pop(future)
                    try:
                        seconds = future.result()
                    except Exception as err:  # noqa: BLE001 - any failure belongs to this figure
                        finish(job, 0.0, _describe(err))
                    else:
                        finish(job, seconds)
                if progress:
                    progress(
                        len(outcomes),
                        len(files),
                        sum(frames_done.values()),
                        sum(frames_all.values()),
                    )
        except BaseException:  # Ctrl-C, SIGTERM, SIGHUP: the workers clean up and end too
            pool.shutdown(wait=False, cancel_futures=True)
            _stop_workers()
            raise
    return outcomes


def _stop_workers() -> None:
    """SIGTERM to every worker (each removes its unfinished files), SIGKILL to a straggler."""
    workers = multiprocessing.active_children()
    for worker in workers:
        worker.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            worker.kill()
            worker.join()


def _drain(messages: Any, frames_done: dict[str, int], frames_all: dict[str, int]) -> None:
    while True:
        try:
            name, done, total = messages.get_nowait()
        except queue.Empty:
            return
        frames_done[name], frames_all[name] = done, total
