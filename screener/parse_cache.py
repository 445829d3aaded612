"""A document parsed once per content: its cache key, and reading through the cache.

A parsed document depends on the file's bytes, the parser's code and
vocabulary, the engine and the size limits, and on nothing a run's taxonomy,
roles or options decide. So any process can read a document into the cache
before a run knows its taxonomy (:mod:`screener.read_ahead`), and a changed
taxonomy re-extracts evidence from stored documents without parsing again.
"""

from __future__ import annotations

import json
from pathlib import Path

from screener.cache import Cache, cache_key, pickled, unpickled
from screener.document import Document, Status
from screener.errors import DocumentError
from screener.fingerprint import PARSE_CODE, code_digest, vocabulary_digest
from screener.ingest.limits import Limits
from screener.timing import StageClock
from screener.vocabulary import Vocabulary

#: Failures worth remembering: the same bytes fail the same way. Timeouts and unexpected errors are retried.
CACHEABLE_FAILURES = frozenset({Status.NO_TEXT, Status.ENCRYPTED, Status.CORRUPT, Status.UNSUPPORTED})


def document_key(engine: str, limits: Limits, sha256: str) -> str:
    return cache_key("document", code_digest(PARSE_CODE), vocabulary_digest(), engine, str(limits.max_pages), str(limits.max_bytes), sha256)


def stored_document(cache: Cache | None, key: str, relative: str) -> Document | DocumentError | None:
    """The document (or remembered failure) stored under ``key``, named ``relative`` in this run; None when absent or unreadable."""
    stored = cache.get("document", key) if cache else None
    if stored is None:
        return None
    if not stored.startswith(b"{"):
        # Pickled (cache.pickled): a document's lines are shared by its blocks and sections, which a pickle keeps
        # once and JSON would write three times, so it reads back in about a third of the time.
        doc = unpickled(stored, Document)
        return doc.model_copy(update={"source": relative}) if doc is not None else None  # damaged: parse again
    try:
        failure = json.loads(stored)["failure"]
        return DocumentError(Status(failure["status"]), failure["message"])
    except (ValueError, KeyError, TypeError):
        return None  # a damaged entry: parse again


def parse_into_cache(
    cache: Cache | None,
    key: str,
    path: Path,
    relative: str,
    sha256: str,
    *,
    vocabulary: Vocabulary,
    engine: str,
    limits: Limits,
    clock: StageClock,
) -> Document | DocumentError:
    """Parse the file and store what came of it (a document, or a failure the same bytes would meet again)."""
    from screener.ingest.reader import read_document

    try:
        doc = read_document(path, vocabulary, engine=engine, limits=limits, source=relative, sha256=sha256, clock=clock)
    except DocumentError as exc:
        if cache and exc.status in CACHEABLE_FAILURES:
            cache.put("document", key, json.dumps({"failure": {"status": exc.status.value, "message": exc.message}}).encode())
        return exc
    if cache:
        cache.put("document", key, pickled(doc))
    return doc
