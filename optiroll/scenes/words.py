"""Every word a picture shows, per language; labels are built from the data, never typed."""

from __future__ import annotations

from dataclasses import dataclass

from ..optim.base import Optimizer


@dataclass(frozen=True)
class Words:
    lang: str
    fonts: tuple[str, ...]  # preferred first; the first one Pango knows is used
    step: str
    diverged: str  # formatted with step=N
    not_to_scale: str
    optimizer_names: dict[str, str]
    parameter_names: dict[str, str]

    def label(self, optimizer: Optimizer) -> str:
        """'Momentum lr=0.1 momentum=0.9' from the optimizer's own values."""
        name = self.optimizer_names.get(optimizer.name, optimizer.display_name)
        values = [
            f"{self.parameter_names.get(k, k)}={v:g}"
            for k, v in optimizer.shown_hyperparameters().items()
        ]
        return " ".join([name, *values])

    def counter(self, step: int | str, steps: int) -> str:
        """'step 12 / 30'; `step` may be text of the same width (the renderer lays out '00')."""
        return f"{self.step} {str(step):>{len(str(steps))}} / {steps}"


ENGLISH = Words(
    lang="en",
    fonts=("DejaVu Sans", "NanumGothic", "Noto Sans"),
    step="step",
    diverged="diverged at step {step}",
    not_to_scale="x and y not to scale",
    optimizer_names={},
    parameter_names={},
)

# The post's own terms: 갱신 (update) counts steps, 학습률 is the learning rate.
KOREAN = Words(
    lang="ko",
    fonts=("NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR", "Noto Sans KR", "UnDotum"),
    step="갱신",
    diverged="{step}번째 갱신에서 발산",
    not_to_scale="x축과 y축의 축척이 다름",
    optimizer_names={"momentum": "모멘텀", "nesterov": "네스테로프"},
    parameter_names={
        "lr": "학습률",
        "momentum": "α",
        "decay_rate": "ρ",
        "beta1": "β1",
        "beta2": "β2",
        "eps": "ε",
    },
)

LANGUAGES = {w.lang: w for w in (ENGLISH, KOREAN)}
