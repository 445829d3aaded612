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
}
#: The most text kept to show a reviewer what was hidden, per page and reason.
SAMPLE_CHARS = 160
WHITE: RGB = (1.0, 1.0, 1.0)


def _luminance(color: RGB) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(min(1.0, max(0.0, v))) for v in color)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a: RGB, b: RGB) -> float:
    """The WCAG contrast ratio of two colours, 1 (identical) to 21 (black on white)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _holds(box: Box, x: float, y: float) -> bool:
    return box.x0 <= x <= box.x1 and box.top <= y <= box.bottom


def _background(page: PageWords, word: PositionedWord) -> RGB | None:
    """The colour behind a word: the last filled shape painted under its centre, else the white page; None when unknown."""
    x, y = (word.x0 + word.x1) / 2, word.middle
    if any(_holds(image, x, y) for image in page.images):
        return None  # a photo or banner: no rule here can tell what is visible on it
    for fill in reversed(page.fills or page.rects):
        if _holds(fill.box, x, y) and fill.box.height >= (BACKGROUND_EM if fill.rectangle else SHAPE_BACKGROUND_EM) * word.size:
            return fill.color
    return WHITE


def hidden_reason(page: PageWords, word: PositionedWord) -> str | None:
    """Why no reader sees ``word`` (a key of REASONS), or None when it is visible."""
    if word.concealed:
        return "concealed"
    x, y = (word.x0 + word.x1) / 2, word.middle
    if x < -PAGE_MARGIN or x > page.width + PAGE_MARGIN or y < -PAGE_MARGIN or y > page.height + PAGE_MARGIN:
        return "off_page"
    if 0 < word.size <= TINY_SIZE:
        return "tiny"
    if word.color is not None:
        background = _background(page, word)
        if background is not None and contrast(word.color, background) <= MIN_CONTRAST:
            return "background"
    return None


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


def _readable(word: PositionedWord) -> bool:
    """A word that could carry meaning (two letters or digits), not a stray dot or rule drawn in white."""
    return sum(ch.isalnum() for ch in word.text) >= 2


def visible_pages(pages: list[PageWords]) -> tuple[list[PageWords], tuple[HiddenText, ...]]:
    """The pages with hidden words removed, and what was hidden, page by page."""
    kept_pages: list[PageWords] = []
    report: list[HiddenText] = []
    for page in pages:
        hidden: list[tuple[str, PositionedWord]] = []
        visible: list[PositionedWord] = []
        for word in page.words:
            reason = hidden_reason(page, word)
            if reason is None:
                visible.append(word)
            else:
                hidden.append((reason, word))
        if not hidden:
            kept_pages.append(page)
            continue
        kept_pages.append(page.model_copy(update={"words": tuple(visible)}))
        report.extend(summarise(page.number, ((REASONS[r], w.text) for r, w in hidden if _readable(w))))
    return kept_pages, tuple(report)
