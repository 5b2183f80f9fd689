"""GIF from the same frames: Manim's way (H.264, then a 3-3-2 rgb8 GIF) against our encoder.

Run: .venv/bin/python benchmarks/gif_encoding.py [width height fps seconds]
Prints seconds, bytes, what white becomes (its most common colour) and the mean error.
"""

from __future__ import annotations

import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from manim import (
    BLACK,
    BLUE,
    GREEN,
    ORANGE,
    RED,
    WHITE,
    Axes,
    Dot,
    Ellipse,
    Scene,
    TracedPath,
    ValueTracker,
    VGroup,
    always_redraw,
    interpolate_color,
    linear,
)

from optiroll.render.capture import render_frames
from optiroll.render.encode import encode_gif


class FourPanels(Scene):
    """A 2x2 grid of contour plots, each with a ball spiralling in and leaving a trail."""

    def construct(self) -> None:
        tracker = ValueTracker(0)
        moving = []
        for index, corner in enumerate([(-3.5, 2), (3.5, 2), (-3.5, -2), (3.5, -2)]):
            axes = Axes(
                x_range=[-3, 3],
                y_range=[-2, 2],
                x_length=6,
                y_length=3.4,
                tips=False,
                axis_config={"color": BLACK},
            ).move_to([*corner, 0])
            rings = VGroup(
                *(
                    Ellipse(
                        width=0.7 * k, height=0.4 * k, color=interpolate_color(BLUE, GREEN, k / 8)
                    ).move_to(axes.c2p(0, 0))
                    for k in range(1, 9)
                )
            )
            self.add(axes, rings)
            ball = always_redraw(
                lambda axes=axes, index=index: Dot(
                    axes.c2p(*_spiral(tracker.get_value(), 0.2 + 0.1 * index)),
                    color=RED,
                    radius=0.08,
                )
            )
            moving += [TracedPath(ball.get_center, stroke_color=ORANGE, stroke_width=3), ball]
        self.add(*moving)  # after the static plots, so Manim draws those once
        self.play(tracker.animate.set_value(8), run_time=3, rate_func=linear)
        self.wait(0.6)


def _spiral(t: float, decay: float) -> tuple[float, float]:
    radius = np.exp(-decay * t)
    return 2.5 * radius * np.cos(t), 1.5 * radius * np.sin(t)


def manim_style_gif(frames: list[np.ndarray], path: Path, fps: float) -> None:
    """What Manim 0.22 does: H.264 segment (CRF 23), decoded, palette graph, rgb8 GIF."""
    height, width = frames[0].shape[:2]
    rate = Fraction(fps)
    movie = path.with_suffix(".mp4")
    with av.open(str(movie), "w") as container:
        stream = container.add_stream("libx264", rate=rate, options={"crf": "23"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index, pixels in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    with av.open(str(movie)) as source, av.open(str(path), "w") as container:
        video = source.streams.video[0]
        stream = container.add_stream("gif", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "rgb8"
        graph = av.filter.Graph()
        buffer = graph.add_buffer(template=video)
        split = graph.add("split")
        palette = graph.add("palettegen", "stats_mode=diff")
        apply = graph.add("paletteuse", "dither=bayer:bayer_scale=5:diff_mode=rectangle")
        sink = graph.add("buffersink")
        buffer.link_to(split)
        split.link_to(palette, 0, 0)
        split.link_to(apply, 1, 0)
        palette.link_to(apply, 0, 1)
        apply.link_to(sink)
        graph.configure()
        for frame in source.decode(video):
            graph.push(frame)
        graph.push(None)
        for index in range(len(frames)):
            frame = graph.pull()
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    movie.unlink()


def describe(name: str, path: Path, seconds: float, frames: list[np.ndarray]) -> int:
    """Print the file's time, size, images and error against `frames` (a GIF image held for
    several frames, its delay a multiple of the shortest, is compared with each of them)."""
    with av.open(str(path)) as container:
        images = [(f.to_ndarray(format="rgb24"), f.time) for f in container.decode(video=0)]
    times = [time for _, time in images]
    unit = min((b - a for a, b in zip(times[:-1], times[1:], strict=True)), default=1.0)
    starts = [round(time / unit) for time in times] + [len(frames)]
    decoded = [
        image
        for (image, _), start, end in zip(images, starts[:-1], starts[1:], strict=True)
        for _ in range(end - start)
    ]
    white = (frames[-1] == 255).all(axis=-1)
    colours, counts = np.unique(decoded[-1][white], axis=0, return_counts=True)
    background = colours[counts.argmax()]
    error = np.mean(
        [np.abs(a.astype(int) - b).mean() for a, b in zip(decoded, frames, strict=True)]
    )
    size = path.stat().st_size
    print(
        f"{name:<26} {seconds:6.2f} s {size:>10,} bytes  {len(images)} images  "
        f"white -> {tuple(int(v) for v in background)}  mean error {error:.2f}"
    )
    return size


def main(width: int = 854, height: int = 480, fps: float = 25, seconds: float = 3.6) -> None:
    frames: list[np.ndarray] = []
    settings = {
        "pixel_width": width,
        "pixel_height": height,
        "frame_rate": fps,
        "background_color": WHITE,
    }
    start = time.perf_counter()
    # Frames are lent for the call only: keep RGB copies.
    render_frames(
        FourPanels, settings, lambda frame, repeat: frames.extend([frame[..., :3].copy()] * repeat)
    )
    print(
        f"rendered {len(frames)} frames of {width}x{height} in "
        f"{time.perf_counter() - start:.2f} s (about {seconds} s at {fps:g} fps)"
    )
    with tempfile.TemporaryDirectory() as directory:
        manim_path, ours_path = Path(directory, "manim.gif"), Path(directory, "ours.gif")
        start = time.perf_counter()
        manim_style_gif(frames, manim_path, fps)
        manim_bytes = describe(
            "Manim (H.264 -> rgb8)", manim_path, time.perf_counter() - start, frames
        )
        start = time.perf_counter()
        encode_gif(frames, ours_path, fps)
        ours_bytes = describe(
            "ours (64-colour palette)", ours_path, time.perf_counter() - start, frames
        )
    print(f"ours is {manim_bytes / ours_bytes:.1f}x smaller")


if __name__ == "__main__":
    main(*(float(arg) if "." in arg else int(arg) for arg in sys.argv[1:]))
