"""The benchmark set generator and the peer baselines in benchmarks/: small, real renders, no mocks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import docx
import pdfplumber
import pypdfium2 as pdfium
import pytest

from benchmarks.generate import Job, plan, render_jobs, replicate
from benchmarks.peers import naive_pipeline, pdfium_plain_text
from screener.ingest.reader import read_document

COUNT = 14  # one full run of the format rotation: all six PDF combos, docx and markdown, one folder candidate
SEED = 7


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pdf_text(path: Path) -> tuple[int, str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf), "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


@dataclass
class Bench:
    out: Path
    jobs: list[Job]
    files: list[Path]


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Bench:
    out = tmp_path_factory.mktemp("bench")
    jobs = plan(out, COUNT, SEED)
    return Bench(out, jobs, render_jobs(jobs, workers=1))


def test_every_candidate_is_written_once_with_distinct_bytes(bench: Bench) -> None:
    jobs, files = bench.jobs, bench.files
    assert {j.path for j in jobs} <= set(files)
    assert len(files) == COUNT + sum(j.portfolio for j in jobs)  # a folder candidate adds portfolio.md
    assert any(j.portfolio for j in jobs)
    assert len({_sha(p) for p in files}) == len(files)


def test_formats_and_producers_are_covered_and_match_the_files(bench: Bench) -> None:
    jobs = bench.jobs
    assert len({j.layout for j in jobs}) >= 3
    assert {j.producer for j in jobs if j.path.suffix == ".pdf"} == {"reportlab", "fpdf2"}
    for job in jobs:
        if job.path.suffix != ".pdf":
            continue
        pdf = pdfium.PdfDocument(job.path)
        producer = pdf.get_metadata_dict().get("Producer", "")
        pdf.close()
        assert ("ReportLab" in producer) == (job.producer == "reportlab"), job.path.name


def test_every_pdf_opens_and_has_one_to_three_pages_with_the_name_on_it(bench: Bench) -> None:
    jobs = bench.jobs
    pdfs = [j for j in jobs if j.path.suffix == ".pdf"]
    assert len(pdfs) >= 9
    for job in pdfs:
        pages, text = _pdf_text(job.path)
        assert 1 <= pages <= 3, job.path.name
        assert job.source["name"] in text


def test_same_seed_same_bytes(bench: Bench, tmp_path: Path) -> None:
    again = render_jobs(plan(tmp_path, COUNT, SEED), workers=2)
    assert [p.relative_to(tmp_path) for p in again] == [p.relative_to(bench.out) for p in bench.files]
    assert [_sha(p) for p in again] == [_sha(p) for p in bench.files]


def test_replicas_have_distinct_bytes_and_the_same_text(bench: Bench, tmp_path: Path) -> None:
    flat = [p for p in bench.files if p.parent == bench.out]
    pick = [next(p for p in flat if p.suffix == ext) for ext in (".pdf", ".docx", ".md")]
    pick.append(next(p for p in bench.files if p.name == "portfolio.md"))
    copies = replicate(pick, tmp_path, 3)
    assert len(copies) == 3 * len(pick)
    assert len({_sha(p) for p in copies + pick}) == len(copies) + len(pick)
    assert sum(p.name == "portfolio.md" and p.parent.name.endswith("-r002") for p in copies) == 1
    for src, replicas in zip(pick, [copies[i : i + 3] for i in range(0, len(copies), 3)], strict=True):
        for copy in replicas:
            if src.suffix == ".pdf":
                assert _pdf_text(copy) == _pdf_text(src)
                with pdfplumber.open(copy) as a, pdfplumber.open(src) as b:
                    assert [p.extract_text() for p in a.pages] == [p.extract_text() for p in b.pages]
            elif src.suffix == ".docx":
                assert [p.text for p in docx.Document(str(copy)).paragraphs] == [p.text for p in docx.Document(str(src)).paragraphs]
            else:
                assert copy.read_text(encoding="utf-8").strip() == src.read_text(encoding="utf-8").strip()


def test_the_screener_reads_generated_files_into_sections(bench: Bench, vocab) -> None:
    jobs = bench.jobs
    for layout in ("two_column", "sidebar", "docx", "markdown"):
        job = next(j for j in jobs if j.layout == layout)
        doc = read_document(job.path, vocab)
        assert doc.sections, job.path.name
        assert job.source["name"] in doc.text


def test_peers_report_files_pages_and_time(bench: Bench) -> None:
    files = bench.files
    sample = [p for p in files if p.suffix == ".pdf"][:3] + [next(p for p in files if p.suffix == ".docx")]
    floor = pdfium_plain_text(sample)
    assert floor["files"] == len(sample) and floor["pages"] >= len(sample) and floor["chars"] > 0 and floor["seconds"] > 0
    naive = naive_pipeline(sample)
    assert {"files", "pages", "seconds"} <= naive.keys()
    assert naive["files"] == len(sample) and naive["pages"] == floor["pages"] and naive["seconds"] > 0
    assert all(score["ai_engineer"] + score["ml_engineer"] > 0 for score in naive["scores"])
    assert naive_pipeline(sample, workers=2)["scores"] == naive["scores"]
