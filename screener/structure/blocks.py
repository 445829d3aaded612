"""Lines to blocks, and the canonical text every offset points into.

A block is a heading, a bullet (its wrapped lines included) or a paragraph.
The document text is the blocks' texts joined by blank lines, each block's
lines joined by newlines, so ``parse --format text`` prints one block per
paragraph and line-end hyphens stay where a reader can rejoin them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from screener.document import Block, Line, Span
from screener.layout.reading_order import HYPHEN_END
from screener.structure.headings import HeadingVerdict, bullet_marker, heading_verdict
from screener.structure.source import SourceLine
from screener.vocabulary import Vocabulary

#: A wrapped bullet line starts at least this far right of its marker (points).
CONTINUATION_INDENT = 1.0

BLOCK_SEPARATOR = "\n\n"
LINE_SEPARATOR = "\n"


@dataclass
class DraftBlock:
    kind: str
    lines: list[SourceLine]
    marker: str | None = None
    heading: HeadingVerdict | None = None
    extra: dict = field(default_factory=dict)


def _continues_bullet(line: SourceLine, bullet: DraftBlock) -> bool:
    """A line set right of the bullet's marker continues it; across a paragraph's gap only mid-sentence (loose leading)."""
    if (line.new_block and not line.text[:1].islower()) or line.list_item or line.heading_level is not None:
        return False
    first = bullet.lines[0]
    if line.page != first.page or line.column != first.column:
        return False
    if line.box is not None and first.box is not None:
        return line.box.x0 > first.box.x0 + CONTINUATION_INDENT
    return line.indent > first.indent


def _completes_broken_word(previous: SourceLine, line: SourceLine) -> bool:
    """A line that finishes the word the line above broke with a hyphen ("Coun-" / "cil of Europe") belongs to its block.

    It does whatever its indent or size would say: a continuation set flush
    under a bullet's marker, or one line of a larger paragraph, is still the
    rest of that word.
    """
    return (
        line.text[:1].islower()
        and not line.new_block
        and line.page == previous.page
        and line.column == previous.column
        and HYPHEN_END.search(previous.text) is not None
    )


def draft_blocks(lines: list[SourceLine], body: float, vocab: Vocabulary) -> list[DraftBlock]:
    """Group lines into heading, bullet and paragraph blocks."""
    blocks: list[DraftBlock] = []
    for line in lines:
        if not line.plain:
            continue
        verdict = heading_verdict(line, body, vocab)
        marker = bullet_marker(line.text, vocab)
        current = blocks[-1] if blocks else None
        if current is not None and current.kind != "heading" and _completes_broken_word(current.lines[-1], line):
            current.lines.append(line)
        elif verdict is not None:
            blocks.append(DraftBlock("heading", [line], heading=verdict))
        elif marker is not None or line.list_item:
            blocks.append(DraftBlock("bullet", [line], marker=marker))
        elif current is not None and current.kind == "bullet" and _continues_bullet(line, current):
            current.lines.append(line)
        elif current is not None and current.kind == "paragraph" and not line.new_block and _same_flow(current.lines[-1], line):
            current.lines.append(line)
        else:
            blocks.append(DraftBlock("paragraph", [line]))
    return blocks


def _same_flow(previous: SourceLine, line: SourceLine) -> bool:
    return previous.page == line.page and previous.column == line.column and line.heading_level is None


@dataclass
class TextBuilder:
    """Accumulates the canonical text and hands out spans into it."""

    parts: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, text: str, separator: str) -> Span:
        if self.parts:
            self.parts.append(separator)
            self.length += len(separator)
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return Span(start=start, end=self.length)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def finish_blocks(drafts: list[DraftBlock]) -> tuple[str, list[Block]]:
    """Give each draft its text and spans; return the document text and the blocks."""
    builder = TextBuilder()
    blocks: list[Block] = []
    for draft in drafts:
        lines: list[Line] = []
        for index, source in enumerate(draft.lines):
            separator = BLOCK_SEPARATOR if index == 0 else LINE_SEPARATOR
            span = builder.add(source.text, separator)
            lines.append(
                Line(
                    text=source.text,
                    span=span,
                    page=source.page,
                    column=source.column,
                    size=round(source.size, 2),
                    bold=source.bold,
                    box=source.box,
                    wrapped=source.wrapped,
                )
            )
        span = Span(start=lines[0].span.start, end=lines[-1].span.end)
        blocks.append(
            Block(
                kind=draft.kind,  # type: ignore[arg-type]
                text=LINE_SEPARATOR.join(line.text for line in lines),
                span=span,
                page=lines[0].page,
                lines=tuple(lines),
                marker=draft.marker,
            )
        )
    return builder.text, blocks
