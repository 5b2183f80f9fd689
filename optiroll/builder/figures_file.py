"""The figures file: each figure of a post and how to render it, all checked before anything renders.

A figure's render options are the fields of `RenderRequest` (so a new field there is accepted here
too), named as the CLI names them, `format` being one or a list; its experiment is
`build_experiment`'s: preset, optimizers, surface, start, steps, window. Both go through those same
code paths (`RenderRequest.resolve` applies the scene's defaults), so a figure and `optiroll render`
resolve alike.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import OptirollError, did_you_mean
from ..optim.experiment import Experiment, build_experiment
from ..plan.request import REQUEST_KINDS, RenderRequest
from ..plan.settings import RenderSettings, check_scene_runs
from . import terminal_figure
from .locate import SourceLines

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, before it joined the standard library
    import tomli as tomllib

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
RESERVED_NAMES = {"index"}  # index.md lists every figure
VIDEO_FORMATS = ("webm", "mp4")  # a snippet's <source>s in this order: the smaller first
PAGE_FORMAT = "html"  # an interactive page; its snippet falls back to the GIF or the poster
SLIDES_FORMAT = "slides"  # a lecture's slides: a folder; its snippet shows the video and links it
GIF_FORMAT = "gif"
MOVING_FORMATS = (GIF_FORMAT, *VIDEO_FORMATS, PAGE_FORMAT, SLIDES_FORMAT)
POSTER_FORMAT = "png"

# figure key -> build_experiment's parameter; problems are blamed on the first key that fails.
EXPERIMENT_KEYS = {
    "preset": "preset_name",
    "surface": "surface_name",
    "start": "start",
    "steps": "steps",
    "window": "window",
    "optimizers": "optimizer_specs",
}
TEXT_KEYS = {"alt": True, "caption": False}  # key -> required
TOP_KEYS = ("title", "base_url", "defaults", "figures")


class FiguresFileError(OptirollError):
    """Everything wrong with a figures file, one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Figure:
    """One figure: resolution inputs (plain values, so they cross to worker processes) and text."""

    name: str
    experiment_args: dict[str, Any]
    request: RenderRequest  # what the figure and [defaults] say, but the format: each output's
    formats: tuple[str, ...]
    alt: str
    caption: str

    @property
    def lang(self) -> str:
        return self.request.lang

    @property
    def terminal(self) -> bool:
        """Whether this is a terminal figure (see `terminal_figure`), drawn without Manim."""
        return self.request.scene == terminal_figure.SCENE

    @property
    def poster(self) -> str:
        """The format of the still a reader who asks for reduced motion sees."""
        return terminal_figure.POSTER if self.terminal else POSTER_FORMAT

    @property
    def outputs(self) -> tuple[str, ...]:
        """Every format rendered: the ones asked for; for a video or slides, every video format
        (browsers play different ones); and for anything that moves a PNG poster, the still a
        video shows before it plays and a reader who asks for reduced motion sees instead. A
        terminal figure's are its SVG, asciicast and poster."""
        if self.terminal:
            return terminal_figure.OUTPUTS
        added: list[str] = []
        if any(f in (*VIDEO_FORMATS, SLIDES_FORMAT) for f in self.formats):
            added.extend(VIDEO_FORMATS)
        if any(f in MOVING_FORMATS for f in self.formats):
            added.append(POSTER_FORMAT)
        return tuple(dict.fromkeys((*self.formats, *added)))

    @property
    def videos(self) -> tuple[str, ...]:
        """The video formats rendered, in the order a snippet offers them (none for an image)."""
        return tuple(f for f in VIDEO_FORMATS if f in self.outputs)

    @property
    def poster_sized_as(self) -> str | None:
        """The format whose pixel size and frame rate the PNG poster takes. A figure with a GIF and
        no video shows its poster in the GIF's place, to a reader who asks for reduced motion: at
        the GIF's size, and so taken from the GIF's own render. Else None: a video's size, which
        a video's poster is (or an interactive page's fallback, as before)."""
        return GIF_FORMAT if GIF_FORMAT in self.formats and not self.videos else None

    def file_name(self, fmt: str) -> str:
        return f"{self.name}.{fmt}"

    def request_for(self, fmt: str) -> RenderRequest:
        """The figure's request for one of its outputs; a size limit is for its GIF only, and
        its poster is sized as `poster_sized_as` says."""
        return replace(
            self.request,
            format=fmt,
            max_size=self.request.max_size if fmt == GIF_FORMAT else None,
            sized_as=self.poster_sized_as if fmt == POSTER_FORMAT else None,
        )

    def resolve(self, fmt: str) -> tuple[RenderSettings, Experiment]:
        """The settings and experiment for one format, as `render` resolves them."""
        return resolve_figure(self.request_for(fmt), self.experiment_args)


@dataclass(frozen=True)
class FiguresFile:
    path: Path
    title: str
    base_url: str
    figures: tuple[Figure, ...]


def resolve_figure(
    request: RenderRequest, experiment_args: dict[str, Any]
) -> tuple[RenderSettings, Experiment]:
    """A figure's request and `build_experiment` on its values, checked like `render`'s."""
    settings = request.resolve()
    experiment = build_experiment(**experiment_args)
    check_scene_runs(settings.scene, len(experiment.optimizers))
    return settings, experiment


_KIND_WORDS = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}


def _matches(value: Any, kind: Any) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, kind) if isinstance(kind, type) else True


def _kind_check(kind: type) -> tuple[Callable[[Any], bool], str]:
    """A type test and its words for a request field's kind."""
    return (lambda v: _matches(v, kind)), _KIND_WORDS[kind]


def _is_spec_list(value: Any) -> bool:
    """A non-empty list of specs or tables (an empty one would silently mean the preset's)."""
    return (
        bool(value) and isinstance(value, list) and all(isinstance(v, (str, dict)) for v in value)
    )


@cache
def _key_checks() -> dict[str, tuple[Callable[[Any], bool], str]]:
    """Every key a figure (or [defaults]) may have, with its type test and the type in words."""
    checks = {key: _kind_check(kind) for key, kind in REQUEST_KINDS.items()}
    checks["format"] = (
        lambda v: (
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(f, str) for f in v))
        ),
        'a format or a list of formats ("gif" or ["mp4", "webm"])',
    )
    checks.update(
        preset=(lambda v: isinstance(v, str), "a string"),
        surface=(lambda v: isinstance(v, str), "a string"),
        steps=(lambda v: _matches(v, int), "an integer"),
        start=(
            lambda v: isinstance(v, list) and len(v) == 2 and all(_matches(x, float) for x in v),
            "two numbers [x, y]",
        ),
        window=(
            lambda v: isinstance(v, list) and len(v) == 4 and all(_matches(x, float) for x in v),
            "four numbers [x_min, x_max, y_min, y_max]",
        ),
        optimizers=(
            _is_spec_list,
            'a non-empty list of specs ("momentum:lr=0.1") or tables ({ name = "momentum", lr = 0.1 })',
        ),
    )
    checks.update({key: (lambda v: isinstance(v, str), "a string") for key in TEXT_KEYS})
    return checks


FIGURE_KEYS = tuple(_key_checks())


def _spec(entry: str | dict) -> str:
    """An optimizer entry as the CLI's NAME:k=v spec, so the registry parses both alike."""
    if isinstance(entry, str):
        return entry
    values = dict(entry)
    name = values.pop("name", None)
    if not isinstance(name, str):
        raise OptirollError(
            'an optimizer table needs name = "..." (e.g. { name = "adam", lr = 0.3 })'
        )
    parts = []
    for key, value in values.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if not isinstance(value, (str, int, float)) or any(c in text for c in ",="):
            raise OptirollError(f"{name}: {key} = {value!r} is not a number, word or true/false")
        parts.append(f"{key}={text}")
    return f"{name}:{','.join(parts)}" if parts else name


def _type_name(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    return names.get(type(value), "a table" if isinstance(value, dict) else "a list")


def load_figures(path: Path) -> FiguresFile:
    """Read and check a figures file; FiguresFileError lists every problem found."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OptirollError(f"figures file '{path}' does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise OptirollError(f"cannot read figures file '{path}': {err}") from None
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as err:
        raise FiguresFileError([f"{path}: not valid TOML: {err}"]) from None
    return _Checker(path, SourceLines(source)).check(data)


class _Checker:
    """Collects problems with their file, line and key."""

    def __init__(self, path: Path, lines: SourceLines) -> None:
        self.path, self.lines, self.problems = path, lines, []

    def report(self, line: int | None, where: str, message: str) -> None:
        place = f"{self.path}:{line}" if line else f"{self.path}"
        self.problems.append(f"{place}: {where}{': ' if where else ''}{message}")

    def check(self, data: dict) -> FiguresFile:
        self._unknown_keys(data, TOP_KEYS, (), "")
        for key in ("title", "base_url"):
            if key in data and not isinstance(data[key], str):
                self.report(self.lines.key((), key), "", f"{key} must be a string")
        defaults = data.get("defaults", {})
        if not isinstance(defaults, dict):
            self.report(self.lines.key((), "defaults"), "", "defaults must be a table")
            defaults = {}
        defaults = self._defaults(defaults)
        figures = data.get("figures")
        if not isinstance(figures, dict) or not figures:
            self.report(
                None, "", "no figures: add a [figures.NAME] table for each (optiroll init-figures)"
            )
            figures = {}
        checked = []
        for name, values in figures.items():
            figure = self._figure(name, values, defaults)
            if figure is not None:
                checked.append(figure)
        if self.problems:
            raise FiguresFileError(self.problems)
        title = data.get("title") or self.path.stem
        return FiguresFile(self.path, title, data.get("base_url", ""), tuple(checked))

    def _unknown_keys(self, table: dict, known, where_path: tuple, where: str) -> list[str]:
        unknown = [k for k in table if k not in known]
        for key in unknown:
            close = did_you_mean(key, known, cutoff=0.6)
            hint = f"; did you mean '{close}'?" if close else f"; known keys: {', '.join(known)}"
            line = self.lines.key(where_path, key) or self.lines.table(where_path)
            self.report(line, where, f"unknown key '{key}'{hint}")
        return unknown

    def _check_values(self, table: dict, table_path: tuple, where: str) -> dict:
        """Report unknown keys and wrong types; the values that have neither."""
        checks = _key_checks()
        unknown = self._unknown_keys(table, checks, table_path, where)
        usable = {}
        for key, value in table.items():
            if key in unknown:
                continue
            if not checks[key][0](value):
                line = self.lines.key(table_path, key) or self.lines.table(table_path)
                self.report(line, where, f"{key} must be {checks[key][1]}, got {_type_name(value)}")
            else:
                usable[key] = value
        return usable

    def _defaults(self, defaults: dict) -> dict:
        """The [defaults] that resolve; each bad one is reported once, here, and left out."""
        usable = self._check_values(defaults, ("defaults",), "[defaults]")
        failed: list[str] = []

        def blame(key: str, message: str) -> None:
            failed.append(key)
            line = self.lines.key(("defaults",), key) or self.lines.table(("defaults",))
            self.report(line, "[defaults]", f"{key}: {message}")

        while True:
            failed.clear()
            # Alone: a default scene of one optimizer is for figures that name one.
            self._experiment_args(usable, blame)
            self._request(usable, None, blame)
            if not set(failed) & set(usable):
                return usable
            usable = {k: v for k, v in usable.items() if k not in failed}

    def _figure(self, name: str, values: Any, defaults: dict) -> Figure | None:
        table_path = ("figures", name)
        where = f"figure '{name}'"
        line = self.lines.table(table_path)
        if not NAME.fullmatch(name) or name in RESERVED_NAMES:
            self.report(
                line,
                where,
                "a name is a file name: letters, digits, '.', '_' and '-', not starting with "
                f"'.' or '-'{', and not ' + repr(name) if name in RESERVED_NAMES else ''}",
            )
            return None
        if not isinstance(values, dict):
            self.report(line, where, f"must be a table of options, got {_type_name(values)}")
            return None
        problems = len(self.problems)
        merged = {**defaults, **self._check_values(values, table_path, where)}
        for key, required in TEXT_KEYS.items():
            if required and not merged.get(key, "").strip():
                self.report(line, where, f"{key} is missing: the text that describes the figure")

        def blame(key: str, message: str) -> None:
            in_figure = key in values
            origin = table_path if in_figure else ("defaults",)
            self.report(self.lines.key(origin, key) or line, where, f"{key}: {message}")

        experiment_args = self._experiment_args(merged, blame)
        if merged.get("scene") == terminal_figure.SCENE:
            request = self._terminal_request(merged, values, blame)
        else:
            request = self._request(merged, experiment_args, blame)
        if experiment_args is None or request is None or len(self.problems) > problems:
            return None
        terminal = request.scene == terminal_figure.SCENE
        formats = (
            (terminal_figure.ANIMATION,) if terminal else tuple(dict.fromkeys(_formats(merged)))
        )
        if not formats:
            blame("format", "name at least one format")
            return None
        return Figure(
            name,
            experiment_args,
            request,
            formats,
            merged.get("alt", "").strip(),
            merged.get("caption", "").strip(),
        )

    def _experiment_args(self, merged: dict, blame) -> dict | None:
        """build_experiment's arguments, adding one key at a time so a problem names its key."""
        args: dict[str, Any] = {}
        for key, param in EXPERIMENT_KEYS.items():
            if key not in merged:
                continue
            if key == "optimizers":
                args[param] = []
                for i, entry in enumerate(merged[key]):
                    try:
                        args[param].append(_spec(entry))
                        build_experiment(**args)
                    except OptirollError as err:
                        blame(key, f"entry {i + 1}: {err}")
                        return None
                continue
            value = merged[key]
            args[param] = tuple(map(float, value)) if key in ("start", "window") else value
            try:
                build_experiment(**args)
            except OptirollError as err:
                blame(key, str(err))
                return None
        return args

    def _terminal_request(self, merged: dict, own: dict, blame) -> RenderRequest | None:
        """A terminal figure's request: its fps, checked as `play --fps`; a render option in the
        figure's own table is a mistake ([defaults] may hold them for the other figures)."""
        for key in REQUEST_KINDS:
            if key in own and key not in terminal_figure.KEYS:
                blame(key, f"a terminal figure takes {' and '.join(terminal_figure.KEYS)} only")
                return None
        request = RenderRequest(scene=terminal_figure.SCENE, fps=merged.get("fps"))
        try:
            terminal_figure.fps_of(request)
        except OptirollError as err:
            blame("fps", str(err))
            return None
        return request

    def _request(self, merged: dict, experiment_args: dict | None, blame) -> RenderRequest | None:
        """The request (format apart), checked for every format the figure asks, one key at a
        time so a problem names its key."""
        said: dict[str, Any] = {}
        fmts = _formats(merged)
        for fmt in fmts:
            said = {}
            for key in REQUEST_KINDS:
                if key != "format":
                    if key not in merged:
                        continue
                    said[key] = merged[key]
                try:
                    RenderRequest(**said, format=fmt).resolve()
                except OptirollError as err:
                    blame(key, str(err))
                    return None
        request = RenderRequest(**said)
        if experiment_args is not None and fmts:
            try:
                resolve_figure(replace(request, format=fmts[0]), experiment_args)
            except OptirollError as err:
                blame("scene" if "scene" in merged else "optimizers", str(err))
                return None
        return request


def _formats(merged: dict) -> list[str]:
    """The formats asked for (one or a list), else the scene's."""
    if "format" not in merged:
        scene = {"scene": merged["scene"]} if "scene" in merged else {}
        return [RenderRequest(**scene).with_defaults().format]
    fmts = merged["format"]
    return [fmts] if isinstance(fmts, str) else fmts
