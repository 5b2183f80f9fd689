"""The encoder process: same file as encoding in-process, its errors raised here, abort leaves nothing."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("av")

from media import decode  # noqa: E402
from optiroll.render.background import EncoderProcess  # noqa: E402
from optiroll.render.encode import open_encoder  # noqa: E402
from optiroll.render.output import verify  # noqa: E402
from optiroll.signals import Interrupted  # noqa: E402
from tests.processes import wait_for  # noqa: E402


def frames(count=6, width=64, height=48):
    """A white page with a red square moving right."""
    out = []
    for index in range(count):
        frame = np.full((height, width, 4), 255, np.uint8)
        frame[10:20, 4 + 6 * index : 14 + 6 * index, 1:3] = 0
        out.append(frame)
    return out


@pytest.mark.parametrize("fmt", ["gif", "png", "mp4"])
def test_the_worker_writes_the_same_file_as_encoding_here(tmp_path, fmt):
    options = {"fixed_colors": ["#ff0000"]} if fmt == "gif" else {}
    here = open_encoder(fmt, tmp_path / f"here.{fmt}", 64, 48, 25, **options)
    there = EncoderProcess().open(fmt, tmp_path / f"there.{fmt}", 64, 48, 25, **options)
    for frame in frames():
        here.write(frame)
        there.write(frame)
    a, b = here.close(), there.close()
    assert (b.frames, b.width, b.height) == (a.frames, a.width, a.height)
    if fmt == "mp4":
        # x264 in this process, after other tests, has encoded a byte differently (the same
        # pictures); in fresh worker processes, as every render's, it is the same file.
        there, here = decode(tmp_path / "there.mp4"), decode(tmp_path / "here.mp4")
        assert len(there) == len(here)
        assert max(np.abs(a.astype(int) - b).max() for a, b in zip(there, here, strict=True)) <= 8
    else:
        assert (tmp_path / f"there.{fmt}").read_bytes() == (tmp_path / f"here.{fmt}").read_bytes()


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores to compare with one")
def test_an_mp4_is_the_same_file_whatever_cores_its_encoder_may_use(tmp_path):
    """A render's sections are encoded by processes on however many cores: x264 must not count
    them (its frame threads would make each count's file differently)."""
    cores = os.sched_getaffinity(0)
    written = []
    for name, allowed in (("one", {min(cores)}), ("all", cores)):
        os.sched_setaffinity(0, allowed)  # the worker, started now, inherits it
        try:
            worker = EncoderProcess().open("mp4", tmp_path / f"{name}.mp4", 320, 240, 25)
        finally:
            os.sched_setaffinity(0, cores)
        for frame in frames(count=30, width=320, height=240):
            worker.write(frame)
        worker.close()
        written.append((tmp_path / f"{name}.mp4").read_bytes())
    assert written[0] == written[1]


def test_a_held_frame_crosses_once_with_its_length(tmp_path):
    path = tmp_path / "held.gif"
    worker = EncoderProcess().open("gif", path, 64, 48, 25, fixed_colors=["#ff0000"])
    first, *moving, last = frames()
    worker.write(first, 5)
    for frame in moving:
        worker.write(frame)
    worker.write(last, 25)
    report = worker.close()
    assert report.frames == 5 + 4 + 25 and report.holds == ((5, 1), (1, 4), (25, 1))
    assert len(decode(path)) == 34


@pytest.mark.parametrize("fmt", ["gif", "mp4"])
def test_a_checked_file_is_decoded_by_the_worker_as_verify_would_here(tmp_path, fmt):
    path = tmp_path / f"x.{fmt}"
    options = {"fixed_colors": ["#ff0000"]} if fmt == "gif" else {}
    worker = EncoderProcess().open(fmt, path, 64, 48, 25, check=True, **options)
    worker.write(frames()[0], 5)
    for frame in frames()[1:]:
        worker.write(frame)
    worker.finish()  # the worker finishes and checks it; this process goes on
    report, info = worker.close_checked()
    assert report.frames == info.frames == 10
    assert info == verify(path, report)


def test_a_file_opened_unchecked_has_no_check_to_give(tmp_path):
    worker = EncoderProcess().open("mp4", tmp_path / "x.mp4", 64, 48, 25)
    worker.write(frames()[0])
    with pytest.raises(ValueError, match="without check"):
        worker.close_checked()
    assert (tmp_path / "x.mp4").exists()


def test_bad_options_raise_at_open_before_any_frame(tmp_path):
    worker = EncoderProcess()
    with pytest.raises(ValueError, match="fps"):
        worker.open("gif", tmp_path / "x.gif", 64, 48, 24)
    worker.abort()
    assert not (tmp_path / "x.gif").exists()


def test_a_wrong_frame_is_refused_here(tmp_path):
    worker = EncoderProcess().open("gif", tmp_path / "x.gif", 64, 48, 25)
    with pytest.raises(ValueError, match="expected 64x48"):
        worker.write(np.zeros((10, 10, 3), np.uint8))
    worker.abort()


def test_an_error_in_the_worker_is_raised_here_as_itself(tmp_path):
    missing = tmp_path / "no such folder" / "x.mp4"
    worker = EncoderProcess().open("mp4", missing, 64, 48, 25)  # nothing is opened until a frame
    with pytest.raises(OSError):
        for frame in frames(60):
            worker.write(frame)
        worker.close()
    worker.abort()


def test_abort_stops_the_worker_mid_file(tmp_path):
    worker = EncoderProcess().open("mp4", tmp_path / "x.mp4", 64, 48, 25)
    for frame in frames():
        worker.write(frame)
    worker.abort()
    assert worker._process.poll() is not None


def test_a_stop_while_closing_stops_the_worker_instead_of_waiting_for_it(tmp_path):
    """Told that the file is done, the worker finishes it and waits for the next one: a close
    interrupted then must not wait for the worker to end by itself (it never would)."""

    class Interrupting:
        def __init__(self, conn):
            self.conn = conn

        def __getattr__(self, name):
            return getattr(self.conn, name)

        def recv(self):
            raise Interrupted(signal.SIGTERM)  # as the handler would, mid-wait

    worker = EncoderProcess().open("gif", tmp_path / "x.gif", 64, 48, 25)
    for frame in frames():
        worker.write(frame)
    worker._conn = Interrupting(worker._conn)
    raised = []

    def close():
        try:
            worker.close()
        except Interrupted as stop:
            raised.append(stop)

    closing = threading.Thread(target=close, daemon=True)
    closing.start()
    closing.join(timeout=30)
    assert not closing.is_alive(), "close() waits for a worker that waits for its next file"
    assert raised and worker._process.poll() is not None


def test_a_kept_worker_encodes_the_next_file_too_and_one_that_failed_is_not_kept(
    tmp_path, monkeypatch
):
    from optiroll.render import background

    monkeypatch.setattr(background, "_idle", [])
    monkeypatch.setattr(background, "_keeping", False)  # as it was again after the test
    background.keep_encoders()
    first = EncoderProcess.ready().open("gif", tmp_path / "a.gif", 64, 48, 25)
    for frame in frames():
        first.write(frame)
    first.close()
    assert background._idle == [first] and first._process.poll() is None
    second = EncoderProcess.ready()
    assert second is first and background._idle == []
    second.open("png", tmp_path / "b.png", 32, 24, 25)  # another size: the slots follow
    second.write(np.zeros((24, 32, 3), np.uint8), 3)
    assert second.close().frames == 1
    assert len(decode(tmp_path / "a.gif")) == 6 and (tmp_path / "b.png").stat().st_size > 0
    failing = EncoderProcess.ready()
    assert failing is first
    failing.open("mp4", tmp_path / "no such folder" / "c.mp4", 64, 48, 25)
    with pytest.raises(OSError):
        for frame in frames(60):
            failing.write(frame)
        failing.close()
    failing.abort()
    assert background._idle == [] and failing._process.poll() is not None
    fresh = EncoderProcess.ready()
    assert fresh is not first
    fresh.abort()


def test_a_worker_kept_by_its_owner_waits_for_that_owners_next_file(tmp_path):
    from optiroll.render import background

    worker = EncoderProcess().open("mp4", tmp_path / "a.mp4", 64, 48, 25, check=True)
    for frame in frames(8):
        worker.write(frame)
    worker.finish()
    wait_for(worker.finished, worker._process, timeout=30)
    report, info = worker.close_checked(keep=True)
    assert (report.frames, info.frames) == (8, 8)
    assert worker._process.poll() is None and worker not in background._idle  # not anyone's
    worker.open("mp4", tmp_path / "b.mp4", 32, 24, 25)
    assert not worker.finished()  # not told the file is complete
    worker.write(np.zeros((24, 32, 3), np.uint8), 5)
    assert worker.close(keep=True).frames == 5 and len(decode(tmp_path / "b.mp4")) == 5
    worker.end()
    assert worker._process.wait(timeout=10) == 0


KEEPING = """
import sys
import numpy as np
from optiroll.render.background import EncoderProcess, keep_encoders
keep_encoders()
worker = EncoderProcess.ready().open("png", sys.argv[1], 8, 8, 25)
worker.write(np.zeros((8, 8, 3), np.uint8))
worker.close()
print(worker._process.pid, flush=True)
"""


def test_kept_workers_end_with_the_process_that_kept_them(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", KEEPING, str(tmp_path / "x.png")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pid = int(done.stdout)
    assert (tmp_path / "x.png").exists()
    with pytest.raises(ProcessLookupError):  # collected by its parent before it ended
        os.kill(pid, 0)
