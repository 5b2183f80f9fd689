"""The house rule: `optim/`, `plan/`, `terminal/` and `web/` never need Manim, and `scenes/` always does.

Checked in a fresh interpreter where importing Manim (or its drawing libraries) raises, so a new
`import manim` in a no-Manim wing fails here rather than slowing `trace` and `play` down.
"""

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import optiroll

NO_MANIM_WINGS = ("optiroll.optim", "optiroll.plan", "optiroll.terminal", "optiroll.web")
ROOT = Path(optiroll.__file__).parent

CHILD = """
import importlib, json, sys

class NoManim:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("manim", "manimpango", "cairo"):
            raise ImportError(f"{name} is not importable in this test")
        return None

sys.meta_path.insert(0, NoManim())
failed = {}
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except Exception as err:
        failed[name] = f"{type(err).__name__}: {err}"
print(json.dumps(failed))
"""


def modules(package: str) -> list[str]:
    folder = ROOT / package.split(".", 1)[1]
    return [package] + [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(folder)])]


def import_without_manim(names: list[str]) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT.parent)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(names)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_no_manim_wings_import_with_manim_unimportable():
    names = [name for wing in NO_MANIM_WINGS for name in modules(wing)]
    assert len(names) > 20  # every module of the three wings, not an empty walk
    assert import_without_manim(names) == {}


def test_the_scenes_wing_really_needs_manim():
    """The guard works: a module that draws with Manim fails to import without it."""
    failed = import_without_manim(["optiroll.scenes.mobjects", "optiroll.plan.layout"])
    assert list(failed) == ["optiroll.scenes.mobjects"]
    assert "manim" in failed["optiroll.scenes.mobjects"]
