"""PDF to Document: checks, limits and error mapping around an extraction engine.

Every way a PDF can fail ends here as a :class:`DocumentError` with a status
and one line a recruiter can act on; nothing else escapes. A damaged page is
skipped with a warning, so a file that a careful reader could still read is
still read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from screener.document import Document, LayoutInfo, Link, Status
from screener.errors import DocumentError
from screener.ingest import pdfium_engine
from screener.ingest.engines import DEFAULT_ENGINE, PDFIUM, PDFPLUMBER
from screener.ingest.hidden import hidden_warnings, visible_pages
from screener.ingest.limits import Limits, time_limit
from screener.ingest.words import PageWords
from screener.layout.page_lines import page_lines
from screener.structure.builder import build_document
from screener.structure.links import classify, normalise_url
from screener.structure.source import SourceLine
from screener.timing import NO_CLOCK, StageClock
from screener.vocabulary import Vocabulary

PageReader = Callable[[Path, int], Iterator[PageWords]]


def _pdfplumber_pages(path: Path, max_pages: int) -> Iterator[PageWords]:
    """pdfplumber's pages, its engine imported on first use: pdfplumber and pdfminer cost a process 80-115 ms to import, and a PDFium run needs neither."""
    from screener.ingest import pdfplumber_engine

    return pdfplumber_engine.iter_pages(path, max_pages)


ENGINES: dict[str, PageReader] = {PDFIUM: pdfium_engine.iter_pages, PDFPLUMBER: _pdfplumber_pages}
#: The engine that gets a file the first one could not open.
FALLBACK_ENGINE = {PDFIUM: PDFPLUMBER}

#: A PDF whose words are mostly not word-like (failed OCR, glyph garbage) has no usable text.
MIN_WORDLIKE_SHARE = 0.25
#: How far into a file to look for the PDF header.
HEADER_WINDOW = 1024

# pdfminer logs every oddity of a damaged file; our per-file message says what matters.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _wordlike(text: str) -> bool:
    letters = sum(map(str.isalpha, text))
    return letters >= 2 and letters >= 0.6 * len(text)


def _check_header(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size == 0:
        raise DocumentError(Status.NO_TEXT, "the file is empty (0 bytes)")
    if size > limits.max_bytes:
        raise DocumentError(Status.ERROR, f"the file is {size / 2**20:.1f} MB; the limit is {limits.max_bytes / 2**20:.0f} MB")
    with path.open("rb") as handle:
        head = handle.read(HEADER_WINDOW)
    if b"%PDF-" not in head:
        raise DocumentError(Status.CORRUPT, "not a PDF file (no %PDF header)")


def _describe_failure(exc: BaseException) -> DocumentError:
    """A damaged file's status and one-line message; each engine maps its own password errors to ``encrypted`` as it opens a file."""
    name = type(exc).__name__
    detail = " ".join(str(exc).split())[:120]
    return DocumentError(
        Status.CORRUPT, f"the PDF is damaged and cannot be read ({name}: {detail})" if detail else f"the PDF is damaged and cannot be read ({name})"
    )


def _read_pages(path: Path, engine: PageReader, limits: Limits) -> tuple[list[PageWords], list[str]]:
    pages: list[PageWords] = []
    warnings: list[str] = []
    iterator = engine(path, limits.max_pages + 1)
    while True:
        try:
            page = next(iterator)
        except StopIteration:
            break
        except DocumentError:
            raise
        except Exception as exc:  # noqa: BLE001 - any engine failure becomes a status
            if not pages:
                raise _describe_failure(exc) from None
            warnings.append(f"stopped at page {len(pages) + 1}: {type(exc).__name__}")
            break
        if len(pages) == limits.max_pages:
            warnings.append(f"only the first {limits.max_pages} pages were read")
            break
        pages.append(page)
    return pages, warnings


def _no_text_reason(pages: list[PageWords], truncated: bool) -> str:
    if not pages:
        return "the PDF has no pages"
    if sum(p.unreadable_chars for p in pages) > 0:
        return "the text cannot be decoded (fonts without a Unicode map)"
    if any(p.image_count for p in pages):
        return "no text layer: the PDF is scanned or image-only"
    if truncated:
        return f"no text on the first {len(pages)} pages (the page limit)"
    return "the PDF has no text"


def _enough_wordlike(words: list[str]) -> int:
    """How many of ``words`` are word-like, counted only until there are enough to pass (most of a real resume is)."""
    enough = max(1.0, MIN_WORDLIKE_SHARE * len(words))
    wordlike = 0
    for word in words:
        if _wordlike(word):
            wordlike += 1
            if wordlike >= enough:
                break
    return wordlike


def _check_text(pages: list[PageWords], truncated: bool = False) -> None:
    words = [w.text for p in pages for w in p.words]
    wordlike = _enough_wordlike(words)
    if not words or wordlike == 0:
        raise DocumentError(Status.NO_TEXT, _no_text_reason(pages, truncated))
    if wordlike / len(words) < MIN_WORDLIKE_SHARE:
        if any(p.image_count for p in pages):
            raise DocumentError(Status.NO_TEXT, "the text layer is unreadable: a scan with failed OCR")
        raise DocumentError(Status.NO_TEXT, "the text layer is unreadable glyph garbage")


def _annotation_links(pages: list[PageWords], vocab: Vocabulary) -> list[Link]:
    """Each link annotation's target, with the words printed inside its box (as columns: a page has hundreds of words, a few links)."""
    links = []
    for page in pages:
        if not page.links:
            continue
        texts, x0, top, x1, bottom = list(zip(*((w.text, w.x0, w.top, w.x1, w.bottom) for w in page.words), strict=True)) or [()] * 5
        x0, top, x1, bottom = (np.asarray(column, dtype=np.float64) for column in (x0, top, x1, bottom))
        for link in page.links:
            box = link.box
            inside = (x0 >= box.x0 - 1) & (x1 <= box.x1 + 1) & (top >= box.top - 2) & (bottom <= box.bottom + 2)
            text = " ".join(texts[i] for i in np.flatnonzero(inside).tolist())
            url = normalise_url(link.uri)
            links.append(Link(url=url, kind=classify(url, vocab), text=text or None, page=page.number, source="annotation"))
    return links


def pdf_lines(pages: list[PageWords]) -> tuple[list[SourceLine], LayoutInfo]:
    lines: list[SourceLine] = []
    multi: list[int] = []
    next_column = 0
    for page in pages:
        layout = page_lines(page, first_column=next_column)
        lines.extend(layout.lines)
        next_column = max((line.column for line in layout.lines), default=next_column) + 1
        if layout.multi_column:
            multi.append(page.number)
    info = LayoutInfo(
        pages=len(pages),
        multi_column_pages=tuple(multi),
        chars=sum(p.char_count for p in pages),
        unreadable_chars=sum(p.unreadable_chars for p in pages),
        images=sum(p.image_count for p in pages),
    )
    return lines, info


def _pages(path: Path, engine: str, limits: Limits) -> tuple[list[PageWords], list[str]]:
    try:
        return _read_pages(path, ENGINES[engine], limits)
    except DocumentError as exc:
        if exc.status is not Status.CORRUPT or engine not in FALLBACK_ENGINE:
            raise
    # Engines forgive different damage; the other one gets its chance.
    pages, warnings = _read_pages(path, ENGINES[FALLBACK_ENGINE[engine]], limits)
    warnings.append(f"read with {FALLBACK_ENGINE[engine]}: {engine} could not open the file")
    return pages, warnings


def read_pdf(
    path: Path,
    vocab: Vocabulary,
    *,
    engine: str = DEFAULT_ENGINE,
    limits: Limits | None = None,
    source: str | None = None,
    sha256: str = "",
    clock: StageClock = NO_CLOCK,
) -> Document:
    """Parse a PDF into a Document, or raise DocumentError with a status."""
    limits = limits or Limits()
    if engine not in ENGINES:
        raise DocumentError(Status.ERROR, f"unknown PDF engine {engine!r} (choose from {', '.join(sorted(ENGINES))})")
    _check_header(path, limits)
    with time_limit(limits.time_limit, "reading the PDF"):
        with clock.stage("extract"):
            pages, warnings = _pages(path, engine, limits)
            pages, hidden = visible_pages(pages)
            _check_text(pages, truncated=len(pages) >= limits.max_pages)
        with clock.stage("layout"):
            lines, info = pdf_lines(pages)
            info = info.model_copy(update={"hidden": hidden, "hyphenates": vocab.hyphenates(pages[0].producer)})
            warnings.extend(hidden_warnings(hidden))
        with clock.stage("structure"):
            return build_document(
                lines,
                source=source or path.name,
                format="pdf",
                vocab=vocab,
                engine=engine,
                sha256=sha256,
                annotation_links=_annotation_links(pages, vocab),
                layout=info,
                warnings=tuple(warnings),
            )
