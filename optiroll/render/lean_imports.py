"""Import Manim without the heavy packages a 2D figure never uses.

`import manim` pulls in scipy's spatial module (about 0.3 s, for one rotation helper in
`manim.utils.space_ops`), networkx (about 0.12 s, for `manim.mobject.graph`) and bs4 (about
0.08 s, for the code-listing mobject): about half of Manim's import time on this machine. While
Manim is imported, those modules are stand-ins: a name taken from one (`from bs4 import Tag`) is a
placeholder, and a module bound whole (`import networkx as nx`) is the stand-in itself. Both import
the real package the first time they are used, so code that needs one still gets it, and a render
that never does never pays for it.

The one name Manim takes from scipy, `Rotation` (for `space_ops.rotation_matrix`, which every new
`Text` calls), is then `RotvecRotation`: the same arithmetic in NumPy, to the same bits, so even
a figure with text never loads scipy.
"""

from __future__ import annotations

import importlib
import math
import sys
import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

# The modules that are stand-ins while Manim is imported (a package and the submodule Manim
# imports from it are both listed: the import system looks the full name up first).
DEFERRED = ("scipy.spatial", "scipy.spatial.transform", "networkx", "bs4")


_importing = False  # True while `deferred_imports` runs: names taken then are placeholders


class _StandIn(types.ModuleType):
    """A module in place of the real one: placeholders while importing, the real thing after."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's probes (__path__, __spec__, ...)
            raise AttributeError(name)
        if _importing:
            return _Placeholder(self.__name__, (name,))
        return getattr(_real(self.__name__), name)


class _Placeholder:
    """A name taken from a stand-in while importing (`nx.layout.circular_layout`): the real
    object on first use after."""

    __slots__ = ("_module", "_path")

    def __init__(self, module: str, path: tuple[str, ...]) -> None:
        self._module, self._path = module, path

    def _target(self) -> Any:
        target: Any = _real(self._module)
        for name in self._path:
            target = getattr(target, name)
        return target

    def __getattr__(self, name: str) -> Any:
        if _importing:
            return _Placeholder(self._module, (*self._path, name))
        return getattr(self._target(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._target()(*args, **kwargs)

    def __instancecheck__(self, instance: Any) -> bool:
        return isinstance(instance, self._target())

    def __subclasscheck__(self, subclass: type) -> bool:
        return issubclass(subclass, self._target())

    def __repr__(self) -> str:
        return f"<deferred {self._module}.{'.'.join(self._path)}>"


def _real(name: str) -> types.ModuleType:
    """The real module `name`, imported now if a stand-in still holds its place."""
    module = sys.modules.get(name)
    if module is not None and not isinstance(module, _StandIn):
        return module
    for deferred in DEFERRED:
        if isinstance(sys.modules.get(deferred), _StandIn):
            del sys.modules[deferred]
    return importlib.import_module(name)


@contextmanager
def deferred_imports() -> Iterator[None]:
    """Within the block, the DEFERRED modules that are not loaded yet are stand-ins."""
    global _importing
    sys.modules.update({name: _StandIn(name) for name in DEFERRED if name not in sys.modules})
    _importing = True
    try:
        yield
    finally:
        _importing = False


class RotvecRotation:
    """What Manim uses of scipy's `Rotation`: `from_rotvec(v).as_matrix()`, computed as scipy
    computes it (through the unit quaternion; a series for small angles)."""

    def __init__(self, matrix: np.ndarray) -> None:
        self._matrix = matrix

    @classmethod
    def from_rotvec(cls, rotvec: Sequence[float]) -> RotvecRotation:
        x, y, z = (float(v) for v in rotvec)
        angle = math.sqrt(x * x + y * y + z * z)
        if angle <= 1e-3:
            squared = angle * angle
            scale = 0.5 - squared / 48 + squared * squared / 3840
        else:
            scale = math.sin(angle / 2) / angle
        x, y, z, w = x * scale, y * scale, z * scale, math.cos(angle / 2)
        x2, y2, z2, w2 = x * x, y * y, z * z, w * w
        xy, zw, xz, yw, yz, xw = x * y, z * w, x * z, y * w, y * z, x * w
        return cls(
            np.array(
                [
                    [x2 - y2 - z2 + w2, 2 * (xy - zw), 2 * (xz + yw)],
                    [2 * (xy + zw), -x2 + y2 - z2 + w2, 2 * (yz - xw)],
                    [2 * (xz - yw), 2 * (yz + xw), -x2 - y2 + z2 + w2],
                ]
            )
        )

    def as_matrix(self) -> np.ndarray:
        return self._matrix


def import_manim_lean() -> None:
    """`import manim` with the DEFERRED modules as stand-ins, and Manim's rotations in NumPy."""
    with deferred_imports():
        import manim

    manim.utils.space_ops.Rotation = RotvecRotation
