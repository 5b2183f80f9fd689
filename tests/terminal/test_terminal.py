"""`optiroll play` on a virtual terminal: a fake clock, scripted keys and a captured stream.

`Screen` below is a minimal terminal emulator for what the player writes (cursor moves, SGR,
the alternate screen and cursor visibility), so tests look at what a user would see.
"""

import io
import json
import math
import re
import signal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.color import ColorSystem

from optiroll.errors import OptirollError
from optiroll.optim.experiment import build_experiment
from optiroll.plan.words import ENGLISH
from optiroll.signals import Interrupted, stop_on_signals
from optiroll.terminal.ansi import FrameEncoder, color_system_for
from optiroll.terminal.asciicast import CastWriter
from optiroll.terminal.canvas import CONTOUR, MARKERS, Canvas, render_frame
from optiroll.terminal.keys import decode_keys
from optiroll.terminal.player import Player, frame_interval, play_in_terminal

TOKEN = re.compile(r"\x1b\[(?P<params>[?0-9;]*)(?P<final>[A-Za-z])|(?P<text>[^\x1b]+)|\x1b")


class Screen:
    """What a terminal of cols x rows shows after being fed the player's output."""

    def __init__(self, cols, rows):
        self.cols, self.rows = cols, rows
        self.main = self._blank()
        self.alt = None  # the alternate screen's grid while it is on
        self.cursor_visible = True
        self.y = self.x = 0

    def _blank(self):
        return [[" "] * self.cols for _ in range(self.rows)]

    def resize(self, cols, rows):
        self.cols, self.rows = cols, rows
        self.main = self._blank()
        if self.alt is not None:
            self.alt = self._blank()

    @property
    def grid(self):
        return self.main if self.alt is None else self.alt

    def feed(self, data):
        for m in TOKEN.finditer(data):
            if m.group("text") is not None:
                for ch in m.group("text"):
                    if self.x < self.cols and self.y < self.rows:
                        self.grid[self.y][self.x] = ch
                    self.x += 1
            elif m.group("final") == "H":
                row, _, col = (m.group("params") or "1;1").partition(";")
                self.y, self.x = int(row or 1) - 1, int(col or 1) - 1
            elif m.group("final") in ("h", "l") and m.group("params") == "?1049":
                self.alt = self._blank() if m.group("final") == "h" else None
            elif m.group("final") in ("h", "l") and m.group("params") == "?25":
                self.cursor_visible = m.group("final") == "h"

    def lines(self):
        return ["".join(row) for row in self.grid]


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Keys:
    """Keys at given times: ('space' | 'left' | 'right' | 'quit' | an exception, at seconds)."""

    def __init__(self, clock, script=(), interactive=True, limit=600.0):
        self.clock, self.interactive = clock, interactive
        self.script = sorted(script, key=lambda event: event[0])
        self.limit = clock.now + limit

    def read(self, timeout):
        assert self.clock.now < self.limit, "the player never stopped"
        due = self.clock.now + max(0.0, timeout)
        if self.script and self.script[0][0] <= due:
            at, key = self.script.pop(0)
            self.clock.now = max(self.clock.now, at)
            if isinstance(key, BaseException):
                raise key
            return key
        self.clock.now = due
        return None


class TTY(io.StringIO):
    """A captured terminal stream that remembers when each write happened."""

    def __init__(self, clock):
        super().__init__()
        self.clock, self.writes = clock, []

    def isatty(self):
        return True

    def write(self, text):
        self.writes.append((self.clock(), text))
        return super().write(text)

    def frames(self):
        """(time, text) of each frame written (frames start by moving to the top-left)."""
        return [(t, w) for t, w in self.writes if w.startswith("\x1b[1;1H")]


def make_player(
    experiment,
    *,
    size=(80, 24),
    script=(),
    interactive=True,
    fps=10.0,
    loop=False,
    cast=None,
    system=None,
):
    clock = Clock()
    stream = TTY(clock)
    keys = Keys(clock, [(clock.now + t, k) for t, k in script], interactive)
    sizes = size if callable(size) else (lambda: size)
    player = Player(
        experiment.surface,
        experiment.run(),
        fps=fps,
        loop=loop,
        stream=stream,
        keys=keys,
        clock=clock,
        size=sizes,
        encoder=FrameEncoder(system),
        cast=cast,
    )
    return player, stream, clock


def step_on(lines):
    return int(re.match(r"step (\d+)/", lines[0]).group(1))


def status_on(lines):
    return re.match(r"step \d+/\d+  (\w+)", lines[0]).group(1)


def expected_cell(point, cols, plot_rows, window=(-10.0, 10.0, -5.0, 5.0)):
    """The spec restated: one data scale for x and y, window centred, braille 2x4 dots a cell."""
    x_min, x_max, y_min, y_max = window
    scale = max((x_max - x_min) / (2 * cols), (y_max - y_min) / (4 * plot_rows))
    x_left = (x_min + x_max) / 2 - cols * scale
    y_top = (y_min + y_max) / 2 + 2 * plot_rows * scale
    col = math.floor((point[0] - x_left) / scale) // 2
    row = math.floor((y_top - point[1]) / scale) // 4
    return 1 + row, col  # row 0 is the title line


# --- the ball follows the data ------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (41, 13)])
def test_the_ball_at_step_k_is_in_the_cell_of_point_k(size):
    experiment = build_experiment(optimizer_specs=["sgd"])
    player, stream, _ = make_player(experiment, size=size, interactive=False)
    player.run()
    points = experiment.run()[0].points
    screen = Screen(*size)
    seen = []
    for _, frame in stream.frames():
        screen.feed(frame)
        lines = screen.lines()
        k = step_on(lines)
        plot = lines[: size[1] - 2]  # the legend (the ball's line and the minimum's) below
        cells = [(r, c) for r, line in enumerate(plot) for c, ch in enumerate(line) if ch == "●"]
        assert cells == [expected_cell(points[k], size[0], size[1] - 3)], k
        seen.append(k)
    assert seen == list(range(len(points)))


def test_columns_and_rows_move_on_the_same_data_scale():
    # A cell is two dots wide and four tall, dots are square: d(col)/dx = -2 * d(row)/dy.
    experiment = build_experiment(optimizer_specs=["momentum:lr=0.1"], steps=60)
    canvas = Canvas(experiment.surface, experiment.run(), 160, 50)
    points = experiment.run()[0].points
    cells = np.array([canvas.view.cell(p) for p in points], dtype=float)
    col_slope = np.polyfit(points[:, 0], cells[:, 1], 1)[0]
    row_slope = np.polyfit(points[:, 1], cells[:, 0], 1)[0]
    assert col_slope == pytest.approx(-2 * row_slope, rel=0.05)


def test_every_ball_has_its_own_marker_and_colour_and_sits_on_its_point():
    experiment = build_experiment()  # the book: four optimizers
    trajectories = experiment.run()
    frame = render_frame(experiment.surface, trajectories, 3, (100, 30))
    lines = frame.lines()
    for i, traj in enumerate(trajectories):
        row, col = expected_cell(traj.points[3], 100, 30 - 7)
        assert lines[row][col] == MARKERS[i]
        assert lines[30 - 6 + i].startswith(f"{MARKERS[i]} {ENGLISH.label(traj.optimizer)}")
    colours = {ink.color for row in frame.rows for _, ink in row if ink.bold and ink.color}
    assert len(colours) == 4


@settings(max_examples=60, deadline=None)
@given(cols=st.integers(1, 180), rows=st.integers(1, 60), step=st.integers(0, 30))
def test_every_frame_fills_the_terminal_exactly(cols, rows, step):
    experiment = build_experiment()
    frame = render_frame(experiment.surface, experiment.run(), step, (cols, rows))
    assert [len(line) for line in frame.lines()] == [cols] * rows


def test_a_terminal_too_small_says_so():
    experiment = build_experiment()
    lines = render_frame(experiment.surface, experiment.run(), 0, (30, 6)).lines()
    assert lines[0].startswith("enlarge the terminal")


def test_a_diverged_ball_is_marked_in_the_legend_from_that_step():
    experiment = build_experiment(optimizer_specs=["sgd:lr=1.05"], steps=60)
    traj = experiment.run()[0]
    n = traj.diverged_at
    assert n is not None
    before = render_frame(experiment.surface, [traj], n - 1, (80, 24)).lines()[-3]
    after = render_frame(experiment.surface, [traj], 60, (80, 24)).lines()[-3]
    assert "loss" in before and f"diverged at step {n}" in after


# --- the loop: time, keys, resizing -------------------------------------------------------


def test_steps_take_equal_time():
    player, stream, _ = make_player(build_experiment(), interactive=False, fps=8.0)
    player.run()
    times = [t for t, _ in stream.frames()]
    assert len(times) == 31
    assert np.allclose(np.diff(times), 1 / 8.0)


def test_space_pauses_arrows_step_and_q_quits():
    script = [
        (0.25, "space"),
        (5.0, "right"),
        (5.1, "right"),
        (5.2, "left"),
        (6.0, "space"),
        (6.45, "quit"),
    ]
    player, stream, _ = make_player(build_experiment(), script=script, fps=10.0)
    assert player.run() == 7
    screen = Screen(80, 24)
    shown = []
    for t, frame in stream.frames():
        screen.feed(frame)
        shown.append((round(t - 100.0, 2), step_on(screen.lines()), status_on(screen.lines())))
    assert shown == [
        (0.0, 0, "playing"),
        (0.1, 1, "playing"),
        (0.2, 2, "playing"),
        (0.25, 2, "paused"),  # nothing moves for 4.75 s
        (5.0, 3, "paused"),
        (5.1, 4, "paused"),
        (5.2, 3, "paused"),
        (6.0, 3, "playing"),
        (6.1, 4, "playing"),
        (6.2, 5, "playing"),
        (6.3, 6, "playing"),
        (6.4, 7, "playing"),
    ]


def test_at_the_end_it_holds_until_q_and_loop_starts_again():
    player, stream, _ = make_player(build_experiment(), script=[(10.0, "quit")], fps=10.0)
    player.run()
    last = Screen(80, 24)
    last.feed(stream.frames()[-1][1])
    assert step_on(last.lines()) == 30 and status_on(last.lines()) == "end"
    assert len(stream.frames()) == 31  # no redraw while holding

    player, stream, _ = make_player(build_experiment(), script=[(4.05, "quit")], loop=True)
    player.run()
    steps = []
    for _, frame in stream.frames():
        screen = Screen(80, 24)
        screen.feed(frame)
        steps.append(step_on(screen.lines()))
    assert steps == list(range(31)) + list(range(10))


def test_it_refits_when_the_terminal_is_resized():
    clock_sizes = {"size": (80, 24)}
    player, stream, clock = make_player(
        build_experiment(), size=lambda: clock_sizes["size"], interactive=False
    )
    original = player.keys.read

    def read(timeout):
        if clock.now >= 101.0:
            clock_sizes["size"] = (50, 16)
        return original(timeout)

    player.keys.read = read
    player.run()
    before, after = Screen(80, 24), Screen(50, 16)
    frames = [f for t, f in stream.frames()]
    before.feed(frames[9])
    after.feed(frames[-1])
    assert step_on(before.lines()) == 9 and before.lines()[-2].startswith("▲ Adam")
    assert step_on(after.lines()) == 30 and after.lines()[-2].startswith("▲ Adam")
    assert after.lines() == player.canvas((50, 16)).frame(30, "end").lines()


def test_redraws_in_place_without_clearing():
    player, stream, _ = make_player(build_experiment(), interactive=False)
    player.run()
    output = stream.getvalue()
    assert "\x1b[2J" not in output and "\x1b[J" not in output and "\x1b[K" not in output
    assert all(f.startswith("\x1b[1;1H") for _, f in stream.frames())


# --- colour -------------------------------------------------------------------------------


def test_colours_follow_the_terminal_and_no_color_turns_them_off():
    tty = TTY(Clock())
    assert color_system_for(tty, True, {"COLORTERM": "truecolor"}) == ColorSystem.TRUECOLOR
    assert color_system_for(tty, True, {"TERM": "xterm-256color"}) == ColorSystem.EIGHT_BIT
    assert color_system_for(tty, True, {"COLORTERM": "truecolor", "NO_COLOR": "1"}) is None
    assert color_system_for(tty, False, {"COLORTERM": "truecolor"}) is None

    coloured, stream, _ = make_player(
        build_experiment(), interactive=False, system=ColorSystem.TRUECOLOR
    )
    coloured.run()
    assert "38;2;0;114;178" in stream.getvalue()  # SGD's Okabe-Ito blue
    plain, stream, _ = make_player(build_experiment(), interactive=False, system=None)
    plain.run()
    assert re.search(r"\x1b\[[0-9;]*m", stream.getvalue().replace("\x1b[0m", "")) is None


def test_no_color_environment_reaches_the_player():
    clock = Clock()
    stream = TTY(clock)
    play_in_terminal(
        build_experiment(steps=3),
        stream=stream,
        keys=Keys(clock, interactive=False),
        clock=clock,
        size=lambda: (60, 20),
        environ={"NO_COLOR": "1", "COLORTERM": "truecolor"},
    )
    assert "38;" not in stream.getvalue()
    # No keyboard, so it stopped at the end; the last frame stays on the main screen.
    assert stream.writes[-2][1].startswith("\x1b[0m")
    assert stream.writes[-1][1].startswith("step 3/3 ") and "\x1b" not in stream.writes[-1][1]


# Unicode's braille dots: bit of the dot at (row 0-3, column 0-1), restated from the standard.
BRAILLE_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))


def is_braille(ch):
    return "\u2801" <= ch <= "\u28ff"


@pytest.mark.parametrize(
    ("preset", "step"), [("book", 30), ("book", 4), ("rosenbrock", 200), ("himmelblau", 60)]
)
def test_without_colour_trails_and_contours_are_different_characters(preset, step):
    """What a --no-color terminal shows, each cell told apart by the ink the frame gave it."""
    experiment = build_experiment(preset_name=preset)
    canvas = Canvas(experiment.surface, experiment.run(), 100, 32)
    frame = canvas.frame(step)
    plain = FrameEncoder(None).encode(frame)
    assert re.search(r"\x1b\[[0-9;]*m", plain) is None  # no colour, no weight
    screen = Screen(100, 32)
    screen.feed(plain)
    trail, contour = set(), set()
    for r, row in enumerate(frame.rows):
        c = 0
        for text, ink in row:
            for _ in text:
                ch = screen.lines()[r][c]
                if is_braille(ch) and ink == CONTOUR:
                    contour.add(ch)
                elif is_braille(ch) and ink.color in canvas.colors and not ink.bold:
                    trail.add(ch)
                c += 1
    assert trail and contour
    assert not trail & contour, sorted(trail & contour)


def test_a_trail_keeps_every_dot_of_its_path():
    """Making trails differ from contours adds dots, never loses one the path passes."""
    experiment = build_experiment(optimizer_specs=["sgd"])
    canvas = Canvas(experiment.surface, experiment.run(), 80, 24)
    dots, ends = canvas.trails[0]
    cells = {}
    for row, col in dots[: ends[-1]]:
        cells.setdefault((row // 4, col // 2), set()).add((row % 4, col % 2))
    lines = canvas.frame(canvas.steps).lines()
    ball = canvas.view.cell(experiment.run()[0].points[-1])
    for (r, c), lit in cells.items():
        if (r, c) == ball:
            continue
        bits = ord(lines[1 + r][c]) - 0x2800
        for dot_row, dot_col in lit:
            assert bits & BRAILLE_BITS[dot_row][dot_col], (r, c)
        assert bin(bits).count("1") >= 2


def test_the_legend_names_the_landmarks_as_the_figures_mark_them():
    book = build_experiment()
    canvas = Canvas(book.surface, book.run(), 80, 24)
    lines = canvas.frame(0).lines()
    assert lines[-2].rstrip() == "+ minimum (0, 0)"  # under the balls, above the key hints
    row, col = canvas.view.cell((0.0, 0.0))
    assert lines[1 + row][col] == "+"
    himmelblau = build_experiment(preset_name="himmelblau")  # four minima: no one place
    lines = render_frame(himmelblau.surface, himmelblau.run(), 0, (80, 24)).lines()
    assert lines[-2].rstrip() == "+ minimum"
    assert sum(line.count("+") for line in lines[1:-6]) == 4
    saddle = build_experiment(preset_name="saddle")  # no minimum, a saddle point
    canvas = Canvas(saddle.surface, saddle.run(), 80, 24)
    lines = canvas.frame(0).lines()
    assert lines[-2].rstrip() == "◇ saddle point (0, 0)" and "+" not in "".join(lines[1:-6])
    row, col = canvas.view.cell((0.0, 0.0))
    assert lines[1 + row][col] == "◇"
    # A formula's minimum is found numerically; a window without one gets no line.
    bowl = build_experiment(surface_name="expr:(x - 1)**2 + (y + 2)**2", steps=5)
    assert render_frame(bowl.surface, bowl.run(), 0, (80, 24)).lines()[-2].rstrip() == (
        "+ minimum (1, -2)"
    )
    slope = build_experiment(surface_name="expr:x + y", steps=5)
    lines = render_frame(slope.surface, slope.run(), 0, (80, 24)).lines()
    assert lines[-2].startswith("▲ Adam") and "+" not in "".join(lines[1:-5])


def test_the_legend_uses_the_figures_words_and_symbols():
    experiment = build_experiment()  # the book: four optimizers
    lines = render_frame(experiment.surface, experiment.run(), 30, (100, 30)).lines()
    legend = [line.rstrip() for line in lines[-6:-2]]
    assert [line.split("  ")[0] for line in legend] == [
        "● SGD η=0.95",
        "◆ Momentum η=0.1 α=0.9",
        "■ AdaGrad η=1.5",
        "▲ Adam η=0.3 β₁=0.9 β₂=0.999",
    ]


# --- recording ----------------------------------------------------------------------------


def read_cast(path):
    header, *events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return header, events


def replay(header, events):
    screen = Screen(header["width"], header["height"])
    for _, code, data in events:
        if code == "o":
            screen.feed(data)
        else:
            screen.resize(*map(int, data.split("x")))
    return screen


def assert_valid_cast(header, events):
    assert header["version"] == 2 and header["width"] > 0 and header["height"] > 0
    times = [e[0] for e in events]
    assert all(isinstance(t, float) for t in times) and times[0] >= 0
    assert all(a < b for a, b in zip(times, times[1:], strict=False))
    assert all(code in ("o", "r") and isinstance(data, str) for _, code, data in events)


def test_the_cast_is_valid_and_replays_to_the_final_screen(tmp_path):
    path = tmp_path / "play.cast"
    experiment = build_experiment()
    with CastWriter(path) as cast:
        player, stream, _ = make_player(
            experiment,
            script=[(0.55, "space"), (0.9, "space"), (5.0, "quit")],
            system=ColorSystem.EIGHT_BIT,
            cast=cast,
        )
        player.run()
    header, events = read_cast(path)
    assert_valid_cast(header, events)
    assert (header["width"], header["height"]) == (80, 24)
    live = Screen(80, 24)
    live.feed(stream.getvalue().replace("\x1b[?1049l", ""))  # what was on screen before leaving
    final = player.canvas((80, 24)).frame(30, "end").lines()
    assert replay(header, events).lines() == live.lines() == final
    assert [p.name for p in tmp_path.iterdir()] == ["play.cast"]


def test_the_cast_records_resizes(tmp_path):
    sizes = iter([(80, 24)] * 5 + [(100, 30)] * 1000)
    path = tmp_path / "r.cast"
    with CastWriter(path) as cast:
        player, _, _ = make_player(
            build_experiment(), size=lambda: next(sizes), interactive=False, cast=cast
        )
        player.run()
    header, events = read_cast(path)
    assert_valid_cast(header, events)
    assert [data for _, code, data in events if code == "r"] == ["100x30"]
    assert replay(header, events).lines() == player.canvas((100, 30)).frame(30, "end").lines()


def test_a_pipe_records_every_step_at_its_nominal_time(tmp_path):
    path = tmp_path / "blog.cast"
    out = io.StringIO()
    play_in_terminal(build_experiment(), fps=4, record=str(path), stream=out, environ={})
    header, events = read_cast(path)
    assert_valid_cast(header, events)
    assert [e[0] for e in events] == [k / 4 for k in range(31)]
    assert "38;2;" in events[1][2]  # web players show truecolor
    replayed = [line.rstrip() for line in replay(header, events).lines()]
    assert "\n".join(replayed).rstrip("\n") == out.getvalue().rstrip("\n")


def test_a_bad_record_path_fails_before_anything_runs(tmp_path):
    class Untouchable:
        def run(self):
            raise AssertionError("ran")

    with pytest.raises(OptirollError, match="does not exist"):
        play_in_terminal(
            Untouchable(), record=str(tmp_path / "missing" / "a.cast"), stream=io.StringIO()
        )
    with pytest.raises(OptirollError, match="is a directory"):
        play_in_terminal(Untouchable(), record=str(tmp_path), stream=io.StringIO())
    assert list(tmp_path.iterdir()) == []


# --- Ctrl-C, fps, pipes -------------------------------------------------------------------


def test_ctrl_c_restores_the_terminal_and_keeps_no_partial_cast(tmp_path):
    path = tmp_path / "keep.cast"
    path.write_text("the user's old recording")
    with pytest.raises(KeyboardInterrupt):
        with CastWriter(path) as cast:
            player, stream, _ = make_player(
                build_experiment(),
                cast=cast,
                script=[(0.35, KeyboardInterrupt())],
                system=ColorSystem.TRUECOLOR,
            )
            player.run()
    screen = Screen(80, 24)
    screen.feed(stream.getvalue())
    assert screen.alt is None and screen.cursor_visible
    assert stream.writes[-1][1].startswith("\x1b[0m")  # colours reset first
    assert path.read_text() == "the user's old recording"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.cast"]


def test_a_stop_whose_exception_was_swallowed_still_ends_the_player():
    """SIGTERM's handler raised where something swallowed it: the next frame stops anyway."""
    player, stream, clock = make_player(build_experiment(), system=ColorSystem.TRUECOLOR)
    read = player.keys.read

    def swallowing(timeout):
        if clock.now >= 100.35:
            try:
                signal.raise_signal(signal.SIGTERM)
            except BaseException:  # noqa: BLE001 — the point: the Interrupted is lost here
                pass
        return read(timeout)

    player.keys.read = swallowing
    with stop_on_signals(), pytest.raises(Interrupted):
        player.run()
    assert clock.now < 100.6  # stopped at once, not played to step 30
    screen = Screen(80, 24)
    screen.feed(stream.getvalue())
    assert screen.alt is None and screen.cursor_visible


@pytest.mark.parametrize("fps", [0, -1, math.nan, math.inf, -math.inf])
def test_fps_must_be_positive_and_finite(fps, tmp_path):
    with pytest.raises(OptirollError, match="--fps"):
        play_in_terminal(
            build_experiment(), fps=fps, record=str(tmp_path / "x.cast"), stream=io.StringIO()
        )
    assert list(tmp_path.iterdir()) == []
    assert frame_interval(4) == 0.25


def test_a_pipe_gets_the_final_frame_once_as_plain_text():
    out = io.StringIO()
    play_in_terminal(build_experiment(), stream=out, environ={"COLUMNS": "70", "LINES": "20"})
    text = out.getvalue()
    lines = text.splitlines()
    assert "\x1b" not in text and len(lines) == 20 and max(map(len, lines)) <= 70
    assert "step 30/30" in lines[0] and lines[-2].startswith("▲ Adam")


def test_keys_are_decoded_from_terminal_bytes():
    assert decode_keys(b" q\x1b[C\x1b[D\x1bOCx\x1b") == ["space", "quit", "right", "left", "right"]


def test_each_optimizer_has_its_figures_colour_in_the_terminal():
    """The dark theme's colour of each optimizer, whatever its place in the list."""
    from optiroll.plan.palette import run_colors
    from optiroll.plan.theme import DARK

    for names in (["sgd", "momentum", "adagrad", "adam"], ["adam", "sgd"]):
        experiment = build_experiment(None, names, None, None, 5, None)
        canvas = Canvas(experiment.surface, experiment.run(), 80, 24)
        assert canvas.colors == run_colors(names, DARK.background)
        adam = canvas.colors[names.index("adam")]
        assert adam == run_colors(["adam"], DARK.background)[0]
