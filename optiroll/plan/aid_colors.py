"""The explain board's colours: one meaning each, in a hue its optimizer's ball does not have. No
Manim.

A board shows one optimizer, whose ball and trail are in its own hue (`palette.py`). Everything
else on it that is coloured means one thing: the gradient (its arrow, ∂L/∂W in the rule, the
readout and the caption), the velocity (its arrow and v), the step size (the bars and the symbol
that scales it, h or v), and "now" (the band behind the statement being applied, nothing else).
Each role takes the first of its Okabe & Ito hues that the ball and the roles before it have not
taken, shifted in lightness to `MIN_CONTRAST` on the page like the balls.
"""

from __future__ import annotations

from dataclasses import dataclass

from .palette import HUES, MIN_CONTRAST, on_background

# Role -> hues in order of preference. The gradient is warm (a force), the velocity and the
# step size cool; "now" is a highlighter's yellow. Darkened to 3:1 on white, orange and yellow
# both turn brown: the gradient avoids orange while "now" may be yellow.
PREFERENCES = {
    "gradient": ("vermillion", "reddish purple", "orange"),
    "step_size": ("sky blue", "blue", "bluish green"),
    "velocity": ("bluish green", "sky blue", "blue"),
    "now": ("yellow", "orange", "sky blue"),
}
NOW_FILL_SHARE = {"light": 0.3, "dark": 0.28}  # of "now"'s hue in the band, over the page


@dataclass(frozen=True)
class AidColors:
    """A board's colours by meaning; `now_fill` is the band behind the applied statement and
    `now` its edge."""

    gradient: str
    step_size: str
    velocity: str
    now: str
    now_fill: str

    @property
    def all(self) -> tuple[str, ...]:
        return (self.gradient, self.step_size, self.velocity, self.now, self.now_fill)


def aid_hues(ball_hue: str) -> dict[str, str]:
    """Each role's hue name on a board whose ball is `ball_hue`."""
    taken = {ball_hue}
    chosen = {}
    for role, hues in PREFERENCES.items():
        hue = next((h for h in hues if h not in taken), next(h for h in HUES if h not in taken))
        taken.add(hue)
        chosen[role] = hue
    return chosen


def aid_colors(ball_hue: str, background: str, theme: str) -> AidColors:
    """The aids' colours on a board whose ball has the hue named `ball_hue`, on `background`."""
    hues = {role: HUES[hue] for role, hue in aid_hues(ball_hue).items()}
    shown = {role: on_background(color, background, MIN_CONTRAST) for role, color in hues.items()}
    share = NOW_FILL_SHARE.get(theme, 0.3)
    return AidColors(**shown, now_fill=blend(background, hues["now"], share))


def blend(a: str, b: str, share: float) -> str:
    """`share` of colour `b` over colour `a` ('#RRGGBB')."""
    ca = [int(a.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    cb = [int(b.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(x + (y - x) * share):02X}" for x, y in zip(ca, cb, strict=True))
