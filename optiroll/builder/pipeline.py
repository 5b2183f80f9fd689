"""A build: plan the files of every figure, render the stale ones, write snippets and index.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..folders import make_folder
from ..optim.experiment import Experiment, build_experiment
from ..plan.settings import RenderSettings
from ..plan.timeline import PACED_SCENES, expected_frames, figure_timeline
from ..render.pipeline import POSTER_SOURCES
from ..writes import sweep, write_text_atomically
from .cache import BuildCache, output_file, readable, render_key
from .figures_file import POSTER_FORMAT, FiguresFile
from .runner import Job, Outcome, Progress, run_here, run_jobs
from .snippets import INDEX, index, snippet
from .terminal_figure import SCENE as TERMINAL
from .terminal_figure import terminal_key


@dataclass
class BuildReport:
    out_dir: Path
    cached: list[str] = field(default_factory=list)
    rendered: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    snippets: list[str] = field(default_factory=list)


def default_out_dir(figures_path: Path) -> Path:
    """media/<the figures file's name>/, under the current directory."""
    return Path("media") / Path(figures_path).stem


def plan(
    figures_file: FiguresFile, out_dir: Path, cache: BuildCache, force: bool = False
) -> tuple[list[Job], list[str]]:
    """The files to render and the files already up to date. A stale poster whose figure also
    renders a stale animation of the same settings but the format is taken from that render
    (`Job.poster`), not rendered again."""
    jobs, fresh = [], []
    for figure in figures_file.figures:
        stale: dict[str, tuple[Job, RenderSettings | None]] = {}
        for fmt in figure.outputs:
            request = figure.request_for(fmt)
            settings = None
            if figure.terminal:
                experiment = build_experiment(**figure.experiment_args)
                key = terminal_key(request, experiment)
            else:
                settings, experiment = figure.resolve(fmt)
                key = render_key(settings, experiment)
            name = figure.file_name(fmt)
            if not force and cache.is_fresh(out_dir, name, key):
                fresh.append(name)
                continue
            frames = experiment.steps + 1 if figure.terminal else _frames(settings, experiment)
            runs = len(experiment.optimizers)
            job = Job(figure.name, name, request, figure.experiment_args, key, frames, runs=runs)
            stale[fmt] = (job, settings)
        jobs.extend(_with_poster(stale))
    return jobs, fresh


def _with_poster(stale: dict[str, tuple[Job, RenderSettings | None]]) -> list[Job]:
    """The figure's stale jobs, its poster's joined to the first animation it can be taken
    from: one whose settings, made a PNG's, are the poster's (a video's; a GIF's when the figure
    has no video, see `Figure.poster_sized_as`)."""
    jobs = {fmt: job for fmt, (job, _) in stale.items()}
    poster, still = stale.get(POSTER_FORMAT, (None, None))
    if poster is None or still is None:
        return list(jobs.values())
    for fmt, (job, settings) in stale.items():
        if fmt in POSTER_SOURCES and settings is not None:
            if replace(settings, format=POSTER_FORMAT, max_bytes=None) == still:
                jobs[fmt] = replace(job, poster=poster)
                del jobs[POSTER_FORMAT]
                break
    return list(jobs.values())


def _frames(settings: RenderSettings, experiment: Experiment) -> int:
    """About how many frames a file takes, for the progress line: a poster's one, a 2D figure's
    paced timeline, else every step in the same time."""
    if settings.format == POSTER_FORMAT:
        return 1
    if settings.scene in PACED_SCENES:
        return figure_timeline(settings, experiment, experiment.run()).frames
    return expected_frames(settings, experiment.steps)


def build(
    figures_file: FiguresFile,
    out_dir: Path,
    workers: int,
    force: bool = False,
    progress: Progress | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> BuildReport:
    """Render what changed into `out_dir` (nothing is written outside it) and index it."""
    make_folder(out_dir)
    sweep(out_dir)  # what a killed build left here
    report = BuildReport(out_dir)
    cache = BuildCache(out_dir)
    jobs, report.cached = plan(figures_file, out_dir, cache, force)

    def finished(outcome: Outcome) -> None:
        if outcome.error is None:
            cache.record(out_dir, outcome.job.file_name, outcome.job.key)
            report.rendered.append(outcome)
        else:
            report.failed.append(outcome)
        if on_done:
            on_done(outcome)

    # A terminal figure takes milliseconds and no Manim: written here, not by a render process.
    for job in jobs:
        if job.request.scene == TERMINAL:
            finished(run_here(job, out_dir))
    rendered = [job for job in jobs if job.request.scene != TERMINAL]
    if rendered:
        run_jobs(rendered, out_dir, workers, progress, finished)
    snippets = {}
    for figure in figures_file.figures:
        files = [output_file(out_dir, figure.file_name(fmt)) for fmt in figure.outputs]
        if all(readable(f) for f in files):
            snippets[figure.name] = snippet(figure, out_dir, figures_file.base_url)
            _write_if_changed(out_dir / f"{figure.name}.md", snippets[figure.name])
            report.snippets.append(f"{figure.name}.md")
    _write_if_changed(out_dir / INDEX, index(figures_file, snippets))
    return report


def _write_if_changed(path: Path, text: str) -> None:
    """Write atomically, and not at all when the file already says this (its mtime stays)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    write_text_atomically(path, text)
