"""The pdfplumber engine: pdfminer's characters turned into positioned words.

pdfplumber's own ``extract_words`` glues the words of tightly set LaTeX lines
together at its default tolerance, so we read its characters and let
:mod:`screener.ingest.assemble` decide where words break.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text
from pdfplumber.page import PDFPageAggregatorWithMarkedContent
from pdfplumber.utils import cluster_objects

from screener.document import Status
from screener.errors import DocumentError
from screener.ingest.assemble import Glyph, assemble_words
from screener.ingest.engines import PDFPLUMBER
from screener.ingest.glyphs import CID_GLYPH, UNREADABLE_GLYPH, is_bold_font, is_italic_font, is_private_use, to_rgb
from screener.ingest.words import Box, FilledRect, PageLink, PageWords

NAME = PDFPLUMBER
#: Copies of a character (the same text, font and size) at most this far apart are one character drawn
#: twice, as fake bold and shadowed text are drawn: pdfplumber's ``dedupe_chars`` rule and tolerance.
#: PDFium leaves such copies out of its text page itself, so the two engines read such text alike.
DUPLICATE_TOLERANCE = 1.0
#: ... and never more than this share of the font size apart, so that small type's doubled letters stay two.
DUPLICATE_MAX_EM = 0.15


class _ActualTextAggregator(PDFPageAggregatorWithMarkedContent):
    """Remembers /ActualText spans, which pdfminer ignores.

    Producers wrap icons ("email:", "Date:") and hyphenated or ligated words in
    marked content whose /ActualText is what a reader should take the glyphs
    for. Each char drawn inside such a span gets the span's negative id as its
    ``mcid``; :attr:`spans` maps the id to the replacement text.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.spans: dict[int, str] = {}
        self._stack: list[int | None] = []

    def begin_tag(self, tag, props=None) -> None:  # type: ignore[no-untyped-def]
        super().begin_tag(tag, props)
        span = None
        props = resolve1(props)
        if isinstance(props, dict) and "ActualText" in props:
            raw = resolve1(props["ActualText"])
            text = decode_text(raw) if isinstance(raw, bytes) else str(raw or "")
            span = -(len(self.spans) + 1)
            self.spans[span] = text
        elif self._stack:
            span = self._stack[-1]
        self._stack.append(span)

    def end_tag(self) -> None:
        super().end_tag()
        if self._stack:
            self._stack.pop()

    def render_char(self, *args, **kwargs) -> float:  # type: ignore[no-untyped-def]
        adv = super().render_char(*args, **kwargs)
        if self._stack and self._stack[-1] is not None and self.cur_item._objs:
            self.cur_item._objs[-1].mcid = self._stack[-1]
        return adv


def _lay_out(page: pdfplumber.page.Page) -> dict[int, str]:
    """Interpret the page with :class:`_ActualTextAggregator`; return its spans."""
    device = _ActualTextAggregator(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    interpreter = PDFPageInterpreter(page.pdf.rsrcmgr, device)
    interpreter.process_page(page.page_obj)
    page._layout = device.get_result()  # pdfplumber reads its objects from here
    return device.spans


def _apply_actual_text(chars: list[dict], spans: dict[int, str]) -> list[dict]:
    """Replace each run of chars inside an /ActualText span by one char."""
    if not spans:
        return chars
    out: list[dict] = []
    index = 0
    while index < len(chars):
        ch = chars[index]
        span = ch.get("mcid")
        if not isinstance(span, int) or span not in spans:
            out.append(ch)
            index += 1
            continue
        end = index
        while end < len(chars) and chars[end].get("mcid") == span:
            end += 1
        run = chars[index:end]
        replacement = spans[span].replace("\n", " ")
        if replacement.strip():
            merged = dict(run[0])
            merged["text"] = replacement
            merged["x0"] = min(c["x0"] for c in run)
            merged["x1"] = max(c["x1"] for c in run)
            merged["top"] = min(c["top"] for c in run)
            merged["bottom"] = max(c["bottom"] for c in run)
            out.append(merged)
        index = end
    return out


def drop_duplicates(chars: list[dict]) -> list[dict]:
    """``chars`` with each character drawn twice at (nearly) one place kept once, the first by position, in their order.

    pdfplumber's ``dedupe_chars`` rule, with its ``cluster_objects``, without its cost: it puts the
    survivors back in order with ``list.index``, 40-140 ms on a page of 2,000-3,500 chars.
    """
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, char in enumerate(chars):
        groups[(char.get("upright"), char.get("text"), char.get("fontname"), char.get("size"))].append(index)
    dropped: set[int] = set()
    for (_, _, _, size), members in groups.items():
        tolerance = min(DUPLICATE_TOLERANCE, DUPLICATE_MAX_EM * float(size or 0.0))
        if len(members) < 2 or tolerance <= 0:
            continue
        for line in cluster_objects(members, lambda i: chars[i]["doctop"], tolerance):
            for place in cluster_objects(line, lambda i: chars[i]["x0"], tolerance) if len(line) > 1 else ():
                first = min(place, key=lambda i: (chars[i]["doctop"], chars[i]["x0"]))
                dropped.update(i for i in place if i != first)
    return [char for index, char in enumerate(chars) if index not in dropped] if dropped else chars


def _glyphs(chars: list[dict]) -> tuple[list[Glyph], int]:
    glyphs: list[Glyph] = []
    unreadable = 0
    font_cache: dict[str, tuple[bool, bool]] = {}
    for ch in chars:
        text = ch.get("text") or ""
        if CID_GLYPH.match(text):
            # Kept as U+FFFD: a lone one opening a line is a bullet drawn in a
            # font without a Unicode map; runs of them mark garbled text.
            unreadable += 1
            text = UNREADABLE_GLYPH
        if is_private_use(text):
            continue
        fontname = ch.get("fontname") or ""
        if fontname not in font_cache:
            font_cache[fontname] = (is_bold_font(fontname), is_italic_font(fontname))
        bold, italic = font_cache[fontname]
        glyphs.append(
            Glyph(
                text,
                float(ch["x0"]),
                float(ch["top"]),
                float(ch["x1"]),
                float(ch["bottom"]),
                float(ch.get("size") or 0.0),
                bold,
                italic,
                to_rgb(ch.get("non_stroking_color")),
                bool(ch.get("upright", True)),
            )
        )
    return glyphs, unreadable


def _links(page: pdfplumber.page.Page) -> tuple[PageLink, ...]:
    links = []
    for link in page.hyperlinks:
        uri = link.get("uri")
        if isinstance(uri, bytes):
            uri = uri.decode("latin-1", "replace")
        if uri:
            links.append(PageLink(uri=str(uri), box=Box(x0=link["x0"], top=link["top"], x1=link["x1"], bottom=link["bottom"])))
    return tuple(links)


def _rects(page: pdfplumber.page.Page, shapes: str = "rects") -> tuple[FilledRect, ...]:
    """Filled rectangles (``shapes="rects"``), or the bounds of filled curves (``"curves"``)."""
    rects = []
    for rect in getattr(page, shapes):
        if not rect.get("fill"):
            continue
        rects.append(
            FilledRect(
                box=Box(x0=rect["x0"], top=rect["top"], x1=rect["x1"], bottom=rect["bottom"]),
                color=to_rgb(rect.get("non_stroking_color")),
                rectangle=shapes == "rects",
            )
        )
    return tuple(rects)


def producer(pdf: pdfplumber.PDF) -> str:
    """The tools a PDF names as its makers (Producer and Creator), as the PDFium engine reads them."""
    values = (pdf.metadata.get(key, "") for key in ("Producer", "Creator"))
    return " ".join(value.decode("latin-1") if isinstance(value, bytes) else str(value) for value in values)


def page_words(page: pdfplumber.page.Page, made_by: str = "") -> PageWords:
    """Read one pdfplumber page into the engine-neutral model."""
    spans = _lay_out(page)
    chars = _apply_actual_text(drop_duplicates(page.chars), spans)
    glyphs, unreadable = _glyphs(chars)
    return PageWords.model_construct(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        words=tuple(assemble_words(glyphs, page.page_number)),
        links=_links(page),
        rects=_rects(page),
        fills=_rects(page) + _rects(page, "curves"),
        images=tuple(Box(x0=i["x0"], top=i["top"], x1=i["x1"], bottom=i["bottom"]) for i in page.images),
        image_count=len(page.images),
        char_count=len(chars),
        unreadable_chars=unreadable,
        producer=made_by,
    )


def _encryption_failure(exc: BaseException) -> DocumentError | None:
    """The status of a pdfminer password or encryption error anywhere in ``exc``'s chain (pdfplumber wraps what pdfminer raises)."""
    chain = [exc]
    while chain[-1].__cause__ or chain[-1].__context__:
        chain.append(chain[-1].__cause__ or chain[-1].__context__)  # type: ignore[arg-type]
        if len(chain) > 8:
            break
    for item in chain:
        if isinstance(item, PDFPasswordIncorrect):
            return DocumentError(Status.ENCRYPTED, "the PDF needs a password")
        if isinstance(item, PDFEncryptionError):
            detail = str(item)
            if "PubSec" in detail or "Recipients" in detail:
                return DocumentError(Status.ENCRYPTED, "the PDF is encrypted for named recipients (certificate security)")
            return DocumentError(Status.CORRUPT, "the PDF's encryption dictionary is damaged or of an unknown kind")
    return None


def open_pdf(path: Path) -> pdfplumber.PDF:
    """Open a PDF, mapping pdfminer's password and encryption errors to a status, as the PDFium engine's ``open_pdf`` does PDFium's."""
    try:
        return pdfplumber.open(path)
    except Exception as exc:
        failure = _encryption_failure(exc)
        if failure is None:
            raise
        raise failure from None


def iter_pages(path: Path, max_pages: int) -> Iterator[PageWords]:
    with open_pdf(path) as pdf:
        made_by = producer(pdf)
        for index, page in enumerate(pdf.pages):
            if index >= max_pages:
                break
            try:
                yield page_words(page, made_by)
            finally:
                page.close()
