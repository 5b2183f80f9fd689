"""Files written atomically: a single file (`atomic_output`) is in place on success, and on a
failure, Ctrl-C or SIGTERM the temporary is removed and the old file kept; a unit of files
(`staged`) appears together; a deferred block acts on a signal when it ends; a sweep removes what
killed runs left."""

import os
import signal
import stat
import subprocess
import sys
import time
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


# --- a unit of files: media, clips and side-car appear together -----------------------------


def pair_states(folder: Path, media: str, sidecar: str) -> tuple[bytes | None, bytes | None]:
    def read(name):
        path = folder / name
        return path.read_bytes() if path.is_file() else None

    return read(media), read(sidecar)


def test_publishing_never_pairs_new_media_with_an_old_sidecar(tmp_path, monkeypatch):
    from optiroll import writes

    media, sidecar, clips = tmp_path / "fig.mp4", tmp_path / "fig.mp4.json", tmp_path / "fig.sec"
    media.write_bytes(b"old media")
    sidecar.write_bytes(b"old data")
    clips.mkdir()
    (clips / "01.mp4").write_bytes(b"old clip")
    seen = [pair_states(tmp_path, "fig.mp4", "fig.mp4.json")]
    replace = os.replace

    def watched(source, target):
        replace(source, target)
        seen.append(pair_states(tmp_path, "fig.mp4", "fig.mp4.json"))

    monkeypatch.setattr(writes.os, "replace", watched)
    with writes.staged() as staging:
        staging.file(media).write_bytes(b"new media")
        (staging.folder(clips) / "01.mp4").write_bytes(b"new clip")
        staging.file(sidecar, marker=True).write_bytes(b"new data")
    assert seen[-1] == (b"new media", b"new data")
    assert (clips / "01.mp4").read_bytes() == b"new clip"
    allowed = {(b"old media", b"old data"), (b"old media", None), (b"new media", None)}
    assert set(seen[:-1]) <= allowed and (b"new media", b"new data") not in seen[:-1]
    assert names(tmp_path) == ["fig.mp4", "fig.mp4.json", "fig.sec"]


def test_a_failure_before_publishing_leaves_the_old_pair_and_no_temporary(tmp_path):
    from optiroll.writes import staged

    (tmp_path / "fig.gif").write_bytes(b"old media")
    (tmp_path / "fig.gif.json").write_bytes(b"old data")
    with pytest.raises(OSError), staged() as staging:
        staging.file(tmp_path / "fig.gif").write_bytes(b"new media")
        staging.folder(tmp_path / "fig.gif.sections")
        staging.file(tmp_path / "fig.gif.json", marker=True)
        raise OSError(28, "No space left on device")
    assert pair_states(tmp_path, "fig.gif", "fig.gif.json") == (b"old media", b"old data")
    assert names(tmp_path) == ["fig.gif", "fig.gif.json"]


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_publishing_refuses_to_replace_what_is_not_a_regular_file(tmp_path, kind):
    from optiroll.errors import OptirollError
    from optiroll.writes import staged

    target = tmp_path / "fig.gif"
    if kind == "symlink":
        target.symlink_to(tmp_path / "elsewhere.gif")
    else:
        os.mkfifo(target)
    with pytest.raises(OptirollError, match="not a regular file"), staged() as staging:
        staging.file(target).write_bytes(b"new")
    assert target.is_symlink() if kind == "symlink" else stat.S_ISFIFO(target.lstat().st_mode)
    assert names(tmp_path) == ["fig.gif"]


DEFERRED = """
import os, signal, sys
from optiroll.signals import deferred, stop_on_signals
with stop_on_signals():
    try:
        with deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            print("still here", flush=True)
        print("not here", flush=True)
    except KeyboardInterrupt as stop:
        print("stopped after the block:", stop, flush=True)
"""


def test_a_signal_during_a_deferred_block_acts_when_it_ends():
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    result = subprocess.run(
        [sys.executable, "-c", DEFERRED], env=env, capture_output=True, text=True, timeout=20
    )
    assert result.stdout.splitlines() == [
        "still here",
        "stopped after the block: terminated by SIGTERM",
    ]


# --- leftovers of killed runs ---------------------------------------------------------------


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_sweep_removes_what_dead_processes_left_and_nothing_else(tmp_path):
    from optiroll.writes import sweep, temporary_prefix

    dead, alive = dead_pid(), os.getppid()  # pytest's parent: older than anything made here
    (tmp_path / f".fig.gif.optiroll-{dead}-abcdefgh.gif").write_bytes(b"half")
    (tmp_path / f".fig.gif.sections.optiroll-{dead}-abcd_fgh").mkdir()
    (tmp_path / f".fig.gif.sections.optiroll-{dead}-abcd_fgh" / "01-title.mp4").write_bytes(b"x")
    (tmp_path / f".fig.gif.json.optiroll-{alive}-abcdefgh.json").write_bytes(b"in use")
    (tmp_path / f"{temporary_prefix('mine')}abcdefgh.gif").write_bytes(b"this process's")
    (tmp_path / ".fig.gif.abcdefgh.gif").write_bytes(b"not a name optiroll makes")
    (tmp_path / "fig.gif").write_bytes(b"a figure")
    removed = sweep(tmp_path)
    assert sorted(p.name for p in removed) == [
        f".fig.gif.optiroll-{dead}-abcdefgh.gif",
        f".fig.gif.sections.optiroll-{dead}-abcd_fgh",
    ]
    assert names(tmp_path) == sorted(
        [
            f".fig.gif.json.optiroll-{alive}-abcdefgh.json",
            f"{temporary_prefix('mine')}abcdefgh.gif",
            ".fig.gif.abcdefgh.gif",
            "fig.gif",
        ]
    )


def test_a_sweep_removes_a_leftover_whose_pid_was_reused_once_it_is_a_minute_old(tmp_path):
    from optiroll.writes import STALE_SECONDS, sweep

    newer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        old = tmp_path / f".fig.gif.optiroll-{newer.pid}-abcdefgh.gif"
        old.write_bytes(b"left by a process that had this pid before")
        recent = tmp_path / f".fig.png.optiroll-{newer.pid}-abcdefgh.png"
        recent.write_bytes(b"written just now: may be the new process's")
        then = time.time() - STALE_SECONDS - 60
        os.utime(old, (then, then))
        assert sweep(tmp_path) == [old]
        assert names(tmp_path) == [recent.name]
    finally:
        newer.kill()
        newer.wait()
