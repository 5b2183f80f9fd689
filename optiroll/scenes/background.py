"""Encode in a second process, so that encoding overlaps drawing on a second core.

Drawing (Manim, Python) and encoding (PyAV, which holds the GIL) each keep a core busy; in one
process they take turns. The worker is a fresh interpreter (spawned, not forked: a fork would
inherit PyAV's codec threads and locks mid-use, and can deadlock). Start it before importing
Manim and its own imports happen meanwhile; `open` then names the file, frames go through a pipe,
and `close` returns the encoder's report or raises the encoder's exception.
"""

from __future__ import annotations

import multiprocessing
import pickle
import signal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from .encode import EncodeReport, checked_frame, open_encoder


class EncoderProcess:
    """An `Encoder` whose work happens in a worker process; `abort` stops it."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, worker_end = context.Pipe()
        self._process = context.Process(target=_serve, args=(worker_end,), daemon=True)
        self._process.start()
        worker_end.close()
        self._shape = (0, 0)  # (height, width) once open

    def open(
        self, fmt: str, path: Path, width: int, height: int, fps: float, **options: Any
    ) -> EncoderProcess:
        """Start the file; the options are checked here first, so mistakes raise at once."""
        open_encoder(fmt, path, width, height, fps, **options)  # opens nothing: only checks
        self._conn.send((fmt, Path(path), width, height, fps, options))
        self._shape = (height, width)
        return self

    def write(self, frame: np.ndarray) -> None:
        checked_frame(frame, self._shape[1], self._shape[0])
        try:
            self._conn.send_bytes(np.ascontiguousarray(frame).reshape(-1).data)
        except (BrokenPipeError, ConnectionResetError):
            raise self._failure() from None

    def close(self) -> EncodeReport:
        try:
            self._conn.send_bytes(b"")
            outcome = self._conn.recv()
        except (BrokenPipeError, ConnectionResetError, EOFError):
            raise self._failure() from None
        finally:
            self._process.join()
            self._conn.close()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def abort(self) -> None:
        """Stop the worker without finishing the file (after an error or an interrupt)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._conn.close()

    def _failure(self) -> BaseException:
        """The worker's own exception if it sent one before it stopped."""
        if self._conn.poll(1.0):
            try:
                outcome = self._conn.recv()
                if isinstance(outcome, BaseException):
                    return outcome
            except EOFError:
                pass
        self._process.join()
        return RuntimeError(f"the encoder process stopped (exit code {self._process.exitcode})")


def _serve(conn: Connection) -> None:
    # The parent handles Ctrl-C and SIGTERM and then stops the worker: no second traceback here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        fmt, path, width, height, fps, options = conn.recv()
        encoder = open_encoder(fmt, path, width, height, fps, **options)
        while data := conn.recv_bytes():
            encoder.write(np.frombuffer(data, dtype=np.uint8).reshape(height, width, -1))
        conn.send(encoder.close())
    except EOFError:
        pass  # the parent went away without a file: nothing to report
    except Exception as err:  # noqa: BLE001 — handed to the parent, which raises it
        conn.send(err if _picklable(err) else RuntimeError(f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


def _picklable(err: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:  # noqa: BLE001
        return False
    return True
