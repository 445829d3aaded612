"""Tests for the fictional sample resumes in samples/ (sources, renderer, committed renders)."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from pydantic import ValidationError

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SOURCES_DIR = SAMPLES / "sources"
RESUMES_DIR = SAMPLES / "resumes"


def _load_render_module():
    spec = importlib.util.spec_from_file_location("samples_render", SAMPLES / "render.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


R = _load_render_module()
SOURCE_PATHS = R.source_paths(SOURCES_DIR)
SLUGS = [p.stem for p in SOURCE_PATHS]
RESUMES = {p.stem: R.validate(R.load_source(p)) for p in SOURCE_PATHS}

DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-"})


def _norm(s: str) -> str:
    """Dash normalisation (fpdf2 core fonts print ASCII hyphens) plus whitespace squeeze."""
    return re.sub(r"[ \t]+", " ", s.translate(DASHES))


def extract(path: Path) -> list[str]:
    """Comparable text of a rendered file: one string per PDF page / docx paragraph / file."""
    if path.suffix == ".pdf":
        with pdfplumber.open(path) as pdf:
            return [page.extract_text() or "" for page in pdf.pages]
    if path.suffix == ".docx":
        import docx

        return [p.text for p in docx.Document(str(path)).paragraphs]
    return [path.read_text(encoding="utf-8")]


def all_entries(res):
    for sec in res.sections:
        yield from sec.entries or []


# ----------------------------------------------------------------------------- sources


def test_there_are_enough_sources():
    assert len(SOURCE_PATHS) >= 13


@pytest.mark.parametrize("path", SOURCE_PATHS, ids=SLUGS)
def test_source_validates_against_schema(path):
    res = R.Resume.model_validate(R.load_source(path))
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem)
    # invented contact details only
    assert res.contact.email and res.contact.email.split("@")[1] in {"example.com", "example.org"}
    assert res.contact.phone and "555" in res.contact.phone
    # realistic shape: 2-4 jobs with 2-5 bullets each
    jobs = [e for s in res.sections if s.kind == "experience" for e in s.entries]
    assert 2 <= len(jobs) <= 4, path.stem
    for e in jobs:
        assert 2 <= len(e.bullets) <= 5, (path.stem, e.title)
    assert any(s.kind == "skills" for s in res.sections)
    assert any(s.kind == "education" for s in res.sections)
    if res.render.layout in R.PDF_LAYOUTS and res.render.producer == "fpdf2":
        # fpdf2 core fonts are latin-1: keep the source printable as-is ("exactly as printed")
        path.read_text(encoding="utf-8").encode("latin-1")


def test_schema_rejects_unknown_keys_and_bad_dates():
    base = R.load_source(SOURCE_PATHS[0])
    with pytest.raises(ValidationError, match="nickname"):
        R.validate({**base, "nickname": "x"})
    bad = R.load_source(SOURCE_PATHS[0])
    entry = next(s for s in bad["sections"] if s["kind"] == "experience")["entries"][0]
    entry["start"] = "1999-01"
    with pytest.raises(ValidationError, match="start 1999-01 not found"):
        R.validate(bad)


def test_mix_of_layouts_producers_formats_and_headings():
    layouts = Counter(r.render.layout for r in RESUMES.values())
    assert set(layouts) == set(R.LAYOUTS)
    pdf = [r for r in RESUMES.values() if r.render.layout in R.PDF_LAYOUTS]
    assert len(pdf) >= 7
    producers = Counter(r.render.producer for r in pdf)
    assert producers["reportlab"] >= 2 and producers["fpdf2"] >= 2
    assert sum(r.portfolio is not None for r in RESUMES.values()) >= 1

    dates = {e.dates for r in RESUMES.values() for e in all_entries(r)}
    for fmt in ["Mar 2022 – Present", "2019 – 2021", "03/2020 - 11/2022", "Summer 2018", "Jan. 2021 – Current", "2017–2019", "June 2015 - Aug 2017"]:
        assert fmt in dates, fmt
    headings = {s.heading.lower() for r in RESUMES.values() for s in r.sections}
    for h in [
        "Experience",
        "Professional Experience",
        "Work History",
        "Employment History",
        "Projects",
        "Selected Projects",
        "Skills",
        "Technical Skills",
        "Toolbox",
        "Education",
        "Publications",
        "Certifications",
        "Summary",
        "Profile",
        "About Me",
    ]:
        assert h.lower() in headings, h


def test_two_column_sources_list_main_sections_before_side_sections():
    for slug, res in RESUMES.items():
        if res.render.layout in ("two_column", "sidebar"):
            side = [s.kind in R.SIDE_KINDS for s in res.sections]
            assert side == sorted(side), f"{slug}: printed order would not match the YAML order"


# ----------------------------------------------------------------------------- rendering

CASES = [(layout, producer) for layout in R.PDF_LAYOUTS for producer in R.PRODUCERS] + [
    ("docx", "reportlab"),
    ("markdown", "reportlab"),
    ("text", "reportlab"),
]


@pytest.mark.parametrize("layout,producer", CASES, ids=[f"{lay}-{prod}" for lay, prod in CASES])
def test_every_layout_renders(tmp_path, layout, producer):
    slug = "ingrid-solberg"
    source = R.load_source(SOURCES_DIR / f"{slug}.yaml")
    out = R.render(source, layout, producer, tmp_path / f"{slug}{R.EXTENSIONS[layout]}")
    assert out.exists() and 0 < out.stat().st_size < 100_000
    text = _norm("\n".join(extract(out)))
    res = RESUMES[slug]
    assert res.name in text
    for e in all_entries(res):
        assert _norm(e.title) in text, e.title
        assert _norm(e.dates) in text, e.dates


@pytest.mark.parametrize("layout,producer", [("single_column", "reportlab"), ("sidebar", "fpdf2"), ("docx", "reportlab")])
def test_rendering_is_byte_deterministic(tmp_path, layout, producer):
    source = R.load_source(SOURCES_DIR / "nadia-okafor.yaml")
    ext = R.EXTENSIONS[layout]
    a = R.render(source, layout, producer, tmp_path / f"a{ext}").read_bytes()
    b = R.render(source, layout, producer, tmp_path / f"b{ext}").read_bytes()
    assert a == b


# ----------------------------------------------------------------------------- committed renders


def _needs_square_font(res) -> bool:
    return res.render.layout in R.PDF_LAYOUTS and res.render.producer == "reportlab" and R.theme_for(res, "reportlab").bullet == "▪"


@pytest.mark.parametrize("slug", SLUGS)
def test_committed_renders_are_up_to_date(tmp_path, slug):
    res = RESUMES[slug]
    if _needs_square_font(res) and R.square_bullet_font() is None:
        pytest.skip("no TTF with the ▪ glyph on this machine; committed render used one")
    fresh = R.render_person(SOURCES_DIR / f"{slug}.yaml", tmp_path)
    assert fresh
    for new in fresh:
        committed = RESUMES_DIR / new.relative_to(tmp_path)
        assert committed.exists(), f"missing {committed}; run: python samples/render.py"
        assert extract(committed) == extract(new), f"{committed} is stale; run: python samples/render.py"


def test_no_stray_files_in_resumes_dir():
    expected = set()
    for slug, res in RESUMES.items():
        target = R.output_path(slug, res, RESUMES_DIR)
        expected.add(target)
        if res.portfolio is not None:
            expected.add(target.parent / "portfolio.md")
    actual = {p for p in RESUMES_DIR.rglob("*") if p.is_file()}
    assert actual == expected


@pytest.mark.parametrize("slug", SLUGS)
def test_committed_render_contains_titles_dates_and_headings(slug):
    res = RESUMES[slug]
    path = R.output_path(slug, res, RESUMES_DIR)
    assert path.stat().st_size < 100_000
    pages = extract(path)
    text = "\n".join(pages)
    if path.suffix == ".pdf":
        # what a PDF reader actually sees; fpdf2 renders print ASCII dashes
        text = _norm(text) if res.render.producer == "fpdf2" else re.sub(r"[ \t]+", " ", text)
        fix = _norm if res.render.producer == "fpdf2" else (lambda s: s)
    else:
        fix = lambda s: s  # noqa: E731
    assert fix(res.name) in text
    for sec in res.sections:
        assert fix(sec.heading) in text, sec.heading
        for e in sec.entries or []:
            assert fix(e.title) in text, e.title
            if e.dates:
                assert fix(e.dates) in text, e.dates


def test_pdf_renders_have_clickable_links():
    linked = 0
    for slug, res in RESUMES.items():
        path = R.output_path(slug, res, RESUMES_DIR)
        if path.suffix != ".pdf":
            continue
        with pdfplumber.open(path) as pdf:
            uris = {h["uri"] for page in pdf.pages for h in page.hyperlinks}
        if uris:
            linked += 1
            for link in res.contact.links:
                assert R._url(link) in uris, (slug, link)
    assert linked >= 3


def test_folder_candidate_has_resume_and_portfolio():
    folders = [(slug, res) for slug, res in RESUMES.items() if res.portfolio is not None]
    assert folders
    for slug, res in folders:
        folder = RESUMES_DIR / slug
        assert (folder / f"resume{R.EXTENSIONS[res.render.layout]}").exists()
        portfolio = (folder / "portfolio.md").read_text(encoding="utf-8")
        assert portfolio.startswith(f"# {res.portfolio.title}\n")
        for project in res.portfolio.projects:
            assert f"## {project.title}" in portfolio
            for link in project.links:
                assert link in portfolio
