"""Find where a table or key is written in TOML source, for error messages (tomllib keeps no lines)."""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_PART = re.compile(r'"([^"]*)"|\'([^\']*)\'|([^.\s"\']+)')


def _path(text: str) -> tuple[str, ...]:
    """'figures."sgd.zigzag"' -> ('figures', 'sgd.zigzag')."""
    return tuple(next(g for g in m.groups() if g is not None) for m in _PART.finditer(text))


def _key(line: str, key: str) -> bool:
    pattern = rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*="""
    return re.match(pattern, line) is not None


class SourceLines:
    """Line numbers (from 1) of `[table]` headers and of `key =` lines inside them."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()

    def _sections(self):
        """(header path, header line, index range of its body) for the top level and each header."""
        starts = [((), 0, 0)]
        for i, line in enumerate(self.lines):
            match = _HEADER.match(line)
            if match:
                starts.append((_path(match.group(1)), i + 1, i + 1))
        for n, (path, line, begin) in enumerate(starts):
            end = starts[n + 1][2] - 1 if n + 1 < len(starts) else len(self.lines)
            yield path, line, range(begin, end)

    def table(self, path: tuple[str, ...]) -> int | None:
        """The line of `[a.b]`, or of `b = {...}` inside `[a]`."""
        for section, line, _ in self._sections():
            if section == path:
                return line
        return self.key(path[:-1], path[-1]) if path else None

    def key(self, table: tuple[str, ...], key: str) -> int | None:
        """The line of `key = ...` inside `[table]`; None when written some other way."""
        for section, _, body in self._sections():
            if section == table:
                for i in body:
                    if _key(self.lines[i], key):
                        return i + 1
        return None
