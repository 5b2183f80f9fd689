"""The terminal player where things go wrong: full disks, closed streams, hostile sizes, dumb
terminals. (As processes, in a pseudo-terminal: test_terminal_process.py.)"""

import errno
import io

import pytest

from optiroll.errors import OptirollFailure
from optiroll.optim.experiment import build_experiment
from optiroll.terminal.ansi import FrameEncoder, is_dumb
from optiroll.terminal.asciicast import CastWriter
from optiroll.terminal.canvas import Canvas
from optiroll.terminal.player import MAX_SIZE, clamp_size, play_in_terminal


class Full(io.StringIO):
    """A stream on a full disk."""

    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_recording_that_does_not_fit_is_one_failure_and_leaves_nothing(tmp_path):
    target = tmp_path / "x.cast"
    target.write_text("the old recording")
    with pytest.raises(OptirollFailure, match="No space left on device"):
        with CastWriter(target) as cast:
            cast.file = Full()
            cast.start(80, 24, title="t", idle_time_limit=2.0)
    assert target.read_text() == "the old recording"
    assert [p.name for p in tmp_path.iterdir()] == ["x.cast"]


def test_an_output_stream_that_fails_is_one_failure():
    with pytest.raises(OptirollFailure, match="cannot write to standard output: No space"):
        play_in_terminal(build_experiment(steps=2), stream=Full(), environ={})


@pytest.mark.parametrize(
    ("given", "clamped"),
    [((80, 24), (80, 24)), ((100_000, 100_000), MAX_SIZE), ((0, -3), (1, 1))],
)
def test_sizes_are_clamped(given, clamped):
    assert clamp_size(*given) == clamped


def test_a_dumb_terminal_is_told_by_term():
    assert is_dumb({"TERM": "dumb"}) and is_dumb({"TERM": "unknown"})
    assert not is_dumb({"TERM": "xterm-256color"}) and not is_dumb({})


def test_a_plain_encoder_writes_the_frame_as_text_and_has_no_screen_to_switch():
    experiment = build_experiment(steps=2)
    frame = Canvas(experiment.surface, experiment.run(), 60, 20, hints=False).frame(1)
    plain = FrameEncoder(None, cursor=False)
    assert plain.encode(frame) == frame.text() + "\n"
    assert (plain.enter, plain.leave) == ("", "")
    assert FrameEncoder(None).enter.startswith("\x1b[?1049h")
