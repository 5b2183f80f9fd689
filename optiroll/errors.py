"""The one exception type the CLI turns into a one-line message and exit code 2, and the one way
an unknown name is answered with the closest known one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class OptirollError(ValueError):
    """Bad input from the user: the message is shown as it is, on one line."""


def did_you_mean(given: str, known: Iterable[str], cutoff: float = 0.5) -> str | None:
    """The known name closest to `given`, if any is close enough."""
    close = difflib.get_close_matches(given, list(known), n=1, cutoff=cutoff)
    return close[0] if close else None
