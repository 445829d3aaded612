"""Running a batch: candidates streamed through the cache and the worker pool into the outputs.

The parent process discovers candidates, hashes their files and asks the
cache whether it has already screened those exact bytes with this code,
knowledge and options; a candidate it has is written from the cache without
starting a worker or importing spaCy. The rest go to the pool, at most a few
per worker at a time, and each is written the moment it finishes, so memory
stays flat however large the folder. Order never depends on scheduling:
outputs are named by candidate and the ranking is sorted at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from screener.cache import Cache, cache_key, pickled, unpickled
from screener.collector import tuned_for_screening
from screener.discover import Discovery
from screener.document import Status
from screener.fingerprint import code_digest, file_sha256
from screener.outputs import OutputWriter, holds, import_pandas_meanwhile, write_files
from screener.parallel import WorkerPool
from screener.progress import Progress
from screener.read_ahead import ReadAhead
from screener.results import CandidateResult
from screener.taxonomy import Taxonomy, load_taxonomy
from screener.taxonomy.load import sources_digest
from screener.timing import StageClock
from screener.worker import (
    CACHEABLE_RESULTS,
    CandidateOutcome,
    CandidateScreener,
    CandidateTask,
    RunSettings,
    init_worker,
    install,
    peak_rss_kb,
    screen_in_worker,
    unpack_files,
    unpack_reports,
    write_reports,
)

#: The hard limit on one candidate, over its parse time limit per document: room for evidence, scoring and reports.
HARD_LIMIT_FACTOR = 2.0
HARD_LIMIT_SLACK = 10.0


def load_taxonomy_cached(files: list[Path], cache: Cache | None) -> Taxonomy:
    """The taxonomy, validated once per content of its files and stored as a pickle in the user's own cache.

    Validating 3,700 aliases and their spaCy patterns takes a second; a
    re-run over unchanged files should not.
    """
    if cache is None:
        return load_taxonomy(files)
    key = cache_key("taxonomy", code_digest(("taxonomy",)), sources_digest(files))
    stored = cache.get("taxonomy", key)
    found = unpickled(stored, Taxonomy) if stored is not None else None
    if found is not None:
        return found
    taxonomy = load_taxonomy(files)
    cache.put("taxonomy", key, pickled(taxonomy))
    return taxonomy


def make_task(candidate, input_path: Path, settings: RunSettings) -> CandidateTask:  # type: ignore[no-untyped-def]
    documents = []
    for path, relative in candidate.sources(input_path):
        try:
            sha = file_sha256(path)
        except OSError:
            sha = ""  # the worker reports the file's error
        documents.append((str(path), relative, sha))
    report_key = settings.report_key(candidate.candidate_id, candidate.source, tuple(documents)) if settings.out_dir is not None else ""
    return CandidateTask(candidate_id=candidate.candidate_id, source=candidate.source, documents=tuple(documents), report_key=report_key)


def _from_cache(cache: Cache | None, task: CandidateTask, out_dir: Path) -> CandidateOutcome | None:
    """A candidate screened before with the same bytes, code, knowledge and options: its reports are written from the cache."""
    if cache is None or not task.report_key or any(not sha for _, _, sha in task.documents):
        return None
    stored = cache.open("report", task.report_key)
    if stored is None:
        return None
    try:
        outcome, listing = unpack_reports(stored)
        missing = {name for name, length in listing if not holds(out_dir / name, length, outcome.written[name])}
        if missing:
            files = unpack_files(stored, listing)
            write_files(out_dir, {name: files[name] for name in missing}, outcome.written)
    except (ValueError, KeyError, TypeError, AttributeError):  # DamagedPayload is a ValueError
        return None
    return outcome


@dataclass
class BatchOutcome:
    results: list[CandidateResult]
    writer: OutputWriter | None = None  # when writing: it still has the run's own files to write
    stats: dict = field(default_factory=dict)
    ranking_key: str = ""  # this exact ranking's cache key, when every result may be cached
    all_cached: bool = False  # every candidate's reports came from the cache

    def finish(self, run, store: Cache | None) -> None:  # type: ignore[no-untyped-def]
        assert self.writer is not None
        self.writer.finish(run, cache=store, ranking_key=self.ranking_key, reuse=self.all_cached)


def _failure(settings: RunSettings):  # type: ignore[no-untyped-def]
    from screener.batch import failed_result

    def on_failure(task: CandidateTask, kind: str, message: str) -> CandidateOutcome:
        status = Status.TIMEOUT if kind == "timeout" else Status.ERROR
        result = failed_result(task, status=status, message=message, role=settings.role)
        if settings.redact:
            from screener.redact import redact_result

            result = redact_result(result)
        if settings.out_dir is None:
            return CandidateOutcome.whole(result)
        return write_reports(result, settings.out_dir, None, "")

    return on_failure


class Bookkeeping:
    """What a run learns from its candidates, whichever executor screened them: rows, written files, timings, cache hits, memory.

    Every executor feeds :meth:`accept` and nothing else, so ranking.csv,
    index.html and run.json come out of the same code however the candidates
    were screened; rows are collected, and sorted only at the end.
    """

    def __init__(self, total: int, out_dir: Path | None, progress: str | None) -> None:
        self.writer = OutputWriter(out_dir) if out_dir is not None else None
        self.meter = Progress(total, mode=progress)
        self.clock = StageClock()
        self.results: list[CandidateResult] = []
        self.rows: list[bytes] = []  # with reports written: each candidate's slim result, as JSON
        self.workers_rss: dict[int, int] = {}
        self.counts = {"from_cache": 0, "screened": 0, "read_ahead": 0}
        self.report_keys: list[str] = []
        self.cacheable = True  # every result is one the cache keeps: the same inputs give the same ranking

    def accept(self, task: CandidateTask, outcome: CandidateOutcome) -> None:
        self.report_keys.append(task.report_key)
        self.cacheable = self.cacheable and bool(task.report_key) and outcome.status in CACHEABLE_RESULTS
        if self.writer is not None:
            self.writer.written.update(outcome.written)
            self.rows.append(outcome.row)
        else:
            assert outcome.result is not None
            self.results.append(outcome.result)
        self.clock.add(outcome.timings)
        if outcome.pid:
            self.workers_rss[outcome.pid] = max(self.workers_rss.get(outcome.pid, 0), outcome.max_rss_kb)
        self.counts["from_cache" if outcome.cached else "screened"] += 1
        self.meter.update(failed=not outcome.ok, cached=outcome.cached)

    def read_ahead(self, stopped: ReadAhead) -> None:
        """Count what a stopped read-ahead parsed: its stage times are the run's too."""
        self.clock.add(stopped.timings)
        self.counts["read_ahead"] += stopped.documents

    def outcome(self, settings: RunSettings, workers: int) -> BatchOutcome:
        stats = {
            "stage_ms": {name: round(ms, 1) for name, ms in self.clock.ms.items()},
            "candidates_from_cache": self.counts["from_cache"],
            "candidates_screened": self.counts["screened"],
            "documents_read_ahead": self.counts["read_ahead"],
            "workers": workers,
            "worker_peak_rss_mb": sorted(round(kb / 1024, 1) for kb in self.workers_rss.values()),
            "parent_peak_rss_mb": round(peak_rss_kb() / 1024, 1),
        }
        keys = self.report_keys
        ranking_key = cache_key("ranking", code_digest(), settings.role, *sorted(keys)) if self.cacheable and keys else ""
        results = self.results or [CandidateResult.model_validate_json(row) for row in self.rows]
        all_cached = self.counts["screened"] == 0 and self.counts["from_cache"] == len(results)
        return BatchOutcome(results=results, writer=self.writer, stats=stats, ranking_key=ranking_key, all_cached=all_cached)


def uncached_tasks(
    found: Discovery,
    input_path: Path,
    settings: RunSettings,
    store: Cache | None,
    out_dir: Path | None,
    accept: Callable[[CandidateTask, CandidateOutcome], None],
) -> Iterator[CandidateTask]:
    """Every candidate's task, in discovery order; one whose reports the cache holds is written and accepted here instead.

    Shared by every executor, so the cache decides the same way however the rest is screened.
    """
    for candidate in found.candidates:
        task = make_task(candidate, input_path, settings)
        hit = _from_cache(store, task, out_dir) if out_dir is not None else None
        if hit is not None:
            accept(task, hit)
        else:
            yield task


def hard_limit(settings: RunSettings, task: CandidateTask) -> float:
    """Seconds after which a candidate's worker is given up on: the parse limit per document, with room for the rest."""
    return (settings.limits.time_limit * HARD_LIMIT_FACTOR + HARD_LIMIT_SLACK) * max(1, len(task.documents))


def _run_local(
    tasks: Iterator[CandidateTask],
    settings: RunSettings,
    workers: int,
    accept: Callable[[CandidateTask, CandidateOutcome], None],
    read_ahead: ReadAhead | None = None,
    paths: Iterable[Path] = (),
) -> int:
    """Screen ``tasks`` in this process (``workers`` 0) or a pebble pool of forked workers; returns the workers used.

    ``paths``, every document of the run, tell which readers the workers will need (read only if a pool starts).
    """
    local = CandidateScreener(settings)
    if workers <= 0:
        with tuned_for_screening():
            for task in tasks:
                accept(task, local.screen(task))
        return workers
    pool = WorkerPool(
        screen_in_worker, _failure(settings), workers=workers, initializer=init_worker, initargs=(settings,), memory_mb=settings.limits.max_memory_mb
    )
    ranking_ahead = settings.out_dir is not None
    with pool:
        for task in tasks:
            if not pool.started:
                local.prepare(paths)  # built once here, shared by every forked worker
                install(local)
                if read_ahead is not None:
                    read_ahead.stop()  # the workers take every core from here on
            finished = pool.submit(task, timeout=hard_limit(settings, task))
            for done_task, outcome in finished:
                accept(done_task, outcome)
            if finished and ranking_ahead:
                ranking_ahead = False
                import_pandas_meanwhile()  # the workers are forked and screening: the ranking's pandas meanwhile
        for done_task, outcome in pool.drain():
            accept(done_task, outcome)
    return workers


def run_batch(
    found: Discovery,
    input_path: Path,
    settings: RunSettings,
    *,
    store: Cache | None,
    workers: int,
    out_dir: Path | None,
    progress: str | None,
    executor: str = "local",
    scheduler: str | None = None,
    read_ahead: ReadAhead | None = None,
) -> BatchOutcome:
    """Screen every discovered candidate; write each one's reports as it finishes when ``out_dir`` is given.

    ``executor`` ``"local"`` screens in this process or its worker pool;
    ``"dask"`` on a Dask cluster (``scheduler``'s address, or a local one of
    ``workers`` processes), see :mod:`screener.dask_executor`. ``read_ahead``,
    started by the caller, is stopped as the workers start.
    """
    book = Bookkeeping(len(found.candidates), out_dir, progress)
    with book.meter:
        tasks = uncached_tasks(found, input_path, settings, store, out_dir, book.accept)
        if executor == "dask":
            from screener.dask_executor import run_on_dask

            used = run_on_dask(
                tasks,
                settings,
                store=store,
                out_dir=out_dir,
                accept=book.accept,
                on_failure=_failure(settings),
                scheduler=scheduler,
                workers=workers,
                expected=len(found.candidates),
            )
        else:
            used = _run_local(tasks, settings, workers, book.accept, read_ahead, (path for c in found.candidates for path in c.documents))
    if read_ahead is not None:
        read_ahead.stop()
        book.read_ahead(read_ahead)
    return book.outcome(settings, used)
