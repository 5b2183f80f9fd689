"""Every word a picture shows, per language; labels are built from the data, never typed."""

from __future__ import annotations

from dataclasses import dataclass

from ..optim.base import Optimizer, format_value


@dataclass(frozen=True)
class LessonWords:
    """The explain and lecture scenes' words, as lesson strings: mathematics between dollar signs
    (see `notation.py`), in the same notation in every language. Captions are format strings
    filled with numbers and, in `{grad}`-like fields, with the symbols of the rule shown."""

    gradient_arrow: str  # the legend of the −gradient arrow: grad (its symbol), scale
    velocity_arrow: str
    step_sizes: str  # the title over the per-axis step-size bars
    # A step worked through along y, per kind of rule (see narration.KINDS), then the short form
    # the later, faster steps show. Fields: lr, g, dy, and per kind h; a, v0, v1; m, v, m_f and
    # the bias correction as a factor (corr) and its symbol (corr_sym); gy (∂L/∂y or g_y).
    captions: dict[str, str]
    short_captions: dict[str, str]
    title: str
    subtitle: str
    surface_heading: str
    surface_why: str
    closing: str
    long_names: dict[str, str]
    blurbs: dict[str, str]


ENGLISH_LESSON = LessonWords(
    gradient_arrow="${grad}$ (gradient), $×{scale}$",
    velocity_arrow="$v$ (velocity)",
    step_sizes="step size per axis",
    captions={
        "plain": "the $y$-step is $−η·∂L/∂y = −{lr}·{g} = {dy}$",
        "velocity": (
            "$v_y = αv_y − η·∂L/∂y = {a}·{v0} − {lr}·{g} = {v1}$, so the ball moves ${dy}$ in $y$"
        ),
        "squares": "$h_y = {h}$, so the $y$-step is $−η·∂L/∂y/√h_y = −{lr}·{g}/√{h} = {dy}$",
        "adam": (
            "$m_y = {m}$, $v_y = {v}$, so the $y$-step is "
            "$−η{corr_sym}·m_y/√v_y = −{lr}{corr}·{m_f}/√{v} = {dy}$"
        ),
        "other": "${gy} = {g}$, and the $y$-step is ${dy}$",
    },
    short_captions={
        "plain": "… the $y$-step is ${dy}$",
        "velocity": "… $v_y = {v1}$: the ball moves ${dy}$ in $y$",
        "squares": "… $h_y = {h}$: the $y$-step is ${dy}$",
        "adam": "… $m_y = {m}$, $v_y = {v}$: the $y$-step is ${dy}$",
        "other": "… the $y$-step is ${dy}$",
    },
    title="How optimizers roll downhill",
    subtitle="Deep Learning from Scratch, chapter 6.1: updating the parameters",
    surface_heading="The loss surface",
    surface_why=(
        "Steep in $y$, nearly flat in $x$: the gradient points across the valley, not at the "
        "minimum, so SGD zigzags."
    ),
    closing="Side by side",
    long_names={"sgd": "Stochastic gradient descent (SGD)"},
    blurbs={
        "sgd": "One step against the gradient, the same learning rate $η$ on every axis.",
        "momentum": (
            "A velocity $v$ gathers the gradients: the small, steady $x$-force keeps accelerating "
            "the ball while the alternating $y$-kicks cancel."
        ),
        "nesterov": "Momentum that takes the gradient where the velocity is about to carry it.",
        "adagrad": (
            "Learning-rate decay per parameter: the axis that moved a lot ($y$) gets a small step "
            "size."
        ),
        "rmsprop": (
            "A moving average $h$ of the squared gradients: old ones fade, so steps need not keep "
            "shrinking."
        ),
        "adam": "Momentum and AdaGrad combined, with bias correction of $m$ and $v$.",
    },
)

# The post's terms: 확률적 경사 하강법, 모멘텀, 학습률 감소, 비등방성 함수, 지그재그, 편향 보정.
KOREAN_LESSON = LessonWords(
    gradient_arrow="${grad}$ (기울기), $×{scale}$",
    velocity_arrow="$v$ (속도)",
    step_sizes="축별 학습률",
    captions={
        "plain": "$y$ 방향 갱신량은 $−η·∂L/∂y = −{lr}·{g} = {dy}$",
        "velocity": (
            "속도 $v_y = αv_y − η·∂L/∂y = {a}·{v0} − {lr}·{g} = {v1}$, $y$ 방향 이동 ${dy}$"
        ),
        "squares": "$h_y = {h}$ 이므로 $y$ 방향 갱신량은 $−η·∂L/∂y/√h_y = −{lr}·{g}/√{h} = {dy}$",
        "adam": (
            "$m_y = {m}$, $v_y = {v}$ 이므로 $y$ 방향 갱신량은 "
            "$−η{corr_sym}·m_y/√v_y = −{lr}{corr}·{m_f}/√{v} = {dy}$"
        ),
        "other": "${gy} = {g}$, $y$ 방향 갱신량은 ${dy}$",
    },
    short_captions={
        "plain": "… $y$ 방향 갱신량 ${dy}$",
        "velocity": "… 속도 $v_y = {v1}$, $y$ 방향 이동 ${dy}$",
        "squares": "… $h_y = {h}$, $y$ 방향 갱신량 ${dy}$",
        "adam": "… $m_y = {m}$, $v_y = {v}$, $y$ 방향 갱신량 ${dy}$",
        "other": "… $y$ 방향 갱신량 ${dy}$",
    },
    title="매개변수 갱신: 최적화 기법",
    subtitle="밑바닥부터 시작하는 딥러닝 6.1",
    surface_heading="손실 함수",
    surface_why=(
        "비등방성 함수: $y$축 방향은 가파르고 $x$축 방향은 완만하다. 기울기가 최솟값을 가리키지 "
        "않아 SGD는 지그재그로 이동한다."
    ),
    closing="한눈에 비교",
    long_names={"sgd": "확률적 경사 하강법 (SGD)", "momentum": "모멘텀", "nesterov": "네스테로프"},
    blurbs={
        "sgd": "기울어진 방향으로 일정 거리만 이동한다. 모든 축에 같은 학습률 $η$를 쓴다.",
        "momentum": (
            "속도 $v$가 기울기를 모은다. $x$축의 힘은 아주 작지만 방향이 변하지 않아 한 방향으로 "
            "일정하게 가속하고, $y$축의 힘은 위아래로 번갈아 받아 상충한다."
        ),
        "nesterov": "속도가 공을 데려갈 곳의 기울기를 미리 반영하는 모멘텀이다.",
        "adagrad": (
            "학습률 감소가 매개변수의 원소마다 다르게 적용된다: 많이 움직인 원소($y$)는 "
            "학습률이 낮아진다."
        ),
        "rmsprop": (
            "먼 과거의 기울기는 서서히 잊고 새로운 기울기 정보를 크게 반영한다 (지수이동평균 $h$)."
        ),
        "adam": "모멘텀과 AdaGrad를 융합한 기법으로, $m$과 $v$의 편향 보정이 진행된다.",
    },
)


# The post's symbols for the hyper-parameters, in every language (the prose says 학습률, the labels
# η); the command line keeps the ASCII names (`-o adam:lr=0.3,beta1=0.8`).
PARAMETER_SYMBOLS = {
    "lr": "η",
    "momentum": "α",
    "decay_rate": "ρ",
    "beta1": "β₁",
    "beta2": "β₂",
    "eps": "ε",
    "weight_decay": "λ",
    "momentum_decay": "ψ",
    "gamma": "γ",  # a learning-rate schedule's factor (optim/schedules.py)
    "noise": "σ",  # the gradient noise's standard deviation (optim/noise.py)
}
# A tuned optimizer's label ends in how many settings its values were the best of.
BEST_OF = {"en": "(best of {trials})", "ko": "({trials}개 중 최선)"}


@dataclass(frozen=True)
class Words:
    lang: str
    fonts: tuple[str, ...]  # preferred first; the first one Pango knows is used
    step: str
    diverged: str  # formatted with step=N
    not_to_scale: str
    loss: str
    height_note: str  # what the 3D scene's height shows
    start: str  # the landmarks a 2D plot marks, as its key names them
    minimum: str
    saddle: str
    optimizer_names: dict[str, str]
    parameter_names: dict[str, str]
    lesson: LessonWords

    def name(self, optimizer: Optimizer) -> str:
        """'Momentum' (모멘텀 in Korean)."""
        return self.optimizer_names.get(optimizer.name, optimizer.display_name)

    def long_name(self, optimizer: Optimizer) -> str:
        """The name a lecture's card and chapter give: 'Stochastic gradient descent (SGD)', or
        `name` where the lesson has no longer one."""
        return self.lesson.long_names.get(optimizer.name, self.name(optimizer))

    def label(self, optimizer: Optimizer, *, short: bool = False) -> str:
        """'Momentum η=0.1 α=0.9' from the optimizer's own values, in the post's symbols; `short`
        leaves out the values at their defaults ('Adam η=0.3'), for a title with little room."""
        name = self.name(optimizer)
        values = [
            f"{self.parameter_names.get(k, k)}={format_value(v)}"
            for k, v in optimizer.shown_hyperparameters().items()
            if not short or v != optimizer.default(k)
        ]
        if optimizer.tuned is not None:  # chosen by a search (optim/tune.py)
            values.append(BEST_OF[self.lang].format(trials=optimizer.tuned.trials))
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
    loss="loss",
    height_note="height: √loss",
    start="start",
    minimum="minimum",
    saddle="saddle point",
    optimizer_names={},
    parameter_names=PARAMETER_SYMBOLS,
    lesson=ENGLISH_LESSON,
)

# The post's own terms: 갱신 (update) counts steps, 학습률 is the learning rate.
KOREAN = Words(
    lang="ko",
    fonts=("NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR", "Noto Sans KR", "UnDotum"),
    step="갱신",
    diverged="{step}번째 갱신에서 발산",
    not_to_scale="x축과 y축의 축척이 다름",
    loss="손실",
    height_note="높이: √손실",
    start="시작점",
    minimum="최솟값",
    saddle="안장점",
    optimizer_names={
        "momentum": "모멘텀",
        "nesterov": "네스테로프",
        "rmsprop-momentum": "RMSProp+모멘텀",
    },
    parameter_names={**PARAMETER_SYMBOLS, "rules": "규칙", "bias_correction": "편향 보정"},
    lesson=KOREAN_LESSON,
)

LANGUAGES = {w.lang: w for w in (ENGLISH, KOREAN)}
