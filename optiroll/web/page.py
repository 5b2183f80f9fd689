"""Write the interactive page: the template with its style, script and data inlined, and a side-car.

One self-contained file: no network, no CDN, nothing to build. The side-car `NAME.html.json`
holds the page's data at full precision beside the usual record of the render.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from html import escape
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from ..errors import OptirollError
from ..optim.experiment import Experiment
from ..plan.settings import RenderSettings, sidecar_path
from ..plan.typography import MATH_BLOCKS, MATH_CHARACTERS
from ..writes import write_text_atomically
from .data import page_data, rounded

PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
# Mathematics (η, β₁, ∂, √, m̂) in a font made for it, as the figures set it: a Hangul font's own
# Greek and scripts look wrong. A face of the fonts readers have, for those characters only.
MATH_FAMILY = "optiroll math"
MATH_LOCAL_FONTS = ("DejaVu Sans", "Noto Sans", "Segoe UI", "Helvetica Neue", "Arial")


@dataclass(frozen=True)
class PageReport:
    path: Path
    sidecar: Path
    bytes: int
    runs: int  # trajectories in the page, every learning rate's


def asset(name: str) -> str:
    """A file of the page templates (web/), as text."""
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def script_json(value: Any) -> str:
    """JSON that cannot end the <script> element it sits in."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def math_font_face() -> str:
    """The @font-face of MATH_FAMILY: local fonts, for typography.py's mathematical characters."""
    ranges = [f"U+{low:04X}-{high:04X}" for low, high in MATH_BLOCKS]
    ranges += [f"U+{ord(c):04X}" for c in sorted(MATH_CHARACTERS)] + ["U+0300-036F"]
    sources = ", ".join(f'local("{font}")' for font in MATH_LOCAL_FONTS)
    return (
        f'@font-face {{ font-family: "{MATH_FAMILY}"; src: {sources}; '
        f"unicode-range: {', '.join(ranges)}; }}"
    )


def page_html(data: dict[str, Any]) -> str:
    """The page for `data` (as `page_data` makes it): the template with everything inlined."""
    theme, settings = data["theme"], data["settings"]
    fonts = ", ".join(f'"{font}"' for font in (MATH_FAMILY, *data["fonts"]))
    variables = {
        "--bg": theme["background"],
        "--text": theme["text"],
        "--muted": theme["muted_text"],
        "--frame": theme["frame"],
        "--minimum": theme["minimum"],
        "--font": f"{fonts}, system-ui, sans-serif",
        "--max-width": f"{settings['width']}px",
    }
    names = ", ".join(dict.fromkeys(run["title"].split(" ")[0] for run in data["trajectories"]))
    values = {
        "LANG": data["lang"],
        "COLOR_SCHEME": theme["name"],
        "VERSION": data["version"],
        "TITLE": escape(f"{names} · {data['formula']}"),
        "THEME": " ".join(f"{k}: {v};" for k, v in variables.items()),
        "MATH_FONT": math_font_face(),
        "CSS": asset("figure.css"),
        "FORMULA": escape(data["formula_text"]),
        "NEEDS_SCRIPT": escape(data["words"]["needs_script"]),
        "DATA": script_json(rounded(data)),
        "JS": asset("figure.js"),
    }
    return filled("figure.html", values)


def filled(template: str, values: dict[str, str]) -> str:
    """The template file `template` with each {{NAME}} replaced by `values[NAME]`; its {{HEAD}}
    is the pages' shared head (head.html: the language, colour scheme, title, fonts and style)."""
    text = asset(template).replace("{{HEAD}}", asset("head.html"), 1)
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def write_page(
    settings: RenderSettings, experiment: Experiment, output: Path, command: list[str] | None = None
) -> PageReport:
    """Compute the page's data, write the page to `output` and its side-car beside it."""
    if find_spec("contourpy") is None:
        raise OptirollError(
            "an html page draws contours with contourpy: pip install 'optiroll[render]'"
        )
    data = page_data(settings, experiment)
    html = page_html(data)
    sidecar = sidecar_path(output)
    record = {
        "tool": data["tool"],
        "version": data["version"],
        "command": sys.argv if command is None else command,
        "output": {
            "file": output.name,
            "format": "html",
            "bytes": len(html.encode("utf-8")),
            "width": settings.width,  # the page's widest layout, as the GIF's size
            "height": settings.height,
        },
        **{k: v for k, v in data.items() if k not in ("tool", "version")},
    }
    try:
        write_text_atomically(output, html)
        write_text_atomically(sidecar, json.dumps(record, indent=1, ensure_ascii=False))
    except OSError as err:
        raise OptirollError(f"cannot write '{err.filename or output}': {err.strerror}") from None
    runs = len(data["trajectories"]) * len(data["lr_grid"]["factors"])
    return PageReport(output, sidecar, output.stat().st_size, runs)
