"""One candidate, start to finish, in whichever process runs it: read, extract, score, render.

A :class:`CandidateScreener` is built once per process; the spaCy pipeline
inside it is built on first use, so a process that only meets cached
documents never imports spaCy. Every document's parse and evidence go
through the content-addressed cache: a document is parsed once per content,
engine and parser code, and its evidence extracted once per taxonomy.
"""

from __future__ import annotations

import datetime
import json
import os
import resource
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from screener.cache import Cache, StoredPayload, cache_key, open_cache
from screener.document import Document, Status
from screener.errors import DocumentError
from screener.evidence.model import EvidenceItem
from screener.fingerprint import EVIDENCE_CODE, code_digest
from screener.ingest.limits import Limits, time_limit
from screener.jobs.model import JobProfile
from screener.parse_cache import CACHEABLE_FAILURES, document_key, parse_into_cache, stored_document
from screener.results import CandidateResult
from screener.taxonomy import RoleProfile, Taxonomy
from screener.timing import StageClock

EVIDENCE_LIST = TypeAdapter(list[EvidenceItem])


@dataclass(frozen=True)
class CandidateTask:
    """What a worker needs to screen one candidate; small, so it pickles cheaply."""

    candidate_id: str
    source: str
    documents: tuple[tuple[str, str, str], ...]  # (path, name relative to INPUT, sha256)
    report_key: str = ""


@dataclass
class CandidateOutcome:
    """A screened candidate, the files written for it, and what it cost.

    With reports written, the batch needs only a row for the ranking: the
    slim result as JSON bytes (``row``), a seventh of the memory of the model
    it stands for; ``result`` is the whole result otherwise.
    """

    status: Status
    ok: bool
    result: CandidateResult | None = None
    row: bytes = b""
    written: dict[str, str] = field(default_factory=dict)  # relative output path -> sha256
    timings: dict[str, float] = field(default_factory=dict)
    cached: bool = False
    pid: int = 0
    max_rss_kb: int = 0

    @classmethod
    def whole(cls, result: CandidateResult) -> CandidateOutcome:
        return cls(status=result.status, ok=result.ok, result=result)


#: Results worth keeping whole in the cache: the same bytes give the same row. Timeouts and crashes are retried.
CACHEABLE_RESULTS = frozenset({Status.OK, *CACHEABLE_FAILURES})


def pack_reports(row: bytes, status: Status, ok: bool, files: dict[str, bytes], digests: dict[str, str]) -> tuple[bytes, int]:
    """A candidate's row and report files as one cache entry: a small JSON header, then the files' bytes; and the header's length.

    Framed rather than JSON-encoded, so a re-run copies the reports out
    without parsing a hundred kilobytes of escaped text per candidate.
    ``digests`` are the files' sha256 as :func:`~screener.outputs.write_files`
    returned them on writing the same bytes, so nothing is hashed twice.
    The length (its 4-byte prefix included) is what :func:`unpack_reports`
    reads, stored as a block of its own (``Cache.put``'s ``head``).
    """
    header = {
        "row": row.decode("utf-8"),
        "status": status.value,
        "ok": ok,
        "files": [[name, len(content), digests[name]] for name, content in files.items()],
    }
    encoded = json.dumps(header, ensure_ascii=False).encode("utf-8")
    return len(encoded).to_bytes(4, "big") + encoded + b"".join(files.values()), 4 + len(encoded)


def unpack_reports(stored: StoredPayload) -> tuple[CandidateOutcome, list[tuple[str, int]]]:
    """The outcome (row, status, digests) of a :func:`pack_reports` entry and its files' (name, length), from its header alone.

    The files' bytes follow in ``stored`` (:func:`unpack_files`); a caller whose
    output folder already holds them by their digests never inflates them.
    ValueError (:class:`~screener.cache.DamagedPayload` among them) or KeyError when the entry is damaged.
    """
    size = int.from_bytes(stored.read(4), "big")
    header = json.loads(stored.read(size))
    listing, digests = [], {}
    for name, length, digest in header["files"]:
        listing.append((name, int(length)))
        digests[name] = str(digest)
    outcome = CandidateOutcome(status=Status(header["status"]), ok=bool(header["ok"]), row=header["row"].encode("utf-8"), written=digests, cached=True)
    return outcome, listing


def unpack_files(stored: StoredPayload, listing: list[tuple[str, int]]) -> dict[str, bytes]:
    """The files of a :func:`pack_reports` entry whose header :func:`unpack_reports` has read."""
    body = stored.rest()
    files, offset = {}, 0
    for name, length in listing:
        files[name] = body[offset : offset + length]
        offset += length
    if offset != len(body):
        raise ValueError("the entry's files do not add up to its length")
    return files


@dataclass
class RenderedCandidate:
    """A screened candidate's row and report files, not yet written: what a process without the output folder returns.

    A remote worker (``screener.dask_executor``) sees neither the output
    folder nor the report cache, so it hands these bytes back and the client
    stores them with :meth:`store`, the same call the local path makes.
    """

    status: Status
    ok: bool
    row: bytes
    files: dict[str, bytes]  # relative output path -> content
    timings: dict[str, float] = field(default_factory=dict)
    pid: int = 0
    max_rss_kb: int = 0

    @classmethod
    def of(cls, result: CandidateResult) -> RenderedCandidate:
        """Render ``result``'s reports and its ranking row, byte for byte what every executor writes."""
        from screener.outputs import render_candidate

        return cls(status=result.status, ok=result.ok, row=result.slim().model_dump_json().encode("utf-8"), files=render_candidate(result))

    def store(self, out_dir: Path, cache: Cache | None, report_key: str) -> CandidateOutcome:
        """Write the files into ``out_dir`` and, when they may be reused, into the cache; the outcome carries the row."""
        from screener.outputs import write_files

        written = write_files(out_dir, self.files)
        if cache is not None and report_key and self.status in CACHEABLE_RESULTS:
            packed, head = pack_reports(self.row, self.status, self.ok, self.files, written)
            cache.put("report", report_key, packed, head=head)
        return CandidateOutcome(status=self.status, ok=self.ok, row=self.row, written=written, timings=self.timings, pid=self.pid, max_rss_kb=self.max_rss_kb)


def write_reports(result: CandidateResult, out_dir: Path, cache: Cache | None, report_key: str) -> CandidateOutcome:
    """Render and write a candidate's reports into ``out_dir`` (and into the cache when it may be reused); the outcome carries its row."""
    return RenderedCandidate.of(result).store(out_dir, cache, report_key)


def peak_rss_kb() -> int:
    """This process's peak resident memory, in KiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if os.uname().sysname == "Darwin" else peak


@dataclass(frozen=True)
class RunSettings:
    """Everything that decides a candidate's outputs, shared by the parent and every worker."""

    taxonomy: Taxonomy
    profiles: dict[str, RoleProfile]
    as_of: datetime.date
    role: str
    engine: str
    limits: Limits
    cache_dir: Path | None = None
    out_dir: Path | None = None  # where each candidate's reports are written as it finishes; None writes nothing
    redact: bool = False  # blind screening: outputs carry no name, contact detail or demographic hint
    job: JobProfile | None = None  # the job candidates are ranked for, if any

    def document_key(self, sha256: str) -> str:
        return document_key(self.engine, self.limits, sha256)

    def evidence_key(self, document_key: str) -> str:
        return cache_key("evidence", code_digest(EVIDENCE_CODE), self.taxonomy.sha256, document_key)

    @cached_property
    def _profiles_json(self) -> str:
        return json.dumps({pid: p.model_dump(mode="json") for pid, p in sorted(self.profiles.items())}, sort_keys=True)

    @cached_property
    def _redaction(self) -> str:
        if not self.redact:
            return "plain"
        from screener.redact import personal_digest

        return f"redact:{personal_digest()}"

    def report_key(self, candidate_id: str, source: str, documents: tuple[tuple[str, str, str], ...]) -> str:
        """Everything a candidate's reports depend on: the whole program's code, knowledge, options and contents."""
        parts = [code_digest(), self.taxonomy.sha256, self._profiles_json, self.as_of.isoformat(), self.role, candidate_id, source, self._redaction]
        parts.append(self.job.model_dump_json() if self.job is not None else "")
        parts += [f"{relative}\0{self.document_key(sha)}" for _, relative, sha in documents]
        return cache_key("report", *parts)


class CandidateScreener:
    """Screens candidates in this process; build once, call for every candidate."""

    def __init__(self, settings: RunSettings) -> None:
        self.settings = settings
        self._vocab = None
        self._extractor = None
        self._cache: Cache | None = None
        self._cache_failed = settings.cache_dir is None

    @property
    def vocab(self):  # type: ignore[no-untyped-def]
        if self._vocab is None:
            from screener.vocabulary import load_vocabulary

            self._vocab = load_vocabulary()
        return self._vocab

    @property
    def extractor(self):  # type: ignore[no-untyped-def]
        if self._extractor is None:
            from screener.evidence import EvidenceExtractor, shared_extractor

            self._extractor = EvidenceExtractor(shared_extractor(self.settings.taxonomy))
        return self._extractor

    def prepare(self, paths: Iterable[Path] = ()) -> None:
        """Build the expensive parts now (before forking workers, so they share them): the readers ``paths`` need, and the report templates when reports are written."""
        from screener.ingest.reader import import_readers

        _ = self.vocab, self.extractor
        import_readers(paths)
        if self.settings.out_dir is not None:
            from screener.outputs import compile_templates

            compile_templates()

    @property
    def cache(self) -> Cache | None:
        if self._cache is None and not self._cache_failed:
            self._cache = open_cache(self.settings.cache_dir)
            self._cache_failed = self._cache is None
        return self._cache

    def _one_commit(self) -> AbstractContextManager[None]:
        """A candidate's cache entries (documents, evidence, reports) written in one transaction when it is done."""
        cache = self.cache
        return cache.deferred() if cache is not None else nullcontext()

    def _document(self, path: Path, relative: str, key: str, sha: str, clock: StageClock) -> Document | DocumentError:
        cache = self.cache
        found = stored_document(cache, key, relative)
        if found is not None:
            return found
        return parse_into_cache(
            cache, key, path, relative, sha, vocabulary=self.vocab, engine=self.settings.engine, limits=self.settings.limits, clock=clock
        )

    def _evidence(self, doc: Document, document_key: str, clock: StageClock) -> list[EvidenceItem]:
        key = self.settings.evidence_key(document_key)
        cache = self.cache
        stored = cache.get("evidence", key) if cache else None
        if stored is not None:
            try:
                return [
                    item.model_copy(update={"document": doc.source}) if item.document != doc.source else item for item in EVIDENCE_LIST.validate_json(stored)
                ]
            except ValidationError:
                pass
        with clock.stage("evidence"):
            items = self.extractor.document(doc)
        if cache:
            cache.put("evidence", key, EVIDENCE_LIST.dump_json(items))
        return items

    def result(self, task: CandidateTask, clock: StageClock) -> CandidateResult:
        """Read, extract and score one candidate (redacted when the run is blind); nothing is written."""
        from screener.batch import assemble_result

        documents: list[tuple[str, Document | DocumentError]] = []
        evidence: list[EvidenceItem] = []
        for path, relative, sha in task.documents:
            key = self.settings.document_key(sha)
            doc = self._document(Path(path), relative, key, sha, clock)
            documents.append((relative, doc))
            if isinstance(doc, Document):
                try:
                    with time_limit(self.settings.limits.time_limit, "finding the evidence"):
                        evidence.extend(self._evidence(doc, key, clock))
                except DocumentError as exc:
                    documents[-1] = (relative, exc)
        with clock.stage("score"):
            result = assemble_result(task, documents, evidence, self.settings)
        if self.settings.redact:
            from screener.redact import header_names, redact_result

            result = redact_result(result, header_names(doc for _, doc in documents if isinstance(doc, Document)))
        return result

    def screen(self, task: CandidateTask) -> CandidateOutcome:
        """Screen one candidate and write its reports into the run's output folder (the whole result without one)."""
        clock = StageClock()
        with self._one_commit():
            result = self.result(task, clock)
            if self.settings.out_dir is None:
                outcome = CandidateOutcome.whole(result)
            else:
                with clock.stage("report"):
                    outcome = write_reports(result, self.settings.out_dir, self.cache, task.report_key)
        outcome.timings, outcome.pid, outcome.max_rss_kb = clock.ms, os.getpid(), peak_rss_kb()
        return outcome

    def render(self, task: CandidateTask) -> RenderedCandidate:
        """Screen one candidate and return its rendered reports instead of writing them (a worker without the output folder)."""
        clock = StageClock()
        with self._one_commit():
            result = self.result(task, clock)
        with clock.stage("report"):
            rendered = RenderedCandidate.of(result)
        rendered.timings, rendered.pid, rendered.max_rss_kb = clock.ms, os.getpid(), peak_rss_kb()
        return rendered


#: The screener of a worker process: inherited from the parent when forked, built by :func:`init_worker` when spawned.
_WORKER: CandidateScreener | None = None


def install(screener: CandidateScreener) -> None:
    """Make ``screener`` the one :func:`screen_in_worker` uses (before forking workers)."""
    global _WORKER
    _WORKER = screener


def init_worker(settings: RunSettings) -> None:
    install(CandidateScreener(settings))


def screen_in_worker(task: CandidateTask) -> CandidateOutcome:
    assert _WORKER is not None, "the worker was not initialised"
    return _WORKER.screen(task)
