"""The build cache: a render is redone only when what decides its picture changed.

The key hashes the resolved settings and experiment (so `lr = 0.1` and `lr = 1e-1` are one figure),
the tool version and a digest of optiroll's own source (a fix without a version bump still
re-renders). Keys live beside the outputs in `.optiroll-build.json`, with each file's size and
modification time, so a file replaced or deleted by hand is rendered again.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from .. import __version__
from ..optim.experiment import Experiment
from ..plan.settings import RenderSettings, sidecar_path

MANIFEST = ".optiroll-build.json"


@cache
def source_digest() -> str:
    """A hash of every Python file of the installed optiroll package, and the page template."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *root.glob("web/figure.*")]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def render_key(settings: RenderSettings, experiment: Experiment) -> str:
    """The hash of everything that decides one rendered file."""
    blob = json.dumps(
        {
            "version": __version__,
            "source": source_digest(),
            "settings": settings.to_dict(),
            "experiment": experiment.to_dict(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


class BuildCache:
    """Which files in an output directory are up to date, and recording new ones."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST
        try:
            self.entries: dict[str, dict] = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.entries = {}

    def is_fresh(self, out_dir: Path, file_name: str, key: str) -> bool:
        """True when `file_name` was rendered with `key` and neither it nor its side-car changed."""
        entry = self.entries.get(file_name)
        media = out_dir / file_name
        if not entry or entry.get("key") != key or not sidecar_path(media).is_file():
            return False
        try:
            stat = media.stat()
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == [entry.get("size"), entry.get("mtime_ns")]

    def record(self, out_dir: Path, file_name: str, key: str) -> None:
        """Remember a finished render and save the manifest (atomically)."""
        from ..render.output import atomic_output  # imports PyAV: only once something rendered

        stat = (out_dir / file_name).stat()
        self.entries[file_name] = {"key": key, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        with atomic_output(self.path) as temporary:
            temporary.write_text(json.dumps(self.entries, indent=1, sort_keys=True))
