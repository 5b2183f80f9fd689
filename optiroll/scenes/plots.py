"""The three scenes — compare, race, single — composed from the mobjects in `mobjects.py`.

A figure is laid out once (`layout.layout_figure`, pure geometry, also written to the side-car so
pixels map back to data) and then drawn: static parts first so Manim paints them once into a
background, then the moving parts, all following one step tracker.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from manim import Scene, ValueTracker, linear

from ..plan.layout import TITLE_SHARE, PixelGrid, layout_figure
from ..plan.loss_axes import loss_axes
from ..plan.theme import theme
from ..plan.words import LANGUAGES
from .base import FromData
from .fonts import pick_font
from .legend import legend
from .loss_curve import LossCursor, LossCurveFrame
from .mobjects import ContourMap, StepCounter, TrailedBall, label, labels

# Manim stroke widths are hundredths of a scene unit, so lines keep their look at every resolution.
STROKE = 2.5


class OptimizerFigure(FromData, Scene):
    """Balls rolling along precomputed trajectories, every step taking the same time."""

    @cached_property
    def layout(self):
        return layout_figure(self.settings, self.experiment)

    def construct(self) -> None:
        s = self.settings
        scheme, words = theme(s.theme), LANGUAGES[s.lang]
        font = pick_font(words)
        stroke = STROKE
        tracker = ValueTracker(0.0)
        steps = max(len(t.points) - 1 for t in self.trajectories)
        grid = PixelGrid(s.frame_width, s.frame_height, s.width, s.height)

        static, moving = [], []
        titled = [panel for panel in self.layout.panels if panel.title_box is not None]
        if titled:
            titles = labels(
                [words.label(self.trajectories[panel.runs[0]].optimizer) for panel in titled],
                font,
                scheme.text,
                min(panel.title_box.height for panel in titled) * TITLE_SHARE,
                min(panel.title_box.width for panel in titled),
            )
            for panel, title in zip(titled, titles, strict=True):
                static.append(title.move_to([*panel.title_box.center, 0]))
        for panel in self.layout.panels:
            static.append(ContourMap(self.experiment.surface, panel.area, scheme, stroke))
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
                        grid,
                    )
                )
        entries = [
            (words.label(t.optimizer), scheme.ball(i)) for i, t in enumerate(self.trajectories)
        ]
        if self.layout.legend is not None:
            static.append(legend(entries, self.layout.legend, font, scheme.text))
        if self.layout.curve is not None:
            losses = [t.losses for t in self.trajectories]
            colors = [color for _, color in entries]
            axes = loss_axes(self.layout.curve, steps, losses)
            static.append(LossCurveFrame(axes, losses, colors, words, font, scheme, stroke))
            moving.append(LossCursor(axes, losses, colors, tracker, scheme, stroke))
        if self.layout.curve_key is not None:
            static.append(self._curve_key(words, font, scheme))
        header = self.layout.header
        if not s.equal_scale:
            note = label(
                words.not_to_scale, font, scheme.muted_text, header.height * 0.5, header.width * 0.4
            )
            static.append(
                note.move_to([header.left, header.center[1], 0], aligned_edge=np.array([-1, 0, 0]))
            )
        counter = StepCounter(
            words,
            self.experiment.steps,
            tracker,
            font,
            scheme.text,
            header,
        )
        static.append(counter.fixed)
        moving.append(counter)

        self.add(*static)
        self.add(*moving)
        self.play(
            tracker.animate.set_value(float(steps)),
            run_time=steps * s.seconds_per_step,
            rate_func=linear,
        )
        self.wait(s.hold_seconds)

    def _curve_key(self, words, font, scheme):
        """The loss curve's colours by optimizer name (the panels' titles give the values)."""
        names = [words.name(t.optimizer) for t in self.trajectories]
        if len(set(names)) < len(names):  # the same optimizer twice: only the values tell
            names = [words.label(t.optimizer) for t in self.trajectories]
        entries = [(name, scheme.ball(i)) for i, name in enumerate(names)]
        return legend(entries, self.layout.curve_key, font, scheme.text, text_height=0.24)
