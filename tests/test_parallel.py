"""The worker pool: a task that kills its worker, outlives its limit or raises is that task's failure, never the pool's.

The work functions below are ordinary test code run in real forked worker
processes; nothing of the pool is replaced.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import time

import pytest

from screener.parallel import IN_FLIGHT_PER_WORKER, WorkerPool, describe_exit


def work(task: tuple[str, int]) -> tuple[str, int, int]:
    """("ok", n) -> ("ok", n*n, pid); "sigkill"/"sigsegv" kill this worker; "sleep" outlives a short limit; "raise" raises; "hog" allocates n MB."""
    kind, n = task
    if kind == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "sigsegv":
        faulthandler.disable()  # pytest's handler, inherited by the fork, would print this worker's stack first
        os.kill(os.getpid(), signal.SIGSEGV)
    elif kind == "sleep":
        time.sleep(n)
    elif kind == "raise":
        raise ValueError(f"task {n} is bad")
    elif kind == "hog":
        blocks = [bytearray(1024 * 1024) for _ in range(n)]  # past the worker's memory cap: MemoryError
        return ("ok", len(blocks), os.getpid())
    return ("ok", n * n, os.getpid())


def slow_square(n: int) -> int:
    time.sleep(0.02)
    return n * n


def on_failure(task, kind: str, message: str) -> tuple[str, str, str]:
    return ("failed", kind, message)


def run_all(pool: WorkerPool, tasks: list, timeout: float | None = None) -> dict:
    finished = []
    for task in tasks:
        finished.extend(pool.submit(task, timeout=timeout))
    finished.extend(pool.drain())
    outcomes = {}
    for task, result in finished:
        assert task not in outcomes, f"{task} came back twice"
        outcomes[task] = result
    return outcomes


def test_when_a_task_kills_its_worker_then_only_that_task_fails_as_a_crash_naming_the_signal():
    tasks = [("ok", n) for n in range(20)]
    tasks[5] = ("sigkill", 5)
    tasks[13] = ("sigsegv", 13)
    with WorkerPool(work, on_failure, workers=2) as pool:
        outcomes = run_all(pool, tasks)
        # The pool goes on after the crashes: a later submission still runs.
        after = run_all(pool, [("ok", 100)])
    assert set(outcomes) == set(tasks)
    assert outcomes[("sigkill", 5)][:2] == ("failed", "crash") and "SIGKILL" in outcomes[("sigkill", 5)][2]
    assert outcomes[("sigsegv", 13)][:2] == ("failed", "crash") and "SIGSEGV" in outcomes[("sigsegv", 13)][2]
    good = {task: result for task, result in outcomes.items() if task[0] == "ok"}
    assert len(good) == 18
    assert all(result[:2] == ("ok", task[1] * task[1]) for task, result in good.items())
    assert all(result[2] != os.getpid() for result in good.values()), "the work ran in the parent, not in a worker"
    assert after[("ok", 100)][:2] == ("ok", 10000)


def test_when_a_task_sleeps_past_its_timeout_then_it_comes_back_as_a_timeout_and_the_others_finish():
    tasks = [("ok", 1), ("sleep", 30), ("ok", 2)]
    started = time.perf_counter()
    with WorkerPool(work, on_failure, workers=2) as pool:
        outcomes = run_all(pool, tasks, timeout=1)
    elapsed = time.perf_counter() - started
    assert outcomes[("sleep", 30)][:2] == ("failed", "timeout")
    assert "1 s" in outcomes[("sleep", 30)][2]
    assert outcomes[("ok", 1)][:2] == ("ok", 1) and outcomes[("ok", 2)][:2] == ("ok", 4)
    assert elapsed < 15, f"the sleeping task was not stopped at its limit ({elapsed:.1f} s)"


def test_when_a_task_raises_then_it_comes_back_as_an_error_naming_the_exception():
    with WorkerPool(work, on_failure, workers=2) as pool:
        outcomes = run_all(pool, [("raise", 1), ("ok", 3)])
    assert outcomes[("raise", 1)] == ("failed", "error", "unexpected failure (ValueError)")
    assert outcomes[("ok", 3)][:2] == ("ok", 9)


def test_when_fifty_tasks_are_submitted_then_in_flight_never_exceeds_max_in_flight():
    seen = []
    results = {}
    with WorkerPool(slow_square, on_failure, workers=2) as pool:
        assert pool.max_in_flight == 2 * IN_FLIGHT_PER_WORKER
        for n in range(50):
            for task, result in pool.submit(n):
                results[task] = result
            seen.append(pool.in_flight)
        for task, result in pool.drain():
            results[task] = result
        assert pool.in_flight == 0
    assert max(seen) == pool.max_in_flight, "the bound was never reached: the test did not exercise it"
    assert all(count <= pool.max_in_flight for count in seen)
    assert results == {n: n * n for n in range(50)}


@pytest.mark.parametrize(
    ("exitcode", "expected"),
    [
        (-signal.SIGKILL, "killed by SIGKILL"),
        (-signal.SIGSEGV, "killed by SIGSEGV"),
        (-200, "killed by signal 200"),
        (3, "exit code 3"),
        (None, "exit code None"),
    ],
)
def test_when_a_worker_exit_is_described_then_signals_are_named(exitcode, expected):
    assert describe_exit(exitcode) == expected


def test_when_a_batch_runs_in_the_callers_process_then_the_garbage_collector_is_put_back_after_it():
    import gc

    from screener.collector import YOUNG_THRESHOLD, tuned_for_screening

    before = gc.get_threshold()
    with tuned_for_screening():
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_when_a_task_runs_out_of_its_workers_memory_after_reading_then_its_row_says_memory_and_the_others_finish():
    tasks = [("ok", n) for n in range(6)] + [("hog", 4096)]
    with WorkerPool(work, on_failure, workers=2, memory_mb=200) as pool:
        outcomes = run_all(pool, tasks)
    assert outcomes[("hog", 4096)][:2] == ("failed", "error")
    assert "more memory than the limit of 200 MB per worker" in outcomes[("hog", 4096)][2]
    assert all(outcomes[("ok", n)][:2] == ("ok", n * n) for n in range(6))
