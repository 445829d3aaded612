"""Evidence: what a candidate did with a skill, quoted, located and graded (DESIGN §4)."""

from __future__ import annotations

from typing import Literal, get_args

from screener.document import DateRange, SectionKind, Span
from screener.frozen import Frozen

EVIDENCE_SCHEMA_VERSION = 1

Strength = Literal["shipped", "built", "listed", "learning"]
#: Strongest first: where an item's strength ranks (shipped 0 ... learning 3).
STRENGTH_ORDER: dict[str, int] = {strength: rank for rank, strength in enumerate(get_args(Strength))}
#: Strongest first: the order reports and the scorer rank strengths in.
STRENGTHS: tuple[Strength, ...] = ("shipped", "built", "listed", "learning")
SignalKind = Literal[
    "delivery",
    "build",
    "impact",
    "production",
    "ownership",
    "hedge",
    "learning",
    "negation",
    "listing",
    "metric",
    "quantity",
    "offline",
    "research",
    "buzzword",
]


class SkillMention(Frozen):
    """One taxonomy skill named in an evidence item, and why it was taken."""

    id: str
    label: str
    role: Literal["ai", "ml", "shared"]
    alias: str
    start: int
    end: int
    rule: Literal["alias", "pattern"] = "alias"
    confirmed_by: str | None = None  # the context that settled an ambiguous word


class Signal(Frozen):
    kind: SignalKind
    text: str
    start: int
    end: int


class EntryRef(Frozen):
    title: str | None = None
    organisation: str | None = None
    dates: DateRange | None = None


class EvidenceItem(Frozen):
    """One bullet or sentence, with its skills, signals and strength."""

    text: str
    strength: Strength
    document: str
    page: int = 1
    section: SectionKind
    section_heading: str | None = None
    entry: EntryRef | None = None
    span: Span
    skills: tuple[SkillMention, ...] = ()
    signals: tuple[Signal, ...] = ()
    negated: tuple[SkillMention, ...] = ()
    reason: str = ""


class Evidence(Frozen):
    schema_version: int = EVIDENCE_SCHEMA_VERSION
    taxonomy_version: str
    documents: tuple[str, ...] = ()
    items: tuple[EvidenceItem, ...] = ()
