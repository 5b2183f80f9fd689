"""The words of the interactive page's controls and readout, per language.

What the pictures already say (the step, the loss, labels, "diverged at step N") comes from
`plan/words.py`, so the page and the GIF say it alike; this adds only what a page needs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..optim import quantities as q
from ..plan.words import LANGUAGES


@dataclass(frozen=True)
class PageWords:
    play: str
    pause: str
    previous: str
    next: str
    speed: str
    learning_rate: str
    position: str
    gradient: str
    optimizer: str
    hint: str  # how to get a point's numbers
    start: str
    minimum: str
    saddle: str
    needs_script: str  # shown without JavaScript
    quantities: dict[str, str]  # a recorded quantity's key -> its symbol


# The book's symbols for the recorded state (optim/quantities.py); m̂ and v̂ are the corrected moments.
SYMBOLS = {
    q.VELOCITY: "v",
    q.BUFFER: "b",
    q.SQUARES: "h",
    q.STEP_SQUARES: "u",
    q.FIRST_MOMENT: "m",
    q.FIRST_MOMENT_HAT: "m̂",
    q.SECOND_MOMENT_HAT: "v̂",
    q.SECOND_MOMENT_MAX: "v_max",
}

ENGLISH = PageWords(
    play="Play",
    pause="Pause",
    previous="Previous step",
    next="Next step",
    speed="speed",
    learning_rate="learning rate",
    position="(x, y)",
    gradient="∂L/∂(x, y)",
    optimizer="optimizer",
    hint="Hover over or tap a dot for its numbers; ← → step.",
    start="start",
    minimum="minimum",
    saddle="saddle point",
    needs_script="This interactive figure needs JavaScript.",
    quantities={**SYMBOLS, q.STEP_SIZE: "step size"},
)

# The post's terms: 갱신 (update), 학습률 (learning rate), 기울기 (gradient), 손실 (loss).
KOREAN = PageWords(
    play="재생",
    pause="일시 정지",
    previous="이전 갱신",
    next="다음 갱신",
    speed="속도",
    learning_rate="학습률",
    position="(x, y)",
    gradient="∂L/∂(x, y)",
    optimizer="최적화 기법",
    hint="점에 마우스를 올리거나 누르면 값이 보입니다. ← → 로 한 갱신씩 이동합니다.",
    start="시작점",
    minimum="최솟값",
    saddle="안장점",
    needs_script="이 그림은 자바스크립트가 필요합니다.",
    quantities={**SYMBOLS, q.STEP_SIZE: "축별 학습률"},
)

PAGE_LANGUAGES = {"en": ENGLISH, "ko": KOREAN}


def page_words(lang: str) -> dict:
    """Every word the page shows in `lang`: the figure's own (step, loss, diverged) and the page's."""
    words = LANGUAGES[lang]
    return {
        **asdict(PAGE_LANGUAGES[lang]),
        "step": words.step,
        "loss": words.loss,
        "diverged": words.diverged,
        "not_to_scale": words.not_to_scale,
    }
