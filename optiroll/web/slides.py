"""The lecture's slides page: the template with its style, script and data inlined. No Manim.

The page plays the section clips that sit beside it; everything else is in the one file, because
a page opened from a file cannot fetch: the stops (`plan/slides.py`) as times in each clip, the
speaker's notes as HTML (set from the lesson strings the board shows), each clip's captions as
WebVTT text, and the page's words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from html import escape
from typing import Any

from ..optim.trajectory import Trajectory
from ..plan.notation import GRADIENT, Atom, parse, segments
from ..plan.settings import RenderSettings
from ..plan.slides import Slide, section_notes, stop_notes
from ..plan.theme import theme
from ..plan.words import LANGUAGES
from .page import asset, filled, math_font_face, script_json


@dataclass(frozen=True)
class SlideClip:
    """A section's clip as the page links it (relative to the page) and its captions, if any."""

    file: str
    captions: str | None = None  # WebVTT text
    captions_file: str | None = None


@dataclass(frozen=True)
class SlideWords:
    """What the page says besides the lecture's own words."""

    keys: list[list[str]]  # [keys, what they do], for the help on ?
    help_title: str
    slide: str  # "slide"
    notes: str
    next: str  # the next stop's notes
    end: str  # after the last stop
    captions_on: str
    captions_off: str
    no_captions: str
    popup_blocked: str
    presenter_title: str
    presenter_alone: str  # the presenter view without its slides window
    hint: str  # shown briefly when the page opens


ENGLISH = SlideWords(
    keys=[
        ["→  ↓  PageDown  Space  Enter", "play to the next stop"],
        ["←  ↑  PageUp  Backspace", "back to the previous stop"],
        ["Shift + →", "play on to the slide's end; there, the next slide"],
        ["Shift + ←", "back to the slide's start; there, the previous slide"],
        ["Home  /  End", "the first / the last stop"],
        ["f", "full screen"],
        ["c", "captions"],
        ["p", "presenter view with the notes (a second window)"],
        ["b  .", "black screen"],
        ["?", "these keys"],
    ],
    help_title="Keys",
    slide="slide",
    notes="Notes",
    next="Next",
    end="the end",
    captions_on="captions on",
    captions_off="captions off",
    no_captions="this clip has no captions",
    popup_blocked="the browser blocked the presenter window: allow pop-ups for this page",
    presenter_title="Presenter view",
    presenter_alone="The slides window is closed: open the slides and press p there.",
    hint="press ? for the keys",
)
KOREAN = SlideWords(
    keys=[
        ["→  ↓  PageDown  Space  Enter", "다음 멈춤까지 재생"],
        ["←  ↑  PageUp  Backspace", "이전 멈춤으로"],
        ["Shift + →", "슬라이드 끝까지 재생; 끝에서는 다음 슬라이드"],
        ["Shift + ←", "슬라이드 처음으로; 처음에서는 이전 슬라이드"],
        ["Home  /  End", "처음 / 마지막 멈춤"],
        ["f", "전체 화면"],
        ["c", "자막"],
        ["p", "발표자 보기: 노트가 있는 두 번째 창"],
        ["b  .", "검은 화면"],
        ["?", "이 단축키"],
    ],
    help_title="단축키",
    slide="슬라이드",
    notes="노트",
    next="다음",
    end="끝",
    captions_on="자막 켬",
    captions_off="자막 끔",
    no_captions="이 클립에는 자막이 없습니다",
    popup_blocked="브라우저가 발표자 창을 막았습니다: 이 페이지의 팝업을 허용하세요",
    presenter_title="발표자 보기",
    presenter_alone="슬라이드 창이 닫혔습니다: 슬라이드를 열고 거기서 p를 누르세요.",
    hint="?를 누르면 단축키",
)
SLIDE_LANGUAGES = {"en": ENGLISH, "ko": KOREAN}


def lesson_html(text: str) -> str:
    """A lesson string (words and $mathematics$, see `plan/notation.py`) as HTML: variables in
    italics, scripts as <sub> and <sup>, a radical's radicand under a bar."""
    out = []
    for piece, is_math in segments(text):
        out.append(
            f'<span class="m">{_atoms_html(parse(piece))}</span>' if is_math else escape(piece)
        )
    return "".join(out)


def _atoms_html(atoms: tuple[Atom, ...]) -> str:
    out = []
    for atom in atoms:
        if atom.kind == "radical":
            out.append(f'√<span class="radicand">{_atoms_html(atom.radicand)}</span>')
            continue
        if atom.kind == "symbol" and atom.text == GRADIENT:
            body = f"∂<i>L</i>/∂<i>{atom.axis or 'W'}</i>"
        elif atom.kind == "symbol":
            body = f"<i>{escape(atom.text)}</i>"
        else:
            body = escape(atom.text)
        if atom.sub:
            body += f"<sub>{_atoms_html(atom.sub)}</sub>"
        if atom.sup:
            body += f"<sup>{_atoms_html(atom.sup)}</sup>"
        out.append(body)
    return "".join(out)


def _lines_html(lines: list[str]) -> str:
    return "".join(f"<p>{lesson_html(line)}</p>" for line in lines)


def slides_data(
    settings: RenderSettings,
    trajectories: list[Trajectory],
    slides: list[Slide],
    clips: list[SlideClip],
) -> dict[str, Any]:
    """Everything the page needs: per slide its clip, captions, notes and stops (as times in the
    clip: the middle of the frame shown, so a seek lands on it whatever the rounding)."""
    words = LANGUAGES[settings.lang]
    fps = settings.fps
    notes = section_notes(words, trajectories)
    pages = []
    for slide, clip, shared in zip(slides, clips, notes, strict=True):
        stops = [
            {
                "kind": stop.kind,
                "frame": stop.frame,
                "at": (stop.frame + 0.5) / fps,
                "resume": (stop.resume + 0.5) / fps,
                "notes": _lines_html(stop_notes(words, slide, stop, trajectories)),
            }
            for stop in slide.stops
        ]
        pages.append(
            {
                "name": slide.name,
                "heading": lesson_html(shared[0]),
                "clip": clip.file,
                "captions": clip.captions,
                "frames": slide.frames,
                "duration": slide.frames / fps,
                "notes": _lines_html(shared[1:]),
                "stops": stops,
            }
        )
    return {
        "lang": settings.lang,
        "fps": fps,
        "width": settings.width,
        "height": settings.height,
        "title": words.lesson.title,
        "words": asdict(SLIDE_LANGUAGES[settings.lang]),
        "slides": pages,
    }


def slides_html(data: dict[str, Any], settings: RenderSettings, version: str) -> str:
    """The page for `data` (as `slides_data` makes it): the template with everything inlined."""
    scheme = theme(settings.theme)
    fonts = ", ".join(f'"{font}"' for font in LANGUAGES[settings.lang].fonts)
    variables = {
        "--bg": scheme.background,
        "--text": scheme.text,
        "--muted": scheme.muted_text,
        "--frame": scheme.frame,
        "--font": f'"optiroll math", {fonts}, system-ui, sans-serif',
        "--aspect": f"{settings.width} / {settings.height}",
    }
    values = {
        "LANG": settings.lang,
        "COLOR_SCHEME": scheme.name,
        "VERSION": version,
        "TITLE": escape(data["title"]),
        "THEME": " ".join(f"{k}: {v};" for k, v in variables.items()),
        "MATH_FONT": math_font_face(),
        "CSS": asset("slides.css"),
        "DATA": script_json(data),
        "JS": asset("slides.js"),
    }
    return filled("slides.html", values)
