"""An update rule as data: statements written once, in Unicode and in LaTeX, with tagged parts.

A `Rule` is a tuple of `Statement`s (one assignment each, in the order they run); a statement is
a tuple of `Part`s, each in both notations, and a part may carry a tag ("bias correction") so a
rule can be shown without it. The Unicode is written as drawn, with the arrow ← and the minus
sign −; `Rule.formula` (what `optiroll list` prints) writes them as typed, `<-` and `-`.
"""

from __future__ import annotations

from dataclasses import dataclass

BIAS_CORRECTION = "bias correction"
"""Adam's factor undoing the moments' start at 0; dropped when `bias_correction=false`."""

FORMULA_SEPARATOR = ";  "
LATEX_SEPARATOR = r" \qquad "

_TYPED = str.maketrans({"←": "<-", "−": "-"})


@dataclass(frozen=True)
class Part:
    """A piece of a statement: `text` in Unicode, `tex` in LaTeX (either may be empty)."""

    text: str
    tex: str
    tag: str | None = None


@dataclass(frozen=True)
class Statement:
    """One assignment of a rule, as the concatenation of its parts."""

    parts: tuple[Part, ...]

    @classmethod
    def of(cls, text: str, tex: str) -> Statement:
        """A statement of one untagged part."""
        return cls((Part(text, tex),))

    @property
    def text(self) -> str:
        """Unicode as drawn: 'v ← αv − η·∂L/∂W'."""
        return "".join(p.text for p in self.parts)

    @property
    def tex(self) -> str:
        return "".join(p.tex for p in self.parts)

    @property
    def typed(self) -> str:
        """Unicode with the arrow and the minus sign as typed: 'v <- αv - η·∂L/∂W'."""
        return self.text.translate(_TYPED)

    def without(self, tag: str) -> Statement:
        """The same statement with the parts tagged `tag` left out."""
        return Statement(tuple(p for p in self.parts if p.tag != tag))


@dataclass(frozen=True)
class Rule:
    """An update rule's statements, in the order they run."""

    statements: tuple[Statement, ...]

    @property
    def formula(self) -> str:
        """One line of Unicode: 'v <- αv - η·∂L/∂W;  W <- W + v'."""
        return FORMULA_SEPARATOR.join(s.typed for s in self.statements)

    @property
    def latex(self) -> str:
        """One line of LaTeX, the statements a `\\qquad` apart."""
        return LATEX_SEPARATOR.join(s.tex for s in self.statements)

    def without(self, tag: str) -> Rule:
        """The rule with every part tagged `tag` left out (its statements stay)."""
        return Rule(tuple(s.without(tag) for s in self.statements))
