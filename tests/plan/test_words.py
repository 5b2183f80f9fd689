"""Labels in the post's notation: symbols for the hyper-parameters in every language."""

import pytest

from optiroll.optim.registry import make_optimizer, parse_spec
from optiroll.plan.words import ENGLISH, KOREAN, LANGUAGES


def optimizer(spec: str):
    return make_optimizer(*parse_spec(spec))


@pytest.mark.parametrize(
    ("spec", "english", "korean"),
    [
        ("sgd:lr=0.95", "SGD η=0.95", "SGD η=0.95"),
        ("momentum:lr=0.1", "Momentum η=0.1 α=0.9", "모멘텀 η=0.1 α=0.9"),
        ("rmsprop:lr=0.15,decay_rate=0.9", "RMSProp η=0.15 ρ=0.9", "RMSProp η=0.15 ρ=0.9"),
        ("adam:lr=0.3", "Adam η=0.3 β₁=0.9 β₂=0.999", "Adam η=0.3 β₁=0.9 β₂=0.999"),
        ("adamw:weight_decay=0.1", "AdamW η=0.001 β₁=0.9 β₂=0.999 λ=0.1", None),
        ("adam:eps=0.1,rules=pytorch", "Adam η=0.001 β₁=0.9 β₂=0.999 ε=0.1 rules=pytorch", None),
    ],
)
def test_labels_use_the_posts_symbols(spec, english, korean):
    made = optimizer(spec)
    assert ENGLISH.label(made) == english
    if korean is not None:
        assert KOREAN.label(made) == korean


@pytest.mark.parametrize("words", LANGUAGES.values(), ids=lambda w: w.lang)
def test_no_label_spells_an_ascii_parameter_name(words):
    for spec in ("momentum", "rmsprop", "adam", "adamw", "nadam", "adadelta", "rmsprop-momentum"):
        text = words.label(optimizer(spec))
        for name in ("lr=", "momentum=", "beta1=", "beta2=", "decay_rate=", "학습률"):
            assert name not in text, text
