"""The read-ahead: documents parsed into the cache while the parent gets ready, never changing what a run writes.

Real runs: the sample resumes and a broken PDF, read by a real forked child
into a real SQLite cache, then screened by real workers.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from screener.batch import screen
from screener.discover import discover
from screener.ingest.limits import Limits
from screener.parallel import available_cores, fork_available
from screener.read_ahead import MIN_CANDIDATES, ReadAhead, read_ahead_for

from .conftest import REPO
from .test_batch_parallel import PARSE_STAGES, differing, outputs

AS_OF = datetime.date(2026, 11, 22)
SAMPLES = REPO / "samples" / "resumes"

pytestmark = pytest.mark.skipif(not fork_available(), reason="the read-ahead forks")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    """The samples and a truncated PDF (a failure the cache remembers)."""
    folder = tmp_path_factory.mktemp("read-ahead-inbox")
    shutil.copytree(SAMPLES, folder, dirs_exist_ok=True)
    whole = (SAMPLES / "brandon-keller.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    return folder


def documents_in(folder: Path) -> int:
    return sum(len(candidate.documents) for candidate in discover(folder).candidates)


def test_a_read_ahead_left_to_finish_stores_every_document_and_the_run_then_parses_none(inbox, tmp_path):
    cache_dir = tmp_path / "cache"
    ahead = ReadAhead(discover(inbox), inbox, cache_dir=cache_dir, engine="pdfium", limits=Limits()).start()
    ahead.wait(timeout=300)
    ahead.stop()
    assert ahead.documents == documents_in(inbox)
    assert PARSE_STAGES <= set(ahead.timings), ahead.timings

    run = screen(inbox, as_of=AS_OF, workers=2, cache_dir=cache_dir, out_dir=tmp_path / "after")
    assert set(run.stats["stage_ms"]) & PARSE_STAGES == set(), "a worker parsed a document the read-ahead had stored"
    assert run.stats["documents_read_ahead"] == 0  # its own read-ahead found every document stored

    plain = screen(inbox, as_of=AS_OF, workers=0, cache=False, out_dir=tmp_path / "plain")
    assert plain.stats["documents_read_ahead"] == 0
    assert differing(outputs(tmp_path / "after"), outputs(tmp_path / "plain")) == []


def test_a_read_ahead_stopped_at_once_leaves_a_cache_the_run_uses_as_usual(inbox, tmp_path):
    cache_dir = tmp_path / "cache"
    ahead = ReadAhead(discover(inbox), inbox, cache_dir=cache_dir, engine="pdfium", limits=Limits()).start()
    ahead.stop()
    ahead.stop()  # again: nothing more to do
    assert 0 <= ahead.documents <= documents_in(inbox)

    run = screen(inbox, as_of=AS_OF, workers=2, cache_dir=cache_dir, out_dir=tmp_path / "after")
    assert run.stats["candidates_screened"] == len(discover(inbox).candidates)
    screen(inbox, as_of=AS_OF, workers=0, cache=False, out_dir=tmp_path / "plain")
    assert differing(outputs(tmp_path / "after"), outputs(tmp_path / "plain")) == []


def test_a_run_counts_what_its_read_ahead_parsed_as_its_own_stage_time(inbox, tmp_path):
    run = screen(inbox, as_of=AS_OF, workers=2, cache_dir=tmp_path / "cache", out_dir=tmp_path / "out")
    documents = documents_in(inbox)
    assert 0 <= run.stats["documents_read_ahead"] <= documents
    # Every document was parsed once, by the read-ahead or by a worker, and its parse time counted either way.
    assert PARSE_STAGES <= set(run.stats["stage_ms"])


@pytest.mark.skipif(available_cores() < 2, reason="a read-ahead needs a second core")
def test_a_read_ahead_is_started_only_where_it_can_help(inbox, tmp_path):
    found, few = discover(inbox), discover(SAMPLES / "nadia-okafor.pdf")
    assert len(found.candidates) >= MIN_CANDIDATES > len(few.candidates)

    def ahead(found=found, cache_dir=tmp_path, workers=2, executor="local"):  # type: ignore[no-untyped-def]
        return read_ahead_for(found, inbox, cache_dir=cache_dir, workers=workers, executor=executor, engine="pdfium", limits=Limits())

    assert isinstance(ahead(), ReadAhead)
    assert isinstance(ahead(workers=1), ReadAhead)
    assert ahead(cache_dir=None) is None, "without a cache the workers could not find what it read"
    assert ahead(workers=0) is None, "screening in this process: no second process"
    assert ahead(executor="dask") is None, "Dask workers do not share the cache"
    assert ahead(found=few) is None
