"""Blocks to sections: a section runs from its heading to the next one.

Text before the first heading is the resume's header (name, contact line).
A heading known only from its typography counts once a worded heading has
been seen, so a large name at the top does not open a section of its own; a
DOCX or Markdown heading deeper than the section headings heads an entry.
"""

from __future__ import annotations

from screener.document import Block, Section, SectionKind, Span
from screener.structure.blocks import DraftBlock
from screener.structure.entries import ENTRY_SECTIONS, split_entries
from screener.vocabulary import Vocabulary


def _section_level(drafts: list[DraftBlock]) -> int | None:
    levels = [d.lines[0].heading_level for d in drafts if d.heading and d.heading.by_wording and d.lines[0].heading_level is not None]
    return min(levels) if levels else None


def _opens_section(draft: DraftBlock, seen_worded: bool, level: int | None) -> bool:
    if draft.heading is None:
        return False
    if draft.heading.by_wording:
        return True
    explicit = draft.lines[0].heading_level
    if explicit is not None and level is not None:
        return explicit == level
    return seen_worded


def build_sections(drafts: list[DraftBlock], blocks: list[Block], vocab: Vocabulary) -> list[Section]:
    level = _section_level(drafts)
    groups: list[tuple[SectionKind, Block | None, list[Block]]] = []
    seen_worded = False
    for draft, block in zip(drafts, blocks):
        if _opens_section(draft, seen_worded, level):
            seen_worded = seen_worded or draft.heading.by_wording  # type: ignore[union-attr]
            groups.append((draft.heading.kind, block, []))  # type: ignore[union-attr]
            continue
        if not groups:
            groups.append((SectionKind.CONTACT, None, []))
        groups[-1][2].append(block)
    sections = []
    for kind, heading, body in groups:
        parts = ([heading] if heading else []) + body
        span = Span(start=parts[0].span.start, end=parts[-1].span.end)
        entries = split_entries(body, vocab) if kind in ENTRY_SECTIONS else []
        sections.append(
            Section(
                kind=kind,
                heading=heading.text.replace("\n", " ") if heading else None,
                span=span,
                page=parts[0].page,
                blocks=tuple(body),
                entries=tuple(entries),
            )
        )
    return sections
