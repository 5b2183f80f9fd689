"""Text files written atomically without PyAV: a page and its side-car appear whole or not at all.

The same pattern as `render/output.py`'s `atomic_output` (a hidden temporary file beside the
target, renamed into place; SIGTERM turned into KeyboardInterrupt so the temporary file is
removed), for text only, so an html render needs neither PyAV nor Manim.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from pathlib import Path
from types import FrameType


def write_text_atomically(target: Path, text: str) -> None:
    """Write `text` (UTF-8) to `target`: a temporary file beside it, renamed only when complete."""
    target = Path(target)
    main = threading.current_thread() is threading.main_thread()

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"terminated by signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt) if main else None
    temporary = None
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent
        )
        temporary = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        mask = os.umask(0)
        os.umask(mask)
        temporary.chmod(0o666 & ~mask)  # mkstemp makes it private; an output gets the usual mode
        os.replace(temporary, target)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    finally:
        if main:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
