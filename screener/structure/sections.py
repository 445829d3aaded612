"""Blocks to sections: a section runs from its heading to the next one.

Text before the first heading is the resume's header (name, contact line).
The name, the largest text, opens that header wherever a sidebar put it, and
a headline under it stays in it. A heading known only from its typography
counts once a worded heading has been seen; a DOCX or Markdown heading
deeper than the section headings heads an entry.
"""

from __future__ import annotations

from screener.document import Block, Section, SectionKind, Span
from screener.structure.blocks import DraftBlock
from screener.structure.entries import ENTRY_SECTIONS, split_entries
from screener.vocabulary import Vocabulary


def _section_level(drafts: list[DraftBlock]) -> int | None:
    levels = [d.lines[0].heading_level for d in drafts if d.heading and d.heading.by_wording and d.lines[0].heading_level is not None]
    return min(levels) if levels else None


def _opens_section(draft: DraftBlock, seen_worded: bool, level: int | None, in_contact: bool) -> bool:
    if draft.heading is None:
        return False
    if draft.heading.by_wording:
        return True
    if in_contact:
        return False  # a headline under the name belongs to the header
    explicit = draft.lines[0].heading_level
    if explicit is not None and level is not None:
        return explicit == level
    return seen_worded


def _largest_size(drafts: list[DraftBlock]) -> float:
    return max((line.size for d in drafts for line in d.lines), default=0.0)


def build_sections(drafts: list[DraftBlock], blocks: list[Block], vocab: Vocabulary) -> list[Section]:
    level = _section_level(drafts)
    name_size = _largest_size(drafts)
    groups: list[tuple[SectionKind, Block | None, list[Block]]] = []
    seen_worded = False
    for draft, block in zip(drafts, blocks):
        in_contact = not groups or groups[-1][0] is SectionKind.CONTACT
        if draft.heading and not draft.heading.by_wording and name_size and draft.lines[0].size >= name_size:
            # The largest text is the candidate's name: it opens the header, wherever a sidebar put it.
            if not groups or groups[-1][0] is not SectionKind.CONTACT:
                groups.append((SectionKind.CONTACT, None, []))
            groups[-1][2].append(block)
            continue
        if _opens_section(draft, seen_worded, level, in_contact):
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
