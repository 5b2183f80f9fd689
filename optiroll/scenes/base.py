"""The scene contract: what the render pipeline may ask of a scene, with the defaults of a figure.

Every scene is made from the render's settings, the experiment and its runs, and draws them
without computing anything itself. Before drawing, the pipeline asks the class how many frames
it will make, how many ball colours a GIF must keep exact and whether it cuts sections; after
drawing, it asks the scene itself for its side-car panels, from the layout it drew with.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from ..optim.experiment import Experiment
from ..optim.trajectory import Trajectory
from ..plan.beats import Section
from ..plan.layout import Panel, layout_figure, scene_box_to_pixels
from ..plan.settings import RenderSettings
from ..plan.timeline import expected_frames
from .style import Style

if TYPE_CHECKING:
    from ..plan.captions import SectionTrack
    from ..render.encode import GifPalette

SectionStart = Callable[[str], None]


class OptirollScene(ABC):
    """Mix in before a Manim Scene class; override only what the scene does differently."""

    sectioned: ClassVar[bool] = False  # calls `next_section`: the pipeline cuts a clip per section
    # How a GIF of the scene picks its palette (render/encode.py): once ("fixed": small and exact
    # while balls move over a still picture) or anew as it goes ("refreshed", with 256 colours: a
    # scene whose every frame changes, such as an orbiting camera, keeps its shading smooth).
    gif_palette: ClassVar[GifPalette] = "fixed"

    def __init__(
        self,
        settings: RenderSettings,
        experiment: Experiment,
        trajectories: list[Trajectory],
        *,
        on_section: SectionStart | None = None,
        drawn_sections: range | None = None,
        **kwargs,
    ) -> None:
        """`on_section` hears each drawn section start (sectioned scenes only).

        `drawn_sections` (indices in `planned_sections`; None: all) are the sections drawn; the
        others draw no frame (Manim skips their animations), and a scene need not play them at
        all when the drawn ones do not depend on them (the lecture plays only the section right
        before a drawn one: each starts from what that one left on screen). The scene ends
        where the last drawn section does.
        """
        self.settings = settings
        self.experiment = experiment
        self.trajectories = trajectories
        self.on_section = on_section
        self.drawn_sections = drawn_sections
        self.sections_started = 0
        self.drawing = True  # whether the frames of the section playing are drawn
        super().__init__(**kwargs)

    @abstractmethod
    def construct(self) -> None: ...

    @classmethod
    def planned_frames(cls, settings: RenderSettings, trajectories: list[Trajectory]) -> int:
        """The frames the scene makes: every step in the same time, then the last one held (the
        2D figures pace theirs with `plan/timeline.py`)."""
        return expected_frames(settings, max(len(t.points) - 1 for t in trajectories))

    @classmethod
    def planned_tracks(
        cls, settings: RenderSettings, experiment: Experiment, trajectories: list[Trajectory]
    ) -> list[SectionTrack] | None:
        """Each section's chapter title and captions (`plan/captions.py`), for a scene that has
        them; the pipeline writes them beside a video."""
        return None

    @classmethod
    def planned_sections(
        cls, settings: RenderSettings, trajectories: list[Trajectory]
    ) -> list[Section]:
        """A sectioned scene's sections in the order it plays them, each with its frames."""
        return []

    @classmethod
    def exact_colors(cls, settings: RenderSettings, experiment: Experiment) -> list[str]:
        """Colours a GIF's palette holds exactly: the page's, and each run's with the shades its
        trail brings once it moves (the first frame supplies the rest, but has no trails yet)."""
        from .mobjects import ContourMap, TrailedBall

        style = cls.style_for(settings, experiment)
        scheme = style.scheme
        page = [scheme.background, scheme.text, scheme.muted_text, scheme.frame, scheme.minimum]
        page += ContourMap.colors(scheme)
        moving = [c for run in style.runs for c in TrailedBall.colors(run, scheme.background)]
        return list(dict.fromkeys(page + moving))

    @staticmethod
    def style_for(settings: RenderSettings, experiment: Experiment) -> Style:
        """The style a scene of these settings draws with: its theme, language and run colours."""
        return Style.for_scene(settings, [o.name for o in experiment.optimizers])

    @cached_property
    def style(self) -> Style:
        return self.style_for(self.settings, self.experiment)

    def run_colors(self) -> list[str]:
        """Each run's colour, as drawn: the side-car records them."""
        return list(self.style.runs)

    def next_section(self, name: str = "unnamed", *args, **kwargs) -> None:
        """Mark where a section starts (Manim's call); the render pipeline cuts its clip here."""
        from manim.utils.exceptions import EndSceneEarlyException

        index, only = self.sections_started, self.drawn_sections
        self.sections_started += 1
        if only is not None and index >= only.stop:
            raise EndSceneEarlyException  # Manim's way to end a scene here, as finished
        self.drawing = self.draws(index)
        super().next_section(name, skip_animations=not self.drawing)  # type: ignore[misc]
        if self.drawing and self.on_section is not None:
            self.on_section(name)

    def draws(self, section: int) -> bool:
        """Whether the section of this index (in `planned_sections`) is drawn."""
        return self.drawn_sections is None or section in self.drawn_sections

    def panels(self) -> tuple[Panel, ...]:
        """The flat plots on screen, each with the runs it shows."""
        return layout_figure(self.settings, self.experiment).panels

    def sidecar_panels(self, scale: float) -> list[dict]:
        """The side-car's panels: where each plot is in pixels and which data window it shows.

        `scale` shrinks the pixel rectangles with a GIF made smaller to fit --max-size.
        """
        return [flat_panel_entry(panel, self.settings, scale) for panel in self.panels()]

    def sidecar_loss_curve(self, scale: float) -> dict | None:
        """The side-car's loss-curve panel, for a scene that draws one."""
        return None

    def sidecar_timeline(self) -> dict | None:
        """The side-car's record of a paced timeline (`plan/timeline.py`), for a scene that
        plays one."""
        return None

    def sidecar_extra(self) -> dict:
        """More for the side-car, from a scene that draws more than its runs (a cloud's balls,
        a sweep's maps): keys beside the others."""
        return {}


def flat_panel_entry(panel: Panel, settings: RenderSettings, scale: float) -> dict:
    """One flat plot in the side-car: its pixel rectangle, data window and runs."""
    rect = scene_box_to_pixels(
        panel.area.box, settings.frame_width, settings.frame_height, settings.width, settings.height
    )
    return {
        "pixel_rect": [round(v * scale, 3) for v in rect],
        "data_window": panel.area.window.as_list(),
        "runs": list(panel.runs),
    }
