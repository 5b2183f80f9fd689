"""The words of the cloud and sweep figures, per language (optimizer labels are `words.py`'s).

Mathematics is in the labels' notation: η, α, β₁ through `Words.parameter_names`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..optim.cloud import MINIMUM, NOT_CONVERGED, OTHER_MINIMA, Outcome


@dataclass(frozen=True)
class StudyWords:
    minimum: str  # an outcome: formatted with the minimum's point, "(3, 2)"
    other_minima: str
    not_converged: str
    diverged: str
    final_loss: str  # a sweep's objective: formatted with steps
    steps_to: str  # formatted with threshold and steps
    not_reached: str  # a cell that never came within the threshold
    cell: str  # the highlighted cell of a sweep's walk, beside its values
    best: str
    one_row: str  # the y axis of an optimizer swept over one value

    def outcome(self, outcome: Outcome) -> str:
        """'(3, 2)', 'not converged', 'diverged' in this language."""
        if outcome.kind == MINIMUM and outcome.point is not None:
            x, y = outcome.point
            return self.minimum.format(point=f"({_number(x)}, {_number(y)})")
        return {OTHER_MINIMA: self.other_minima, NOT_CONVERGED: self.not_converged}.get(
            outcome.kind, self.diverged
        )


def _number(value: float) -> str:
    """Three significant digits, a minus sign that is one (−2.81)."""
    text = f"{value:.3g}"
    return "0" if text == "-0" else text.replace("-", "−")


ENGLISH = StudyWords(
    minimum="minimum {point}",
    other_minima="other minima",
    not_converged="not converged",
    diverged="diverged",
    final_loss="final loss after {steps} steps",
    steps_to="steps until the loss is within {threshold} of the minimum's (of {steps})",
    not_reached="not within {threshold}",
    cell="cell",
    best="the best cell of each map",
    one_row="one row",
)

KOREAN = StudyWords(
    minimum="최솟값 {point}",
    other_minima="다른 극솟값",
    not_converged="수렴하지 않음",
    diverged="발산",
    final_loss="{steps}번 갱신 후의 손실",
    steps_to="손실이 최솟값의 {threshold} 이내로 줄어들기까지의 갱신 횟수 (최대 {steps})",
    not_reached="{threshold} 이내에 못 미침",
    cell="칸",
    best="지도마다 최선의 칸",
    one_row="한 줄",
)

STUDY_WORDS = {"en": ENGLISH, "ko": KOREAN}
