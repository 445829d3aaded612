"""The parsed document: what every later stage reads.

A :class:`Document` is format-neutral: a PDF, a DOCX, a Markdown file and a
text file all end here. Its ``text`` is the one canonical reading-order text;
blocks, bullets and entries carry character offsets into it, so evidence found
later can always point back to the line it came from.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from screener.frozen import Frozen
from screener.structure.hyphens import BrokenWords

SCHEMA_VERSION = 1


class SectionKind(StrEnum):
    SUMMARY = "summary"
    EXPERIENCE = "experience"
    PROJECTS = "projects"
    SKILLS = "skills"
    EDUCATION = "education"
    PUBLICATIONS = "publications"
    CERTIFICATIONS = "certifications"
    PORTFOLIO = "portfolio"
    CONTACT = "contact"
    OTHER = "other"


class LinkKind(StrEnum):
    GITHUB = "github"
    LINKEDIN = "linkedin"
    HUGGINGFACE = "huggingface"
    KAGGLE = "kaggle"
    SCHOLAR = "scholar"
    ARXIV = "arxiv"
    EMAIL = "email"
    PERSONAL = "personal_site"
    OTHER = "other"


class Status(StrEnum):
    """Per-file outcome, as written in the CSV's ``status`` column."""

    OK = "ok"
    NO_TEXT = "no_text"
    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    UNSUPPORTED = "unsupported"
    TIMEOUT = "timeout"
    ERROR = "error"


class Span(Frozen):
    """Character offsets ``[start, end)`` into :attr:`Document.text`."""

    start: int
    end: int


class BoxRef(Frozen):
    page: int
    x0: float
    top: float
    x1: float
    bottom: float


class PartialDate(Frozen):
    """A date as precise as the resume gives it: a year, or a month of a year."""

    year: int
    month: int | None = None

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"


class DateRange(Frozen):
    text: str
    start: PartialDate | None = None
    end: PartialDate | None = None
    current: bool = False


class Line(Frozen):
    """One line of text in reading order, with the typography that shaped it."""

    text: str
    span: Span
    page: int = 1
    column: int = 0
    size: float = 0.0
    bold: bool = False
    box: BoxRef | None = None
    wrapped: bool = False  # filled its column and runs on into the next line


class Block(Frozen):
    """A paragraph-like run of lines: a heading, a bullet, or prose."""

    kind: Literal["heading", "bullet", "paragraph"]
    text: str
    span: Span
    page: int = 1
    lines: tuple[Line, ...] = ()
    marker: str | None = None


class Bullet(Frozen):
    text: str
    span: Span
    page: int = 1
    marker: str | None = None


class Entry(Frozen):
    """One job, project or degree: its header fields and its bullets."""

    title: str | None = None
    organisation: str | None = None
    location: str | None = None
    dates: DateRange | None = None
    header: str = ""
    span: Span
    bullets: tuple[Bullet, ...] = ()
    text: str = ""


class Section(Frozen):
    kind: SectionKind
    heading: str | None = None
    span: Span
    page: int = 1
    blocks: tuple[Block, ...] = ()
    entries: tuple[Entry, ...] = ()


class Link(Frozen):
    url: str
    kind: LinkKind
    text: str | None = None
    page: int | None = None
    source: Literal["annotation", "text"] = "text"


class HiddenText(Frozen):
    """Text printed where no reader can see it, kept out of the document so it never counts as evidence."""

    page: int
    reason: str  # why no reader sees it, in words a reviewer understands
    words: int
    text: str  # what it said (shortened), so a reviewer sees the attempt


class LayoutInfo(Frozen):
    """What the layout stage noticed about the pages."""

    pages: int = 0
    multi_column_pages: tuple[int, ...] = ()
    chars: int = 0
    unreadable_chars: int = 0
    images: int = 0
    hidden: tuple[HiddenText, ...] = ()
    #: Typeset by a tool that hyphenates words itself (TeX, Typst: document.yaml), so a line-end hyphen before a
    #: lower-case letter is a syllable break to mend away; elsewhere it is the writer's own ("user-friendly").
    hyphenates: bool = False


class Document(Frozen):
    """A parsed resume or portfolio document."""

    schema_version: int = SCHEMA_VERSION
    source: str
    format: Literal["pdf", "docx", "markdown", "text"]
    engine: str | None = None
    sha256: str = ""
    text: str
    lines: tuple[Line, ...] = ()
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()
    links: tuple[Link, ...] = ()
    layout: LayoutInfo = Field(default_factory=LayoutInfo)
    warnings: tuple[str, ...] = ()

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for s in self.sections for e in s.entries)

    def broken_words(self) -> BrokenWords:
        """How this document's line-end hyphens read: its typesetter's habit and the compounds it writes whole."""
        return BrokenWords.of(self.text, self.layout.hyphenates)

    def reading_text(self) -> str:
        """The document as paragraphs in reading order, one block per paragraph.

        A word broken at a line end is printed whole, as the evidence reads
        it ("Coun-" / "cil" from TeX as "Council", "user-" / "friendly" from a
        browser as "user-friendly"), so the text a reviewer searches or copies
        holds the words the document means.
        """
        breaks = self.broken_words()
        return "\n\n".join(breaks.mend(block.text) for block in self.blocks)
