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

from ..core.messages import ENGLISH, N_, Num, Translator

STAGES = ("load", "validate", "model", "render", "write")
# A build with its cache: first what changed since the last build, last the cache saved.
CACHED_STAGES = ("check", *STAGES, "cache")
# The stages' names as the progress line shows them.
STAGE_NAMES = {"load": N_("load"), "validate": N_("validate"), "model": N_("model"), "render": N_("render"),
               "write": N_("write"), "cache": N_("cache"), "check": N_("look for changes")}
TICK_SECONDS = 0.2
QUIET_SECONDS = 2.0


class Progress:
    def __init__(self, stream: TextIO, *, live: bool | None = None, stages: tuple[str, ...] = STAGES,
                 quiet_for: float = QUIET_SECONDS, tr: Translator = ENGLISH):
        self.stream = stream
        self.tr = tr
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
        # A stage's number is its place among the stages expected, whichever ran before it.
        total = max(len(self.stages), self.count)
        number = self.stages.index(self.stage) + 1 if self.stage in self.stages else min(self.count, total)
        return self.tr(N_("[{number}/{total}] {stage} … {seconds} s", number=number, total=total,
                          stage=STAGE_NAMES.get(self.stage, self.stage),
                          seconds=Num(time.perf_counter() - self.started, 1)))

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
