"""What every optiroll scene is made from: the render's settings, the experiment and its runs."""

from __future__ import annotations

from ..optim.experiment import Experiment
from ..optim.trajectory import Trajectory
from ..plan.settings import RenderSettings


class FromData:
    """Mix in before a Manim Scene class: the scene draws these and computes nothing itself."""

    def __init__(
        self,
        settings: RenderSettings,
        experiment: Experiment,
        trajectories: list[Trajectory],
        **kwargs,
    ) -> None:
        self.settings = settings
        self.experiment = experiment
        self.trajectories = trajectories
        super().__init__(**kwargs)
