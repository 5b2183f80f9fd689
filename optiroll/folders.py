"""Output folders, made or refused in one line, and output paths checked before anything runs."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import OptirollError, OptirollFailure
from .writes import temporary_name_length, temporary_prefix


def make_folder(path: Path) -> Path:
    """`path` as an existing folder (made with its parents if needed), or a one-line error."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OptirollError(f"cannot make the folder '{path}': {err.strerror or err}") from None
    return path


def cache_root() -> Path:
    """optiroll's cache folder (XDG_CACHE_HOME or ~/.cache): never the current directory."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "optiroll"


def check_name(path: str | os.PathLike, what: str) -> str:
    """`path` as text, unless it names no file ('', a folder's '/', a name ending in '.'):
    those are refused rather than guessed at."""
    text = os.fspath(path)
    if not text or Path(text).name in ("", ".", "..") or text.endswith(("/", ".")):
        raise OptirollError(f"{what} '{text}' names no file: give a name such as figure.gif")
    return text


def check_target(
    path: str | os.PathLike,
    what: str,
    files: Iterable[Path] = (),
    folders: Iterable[Path] = (),
) -> Path:
    """`path` as a file optiroll may write (atomically, through a hidden file beside it), with
    the companion `files` (a side-car) and `folders` (its sections) beside it; else an
    OptirollError saying why.

    Refused: an empty name or one ending in '.', a directory, anything that exists and is not a
    regular file (a symbolic link, a FIFO, a device), a companion of the wrong kind, a folder
    that does not exist or cannot be written, names too long for the file system.
    """
    text = check_name(path, what)
    target = Path(text)
    folder = target.parent
    if not folder.is_dir():
        raise OptirollError(f"{what} {text}: directory '{folder}' does not exist")
    if target.is_dir():
        raise OptirollError(f"{what} {text} is a directory")
    files, folders = [target, *files], list(folders)
    longest = max(
        [temporary_name_length(f.name, f.suffix) for f in files]
        + [temporary_name_length(f.name) for f in folders]
    )
    allowed = _name_max(folder)
    if longest > allowed:
        room = allowed - (longest - len(os.fsencode(target.name)))
        raise OptirollError(
            f"{what} {text}: the name is too long; in '{folder}' it may have at most {room} "
            "bytes (its side-car and hidden temporary files add to it)"
        )
    for item in files + folders:  # after the length: a companion's name may be too long to stat
        _check_kind(item, item in folders, f"{what} {text}")
    _check_writable(folder, f"{what} {text}")
    return target


def check_folder_target(path: str | os.PathLike, what: str, ours: Callable[[Path], bool]) -> Path:
    """`path` as a folder optiroll may write whole (a hidden folder beside it, renamed into place),
    else an OptirollError saying why. An existing folder is replaced only when it is empty or
    `ours(folder)` says optiroll wrote it: a folder named by mistake is never emptied."""
    text = check_name(path, what)
    target = Path(text)
    if not target.parent.is_dir():
        raise OptirollError(f"{what} {text}: directory '{target.parent}' does not exist")
    allowed = _name_max(target.parent)
    if temporary_name_length(target.name) > allowed:
        room = allowed - (temporary_name_length(target.name) - len(os.fsencode(target.name)))
        raise OptirollError(
            f"{what} {text}: the name is too long; it may have at most {room} bytes"
        )
    _check_kind(target, True, f"{what} {text}")
    if target.is_dir() and any(target.iterdir()) and not ours(target):
        raise OptirollError(
            f"{what} {text}: the folder exists and optiroll did not write it; it is left as it is"
        )
    _check_writable(target.parent, f"{what} {text}")
    return target


def _check_kind(item: Path, directory: bool, context: str) -> None:
    try:
        mode = item.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise OptirollError(f"{context}: '{item}': {err.strerror}") from None
    if not (stat.S_ISDIR(mode) if directory else stat.S_ISREG(mode)):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        expected = "a folder" if directory else "a regular file"
        raise OptirollError(f"{context}: '{item}' is {kind}, not {expected}; it is left as it is")


_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
    stat.S_IFREG: "a regular file",
}


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


# A folder that cannot take a file for these reasons is the machine's problem, not the path's.
_ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO})


def _check_writable(folder: Path, context: str) -> None:
    """Make and remove a hidden file where the output will go: the one true test."""
    try:
        handle, name = tempfile.mkstemp(prefix=temporary_prefix("probe"), dir=folder)
    except OSError as err:
        line = f"{context}: cannot write in '{folder}': {err.strerror}"
        if err.errno in _ENVIRONMENT_ERRNOS:
            raise OptirollFailure(line) from None
        raise OptirollError(line) from None  # the path given is the problem
    os.close(handle)
    os.unlink(name)
