"""The first candidates' documents, parsed while the parent gets ready to fork its workers.

Before a cold run's first worker starts, its parent spends two or three
seconds on one core: importing spaCy, validating the taxonomy, building the
matchers and report templates that every forked worker then shares. Another
core idles meanwhile. A child forked before all that parses the first
candidates' documents into the cache, and the workers find them there (a
stored document loads in a few ms; parsing it costs about 40).

The child is killed the moment the workers start. What it had not finished,
or crashed on, is parsed by the worker that reaches it, so nothing a run
writes depends on it; SQLite keeps the cache whole whenever a writer dies.
Only with a cache, the local executor and a second core.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from screener.cache import open_cache
from screener.discover import Discovery
from screener.fingerprint import file_sha256
from screener.ingest.limits import Limits
from screener.parallel import available_cores, fork_available, prepare_worker
from screener.parse_cache import document_key, parse_into_cache
from screener.timing import STAGES, StageClock

#: Below this many candidates the parent is ready before a child could help.
MIN_CANDIDATES = 8
#: The most documents the child looks at: more than it can parse before the workers start, so a warm run's child hashes few files for nothing.
MAX_DOCUMENTS = 256
#: Where the child counts what it did, in shared memory: each stage's ms, then the documents it stored.
_PARSED = len(STAGES)


def _documents(found: Discovery, input_path: Path) -> Iterator[tuple[Path, str]]:
    for candidate in found.candidates:
        yield from candidate.sources(input_path)


def _read(found: Discovery, input_path: Path, cache_dir: Path, engine: str, limits: Limits, counts) -> None:  # type: ignore[no-untyped-def]
    """The child: every document in discovery order, parsed into the cache unless it is there already."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, and it kills this child
    prepare_worker(limits.max_memory_mb)
    cache = open_cache(cache_dir)
    if cache is None:
        return
    from screener.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    for path, relative in islice(_documents(found, input_path), MAX_DOCUMENTS):
        try:
            sha = file_sha256(path)
        except OSError:
            continue  # the worker reports it
        key = document_key(engine, limits, sha)
        if cache.contains("document", key):
            continue
        clock = StageClock()
        parse_into_cache(cache, key, path, relative, sha, vocabulary=vocabulary, engine=engine, limits=limits, clock=clock)
        for index, stage in enumerate(STAGES):
            counts[index] += clock.ms.get(stage, 0.0)
        counts[_PARSED] += 1


class ReadAhead:
    """A child parsing documents into the cache until :meth:`stop`; a context manager that always stops it."""

    def __init__(self, found: Discovery, input_path: Path, *, cache_dir: Path, engine: str, limits: Limits) -> None:
        context = multiprocessing.get_context("fork")
        self._counts = context.Array("d", len(STAGES) + 1, lock=False)
        self._process = context.Process(target=_read, args=(found, input_path, cache_dir, engine, limits, self._counts), name="screener-read-ahead", daemon=True)
        self._stopped = False
        self.timings: dict[str, float] = {}  # the child's stage times, once stopped
        self.documents = 0  # documents it parsed and stored, once stopped

    def start(self) -> ReadAhead:
        self._process.start()
        return self

    def wait(self, timeout: float | None = None) -> None:
        """Let the child finish every document it will look at (or ``timeout`` pass); :meth:`stop` still collects its count."""
        if self._process.pid is not None:
            self._process.join(timeout)

    def stop(self) -> None:
        """Kill the child, whatever it is doing, and keep the count of what it finished; a second call does nothing."""
        if self._stopped or self._process.pid is None:
            return
        self._stopped = True
        self._process.kill()
        self._process.join()
        self.timings = {stage: self._counts[index] for index, stage in enumerate(STAGES) if self._counts[index]}
        self.documents = int(self._counts[_PARSED])

    def __enter__(self) -> ReadAhead:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def read_ahead_for(
    found: Discovery, input_path: Path, *, cache_dir: Path | None, workers: int, executor: str, engine: str, limits: Limits
) -> ReadAhead | None:
    """A read-ahead for this run (not started), when one can help: it needs a cache, forked local workers and a second core."""
    if cache_dir is None or executor != "local" or workers < 1 or len(found.candidates) < MIN_CANDIDATES:
        return None
    if available_cores() < 2 or not fork_available():
        return None
    return ReadAhead(found, input_path, cache_dir=cache_dir, engine=engine, limits=limits)
