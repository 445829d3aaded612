"""Text a reader cannot see: found from each word's colour, size and place, and kept out of the document.

White-on-white, 1-pt and off-page text is the classic way to smuggle keywords
past a screener: the recruiter sees a weak resume, a keyword counter sees a
strong one. Evidence must come only from what a person reading the page would
read, so hidden words are removed before layout and reported, with what they
said, for the reviewer to see. The rules are engine-neutral and read only the
positioned-word model; an engine that knows more (PDFium sees invisible
render modes, transparent fills, clip paths and boxes painted over text)
marks words ``concealed`` and this module reports them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from screener.document import HiddenText
from screener.ingest.words import RGB, Box, PageWords, PositionedWord

#: Text at or below this size (points) is unreadable in print and on screen.
TINY_SIZE = 2.0
#: A filled rectangle is a background only if it is at least as tall as the font size (shorter ones are rules
#: and underlines); another filled shape only if it is half as tall again, since glyphs printed as outlines
#: (Chromium does it over invisible text) are shapes about as tall as their text.
BACKGROUND_EM = 1.0
SHAPE_BACKGROUND_EM = 1.5
#: Text whose contrast ratio (WCAG) with its background is at most this is invisible to a reader: #e6e6e6 on white is 1.25.
MIN_CONTRAST = 1.25
#: A word whose centre lies this far outside the page edge (points) is off the page.
PAGE_MARGIN = 1.0
#: What the report says for each reason.
REASONS = {
    "concealed": "drawn invisibly, clipped away or painted over",
    "background": "the colour of its background",
    "tiny": f"tiny (at most {TINY_SIZE:g} pt)",
    "off_page": "outside the page",
    "marked": "marked hidden",  # DOCX: a run marked hidden (w:vanish)
    "comment": "an HTML comment",  # Markdown
    "styled": "styled so a browser does not show it",  # Markdown: inline HTML with display:none, white, zero size ...
}
#: The most text kept to show a reviewer what was hidden, per page and reason.
SAMPLE_CHARS = 160
WHITE: RGB = (1.0, 1.0, 1.0)
#: Words compared with a page's filled shapes at a time, so the comparison's memory stays bounded.
CHUNK_WORDS = 4096


def _luminance(color: RGB) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(min(1.0, max(0.0, v))) for v in color)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@lru_cache(maxsize=4096)
def contrast(a: RGB, b: RGB) -> float:
    """The WCAG contrast ratio of two colours, 1 (identical) to 21 (black on white); a page has few of either."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def holding(cx: np.ndarray, cy: np.ndarray, boxes: list[Box]) -> np.ndarray:
    """(points x boxes): does each box hold each point (a word's or a glyph's centre)?"""
    x0, top, x1, bottom = (np.asarray([getattr(b, side) for b in boxes], dtype=np.float64)[None, :] for side in ("x0", "top", "x1", "bottom"))
    return (cx[:, None] >= x0) & (cx[:, None] <= x1) & (cy[:, None] >= top) & (cy[:, None] <= bottom)


def _backgrounds(page: PageWords, cx: np.ndarray, cy: np.ndarray, size: np.ndarray) -> list[RGB | None]:
    """The colour behind each word: the last filled shape painted under its centre, else the white page; None when unknown.

    A photo or banner image under the word makes it unknown: no rule here can tell what is visible on it.
    """
    count = len(cx)
    under: list[RGB | None] = [WHITE] * count
    fills = list(page.fills or page.rects)
    if fills:
        boxes = [f.box for f in fills]
        heights = np.asarray([f.box.height for f in fills])[None, :]
        least = np.asarray([BACKGROUND_EM if f.rectangle else SHAPE_BACKGROUND_EM for f in fills])[None, :]
        for start in range(0, count, CHUNK_WORDS):  # words x fills in chunks: a hostile page may hold many of both
            part = slice(start, start + CHUNK_WORDS)
            behind = holding(cx[part], cy[part], boxes) & (heights >= least * size[part, None])
            last = len(fills) - 1 - np.argmax(behind[:, ::-1], axis=1)
            for index in np.flatnonzero(behind.any(axis=1)).tolist():
                under[start + index] = fills[int(last[index])].color
    if page.images:
        for index in np.flatnonzero(holding(cx, cy, list(page.images)).any(axis=1)).tolist():
            under[index] = None
    return under


#: Why a word is hidden, by code (0: visible), in the order the rules are tried: the first that holds is the reason.
_REASON_CODES: tuple[str | None, ...] = (None, "concealed", "off_page", "tiny", "background")
#: Where the rules' fields stand in a word's tuple.
_BOX_FIELDS = tuple(PositionedWord._fields.index(name) for name in ("x0", "top", "x1", "bottom", "size"))
_COLOR, _CONCEALED = PositionedWord._fields.index("color"), PositionedWord._fields.index("concealed")


def _reason_codes(page: PageWords) -> np.ndarray:
    """Each word's index into :data:`_REASON_CODES`, for the whole page at once.

    The words' fields are read as columns (``zip(*words)``), and a colour
    pair's contrast is computed once per distinct pair: a page has a few
    colours, hundreds of words.
    """
    words = page.words
    if not words:
        return np.zeros(0, dtype=np.int8)
    columns = list(zip(*words, strict=True))
    x0, top, x1, bottom, size = (np.asarray(columns[i], dtype=np.float64) for i in _BOX_FIELDS)
    colors, concealed = columns[_COLOR], np.asarray(columns[_CONCEALED], dtype=bool)
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    off_page = (cx < -PAGE_MARGIN) | (cx > page.width + PAGE_MARGIN) | (cy < -PAGE_MARGIN) | (cy > page.height + PAGE_MARGIN)
    tiny = (size > 0) & (size <= TINY_SIZE)
    pairs = list(zip(colors, _backgrounds(page, cx, cy, size), strict=True))
    faint = {pair for pair in set(pairs) if None not in pair and contrast(*pair) <= MIN_CONTRAST}
    background = np.fromiter((pair in faint for pair in pairs), dtype=bool, count=len(pairs)) if faint else np.zeros(len(pairs), dtype=bool)
    return np.select((concealed, off_page, tiny, background), range(1, len(_REASON_CODES)), 0).astype(np.int8)  # the first rule that holds


def _named(codes: np.ndarray) -> list[str | None]:
    return [_REASON_CODES[code] for code in codes.tolist()]


def page_reasons(page: PageWords) -> list[str | None]:
    """Why no reader sees each word of the page (a key of REASONS), or None when it is visible; whole pages at once."""
    return _named(_reason_codes(page))


def hidden_reason(page: PageWords, word: PositionedWord) -> str | None:
    """Why no reader sees ``word`` on ``page`` (a key of REASONS), or None when it is visible."""
    return page_reasons(page.model_copy(update={"words": (word,)}))[0]


def summarise(page: int, hidden: Iterable[tuple[str, str]]) -> list[HiddenText]:
    """One summary per reason (in words) of the hidden texts of a page, quoting what they said."""
    grouped: dict[str, list[str]] = {}
    for reason, text in hidden:
        grouped.setdefault(reason, []).append(text)
    summaries = []
    for reason, texts in grouped.items():
        text = " ".join(texts)
        text = text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1].rstrip() + "…"
        summaries.append(HiddenText(page=page, reason=reason, words=sum(len(t.split()) for t in texts), text=text))
    return summaries


def hidden_warnings(hidden: Iterable[HiddenText]) -> list[str]:
    """One line per page and reason, quoting what was hidden, for the report's documents table."""
    return [f"hidden text left out (page {h.page}, {h.reason}, {h.words} words): \"{h.text}\"" for h in hidden]


def readable(text: str) -> bool:
    """Text that could carry meaning (two letters or digits), not a stray dot or rule drawn in white: worth reporting."""
    return sum(map(str.isalnum, text)) >= 2


def visible_pages(pages: list[PageWords]) -> tuple[list[PageWords], tuple[HiddenText, ...]]:
    """The pages with hidden words removed, and what was hidden, page by page."""
    kept_pages: list[PageWords] = []
    report: list[HiddenText] = []
    for page in pages:
        codes = _reason_codes(page)
        if not codes.any():
            kept_pages.append(page)
            continue
        reasons = _named(codes)
        kept_pages.append(page.model_copy(update={"words": tuple(w for w, reason in zip(page.words, reasons, strict=True) if reason is None)}))
        hidden = ((REASONS[reason], w.text) for w, reason in zip(page.words, reasons, strict=True) if reason is not None)
        report.extend(summarise(page.number, ((reason, text) for reason, text in hidden if readable(text))))
    return kept_pages, tuple(report)
