"""The two exceptions the CLI turns into one line on stderr (a bad argument, exit code 2; a failure
of the environment, exit code 1), how user text is made safe to print in such a line, and the one
way an unknown name is answered with the closest known one."""

from __future__ import annotations

import difflib
import errno
import unicodedata
from collections.abc import Iterable
from pathlib import Path


class OptirollError(ValueError):
    """Bad input from the user: the message is shown as it is, on one line; exit code 2."""


class OptirollFailure(RuntimeError):
    """What optiroll needs from its surroundings failed (a full disk, a folder that vanished, a
    helper process that died): one line, exit code 1."""


# Unicode categories that move the cursor, change colours, reorder text or end the line when
# printed: controls, format characters (bidi overrides), line and paragraph separators, and the
# lone surrogates that stand for undecodable bytes in arguments and file names.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str) -> str:
    """`text` with every character that would not print as itself escaped (\\x1b, \\n, \\u202e):
    a message quoting user input stays one plain line."""
    out = []
    for char in text:
        if unicodedata.category(char) not in _UNPRINTABLE:
            out.append(char)
        elif 0xDC80 <= ord(char) <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        else:
            out.append(repr(char)[1:-1] if ord(char) < 0x80 else f"\\u{ord(char):04x}")
    return "".join(out)


def failure(err: OSError, path: Path | str | None = None) -> OptirollError | OptirollFailure:
    """An OSError met while writing `path`, as one line: a bad argument for what the path itself
    decides (permissions, a read-only file system, a name too long), else a failure."""
    where = path if path is not None else err.filename
    reason = err.strerror or str(err)
    line = f"cannot write '{where}': {reason}" if where is not None else reason
    if err.errno in _ARGUMENT_ERRNOS:
        return OptirollError(line)
    return OptirollFailure(line)


_ARGUMENT_ERRNOS = frozenset(
    {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENAMETOOLONG, errno.EISDIR, errno.ENOTDIR}
)


def did_you_mean(given: str, known: Iterable[str], cutoff: float = 0.5) -> str | None:
    """The known name closest to `given`, if any is close enough."""
    close = difflib.get_close_matches(given, list(known), n=1, cutoff=cutoff)
    return close[0] if close else None
