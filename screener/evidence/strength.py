"""Grading an evidence unit: shipped, built, listed or learning (DESIGN §4).

Pure: a unit's mode and the kinds of signal found in it decide. The rules,
in order:

1. Education and certification lines are *learning*, unless they report
   research (a thesis, a paper), which is *built*.
2. A hedge ("familiar with", "exposure to") is *learning*; a publication is *built*;
   a learning marker ("completed a course", "tutorial", "bootcamp") is *learning*.
3. A skills list, a summary, a keyword block or a "Tech stack: ..." line is
   *listed*; so is a bullet of buzzwords ("drove innovation across the value
   chain") that shows no production use.
4. Unless the unit says the work stayed offline (validation set, benchmark,
   notebook, "never deployed"): delivery ("shipped", "deployed", "rolled out"),
   production context ("in production", "used by", "live traffic", "p95"), a
   count of users, customers or requests ("40k users"), or measured business
   impact (an impact verb with a number and a business unit, not a model
   metric) is *shipped*.
5. Other work — a build verb, a bullet under a job or project with a number
   in it — is *built*; a bullet that only names skills, with no verb and no
   number ("Leveraged AI/ML, LLMs and MLOps to drive innovation"), is *listed*.
"""

from __future__ import annotations

from screener.evidence.model import Strength

IMPACT_QUANTITIES = frozenset({"percent", "money", "multiplier", "count", "duration"})


def grade(mode: str, kinds: set[str], quantities: set[str], listish: bool) -> tuple[Strength, str]:
    """The strength of a unit and the reason, in words a reviewer can check.

    ``kinds`` are the signal kinds found (delivery, build, impact, production,
    ownership, hedge, learning, research, offline, metric, business);
    ``quantities`` the quantity shapes (percent, money, multiplier, count,
    duration, scale, metric_value).
    """
    if mode == "learning":
        if "research" in kinds:
            return "built", "research (a thesis or paper)"
        return "learning", "education or certification"
    if "hedge" in kinds:
        return "learning", "hedged (e.g. 'familiar with')"
    if mode == "publication":
        return "built", "published work"  # "workshop", "course" in a venue name teach nothing about the author
    if "learning" in kinds and not ("delivery" in kinds and ("production" in kinds or "scale" in quantities)):
        return "learning", "a course, tutorial or certificate"
    if mode in ("list", "summary"):
        return "listed", "named in the summary" if mode == "summary" else "named in a list"
    if listish and not kinds & {"delivery", "production"}:
        return "listed", "named in a list"
    if "buzzword" in kinds and not ("production" in kinds or "scale" in quantities):
        return "listed", "a claim in buzzwords, with no sign of what was built or who used it"
    if "offline" not in kinds:
        if "delivery" in kinds:
            return "shipped", "delivered (shipped, deployed, launched ...)"
        if "production" in kinds:
            return "shipped", "used in production or by users"
        if "scale" in quantities:
            return "shipped", "serves users or traffic at a stated scale"
        if "impact" in kinds and "business" in kinds and quantities & IMPACT_QUANTITIES and "metric" not in kinds:
            return "shipped", "measured business impact"
    if kinds & {"build", "impact", "metric", "ownership", "offline", "action"}:
        return "built", "built or ran it" if "offline" not in kinds else "built, results offline"
    if not quantities:
        return "listed", "named, but no word of what was done with it"
    return "built", "work described under an entry"
