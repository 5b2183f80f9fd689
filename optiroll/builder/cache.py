"""The build cache: a render is redone only when what decides its picture changed, or when what
it wrote cannot be read back.

The key hashes the resolved settings and experiment (so `lr = 0.1` and `lr = 1e-1` are one figure),
the tool version, a digest of optiroll's own source (a fix without a version bump still
re-renders) and the environment that draws (Manim, PyAV and Pango versions, LaTeX or not, the
fonts installed among those optiroll asks for). Keys live beside the outputs in
`.optiroll-build.json`, with the size and modification time of each file and its side-car, so a
file replaced, damaged or deleted by hand is rendered again; so is one whose side-car does not
read back as a render's, or whose text tracks (a lecture's captions and chapters) are gone.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..optim.experiment import Experiment
from ..plan.settings import RenderSettings, sidecar_path
from ..plan.words import LANGUAGES
from ..render.slides import PAGE as SLIDES_PAGE
from ..writes import write_text_atomically

MANIFEST = ".optiroll-build.json"
# Distributions whose versions change pixels: the drawing, the encoding, the text, the painting.
DRAWING_PACKAGES = ("manim", "av", "manimpango", "pycairo")
TEX_TOOLS = ("latex", "dvisvgm")  # equations are typeset when both are there, else plain text
# The first bytes of each format's files.
MAGIC = {
    "gif": (b"GIF89a", b"GIF87a"),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webm": (b"\x1a\x45\xdf\xa3",),
}


@cache
def source_digest() -> str:
    """A hash of every Python file of the installed optiroll package, and the page template."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *root.glob("web/figure.*")]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def environment() -> dict[str, Any]:
    """What outside optiroll decides a picture (no Manim imported to find out)."""
    from ..scenes.fonts import MATH_FONTS

    wanted = sorted({font for words in LANGUAGES.values() for font in words.fonts} | {*MATH_FONTS})
    try:
        import manimpango

        installed = set(manimpango.list_fonts())
    except ImportError:
        installed = set()
    return {
        "packages": {name: _version(name) for name in DRAWING_PACKAGES},
        "tex": all(shutil.which(tool) for tool in TEX_TOOLS),
        "fonts": [font for font in wanted if font in installed],
    }


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def render_key(settings: RenderSettings, experiment: Experiment) -> str:
    """The hash of everything that decides one rendered file."""
    blob = json.dumps(
        {
            "version": __version__,
            "source": source_digest(),
            "environment": environment(),
            "settings": settings.to_dict(),
            "experiment": experiment.to_dict(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def read_sidecar(media: Path) -> dict | None:
    """The side-car of `media` if it reads back as a render's (JSON naming this file, with its
    pixel size), else None."""
    try:
        data = json.loads(sidecar_path(media).read_text(encoding="utf-8"))
        output = data["output"]
        ok = (
            data.get("tool") == "optiroll"
            and output["file"] == media.name
            and all(isinstance(output[k], int) and output[k] > 0 for k in ("width", "height"))
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return data if ok else None


def output_file(out_dir: Path, file_name: str) -> Path:
    """The file that stands for the output `file_name`: itself, or for a folder (a lecture's
    slides, the only output that is one) its page, whose side-car is beside it in the folder."""
    path = out_dir / file_name
    return path / SLIDES_PAGE if path.is_dir() else path


def readable(media: Path) -> bool:
    """Whether `media` starts as its format's files do and its side-car reads back."""
    magic = MAGIC.get(media.suffix[1:].lower())
    try:
        with media.open("rb") as file:
            head = file.read(12)
    except OSError:
        return False
    if magic is not None and not head.startswith(magic):
        return False
    if media.suffix.lower() == ".mp4" and head[4:8] != b"ftyp":
        return False
    data = read_sidecar(media)
    return data is not None and _tracks_present(media, data)


def _tracks_present(media: Path, data: dict) -> bool:
    """Whether the text tracks the side-car lists beside `media` (a lecture's captions and
    chapters, which its snippet links) are there."""
    tracks = data.get("captions")
    if tracks is None:
        return True
    try:
        return all((media.parent / tracks[key]).is_file() for key in ("file", "chapters"))
    except (KeyError, TypeError):  # a side-car edited by hand
        return False


class BuildCache:
    """Which files in an output directory are up to date, and recording new ones."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        # A damaged manifest (another type, entries of another shape) only forgets.
        self.entries: dict[str, dict] = {
            name: entry
            for name, entry in (entries.items() if isinstance(entries, dict) else ())
            if isinstance(entry, dict)
        }

    def is_fresh(self, out_dir: Path, file_name: str, key: str) -> bool:
        """True when `file_name` was rendered with `key`, neither it nor its side-car changed
        since, and both read back."""
        entry = self.entries.get(file_name)
        media = output_file(out_dir, file_name)
        if not entry or entry.get("key") != key:
            return False
        if entry.get("files") != _stamps(media):
            return False
        return readable(media)

    def record(self, out_dir: Path, file_name: str, key: str) -> None:
        """Remember a finished render and save the manifest (atomically)."""
        self.entries[file_name] = {"key": key, "files": _stamps(output_file(out_dir, file_name))}
        write_text_atomically(self.path, json.dumps(self.entries, indent=1, sort_keys=True))


def _stamps(media: Path) -> list[list[int]] | None:
    """[size, modification time] of the media and of its side-car, None if either is missing."""
    try:
        return [[s.st_size, s.st_mtime_ns] for s in (media.stat(), sidecar_path(media).stat())]
    except OSError:
        return None
