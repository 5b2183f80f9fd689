"""Helpers for tests that run optiroll as a process: the CLI in a subprocess, its process group."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for `python -m optiroll`: this checkout first on the path."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **extra}


def run_cli(*args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """`optiroll ARGS` to completion, output captured as text."""
    kwargs.setdefault("env", cli_env())
    return subprocess.run(
        [sys.executable, "-m", "optiroll", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


def default_signals() -> None:
    """For `preexec_fn`: the stopping signals at their defaults in the child even if the test
    runner was started ignoring them (a background job ignores SIGINT, `nohup` SIGHUP), since
    optiroll keeps a signal ignored that it was started ignoring."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def start_cli(*args: str, cores: set[int] | None = None, **kwargs) -> subprocess.Popen:
    """`optiroll ARGS` in a session of its own (its process group is its pid), stdout and
    stderr together, the stopping signals at their defaults (`default_signals`); with `cores`,
    allowed to run on those cores only (what optiroll counts as its cores)."""
    kwargs.setdefault("env", cli_env())

    def prepare() -> None:
        default_signals()
        if cores is not None:
            os.sched_setaffinity(0, cores)

    return subprocess.Popen(
        [sys.executable, "-m", "optiroll", *args],
        start_new_session=True,
        preexec_fn=prepare,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def wait_for(condition, process: subprocess.Popen, timeout: float = 90.0) -> None:
    """Wait until `condition()` holds while `process` still runs."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, process.communicate()[0]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def live_processes() -> Iterator[tuple[int, list[str], str]]:
    """(pid, the fields of /proc/PID/stat after the command name, command line) of every live
    (not zombie) process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            record = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = record[record.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            yield int(entry.name), fields, command


def group_members(pgid: int) -> list[str]:
    """Command lines of the live (not zombie) processes of process group `pgid`."""
    return [
        f"{pid}: {command}" for pid, fields, command in live_processes() if int(fields[2]) == pgid
    ]


def wait_until_group_is_gone(pgid: int, timeout: float = 20.0) -> list[str]:
    """The group's members still alive after `timeout` seconds (empty when all ended)."""
    deadline = time.monotonic() + timeout
    while (alive := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the live children of process `pid`."""
    return [
        (child, command) for child, fields, command in live_processes() if int(fields[1]) == pid
    ]
