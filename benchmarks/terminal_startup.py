"""Time from process start to the first frame of `optiroll play` on a pseudo-terminal.

Target (issue: play): under 0.3 s. Printed beside `python -c pass` (the interpreter alone) and the
same command piped (start to exit, final frame printed). Run: .venv/bin/python
benchmarks/terminal_startup.py [runs]
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import time

PLAY = [sys.executable, "-c", "from optiroll.cli import main; main()", "play"]
FIRST_FRAME = b"step 0/"


def first_frame_seconds() -> float:
    """Start `optiroll play` on a fresh 100 x 30 pty; seconds until its first frame arrived."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(
        PLAY, stdin=slave, stdout=slave, stderr=slave, start_new_session=True
    )
    output = b""
    try:
        while FIRST_FRAME not in output:
            if time.perf_counter() - started > 10:
                raise RuntimeError(f"no frame after 10 s: {output[-300:]!r}")
            if select.select([master], [], [], 0.01)[0]:
                output += os.read(master, 65536)
        elapsed = time.perf_counter() - started
        os.write(master, b"q")
        process.wait(timeout=10)
        return elapsed
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
        os.close(slave)


def run_seconds(command: list[str]) -> float:
    """Start to exit, output discarded."""
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main(runs: int = 10) -> None:
    rows = [
        (
            "python -c pass (baseline)",
            [run_seconds([sys.executable, "-c", "pass"]) for _ in range(runs)],
        ),
        ("optiroll play: first frame on a tty", [first_frame_seconds() for _ in range(runs)]),
        ("optiroll play, piped: start to exit", [run_seconds(PLAY) for _ in range(runs)]),
    ]
    for name, times in rows:
        print(
            f"{name:40s} median {statistics.median(times) * 1000:6.0f} ms"
            f"   best {min(times) * 1000:6.0f} ms   ({runs} runs)"
        )
    verdict = "ok" if statistics.median(rows[1][1]) < 0.3 else "OVER the 0.3 s target"
    print(f"first frame target 300 ms: {verdict}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
