"""Two peer baselines to time the screener against, over the same files.

``pdfium_plain_text`` is the floor: the least work that still touches every page's text.
``naive_pipeline`` is what a naive screener does: pdfplumber text plus keyword counting.
Both read non-PDF files plainly (docx: python-docx paragraph text; md/txt: the file as
UTF-8), so they cover the same files as the screener, and both count a non-PDF file as
one page, as ``screener.bench`` does. ``seconds`` is wall time for the whole call,
setup (taxonomy load, worker start-up) included, since a real run pays for it too.
"""

from __future__ import annotations

import logging
import time
from multiprocessing import get_context
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from screener.taxonomy import load_taxonomy


def _plain_text(path: Path) -> str:
    """Text of a non-PDF file without any structure: what both peers do for docx/md/txt."""
    if path.suffix.casefold() == ".docx":
        from docx import Document

        return "\n".join(p.text for p in Document(str(path)).paragraphs)
    return path.read_text(encoding="utf-8", errors="replace")


def _pdfium_pages(path: Path) -> tuple[int, int]:
    """(pages, characters) of one PDF through PDFium's text pages, every handle closed."""
    pdf = pdfium.PdfDocument(path)
    chars = 0
    try:
        pages = len(pdf)
        for page in pdf:
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return pages, chars


def pdfium_plain_text(paths: list[Path]) -> dict:
    """The PDFium plain-text floor, in one process: {"files", "pages", "chars", "seconds"}."""
    started = time.perf_counter()
    pages = chars = 0
    for path in map(Path, paths):
        if path.suffix.casefold() == ".pdf":
            n, c = _pdfium_pages(path)
        else:
            n, c = 1, len(_plain_text(path))
        pages += n
        chars += c
    return {"files": len(paths), "pages": pages, "chars": chars, "seconds": time.perf_counter() - started}


# --------------------------------------------------------------------------- naive peer

#: Per process: (skill id -> lower-cased aliases, role id -> skill ids in that role's pillars).
_KEYWORDS: tuple[dict[str, list[str]], dict[str, set[str]]] | None = None


def _load_keywords() -> None:
    """Load the bundled taxonomy once per process (a Pool initializer, or the caller itself)."""
    global _KEYWORDS
    taxonomy = load_taxonomy()
    aliases = {s.id: sorted({a.lower() for a in s.aliases}) for s in taxonomy.skills.values()}
    roles = {r.id: {s.id for s in taxonomy.skills.values() if set(s.pillars) & set(r.pillars)} for r in taxonomy.roles.values()}
    _KEYWORDS = (aliases, roles)


def _pdfplumber_text(path: Path) -> tuple[int, str]:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages), "\n".join(page.extract_text() or "" for page in pdf.pages)


def _naive_one(path: Path) -> tuple[int, dict[str, int]]:
    """(pages, role id -> distinct skills mentioned): plain substring counts, no context, no sections."""
    assert _KEYWORDS is not None, "_load_keywords() first"
    aliases, roles = _KEYWORDS
    pages, text = _pdfplumber_text(path) if path.suffix.casefold() == ".pdf" else (1, _plain_text(path))
    low = text.lower()
    counts = {skill: sum(low.count(a) for a in words) for skill, words in aliases.items()}
    found = {skill for skill, n in counts.items() if n}
    return pages, {role: len(found & skills) for role, skills in roles.items()}


def naive_pipeline(paths: list[Path], workers: int = 1) -> dict:
    """The naive peer: {"files", "pages", "seconds", "scores"} with one {role: distinct skills} per path.

    Substring counting over-counts short aliases ("r", "go" match inside words); that is
    the point, it is the baseline a careful reader is compared with. With ``workers > 1``
    the files go to a fork Pool that loads the taxonomy once per worker.
    """
    started = time.perf_counter()
    # pdfminer warns once per glyph of a font without a FontBBox (several corpus files); the peer's output is its time, not its log.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    paths = [Path(p) for p in paths]
    if workers > 1:
        with get_context("fork").Pool(workers, initializer=_load_keywords) as pool:
            results = pool.map(_naive_one, paths, chunksize=8)
    else:
        _load_keywords()
        results = [_naive_one(p) for p in paths]
    return {
        "files": len(paths),
        "pages": sum(pages for pages, _ in results),
        "seconds": time.perf_counter() - started,
        "scores": [scores for _, scores in results],
    }
