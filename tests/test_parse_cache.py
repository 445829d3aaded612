"""The parse cache: a document read back is the document stored, damage is a miss, failures are remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.cache import Cache
from screener.document import Status
from screener.errors import DocumentError
from screener.fingerprint import file_sha256
from screener.ingest.limits import Limits
from screener.parse_cache import document_key, parse_into_cache, stored_document
from screener.timing import StageClock

from .conftest import REPO
from .pdf_fixtures import encrypted_pdf

SAMPLE = sorted((REPO / "samples" / "resumes").rglob("*.pdf"))[0]


def _parse(cache: Cache, path: Path, vocab):
    sha = file_sha256(path)
    key = document_key("pdfium", Limits(), sha)
    found = parse_into_cache(cache, key, path, path.name, sha, vocabulary=vocab, engine="pdfium", limits=Limits(), clock=StageClock())
    return key, found


def test_a_stored_document_reads_back_as_the_one_parsed_under_the_name_this_run_gives_it(tmp_path, vocab):
    cache = Cache(tmp_path / "cache")
    key, parsed = _parse(cache, SAMPLE, vocab)
    back = stored_document(cache, key, "renamed/resume.pdf")
    assert back.source == "renamed/resume.pdf"
    assert back.model_copy(update={"source": parsed.source}) == parsed
    assert back.model_dump_json() == parsed.model_copy(update={"source": "renamed/resume.pdf"}).model_dump_json()


@pytest.mark.parametrize("damage", [b"", b"\x80\x05garbage", b"not a pickle", b'{"failure": 3}', b"{broken json"])
def test_a_damaged_entry_is_a_miss(tmp_path, vocab, damage):
    cache = Cache(tmp_path / "cache")
    key, _ = _parse(cache, SAMPLE, vocab)
    cache.put("document", key, damage)
    assert stored_document(cache, key, SAMPLE.name) is None


def test_a_stored_object_that_is_not_a_document_is_a_miss(tmp_path):
    import pickle

    cache = Cache(tmp_path / "cache")
    cache.put("document", "k" * 64, pickle.dumps({"text": "a dict, not a Document"}))
    assert stored_document(cache, "k" * 64, "x.pdf") is None


def test_a_failure_the_same_bytes_would_meet_again_is_remembered(tmp_path, vocab):
    cache = Cache(tmp_path / "cache")
    locked = encrypted_pdf(tmp_path / "locked.pdf")
    key, failed = _parse(cache, locked, vocab)
    assert isinstance(failed, DocumentError) and failed.status is Status.ENCRYPTED
    again = stored_document(cache, key, "locked.pdf")
    assert isinstance(again, DocumentError) and (again.status, again.message) == (failed.status, failed.message)


def test_a_document_pickled_by_other_libraries_is_a_miss(tmp_path, vocab):
    # A pickle holds pydantic's internal state: one written under another pydantic (or Python) is not trusted.
    import pickle

    cache = Cache(tmp_path / "cache")
    key, parsed = _parse(cache, SAMPLE, vocab)
    assert stored_document(cache, key, SAMPLE.name) is not None
    cache.put("document", key, pickle.dumps((("1.0", (3, 0)), parsed)))
    assert stored_document(cache, key, SAMPLE.name) is None
