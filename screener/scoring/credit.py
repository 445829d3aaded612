"""What one evidence item is worth: its strength, how recent it is, what it claims.

Pure functions of an item, ``as_of`` and :class:`Tunables`. The clock is
never read: the same items scored as of the same day give the same numbers.
"""

from __future__ import annotations

import datetime

from screener.document import DateRange, PartialDate
from screener.evidence.model import EvidenceItem, Strength
from screener.scoring.model import Tunables

#: Strengths that are evidence of work (the rest are claims: listed, learning).
EVIDENCE_STRENGTHS: frozenset[str] = frozenset({"shipped", "built"})
#: Signals that, beside a number, make an item's impact quantified.
IMPACT_SIGNALS: frozenset[str] = frozenset({"impact", "metric", "production", "delivery"})


def strength_weight(strength: Strength, tunables: Tunables) -> float:
    return {
        "shipped": tunables.shipped_weight,
        "built": tunables.built_weight,
        "listed": tunables.listed_weight,
        "learning": tunables.learning_weight,
    }[strength]


def _months(date: PartialDate, month_when_unknown: int) -> int:
    return date.year * 12 + (date.month or month_when_unknown) - 1


def years_ago(dates: DateRange | None, as_of: datetime.date, tunables: Tunables) -> float | None:
    """Years between the end of the work and ``as_of``; 0 for current work, None when undated.

    A range with only a start and no "present" is a single date ("2019"), so
    the start is its end. Dates after ``as_of`` count as current.
    """
    if dates is None:
        return None
    if dates.current:
        return 0.0
    end = dates.end or dates.start
    if end is None:
        return None
    now = as_of.year * 12 + as_of.month - 1
    return max(0, now - _months(end, tunables.unknown_end_month)) / 12.0


def is_dated(item: EvidenceItem) -> bool:
    """Whether the item's entry gives a date recency can be read from."""
    dates = item.entry.dates if item.entry else None
    return dates is not None and (dates.current or dates.end is not None or dates.start is not None)


def recency(item: EvidenceItem, as_of: datetime.date, tunables: Tunables) -> float:
    """Halves every half-life after the work ended, never below the floor; undated work gets the neutral factor."""
    years = years_ago(item.entry.dates if item.entry else None, as_of, tunables)
    if years is None:
        return tunables.undated_recency
    return max(tunables.recency_floor, 0.5 ** (years / tunables.recency_half_life_years))


def signal_bonus(item: EvidenceItem, tunables: Tunables) -> float:
    """The extra share quantified impact and ownership earn; only work (shipped, built) earns it.

    The bonus depends on the item's signals only, never on its strength beyond
    work-or-not, so upgrading a strength can only raise an item's weight.
    """
    if item.strength not in EVIDENCE_STRENGTHS:
        return 0.0
    kinds = {signal.kind for signal in item.signals}
    bonus = 0.0
    if "quantity" in kinds and kinds & IMPACT_SIGNALS:
        bonus += tunables.impact_bonus
    if "ownership" in kinds:
        bonus += tunables.ownership_bonus
    return bonus


def item_weight(item: EvidenceItem, as_of: datetime.date, tunables: Tunables) -> float:
    """The credit each skill of the item receives before it is split over pillars."""
    return strength_weight(item.strength, tunables) * recency(item, as_of, tunables) * (1.0 + signal_bonus(item, tunables))


def is_evidence(item: EvidenceItem) -> bool:
    return item.strength in EVIDENCE_STRENGTHS


def skill_ids(item: EvidenceItem) -> tuple[str, ...]:
    """The item's skills, each once, in the order first named: saying a skill twice in a bullet earns it once."""
    return tuple(dict.fromkeys(mention.id for mention in item.skills))
