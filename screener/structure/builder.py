"""Reader-neutral lines to a :class:`~screener.document.Document`."""

from __future__ import annotations

from screener.document import Document, LayoutInfo, Link
from screener.structure.blocks import draft_blocks, finish_blocks
from screener.structure.headings import body_size
from screener.structure.hyphens import BrokenWords
from screener.structure.links import links_in_text, merge_links
from screener.structure.sections import build_sections
from screener.structure.source import SourceLine
from screener.vocabulary import Vocabulary


def build_document(
    lines: list[SourceLine],
    *,
    source: str,
    format: str,
    vocab: Vocabulary,
    engine: str | None = None,
    sha256: str = "",
    annotation_links: list[Link] | None = None,
    layout: LayoutInfo | None = None,
    warnings: tuple[str, ...] = (),
) -> Document:
    body = body_size(lines)
    drafts = draft_blocks(lines, body, vocab)
    text, blocks = finish_blocks(drafts)
    sections = build_sections(drafts, blocks, vocab, breaks=BrokenWords.of(text, layout is not None and layout.hyphenates))
    found: list[Link] = list(annotation_links or [])
    for block in blocks:
        found.extend(links_in_text(block.text.replace("\t", " "), block.page, vocab))
    return Document(
        source=source,
        format=format,  # type: ignore[arg-type]
        engine=engine,
        sha256=sha256,
        text=text,
        lines=tuple(line for block in blocks for line in block.lines),
        blocks=tuple(blocks),
        sections=tuple(sections),
        links=merge_links(found),
        layout=layout or LayoutInfo(),
        warnings=warnings,
    )
