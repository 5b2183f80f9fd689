"""`optiroll doctor`: is everything rendering needs here? One line per item, with the fix.

Every question goes through `Probes`, so a test can simulate any missing piece.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..folders import cache_root
from ..plan.words import KOREAN
from ..writes import temporary_prefix

APT = "sudo apt-get install"
RENDER_EXTRA = "pip install 'optiroll[render]'"
MIN_FREE_BYTES = 500_000_000  # Manim's text and TeX caches, and the frames of a 4K render in flight
# What encode.py writes each video format with (PyAV encoder names).
ENCODERS = {"GIF": "gif", "MP4/H.264": "libx264", "WebM/VP9": "libvpx-vp9"}


def _distribution_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _has_encoder(name: str) -> bool:
    import av

    try:
        av.codec.Codec(name, "w")
    except Exception:  # noqa: BLE001 - PyAV raises different errors for an unknown codec
        return False
    return True


def _fonts() -> frozenset[str]:
    import manimpango

    return frozenset(manimpango.list_fonts())


def _free_bytes(path: Path) -> int:
    """Free space where `path` is, or would be once created."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def _writable(folder: Path) -> str | None:
    """None when `folder` can be made (with its parents) and a file written in it, else why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=temporary_prefix("doctor"), dir=folder)
        os.close(handle)
        os.unlink(name)
    except OSError as err:
        return err.strerror or str(err)
    return None


@dataclass(frozen=True)
class Probes:
    """Every question the checks ask the system; replace one to simulate a missing piece."""

    python: tuple[int, ...] = tuple(sys.version_info[:3])
    version: Callable[[str], str | None] = _distribution_version
    requires: Callable[[], list[str]] = lambda: importlib.metadata.requires("optiroll") or []
    import_module: Callable[[str], Any] = importlib.import_module
    which: Callable[[str], str | None] = shutil.which
    encoder: Callable[[str], bool] = _has_encoder
    fonts: Callable[[], frozenset[str]] = _fonts
    free_bytes: Callable[[Path], int] = _free_bytes
    writable: Callable[[Path], str | None] = _writable
    cache_dir: Path = field(default_factory=cache_root)


@dataclass(frozen=True)
class Finding:
    item: str
    ok: bool
    required: bool
    detail: str  # what was found, or what is missing
    fix: str = ""  # the command that installs it

    def line(self) -> str:
        status = "OK" if self.ok else "MISSING" if self.required else "WARN"
        fix = f"; install: {self.fix}" if not self.ok and self.fix else ""
        return f"{status:<8} {self.item}: {self.detail}{fix}"


def _declared_packages(probes: Probes) -> list[tuple[str, str]]:
    """(distribution, extra or '') for optiroll's own and its render extra's requirements."""
    packages = []
    for requirement in probes.requires():
        name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)
        extra = re.search(r"""extra\s*==\s*["']([^"']+)["']""", requirement)
        if (not extra or extra.group(1) == "render") and _for_this_python(requirement, probes):
            packages.append((name, extra.group(1) if extra else ""))
    return packages


def _for_this_python(requirement: str, probes: Probes) -> bool:
    """False for a requirement only some Pythons need (`tomli; python_version < '3.11'`)."""
    ops = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }
    here = tuple(probes.python[:2])
    for op, version in re.findall(
        r"""python_version\s*(<=|>=|==|!=|<|>)\s*["'](\d+\.\d+)["']""", requirement
    ):
        if not ops[op](here, tuple(int(part) for part in version.split("."))):
            return False
    return True


def _python(probes: Probes) -> list[Finding]:
    version = ".".join(map(str, probes.python))
    ok = tuple(probes.python[:2]) >= (3, 10)
    return [Finding("python", ok, True, version if ok else f"{version}, need 3.10 or newer")]


def _packages(probes: Probes) -> list[Finding]:
    findings = []
    for name, extra in _declared_packages(probes) + [("av", "render")]:
        version = probes.version(name)
        fix = RENDER_EXTRA if extra else "pip install optiroll"
        findings.append(Finding(name, version is not None, True, version or "not installed", fix))
    return findings


def _libraries(probes: Probes) -> list[Finding]:
    """Cairo and Pango through the Python bindings Manim draws with, then Manim itself."""
    fix_system = f"{APT} libcairo2-dev libpango1.0-dev pkg-config, then {RENDER_EXTRA}"
    items = (
        ("cairo", "cairo", lambda m: f"cairo {m.cairo_version_string()} (pycairo)"),
        ("pango", "manimpango", lambda m: f"pango {m.pango_version()} (ManimPango)"),
        ("manim import", "manim", lambda m: f"manim {m.__version__} imports"),
    )
    findings = []
    for item, module, describe in items:
        try:
            findings.append(Finding(item, True, True, describe(probes.import_module(module))))
        except Exception as err:  # noqa: BLE001 - a missing module or a missing system library
            detail = " ".join(f"{type(err).__name__}: {err}".split())
            findings.append(Finding(item, False, True, detail, fix_system))
    return findings


def _encoders(probes: Probes) -> list[Finding]:
    findings = []
    for what, name in ENCODERS.items():
        try:
            ok = probes.encoder(name)
        except ImportError:
            ok = False
        detail = f"PyAV encoder {name}" + ("" if ok else " not available")
        fix = "pip install --force-reinstall av (its wheels bring FFmpeg with these encoders)"
        findings.append(Finding(f"{what} encoding", ok, True, detail, fix))
    return findings


def _latex(probes: Probes) -> list[Finding]:
    """LaTeX for the update equations: optional, no shipped scene typesets one yet."""
    tools = {"latex": "texlive-latex-base", "dvisvgm": "dvisvgm"}
    missing = [tool for tool in tools if not probes.which(tool)]
    detail = "latex and dvisvgm on PATH" if not missing else f"{', '.join(missing)} not on PATH"
    fix = f"{APT} {' '.join(tools[t] for t in missing)}"
    return [Finding("LaTeX (equations)", not missing, False, detail, fix)]


def _hangul_font(probes: Probes) -> list[Finding]:
    fix = f"{APT} fonts-nanum"
    try:
        found = [font for font in KOREAN.fonts if font in probes.fonts()]
    except Exception as err:  # noqa: BLE001 - without ManimPango no font list at all
        return [Finding("Hangul font", False, True, f"cannot list fonts ({err})", fix)]
    detail = found[0] if found else f"none of {', '.join(KOREAN.fonts)}"
    return [Finding("Hangul font (--lang ko)", bool(found), True, detail, fix)]


def _gifsicle(probes: Probes) -> list[Finding]:
    path = probes.which("gifsicle")
    detail = path or "not on PATH (optional: GIFs about 7% smaller)"
    return [Finding("gifsicle", path is not None, False, detail, f"{APT} gifsicle")]


def _disk(probes: Probes) -> list[Finding]:
    free = probes.free_bytes(probes.cache_dir)
    ok = free >= MIN_FREE_BYTES
    detail = f"{free / 1e9:.1f} GB free in {probes.cache_dir}" + (
        "" if ok else f", need {MIN_FREE_BYTES / 1e9:.1f} GB"
    )
    return [Finding("disk", ok, True, detail, "free some space on that disk")]


def _cache(probes: Probes) -> list[Finding]:
    """The cache of slow-to-make text: renders work without it, only slower."""
    problem = probes.writable(probes.cache_dir)
    detail = (
        f"{probes.cache_dir} can be written"
        if problem is None
        else (f"cannot make or write {probes.cache_dir} ({problem}); renders work, more slowly")
    )
    fix = "make it writable, or point XDG_CACHE_HOME to a folder that is"
    return [Finding("cache folder", problem is None, False, detail, fix)]


CHECKS = (
    _python,
    _packages,
    _libraries,
    _encoders,
    _latex,
    _hangul_font,
    _gifsicle,
    _disk,
    _cache,
)


def diagnose(probes: Probes | None = None) -> list[Finding]:
    """Run every check; a check that fails unexpectedly is a finding, not a crash."""
    probes = probes or Probes()
    findings = []
    for check in CHECKS:
        try:
            findings.extend(check(probes))
        except Exception as err:  # noqa: BLE001 - report it and go on with the other checks
            item = check.__name__.strip("_").replace("_", " ")
            findings.append(
                Finding(item, False, True, f"check failed: {type(err).__name__}: {err}")
            )
    return findings


def healthy(findings: list[Finding]) -> bool:
    """True when every required item is present (optional ones only warn)."""
    return all(f.ok for f in findings if f.required)
