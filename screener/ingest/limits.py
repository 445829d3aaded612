"""Per-file limits: how long a parse may run and how much of a file is read."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import BaseModel, ConfigDict, Field

from screener.document import Status
from screener.errors import DocumentError

#: Defaults a user can change with --time-limit and --max-pages.
DEFAULT_TIME_LIMIT = 60.0
DEFAULT_MAX_PAGES = 200
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: How much a worker process may grow while reading one file (MB), far above the ~150 MB a resume needs.
DEFAULT_MAX_MEMORY_MB = 2048


class Limits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    time_limit: float = Field(DEFAULT_TIME_LIMIT, gt=0, description="seconds one file may take to parse")
    max_pages: int = Field(DEFAULT_MAX_PAGES, gt=0, description="pages read from one PDF")
    max_bytes: int = Field(DEFAULT_MAX_BYTES, gt=0, description="largest file read")
    max_memory_mb: int = Field(DEFAULT_MAX_MEMORY_MB, gt=0, description="megabytes a worker may grow by while reading (worker processes only)")


class _Expired(BaseException):
    """Raised by the alarm; a BaseException so no library's ``except Exception`` swallows it."""


@contextmanager
def time_limit(seconds: float, what: str = "the parse") -> Iterator[None]:
    """Stop the block after ``seconds`` with a ``timeout`` DocumentError.

    Uses the interval timer, which interrupts pure-Python parsing (pdfminer).
    Outside the main thread no signal can be delivered, so the block runs
    unbounded there; batch workers run parses in their main thread.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):  # type: ignore[no-untyped-def]
        raise _Expired()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise DocumentError(Status.TIMEOUT, f"{what} took longer than the {seconds:g} s limit") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
