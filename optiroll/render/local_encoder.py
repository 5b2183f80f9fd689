"""Encode where the frames are drawn, for a process that has no spare core to encode on.

A lone render encodes in a second process (`background.EncoderProcess`) so that encoding runs on
a second core while Manim draws. A build runs one worker per core: there the second process
only adds its start-up and a copy of every frame, and takes its core from the other worker
(encoding in the worker cut a cold build's CPU by 13%).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .encode import Encoder, EncodeReport, open_encoder


class LocalEncoder:
    """What a render asks of `EncoderProcess` (open, write, close, abort), done in this
    process. The encoders copy what they keep: a frame is only lent."""

    def __init__(self) -> None:
        self._encoder: Encoder | None = None

    def open(
        self, fmt: str, path: Path, width: int, height: int, fps: float, **options: Any
    ) -> LocalEncoder:
        self._encoder = open_encoder(fmt, path, width, height, fps, **options)
        return self

    def write(self, frame: np.ndarray, repeat: int = 1) -> None:
        if self._encoder is None:
            raise ValueError("write before open")
        self._encoder.write(frame, repeat)

    def close(self) -> EncodeReport:
        if self._encoder is None:
            raise ValueError("close before open")
        encoder, self._encoder = self._encoder, None
        return encoder.close()

    def abort(self) -> None:
        """Drop the file unfinished (the render removes it): its container closes when it is
        collected, and nothing runs meanwhile that could write it."""
        self._encoder = None
