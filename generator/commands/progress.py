"""The build's progress, for the command line.

On a terminal: one line rewritten in place (stage, its number, the time so far),
cleared when the build ends. Elsewhere (CI logs, pipes): one plain line per stage
that starts once the build has run for ``quiet_for`` seconds, so short builds print
only their problems and summary.
:class:`Progress` is the ``progress`` callback of :func:`generator.pipeline.build`.
"""
from __future__ import annotations

import threading
import time
from typing import TextIO

STAGES = ("load", "validate", "model", "render", "write")
TICK_SECONDS = 0.2
QUIET_SECONDS = 2.0


class Progress:
    def __init__(self, stream: TextIO, *, live: bool | None = None, stages: tuple[str, ...] = STAGES,
                 quiet_for: float = QUIET_SECONDS):
        self.stream = stream
        self.quiet_for = quiet_for
        self.stages = stages
        self.live = stream.isatty() if live is None else live
        self.started = time.perf_counter()
        self.stage = ""
        self.count = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __call__(self, stage: str) -> None:
        with self._lock:
            self.stage = stage
            self.count += 1
        if self.live:
            self._draw()
            if self._ticker is None:
                self._ticker = threading.Thread(target=self._tick, daemon=True, name="confsite-progress")
                self._ticker.start()
        elif time.perf_counter() - self.started >= self.quiet_for:
            self.stream.write(f"{self._label()}\n")
            self.stream.flush()

    def _label(self) -> str:
        total = max(len(self.stages), self.count)
        number = self.stages.index(self.stage) + 1 if self.stage in self.stages else self.count
        return f"[{number}/{total}] {self.stage} … {time.perf_counter() - self.started:.1f} s"

    def _draw(self) -> None:
        with self._lock:
            self.stream.write("\r\x1b[K" + self._label())
            self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            self._draw()

    def done(self) -> None:
        """Stop the live line and clear it, so the summary starts on a clean line."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=1)
        if self.live and self.count:
            with self._lock:
                self.stream.write("\r\x1b[K")
                self.stream.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.done()
