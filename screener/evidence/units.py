"""A Document cut into evidence units: the bullets and sentences that may be evidence.

Each unit carries the mode its section gives it — work (experience,
projects, portfolio), a list (skills, keyword blocks, the header), a summary,
learning (education, certifications) or a publication — and where it came
from: document, page, section, entry and the entry's dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from screener.document import Block, Document, Entry, Section, SectionKind, Span
from screener.evidence.model import EntryRef
from screener.structure.entries import flow_text
from screener.structure.headings import strip_marker
from screener.structure.hyphens import BrokenWords

Mode = Literal["work", "list", "summary", "learning", "publication"]

SECTION_MODES: dict[SectionKind, Mode] = {
    SectionKind.EXPERIENCE: "work",
    SectionKind.PROJECTS: "work",
    SectionKind.PORTFOLIO: "work",
    SectionKind.OTHER: "work",
    SectionKind.SKILLS: "list",
    SectionKind.CONTACT: "list",
    SectionKind.SUMMARY: "summary",
    SectionKind.EDUCATION: "learning",
    SectionKind.CERTIFICATIONS: "learning",
    SectionKind.PUBLICATIONS: "publication",
}

#: A sentence ends at . ! or ? after a word of two or more letters, before a capital.
SENTENCE_END = re.compile(r"(?<=[a-z0-9%)\]][.!?])\s+(?=[A-Z(\"“])")
#: Units shorter than this many characters carry nothing worth grading.
MIN_UNIT_CHARS = 3


@dataclass(frozen=True)
class Unit:
    text: str
    mode: Mode
    section: SectionKind
    heading: str | None
    entry: EntryRef | None
    page: int
    span: Span
    document: str


def text_units(texts: list[str], mode: Mode = "work", section: SectionKind = SectionKind.EXPERIENCE, document: str = "text") -> list[Unit]:
    """Units for free-standing texts (tests, notebooks): one per sentence."""
    units = []
    for text in texts:
        for sentence in sentences(text) if mode != "list" else [text]:
            units.append(Unit(sentence, mode, section, None, None, 1, Span(start=0, end=len(text)), document))
    return units


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if len(s.strip()) >= MIN_UNIT_CHARS]


def _entry_ref(entry: Entry) -> EntryRef:
    return EntryRef(title=entry.title, organisation=entry.organisation, dates=entry.dates)


def _runs(block: Block, breaks: BrokenWords) -> list[str]:
    """A block's lines joined where the text runs on, cut where a new line starts afresh.

    A bullet's lines are one run (the structure stage kept only its wrapped
    lines in it, so where a line breaks never cuts it). Elsewhere a line runs
    on into the next when the layout saw it fill its column, or when the next
    line starts in lower case; otherwise a line ending and a capital starting
    the next line separate two statements, as in a text file of one bullet
    per line without full stops.
    """
    runs: list[list[str]] = []
    for index, line in enumerate(block.lines):
        text = line.text if index or not block.marker else strip_marker(line.text, block.marker)
        previous = block.lines[index - 1] if index else None
        continues = previous is not None and (block.kind == "bullet" or previous.wrapped or not text[:1].isupper())
        if continues and runs:
            runs[-1].append(text)
        else:
            runs.append([text])
    return [flow_text("\n".join(run), breaks) for run in runs]


def _block_texts(block: Block, mode: Mode, breaks: BrokenWords) -> list[str]:
    if mode == "list":
        text = breaks.mend(strip_marker(block.text, block.marker) if block.marker else block.text)
        return [flowed for line in text.split("\n") if (flowed := flow_text(line, breaks))]
    return [sentence for run in _runs(block, breaks) for sentence in sentences(run)]


def document_units(doc: Document) -> list[Unit]:
    """Every unit of ``doc`` in reading order.

    A document without a single section heading (a bare text of bullets) is
    read as work: its lines are not a header's keyword block.
    """
    units: list[Unit] = []
    breaks = doc.broken_words()
    headless = all(section.kind is SectionKind.CONTACT for section in doc.sections)
    # The name opens the header; where typography did not make it a heading (plain text), its
    # first line is still the name, and a name is never a skill ("Julia Spark", "Ray Chen").
    name_line = not headless and _unheaded_header(doc)
    for section in doc.sections:
        mode = "work" if headless else SECTION_MODES.get(section.kind, "work")

        def add(text: str, page: int, span: Span, entry: EntryRef | None, unit_mode: Mode = mode, section: Section = section) -> None:
            units.append(Unit(text, unit_mode, section.kind, section.heading, entry, page, span, doc.source))

        if section.entries:
            for entry in section.entries:
                ref = _entry_ref(entry)
                for bullet in entry.bullets:
                    # A bullet is graded whole: "Built X. Used by 40 lawyers daily." ships X.
                    add(bullet.text, bullet.page, bullet.span, ref)
            continue
        for block in section.blocks:
            if block.kind == "heading":
                continue
            texts = _block_texts(block, mode, breaks)
            if name_line:
                texts, name_line = texts[1:], False
            for text in texts:
                add(text, block.page, block.span, None)
    return units


def _unheaded_header(doc: Document) -> bool:
    """Whether the document opens with a header (text before any heading) that holds no heading block."""
    first = doc.sections[0] if doc.sections else None
    return (
        first is not None
        and first.kind is SectionKind.CONTACT
        and first.heading is None
        and not any(block.kind == "heading" for block in first.blocks)
        and bool(first.blocks)
        and not first.blocks[0].marker
    )
