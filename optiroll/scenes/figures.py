"""The three scenes — compare, race, single — composed from the mobjects in `mobjects.py`.

A figure is laid out once (`layout.layout_figure`, pure geometry, also written to the side-car so
pixels map back to data) and then drawn: static parts first so Manim paints them once into a
background, then the moving parts, all following one step tracker.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, Dot, Scene, ValueTracker, VGroup, linear

from ..optim.experiment import Experiment
from ..optim.trajectory import Trajectory
from .fonts import pick_font
from .layout import layout_figure
from .mobjects import ContourMap, StepCounter, TrailedBall, label
from .settings import RenderSettings
from .theme import theme
from .words import LANGUAGES

# Manim stroke widths are hundredths of a scene unit, so lines keep their look at every resolution.
STROKE = 2.5


class OptimizerFigure(Scene):
    """Balls rolling along precomputed trajectories, every step taking the same time."""

    def __init__(
        self,
        settings: RenderSettings,
        experiment: Experiment,
        trajectories: list[Trajectory],
        **kwargs,
    ):
        self.settings = settings
        self.experiment = experiment
        self.trajectories = trajectories
        self.layout = layout_figure(settings, experiment)
        super().__init__(**kwargs)

    def construct(self) -> None:
        s = self.settings
        scheme, words = theme(s.theme), LANGUAGES[s.lang]
        font = pick_font(words)
        stroke = STROKE
        tracker = ValueTracker(0.0)
        steps = max(len(t.points) - 1 for t in self.trajectories)

        static, moving = [], []
        for panel in self.layout.panels:
            static.append(ContourMap(self.experiment.surface, panel.area, scheme, stroke))
            if panel.title_box is not None:
                run = self.trajectories[panel.runs[0]]
                title = label(
                    words.label(run.optimizer),
                    font,
                    scheme.text,
                    panel.title_box.height * 0.6,
                    panel.title_box.width,
                )
                static.append(title.move_to([*panel.title_box.center, 0]))
            radius = min(panel.area.box.width, panel.area.box.height) * 0.022
            for i in panel.runs:
                moving.append(
                    TrailedBall(
                        self.trajectories[i],
                        panel.area,
                        scheme.ball(i),
                        tracker,
                        radius,
                        stroke,
                        words,
                        font,
                        scheme,
                    )
                )
        if self.layout.legend is not None:
            static.append(self._legend(words, font, scheme))
        header = self.layout.header
        if not s.equal_scale:
            note = label(
                words.not_to_scale, font, scheme.muted_text, header.height * 0.5, header.width * 0.4
            )
            static.append(
                note.move_to([header.left, header.center[1], 0], aligned_edge=np.array([-1, 0, 0]))
            )
        moving.append(
            StepCounter(
                words,
                self.experiment.steps,
                tracker,
                font,
                scheme.text,
                header.height * 0.6,
                np.array([header.right, header.center[1], 0]),
            )
        )

        self.add(*static)
        self.add(*moving)
        self.play(
            tracker.animate.set_value(float(steps)),
            run_time=steps * s.seconds_per_step,
            rate_func=linear,
        )
        self.wait(s.hold_seconds)

    def _legend(self, words, font, scheme):
        box = self.layout.legend
        rows = VGroup()
        for i, traj in enumerate(self.trajectories):
            text = label(words.label(traj.optimizer), font, scheme.text, 0.28, box.width - 0.6)
            rows.add(VGroup(Dot(radius=0.1, color=scheme.ball(i)), text).arrange(buff=0.2))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        if rows.width > box.width - 0.2:
            rows.scale_to_fit_width(box.width - 0.2)
        return rows.move_to([*box.center, 0])
