"""What a user asks a render for, named as `optiroll render` and a figures file name it. No Manim.

A field left at None is not said: the scene's own default fills it in, else everyone's. The one
method `resolve` does that and checks the result into `RenderSettings`, for `render` and `build`
alike; a figures file accepts exactly the fields with a `kind` (REQUEST_KINDS), each value of its
field's kind. `sized_as` has none: a build sets it, not a user.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from .settings import HOLD_SECONDS, RenderSettings, resolve_settings

# What a scene uses for an option the user leaves out: an explain step needs time to be read (its
# first steps take `seconds_per_step`, the later ones less: see plan/beats.py), a lecture is a
# video for a projector, and the 3D orbit is a video with its shading intact (as a GIF every frame
# changes: several MB). Every other scene uses UNSAID.
SCENE_DEFAULTS: dict[str, dict[str, object]] = {
    "explain": {"seconds_per_step": 4.0},
    "lecture": {"quality": "lecture", "format": "mp4", "seconds_per_step": 4.0},
    "surface3d": {"format": "mp4"},
}
UNSAID: dict[str, object] = {"format": "gif", "quality": "blog", "seconds_per_step": 0.2}


def _option(kind: type, default: Any = None) -> Any:
    """A request field whose value is a `kind`: str, int, float or bool."""
    return field(default=default, metadata={"kind": kind})


@dataclass(frozen=True)
class RenderRequest:
    """The options of one render as the user gave them; None (or the default) is "not said"."""

    scene: str = _option(str, "compare")
    format: str | None = _option(str)
    quality: str | None = _option(str)
    fps: float | None = _option(float)  # None: the quality's rate for the format
    seconds_per_step: float | None = _option(float)
    theme: str = _option(str, "light")
    lang: str = _option(str, "en")
    aspect: str = _option(str, "16:9")
    max_size: str | None = _option(str)  # e.g. "300KB"; None: no limit
    stretch: bool = _option(bool, False)  # fill each panel instead of one scale for x and y
    loss_curve: bool = _option(bool, False)
    hold: float = _option(float, HOLD_SECONDS)  # seconds the last frame stays before a loop
    axes: bool = _option(bool, True)  # ticks, tick labels and axis names on the 2D plots
    lr_grid: str | None = _option(str)  # html: factors on the learning rate, "0.5,1,2"
    # A still (png) at the pixel size and frame rate of this format instead of its own (a
    # video's): "gif" for the poster that stands in for a GIF. None: its own.
    sized_as: str | None = None

    def with_defaults(self) -> RenderRequest:
        """This request with what it leaves unsaid filled in: the scene's defaults, else UNSAID."""
        defaults = {**UNSAID, **SCENE_DEFAULTS.get(self.scene, {})}
        return replace(self, **{k: v for k, v in defaults.items() if getattr(self, k) is None})

    def resolve(self) -> RenderSettings:
        """Check every choice and fill in sizes and rates (OptirollError names the first bad one).

        A still `sized_as` another format is checked as a still and takes that format's size and
        rate: the settings of that format's render but the format (and its size limit).
        """
        asked = self.with_defaults()
        settings = asked._resolve(asked.format)
        if self.sized_as is None:
            return settings
        if asked.format != "png":
            raise ValueError(f"only a still is sized as another format, not a {asked.format}")
        sized = replace(asked, max_size=None)._resolve(self.sized_as)
        return replace(settings, width=sized.width, height=sized.height, fps=sized.fps)

    def _resolve(self, fmt: str | None) -> RenderSettings:
        """`resolve_settings` on this request's values (defaults filled in) as a `fmt` render."""
        return resolve_settings(
            self.scene,
            fmt,
            self.quality,
            self.fps,
            self.seconds_per_step,
            self.theme,
            self.lang,
            self.aspect,
            self.max_size,
            equal_scale=not self.stretch,
            loss_curve=self.loss_curve,
            lr_grid=self.lr_grid,
            hold_seconds=self.hold,
            axes=self.axes,
        )


# field name -> the kind of value it takes, in the order the fields are declared (and checked)
REQUEST_KINDS: dict[str, type] = {
    f.name: f.metadata["kind"] for f in fields(RenderRequest) if "kind" in f.metadata
}
