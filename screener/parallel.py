"""A pool of worker processes where one file's crash is that file's failure.

``concurrent.futures.ProcessPoolExecutor`` breaks as a whole when a worker
dies, which a segfaulting PDF library or the kernel's OOM killer will do;
pebble's pool replaces the dead worker and fails only the task it held, and
kills a task that outlives its hard time limit. On Linux the workers are
forked from a parent that has already built the spaCy pipeline, so they
start in milliseconds and share its memory; elsewhere each worker builds its
own state in the initializer.

Tasks are submitted as the caller produces them and no more than
``max_in_flight`` are outstanding, so a folder of any size streams through
with flat memory.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Generic, TypeVar

from screener.collector import tune_for_screening

if TYPE_CHECKING:
    from pebble import ProcessPool

Task = TypeVar("Task")
Result = TypeVar("Result")

#: Tasks kept outstanding per worker: enough to hide scheduling latency, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 4
#: A worker is replaced after this many tasks, so a slow leak in a native library cannot grow without bound.
TASKS_PER_WORKER = 500


#: prctl(2) option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """A worker outlives no killed parent (Linux): it would go on writing into a run nobody is finishing."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass


def _address_space_now() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def cap_memory(megabytes: int) -> bool:
    """Let this process grow by at most ``megabytes`` of address space; True when the cap is in force.

    Past it an allocation fails: Python raises MemoryError, which becomes the
    file's error row, and a native library that cannot cope dies, which the
    pool reports as that file's crash and replaces the worker. Measured from
    the worker's size at start, as a forked worker already maps its parent.
    """
    current = _address_space_now()
    if current is None:
        return False
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return False
    return True


def prepare_worker(memory_mb: int | None, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> None:
    """What every worker process does first: die with its parent, cap its memory, then build its state and tune the collector."""
    _die_with_parent()
    if memory_mb:
        cap_memory(memory_mb)
    if initializer is not None:
        initializer(*initargs)
    tune_for_screening()


def available_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def describe_exit(exitcode: int | None) -> str:
    """'killed by SIGSEGV', 'exit code 3': how a worker process ended."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


class WorkerPool(Generic[Task, Result]):
    """Runs ``work(task)`` in worker processes; failures come back through ``on_failure``.

    ``on_failure(task, kind, message)`` turns a task that did not return into
    a result; ``kind`` is ``"timeout"``, ``"crash"`` or ``"error"``.
    ``memory_mb`` caps how much each worker may grow (None: no cap).
    """

    def __init__(
        self,
        work: Callable[[Task], Result],
        on_failure: Callable[[Task, str, str], Result],
        *,
        workers: int,
        initializer: Callable[..., None] | None = None,
        initargs: tuple = (),
        memory_mb: int | None = None,
    ) -> None:
        self._work = work
        self._on_failure = on_failure
        self.workers = max(1, workers)
        self._initializer = initializer
        self._initargs = initargs
        self.memory_mb = memory_mb
        self._pool: ProcessPool | None = None
        self._pending: dict[Future, tuple[Task, float | None]] = {}
        self.max_in_flight = self.workers * IN_FLIGHT_PER_WORKER

    def _start(self) -> ProcessPool:
        if self._pool is None:
            from pebble import ProcessPool  # with asyncio, 50 ms that a run served wholly from the cache never needs

            context = multiprocessing.get_context("fork" if fork_available() else "spawn")
            initializer, initargs = (None, ()) if fork_available() else (self._initializer, self._initargs)
            self._pool = ProcessPool(
                max_workers=self.workers,
                max_tasks=TASKS_PER_WORKER,
                initializer=prepare_worker,
                initargs=(self.memory_mb, initializer, initargs),
                context=context,
            )
        return self._pool

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    @property
    def started(self) -> bool:
        return self._pool is not None

    def submit(self, task: Task, timeout: float | None = None) -> list[tuple[Task, Result]]:
        """Queue ``task`` (killed after ``timeout`` seconds); returns whatever finished while waiting for room."""
        finished: list[tuple[Task, Result]] = []
        while len(self._pending) >= self.max_in_flight:
            finished.extend(self._collect())
        future = self._start().schedule(self._work, args=(task,), timeout=timeout)
        self._pending[future] = (task, timeout)
        return finished

    def drain(self) -> Iterator[tuple[Task, Result]]:
        """Every remaining (task, result), as it finishes."""
        while self._pending:
            yield from self._collect()

    def _collect(self) -> list[tuple[Task, Result]]:
        done, _ = wait(list(self._pending), return_when=FIRST_COMPLETED)
        finished = []
        for future in done:
            task, timeout = self._pending.pop(future)
            finished.append((task, self._outcome(future, task, timeout)))
        return finished

    def _outcome(self, future: Future, task: Task, timeout: float | None) -> Result:
        from pebble import ProcessExpired

        try:
            return future.result()
        except FutureTimeout:
            return self._on_failure(task, "timeout", f"stopped after the hard limit of {timeout:g} s")
        except ProcessExpired as exc:
            limit = f"; the memory limit is {self._memory_limit}" if self.memory_mb else ""
            return self._on_failure(task, "crash", f"the worker reading it stopped ({describe_exit(exc.exitcode)}{limit})")
        except MemoryError:  # past the cap anywhere after reading (the readers name it themselves): evidence, scoring, reports
            limit = f" of {self._memory_limit}" if self.memory_mb else ""
            return self._on_failure(task, "error", f"it needs more memory than the limit{limit}")
        except Exception as exc:  # noqa: BLE001 - a task's own failure is that task's row
            return self._on_failure(task, "error", f"unexpected failure ({type(exc).__name__})")

    @property
    def _memory_limit(self) -> str:
        return f"{self.memory_mb} MB per worker"

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> WorkerPool[Task, Result]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is not None and self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None
        self.close()
