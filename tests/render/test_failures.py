"""`optiroll render` where writing goes wrong or a signal comes: one line, the right exit code,
nothing half-written, nothing running after."""

import errno
import os
import re
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("manim")

from processes import (  # noqa: E402
    children,
    cli_env,
    run_cli,
    start_cli,
    wait_for,
    wait_until_group_is_gone,
)

from optiroll.cli import cli  # noqa: E402

TINY = ("-o", "sgd", "-n", "1", "-q", "preview")
# Long enough to be interrupted: a slow Momentum keeps moving (pacing compresses no still stretch).
LONG = ("single", "-o", "momentum:lr=0.01", "-n", "1000", "-q", "preview")


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def one_error_line(result, code: int) -> str:
    """The single line a failure prints (progress lines aside), after checking the exit code."""
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("optiroll:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.fixture
def mount(tmp_path):
    """Mount a small tmpfs (root only); skip the test where that is not permitted."""
    mounted = []

    def make(options: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
        mounted.append(point)
        return point

    yield make
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


# --- refused before anything renders -------------------------------------------------------


def make_node(path: Path, kind: str) -> None:
    if kind == "symlink":
        path.symlink_to(path.with_name("elsewhere"))
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        try:
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # what /dev/null is
        except PermissionError:
            pytest.skip("making a device node needs root")


@pytest.mark.parametrize("kind", ["symlink", "fifo", "device"])
@pytest.mark.parametrize("which", ["fig.gif", "fig.gif.json"])
def test_an_output_that_is_not_a_regular_file_is_refused_and_left_alone(tmp_path, kind, which):
    make_node(tmp_path / which, kind)
    before = os.lstat(tmp_path / which)
    result = run_cli("render", *TINY, "-O", str(tmp_path / "fig.gif"))
    line = one_error_line(result, 2)
    word = {"symlink": "a symbolic link", "fifo": "a FIFO", "device": "a device"}[kind]
    assert f"is {word}, not a regular file" in line
    after = os.lstat(tmp_path / which)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode,
        before.st_ino,
        before.st_rdev,
    )
    assert names(tmp_path) == [which]
    assert "rendering" not in result.stderr  # refused before anything started


@pytest.mark.parametrize(
    ("output", "words"),
    [("x.", "names no file"), ("", "names no file"), ("out/", "directory"), (".", "directory")],
)
def test_a_name_that_names_no_file_is_refused_rather_than_guessed(tmp_path, output, words):
    (tmp_path / "out").mkdir()
    result = run_cli("render", *TINY, "-O", output, cwd=tmp_path)
    assert words in one_error_line(result, 2)
    assert names(tmp_path) == ["out"] and names(tmp_path / "out") == []


def test_a_name_too_long_for_the_file_system_is_refused_before_rendering(tmp_path):
    result = run_cli("render", *TINY, "-O", str(tmp_path / ("x" * 240 + ".gif")))
    line = one_error_line(result, 2)
    assert "the name is too long" in line and "at most" in line
    assert names(tmp_path) == []


def test_a_folder_that_cannot_be_written_is_one_line(tmp_path, mount):
    if os.geteuid() == 0:
        folder = mount("ro,size=64k")
    else:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o500)
    for target in (folder / "fig.gif", Path("/proc/fig.gif")):
        line = one_error_line(run_cli("render", *TINY, "-O", str(target)), 2)
        assert f"cannot write in '{target.parent}'" in line
    assert names(folder) == []


def test_an_animation_longer_than_an_hour_needs_yes(tmp_path):
    target = tmp_path / "long.gif"
    args = ("render", "surface3d", "-o", "sgd", "-n", "10000", "--seconds-per-step", "10")
    line = one_error_line(run_cli(*args, "-q", "preview", "-O", str(target)), 2)
    assert re.search(r"this animation would run \d+\.\d hours \(\d+ frames\)", line), line
    assert "--yes" in line
    assert names(tmp_path) == []


# --- failing while writing ------------------------------------------------------------------


def test_a_full_disk_is_one_line_and_leaves_nothing(mount):
    disk = mount("size=256k")
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as file:  # leave room for names, not for data
        try:
            while True:
                file.write(b"\0" * 4096)
        except OSError:
            pass
    result = run_cli("render", *TINY, "-O", str(disk / "fig.gif"))
    line = one_error_line(result, 1)
    assert "No space left on device" in line
    assert names(disk) == ["filler"]


def test_a_side_car_that_does_not_fit_keeps_the_old_pair(tmp_path, monkeypatch):
    from optiroll.render import pipeline

    target = tmp_path / "fig.gif"
    target.write_bytes(b"old figure")
    (tmp_path / "fig.gif.json").write_text("old data")

    def full(path, *args):
        path.write_text("{")  # part of it went in
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "_write_sidecar", full)
    result = CliRunner().invoke(cli, ["render", *TINY, "-O", str(target)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("optiroll: error: cannot write")
    assert "No space left on device" in result.stderr
    assert target.read_bytes() == b"old figure"
    assert (tmp_path / "fig.gif.json").read_text() == "old data"
    assert names(tmp_path) == ["fig.gif", "fig.gif.json"]


def test_a_folder_removed_while_rendering_is_one_line(tmp_path, monkeypatch):
    from optiroll.render import capture

    folder = tmp_path / "out"
    folder.mkdir()
    draw = capture.render_frames

    def remove_then_draw(*args, **kwargs):
        shutil.rmtree(folder)
        return draw(*args, **kwargs)

    monkeypatch.setattr(capture, "render_frames", remove_then_draw)
    result = CliRunner().invoke(cli, ["render", *TINY, "-O", str(folder / "fig.gif")])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines()[-1].startswith("optiroll: error: ")
    assert "Traceback" not in result.output and names(tmp_path) == []


# --- signals and dying helpers --------------------------------------------------------------


def rendering(folder: Path):
    """True once a render's hidden temporary media exists in `folder`."""
    return lambda: any(p.suffix == ".gif" for p in folder.glob(".*"))


@pytest.mark.parametrize(
    ("signum", "code", "words"),
    [(signal.SIGTERM, 143, "terminated (SIGTERM)"), (signal.SIGHUP, 129, "hung up (SIGHUP)")],
)
def test_sigterm_and_sighup_stop_a_render_like_ctrl_c(tmp_path, signum, code, words):
    render = start_cli("render", *LONG, "-O", str(tmp_path / "fig.gif"))
    wait_for(rendering(tmp_path), render)
    os.kill(render.pid, signum)  # the process alone, as `kill` or a closing terminal does
    output, _ = render.communicate(timeout=60)
    assert render.returncode == code, output
    assert output.endswith(f"optiroll: {words}\n") and "Traceback" not in output
    assert wait_until_group_is_gone(render.pid) == []  # the encoder went with it
    assert names(tmp_path) == []


@pytest.mark.parametrize("gap", [0.0, 0.005, 0.02])
def test_a_second_stop_while_the_first_unwinds_leaves_nothing_either(tmp_path, gap):
    """A build's pool terminates every worker once one has ended, so a worker that is already
    cleaning up gets a second SIGTERM: it must not cut the cleanup short."""
    render = start_cli("render", *LONG, "-O", str(tmp_path / "fig.gif"))
    wait_for(rendering(tmp_path), render)
    os.kill(render.pid, signal.SIGTERM)
    time.sleep(gap)
    os.kill(render.pid, signal.SIGTERM)
    output, _ = render.communicate(timeout=60)
    assert render.returncode == 143, output
    assert output.endswith("optiroll: terminated (SIGTERM)\n") and "Traceback" not in output
    assert wait_until_group_is_gone(render.pid) == []
    assert names(tmp_path) == []


def test_a_stop_that_a_library_swallowed_still_stops_the_render(tmp_path, monkeypatch):
    """Python runs the handler wherever the main thread is; if its exception is lost there, the
    render must still stop at the next frame and publish nothing."""
    from manim.camera.camera import Camera

    capture = Camera.capture_mobjects
    calls = []

    def swallowing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            try:
                signal.raise_signal(signal.SIGTERM)
            except BaseException:  # noqa: BLE001 — what the library does
                pass
        return capture(self, *args, **kwargs)

    monkeypatch.setattr(Camera, "capture_mobjects", swallowing)
    result = CliRunner().invoke(cli, ["render", *LONG, "-O", str(tmp_path / "fig.gif")])
    assert result.exit_code == 143, result.output
    assert result.stderr.strip().splitlines()[-1] == "optiroll: terminated (SIGTERM)"
    assert len(calls) < 10  # within a frame or two, not after the render's 530
    assert names(tmp_path) == []


def test_a_killed_render_leaves_one_line_and_the_next_run_sweeps_what_remains(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = cli_env(TMPDIR=str(temp))
    render = start_cli("render", *LONG, "-O", str(tmp_path / "fig.gif"), env=env)
    wait_for(lambda: rendering(tmp_path)() and any(temp.iterdir()), render)
    os.kill(render.pid, signal.SIGKILL)
    output, _ = render.communicate(timeout=60)
    assert wait_until_group_is_gone(render.pid) == []
    assert "Traceback" not in output
    # The encoder noticed, removed the file it was writing and said so, in one line.
    rendering_line, encoder_line = output.splitlines()
    assert rendering_line.startswith("rendering single")
    assert encoder_line.startswith("optiroll: the render stopped before its encoder finished")
    assert [p.name for p in tmp_path.glob(".fig.gif*")] == []
    assert any(temp.iterdir())  # Manim's folder: its owner could not clean up
    (tmp_path / "fig.gif.sections").mkdir()  # not ours to remove: the sweep must leave it
    result = run_cli("render", *TINY, "-O", str(tmp_path / "next.gif"), env=env)
    assert result.returncode == 0, result.stderr
    assert names(temp) == []
    assert names(tmp_path) == ["fig.gif.sections", "next.gif", "next.gif.json", "tmp"]


def test_an_encoder_that_dies_is_one_line_and_the_render_cleans_up(tmp_path):
    render = start_cli("render", *LONG, "-O", str(tmp_path / "fig.gif"))
    wait_for(rendering(tmp_path), render)
    (encoder,) = [pid for pid, command in children(render.pid) if "background" in command]
    os.kill(encoder, signal.SIGKILL)
    output, _ = render.communicate(timeout=60)
    assert render.returncode == 1, output
    assert output.splitlines()[-1] == (
        "optiroll: error: the encoder process stopped unexpectedly (killed by SIGKILL)"
    )
    assert "Traceback" not in output
    assert wait_until_group_is_gone(render.pid) == []
    assert names(tmp_path) == []
