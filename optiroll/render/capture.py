"""Render a Manim scene and stream its raw frames to a callback instead of Manim's files."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..writes import temporary_prefix

if TYPE_CHECKING:
    from manim import Scene
    from manim._config.utils import ManimConfig

FrameSink = Callable[[np.ndarray, int], None]  # a frame and how many frames it lasts
MANIM_FOLDER = "optiroll-manim"  # Manim's files for one render, in a temporary folder so named

# Keys that make Manim plan no artifact, log file or cache of its own; callers cannot change them.
_REQUIRED: dict[str, Any] = {
    "renderer": "cairo",
    "format": "none",  # "png" for a still: Manim then skips to the end (our writer saves nothing)
    "dry_run": False,
    "preview": False,
    "show_in_file_browser": False,
    "save_sections": False,
    "log_to_file": False,
    "disable_caching": True,
}


def render_frames(
    build_scene: Callable[[], Scene],
    settings: Mapping[str, Any],
    sink: FrameSink,
    *,
    still: bool = False,
) -> int:
    """Render the scene built by `build_scene` under `settings`; lend each RGBA frame to `sink`
    with how many frames it lasts (Manim gives a held picture once, with its count).

    `still` draws only the last frame: Manim then runs every animation to its end without
    drawing (a poster of a long scene takes a moment, not the whole animation's time).
    """
    defaults = _library_defaults()
    # Manim's own files (Text SVGs, TeX) go to a folder of this call's: Manim writes them in place,
    # so two renders sharing one could read each other's half-written file. What is worth keeping
    # between renders is kept by `mobject_cache`, atomically.
    with tempfile.TemporaryDirectory(prefix=temporary_prefix(MANIM_FOLDER)) as media:
        return _render(
            build_scene,
            {
                **_resolve_settings({"media_dir": media, **settings}, defaults),
                "format": "png" if still else "none",
            },
            defaults,
            sink,
        )


def _render(
    build_scene: Callable[[], Scene],
    applied: Mapping[str, Any],
    defaults: ManimConfig,
    sink: FrameSink,
) -> int:
    """Build and play the scene under Manim's defaults plus `applied`, frames to our writer;
    the global config is as it was afterwards (what `tempconfig` does, without its cost)."""
    from manim import config

    original = config.copy()
    try:
        with _classes_kept():
            config.update(defaults)
            for key, value in applied.items():
                config[key] = value
        _check_applied(config, applied)
        scene = build_scene()
        count = _Counter(sink)
        # Swap the writer after construction rather than passing Scene(renderer=...):
        # a renderer made outside the scene ignores its camera_class (MovingCamera, 3D).
        scene.renderer.file_writer = _writer_class()(scene.file_writer_settings, count)
        _lend_pixels(scene.renderer)
        if applied["format"] == "png":
            _draw_when_finished(scene.renderer)
        scene.render()
    finally:
        with _classes_kept():
            config.update(original)
    return count.frames


@contextmanager
def _classes_kept() -> Iterator[None]:
    """Set Manim's config in the block without its renderer setter re-basing every mobject class
    (about 140: 7 ms, and Python's method caches flushed, at each of the four settings of a
    render) while the renderer is Cairo before and after, as a render's always is."""
    from manim import config
    from manim.constants import RendererType
    from manim.mobject.opengl.opengl_compatibility import ConvertToOpenGL

    if config.renderer is not RendererType.CAIRO:
        yield
        return
    converted = ConvertToOpenGL._converted_classes
    ConvertToOpenGL._converted_classes = []  # what the setter re-bases
    try:
        yield
    finally:
        ConvertToOpenGL._converted_classes = converted
        if config.renderer is not RendererType.CAIRO:  # changed after all: re-base them now
            config.renderer = config.renderer


def _draw_when_finished(renderer: Any) -> None:
    """A still is the scene's last state, which Manim draws afresh once the scene has finished:
    skipping to it, it would also draw every play's static and moving parts, then drop them."""
    update_frame, scene_finished = renderer.update_frame, renderer.scene_finished
    finished = False

    def update(*args: Any, **kwargs: Any) -> None:
        if finished:
            update_frame(*args, **kwargs)

    def finish(*args: Any, **kwargs: Any) -> None:
        nonlocal finished
        finished = True
        scene_finished(*args, **kwargs)

    renderer.update_frame, renderer.scene_finished = update, finish


def _lend_pixels(renderer: Any) -> None:
    """Manim's `CairoRenderer.render`, handing the writer the camera's own pixels: Manim copies
    them first (`get_frame`: 1.2 ms of CPU a frame at 1920x1080), and our writer only lends them
    to the sink (see _Counter). A held picture's and the static image's copies stay: the camera
    draws over its pixels later."""

    def render(scene: Scene, time: float, moving_mobjects: Any = None) -> None:
        renderer.update_frame(scene, moving_mobjects)
        renderer.add_frame(renderer.camera.pixel_array)

    renderer.render = render


def _resolve_settings(settings: Mapping[str, Any], defaults: ManimConfig) -> dict[str, Any]:
    unknown = sorted(key for key in settings if key not in defaults)
    if unknown:
        raise ValueError(f"unknown Manim setting(s): {', '.join(unknown)}")
    fixed = sorted(key for key in settings if key in _REQUIRED)
    if fixed:
        raise ValueError(f"render_frames decides these Manim settings itself: {', '.join(fixed)}")
    if "quality" in settings:
        raise ValueError("set pixel_width, pixel_height and frame_rate instead of quality")
    applied: dict[str, Any] = {
        "verbosity": "WARNING",
        "progress_bar": "none",
        **settings,
        **_REQUIRED,
    }
    applied.update(_frame_extent(applied, defaults))
    return applied


def _frame_extent(applied: Mapping[str, Any], defaults: ManimConfig) -> dict[str, float]:
    """Scene units matching the pixel aspect, so the camera and `to_edge` agree."""
    width = applied.get("pixel_width", defaults.pixel_width)
    height = applied.get("pixel_height", defaults.pixel_height)
    if "frame_width" in applied and "frame_height" in applied:
        return {}
    if "frame_width" in applied:
        return {"frame_height": applied["frame_width"] * height / width}
    frame_height = applied.get("frame_height", defaults.frame_height)
    return {"frame_height": frame_height, "frame_width": frame_height * width / height}


def _library_defaults() -> ManimConfig:
    """Manim's built-in configuration, ignoring any manim.cfg in the user's home or cwd."""
    import configparser

    from manim._config.utils import ManimConfig, config_file_paths

    parser = configparser.ConfigParser()
    library_wide = config_file_paths()[0]
    with library_wide.open() as file:
        parser.read_file(file)
    with _classes_kept():
        return ManimConfig().digest_parser(parser)


def _check_applied(config: ManimConfig, applied: Mapping[str, Any]) -> None:
    """Fail loudly if Manim dropped or overrode a setting (some of its setters interact)."""
    wrong = [
        f"{key}={value!r} (Manim has {config[key]!r})"
        for key, value in applied.items()
        if not _same(config[key], value)
    ]
    if wrong:
        raise RuntimeError(f"Manim did not take these settings: {'; '.join(wrong)}")


def _same(actual: Any, wanted: Any) -> bool:
    from manim import ManimColor

    if isinstance(actual, ManimColor):
        return actual == ManimColor(wanted)  # comparing a ManimColor with a str raises
    if isinstance(wanted, Path):
        return Path(actual) == wanted
    if isinstance(actual, Enum):  # the renderer
        return bool(actual.value == wanted)
    return bool(actual == wanted)


class _Counter:
    """Lend each frame to the sink as a read-only RGBA view, with its repeat count; count them.

    The view is valid only during the call (Manim draws the next frame into the same buffer):
    a sink that keeps frames copies them. Not copying here saves a strided RGB copy per frame,
    which was a fifth of the drawing time.
    """

    def __init__(self, sink: FrameSink) -> None:
        self.sink = sink
        self.frames = 0

    def __call__(self, rgba: np.ndarray, repeat: int) -> None:
        if repeat < 1:  # a wait shorter than a frame shows nothing
            return
        lent = rgba.view()
        lent.flags.writeable = False
        self.sink(lent, repeat)
        self.frames += repeat


@cache
def _writer_class() -> type:
    """A SceneFileWriter that forwards frames and writes nothing (built lazily: imports manim)."""
    from manim.scene.scene_file_writer import SceneFileWriter

    class CaptureWriter(SceneFileWriter):
        def __init__(self, settings: Any, forward: _Counter) -> None:
            super().__init__(settings)
            self.forward = forward

        def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
            self.forward(pixels, repeat)

        # Movie bookkeeping: no segment files, no cache lookups, no final file or image.
        def add_partial_movie_file(self, hash_animation: str | None) -> None:
            pass

        def is_already_cached(self, hash_invocation: str) -> bool:
            return False

        def begin_animation(self, allow_write: bool = False, **kwargs: Any) -> None:
            pass

        def end_animation(self, allow_write: bool = False) -> None:
            pass

        def finish(self) -> None:
            pass

        def save_image(self, pixels: np.ndarray) -> None:
            self.forward(pixels, 1)  # a still's only frame

    return CaptureWriter
