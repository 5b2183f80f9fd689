"""A single file written atomically (`atomic_output`): in place on success; on a failure, Ctrl-C
or SIGTERM the temporary is removed and the old file kept."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from optiroll.writes import atomic_output


def names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def test_success_moves_a_hidden_same_suffix_temporary_into_place(tmp_path):
    target = tmp_path / "out.gif"
    with atomic_output(target) as temporary:
        assert temporary.parent == tmp_path
        assert temporary.name.startswith(".") and temporary.suffix == ".gif"
        temporary.write_bytes(b"done")
        assert not target.exists()
    assert target.read_bytes() == b"done"
    assert names(tmp_path) == ["out.gif"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("error", [RuntimeError("encoder failed"), KeyboardInterrupt()])
def test_failure_removes_the_temporary_and_keeps_the_old_target(tmp_path, error):
    target = tmp_path / "out.mp4"
    target.write_bytes(b"old")
    with pytest.raises(type(error)), atomic_output(target) as temporary:
        temporary.write_bytes(b"half")
        raise error
    assert target.read_bytes() == b"old"
    assert names(tmp_path) == ["out.mp4"]


def test_failure_leaves_no_target_when_there_was_none(tmp_path):
    with pytest.raises(ValueError), atomic_output(tmp_path / "new.webm") as temporary:
        temporary.write_bytes(b"half")
        raise ValueError
    assert names(tmp_path) == []


def test_the_sigterm_handler_is_restored_after_the_block(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    with atomic_output(tmp_path / "x.png") as temporary:
        assert signal.getsignal(signal.SIGTERM) is not before
        temporary.write_bytes(b"x")
    assert signal.getsignal(signal.SIGTERM) is before


KILLED = """
import os, signal, sys, time
from pathlib import Path
from optiroll.writes import atomic_output
with atomic_output(Path(sys.argv[1])) as temporary:
    temporary.write_bytes(b"half")
    print(temporary, flush=True)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(30)
"""


def test_sigterm_during_the_block_cleans_up_like_ctrl_c(tmp_path):
    target = tmp_path / "out.gif"
    target.write_bytes(b"old")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    result = subprocess.run(
        [sys.executable, "-c", KILLED, str(target)],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode != 0 and "Interrupted: terminated by SIGTERM" in result.stderr
    assert Path(result.stdout.strip()).parent == tmp_path  # the temporary did exist
    assert target.read_bytes() == b"old"
    assert names(tmp_path) == ["out.gif"]
