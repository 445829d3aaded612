"""Progress on stderr: a bar on a terminal, periodic plain lines in a log, nothing with --quiet.

A recruiter watching a terminal wants a bar with a rate and an ETA; a CI log
or a cron mail wants a line every few seconds, not carriage-return noise.
Only counts are shown, never a file name: names of people are personal data.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from tqdm import tqdm

#: Seconds between plain progress lines when stderr is not a terminal.
LINE_INTERVAL = 5.0
#: Columns and rows of a terminal that does not say how large it is.
DEFAULT_SIZE = (80, 24)


def _size(stream: TextIO) -> tuple[int, int]:
    """The terminal's columns and rows; one that reports none (a bare pseudo-terminal) gets 80 by 24.

    tqdm hides a bar below the last row, so a terminal of zero rows would show nothing.
    """
    try:
        size = os.get_terminal_size(stream.fileno())
        return size.columns or DEFAULT_SIZE[0], size.lines or DEFAULT_SIZE[1]
    except (OSError, ValueError, AttributeError):
        return DEFAULT_SIZE


class Progress:
    """Counts finished candidates and failures; ``mode`` is ``bar``, ``lines`` or ``quiet`` (default: bar on a terminal)."""

    def __init__(self, total: int, *, mode: str | None = None, stream: TextIO | None = None, interval: float = LINE_INTERVAL) -> None:
        self.total = total
        self.done = 0
        self.failed = 0
        self.cached = 0
        self._stream = stream or sys.stderr
        self.mode = mode or ("bar" if getattr(self._stream, "isatty", lambda: False)() else "lines")
        self._interval = interval
        self._started = time.perf_counter()
        self._last_line = self._started
        self._bar = None
        if self.mode == "bar":
            columns, rows = _size(self._stream)
            self._bar = tqdm(total=total, file=self._stream, unit="resume", ncols=columns, nrows=rows, smoothing=0.1, leave=True)

    def update(self, *, failed: bool = False, cached: bool = False) -> None:
        self.done += 1
        self.failed += failed
        self.cached += cached
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.failed} failed", refresh=False)
            self._bar.update(1)
        elif self.mode == "lines":
            now = time.perf_counter()
            if now - self._last_line >= self._interval:
                self._last_line = now
                self._stream.write(self.line() + "\n")
                self._stream.flush()

    def line(self) -> str:
        elapsed = max(time.perf_counter() - self._started, 1e-9)
        rate = self.done / elapsed
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        eta = f" · ETA {(self.total - self.done) / rate:.0f} s" if rate and self.done < self.total else ""
        return f"screened {self.done}/{self.total}{share} · {rate:.1f}/s{eta} · {self.failed} failed · {self.cached} from cache"

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.mode == "lines" and self.total:
            self._stream.write(self.line() + "\n")
            self._stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
