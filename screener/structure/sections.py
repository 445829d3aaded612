"""Blocks to sections: a section runs from its heading to the next one.

Text before the first heading is the resume's header (name, contact line).
The name, the largest text, opens that header wherever a sidebar put it, and
a headline under it stays in it. A heading known only from its typography
counts once a worded heading has been seen; a DOCX or Markdown heading
deeper than the section headings heads an entry. A column of a new page
that no heading opens continues the section the column under it ended in on
the page before (the left column of a two-column resume runs on to page 2
after the right column was read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from screener.document import Block, Section, SectionKind, Span
from screener.structure.blocks import DraftBlock
from screener.structure.entries import ENTRY_SECTIONS, split_entries
from screener.structure.hyphens import KEEP_HYPHENS, BrokenWords
from screener.structure.source import SourceLine
from screener.vocabulary import Vocabulary, normalise_heading

#: Kinds a whole document can be, when its title says so.
WHOLE_DOCUMENT_KINDS = (SectionKind.PORTFOLIO, SectionKind.PROJECTS)
#: A heading known only by typography must be at least this close (points) to
#: the size of the heading of the section it would interrupt.
HEADING_RANK_TOLERANCE = 0.5


def _section_level(drafts: list[DraftBlock]) -> int | None:
    levels = [d.lines[0].heading_level for d in drafts if d.heading and d.heading.by_wording and d.lines[0].heading_level is not None]
    return min(levels) if levels else None


def _largest_size(drafts: list[DraftBlock]) -> float:
    return max((line.size for d in drafts for line in d.lines), default=0.0)


def _whole_document_kind(drafts: list[DraftBlock], vocab: Vocabulary) -> SectionKind | None:
    """The kind of a document that is one section, named in its title ("… Project Portfolio").

    Only a document without any worded section heading qualifies; its title
    must contain a portfolio or projects heading variant.
    """
    headings = [d for d in drafts if d.heading is not None]
    if not headings or any(d.heading.by_wording for d in headings):  # type: ignore[union-attr]
        return None
    title = f" {normalise_heading(headings[0].lines[0].plain)} "
    for kind in WHOLE_DOCUMENT_KINDS:
        if any(f" {normalise_heading(variant)} " in title for variant in vocab.sections.get(kind, [])):
            return kind
    return None


@dataclass
class _Open:
    """A section being filled: its kind, heading block and body blocks."""

    kind: SectionKind
    heading: Block | None = None
    heading_size: float = 0.0
    body: list[Block] = field(default_factory=list)


@dataclass
class _Tail:
    """Where a column ended: its page, horizontal extent and the section its last block went to."""

    page: int
    x0: float
    x1: float
    section: _Open


class _Sectioner:
    """Decides, heading by heading, where sections begin."""

    def __init__(self, drafts: list[DraftBlock], vocab: Vocabulary) -> None:
        self.level = _section_level(drafts)
        self.name_size = _largest_size(drafts)
        self.seen_worded = False
        self.sections: list[_Open] = []
        self.whole_kind = _whole_document_kind(drafts, vocab)
        self.tails: dict[int, _Tail] = {}
        self.column: int | None = None
        self.continued: _Open | None = None  # an earlier section that text on a new page runs on in

    def _current(self) -> _Open:
        if self.continued is not None:
            return self.continued
        if not self.sections:
            self.sections.append(_Open(SectionKind.CONTACT))
        return self.sections[-1]

    def _continuation(self, line: SourceLine) -> _Open | None:
        """The section the previous page's column under ``line`` ended in (not the header), if any."""
        if line.box is None:
            return None
        best, overlap = None, 0.0
        for tail in self.tails.values():
            if tail.page != line.page - 1 or tail.section.kind is SectionKind.CONTACT:
                continue
            shared = min(tail.x1, line.box.x1) - max(tail.x0, line.box.x0)
            if shared > overlap:
                best, overlap = tail.section, shared
        return best

    def _track(self, line: SourceLine, section: _Open) -> None:
        if line.box is None:
            return
        tail = self.tails.get(line.column)
        if tail is None or tail.page != line.page:
            self.tails[line.column] = _Tail(line.page, line.box.x0, line.box.x1, section)
        else:
            tail.x0, tail.x1, tail.section = min(tail.x0, line.box.x0), max(tail.x1, line.box.x1), section

    def _is_name(self, draft: DraftBlock) -> bool:
        heading = draft.heading
        return heading is not None and not heading.by_wording and self.name_size > 0 and draft.lines[0].size >= self.name_size

    def _opens(self, draft: DraftBlock) -> bool:
        heading = draft.heading
        if heading is None:
            return False
        if heading.by_wording:
            return True
        current = self._current()
        if current.kind is SectionKind.CONTACT:
            return False  # a headline under the name belongs to the header
        explicit = draft.lines[0].heading_level
        if explicit is not None and self.level is not None:
            return explicit == self.level
        # Typography alone opens a section only when it ranks with the heading it interrupts:
        # a smaller all-capitals entry title ("ACME | ENGINEER") stays inside its section.
        return self.seen_worded and draft.lines[0].size >= current.heading_size - HEADING_RANK_TOLERANCE

    def add(self, draft: DraftBlock, block: Block) -> None:
        if self.whole_kind is not None:
            if not self.sections and draft.heading is not None:
                self.sections.append(_Open(self.whole_kind, block, draft.lines[0].size))
            else:
                self._current().body.append(block)
            return
        line = draft.lines[0]
        new_column = self.column is not None and line.column != self.column
        self.column = line.column
        if self._is_name(draft):
            self.continued = None
            if self._current().kind is not SectionKind.CONTACT:
                self.sections.append(_Open(SectionKind.CONTACT))
            self._current().body.append(block)
        elif self._opens(draft):
            assert draft.heading is not None
            self.continued = None
            self.seen_worded = self.seen_worded or draft.heading.by_wording
            self.sections.append(_Open(draft.heading.kind, block, line.size))
        else:
            if new_column:
                self.continued = self._continuation(line)
            self._current().body.append(block)
        self._track(line, self._current())


def build_sections(drafts: list[DraftBlock], blocks: list[Block], vocab: Vocabulary, *, breaks: BrokenWords = KEEP_HYPHENS) -> list[Section]:
    """The document's sections, with their entries; words broken at a line end are mended as ``breaks`` says."""
    sectioner = _Sectioner(drafts, vocab)
    for draft, block in zip(drafts, blocks, strict=True):
        sectioner.add(draft, block)
    sections = []
    for found in sectioner.sections:
        parts = ([found.heading] if found.heading else []) + found.body
        if not parts:
            continue
        sections.append(
            Section(
                kind=found.kind,
                heading=found.heading.text.replace("\n", " ") if found.heading else None,
                span=Span(start=parts[0].span.start, end=parts[-1].span.end),
                page=parts[0].page,
                blocks=tuple(found.body),
                entries=tuple(split_entries(found.body, vocab, breaks=breaks)) if found.kind in ENTRY_SECTIONS else (),
            )
        )
    return sections
