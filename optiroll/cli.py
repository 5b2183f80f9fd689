"""The `optiroll` command: a thin Click layer over `optim` (math) and `scenes` (pictures).

Manim is imported only by `render`, and only when it runs, so `list`, `trace` and `play` start fast
and work without the `render` extra.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from . import __version__
from .errors import OptirollError, OptirollFailure, failure, printable
from .optim.experiment import Experiment, build_experiment
from .optim.registry import parse_number
from .plan.settings import HOLD_SECONDS, SCENES


def _err(line: str) -> None:
    """One line on stderr, its user text made printable; a terminal gone (SIGHUP) is no error."""
    try:
        click.echo(printable(line), err=True)
    except OSError:
        pass


def _out(text: str, nl: bool = True) -> None:
    """Write to stdout; a closed pipe or a full disk there is one line and exit code 1."""
    try:
        click.echo(text, nl=nl)
    except OSError as err:
        _silence_stdout()
        raise OptirollFailure(f"cannot write to standard output: {err.strerror or err}") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of what could not be written
    does not print a second error."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class OneLineErrors(click.Group):
    """Every error becomes one line on stderr with its exit code: 2 for a bad argument (Click's
    own errors included), 1 for a failure of the environment (a full disk, a closed stdout), and
    128 + the signal's number for Ctrl-C (130), SIGHUP (129) and SIGTERM (143), which all stop
    the command as Ctrl-C does."""

    def main(
        self, args: Any = None, prog_name: Any = None, standalone_mode: bool = True, **kw: Any
    ):
        from .signals import describe, exit_code, stop_on_signals

        try:
            if sys.stdout is None:  # started with stdout closed (>&-)
                raise OptirollFailure("standard output is closed")
            with stop_on_signals():
                code = super().main(args, prog_name or "optiroll", standalone_mode=False, **kw)
        except click.exceptions.Abort as err:
            stop = err.__cause__ if isinstance(err.__cause__, KeyboardInterrupt) else err
            _err(f"optiroll: {describe(stop)}")
            sys.exit(exit_code(stop))
        except click.ClickException as err:
            _err(f"optiroll: error: {' '.join(err.format_message().split())}")
            sys.exit(err.exit_code)
        except OptirollError as err:
            _err(f"optiroll: error: {err}")
            sys.exit(2)
        except OptirollFailure as err:
            _err(f"optiroll: error: {err}")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        # Any other OSError is the environment's (Click would also end a broken pipe silently).
        try:
            return super().invoke(ctx)
        except OSError as err:
            raise failure(err) from None


def experiment_options(command: Callable | None = None, *, objective: bool = False) -> Callable:
    """The options every command that runs optimizers shares; passes `experiment` on, tuned
    when --tune asks (the search's lines on stderr), and with `objective` the Objective too."""
    if command is None:
        return functools.partial(experiment_options, objective=objective)

    @click.option(
        "--preset",
        "-p",
        default=None,
        metavar="NAME",
        help="A named comparison (see `optiroll list`); default: book.",
    )
    @click.option(
        "--optimizer",
        "-o",
        "optimizers",
        multiple=True,
        metavar="NAME[:k=v,...]",
        help="Optimizer with optional hyper-parameters, repeatable: "
        "-o momentum:lr=0.3,momentum=0.8. Default: the preset's.",
    )
    @click.option(
        "--surface",
        "-s",
        default=None,
        metavar="NAME",
        help="Loss surface: a name, rotated:angle=30, or a formula 'expr:x**2/20 + y**2'; "
        "default: the preset's.",
    )
    @click.option(
        "--start",
        nargs=2,
        default=None,
        metavar="X Y",
        help="Start point; default: the preset's (the surface's).",
    )
    @click.option(
        "--steps",
        "-n",
        type=int,
        default=None,
        help="Number of updates (a run has steps+1 points); default: the preset's.",
    )
    @click.option(
        "--window",
        nargs=4,
        default=None,
        metavar="X_MIN X_MAX Y_MIN Y_MAX",
        help="The view window; default: the surface's (expr: -10 10 -5 5, the book's).",
    )
    @click.option(
        "--seed",
        type=int,
        default=0,
        show_default=True,
        help="Seeds gradient noise (noise=SIGMA in a spec) and random starts: the same seed, "
        "the same figure.",
    )
    @click.option(
        "--tune",
        is_flag=True,
        help="A fair race: each optimizer's learning rate and second value (momentum, decay "
        "rate, beta1) chosen on a grid, the same number of trials and steps for all.",
    )
    @click.option(
        "--budget", type=int, default=None, help="--tune: settings tried per optimizer (48)."
    )
    @click.option(
        "--objective",
        type=click.Choice(["loss", "steps"]),
        default=None,
        help="What --tune (and sweep) minimize: the final loss (default), or the steps until "
        "the loss is within --threshold of the surface's lowest minimum.",
    )
    @click.option(
        "--threshold", type=float, default=None, help="--objective steps: how close (0.001)."
    )
    @functools.wraps(command)
    def wrapper(
        preset, optimizers, surface, start, steps, window, seed, tune, budget, threshold, **kwargs
    ):
        if start is not None:
            start = (parse_number(start[0], "start x"), parse_number(start[1], "start y"))
        if window is not None:
            names = ("window x_min", "window x_max", "window y_min", "window y_max")
            window = tuple(parse_number(v, name) for v, name in zip(window, names, strict=True))
        experiment = build_experiment(preset, optimizers, surface, start, steps, window, seed)
        goal = _objective(kwargs.pop("objective"), threshold)
        if tune:
            experiment = _tuned(experiment, goal, budget)
        elif budget is not None or (goal is not None and not objective):
            raise OptirollError("--budget, --objective and --threshold go with --tune")
        if objective:
            kwargs["objective"] = goal
        kwargs["experiment"] = experiment
        return command(**kwargs)

    return wrapper


def _objective(kind: str | None, threshold: float | None) -> Any:
    """The Objective --objective and --threshold give, or None when neither is given."""
    if kind is None and threshold is None:
        return None
    from .optim.sweep import DEFAULT_THRESHOLD, Objective

    if threshold is not None and kind != "steps":
        raise OptirollError("--threshold goes with --objective steps")
    return Objective(kind or "loss", DEFAULT_THRESHOLD if threshold is None else threshold)


def _tuned(experiment: Experiment, goal: Any, budget: int | None) -> Experiment:
    """`experiment` with each optimizer the best of its grid; what was searched and what won
    on stderr."""
    from .optim.sweep import FINAL_LOSS
    from .optim.tune import DEFAULT_BUDGET, tune
    from .reports import tuning_lines

    tuned = tune(experiment, goal or FINAL_LOSS, DEFAULT_BUDGET if budget is None else budget)
    for line in tuning_lines(tuned):
        _err(line)
    return tuned


def cloud_options(command: Callable) -> Callable:
    """--starts and --balls, passed on as `cloud` (a CloudSpec, None when neither is given)."""

    @click.option(
        "--starts",
        default=None,
        type=click.Choice(["grid", "random", "point"]),
        help="Where the balls of a cloud start: a grid over the window (default), seeded "
        "random points, or all at --start (the spread of noisy runs).",
    )
    @click.option("--balls", type=int, default=None, help="How many balls (400; at most 20000).")
    @functools.wraps(command)
    def wrapper(starts: str | None, balls: int | None, **kwargs):
        from .optim.cloud import DEFAULT_BALLS, CloudSpec

        given = starts is not None or balls is not None
        count = DEFAULT_BALLS if balls is None else balls
        kwargs["cloud"] = CloudSpec(starts or "grid", count) if given else None
        return command(**kwargs)

    return wrapper


def sweep_options(command: Callable) -> Callable:
    """--x, --y and --cells, passed on as `sweep_axes` (Axis objects; none when not given)."""

    @click.option(
        "--x",
        "x_axis",
        default=None,
        metavar="NAME=LOW:HIGH[:log]",
        help="A map's x axis: a hyper-parameter and its range (default lr=0.001:3, in log).",
    )
    @click.option(
        "--y",
        "y_axis",
        default=None,
        metavar="NAME=LOW:HIGH[:log]",
        help="A map's y axis, for the optimizers that have it (default: momentum, decay_rate or "
        "beta1 over its useful range; SGD and AdaGrad get one row).",
    )
    @click.option("--cells", type=int, default=None, help="Cells along each axis (64).")
    @functools.wraps(command)
    def wrapper(x_axis: str | None, y_axis: str | None, cells: int | None, **kwargs):
        from .optim.sweep import DEFAULT_CELLS, parse_axis

        size = DEFAULT_CELLS if cells is None else cells
        texts = [x_axis or ("lr" if y_axis or cells is not None else None), y_axis]
        kwargs["sweep_axes"] = tuple(parse_axis(t, size) for t in texts if t is not None)
        return command(**kwargs)

    return wrapper


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="optiroll")
def cli() -> None:
    """Animate the optimizers of Deep Learning from Scratch ch. 6 rolling on a loss surface.

    \b
    Examples:
      optiroll list
      optiroll trace -o momentum:lr=0.3 --steps 20
      optiroll render
    """


@cli.command("list")
def list_command() -> None:
    """List optimizers (rule, defaults), surfaces (formula, window, start) and presets.

    Example: optiroll list
    """
    from .catalog import describe_all

    _out(describe_all())


@cli.command()
@experiment_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (one row per optimizer and step).")
def trace(experiment: Experiment, as_json: bool, as_csv: bool) -> None:
    """Run optimizers and print each path: step, x, y, loss and the optimizer's state.

    Example: optiroll trace -o sgd:lr=0.95 -o adam:lr=0.3 --steps 10 --csv
    """
    from . import tables

    if as_json and as_csv:
        raise OptirollError("choose one of --json and --csv")
    trajectories = experiment.run()
    fmt = tables.as_json if as_json else tables.as_csv if as_csv else tables.as_table
    _out(fmt(experiment, trajectories), nl=not as_csv)


@cli.command()
@experiment_options
@cloud_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: every ball.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (one row per optimizer and ball).")
def cloud(experiment: Experiment, cloud: Any, as_json: bool, as_csv: bool) -> None:
    """Roll many balls at once from a grid over the window (or random points, or one point)
    and tell where each ends: which minimum, not converged, or diverged.

    \b
    Examples:
      optiroll cloud -p himmelblau -o sgd:lr=0.01 -o adam:lr=0.1 --steps 200
      optiroll cloud -o sgd:lr=0.1,noise=1 --starts point --balls 1000 --seed 3 --json
    """
    from . import reports
    from .optim.cloud import CloudSpec, roll_cloud

    if as_json and as_csv:
        raise OptirollError("choose one of --json and --csv")
    rolled = roll_cloud(experiment, cloud or CloudSpec())
    fmt = reports.cloud_json if as_json else reports.cloud_csv if as_csv else reports.cloud_table
    _out(fmt(rolled), nl=not as_csv)


@cli.command()
@experiment_options(objective=True)
@sweep_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: every cell.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (one row per optimizer and cell).")
@click.option(
    "--output",
    "-O",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE.svg",
    help="Also draw the maps as an SVG (for PNG, GIF or video: optiroll render sweep).",
)
@click.option("--theme", default="light", show_default=True, type=click.Choice(["light", "dark"]))
@click.option("--lang", default="en", show_default=True, type=click.Choice(["en", "ko"]))
def sweep(
    experiment: Experiment,
    objective: Any,
    sweep_axes: tuple,
    as_json: bool,
    as_csv: bool,
    output: str | None,
    theme: str,
    lang: str,
) -> None:
    """Map each optimizer's outcome over two hyper-parameters (learning rate x momentum,
    decay rate or beta1): the final loss, or the steps to a threshold; divergence apart.

    \b
    Examples:
      optiroll sweep -o sgd -o momentum -o adam           # tables of the maps
      optiroll sweep -o momentum --x lr=0.01:2 --y momentum=0:0.99 --cells 32 --csv
      optiroll sweep -o sgd -o adam --objective steps -O maps.svg
      optiroll render sweep -o sgd -o adam -f png         # the still, drawn by Manim
    """
    from . import reports
    from .optim.sweep import FINAL_LOSS
    from .optim.sweep import sweep as sweep_maps

    if as_json and as_csv:
        raise OptirollError("choose one of --json and --csv")
    target = _svg_target(output)
    maps = sweep_maps(experiment, sweep_axes, objective or FINAL_LOSS)
    fmt = reports.sweep_json if as_json else reports.sweep_csv if as_csv else reports.sweep_table
    _out(fmt(maps), nl=not as_csv)
    if target is not None:
        from dataclasses import replace

        from .optim.sweep import SweepSpec
        from .plan.request import RenderRequest
        from .web.sweep_svg import write_svg

        settings = RenderRequest(scene="sweep", theme=theme, lang=lang).resolve()
        write_svg(maps, target, replace(settings, sweep=SweepSpec(sweep_axes, maps.objective)))
        _err(f"wrote {printable(str(target))}")


def _svg_target(output: str | None) -> Any:
    """The checked path of sweep's --output, which must end in .svg."""
    if output is None:
        return None
    from pathlib import Path

    from .folders import check_name, check_target

    check_name(output, "--output")
    target = Path(output)
    if target.suffix.lower() != ".svg":
        raise OptirollError(
            f"sweep writes an SVG (--output {output}); for PNG, GIF or video use "
            "optiroll render sweep"
        )
    return check_target(target, "--output")


@cli.command()
@experiment_options
@click.option("--fps", type=float, default=10.0, show_default=True, help="Frames per second.")
@click.option("--loop", is_flag=True, help="Start again after the last step.")
@click.option(
    "--record",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE.cast|FILE.svg",
    help="Also write the animation: .cast an asciicast v2, .svg an animated SVG.",
)
@click.option("--no-color", is_flag=True, help="No colours (the NO_COLOR variable does the same).")
def play(
    experiment: Experiment, fps: float, loop: bool, record: str | None, no_color: bool
) -> None:
    """Animate the optimizers in the terminal: space pauses, arrows step, q quits.

    Example: optiroll play -o momentum:lr=0.3 -o sgd:lr=0.95
    """
    from .terminal.player import play_in_terminal

    play_in_terminal(experiment, fps=fps, loop=loop, record=record, color=not no_color)


@cli.command()
@click.argument("scene", required=False, default="compare", type=click.Choice(list(SCENES)))
@experiment_options(objective=True)
@cloud_options
@sweep_options
@click.option(
    "--format",
    "-f",
    "fmt",
    default=None,
    type=click.Choice(["gif", "mp4", "webm", "png", "html", "slides"]),
    help="Output format (png: the final frame; html: an interactive page; slides: the lecture "
    "as a folder to present from). Default: from --output, else gif (lecture and surface3d: mp4).",
)
@click.option(
    "--output",
    "-O",
    type=click.Path(),
    default=None,
    help="Where to write; default: a descriptive name under media/ that replaces nothing.",
)
@click.option(
    "--quality",
    "-q",
    default=None,
    type=click.Choice(["preview", "blog", "lecture", "4k"]),
    help="GIF 426x240/854x480/1280x720/1920x1080, video 640x360/1280x720/1920x1080/4K. "
    "Default: blog (lecture for the lecture scene).",
)
@click.option(
    "--fps",
    type=float,
    default=None,
    help="Frames per second (GIF: 10, 12.5, 20, 25 or 50). Default: from --quality.",
)
@click.option(
    "--seconds-per-step",
    type=float,
    default=None,
    help="Default: 0.2. Explain and lecture: 4, for each of the first steps, whose numbers "
    "are worked through; later steps speed up in proportion.",
)
@click.option("--theme", default="light", show_default=True, type=click.Choice(["light", "dark"]))
@click.option("--lang", default="en", show_default=True, type=click.Choice(["en", "ko"]))
@click.option(
    "--aspect", default="16:9", show_default=True, type=click.Choice(["16:9", "1:1", "4:3"])
)
@click.option(
    "--yes",
    is_flag=True,
    help="Render even when the animation would run longer than an hour.",
)
@click.option(
    "--max-size",
    default=None,
    metavar="SIZE",
    help="GIF only: step down frame rate, colours and size until the file fits (300KB).",
)
@click.option(
    "--stretch",
    is_flag=True,
    help="Fill each panel instead of keeping x and y at the same scale (the plot says so).",
)
@click.option(
    "--loss-curve",
    is_flag=True,
    help="compare and race: add a panel of loss against step (log scale) with a moving cursor.",
)
@click.option(
    "--lr-grid",
    default=None,
    metavar="FACTORS",
    help="html: the learning rates the page switches between, as factors on every optimizer's "
    "(default 0.5,0.7,1,1.4,2).",
)
@click.option(
    "--hold",
    type=float,
    default=HOLD_SECONDS,
    show_default=True,
    metavar="SECONDS",
    help="How long the last frame stays before a GIF loops.",
)
@click.option(
    "--axes/--no-axes",
    default=True,
    show_default=True,
    help="Ticks, tick labels and axis names on the 2D plots.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    envvar="OPTIROLL_JOBS",
    help="A lecture's sections drawn at once, one process each (1: one after another); "
    "default: one per core, or OPTIROLL_JOBS.",
)
def render(
    experiment: Experiment,
    objective: Any,
    cloud: Any,
    sweep_axes: tuple,
    scene: str,
    fmt: str | None,
    output: str | None,
    yes: bool,
    quality: str | None,
    fps: float | None,
    seconds_per_step: float | None,
    theme: str,
    lang: str,
    aspect: str,
    max_size: str | None,
    stretch: bool,
    loss_curve: bool,
    lr_grid: str | None,
    hold: float,
    axes: bool,
    jobs: int | None,
) -> None:
    """Render the optimizers as an animation: GIF (default), MP4, WebM or a PNG poster.

    \b
    Examples:
      optiroll render                              # the book's comparison as a blog GIF
      optiroll render race -o sgd -o momentum:lr=0.3 --format mp4
      optiroll render single -o adam --lang ko --theme dark --quality lecture
      optiroll render explain -o adagrad           # the rule beside the ball, numbers live
      optiroll render lecture --lang ko -q preview  # a sectioned MP4 lecture, a clip per part
    """
    from pathlib import Path

    from .folders import check_name
    from .plan.request import RenderRequest
    from .plan.settings import check_scene_runs, default_output
    from .render.pipeline import check_output
    from .render.pipeline import render as render_figure

    target = Path(output) if output is not None else None
    request = RenderRequest(
        scene=scene,
        format=fmt or (target.suffix[1:].lower() if target and target.suffix else None),
        quality=quality,
        fps=fps,
        seconds_per_step=seconds_per_step,
        theme=theme,
        lang=lang,
        aspect=aspect,
        max_size=max_size,
        stretch=stretch,
        loss_curve=loss_curve,
        lr_grid=lr_grid,
        hold=hold,
        axes=axes,
    ).with_defaults()
    if target is not None and request.format == "slides":
        from .render.slides import check_slides_target

        target = check_slides_target(target, "--output")
    elif target is not None:
        if output and target.is_dir():
            raise OptirollError(
                f"--output {output} is a directory: name a file such as figure.gif "
                "(a lecture's --format slides is the one output that is a folder)"
            )
        check_name(output, "--output")
        if not target.suffix:
            target = target.with_suffix("." + request.format)
        elif target.suffix[1:].lower() != request.format:
            raise OptirollError(
                f"--output {output} does not end in .{request.format} (the --format)"
            )
        target = check_output(target, "--output")
    check_scene_runs(scene, len(experiment.optimizers))
    tuned = any(o.tuned is not None for o in experiment.optimizers)
    settings = _study_settings(request.resolve(), cloud, sweep_axes, None if tuned else objective)
    if lr_grid is not None and settings.format != "html":
        raise OptirollError("--lr-grid applies to --format html only")
    if target is None:
        from .folders import make_folder

        target = default_output(settings, experiment, make_folder(Path("media")))
    _err(
        f"rendering {scene} ({settings.width}x{settings.height}, {settings.fps:g} fps) to {target}"
    )
    from .cores import usable_cores

    result = render_figure(
        settings,
        experiment,
        target,
        progress=_progress_printer(),
        long_ok=yes,
        jobs=jobs or usable_cores(),
    )
    size = f"{result.bytes / 1000:.0f} KB" if result.bytes < 1e6 else f"{result.bytes / 1e6:.1f} MB"
    _out(
        f"wrote {printable(str(result.path))} ({result.width}x{result.height}, {result.fps:g} fps, "
        f"{result.frames} frames, {result.duration:.1f} s, {size})"
    )
    for note in result.given_up:
        _out(f"  to fit --max-size: {note}")
    if not result.fits:
        click.echo(
            f"warning: even with all that given up, the GIF is {size}, over --max-size {max_size}",
            err=True,
        )
    if result.sections is not None:
        _out(f"one clip per section: {printable(str(result.sections))}")
    _out(f"data and parameters: {printable(str(result.sidecar))}")


def _study_settings(settings: Any, cloud: Any, axes: tuple, objective: Any) -> Any:
    """`settings` with the cloud's starts (cloud) or the maps' axes and `objective` (sweep;
    None when --tune used it); those options are refused for other scenes."""
    from dataclasses import replace

    if settings.scene == "cloud":
        return replace(settings, cloud=cloud)
    if settings.scene == "sweep":
        from .optim.sweep import FINAL_LOSS, SweepSpec

        return replace(settings, sweep=SweepSpec(axes, objective or FINAL_LOSS))
    if cloud is not None:
        raise OptirollError("--starts and --balls go with render cloud")
    if axes:
        raise OptirollError("--x, --y and --cells go with render sweep")
    if objective is not None:
        raise OptirollError("--objective and --threshold go with --tune or render sweep")
    return settings


def _progress_printer() -> Callable[[int, int], None]:
    """Frame counts on one self-overwriting line on a terminal; quarter marks elsewhere."""
    tty = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if tty:
            end = "\n" if done >= total else ""
            click.echo(f"\r  frame {done}/{total}", nl=False, err=True)
            if end:
                click.echo("", err=True)
        elif done in {total // 4, total // 2, 3 * total // 4, total}:
            click.echo(f"  frame {done}/{total}", err=True)

    return show


@cli.command()
@click.argument("figures_path", metavar="FIGURES.toml", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Output folder; default: media/<FIGURES file's name>/. Nothing is written outside it.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Figures rendered at once, one process each; default: one per core.",
)
@click.option("--force", is_flag=True, help="Re-render every figure, even those up to date.")
def build(figures_path: str, out_dir: str | None, jobs: int | None, force: bool) -> None:
    """Render every figure of a figures file (TOML), with Markdown snippets and an index.md.

    Figures whose parameters did not change since the last build are not rendered again.

    \b
    Examples:
      optiroll init-figures post.toml && optiroll build post.toml
      optiroll build examples/chapter6.toml --out site/assets/ch6 --jobs 2
    """
    from pathlib import Path

    from .builder.figures_file import FiguresFileError, load_figures
    from .builder.pipeline import build as build_figures
    from .builder.pipeline import default_out_dir
    from .cores import usable_cores

    try:
        figures_file = load_figures(Path(figures_path))
    except FiguresFileError as err:
        for problem in err.problems:
            _err(f"optiroll: error: {problem}")
        sys.exit(2)
    if out_dir is not None and not out_dir.strip():
        raise OptirollError("--out '' names no folder")
    out = Path(out_dir) if out_dir is not None else default_out_dir(Path(figures_path))
    if out.exists() and not out.is_dir():
        raise OptirollError(f"--out {out} is not a directory")
    workers = jobs or usable_cores()
    progress, on_done = _build_progress()
    report = build_figures(figures_file, out, workers, force, progress, on_done)
    _out(
        f"{len(report.rendered)} rendered, {len(report.cached)} up to date, "
        f"{len(report.failed)} failed; snippets and index: {printable(str(out / 'index.md'))}"
    )
    for outcome in report.failed:
        _err(
            f"optiroll: error: figure '{outcome.job.figure}' ({outcome.job.file_name}): "
            f"{outcome.error}"
        )
    if report.failed:
        sys.exit(1)


def _build_progress() -> tuple[Callable[[int, int, int, int], None], Callable[[Any], None]]:
    """One overall line on a terminal (files and frames of all workers), and a line per file."""
    tty = sys.stderr.isatty()
    clear = "\r\033[K" if tty else ""

    shown = ""

    def progress(files_done: int, files: int, frames_done: int, frames: int) -> None:
        nonlocal shown
        line = f"  {files_done}/{files} files, frame {frames_done}/{frames}"
        if tty and line != shown:
            # The last update clears the line, so the summary starts on a clean one.
            click.echo(clear + (line if files_done < files else ""), nl=False, err=True)
            shown = line

    def on_done(outcome: Any) -> None:
        status = f"failed: {outcome.error}" if outcome.error else f"{outcome.seconds:.1f} s"
        click.echo(f"{clear}  {printable(outcome.job.file_name)}: {printable(status)}", err=True)

    return progress, on_done


@cli.command("init-figures")
@click.argument("path", default="figures.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def init_figures(path: str, force: bool) -> None:
    """Write a commented starter figures file (default figures.toml) for `optiroll build`.

    Example: optiroll init-figures post.toml
    """
    from pathlib import Path

    from .builder.starter import write_starter

    written = write_starter(Path(path), force)
    _out(f"wrote {written}; edit it, then: optiroll build {written}")


@cli.command()
def doctor() -> None:
    """Check what rendering needs: one line per item, OK or what is missing and how to install it.

    Exit code 0 only when every required item is present; optional ones (WARN) only warn.
    """
    from .builder.doctor import diagnose, healthy

    findings = diagnose()
    for finding in findings:
        _out(finding.line())
    if not healthy(findings):
        sys.exit(1)


main = cli


def entry() -> None:
    """The `optiroll` program: `main`, then the process ends without tearing the interpreter
    down (a third of a second after a render: every module's objects freed one by one).

    By then every output is closed, verified and renamed and the encoder process reaped; what
    remains is what atexit runs (temporary folders' finalizers, logging) and the buffered
    stdout and stderr, done here first. A flush that fails leaves the ordinary exit to report it.
    """
    import atexit
    import os

    try:
        main()
    except SystemExit as done:
        if not isinstance(done.code, int | None):
            raise
        atexit._run_exitfuncs()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            raise done from None
        os._exit(done.code or 0)
