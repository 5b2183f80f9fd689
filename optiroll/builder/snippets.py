"""Markdown snippets to paste into a Jekyll post, one per figure, and an index.md listing them all."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from ..plan.settings import sidecar_path
from .figures_file import POSTER_FORMAT, VIDEO_FORMATS, Figure, FiguresFile

INDEX = "index.md"
MIME = {"mp4": "video/mp4", "webm": "video/webm"}


def _size(media: Path) -> tuple[int, int]:
    """The pixel size the side-car records (a GIF fitted to --max-size may be smaller)."""
    output = json.loads(sidecar_path(media).read_text())["output"]
    return output["width"], output["height"]


def snippet(figure: Figure, out_dir: Path, base_url: str = "") -> str:
    """A <figure>: <img> for GIF/PNG, a looping muted <video> with a PNG poster for MP4/WebM."""
    url = (base_url.rstrip("/") + "/") if base_url else ""
    videos = [f for f in figure.formats if f in VIDEO_FORMATS]
    main = videos[0] if videos else figure.formats[0]
    width, height = _size(out_dir / figure.file_name(main))
    alt = escape(figure.alt)
    lines = [f'<figure lang="{escape(figure.lang)}">']
    if videos:
        poster = escape(url + figure.file_name(POSTER_FORMAT))
        lines.append(
            f'  <video autoplay loop muted playsinline poster="{poster}" width="{width}" '
            f'height="{height}" aria-label="{alt}">'
        )
        for fmt in videos:
            src = escape(url + figure.file_name(fmt))
            lines.append(f'    <source src="{src}" type="{MIME[fmt]}">')
        lines.append("  </video>")
    else:
        src = escape(url + figure.file_name(main))
        lines.append(
            f'  <img src="{src}" alt="{alt}" width="{width}" height="{height}" loading="lazy">'
        )
    if figure.caption:
        lines.append(f"  <figcaption>{escape(figure.caption)}</figcaption>")
    lines.append("</figure>")
    return "\n".join(lines) + "\n"


def index(figures_file: FiguresFile, snippets: dict[str, str]) -> str:
    """index.md: a heading and the snippet of every figure that has its files, in file order."""
    parts = [
        f"# {figures_file.title}\n",
        f"Made by `optiroll build {figures_file.path.name}`; each figure's snippet is also in NAME.md.\n",
    ]
    for figure in figures_file.figures:
        if figure.name in snippets:
            parts.append(f"## {figure.name}\n\n{snippets[figure.name]}")
    return "\n".join(parts)
