"""Screening on a Dask cluster (``screen(..., executor="dask")``; the ``screener[dask]`` extra).

The client (this process) discovers candidates and consults the report cache
exactly as the local path does (:func:`screener.runner.uncached_tasks`); only
the rest travel to the cluster. Each task carries its documents' bytes, so
workers need no shared filesystem: a worker writes them into a temporary
folder under their own relative names, screens them with the same
:class:`~screener.worker.CandidateScreener` the local pool uses, and returns
the rendered reports (:class:`~screener.worker.RenderedCandidate`) rather
than writing them. The client writes those files, stores them in the report
cache and feeds each row into the same bookkeeping as the local path, so the
outputs are byte for byte the local executor's.

The run's settings reach each worker process once, through a worker plugin
(replacement workers get them too), and the spaCy pipeline and matchers are
built once per worker process and kept for later runs with the same
settings. A task carries a few candidates (:func:`candidates_per_task`), as
each task costs the scheduler and the client time of their own; at most
:data:`IN_FLIGHT_PER_THREAD` tasks per worker thread are outstanding, so
memory stays flat on the client however large the folder.

The per-document time limit works on workers' task threads too
(:func:`screener.ingest.limits.time_limit`). ``--max-memory`` becomes the
memory limit of the workers of the local cluster this module starts; an
external cluster's workers are governed by their own ``--memory-limit``.

This module is the only one that imports ``distributed``; the core install
does not need it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import dask
from distributed import Client, Future, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.scheduler import KilledWorker

from screener.cache import Cache
from screener.collector import tune_for_screening
from screener.errors import ConfigError
from screener.parallel import IN_FLIGHT_PER_WORKER
from screener.recent import kept_recent
from screener.runner import hard_limit
from screener.worker import CandidateOutcome, CandidateScreener, CandidateTask, RenderedCandidate, RunSettings

#: Tasks kept outstanding per worker thread, as the local pool keeps per worker process.
IN_FLIGHT_PER_THREAD = IN_FLIGHT_PER_WORKER
#: Most candidates one Dask task screens. Each task costs the scheduler and the client milliseconds of
#: their own, which on a small cluster is CPU taken from the workers; a batch pays it once for all its members.
MAX_CANDIDATES_PER_TASK = 8
#: Fewest tasks per worker thread a run is cut into, so the last tasks leave no worker idle for long.
MIN_TASKS_PER_THREAD = 8
#: Shipped bytes after which a batch is sent even if it is not full, so a few large files travel on their own.
MAX_BYTES_PER_TASK = 16 * 1024 * 1024
#: How often the client looks for finished tasks and overdue ones, in seconds, when none is ready.
POLL_SECONDS = 0.02
#: Screeners (spaCy pipeline and matchers) a worker process keeps for later runs; each is a few hundred MB at most.
KEPT_SCREENERS = 2
#: A Dask worker's own memory before it reads a file (interpreter, distributed, the spaCy pipeline), in MB.
#: Dask limits a worker's whole memory and ``--max-memory`` is growth, so a local cluster's limit is the sum.
WORKER_BASELINE_MB = 300
#: Dask's reactions to a worker's memory short of the restart: nothing to spill (results go straight to the
#: client), and a paused worker whose memory stays up would hold its queue forever, so only the restart is kept.
ONLY_RESTART = {"distributed.worker.memory.target": False, "distributed.worker.memory.spill": False, "distributed.worker.memory.pause": False}
#: While a local cluster runs: a worker removed from the scheduler makes the cluster close its nanny unless a worker of
#: the same name is back within this timeout (15 s by default), checked at that moment. A file that kills workers
#: over and over could land that check in a restart's gap, and the cluster would lose a worker for good; a nanny
#: here always restarts its worker, so it is never closed for that.
KEEP_NANNIES = {"distributed.deploy.lost-worker-timeout": "24h"}
#: The client's config. Dask keeps its last 1,000 messages of every stream and state transitions "for developers";
#: here a task message carries its candidates' files, so those logs alone would hold hundreds of MB.
CLIENT_CONFIG = {"distributed.admin.low-level-log-length": 32}
#: The config of the local cluster this module starts: the memory reactions above, and less of Dask's own upkeep,
#: which on a small machine is CPU taken from the workers. Every server (the scheduler and the nannies live in this
#: process, each worker in its own) wakes every 20 ms to time its event loop and every 500 ms to sample the host, and
#: each worker's statistical profiler walks its task thread's stack every 10 ms, for a dashboard nobody opened.
LOCAL_CLUSTER_CONFIG = {
    **ONLY_RESTART,
    **CLIENT_CONFIG,  # the scheduler's and workers' logs hold the same messages
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "250ms",  # how soon a nanny sees its worker past the limit
}

Accept = Callable[[CandidateTask, CandidateOutcome], None]
OnFailure = Callable[[CandidateTask, str, str], CandidateOutcome]


# --------------------------------------------------------------------------- what travels


@dataclass(frozen=True)
class ShippedDocument:
    """One document as it travels to a worker: its bytes (None when the client could not or need not read them) and size."""

    relative: str
    sha256: str
    content: bytes | None
    size: int  # -1: the client could not read the file


@dataclass(frozen=True)
class ShippedCandidate:
    """A candidate's task with its documents' bytes: all a worker with no access to the input folder needs."""

    task: CandidateTask
    documents: tuple[ShippedDocument, ...]


def ship(task: CandidateTask, max_bytes: int) -> ShippedCandidate:
    """Read the task's documents on the client.

    A file over the size limit is not read: the worker recreates it as a
    sparse file of the same size, so the reader refuses it with the same
    message as on the local path, and no oversized file crosses the network.
    """
    documents = []
    for path, relative, sha in task.documents:
        try:
            size = os.stat(path).st_size
            content = Path(path).read_bytes() if size <= max_bytes else None
        except OSError:
            size, content = -1, None
        documents.append(ShippedDocument(relative=relative, sha256=sha, content=content, size=size))
    return ShippedCandidate(task=task, documents=tuple(documents))


def _inside(folder: Path, relative: str, index: int) -> Path:
    """Where a document lands in the worker's temporary folder: its own relative name when that stays inside the folder."""
    parts = PurePosixPath(relative).parts
    if parts and not PurePosixPath(relative).is_absolute() and ".." not in parts:
        return folder.joinpath(*parts)
    return folder / f"document-{index}{PurePosixPath(relative).suffix}"


def unpack(shipped: ShippedCandidate, folder: Path) -> CandidateTask:
    """Write the shipped documents under ``folder`` (same relative names, so the same suffixes); the task pointing at them."""
    documents = []
    for index, document in enumerate(shipped.documents):
        path = _inside(folder, document.relative, index)
        path.parent.mkdir(parents=True, exist_ok=True)
        if document.content is not None:
            path.write_bytes(document.content)
        elif document.size >= 0:
            with open(path, "wb") as handle:
                handle.truncate(document.size)  # sparse: the size is all the reader will look at
        documents.append((str(path), document.relative, document.sha256))
    return dataclasses.replace(shipped.task, documents=tuple(documents))


# --------------------------------------------------------------------------- the worker side


def worker_settings(settings: RunSettings) -> RunSettings:
    """The settings as a worker uses them: it sees neither the client's cache nor its output folder."""
    return dataclasses.replace(settings, cache_dir=None, out_dir=None)


def settings_digest(settings: RunSettings) -> str:
    """A digest of everything in the settings that decides a screener's results, so a worker reuses one built for equal settings."""
    parts = {
        "taxonomy": settings.taxonomy.sha256,
        "profiles": json.loads(settings._profiles_json),
        "as_of": settings.as_of.isoformat(),
        "role": settings.role,
        "engine": settings.engine,
        "limits": settings.limits.model_dump(mode="json"),
        "redact": settings.redact,
        "job": settings.job.model_dump(mode="json") if settings.job is not None else None,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


#: In each worker process: the settings plugins have delivered, and the screeners built from them, by settings digest.
_SETTINGS: dict[str, RunSettings] = {}
_SCREENERS: dict[str, CandidateScreener] = {}
_BUILDING = threading.Lock()


class SettingsPlugin(WorkerPlugin):
    """Delivers a run's settings to every worker process once, including workers that replace dead ones.

    ``setup`` only stores them: building the spaCy pipeline takes seconds and
    would block the worker's event loop, so the first task builds it.
    """

    def __init__(self, digest: str, settings: RunSettings) -> None:
        self.digest = digest
        self.settings = settings

    def setup(self, worker) -> None:  # type: ignore[no-untyped-def]
        _SETTINGS[self.digest] = self.settings

    def teardown(self, worker) -> None:  # type: ignore[no-untyped-def]
        _SETTINGS.pop(self.digest, None)  # the screener built from them stays, for the next run with the same settings


def worker_screener(digest: str) -> CandidateScreener:
    """This worker process's screener for ``digest``: built on first use, then kept (the last :data:`KEPT_SCREENERS`)."""

    def build() -> CandidateScreener:
        settings = _SETTINGS.get(digest)
        if settings is None:
            raise RuntimeError("the run's settings have not reached this worker")
        screener = CandidateScreener(settings)
        screener.prepare()
        tune_for_screening()  # the pipeline just built leaves the collector's walks, as in a forked local worker
        return screener

    with _BUILDING:  # a worker with several threads builds it once
        return kept_recent(_SCREENERS, digest, build, KEPT_SCREENERS)


def screen_shipped(digest: str, shipped: ShippedCandidate, render: bool) -> RenderedCandidate | CandidateOutcome:
    """One candidate screened from its shipped bytes: its rendered reports (or, with ``render`` off, its whole result)."""
    screener = worker_screener(digest)
    with tempfile.TemporaryDirectory(prefix="screener-") as folder:
        task = unpack(shipped, Path(folder))
        return screener.render(task) if render else screener.screen(task)


@dataclass(frozen=True)
class MemberFailed:
    """A batch member whose screening raised: the rest of its batch still counts."""

    exception: str  # the exception's type name; its message may quote the resume


Screened = RenderedCandidate | CandidateOutcome | MemberFailed


def screen_batch(screen_one: Callable[..., RenderedCandidate | CandidateOutcome], digest: str, batch: tuple[ShippedCandidate, ...], render: bool) -> list[Screened]:
    """The Dask task: each shipped candidate of ``batch`` screened by ``screen_one`` (:func:`screen_shipped`), in order.

    A member's exception is that member's failure only; a worker that dies
    takes the whole batch with it, and the client then sends the members one
    by one (:class:`DaskRun`).
    """
    values: list[Screened] = []
    for shipped in batch:
        try:
            values.append(screen_one(digest, shipped, render))
        except Exception as exc:  # noqa: BLE001 - one member's failure is its row, not its batch's
            values.append(MemberFailed(type(exc).__name__))
    return values


# --------------------------------------------------------------------------- the client side


def worker_memory_limit(max_memory_mb: int) -> int:
    """Bytes a local cluster's worker may hold: its baseline and the growth ``--max-memory`` allows.

    Its nanny restarts a worker past (95% of) it; the task it ran is retried
    and, once it has killed its workers too often, becomes the file's error row.
    """
    return (WORKER_BASELINE_MB + max_memory_mb) * 1024 * 1024


@contextmanager
def open_client(scheduler: str | None, workers: int, max_memory_mb: int) -> Iterator[Client]:
    """A client of ``scheduler``, or of a local cluster of ``workers`` single-threaded processes that is closed at the end.

    ``max_memory_mb`` sets the local cluster's memory limit per worker
    (:func:`worker_memory_limit`); an external cluster keeps its own.
    """
    if scheduler:
        try:
            with dask.config.set(CLIENT_CONFIG):
                client = Client(scheduler)
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__})") from None
        with client:
            yield client
        return
    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # each nanny keeps the config it was started with, for its workers' restarts too
        cluster = LocalCluster(
            n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None, memory_limit=worker_memory_limit(max_memory_mb)
        )
    # KEEP_NANNIES is read whenever a worker is removed, so it is set for the cluster's whole run
    with cluster, dask.config.set({**CLIENT_CONFIG, **KEEP_NANNIES}), Client(cluster) as client:
        yield client


def worker_threads(client: Client) -> int:
    """Threads across the cluster's workers now (at least one, so a cluster still starting gets a window too)."""
    return max(1, sum(client.nthreads().values()))


def candidates_per_task(expected: int, threads: int) -> int:
    """How many candidates each task carries: up to :data:`MAX_CANDIDATES_PER_TASK`, and at least :data:`MIN_TASKS_PER_THREAD` tasks per thread."""
    return max(1, min(MAX_CANDIDATES_PER_TASK, expected // (threads * MIN_TASKS_PER_THREAD)))


def _failure_of(exc: BaseException, task: CandidateTask, on_failure: OnFailure) -> CandidateOutcome:
    """A task's failure as the candidate's row."""
    if isinstance(exc, KilledWorker):
        return on_failure(task, "crash", f"the worker reading it died {exc.allowed_failures + 1} times")
    if isinstance(exc, CancelledError):  # the cluster dropped the task: its scheduler went away, or it was cancelled
        return on_failure(task, "error", "the cluster cancelled it")
    return on_failure(task, "error", f"unexpected failure ({type(exc).__name__})")


@dataclass(frozen=True)
class Sent:
    """A task on the cluster: its candidates, when it was sent, and when it is given up on."""

    tasks: tuple[CandidateTask, ...]
    submitted: float
    limit: float


class DaskRun:
    """One batch on a cluster: sends candidates in small batches, keeps the window full, turns each finished member into an accepted outcome.

    A task carries up to :func:`candidates_per_task` candidates. When a task
    of several fails as a whole (its worker died too often, the cluster
    dropped it) or outlasts its limit, its members are sent again one by
    one, so only the file that caused it ends as an ``error`` or ``timeout``
    row, exactly as when every candidate travels alone.

    The hard time limit is kept by the client, from each task's submit time;
    a batch's is the smallest of its members' (they differ only by document
    count, and a batch of ordinary resumes takes a fraction of it). An
    overdue task's future is cancelled. Cancelling cannot stop a task already
    running, as a Python thread cannot be killed: the per-document time
    limit stops it at the next bytecode, so only a long native call keeps
    its thread busy.
    """

    def __init__(
        self, client: Client, settings: RunSettings, *, store: Cache | None, out_dir: Path | None, accept: Accept, on_failure: OnFailure, expected: int
    ) -> None:
        self.client, self.settings, self.store, self.out_dir = client, settings, store, out_dir
        self.accept, self.on_failure = accept, on_failure
        self.digest = settings_digest(settings)
        threads = worker_threads(client)
        self.window = threads * IN_FLIGHT_PER_THREAD
        self.per_task = candidates_per_task(expected, threads)
        self.completed = as_completed()
        self.pending: dict[Future, Sent] = {}
        self.forming: list[tuple[CandidateTask, ShippedCandidate]] = []

    def submit(self, task: CandidateTask) -> None:
        """Add ``task`` to the batch being formed; send the batch once it is full."""
        self.forming.append((task, ship(task, self.settings.limits.max_bytes)))
        shipped_bytes = sum(len(d.content) for _, shipped in self.forming for d in shipped.documents if d.content is not None)
        if len(self.forming) >= self.per_task or shipped_bytes >= MAX_BYTES_PER_TASK:
            self._send_forming()

    def drain(self) -> None:
        self._send_forming()
        while self.pending:
            self.settle()

    def _send_forming(self) -> None:
        if not self.forming:
            return
        while len(self.pending) >= self.window:
            self.settle()
        batch, self.forming = self.forming, []
        self._send(batch)

    def _send(self, batch: list[tuple[CandidateTask, ShippedCandidate]]) -> None:
        tasks = tuple(task for task, _ in batch)
        # screen_shipped is looked up now, not on the worker, so the function the client holds is the one that runs
        future = self.client.submit(screen_batch, screen_shipped, self.digest, tuple(s for _, s in batch), self.out_dir is not None, pure=False)
        self.pending[future] = Sent(tasks, time.monotonic(), min(hard_limit(self.settings, task) for task in tasks))
        self.completed.add(future)

    def _one_by_one(self, tasks: tuple[CandidateTask, ...]) -> None:
        """Send a failed batch's members again, each alone (past the window by at most one batch)."""
        for task in tasks:
            self._send([(task, ship(task, self.settings.limits.max_bytes))])

    def settle(self) -> None:
        """Accept whatever has finished, give up on overdue tasks, and wait a moment when nothing had finished."""
        finished = self.completed.next_batch(block=False) if self.completed.has_ready() else []
        for future in finished:
            sent = self.pending.pop(future, None)
            if sent is not None:  # None: given up on at its deadline, already dealt with
                self._finished(future, sent)
        self._expire()
        if not finished:
            time.sleep(POLL_SECONDS)

    def _finished(self, future: Future, sent: Sent) -> None:
        try:
            values = future.result()
        except Exception as exc:  # noqa: BLE001 - a task's failure is its candidates' rows
            self._failed(sent, lambda task, exc=exc: _failure_of(exc, task, self.on_failure))
            return
        for task, value in zip(sent.tasks, values, strict=True):
            if isinstance(value, MemberFailed):
                value = self.on_failure(task, "error", f"unexpected failure ({value.exception})")
            self._accept(task, value)

    def _expire(self) -> None:
        now = time.monotonic()
        for future, sent in list(self.pending.items()):
            if now - sent.submitted > sent.limit:
                del self.pending[future]
                future.cancel()
                self._failed(sent, lambda task, limit=sent.limit: self.on_failure(task, "timeout", f"stopped after the hard limit of {limit:g} s"))

    def _failed(self, sent: Sent, row: Callable[[CandidateTask], CandidateOutcome]) -> None:
        """A task that failed or ran out of time as a whole: a batch's members are sent again one by one, a lone candidate is ``row``."""
        if len(sent.tasks) > 1:
            self._one_by_one(sent.tasks)
        else:
            self._accept(sent.tasks[0], row(sent.tasks[0]))

    def _accept(self, task: CandidateTask, value: RenderedCandidate | CandidateOutcome) -> None:
        """Write a rendered candidate as the local path does (files, then the report cache), then accept it."""
        if isinstance(value, RenderedCandidate):
            assert self.out_dir is not None
            value = value.store(self.out_dir, self.store, task.report_key)
        self.accept(task, value)


def run_on_dask(
    tasks: Iterator[CandidateTask],
    settings: RunSettings,
    *,
    store: Cache | None,
    out_dir: Path | None,
    accept: Accept,
    on_failure: OnFailure,
    scheduler: str | None,
    workers: int,
    expected: int = 0,
) -> int:
    """Screen ``tasks`` (the candidates the cache did not have; about ``expected`` of them) on Dask; returns the worker threads used (0: none was needed).

    No cluster is started or contacted until a candidate needs screening,
    so a re-run that the cache answers wholly starts nothing.
    """
    first = next(tasks, None)
    if first is None:
        return 0
    with open_client(scheduler, workers, settings.limits.max_memory_mb) as client:
        name = f"screener-settings-{settings_digest(settings)[:16]}"
        client.register_plugin(SettingsPlugin(settings_digest(settings), worker_settings(settings)), name=name)
        try:
            run = DaskRun(client, settings, store=store, out_dir=out_dir, accept=accept, on_failure=on_failure, expected=expected)
            run.submit(first)
            for task in tasks:
                run.submit(task)
            run.drain()
            return worker_threads(client)
        finally:
            client.unregister_worker_plugin(name)
