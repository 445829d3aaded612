"""Screening on Dask: the same outputs as the local executor, the same cache, and a batch that survives dying workers.

One real two-process LocalCluster serves the module (starting one takes
seconds); every run is real, samples through real Dask workers into a real
output folder.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from screener import dask_executor  # noqa: E402
from screener.batch import screen  # noqa: E402
from screener.document import Status  # noqa: E402
from screener.errors import ConfigError  # noqa: E402
from screener.ingest.limits import Limits  # noqa: E402

from .conftest import REPO  # noqa: E402
from .pdf_fixtures import encrypted_pdf, single_column_pdf  # noqa: E402
from .test_batch_parallel import differing, outputs  # noqa: E402

AS_OF = datetime.date(2026, 11, 22)
SAMPLES = REPO / "samples" / "resumes"
SAMPLE_COUNT = 13
#: Deaths of its worker a task is forgiven before Dask gives up on it (KilledWorker): kept low so the test is quick.
ALLOWED_FAILURES = 1


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes; each holds only the task it runs, so a dying worker takes no bystander with it."""
    import dask

    # The nannies are never closed for a lost worker (as on the cluster screener starts): a check that
    # fires 15 s after one test's killed worker, in the gap of another test's restart, would close one.
    with dask.config.set({"distributed.scheduler.worker-saturation": 1.0, **dask_executor.KEEP_NANNIES}):
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, scheduler_kwargs={"allowed_failures": ALLOWED_FAILURES}
        ) as running:
            yield running


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("dask")


@pytest.fixture(scope="module")
def local(work):
    """The samples screened by the local executor, the outputs every Dask run here must match."""
    return screen(SAMPLES, out_dir=work / "local", as_of=AS_OF, cache=False)


def on_dask(cluster, folder: Path, out_dir: Path, **options):  # type: ignore[no-untyped-def]
    options.setdefault("cache", False)
    return screen(folder, out_dir=out_dir, as_of=AS_OF, executor="dask", scheduler=cluster.scheduler_address, **options)


@pytest.fixture(scope="module")
def mixed(work) -> Path:
    """Bad files among good ones: a zero-byte PDF, text named .pdf, an encrypted PDF, and two samples."""
    folder = work / "mixed"
    folder.mkdir()
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "not-a-pdf.pdf").write_text("Just some text, not a PDF at all.\n", encoding="utf-8")
    encrypted_pdf(folder / "locked.pdf")
    shutil.copy(SAMPLES / "nadia-okafor.pdf", folder)
    shutil.copy(SAMPLES / "oluwaseun-adeyemi.md", folder)
    return folder


def test_when_the_samples_are_screened_on_dask_then_outputs_are_byte_identical_to_local(cluster, work, local):
    dask = on_dask(cluster, SAMPLES, work / "dask")
    assert dask.stats["candidates_screened"] == SAMPLE_COUNT and dask.stats["workers"] == 2
    assert len([name for name in outputs(work / "dask") if name.startswith("candidates/")]) == 3 * SAMPLE_COUNT
    assert differing(outputs(work / "local"), outputs(work / "dask")) == []
    assert [r.candidate_id for r in dask.results] == [r.candidate_id for r in local.results]
    manifest = json.loads((work / "dask" / "run.json").read_text(encoding="utf-8"))
    assert manifest["options"]["executor"] == "dask" and manifest["options"]["scheduler"] == cluster.scheduler_address


def test_when_bad_files_are_among_good_ones_then_each_is_its_row_and_outputs_match_local(cluster, work, mixed):
    screen(mixed, out_dir=work / "mixed-local", as_of=AS_OF, cache=False)
    run = on_dask(cluster, mixed, work / "mixed-dask")
    statuses = {r.source: r.status for r in run.results}
    assert statuses["nadia-okafor.pdf"] is Status.OK and statuses["oluwaseun-adeyemi.md"] is Status.OK
    assert statuses["locked.pdf"] is Status.ENCRYPTED
    assert statuses["empty.pdf"] is not Status.OK and statuses["not-a-pdf.pdf"] is not Status.OK
    assert differing(outputs(work / "mixed-local"), outputs(work / "mixed-dask")) == []


def test_when_nothing_is_written_then_dask_returns_the_same_whole_results_as_local(cluster, mixed):
    local = screen(mixed, as_of=AS_OF, cache=False)
    dask = screen(mixed, as_of=AS_OF, cache=False, executor="dask", scheduler=cluster.scheduler_address)
    assert [r.model_dump(mode="json") for r in dask.results] == [r.model_dump(mode="json") for r in local.results]
    assert any(r.evidence for r in dask.results)  # whole results, evidence included


def test_when_run_again_with_the_same_cache_then_every_candidate_comes_from_it(cluster, work, mixed):
    first = on_dask(cluster, mixed, work / "cached-1", cache=True, cache_dir=work / "cache")
    again = on_dask(cluster, mixed, work / "cached-2", cache=True, cache_dir=work / "cache")
    assert first.stats["candidates_screened"] == 5 and first.stats["candidates_from_cache"] == 0
    assert again.stats["candidates_from_cache"] == 5 and again.stats["candidates_screened"] == 0
    assert again.stats["workers"] == 0, "the cluster was used although the cache held every candidate"
    assert differing(outputs(work / "cached-1"), outputs(work / "cached-2")) == []


def test_when_distributed_is_missing_then_the_error_says_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name, *a))
    with pytest.raises(ConfigError, match=r"install screener\[dask\] to use --executor dask"):
        screen(SAMPLES, executor="dask", cache=False)


def _killing_or_slow(digest, shipped, render):  # type: ignore[no-untyped-def]
    """A task that kills its worker on a document named ``poison``, sleeps on one named ``slow``, else screens as usual."""
    names = [d.relative for d in shipped.documents]
    if any(name.startswith("poison") for name in names):
        os._exit(3)
    if any(name.startswith("slow") for name in names):
        time.sleep(3)
    return dask_executor.screen_shipped(digest, shipped, render)


@pytest.mark.parametrize("per_task", [1, 4], ids=["alone", "in-one-batch"])
def test_when_a_file_kills_every_worker_that_reads_it_then_it_is_an_error_row_and_the_batch_finishes(cluster, work, mixed, monkeypatch, per_task):
    folder = work / f"poisoned-{per_task}"
    folder.mkdir()
    shutil.copy(SAMPLES / "nadia-okafor.pdf", folder)
    shutil.copy(SAMPLES / "oluwaseun-adeyemi.md", folder)
    (folder / "poison.txt").write_text("Resume of someone\n", encoding="utf-8")
    (folder / "slow.txt").write_text("Resume of someone slow\n", encoding="utf-8")
    monkeypatch.setattr(dask_executor, "screen_shipped", _killing_or_slow)
    monkeypatch.setattr(dask_executor, "hard_limit", lambda settings, task: 1.0 if task.source.startswith("slow") else 300.0)
    monkeypatch.setattr(dask_executor, "candidates_per_task", lambda expected, threads: per_task)
    run = on_dask(cluster, folder, work / f"poisoned-out-{per_task}")
    rows = {r.source: r for r in run.results}
    assert set(rows) == {"nadia-okafor.pdf", "oluwaseun-adeyemi.md", "poison.txt", "slow.txt"}
    assert rows["poison.txt"].status is Status.ERROR
    assert rows["poison.txt"].error == f"the worker reading it died {ALLOWED_FAILURES + 1} times"
    assert rows["slow.txt"].status is Status.TIMEOUT and rows["slow.txt"].error == "stopped after the hard limit of 1 s"
    assert rows["nadia-okafor.pdf"].ok and rows["oluwaseun-adeyemi.md"].ok
    csv = (work / f"poisoned-out-{per_task}" / "ranking.csv").read_text(encoding="utf-8")
    assert "the worker reading it died" in csv and csv.count("\n") == 5


def _failing(digest, shipped, render):  # type: ignore[no-untyped-def]
    """A task that raises on a document named ``broken``, else screens as usual."""
    if any(d.relative.startswith("broken") for d in shipped.documents):
        raise ValueError("a bug met on this file")
    return dask_executor.screen_shipped(digest, shipped, render)


@pytest.mark.parametrize("per_task", [1, 3], ids=["alone", "in-a-batch"])
def test_when_screening_one_candidate_raises_then_it_alone_is_an_error_row(cluster, work, monkeypatch, per_task):
    folder = work / f"broken-{per_task}"
    folder.mkdir()
    shutil.copy(SAMPLES / "nadia-okafor.pdf", folder)
    (folder / "broken.txt").write_text("Resume of someone\n", encoding="utf-8")
    shutil.copy(SAMPLES / "oluwaseun-adeyemi.md", folder)
    monkeypatch.setattr(dask_executor, "screen_shipped", _failing)
    monkeypatch.setattr(dask_executor, "candidates_per_task", lambda expected, threads: per_task)
    rows = {r.source: r for r in on_dask(cluster, folder, work / f"broken-out-{per_task}").results}
    assert rows["broken.txt"].status is Status.ERROR and rows["broken.txt"].error == "unexpected failure (ValueError)"
    assert rows["nadia-okafor.pdf"].ok and rows["oluwaseun-adeyemi.md"].ok


def test_when_candidates_travel_in_batches_then_outputs_are_still_byte_identical_to_local(cluster, work, local, monkeypatch):
    monkeypatch.setattr(dask_executor, "candidates_per_task", lambda expected, threads: 4)
    run = on_dask(cluster, SAMPLES, work / "batched")
    assert run.stats["candidates_screened"] == SAMPLE_COUNT
    assert differing(outputs(work / "local"), outputs(work / "batched")) == []


def test_when_a_run_is_cut_into_tasks_then_each_thread_gets_several_and_none_carries_more_than_the_cap():
    assert dask_executor.candidates_per_task(SAMPLE_COUNT, 2) == 1  # a small run: one candidate per task, every worker busy
    assert dask_executor.candidates_per_task(100, 2) == 6
    assert dask_executor.candidates_per_task(100_000, 64) == dask_executor.MAX_CANDIDATES_PER_TASK


def test_when_a_worker_is_killed_mid_run_then_the_batch_still_finishes_with_every_candidate(cluster, work, local):
    client = distributed.Client(cluster)
    client.wait_for_workers(2, timeout=60)  # an earlier test's killed worker may still be starting again
    before = client.run(os.getpid)
    out = work / "killed"
    killed: dict = {}

    def kill_after_first_report() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list((out / "candidates").glob("*.json")):
            time.sleep(0.02)
        killed["reports_then"] = len(list((out / "candidates").glob("*.json")))
        os.kill(next(iter(before.values())), signal.SIGKILL)

    killer = threading.Thread(target=kill_after_first_report, daemon=True)
    killer.start()
    run = on_dask(cluster, SAMPLES, out)
    killer.join()
    assert killed["reports_then"] < SAMPLE_COUNT, "the worker was killed only after the run had finished"
    assert len(run.results) == SAMPLE_COUNT and all(r.ok for r in run.results)
    assert len(list((out / "candidates").glob("*.json"))) == SAMPLE_COUNT
    assert differing(outputs(work / "local"), outputs(out)) == []
    client.wait_for_workers(2, timeout=60)
    assert set(client.run(os.getpid).values()) != set(before.values())  # the nanny replaced the killed worker
    client.close()


def test_when_a_document_outlasts_the_time_limit_on_a_dask_worker_then_it_is_the_local_timeout_row(cluster, work):
    folder = work / "slow-parse"
    folder.mkdir()
    single_column_pdf(folder / "long.pdf", [("Experience", ["Engineer, Foo Inc"] + ["• A line of work."] * 40)], pages=120)  # 0.4-0.5 s to read, four times the limit
    limits = Limits(time_limit=0.1)
    local = screen(folder, out_dir=work / "slow-local", as_of=AS_OF, cache=False, limits=limits)
    dask = on_dask(cluster, folder, work / "slow-dask", limits=limits)
    row = dask.results[0]
    assert row.status is Status.TIMEOUT and "reading the PDF took longer than the 0.1 s limit" in row.error
    assert [(r.status, r.error) for r in local.results] == [(row.status, row.error)]
    assert differing(outputs(work / "slow-local"), outputs(work / "slow-dask")) == []


def _hogging(digest, shipped, render):  # type: ignore[no-untyped-def]
    """A task that holds a gigabyte for a while on a document named ``zz-hog``, else screens as usual."""
    if any(d.relative.startswith("zz-hog") for d in shipped.documents):
        held = b"x" * (1 << 30)
        time.sleep(60)
        del held
    return dask_executor.screen_shipped(digest, shipped, render)


def test_when_a_file_outgrows_max_memory_on_the_local_cluster_then_its_worker_is_restarted_and_it_is_an_error_row(work, monkeypatch):
    import dask

    folder = work / "hog"
    folder.mkdir()
    shutil.copy(SAMPLES / "oluwaseun-adeyemi.md", folder)
    (folder / "zz-hog.txt").write_text("Resume of someone hungry\n", encoding="utf-8")
    monkeypatch.setattr(dask_executor, "screen_shipped", _hogging)
    started = time.monotonic()
    # One retry: both tasks may sit on the one worker when it is restarted, in either order, and the sample's is then retried
    with dask.config.set({"distributed.scheduler.allowed-failures": 1, "distributed.scheduler.worker-saturation": 1.0}):
        run = screen(folder, out_dir=work / "hog-out", as_of=AS_OF, cache=False, executor="dask", workers=1, limits=Limits(max_memory_mb=256))
    rows = {r.source: r for r in run.results}
    assert rows["oluwaseun-adeyemi.md"].ok
    assert rows["zz-hog.txt"].status is Status.ERROR and rows["zz-hog.txt"].error == "the worker reading it died 2 times"
    assert time.monotonic() - started < 60, "the worker was not restarted for its memory: the task slept to its end"


def _worker_upkeep(dask_worker):  # type: ignore[no-untyped-def]
    return {"profiling": "profile" in dask_worker.periodic_callbacks, "log": dask_worker.batched_stream.recent_message_log.maxlen}


def test_when_screener_starts_a_local_cluster_then_dask_keeps_few_messages_no_profiler_and_every_nanny():
    """Each task message carries its candidates' files: Dask's default logs of 1,000 messages grow the client by the folder."""
    with dask_executor.open_client(None, 1, 256) as client:
        assert list(client.run(_worker_upkeep).values()) == [{"profiling": False, "log": 32}]
        assert client.scheduler_comm.recent_message_log.maxlen == 32
        assert client.cluster.scheduler.transition_log.maxlen == 32
        import dask

        assert dask.config.get("distributed.deploy.lost-worker-timeout") == "24h"  # a lost worker's nanny is kept, to restart it
