"""Grading an evidence unit: shipped, built, listed or learning (DESIGN §4).

Pure: a unit's mode and the kinds of signal found in it decide. The rules,
in order:

1. Education, certifications, and any hedge or learning marker ("familiar with",
   "completed a course") are *learning* — in a list or summary too.
2. A list (skills section, keyword block, "Tech stack: ..." line) or a summary is *listed*.
3. Delivery ("shipped", "deployed", "rolled out"), production context ("in
   production", "40k users", "p95") or measured impact (a number with an
   impact verb or a business unit) is *shipped*.
4. Other work — a build verb, a publication, a bullet under a job — is *built*.
"""

from __future__ import annotations

from screener.evidence.model import Strength

IMPACT_QUANTITIES = frozenset({"percent", "money", "multiplier", "count", "duration", "scale"})


def grade(mode: str, kinds: set[str], quantities: set[str], listish: bool) -> tuple[Strength, str]:
    """The strength of a unit and the reason, in words a reviewer can check."""
    if mode == "learning":
        return "learning", "education or certification"
    if "hedge" in kinds:
        return "learning", "hedged (e.g. 'familiar with')"
    if mode == "publication":
        return "built", "published work"  # "workshop", "course" in a venue name teach nothing about the author
    if "learning" in kinds:
        return "learning", "a course, tutorial or certificate"
    if mode in ("list", "summary") or listish:
        return "listed", "named in a list or summary" if mode != "summary" else "named in the summary"
    measured = bool(quantities & IMPACT_QUANTITIES) and bool(kinds & {"impact", "production", "delivery", "business"})
    if "delivery" in kinds:
        return "shipped", "delivered (shipped, deployed, launched ...)"
    if "production" in kinds:
        return "shipped", "used in production or by users"
    if measured or "scale" in quantities:
        return "shipped", "measured impact"
    if kinds & {"build", "impact", "metric", "ownership"}:
        return "built", "built or ran it"
    return "built", "work described under an entry"
