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
from .errors import OptirollError
from .optim.experiment import Experiment, build_experiment
from .optim.registry import parse_number


class OneLineErrors(click.Group):
    """Every user error, Click's own included, becomes one line on stderr and exit code 2."""

    def main(self, args: Any = None, prog_name: Any = None, standalone_mode: bool = True, **kw: Any):
        try:
            code = super().main(args, prog_name or "optiroll", standalone_mode=False, **kw)
        except click.exceptions.Abort:
            click.echo("optiroll: interrupted", err=True)
            sys.exit(130)
        except click.ClickException as err:
            message = " ".join(err.format_message().split())
            click.echo(f"optiroll: error: {message}", err=True)
            sys.exit(err.exit_code)
        except OptirollError as err:
            click.echo(f"optiroll: error: {err}", err=True)
            sys.exit(2)
        sys.exit(code if isinstance(code, int) else 0)


def experiment_options(command: Callable) -> Callable:
    """The options every command that runs optimizers shares; passes `experiment` on."""

    @click.option("--preset", "-p", default=None, metavar="NAME",
                  help="A named comparison (see `optiroll list`); default: book.")
    @click.option("--optimizer", "-o", "optimizers", multiple=True, metavar="NAME[:k=v,...]",
                  help="Optimizer with optional hyper-parameters, repeatable: "
                  "-o momentum:lr=0.3,momentum=0.8. Default: the preset's.")
    @click.option("--surface", "-s", default=None, metavar="NAME",
                  help="Loss surface; default: the preset's.")
    @click.option("--start", nargs=2, default=None, metavar="X Y",
                  help="Start point; default: the preset's (the surface's).")
    @click.option("--steps", "-n", type=int, default=None,
                  help="Number of updates (a run has steps+1 points); default: the preset's.")
    @functools.wraps(command)
    def wrapper(preset, optimizers, surface, start, steps, **kwargs):
        if start is not None:
            start = (parse_number(start[0], "start x"), parse_number(start[1], "start y"))
        kwargs["experiment"] = build_experiment(preset, optimizers, surface, start, steps)
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

    click.echo(describe_all())


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
    click.echo(fmt(experiment, trajectories), nl=not as_csv)


@cli.command()
@experiment_options
@click.option("--fps", type=float, default=10.0, show_default=True, help="Frames per second.")
@click.option("--loop", is_flag=True, help="Start again after the last step.")
@click.option("--record", type=click.Path(dir_okay=False), default=None, metavar="FILE.cast",
              help="Also write the animation as an asciicast v2 file.")
@click.option("--no-color", is_flag=True, help="No colours (the NO_COLOR variable does the same).")
def play(experiment: Experiment, fps: float, loop: bool, record: str | None, no_color: bool) -> None:
    """Animate the optimizers in the terminal: space pauses, arrows step, q quits.

    Example: optiroll play -o momentum:lr=0.3 -o sgd:lr=0.95
    """
    from .scenes.terminal import play_in_terminal

    play_in_terminal(experiment, fps=fps, loop=loop, record=record, color=not no_color)


main = cli
