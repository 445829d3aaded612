"""Per-file limits: how long a parse may run and how much of a file is read."""

from __future__ import annotations

import ctypes
import heapq
import itertools
import math
import os
import signal
import threading
import time
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

    In a process's main thread the interval timer does it, which interrupts
    pure-Python parsing (pdfminer). No signal reaches another thread (a Dask
    worker runs tasks in threads), so there a timer thread raises the same
    exception in the block's thread instead (:class:`_ThreadAlarm`).
    """
    use_signal = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    try:
        with _signal_alarm(seconds) if use_signal else _ThreadAlarm(seconds):
            yield
    except _Expired:
        raise DocumentError(Status.TIMEOUT, f"{what} took longer than the {seconds:g} s limit") from None


@contextmanager
def _signal_alarm(seconds: float) -> Iterator[None]:
    """Raise :class:`_Expired` in the main thread after ``seconds`` (SIGALRM from the interval timer).

    The handler's exception can be swallowed where it lands (a garbage-collector callback), so a
    block that leaves normally after the alarm went off raises it on its way out.
    """
    fired = False

    def expire(signum, frame):  # type: ignore[no-untyped-def]
        nonlocal fired
        fired = True
        raise _Expired()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if fired:
        raise _Expired()


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> bool:
    """Have ``thread_id`` raise ``exception`` at its next bytecode (None withdraws one not yet raised); False where CPython's API is missing."""
    api = getattr(ctypes, "pythonapi", None)
    if api is None:
        return False
    return api.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None) == 1


class _Watchdog:
    """One timer thread per process that keeps every thread's time limit.

    A timer thread per block (``threading.Timer``) costs a thread start, and
    the entering thread waits for the new thread to get the GIL from a busy
    worker: milliseconds per document. Here entering a block pushes its
    deadline on a heap and wakes the watchdog only when that deadline is the
    earliest; leaving just disarms the entry, which the watchdog drops when
    it comes up. One lock guards the heap and every alarm's state, so a block
    that is leaving and a deadline that is firing never interleave.
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.condition = threading.Condition()
        self.deadlines: list[tuple[float, int, _ThreadAlarm]] = []
        self.order = itertools.count()
        self.wake_at = math.inf
        self.thread: threading.Thread | None = None

    def arm(self, alarm: _ThreadAlarm) -> None:
        with self.condition:
            alarm.armed = True
            heapq.heappush(self.deadlines, (alarm.deadline, next(self.order), alarm))
            if self.thread is None:
                self.thread = threading.Thread(target=self._watch, name="screener-time-limits", daemon=True)
                self.thread.start()
            elif alarm.deadline < self.wake_at:
                self.condition.notify()

    def disarm(self, alarm: _ThreadAlarm) -> bool:
        """Drop the alarm; True when its deadline had passed (its exception is withdrawn if not yet raised)."""
        with self.condition:
            alarm.armed = False
            if alarm.fired:
                _raise_in(alarm.thread, None)
            return alarm.fired

    def _watch(self) -> None:
        with self.condition:
            while True:
                now = time.monotonic()
                while self.deadlines and (not self.deadlines[0][2].armed or self.deadlines[0][0] <= now):
                    alarm = heapq.heappop(self.deadlines)[2]
                    if alarm.armed:
                        alarm.fired = _raise_in(alarm.thread, _Expired)
                self.wake_at = self.deadlines[0][0] if self.deadlines else math.inf
                self.condition.wait(None if self.wake_at == math.inf else self.wake_at - now)


_WATCHDOG: _Watchdog | None = None


def _watchdog() -> _Watchdog:
    """This process's watchdog (a forked child inherits the object but not its thread, so it starts its own)."""
    global _WATCHDOG
    if _WATCHDOG is None or _WATCHDOG.pid != os.getpid():
        _WATCHDOG = _Watchdog()
    return _WATCHDOG


class _ThreadAlarm:
    """Raise :class:`_Expired` in the thread that entered, once ``seconds`` have passed, unless it left first.

    An asynchronous exception is raised between bytecodes, so a long call
    into a native library (or a compiled stage) is stopped only when it
    returns; the executor's hard limit per candidate still bounds that. It
    can also land where it is swallowed: a garbage-collector callback (Dask
    installs one) runs in whatever thread triggered the collection, and an
    exception there is printed and ignored. So leaving decides by the
    deadline, not by whether the exception surfaced: a block that leaves
    normally after its alarm fired raises the timeout on its way out (an
    exception not yet raised is withdrawn first), as the interval timer's
    block would have.
    """

    def __init__(self, seconds: float) -> None:
        self.thread = threading.get_ident()
        self.deadline = time.monotonic() + seconds
        self.armed = self.fired = False

    def __enter__(self) -> None:
        _watchdog().arm(self)

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if _watchdog().disarm(self) and exc_type is None:
            raise _Expired()
