"""`optiroll play` as a process: piped, in a real pseudo-terminal, interrupted, without Manim."""

import fcntl
import os
import pty
import select
import signal
import stat
import struct
import subprocess
import sys
import termios
import time

import pytest
from processes import default_signals

from optiroll.terminal.player import MAX_SIZE

# Runs the CLI, then reports whether Manim got imported: exit code 3 if it did.
RUN_CLI = (
    "import sys\n"
    "from optiroll.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as done:\n"
    "    code = done.code\n"
    "sys.exit(3 if 'manim' in sys.modules else code)\n"
)


def run_piped(*args, **env):
    return subprocess.run(
        [sys.executable, "-c", RUN_CLI, "play", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )


def test_piped_it_prints_the_last_frame_as_plain_text_without_manim():
    result = run_piped("-o", "sgd", "-o", "adam", "--fps", "60", COLUMNS="72", LINES="22")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "\x1b" not in result.stdout and len(lines) == 22 and max(map(len, lines)) <= 72
    assert lines[0].startswith("step 30/30") and lines[-2].startswith("◆ Adam η=0.3")
    assert lines[-1] == "+ minimum (0, 0)"


def test_bad_fps_and_record_path_are_one_line_errors_with_exit_2(tmp_path):
    for args, words in [
        (("--fps", "0"), "--fps"),
        (("--fps", "nan"), "--fps"),
        (("--record", str(tmp_path / "no" / "x.cast")), "does not exist"),
    ]:
        result = run_piped(*args)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and words in result.stderr


class Pty:
    """`optiroll play` on a real pseudo-terminal of 90 x 28."""

    def __init__(self, *args, term="xterm-256color"):
        self.master, self.slave = pty.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 28, 90, 0, 0))
        self.before = termios.tcgetattr(self.slave)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-c", RUN_CLI, "play", *args],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            start_new_session=True,
            preexec_fn=default_signals,
            env={**os.environ, "TERM": term},
        )
        self.output = b""

    def read_until(self, marker: bytes, timeout: float = 20.0) -> float:
        """Seconds from the start until `marker` appeared in the output."""
        deadline = time.monotonic() + timeout
        while marker not in self.output:
            assert time.monotonic() < deadline, self.output[-500:]
            if select.select([self.master], [], [], 0.05)[0]:
                self.output += os.read(self.master, 65536)
        return time.perf_counter() - self.started

    def finish(self) -> int:
        code = self.process.wait(timeout=20)
        while select.select([self.master], [], [], 0.05)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.output += chunk
        return code

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def terminal():
    made = []

    def start(*args, **kwargs):
        made.append(Pty(*args, **kwargs))
        return made[-1]

    yield start
    for t in made:
        t.close()


def test_in_a_terminal_q_quits_and_everything_is_restored(terminal):
    t = terminal("--fps", "20")
    t.read_until(b"step 3/30")
    os.write(t.master, b"q")
    assert t.finish() == 0
    assert t.output.startswith(b"\x1b[?1049h")
    assert t.output.endswith(b"\x1b[0m\x1b[?25h\x1b[?1049l")
    assert termios.tcgetattr(t.slave) == t.before


def test_ctrl_c_restores_the_terminal_and_exits_130(terminal, tmp_path):
    cast = tmp_path / "x.cast"
    t = terminal("--fps", "20", "--record", str(cast))
    t.read_until(b"step 2/30")
    os.kill(t.process.pid, signal.SIGINT)
    assert t.finish() == 130
    tail = t.output[t.output.rindex(b"\x1b[0m\x1b[?25h\x1b[?1049l") :]
    assert b"optiroll: interrupted" in tail
    assert termios.tcgetattr(t.slave) == t.before
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_paused_restores_the_terminal_too(terminal):
    t = terminal("--fps", "20")
    t.read_until(b"step 1/30")
    os.write(t.master, b" ")
    t.read_until(b"paused")
    os.kill(t.process.pid, signal.SIGINT)
    assert t.finish() == 130
    assert b"\x1b[?25h\x1b[?1049l" in t.output[-200:]
    assert termios.tcgetattr(t.slave) == t.before


@pytest.mark.parametrize(
    ("signum", "code", "words"),
    [(signal.SIGTERM, 143, b"terminated (SIGTERM)"), (signal.SIGHUP, 129, b"hung up (SIGHUP)")],
)
def test_sigterm_and_sighup_restore_the_terminal_and_keep_no_partial_cast(
    terminal, tmp_path, signum, code, words
):
    cast = tmp_path / "x.cast"
    t = terminal("--fps", "20", "--record", str(cast))
    t.read_until(b"step 2/30")
    os.kill(t.process.pid, signum)
    assert t.finish() == code
    tail = t.output[t.output.rindex(b"\x1b[0m\x1b[?25h\x1b[?1049l") :]  # colours, cursor, screen
    assert b"optiroll: " + words in tail and b"Traceback" not in t.output
    assert termios.tcgetattr(t.slave) == t.before
    assert list(tmp_path.iterdir()) == []


def test_a_dumb_terminal_gets_plain_frames_one_after_another(terminal):
    t = terminal("--fps", "60", "-n", "3", term="dumb")
    t.read_until(b"step 3/3")
    os.write(t.master, b"q")
    assert t.finish() == 0
    assert b"\x1b" not in t.output  # no cursor movement, no alternate screen, no colour
    text = t.output.decode().replace("\r\n", "\n")
    steps = [line.split()[1] for line in text.splitlines() if line.startswith("step ")]
    assert steps[:4] == ["0/3", "1/3", "2/3", "3/3"]
    assert termios.tcgetattr(t.slave) == t.before


def test_sizes_from_the_environment_are_clamped():
    result = run_piped("-n", "2", COLUMNS="100000", LINES="100000")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == MAX_SIZE[1] and max(map(len, lines)) <= MAX_SIZE[0]


def test_fps_is_bounded_by_what_a_terminal_shows():
    result = run_piped("--fps", "61")
    assert result.returncode == 2 and "--fps must be at most 60" in result.stderr


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_a_recording_onto_what_is_not_a_regular_file_is_refused(tmp_path, kind):
    target = tmp_path / "x.cast"
    if kind == "symlink":
        target.symlink_to(tmp_path / "elsewhere.cast")
    else:
        os.mkfifo(target)
    result = run_piped("--record", str(target))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "not a regular file" in result.stderr
    assert target.is_symlink() if kind == "symlink" else stat.S_ISFIFO(target.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["x.cast"]


def test_a_recording_is_named_as_a_render_is(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a recording")
    for path, words in [(notes, "does not end in .cast"), ("", "names no file")]:
        result = run_piped("--record", str(path))
        assert result.returncode == 2 and words in result.stderr
    assert notes.read_text() == "not a recording"
    assert run_piped("-n", "2", "--record", str(tmp_path / "plain")).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "plain.cast"]
