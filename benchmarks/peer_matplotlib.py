"""The default optiroll figure written independently, the way a matplotlib expert would.

It does not import optiroll: it computes the book's trajectories ("Deep Learning from Scratch",
ch. 6.1, common/optimizer.py) on f(x, y) = x**2/20 + y**2 in NumPy and draws the same picture
(four panels, contours, faded ghost paths, opaque trails with a dot per step, start rings, the
minimum above the balls, axes with ticks, the formula, legend and step counter in the header;
0.5 s start still, 30 steps of 4 frames, 2.5 s final hold, 854x480, 20 fps) with:

- a bare `matplotlib.figure.Figure` on the Agg canvas (no pyplot);
- static parts drawn once and restored (blitting); the steps done and the counter drawn into a
  saved background once per step; each frame draws only the moving head and ball;
- held frames not drawn again: the encoder is told how many frames a picture lasts;
- the raw RGBA buffer streamed without a copy into one encoder process (this script with
  `--encode`), whose palette comes from a small probe (the first and last frames), so quantising
  runs on the second core while this one draws; `gifsicle -O2` at the end.

    .venv/bin/python benchmarks/peer_matplotlib.py OUT.gif [--colors N]
    .venv/bin/python benchmarks/peer_matplotlib.py OUT.gif --naive   # the same, done naively
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np

WIDTH, HEIGHT, DPI, FPS = 854, 480, 100, 20
STEPS, FRAMES_PER_STEP, STILL, HOLD = 30, 4, 10, 50
START = np.array([-7.0, 2.0])
X_LIM, Y_LIM = (-10.45, 10.45), (-5.0, 5.0)
# Panels' [left, top, right, bottom] in pixels from the top-left corner (optiroll's layout of the
# figure, as its side-car gives it: the same picture; the benchmark checks the trails' pixels).
PANELS = (
    (42.0, 50.0, 433.6, 237.4),
    (451.6, 50.0, 843.2, 237.4),
    (42.0, 263.8, 433.6, 451.2),
    (451.6, 263.8, 843.2, 451.2),
)
RUNS = (  # title, colour (Okabe-Ito)
    ("SGD η=0.95", "#0072B2"),
    ("Momentum η=0.1 α=0.9", "#D55E00"),
    ("AdaGrad η=1.5", "#009E73"),
    ("Adam η=0.3 β₁=0.9 β₂=0.999", "#CC79A7"),
)
LEVELS = [0.07, 0.14, 0.2827, 0.5741, 1.1685, 2.3814, 4.8559, 9.9048, 20.206]
TEXT, MUTED, FRAME, LOW, HIGH = "#1A1A1A", "#5A5A5A", "#9A9A9A", "#A8A8A8", "#DCDCDC"
PX = 72 / DPI  # points per pixel
FONT = 15 * PX  # titles and ticks, 15 px


def gradient(p: np.ndarray) -> np.ndarray:
    return np.array([p[0] / 10.0, 2.0 * p[1]])


def trajectories() -> list[np.ndarray]:
    """SGD, Momentum, AdaGrad, Adam with the book's update rules, STEPS steps from START."""
    paths = []
    for name in ("sgd", "momentum", "adagrad", "adam"):
        p, v, h, m = START.copy(), np.zeros(2), np.zeros(2), np.zeros(2)
        points = [p.copy()]
        for it in range(1, STEPS + 1):
            g = gradient(p)
            if name == "sgd":
                p -= 0.95 * g
            elif name == "momentum":
                v = 0.9 * v - 0.1 * g
                p += v
            elif name == "adagrad":
                h += g * g
                p -= 1.5 * g / (np.sqrt(h) + 1e-7)
            else:
                lr_t = 0.3 * np.sqrt(1.0 - 0.999**it) / (1.0 - 0.9**it)
                m += (1 - 0.9) * (g - m)
                v += (1 - 0.999) * (g**2 - v)
                p -= lr_t * m / (np.sqrt(v) + 1e-7)
            points.append(p.copy())
        paths.append(np.array(points))
    return paths


def faded(color: str, share: float = 0.4) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    return tuple(1 - share * (1 - c) for c in to_rgb(color))


def figure(paths: list[np.ndarray], animated: bool = True):
    """The figure and its moving artists (`animated`: left out of a full draw, for blitting)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgb
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    x = np.linspace(*X_LIM, 240)
    y = np.linspace(*Y_LIM, 120)
    xx, yy = np.meshgrid(x, y)
    z = xx**2 / 20 + yy**2
    low, high = np.array(to_rgb(LOW)), np.array(to_rgb(HIGH))
    shades = [tuple(low + (high - low) * i / (len(LEVELS) - 1)) for i in range(len(LEVELS))]
    per_run = []
    for i, ((left, top, right, bottom), (title, color), path) in enumerate(
        zip(PANELS, RUNS, paths, strict=True)
    ):
        ax = fig.add_axes(
            (left / WIDTH, 1 - bottom / HEIGHT, (right - left) / WIDTH, (bottom - top) / HEIGHT)
        )
        ax.contour(x, y, z, levels=LEVELS, colors=shades, linewidths=1.0 * PX)
        ax.set(xlim=X_LIM, ylim=Y_LIM, xticks=[-5, 0, 5], yticks=[-4, -2, 0, 2])
        ax.tick_params(labelsize=FONT, colors=MUTED, length=4, width=1, labelcolor=MUTED)
        if i < 2:
            ax.tick_params(labelbottom=False)
        if i % 2:
            ax.tick_params(labelleft=False)
        for spine in ax.spines.values():
            spine.set(color=FRAME, linewidth=1.0 * PX)
        if i >= 2:
            ax.annotate(
                "x",
                (1, 0),
                (0, -8),
                "axes fraction",
                "offset points",
                color=MUTED,
                fontsize=FONT,
                ha="center",
                va="top",
            )
        if i % 2 == 0:
            ax.annotate(
                "y",
                (0, 1),
                (-18, -2),
                "axes fraction",
                "offset points",
                color=MUTED,
                fontsize=FONT,
                ha="center",
                va="top",
            )
        ax.set_title(title, loc="left", fontsize=FONT, color=TEXT, pad=4)
        ghost = faded(color)
        ax.plot(path[:, 0], path[:, 1], "-o", color=ghost, lw=1.2 * PX, ms=3.6 * PX)
        line = dict(
            color=color,
            lw=2.4 * PX,
            solid_capstyle="round",
            solid_joinstyle="round",
            animated=animated,
        )
        per_run.append(
            dict(
                segment=ax.plot([], [], **line)[0],
                dot=ax.plot([], [], "o", color=color, ms=5.4 * PX, mew=0, animated=animated)[0],
                head=ax.plot([], [], **line)[0],
                ball=ax.plot(
                    [],
                    [],
                    "o",
                    color=color,
                    ms=9 * PX,
                    mec="white",
                    mew=1.5 * PX,
                    animated=animated,
                )[0],
                ring=ax.plot(
                    *START, "o", mfc="none", mec=TEXT, ms=12 * PX, mew=1.5 * PX, animated=animated
                )[0],
                minimum=ax.plot(0, 0, "P", color=TEXT, ms=11 * PX, mew=0, animated=animated)[0],
            )
        )
    fig.text(
        10 / WIDTH,
        1 - 18 / HEIGHT,
        r"$f(x, y) = \frac{1}{20}x^2 + y^2$",
        fontsize=FONT,
        color=TEXT,
        va="center",
    )
    fig.text(
        215 / WIDTH, 1 - 18 / HEIGHT, "○ start   ✚ minimum", fontsize=FONT, color=TEXT, va="center"
    )
    counter = fig.text(
        1 - 6 / WIDTH,
        1 - 18 / HEIGHT,
        "",
        fontsize=FONT,
        color=TEXT,
        va="center",
        ha="right",
        animated=animated,
    )
    return fig, per_run, counter


class Encoder:
    """One child process that quantises frames against a fixed palette and writes the GIF."""

    def __init__(self, out: Path, palette: bytes) -> None:
        self.child = subprocess.Popen(
            [sys.executable, __file__, "--encode", str(out)], stdin=subprocess.PIPE
        )
        self.pipe = self.child.stdin
        self.pipe.write(palette)

    def send(self, buffer: memoryview, repeat: int) -> None:
        self.pipe.write(struct.pack("<H", repeat))
        self.pipe.write(buffer)  # the canvas's own memory: no copy

    def close(self) -> None:
        self.pipe.close()
        if self.child.wait():
            sys.exit("encoder failed")


def encode(out: Path) -> None:
    """The encoder process: palette (768 bytes), then (repeat u16, RGBA frame) until EOF."""
    from PIL import Image

    stream = sys.stdin.buffer
    palette = Image.new("P", (1, 1))
    palette.putpalette(stream.read(768))
    size = WIDTH * HEIGHT * 4
    frames, durations = [], []
    while head := stream.read(2):
        (repeat,) = struct.unpack("<H", head)
        rgba = Image.frombuffer("RGBA", (WIDTH, HEIGHT), stream.read(size), "raw", "RGBA", 0, 1)
        frames.append(rgba.convert("RGB").quantize(palette=palette, dither=Image.Dither.NONE))
        durations.append(repeat * 1000 // FPS)
    frames[0].save(out, save_all=True, append_images=frames[1:], duration=durations, loop=0)


def render(out: Path, colors: int) -> None:
    from PIL import Image

    paths = trajectories()
    fig, runs, counter = figure(paths)
    canvas = fig.canvas
    canvas.draw()
    static = canvas.copy_from_bbox(fig.bbox)
    buffer = canvas.buffer_rgba()

    def draw(artists) -> None:
        for artist in artists:
            fig.draw_artist(artist)

    def step_background(k: int):
        """Restore the previous step's trails, add step k's segment and dot, the counter."""
        for run, path in zip(runs, paths, strict=True):
            run["segment"].set_data(path[max(k - 1, 0) : k + 1, 0], path[max(k - 1, 0) : k + 1, 1])
            run["dot"].set_data([path[k, 0]], [path[k, 1]])
            draw((run["segment"], run["dot"]))
        trails = canvas.copy_from_bbox(fig.bbox)
        counter.set_text(f"step {k} / {STEPS}")
        fig.draw_artist(counter)
        return trails, canvas.copy_from_bbox(fig.bbox)

    def frame(t: float, background) -> memoryview:
        canvas.restore_region(background)
        k = min(int(t), STEPS - 1)
        share = t - k
        for run, path in zip(runs, paths, strict=True):
            here = (1 - share) * path[k] + share * path[min(k + 1, STEPS)]
            run["head"].set_data([path[k, 0], here[0]], [path[k, 1], here[1]])
            run["ball"].set_data([here[0]], [here[1]])
            draw((run["head"], run["ball"], run["ring"], run["minimum"]))
        return buffer

    # The probe: the first and the last picture, quantised to `colors`.
    canvas.restore_region(static)
    trails, _ = step_background(0)
    first = np.asarray(frame(0, _)).copy()
    canvas.restore_region(static)
    for k in range(STEPS + 1):
        canvas.restore_region(trails)
        trails, shown = step_background(k)
    last = np.asarray(frame(STEPS, shown)).copy()
    probe = Image.fromarray(np.vstack([first, last])[..., :3]).quantize(
        colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    encoder = Encoder(out, bytes(probe.getpalette()[: 3 * colors]).ljust(768, b"\0"))

    canvas.restore_region(static)
    trails, shown = step_background(0)
    encoder.send(frame(0, shown), STILL + 1)
    for k in range(STEPS):
        for j in range(1, FRAMES_PER_STEP):
            encoder.send(frame(k + j / FRAMES_PER_STEP, shown), 1)
        canvas.restore_region(trails)
        trails, shown = step_background(k + 1)
        encoder.send(frame(k + 1, shown), HOLD if k + 1 == STEPS else 1)
    encoder.close()
    if shutil.which("gifsicle"):
        subprocess.run(["gifsicle", "-O2", "--batch", str(out)], check=True)


def naive(out: Path) -> None:
    """What most users write: FuncAnimation + PillowWriter, every frame redrawn in full."""
    from matplotlib.animation import FuncAnimation, PillowWriter

    paths = trajectories()
    fig, runs, counter = figure(paths, animated=False)
    moving = STEPS * FRAMES_PER_STEP
    times = [0.0] * STILL + [i / FRAMES_PER_STEP for i in range(moving)] + [STEPS] * HOLD

    def update(t: float) -> None:
        k = min(int(t), STEPS - 1)
        for run, path in zip(runs, paths, strict=True):
            here = (1 - (t - k)) * path[k] + (t - k) * path[k + 1]
            run["segment"].set_data(path[: k + 1, 0], path[: k + 1, 1])
            run["dot"].set_data(path[: int(t) + 1, 0], path[: int(t) + 1, 1])
            run["head"].set_data([path[k, 0], here[0]], [path[k, 1], here[1]])
            run["ball"].set_data([here[0]], [here[1]])
        counter.set_text(f"step {int(t)} / {STEPS}")

    FuncAnimation(fig, update, frames=times).save(out, writer=PillowWriter(fps=FPS))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--colors", type=int, default=64, help="palette size (default 64)")
    parser.add_argument("--naive", action="store_true", help="FuncAnimation + PillowWriter")
    parser.add_argument("--encode", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.encode:
        encode(args.out)
    elif args.naive:
        naive(args.out)
    else:
        render(args.out, args.colors)


if __name__ == "__main__":
    main()
