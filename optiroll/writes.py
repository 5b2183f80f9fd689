"""Writing files so that nothing half-made is ever seen: hidden temporaries beside their targets,
renamed into place together, and swept away by a later run when a killed one left them behind.

A temporary's name says whose it is: `.fig.gif.optiroll-PID-XXXXXXXX.gif` (PID: the process that
made it). Nothing else in a folder is ever touched.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OptirollError
from .signals import deferred, raise_if_stopped, stop_on_signals

# The largest pid Linux hands out (2**22) has 7 digits; names are checked with room for it.
PID_ROOM = len(str(2**22))
RANDOM_ROOM = 8  # tempfile's random part
_LEFTOVER = re.compile(r"\.optiroll-(\d+)-[a-z0-9_]{8}(?:\.[A-Za-z0-9]+)?$")
# A leftover whose pid now names a process started after it was last written, and which has not
# been written for this long, belongs to no one (the pid was reused).
STALE_SECONDS = 60.0
START_SLACK = 2.0  # /proc gives the boot time in whole seconds: start times are that rough


def temporary_prefix(name: str) -> str:
    """The start of a hidden temporary's name for a target called `name`."""
    return f".{name}.optiroll-{os.getpid()}-"


def temporary_name_length(name: str, suffix: str = "") -> int:
    """Bytes in the longest temporary name made for a target called `name`."""
    return len(os.fsencode(f".{name}.optiroll-{'9' * PID_ROOM}-{'x' * RANDOM_ROOM}{suffix}"))


@dataclass
class Staged:
    """Temporaries (files and folders) beside their targets, published together or not at all.

    `publish` first removes the old version of the marker file (a render's side-car), then
    renames the folders, the other files and the marker last, with stopping signals deferred:
    an old marker is never beside new files, and a new marker means all its files are in.
    """

    files: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, target)
    folders: list[tuple[Path, Path]] = field(default_factory=list)
    marker: tuple[Path, Path] | None = None

    def file(self, target: Path, *, marker: bool = False) -> Path:
        """A new, empty hidden file beside `target`, with its suffix."""
        target = Path(target)
        handle, name = tempfile.mkstemp(
            prefix=temporary_prefix(target.name), suffix=target.suffix, dir=target.parent
        )
        os.close(handle)
        pair = (Path(name), target)
        if marker:
            self.marker = pair
        else:
            self.files.append(pair)
        return pair[0]

    def folder(self, target: Path) -> Path:
        """A new, empty hidden folder beside `target`."""
        target = Path(target)
        temporary = Path(tempfile.mkdtemp(prefix=temporary_prefix(target.name), dir=target.parent))
        self.folders.append((temporary, target))
        return temporary

    def publish(self) -> None:
        """Rename everything into place (see the class)."""
        files = self.files + ([self.marker] if self.marker else [])
        for _, target in files:
            _check_replaceable(target, directory=False)
        for _, target in self.folders:
            _check_replaceable(target, directory=True)
        umask = _umask()
        raise_if_stopped()
        with deferred():
            if self.marker and len(files) + len(self.folders) > 1:
                self.marker[1].unlink(missing_ok=True)
            for temporary, target in self.folders:
                temporary.chmod(0o777 & ~umask)  # mkdtemp made it private
                _swap_folder(temporary, target)
            for temporary, target in files:
                temporary.chmod(0o666 & ~umask)  # mkstemp made it private
                os.replace(temporary, target)
            self.files, self.folders, self.marker = [], [], None

    def discard(self) -> None:
        """Remove every temporary not yet published."""
        for temporary, _ in self.files + ([self.marker] if self.marker else []):
            temporary.unlink(missing_ok=True)
        for temporary, _ in self.folders:
            shutil.rmtree(temporary, ignore_errors=True)
        self.files, self.folders, self.marker = [], [], None


@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a hidden temporary path next to `target`; move it into place only on success.

    Ctrl-C, SIGTERM and SIGHUP during the block remove the temporary and leave `target` as it was.
    """
    with staged() as staging:
        yield staging.file(Path(target))


def write_text_atomically(target: Path, text: str) -> None:
    """Write `text` (UTF-8) to `target`: a temporary file beside it, renamed only when complete."""
    with atomic_output(target) as temporary:
        temporary.write_text(text, encoding="utf-8")


@contextmanager
def staged() -> Iterator[Staged]:
    """A `Staged` published when the block ends, discarded if it raises; SIGTERM and SIGHUP
    stop the block as Ctrl-C does, so the temporaries are removed then too."""
    staging = Staged()
    with stop_on_signals():
        try:
            yield staging
            staging.publish()
        except BaseException:
            staging.discard()
            raise


def _check_replaceable(target: Path, *, directory: bool) -> None:
    """Refuse to replace what is not ours to replace: a link, a FIFO, a device, a socket."""
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    if directory and not stat.S_ISDIR(mode):
        raise OptirollError(f"'{target}' exists and is not a folder; it is left as it is")
    if not directory and not stat.S_ISREG(mode):
        raise OptirollError(f"'{target}' exists and is not a regular file; it is left as it is")


def _swap_folder(temporary: Path, target: Path) -> None:
    if not target.exists():
        os.replace(temporary, target)
        return
    # The old folder moves to a hidden name of ours (replacing an empty folder is allowed), so a
    # kill between the two renames leaves something `sweep` recognizes.
    old = Path(tempfile.mkdtemp(prefix=temporary_prefix(target.name), dir=target.parent))
    os.replace(target, old)
    os.replace(temporary, target)
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sweep(folder: Path, prefix: str = ".") -> list[Path]:
    """Remove the temporaries in `folder` (their names starting with `prefix`) that killed
    optiroll processes left: those whose process is gone, or whose pid now names a newer
    process. Only our own names, and only the current user's files, are considered."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _LEFTOVER.search(entry.name)
        if not match or not entry.name.startswith(prefix):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if info.st_uid != os.getuid() or _owned(int(match.group(1)), info.st_mtime):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with suppress(OSError):
                path.unlink()
        removed.append(path)
    return removed


def _owned(pid: int, written: float) -> bool:
    """Whether process `pid` may still be writing something last written at `written`."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process of that pid: alive
    started = _start_time(pid)
    reused = started is not None and started > written + START_SLACK
    return not (reused and time.time() - written > STALE_SECONDS)


def _start_time(pid: int) -> float | None:
    """When process `pid` started (seconds since the epoch), where /proc says so."""
    try:
        record = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, StopIteration, ValueError, IndexError):
        return None
    # Field 22 (start time in clock ticks after boot) counts from after the command's ")".
    ticks = float(record[record.rindex(")") + 2 :].split()[19])
    return boot + ticks / os.sysconf("SC_CLK_TCK")
