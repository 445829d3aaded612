"""Resumes made in a browser: HTML printed to PDF by Chromium, as resume builders make them.

A browser paints an HTML list's discs as shapes, justifies narrow columns by
stretching spaces and sets a header's contact block beside the name; each of
these once cost the screener its bullets or its reading order. The fixtures
are small HTML files kept in ``tests/data/html``; skipped where no Chromium is
installed (``make test`` installs Debian's where it may).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from screener.document import SectionKind
from screener.evidence import EvidenceExtractor, build_extractor
from screener.ingest.engines import ENGINE_NAMES
from screener.ingest.reader import read_document
from screener.taxonomy import load_taxonomy

from .browser import find_chromium

HTML = Path(__file__).parent / "data" / "html"


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    """Each HTML fixture printed to PDF by headless Chromium."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium to print the HTML fixtures with")
    out = tmp_path_factory.mktemp("printed")
    pdfs = {}
    for page in sorted(HTML.glob("*.html")):
        pdf = out / f"{page.stem}.pdf"
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", f"--print-to-pdf={pdf}"]
        subprocess.run([chromium, *flags, page.as_uri()], capture_output=True, timeout=120, check=False)
        if not pdf.is_file():
            pytest.skip(f"Chromium printed no PDF of {page.name}")
        pdfs[page.stem] = pdf
    return pdfs


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_when_a_header_stands_beside_its_contact_lines_then_they_are_read_before_the_columns(printed, vocab, engine):
    doc = read_document(printed["header-over-sidebar"], vocab, engine=engine)
    text = doc.reading_text()
    assert text.index("Priya Raman") < text.index("Toronto, Canada") < text.index("+1 416 555 0199") < text.index("SKILLS")


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_when_list_discs_are_painted_then_each_list_item_is_one_bullet_with_its_marker(printed, vocab, engine):
    entries = read_document(printed["header-over-sidebar"], vocab, engine=engine).section(SectionKind.EXPERIENCE).entries
    assert [len(entry.bullets) for entry in entries] == [3, 2]
    assert entries[0].bullets[2].text == "Set up drift monitoring with Evidently and MLflow model registry; caught two regressions before release."
    assert {bullet.marker for entry in entries for bullet in entry.bullets} == {"\u2022"}


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_when_a_narrow_justified_column_holds_the_bullets_then_they_are_whole_and_their_work_is_evidence(printed, vocab, engine):
    doc = read_document(printed["narrow-justified"], vocab, engine=engine)
    entry = doc.section(SectionKind.EXPERIENCE).entries[0]
    assert entry.title == "ML Engineer" and entry.organisation == "Acme"
    assert [bullet.text for bullet in entry.bullets] == [
        "Shipped a retrieval augmented generation service using vector database search in production, cutting p95 latency by 40%.",
        "Built feature store pipelines and model monitoring with drift detection for fraud models in production serving 2M users.",
    ]
    shipped = {skill.id for item in EvidenceExtractor(build_extractor(load_taxonomy())).document(doc) if item.strength == "shipped" for skill in item.skills}
    assert {"rag", "vector_databases"} <= shipped
