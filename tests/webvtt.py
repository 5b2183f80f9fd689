"""A strict reader of the WebVTT that optiroll writes: the header, blank-line-separated cues, each
an identifier, a timing line of HH:MM:SS.mmm timestamps and one or more lines of escaped text.
Anything else fails the test that reads it."""

from __future__ import annotations

import re
from dataclasses import dataclass

TIMING = re.compile(
    r"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$"
)
ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")


@dataclass(frozen=True)
class VttCue:
    ident: str
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _ms(h: str, m: str, s: str, ms: str) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


def parse_vtt(text: str) -> list[VttCue]:
    """The cues of `text`, which must be WebVTT as the specification has it (no settings, no
    notes or styles, which optiroll does not write)."""
    assert "\r" not in text and text.endswith("\n") and not text.endswith("\n\n")
    header, *blocks = text[:-1].split("\n\n")
    assert header == "WEBVTT", header
    cues: list[VttCue] = []
    for block in blocks:
        ident, timing, *lines = block.split("\n")
        assert ident and "-->" not in ident, block
        match = TIMING.match(timing)
        assert match, timing
        start, end = _ms(*match.groups()[:4]), _ms(*match.groups()[4:])
        assert start < end, timing
        assert lines and all(line.strip() for line in lines), block
        for line in lines:
            assert "-->" not in line and "<" not in line and not ENTITY.search(line), line
        if cues:
            assert start >= cues[-1].start_ms, "cues out of order"
        cues.append(VttCue(ident, start, end, tuple(lines)))
    return cues
