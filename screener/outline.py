"""Readable views of a Document for the terminal: an outline tree and a one-line summary."""

from __future__ import annotations

from screener.document import Document, Entry
from screener.structure.headings import strip_marker

#: Longest text shown for one bullet in the outline.
BULLET_WIDTH = 110


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _entry_line(entry: Entry) -> str:
    parts = [entry.title or "(untitled)"]
    if entry.organisation:
        parts.append(f"@ {entry.organisation}")
    if entry.location:
        parts.append(f"· {entry.location}")
    if entry.dates:
        start = str(entry.dates.start) if entry.dates.start else "?"
        end = "present" if entry.dates.current else (str(entry.dates.end) if entry.dates.end else "?")
        parts.append(f"[{start} → {end}]")
    return " ".join(parts)


def outline(doc: Document) -> str:
    """Sections, entries and bullets as an indented tree."""
    out = [f"{doc.source}  ({doc.format}, {doc.layout.pages or 1} page(s){', multi-column' if doc.layout.multi_column_pages else ''})"]
    for section in doc.sections:
        heading = f" “{section.heading}”" if section.heading else ""
        out.append(f"├─ {section.kind.value.upper()}{heading}")
        if section.entries:
            for entry in section.entries:
                out.append(f"│  ├─ {_entry_line(entry)}")
                for bullet in entry.bullets:
                    out.append(f"│  │   • {_clip(bullet.text, BULLET_WIDTH)}")
        else:
            for block in section.blocks:
                prefix = "•" if block.kind == "bullet" else "¶"
                text = strip_marker(block.text, block.marker) if block.marker else block.text
                out.append(f"│  {prefix} {_clip(text, BULLET_WIDTH)}")
    if doc.links:
        out.append("└─ LINKS")
        for link in doc.links:
            out.append(f"   - {link.kind.value}: {link.url}")
    for warning in doc.warnings:
        out.append(f"! {warning}")
    return "\n".join(out)


def summary(doc: Document) -> str:
    """One line: sections found, entries, dated entries, links."""
    kinds = [s.kind.value for s in doc.sections if s.kind.value != "contact"]
    dated = sum(1 for e in doc.entries if e.dates)
    link_kinds = sorted({link.kind.value for link in doc.links})
    return (
        f"sections={','.join(kinds) or '-'} entries={len(doc.entries)} dated={dated} "
        f"bullets={sum(len(e.bullets) for e in doc.entries)} links={','.join(link_kinds) or '-'}"
    )
