"""Markdown snippets to paste into a Jekyll post, one per figure, and an index.md listing them all.

A snippet keeps its figure's shape under any theme: each image and video carries the file's pixel
size and an inline `max-width: 100%; height: auto; aspect-ratio: W / H`, so a theme's
`img { max-width: 100% }` scales it down without stretching it. A reader who asks for reduced
motion gets the PNG poster instead of the animation, without JavaScript: a <picture> source for a
GIF (the poster of a figure without a video is the GIF's size: it takes the GIF's box), and for a
video a small <style> scoped to two class names. Every string from the figures file
is escaped for where it lands: HTML (quotes too), Liquid (Jekyll runs it before Markdown) and, in
index.md's headings, kramdown's and CommonMark's markup.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

from ..plan.settings import sidecar_path
from ..render.slides import PAGE as SLIDES_PAGE
from .figures_file import PAGE_FORMAT, POSTER_FORMAT, SLIDES_FORMAT, Figure, FiguresFile

INDEX = "index.md"
# The codec lets a browser without VP9 skip the WebM for the MP4 (H.264, which every browser has).
MIME = {"webm": "video/webm; codecs=vp9", "mp4": "video/mp4"}
REDUCED_MOTION = "(prefers-reduced-motion: reduce)"
# A lecture's text tracks as a player's menu names them, in the lecture's language.
TRACK_LABELS = {
    "captions": {"en": "English", "ko": "한국어"},
    "chapters": {"en": "Chapters", "ko": "챕터"},
}
SLIDES_LINK = {"en": "The slides, to present it step by step", "ko": "한 단계씩 발표하는 슬라이드"}
MOTION, STILL = "optiroll-motion", "optiroll-still"
# !important and a tag in each selector: a theme's `video { display: block }` or Bootstrap's
# `[hidden] { display: none !important }` must not undo a reader's choice.
REDUCED_MOTION_STYLE = (
    f"<style>@media {REDUCED_MOTION} {{ video.{MOTION} {{ display: none !important; }} "
    f"img.{STILL} {{ display: block !important; }} }}</style>"
)
# Characters with a meaning in kramdown (GFM input, Jekyll's default) or CommonMark inline text
# that a backslash makes literal in both; & < > " ' become character references, braces and ~
# too (a backslash stops neither Liquid nor kramdown's GFM parser's ~).
_MARKDOWN = re.compile(r"([\\`*_\[\]#!|$])")


def html_text(value: str) -> str:
    """A figures-file string as HTML text or attribute value: on one line (a blank line would end
    a Markdown HTML block), & < > " ' escaped, and braces as references that Liquid leaves alone."""
    return _liquid_safe(escape(" ".join(value.split())))


def markdown_text(value: str) -> str:
    """A figures-file string as the text of a Markdown heading: literal in kramdown and CommonMark."""
    return _liquid_safe(escape(_MARKDOWN.sub(r"\\\1", " ".join(value.split())))).replace(
        "~", "&#126;"
    )


def _liquid_safe(text: str) -> str:
    return text.replace("{", "&#123;").replace("}", "&#125;")


def _sidecar(media: Path) -> dict:
    return json.loads(sidecar_path(media).read_text(encoding="utf-8"))


def _size(media: Path) -> tuple[int, int]:
    """The pixel size the side-car records (a GIF fitted to --max-size may be smaller)."""
    output = _sidecar(media)["output"]
    return output["width"], output["height"]


def _box(width: int, height: int) -> str:
    """The size attributes and the inline style that keep that shape whatever the theme says."""
    return (
        f'width="{width}" height="{height}" '
        f'style="max-width: 100%; height: auto; aspect-ratio: {width} / {height};"'
    )


# An interactive page replaces its fallback (the GIF, video or poster) only where scripts run, so a
# feed reader or a reader without JavaScript keeps the picture; the page reports its height.
PAGE_CLASS, FALLBACK_CLASS = "optiroll-page", "optiroll-fallback"
PAGE_SCRIPT = (
    "<script>(function (s) { var f = s.parentNode, box = f.querySelector('.optiroll-page'), "
    "frame = box.querySelector('iframe'); box.hidden = false; "
    "f.removeChild(f.querySelector('.optiroll-fallback')); "
    "window.addEventListener('message', function (e) { if (e.source === frame.contentWindow && "
    "e.data && e.data.optiroll === 'height') { box.style.aspectRatio = 'auto'; "
    "box.style.height = e.data.height + 'px'; } }); })(document.currentScript);</script>"
)
PAGE_ASPECT = 1.75  # the page's height for the figure's height: the plots, controls and readout


def _page(src: str, alt: str, width: int, height: int, fallback: list[str]) -> list[str]:
    """The page in an <iframe> of the figure's width, shown in place of `fallback` by a script."""
    box = (
        f"position: relative; width: 100%; max-width: {width}px; "
        f"aspect-ratio: {width} / {round(height * PAGE_ASPECT)};"
    )
    frame = "position: absolute; top: 0; left: 0; width: 100%; height: 100%; border: 0;"
    return [
        f'  <div class="{FALLBACK_CLASS}">',
        *(f"  {line}" for line in fallback),
        "  </div>",
        f'  <div class="{PAGE_CLASS}" style="{box}" hidden>',
        f'    <iframe src="{src}" title="{alt}" loading="lazy" style="{frame}"></iframe>',
        "  </div>",
        f"  {PAGE_SCRIPT}",
    ]


def _talk(sources: list[str], tracks: dict, poster: str, box: str, alt: str, url: str) -> list[str]:
    """A lecture's <video>: the reader plays it (controls, nothing fetched but its length until
    then), with its captions shown by default and its chapters, in the lecture's language."""
    lang = tracks["lang"]

    def track(kind: str, file: str, default: str = "") -> str:
        label = escape(TRACK_LABELS[kind][lang])
        return (
            f'    <track kind="{kind}" srclang="{escape(lang)}" label="{label}" '
            f'src="{escape(url + file)}"{default}>'
        )

    return [
        f'  <video controls preload="metadata" poster="{poster}" {box} aria-label="{alt}">',
        *sources,
        track("captions", tracks["file"], " default"),
        track("chapters", tracks["chapters"]),
        "  </video>",
    ]


def snippet(figure: Figure, out_dir: Path, base_url: str = "") -> str:
    """A <figure>: a looping muted <video> (WebM and MP4) with its PNG poster, a GIF in a
    <picture> whose still is the poster, or a PNG; then the caption. A video whose side-car
    lists text tracks (a lecture) is a talk instead: played by the reader, with its captions
    and chapters, and a link to its slides when the figure has them."""
    # base_url is a URL prefix, escaped for HTML only, so a Liquid {{ site.baseurl }} still works.
    url = (base_url.rstrip("/") + "/") if base_url else ""

    def src(fmt: str) -> str:
        return escape(url + figure.file_name(fmt))

    alt = html_text(figure.alt)
    lines = [f'<figure lang="{escape(figure.lang)}">']
    if figure.videos:
        first = out_dir / figure.file_name(figure.videos[0])
        box = _box(*_size(first))
        sources = [f'    <source src="{src(f)}" type="{MIME[f]}">' for f in figure.videos]
        tracks = _sidecar(first).get("captions")
        if tracks:
            lines += _talk(sources, tracks, src(POSTER_FORMAT), box, alt, url)
        else:
            lines += [
                f"  {REDUCED_MOTION_STYLE}",
                f'  <video class="{MOTION}" autoplay loop muted playsinline '
                f'poster="{src(POSTER_FORMAT)}" {box} aria-label="{alt}">',
                *sources,
                "  </video>",
                f'  <img class="{STILL}" src="{src(POSTER_FORMAT)}" alt="{alt}" {box} hidden>',
            ]
    else:
        shown = next((f for f in figure.formats if f != PAGE_FORMAT), figure.poster)
        box = _box(*_size(out_dir / figure.file_name(shown)))
        image = f'<img src="{src(shown)}" alt="{alt}" {box} loading="lazy">'
        if shown == figure.poster:
            lines.append(f"  {image}")
        else:
            lines += [
                "  <picture>",
                f'    <source media="{REDUCED_MOTION}" srcset="{src(figure.poster)}">',
                f"    {image}",
                "  </picture>",
            ]
    if SLIDES_FORMAT in figure.formats:
        slides = escape(f"{url}{figure.file_name(SLIDES_FORMAT)}/{SLIDES_PAGE}")
        lines.append(f'  <p><a href="{slides}">{escape(SLIDES_LINK[figure.lang])}</a></p>')
    if PAGE_FORMAT in figure.formats:
        size = _size(out_dir / figure.file_name(POSTER_FORMAT))
        lines[1:] = _page(src(PAGE_FORMAT), alt, *size, lines[1:])
    if figure.caption:
        lines.append(f"  <figcaption>{html_text(figure.caption)}</figcaption>")
    lines.append("</figure>")
    return "\n".join(lines) + "\n"


def index(figures_file: FiguresFile, snippets: dict[str, str]) -> str:
    """index.md: a heading and the snippet of every figure that has its files, in file order."""
    parts = [
        f"# {markdown_text(figures_file.title)}\n",
        f"Made by `optiroll build` from {markdown_text(figures_file.path.name)}; each figure's "
        "snippet is also in NAME.md.\n",
    ]
    for figure in figures_file.figures:
        if figure.name in snippets:
            parts.append(f"## {markdown_text(figure.name)}\n\n{snippets[figure.name]}")
    return "\n".join(parts)
