"""Evidence for people and programs: the ``explain`` table and JSON."""

from __future__ import annotations

import textwrap

from screener.evidence.model import EvidenceItem

#: Widths of the explain table's columns.
QUOTE_WIDTH = 64
SKILLS_WIDTH = 34
SIGNALS_WIDTH = 30


def item_json(item: EvidenceItem) -> dict:
    entry = None
    if item.entry is not None:
        entry = item.entry.model_dump(mode="json")
    return {
        "text": item.text,
        "strength": item.strength,
        "reason": item.reason,
        "section": item.section.value,
        "section_heading": item.section_heading,
        "document": item.document,
        "page": item.page,
        "entry": entry,
        "skills": [{"id": s.id, "label": s.label, "role": s.role, "alias": s.alias, "confirmed_by": s.confirmed_by} for s in item.skills],
        "signals": [{"kind": s.kind, "text": s.text} for s in item.signals],
        "negated": [{"id": s.id, "label": s.label, "role": s.role, "alias": s.alias} for s in item.negated],
    }


def _where(item: EvidenceItem) -> str:
    parts = [item.section.value]
    if item.entry and (item.entry.title or item.entry.organisation):
        parts.append(" @ ".join(p for p in (item.entry.title, item.entry.organisation) if p))
    if item.entry and item.entry.dates:
        parts.append(item.entry.dates.text)
    parts.append(f"p{item.page}")
    return " · ".join(parts)


def as_table(items: list[EvidenceItem]) -> str:
    """One block per item: strength, skills, signals, the quote wrapped, and where it stands."""
    if not items:
        return "no evidence: no taxonomy skill is named in this document"
    lines = [f"{'strength':9s} {'skills':{SKILLS_WIDTH}s} {'signals':{SIGNALS_WIDTH}s} quote", "-" * (9 + SKILLS_WIDTH + SIGNALS_WIDTH + QUOTE_WIDTH + 3)]
    for item in items:
        skills = textwrap.wrap(", ".join(f"{s.label} ({s.role})" for s in item.skills) or "-", SKILLS_WIDTH)
        signals = textwrap.wrap(", ".join(sorted({s.kind for s in item.signals})) or "-", SIGNALS_WIDTH)
        quote = textwrap.wrap(item.text, QUOTE_WIDTH)
        if item.negated:
            quote += textwrap.wrap("negated: " + ", ".join(s.label for s in item.negated), QUOTE_WIDTH)
        quote.append(f"— {_where(item)}")
        height = max(len(skills), len(signals), len(quote))
        for row in range(height):
            first = item.strength if row == 0 else ""
            lines.append(
                f"{first:9s} {(skills[row] if row < len(skills) else ''):{SKILLS_WIDTH}s} "
                f"{(signals[row] if row < len(signals) else ''):{SIGNALS_WIDTH}s} {quote[row] if row < len(quote) else ''}".rstrip()
            )
        lines.append("")
    return "\n".join(lines).rstrip()
