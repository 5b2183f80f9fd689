"""A sectioned video's sections drawn by several processes at once, then joined as one render's.

The sections are split into blocks of consecutive sections, one per process, even in cost. Each
process builds the same scene and plays it from the start: the sections before its block are not
drawn (a lecture plays only the one right before, to its end, since the next starts from there),
so its block starts from the state the whole render has there, and it ends with its block. This
process draws the first block through the render's own sink; forked workers draw the others, each
into its own section cutter writing into the same folder, under the numbers and first frames the
whole render gives those clips. The sink then takes their clips after its own and joins them all,
as ever.

Workers are forked, not started afresh: Manim is imported already, and the experiment (whose
surface holds functions) needs no pickling. Nothing that a fork would copy mid-use runs here
then: this process has one thread, and every encoder is a process of its own. A worker reports
its frames and then its clips through a pipe; a worker that fails sends its exception and the
render stops every other one, and so does Ctrl-C or SIGTERM (the workers remove what they began).
A worker whose render is killed outright stops at its next report, the pipe being broken.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from ..errors import OptirollError, OptirollFailure
from ..plan.beats import Section
from ..signals import exit_code, stop_on_signals
from .capture import render_frames
from .sections import Clip, SectionCutter
from .sink import FrameSink

if TYPE_CHECKING:
    from ..scenes.base import OptirollScene, SectionStart

    Build = Callable[[range, SectionStart], OptirollScene]

# What reaching a block costs a process (the scene's start, and the section before the block
# set to its end: texts and a board made), for each frame of that section, as a share of
# drawing, encoding and checking a frame. Measured in CPU time on the book's lecture: about 0.25
# at 640x360 and 0.03 at 1920x1080, where drawing dominates.
SKIP_COST = 0.1
REPORT_EVERY = 10  # frames between a worker's progress reports
STOP_GRACE = 10.0  # seconds a stopped worker has to remove its files before it is killed


def split_blocks(frames: Sequence[int], jobs: int, skip_cost: float = SKIP_COST) -> list[range]:
    """Consecutive sections (their frame counts) in at most `jobs` blocks, the costliest block
    as cheap as it can be: a block costs its frames, plus `skip_cost` for each frame of the
    section before it."""
    count = len(frames)
    if not count:
        return []
    before = [sum(frames[:i]) for i in range(count + 1)]

    def cost(start: int, stop: int) -> float:
        reach = skip_cost * frames[start - 1] if start else 0.0
        return before[stop] - before[start] + reach

    # best[k][i]: the cheapest split of the first i sections into k blocks, and where its last starts
    best = [{0: (0.0, 0)}]
    for k in range(1, min(jobs, count) + 1):
        best.append(
            {
                i: min((max(best[k - 1][j][0], cost(j, i)), j) for j in best[k - 1] if j < i)
                for i in range(k, count + 1)
            }
        )
    blocks_count = min(range(1, len(best)), key=lambda k: (best[k][count][0], k))
    blocks, stop = [], count
    for k in range(blocks_count, 0, -1):
        start = best[k][stop][1]
        blocks.append(range(start, stop))
        stop = start
    return blocks[::-1]


def draw_sections(
    jobs: int,
    plan: Sequence[Section],
    build: Build,
    manim_settings: Mapping[str, Any],
    sink: FrameSink,
) -> int:
    """Draw the sections of `plan` in up to `jobs` processes; the first block's frames go to
    `sink`, the others' clips follow its cutter's. Returns the frames drawn in all.

    `build(sections, on_section)` makes the scene drawing those sections.
    """
    blocks = split_blocks([section.frames for section in plan], jobs)
    cutter = sink.cutter
    if cutter is None:
        raise ValueError("only a sectioned render's sections can be drawn in parallel")
    sys.stdout.flush()  # a fork copies what is buffered: it would be written twice
    sys.stderr.flush()
    workers: list[_Worker] = []
    try:
        for block in blocks[1:]:
            workers.append(_Worker(block, plan, build, manim_settings, cutter, workers))

        def draw_and_listen(frame: Any, repeat: int) -> None:
            sink(frame, repeat)
            for worker in workers:
                worker.listen(sink, block=False)

        drawn = render_frames(
            lambda: build(blocks[0], cutter.start), manim_settings, draw_and_listen
        )
        cutter.end()  # its last clip is finished and checked while the workers draw
        clips: list[Clip] = []
        for worker in workers:
            clips += worker.listen(sink, block=True)
            drawn += sum(clip.frames for clip in worker.clips)
    except BaseException:
        for worker in workers:
            worker.stop()
        raise
    cutter.follow_with(clips)
    made = [(clip.name, clip.frames) for clip in cutter.clips]
    if made != [(section.name, section.frames) for section in plan]:
        raise RuntimeError(f"the sections drawn in parallel are not the planned ones: {made}")
    return drawn


class _Worker:
    """A forked process drawing one block of sections into clips."""

    def __init__(
        self,
        block: range,
        plan: Sequence[Section],
        build: Build,
        manim_settings: Mapping[str, Any],
        cutter: SectionCutter,
        others: list[_Worker],
    ) -> None:
        self.block, self.names = block, [plan[i].name for i in block]
        self.clips: list[Clip] = []
        self.frames = 0  # reported so far
        self.done = False
        reader, writer = multiprocessing.Pipe(duplex=False)
        # The worker closes its copies of the pipes this process reads: a worker would otherwise
        # keep another's pipe open after this process died, and that one would never notice.
        inherited = [reader, *(other.reader for other in others)]
        first_frame = sum(section.frames for section in plan[: block.start])
        job = (block, self.names, build, manim_settings, cutter, first_frame, writer, inherited)
        self.process = multiprocessing.get_context("fork").Process(
            target=_serve, args=job, name=f"optiroll-sections-{block.start + 1}"
        )
        self.process.start()
        writer.close()
        self.reader = reader

    def listen(self, sink: FrameSink, *, block: bool) -> list[Clip]:
        """Take the worker's reports (until it has finished, if `block`): its frames count in
        the sink's progress; its clips are returned once finished. Raises what stopped it."""
        while not self.done and (block or self.reader.poll()):
            if block:
                wait([self.reader])
            try:
                kind, value = self.reader.recv()
            except (EOFError, OSError):
                raise self._died() from None
            if kind == "frames":
                self.frames += value
                sink.drawn_elsewhere(value)
            elif kind == "clips":
                self.clips, self.done = value, True
                self.process.join()
            else:
                raise value
        return self.clips

    def stop(self) -> None:
        """SIGTERM (the worker removes its unfinished clips and stops its encoders), then
        SIGKILL if it has not ended within STOP_GRACE seconds."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(STOP_GRACE)
            if self.process.is_alive():
                self.process.kill()
        self.process.join()
        self.reader.close()

    def _died(self) -> OptirollFailure:
        self.process.join()
        code = self.process.exitcode or 0
        how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        return OptirollFailure(
            f"the process drawing the sections {', '.join(self.names)} stopped unexpectedly ({how})"
        )


def _serve(
    block: range,
    names: list[str],
    build: Build,
    manim_settings: Mapping[str, Any],
    cutter: SectionCutter,
    first_frame: int,
    report: Connection,
    inherited: list[Connection],
) -> None:
    """The worker: draw `block` into clips of its own cutter; report frames, then the clips
    (or what failed)."""
    # Ctrl-C reaches every process of the terminal's group: the render decides, then stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for connection in inherited:
        connection.close()
    mine = SectionCutter(
        cutter.folder,
        cutter.fmt,
        cutter.width,
        cutter.height,
        cutter.fps,
        first_clip=block.start + 1,
        first_frame=first_frame,
    )
    pending = 0

    def cut(frame: Any, repeat: int) -> None:
        nonlocal pending
        mine.write(frame, repeat)
        pending += repeat
        if pending >= REPORT_EVERY:
            report.send(("frames", pending))  # a broken pipe here: the render is gone
            pending = 0

    try:
        with stop_on_signals():
            try:
                render_frames(lambda: build(block, mine.start), manim_settings, cut)
                clips = mine.close()
            except BaseException:
                mine.abort()
                raise
        report.send(("frames", pending))
        report.send(("clips", clips))
    except KeyboardInterrupt as stop:  # stopped by the render: what we began is removed
        sys.exit(exit_code(stop))
    except (BrokenPipeError, ConnectionResetError):
        sys.exit(1)  # the render is gone, and with it anyone to tell
    except Exception as err:  # noqa: BLE001 — handed to the render, which raises it
        with contextlib.suppress(OSError):
            report.send(("failed", _one_line(err, names)))


def _one_line(err: Exception, names: list[str]) -> Exception:
    """What the render raises for a worker's exception: the same, when it is optiroll's one-line
    kind and travels; else a one-line failure naming it."""
    if isinstance(err, OptirollError | OptirollFailure):
        try:
            return pickle.loads(pickle.dumps(err))
        except Exception:  # noqa: BLE001
            pass
    text = " ".join(str(err).split())
    return OptirollFailure(
        f"drawing the sections {', '.join(names)} failed: {type(err).__name__}: {text}"
    )
