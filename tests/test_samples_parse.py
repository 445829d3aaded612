"""Parsing every bundled sample finds what its source data says is there.

The samples' YAML sources are the answer key: each section's kind and
heading, and each entry's title, organisation and date range.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from screener.document import SectionKind
from screener.ingest.reader import read_document

from .conftest import REPO

sys.path.insert(0, str(REPO / "samples"))
import render  # noqa: E402  (samples/render.py: the sources' schema and paths)

ENTRY_KINDS = {"experience", "projects", "education"}
SOURCES = render.source_paths()


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = re.sub(r"[‐‑‒–—−-]", "-", text)
    return " ".join(text.split())


def partial(date) -> str | None:  # type: ignore[no-untyped-def]
    return str(date) if date else None


def source_and_document(path, vocab):  # type: ignore[no-untyped-def]
    resume = render.validate(render.load_source(path))
    return resume, read_document(render.output_path(path.stem, resume), vocab)


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_when_a_sample_is_parsed_then_its_sections_are_found(path, vocab):
    resume, doc = source_and_document(path, vocab)
    found = [(s.kind.value, norm(s.heading)) for s in doc.sections]
    expected = [(s.kind, norm(s.heading)) for s in resume.sections]
    missing = [e for e in expected if e not in found]
    assert missing == [], f"parsed sections: {found}"


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_when_a_sample_is_parsed_then_its_entries_match_the_source(path, vocab):
    resume, doc = source_and_document(path, vocab)
    problems = []
    for section in resume.sections:
        if section.kind not in ENTRY_KINDS or not section.entries:
            continue
        parsed = doc.section(SectionKind(section.kind))
        parsed_entries = parsed.entries if parsed else ()
        for entry in section.entries:
            match = next((e for e in parsed_entries if norm(e.title) == norm(entry.title)), None)
            if match is None:
                problems.append(f"{section.kind}: no entry titled {entry.title!r} in {[e.title for e in parsed_entries]}")
                continue
            if entry.organisation and norm(match.organisation) != norm(entry.organisation):
                problems.append(f"{entry.title}: organisation {match.organisation!r} != {entry.organisation!r}")
            if entry.dates:
                got = (partial(match.dates.start), "present" if match.dates.current else partial(match.dates.end)) if match.dates else None
                if got != (entry.start, entry.end):
                    problems.append(f"{entry.title}: dates {got} != {(entry.start, entry.end)}")
            if len(match.bullets) != len(entry.bullets):
                problems.append(f"{entry.title}: {len(match.bullets)} bullets != {len(entry.bullets)}")
    assert not problems, "\n".join(problems)


PORTFOLIOS = [p for p in SOURCES if render.validate(render.load_source(p)).portfolio is not None]


@pytest.mark.parametrize("path", PORTFOLIOS, ids=[p.stem for p in PORTFOLIOS])
def test_when_a_portfolio_is_parsed_then_its_projects_are_entries(path, vocab):
    resume = render.validate(render.load_source(path))
    folder = render.output_path(path.stem, resume).parent
    doc = read_document(folder / "portfolio.md", vocab)
    section = doc.section(SectionKind.PORTFOLIO)
    assert section is not None, [s.kind for s in doc.sections]
    titled = {norm(e.title): e for e in section.entries if e.title}
    for project in resume.portfolio.projects:
        entry = titled.get(norm(project.title))
        assert entry is not None, f"{project.title!r} not in {list(titled)}"
        assert len(entry.bullets) == len(project.bullets)
        if project.dates:
            assert (partial(entry.dates.start), partial(entry.dates.end)) == (project.start, project.end)
