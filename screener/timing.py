"""Milliseconds per pipeline stage, summed over a run: what ``run.json`` and ``make bench`` report."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

#: The stages, in pipeline order.
STAGES = ("extract", "layout", "structure", "evidence", "score", "report")


class StageClock:
    """Adds up the wall time spent in each named stage."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - started) * 1000

    def add(self, other: dict[str, float]) -> None:
        for name, ms in other.items():
            self.ms[name] = self.ms.get(name, 0.0) + ms


class _NoClock(StageClock):
    """For callers that do not measure: stages run untimed and nothing is kept."""

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        yield


NO_CLOCK: StageClock = _NoClock()
