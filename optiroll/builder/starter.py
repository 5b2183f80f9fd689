"""`optiroll init-figures`: a commented figures file that `optiroll build` accepts as it is."""

from __future__ import annotations

from pathlib import Path

from ..errors import OptirollError
from ..plan.settings import FORMATS, QUALITIES, SCENES
from ..plan.theme import THEMES
from ..plan.words import LANGUAGES
from ..writes import write_text_atomically
from .figures_file import FIGURE_KEYS

_TEMPLATE = """\
# A figures file for `optiroll build` (see `optiroll list` for optimizers, surfaces and presets).
# Build every figure into media/<this file's name>/ with:  optiroll build figures.toml
# A second build re-renders only the figures whose parameters changed (--force: all of them).

title = "Optimizers on the book's surface"   # the heading of index.md
# base_url = "/assets/img/optimizers"       # prefix of the src in the snippets, for your site

# [defaults] applies to every figure; a figure's own value wins.
[defaults]
theme = "light"     # <themes>
lang = "en"         # <languages> (Korean labels need a Hangul font: optiroll doctor)
format = "gif"      # <formats>, or a list (a video gets WebM and MP4, anything moving a PNG poster)
quality = "blog"    # <qualities>

# A figure (or [defaults]) may set: <options>.
# One table per figure; its name is the file name: media/.../sgd-zigzag.gif, sgd-zigzag.md.
[figures.sgd-zigzag]
scene = "single"                 # <scenes>
optimizers = ["sgd:lr=0.95"]     # NAME:key=value,... as with `optiroll render -o`
steps = 30                       # updates; the run has steps + 1 points
start = [-7.0, 2.0]
alt = "SGD zigzags across the narrow valley of x**2/20 + y**2 on its way to the minimum at (0, 0)."
caption = "SGD with learning rate 0.95: a zigzag toward the minimum."

[figures.comparison]
preset = "book"                  # the book's Figure 6-8: SGD, Momentum, AdaGrad, Adam
scene = "compare"
# Optimizers may also be tables:
# optimizers = [{ name = "momentum", lr = 0.1 }, { name = "adam", lr = 0.3 }]
format = "mp4"                   # with a WebM and a PNG poster beside it
alt = "Four panels: SGD zigzags, Momentum swings and rolls, AdaGrad and Adam head straight for (0, 0)."
caption = "The book's comparison of the four optimizers."
"""
# The choices come from the tables the renderer checks against, so the comments stay true.
STARTER = (
    _TEMPLATE.replace("<scenes>", " | ".join(SCENES))
    .replace("<formats>", " | ".join(FORMATS))
    .replace("<qualities>", " | ".join(QUALITIES))
    .replace("<themes>", " | ".join(THEMES))
    .replace("<languages>", " | ".join(LANGUAGES))
    .replace("<options>", ", ".join(FIGURE_KEYS))
)


def write_starter(path: Path, force: bool = False) -> Path:
    """Write the starter file; an existing file is replaced only with `force`."""
    if path.exists() and not force:
        raise OptirollError(f"{path} exists; choose another path or pass --force to replace it")
    if not path.parent.is_dir():
        raise OptirollError(f"directory '{path.parent}' does not exist")
    write_text_atomically(path, STARTER)
    return path
