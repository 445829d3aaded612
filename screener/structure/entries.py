"""Entries inside experience, projects, education and portfolio sections.

An entry is a run of header lines (title, organisation, location, dates) and
the bullets under it. Bullets may have no marker at all: once an entry's
header is known, a prose paragraph under it is a bullet too, and a paragraph
ends where a line stops short of the column's edge and the next begins with a
capital (a browser draws list markers as shapes, so an HTML resume's bullets
reach the PDF as paragraphs).
Whether lines are prose is judged over a paragraph's wrapped lines together:
a narrow column holds four words a line, however long the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from screener.document import Block, Bullet, DateRange, Entry, Line, SectionKind, Span
from screener.layout.reading_order import HYPHEN_END
from screener.structure.dates import best_date_range
from screener.structure.headings import strip_marker
from screener.structure.hyphens import BrokenWords
from screener.structure.links import EMAIL_IN_TEXT, URL_IN_TEXT
from screener.structure.source import CELL_SEPARATOR
from screener.vocabulary import Vocabulary

#: Sections whose content is a list of entries.
ENTRY_SECTIONS = frozenset({SectionKind.EXPERIENCE, SectionKind.PROJECTS, SectionKind.EDUCATION, SectionKind.PORTFOLIO})
#: A line with at least this many words and no date, under a known header, is prose.
PROSE_MIN_WORDS = 7
#: A line with at least this share of capitalised words is a header, however long.
TITLE_CASE_SHARE = 0.6
#: Header lines beyond this count start a new entry when the line is bold.
MAX_HEADER_LINES = 3
#: How many lines ahead a header line looks for its own date.
DATE_LOOKAHEAD = 2

PIECE_SEPARATORS = re.compile(r"\s*(?:\t|\||•|·|—|–|\s-\s|\s@\s|\bat\b(?=\s+[A-Z]))\s*")
LOCATION = re.compile(
    r"^(?:(?i:remote|hybrid|on-?site)(?:\s*\(.*\))?|[A-Z][\w.'’ -]*[a-z.],\s*(?:[A-Z]{2}|[A-Z][a-z]+(?:\s[A-Z][a-z]+)*)|.*\((?i:remote|hybrid)\))$"
)
#: A location ("San Francisco, CA", "Remote (EU)") has at most this many words.
MAX_LOCATION_WORDS = 5
#: A short line ending in a colon labels what follows ("Key achievements:").
LABEL_LINE = re.compile(r"^\s*(?:\S+\s+){0,3}\S+:\s*$")
#: Page furniture that must not become an entry: "2", "Page 2 of 3", "2/4", "- 2 -".
PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?[-–(]?\s*\d{1,3}\s*(?:(?:/|of)\s*\d{1,3})?\s*[-–)]?\s*$", re.IGNORECASE)
def flow_text(text: str, breaks: BrokenWords) -> str:
    """Block text as one line: wrapped lines rejoined, words broken at a line end made whole as ``breaks`` says."""
    return " ".join(breaks.mend(text).replace(CELL_SEPARATOR, " ").split())


@dataclass
class _Draft:
    header: list[Line] = field(default_factory=list)
    bullets: list[Bullet] = field(default_factory=list)
    has_date: bool = False

    def span(self) -> Span:
        spans = [line.span for line in self.header] + [b.span for b in self.bullets]
        return Span(start=min(s.start for s in spans), end=max(s.end for s in spans))


def _words(text: str) -> int:
    return len(text.split())


def _flatten(blocks: list[Block]) -> tuple[list[Block | Line], set[int]]:
    """Bullets stay whole; other blocks are taken line by line (page numbers dropped).

    Also returns the positions of lines that were headings (a DOCX or Markdown
    entry heading, an all-capitals entry title): each opens an entry.
    """
    items: list[Block | Line] = []
    headings: set[int] = set()
    for block in blocks:
        if block.kind == "bullet":
            items.append(block)
            continue
        for index, line in enumerate(block.lines):
            if PAGE_NUMBER.match(line.text):
                continue
            if block.kind == "heading" and index == 0:
                headings.add(len(items))
            items.append(line)
    return items, headings


def _is_dated(line: Line, vocab: Vocabulary) -> bool:
    return best_date_range(line.text, vocab) is not None


def _date_follows(items: list[Block | Line], index: int, vocab: Vocabulary, prose: list[bool]) -> bool:
    """True when a dated header line comes next, before any bullet or prose."""
    for position in range(index + 1, min(len(items), index + 1 + DATE_LOOKAHEAD)):
        item = items[position]
        if isinstance(item, Block) or prose[position]:
            return False
        if _is_dated(item, vocab):
            return True
    return False


def _is_prose(text: str, bold: bool) -> bool:
    """A sentence rather than a header: long enough, not bold, not in Title Case ("Lead ML Engineer — Acme Health")."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text)]
    capitalised = sum(1 for w in words if w[0].isupper())
    return not bold and _words(text) >= PROSE_MIN_WORDS and capitalised < TITLE_CASE_SHARE * max(1, len(words))


def _prose_runs(items: list[Block | Line]) -> list[bool]:
    """Per item, whether the run of wrapped lines it belongs to is prose (bullets never are: they are bullets)."""
    verdicts = [False] * len(items)
    start = 0
    while start < len(items):
        end = start
        while isinstance(items[end], Line) and items[end].wrapped and end + 1 < len(items) and isinstance(items[end + 1], Line):
            end += 1
        run = [item for item in items[start : end + 1] if isinstance(item, Line)]
        if run:
            verdict = _is_prose(" ".join(line.text for line in run), any(line.bold for line in run))
            verdicts[start : end + 1] = [verdict] * (end + 1 - start)
        start = end + 1
    return verdicts


def split_entries(blocks: list[Block], vocab: Vocabulary, *, breaks: BrokenWords) -> list[Entry]:
    """Group a section's blocks into entries (see the module docstring), mending broken words as ``breaks`` says."""
    items, headings = _flatten(blocks)
    is_prose = _prose_runs(items)
    drafts: list[_Draft] = []
    prose: list[Line] = []

    def flush_prose() -> None:
        if prose:
            if not drafts:
                drafts.append(_Draft())
            _add_prose(drafts[-1], prose, breaks)
            prose.clear()

    for index, item in enumerate(items):
        if isinstance(item, Block):
            flush_prose()
            if not drafts:
                drafts.append(_Draft())
            text = flow_text(strip_marker(item.text, item.marker) if item.marker else item.text, breaks)
            drafts[-1].bullets.append(Bullet(text=text, span=item.span, page=item.page, marker=item.marker))
            continue
        dated = _is_dated(item, vocab)
        if not dated and LABEL_LINE.match(item.text):
            flush_prose()  # "Responsibilities:" introduces bullets; it names no field
            continue
        draft = drafts[-1] if drafts else None
        follows = not dated and not is_prose[index] and _date_follows(items, index, vocab, is_prose)  # a sentence never heads an entry
        # A paragraph under the header runs on; a line the line above wraps into does whatever follows it.
        if prose and not dated and not item.bold and index not in headings and (prose[-1].wrapped or not follows):
            if not prose[-1].wrapped and is_prose[index] and item.text[:1].isupper():
                flush_prose()  # the paragraph above ended short of the edge and a sentence starts: the next bullet
            prose.append(item)
            continue
        if draft is None and index not in headings and is_prose[index] and not dated and not follows:
            prose.append(item)  # an introduction before the first entry
            continue
        flush_prose()
        if draft is None or index in headings:
            starts_new = True
        elif draft.bullets:
            starts_new = dated or follows or not is_prose[index]
        elif draft.has_date:
            starts_new = dated or follows or (item.bold and not draft.header[-1].bold)
        else:
            starts_new = item.bold and len(draft.header) >= MAX_HEADER_LINES
        if not starts_new and draft is not None and draft.header and not dated and is_prose[index]:
            prose.append(item)
            continue
        if starts_new:
            drafts.append(_Draft())
        drafts[-1].header.append(item)
        drafts[-1].has_date = drafts[-1].has_date or dated
    flush_prose()
    return [_finish(d, vocab, breaks) for d in drafts if d.header or d.bullets]


def _add_prose(draft: _Draft, lines: list[Line], breaks: BrokenWords) -> None:
    text = flow_text("\n".join(line.text for line in lines), breaks)
    span = Span(start=lines[0].span.start, end=lines[-1].span.end)
    draft.bullets.append(Bullet(text=text, span=span, page=lines[0].page, marker=None))


def _header_text(lines: list[Line], breaks: BrokenWords) -> str:
    """Header lines joined; a line that wrapped joins the next with a space, and a word it broke is made whole."""
    parts: list[str] = []
    for line in lines:
        parts.append(line.text)
        parts.append(" " if line.wrapped and HYPHEN_END.search(line.text) is None else "\n")
    return breaks.mend("".join(parts[:-1]))


def _finish(draft: _Draft, vocab: Vocabulary, breaks: BrokenWords) -> Entry:
    header_text = _header_text(draft.header, breaks)
    header = flow_text(header_text, breaks)
    title, organisation, location, dates = parse_header(header_text, vocab)
    return Entry(
        title=title,
        organisation=organisation,
        location=location,
        dates=dates,
        header=header,
        span=draft.span(),
        bullets=tuple(draft.bullets),
        text="\n".join([header] + [b.text for b in draft.bullets]).strip(),
    )


def _is_location(piece: str, vocab: Vocabulary) -> bool:
    if not LOCATION.match(piece) or len(piece.split()) > MAX_LOCATION_WORDS:
        return False
    return not (vocab.titles.found_in(piece) or vocab.organisations.found_in(piece))


def _pieces(header: str) -> list[str]:
    """Header text cut at its separators (tabs, bars, dashes, "at", line breaks).

    Pieces holding a URL or an e-mail address are links, not fields.
    """
    pieces: list[str] = []
    for line in header.split("\n"):
        for piece in PIECE_SEPARATORS.split(line):
            piece = piece.strip(" ,;:()[]|")
            if piece and any(map(str.isalnum, piece)) and not URL_IN_TEXT.search(piece) and not EMAIL_IN_TEXT.search(piece):
                pieces.append(piece)
    return pieces


def _comma_parts(piece: str, vocab: Vocabulary) -> list[str]:
    if ", " not in piece or _is_location(piece, vocab):
        return [piece]
    parts: list[str] = []
    for part in (p.strip() for p in piece.split(",")):
        if not part:
            continue
        if parts and (part.casefold().rstrip(".") in vocab.corporate_suffixes or _is_location(f"{parts[-1]}, {part}", vocab)):
            parts[-1] = f"{parts[-1]}, {part}"  # "Acme, Inc." and "Austin, TX" stay whole
        else:
            parts.append(part)
    return parts


def parse_header(header: str, vocab: Vocabulary) -> tuple[str | None, str | None, str | None, DateRange | None]:
    """Split an entry header into title, organisation, location and dates."""
    found = best_date_range(header, vocab)
    dates = found.value if found else None
    if found:
        header = header[: found.start] + "\n" + header[found.end :]
    pieces = _pieces(header)
    location = next((p for p in pieces if _is_location(p, vocab)), None)
    if location:
        pieces.remove(location)
    if len(pieces) == 1:
        # Only commas separate the parts: "Senior Engineer, Acme Corp, Austin, TX".
        pieces = _comma_parts(pieces[0], vocab)
        if location is None:
            location = next((p for p in pieces[1:] if _is_location(p, vocab)), None)
            if location:
                pieces.remove(location)
    title = next((p for p in pieces if vocab.titles.found_in(p) or vocab.degrees.found_in(p)), None)
    rest = [p for p in pieces if p is not title]
    if title is None and pieces:
        title, rest = pieces[0], pieces[1:]
    organisation = next((p for p in rest if vocab.organisations.found_in(p)), rest[0] if rest else None)
    return title, organisation, location, dates
