"""The per-document time limit in threads other than the main one (a Dask worker's task threads).

Real threads, real clocks: a busy loop is stopped at its deadline, a block
that leaves in time is never interrupted afterwards, and many threads keep
their own deadlines through the one watchdog.
"""

from __future__ import annotations

import threading
import time

import pytest

from screener.document import Status
from screener.errors import DocumentError
from screener.ingest import limits
from screener.ingest.limits import time_limit


def _busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _in_thread(work) -> object:  # type: ignore[no-untyped-def]
    """Run ``work`` in a new thread; its return value, or the exception it raised."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - the test looks at whatever it was
            box["value"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the block was never stopped"
    return box["value"]


def _limited(seconds: float, busy: float, what: str = "the parse") -> float:
    started = time.monotonic()
    with time_limit(seconds, what):
        _busy(busy)
    return time.monotonic() - started


def test_when_a_block_in_a_worker_thread_runs_past_its_limit_then_it_stops_with_a_timeout():
    started = time.monotonic()
    outcome = _in_thread(lambda: _limited(0.2, 20, "reading the PDF"))
    assert isinstance(outcome, DocumentError) and outcome.status is Status.TIMEOUT
    assert outcome.message == "reading the PDF took longer than the 0.2 s limit"
    assert time.monotonic() - started < 5


def test_when_the_timeout_lands_where_it_is_swallowed_then_the_block_still_ends_as_a_timeout():
    # A garbage-collector callback (Dask's GC diagnosis) prints and ignores an exception raised in
    # it; here the block's own loop swallows it the same way and goes on to finish normally.
    swallowed: list[str] = []
    outcome = _in_thread(lambda: _swallowing(swallowed))
    assert swallowed == ["expired"]
    assert isinstance(outcome, DocumentError) and outcome.status is Status.TIMEOUT
    assert outcome.message == "reading the PDF took longer than the 0.1 s limit"


def _swallowing(swallowed: list[str]) -> str:
    """A block that eats the timeout's exception wherever it lands, and finishes well past the limit."""
    with time_limit(0.1, "reading the PDF"):
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            try:
                _busy(0.01)
            except limits._Expired:
                swallowed.append("expired")
    return "finished"


def test_when_a_block_leaves_in_time_then_nothing_is_raised_in_its_thread_later():
    def work() -> str:
        for _ in range(200):
            _limited(0.05, 0)
        _busy(0.3)  # well past every deadline those blocks had
        return "finished"

    assert _in_thread(work) == "finished"


def test_when_many_threads_have_limits_then_each_keeps_its_own_deadline():
    results: dict[int, object] = {}

    def work(index: int) -> None:
        try:
            results[index] = _limited(0.3, 2.0 if index % 2 else 0.01)
        except DocumentError as exc:
            results[index] = exc.status

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [results[n] is Status.TIMEOUT for n in range(6)] == [False, True, False, True, False, True]


def test_when_a_thread_enters_many_blocks_then_one_watchdog_thread_serves_them_all():
    _in_thread(lambda: [_limited(1.0, 0) for _ in range(50)])
    _in_thread(lambda: [_limited(1.0, 0) for _ in range(50)])
    watchdogs = [t for t in threading.enumerate() if t.name == "screener-time-limits"]
    assert len(watchdogs) == 1 and watchdogs[0] is limits._watchdog().thread


@pytest.mark.skipif(not hasattr(limits.signal, "setitimer"), reason="no interval timer on this platform")
def test_when_a_block_in_the_main_thread_runs_past_its_limit_then_the_interval_timer_stops_it():
    with pytest.raises(DocumentError, match=r"the parse took longer than the 0.2 s limit"):
        _limited(0.2, 20)


@pytest.mark.skipif(not hasattr(limits.signal, "setitimer"), reason="no interval timer on this platform")
def test_when_the_main_threads_timeout_is_swallowed_then_the_block_still_ends_as_a_timeout():
    swallowed: list[str] = []
    with pytest.raises(DocumentError, match=r"reading the PDF took longer than the 0.1 s limit"):
        _swallowing(swallowed)
    assert swallowed == ["expired"]
