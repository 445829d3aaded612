"""Entries inside experience, projects, education and portfolio sections.

An entry is a run of header lines (title, organisation, location, dates) and
the bullets under it. Bullets may have no marker at all: once an entry's
header is known, a prose paragraph under it is a bullet too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from screener.document import Block, Bullet, Entry, SectionKind, Span
from screener.structure.dates import best_date_range
from screener.structure.headings import strip_marker
from screener.structure.source import CELL_SEPARATOR
from screener.vocabulary import Vocabulary

#: Sections whose content is a list of entries.
ENTRY_SECTIONS = frozenset({SectionKind.EXPERIENCE, SectionKind.PROJECTS, SectionKind.EDUCATION, SectionKind.PORTFOLIO})
#: A line with at least this many words and no date, under a known header, is prose.
PROSE_MIN_WORDS = 7
#: Header lines beyond this count start a new entry when the line is bold.
MAX_HEADER_LINES = 3

PIECE_SEPARATORS = re.compile(r"\s*(?:\t|\||•|·|—|–|\s-\s|\s@\s|\bat\b(?=\s+[A-Z]))\s*")
LOCATION = re.compile(
    r"^(?:(?i:remote|hybrid|on-?site)(?:\s*\(.*\))?|[A-Z][\w.'’ -]*[a-z.],\s*(?:[A-Z]{2}|[A-Z][a-z]+(?:\s[A-Z][a-z]+)*)|.*\((?i:remote|hybrid)\))$"
)
#: A location ("San Francisco, CA", "Remote (EU)") has at most this many words.
MAX_LOCATION_WORDS = 5
#: Page furniture that must not become an entry: "2", "Page 2 of 3", "2/4", "- 2 -".
PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?[-–(]?\s*\d{1,3}\s*(?:(?:/|of)\s*\d{1,3})?\s*[-–)]?\s*$", re.IGNORECASE)
SOFT_HYPHEN_BREAK = re.compile(r"(\w)-\n(?=[a-z])")


def flow_text(text: str) -> str:
    """Block text as one line: wrapped lines rejoined, line-end hyphens mended."""
    text = SOFT_HYPHEN_BREAK.sub(r"\1", text)
    return " ".join(text.replace(CELL_SEPARATOR, " ").split())


@dataclass
class _Draft:
    header: list[tuple[str, Span, bool]] = field(default_factory=list)  # text, span, bold
    bullets: list[Bullet] = field(default_factory=list)
    has_date: bool = False

    def span(self) -> Span:
        spans = [s for _, s, _ in self.header] + [b.span for b in self.bullets]
        return Span(start=min(s.start for s in spans), end=max(s.end for s in spans))


def _words(text: str) -> int:
    return len(text.split())


def split_entries(blocks: list[Block], vocab: Vocabulary) -> list[Entry]:
    drafts: list[_Draft] = []

    def current() -> _Draft:
        if not drafts:
            drafts.append(_Draft())
        return drafts[-1]

    for block in blocks:
        if block.kind == "bullet":
            text = flow_text(strip_marker(block.text, block.marker) if block.marker else block.text)
            current().bullets.append(Bullet(text=text, span=block.span, page=block.page, marker=block.marker))
            continue
        prose: list = []
        for line in block.lines:
            text = line.text
            if PAGE_NUMBER.match(text):
                continue
            dated = best_date_range(text, vocab) is not None
            draft = drafts[-1] if drafts else None
            is_prose = (
                draft is not None
                and draft.header
                and not dated
                and not line.bold
                and _words(text) >= PROSE_MIN_WORDS
            )
            if is_prose or (prose and not dated and not line.bold):
                prose.append(line)
                continue
            if prose:
                _add_prose(current(), prose)
                prose = []
            starts_new = (
                draft is None
                or bool(draft.bullets)
                or (draft.has_date and dated)
                or (line.bold and len(draft.header) >= MAX_HEADER_LINES)
                or (draft.has_date and line.bold and not draft.header[-1][2])
            )
            if starts_new:
                drafts.append(_Draft())
            target = drafts[-1]
            target.header.append((text, line.span, line.bold))
            target.has_date = target.has_date or dated
        if prose:
            _add_prose(current(), prose)
    return [_finish(d, vocab) for d in drafts if d.header or d.bullets]


def _add_prose(draft: _Draft, lines: list) -> None:
    text = flow_text("\n".join(line.text for line in lines))
    span = Span(start=lines[0].span.start, end=lines[-1].span.end)
    draft.bullets.append(Bullet(text=text, span=span, page=lines[0].page, marker=None))


def _finish(draft: _Draft, vocab: Vocabulary) -> Entry:
    header_text = "\n".join(text for text, _, _ in draft.header)
    title, organisation, location, dates = parse_header(header_text, vocab)
    return Entry(
        title=title,
        organisation=organisation,
        location=location,
        dates=dates,
        header=flow_text(header_text),
        span=draft.span(),
        bullets=tuple(draft.bullets),
        text="\n".join([flow_text(header_text)] + [b.text for b in draft.bullets]).strip(),
    )


def _has_word(piece: str, words: list[str]) -> bool:
    tokens = set(re.findall(r"[\w.'’+-]+", piece.casefold()))
    tokens |= {t.strip(".") for t in tokens}
    return any(w in tokens or (" " in w and w in piece.casefold()) for w in words)


def _is_location(piece: str, vocab: Vocabulary) -> bool:
    if not LOCATION.match(piece) or len(piece.split()) > MAX_LOCATION_WORDS:
        return False
    return not any(_has_word(piece, words) for words in (vocab.title_words, vocab.degree_words, vocab.organisation_words))


def parse_header(header: str, vocab: Vocabulary):  # type: ignore[no-untyped-def]
    """Split an entry header into title, organisation, location and dates."""
    found = best_date_range(header, vocab)
    dates = found.value if found else None
    if found:
        header = header[: found.start] + "\n" + header[found.end :]
    pieces: list[str] = []
    for line in header.split("\n"):
        for piece in PIECE_SEPARATORS.split(line):
            piece = piece.strip(" ,;:()[]|")
            if piece and any(c.isalnum() for c in piece):
                pieces.append(piece)
    location = next((p for p in pieces if _is_location(p, vocab)), None)
    if location:
        pieces.remove(location)
    if len(pieces) == 1 and "," in pieces[0]:
        pieces = [p.strip() for p in pieces[0].split(",") if p.strip()]
    title = next((p for p in pieces if _has_word(p, vocab.title_words) or _has_word(p, vocab.degree_words)), None)
    rest = [p for p in pieces if p is not title]
    if title is None and pieces:
        title, rest = pieces[0], pieces[1:]
    organisation = next((p for p in rest if _has_word(p, vocab.organisation_words)), rest[0] if rest else None)
    return title, organisation, location, dates
