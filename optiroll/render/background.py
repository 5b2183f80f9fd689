"""Encode in a second process, so that encoding overlaps drawing on a second core.

Drawing (Manim, Python) and encoding (PyAV, which holds the GIL) each keep a core busy; in one
process they take turns. The worker is a fresh interpreter running this module (not a fork: a
fork inherits PyAV's codec threads and locks mid-use, and can deadlock; not multiprocessing's
spawn: it re-runs the parent's main script, which may not be a file). Start it before importing
Manim and its own imports happen meanwhile; `open` then names the file. Frames travel through a
few slots of shared memory (a pipe would copy each 1.6 MB frame twice through the kernel: a
quarter of the drawing time); the pipe carries only which slot is full, and back which is free.
`close` returns the encoder's report or raises the encoder's exception. A file opened with
`check` is decoded and checked by the worker once finished (`output.verify`): `finish` lets the
worker finish and check it while this process goes on drawing, `close_checked` collects both.

A process that renders many files (a build's worker) calls `keep_encoders`: a worker that closed
its file cleanly then waits for the next one (`EncoderProcess.ready` hands it out) instead of
exiting, so its interpreter start-up and imports (about 0.25 s of CPU) are paid once. (A build
with a worker on every core encodes in the workers instead: `local_encoder.py`.)
"""

from __future__ import annotations

import atexit
import contextlib
import mmap
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import OptirollFailure, printable
from .encode import EncodeReport, checked_frame, open_encoder
from .output import MediaInfo, verify

SLOTS = 3  # frames in flight: the worker encodes one while the next is drawn and copied
_idle: list[EncoderProcess] = []  # workers waiting for their next file (see keep_encoders)
_keeping = False


def keep_encoders() -> None:
    """From now on, keep a worker whose file closed cleanly for the next `ready()` (for a process
    that renders many files; the worker ends when this process does)."""
    global _keeping
    if not _keeping:
        atexit.register(_end_kept)
    _keeping = True


# A forked process has workers of its own: those kept for its parent are not its to hand out.
os.register_at_fork(after_in_child=_idle.clear)


def _end_kept() -> None:
    """Tell each kept worker there is no further file and collect it (a process that ends
    without this, killed, leaves them their end of the pipe closed: they end too)."""
    while _idle:
        _idle.pop().end()


class EncoderProcess:
    """An `Encoder` whose work happens in a worker process; `abort` stops it."""

    @classmethod
    def ready(cls) -> EncoderProcess:
        """A kept worker waiting for a file, else a new one."""
        while _idle:
            worker = _idle.pop()
            if worker._process.poll() is None:
                return worker
            worker._release()
        return cls()

    def __init__(self) -> None:
        self._conn, worker_end = multiprocessing.Pipe()
        self._memory = _shared_file()
        fds = (worker_end.fileno(), self._memory)
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, *map(str, fds)],
            pass_fds=fds,
            stdin=subprocess.DEVNULL,
        )
        worker_end.close()
        self._slots: np.ndarray | None = None
        self._next = self._in_flight = 0
        self._finishing = False  # told the file is complete

    def open(
        self,
        fmt: str,
        path: Path,
        width: int,
        height: int,
        fps: float,
        *,
        check: bool = False,
        **options: Any,
    ) -> EncoderProcess:
        """Start the file; the options are checked here first, so mistakes raise at once.
        With `check`, the worker decodes the finished file and checks it against its report."""
        open_encoder(fmt, path, width, height, fps, **options)  # opens nothing: only checks
        size = SLOTS * height * width * 4
        os.ftruncate(self._memory, size)
        self._slots = np.frombuffer(mmap.mmap(self._memory, size), np.uint8).reshape(
            SLOTS, height, width * 4
        )
        try:
            self._conn.send((fmt, Path(path), width, height, fps, check, options))
        except (BrokenPipeError, ConnectionResetError):
            raise self._failure() from None
        return self

    def write(self, frame: np.ndarray, repeat: int = 1) -> None:
        """Hand `frame`, shown for `repeat` frames, to the worker (a held picture goes once)."""
        slots = self._slots
        checked_frame(frame, slots.shape[2] // 4, slots.shape[1])
        if self._in_flight == SLOTS:
            self._receive()  # the oldest slot is free again
        slot, channels = self._next, frame.shape[2]
        slot_pixels = slots[slot].reshape(-1)[: frame.size].reshape(frame.shape)
        np.copyto(slot_pixels, frame)
        try:
            self._conn.send((slot, channels, repeat))
        except (BrokenPipeError, ConnectionResetError):
            raise self._failure() from None
        self._next, self._in_flight = (slot + 1) % SLOTS, self._in_flight + 1

    def finish(self) -> None:
        """Tell the worker the file is complete, without waiting: it finishes (and checks) it
        meanwhile; `close` or `close_checked` then collect the outcome."""
        if self._finishing:
            return
        try:
            self._conn.send(None)
        except (BrokenPipeError, ConnectionResetError):
            failure = self._failure()
            self._release()
            raise failure from None
        self._finishing = True

    def finished(self) -> bool:
        """Whether the worker, told the file is complete (`finish`), has finished (and checked)
        it: `close` would not wait."""
        while self._in_flight and self._conn.poll():
            self._receive()
        return self._finishing and not self._in_flight and self._conn.poll()

    def close(self, *, keep: bool = False) -> EncodeReport:
        """Finish the file: its report, or the worker's exception. The worker then ends, or
        waits for another file: this one's next `open` (`keep`, until its `end` or `abort`),
        or any `ready()` if `keep_encoders` was called."""
        return self._collect(keep)[0]

    def close_checked(self, *, keep: bool = False) -> tuple[EncodeReport, MediaInfo]:
        """`close` for a file opened with `check`: its report and what decoding it found, or
        the worker's exception (`OutputMismatchError` where the file is not what it reported)."""
        report, info = self._collect(keep)
        if info is None:
            raise ValueError("the file was opened without check")
        return report, info

    def end(self) -> None:
        """Tell a worker waiting for its next file that there is none, and collect it."""
        with contextlib.suppress(OSError):
            self._conn.send(None)
        self._process.wait()
        self._release()

    def _collect(self, keep: bool) -> tuple[EncodeReport, MediaInfo | None]:
        """Finish the file and take the worker's outcome: the report and, if asked, the check."""
        self.finish()
        kept = keep or _keeping
        try:
            while self._in_flight:
                self._receive()
            outcome = self._conn.recv()
            if not isinstance(outcome, BaseException) and not kept:
                self._conn.send(None)  # no further file: the worker ends
        except (BrokenPipeError, ConnectionResetError, EOFError):
            failure = self._failure()
            self._release()
            raise failure from None
        except BaseException:
            # Interrupted (or the worker's error) before the worker was told to end: it may be
            # waiting for its next file, so stop it rather than wait for it.
            self.abort()
            raise
        if isinstance(outcome, BaseException):  # the worker ends by itself after an error
            self._process.wait()
            self._release()
            raise outcome
        if kept:
            self._slots, self._next, self._finishing = None, 0, False
            if not keep:
                _idle.append(self)
        else:
            self._process.wait()
            self._release()
        return outcome

    def abort(self) -> None:
        """Stop the worker without finishing the file (after an error or an interrupt)."""
        if self._process.poll() is None:
            self._process.terminate()
        self._process.wait()
        self._release()

    def _receive(self) -> None:
        """Wait until the worker has taken a frame, or raise what stopped it."""
        try:
            message = self._conn.recv()
        except (EOFError, ConnectionResetError):
            raise self._failure() from None
        if isinstance(message, BaseException):
            raise message
        self._in_flight -= 1

    def _release(self) -> None:
        self._conn.close()
        if self._memory >= 0:
            os.close(self._memory)
            self._memory = -1

    def _failure(self) -> BaseException:
        """The worker's own exception if it sent one before it stopped, else what stopped it."""
        while self._conn.poll(1.0):
            try:
                outcome = self._conn.recv()
            except (EOFError, ConnectionResetError):
                break
            if isinstance(outcome, BaseException):
                return outcome
        code = self._process.wait()
        how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        return OptirollFailure(f"the encoder process stopped unexpectedly ({how})")


def _shared_file() -> int:
    """A file descriptor for memory both processes map (in RAM where the system allows)."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("optiroll-frames")
    with tempfile.TemporaryFile() as file:  # unlinked already; the duplicate keeps it alive
        return os.dup(file.fileno())


def _serve(conn: Connection, memory: int) -> None:
    """Encode files one after another until told to end (None) or the parent goes away."""
    # The parent handles Ctrl-C and SIGTERM and then stops the worker: no second traceback here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    path = None
    try:
        while (job := conn.recv()) is not None:
            fmt, path, width, height, fps, check, options = job
            report = _encode_file(conn, memory, fmt, path, width, height, fps, options)
            conn.send((report, verify(path, report) if check else None))
            path = None  # finished: nothing of ours to remove if the parent now goes
    except (EOFError, BrokenPipeError, ConnectionResetError):
        _orphaned(path)
    except Exception as err:  # noqa: BLE001 — handed to the parent, which raises it
        with contextlib.suppress(OSError):
            conn.send(err if _picklable(err) else RuntimeError(f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


def _encode_file(
    conn: Connection,
    memory: int,
    fmt: str,
    path: Path,
    width: int,
    height: int,
    fps: float,
    options: dict[str, Any],
) -> EncodeReport:
    """One file: frames from the shared slots until the parent says it is done (None)."""
    encoder = open_encoder(fmt, path, width, height, fps, **options)
    slot_bytes = height * width * 4
    shared = mmap.mmap(memory, SLOTS * slot_bytes)
    while (message := conn.recv()) is not None:
        slot, channels, repeat = message
        frame = np.ndarray(
            (height, width, channels), np.uint8, buffer=shared, offset=slot * slot_bytes
        )
        encoder.write(frame, repeat)
        conn.send(slot)
    return encoder.close()


def _orphaned(path: Path | None) -> None:
    """The render went away without finishing or stopping us (it was killed): remove the file
    begun for it and say so, in one line."""
    if path is None:
        return  # nothing begun, nothing to say
    with contextlib.suppress(OSError):
        Path(path).unlink(missing_ok=True)
        sys.stderr.write(
            f"optiroll: the render stopped before its encoder finished; removed {printable(str(path))}\n"
        )


def _picklable(err: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:  # noqa: BLE001
        return False
    return True


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])), int(sys.argv[2]))
