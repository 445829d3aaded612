"""A candidate's fit for one job: how its must-haves and nice-to-haves are met, and its pillars.

Two parts, both from the candidate's evidence items and the scorer's own
weights, so the job fit is as explainable as the role fits:

- **requirements**: each of the job's skills is met by the candidate's
  strongest line naming it — shipped, built, listed only (a list, a course),
  or missing — and earns that line's strength weight times its recency
  (shipped 1, built 0.45, listed 0.08 …). Must-haves weigh twice what
  nice-to-haves do. A candidate with shipped RAG and evals meets a RAG-and-evals
  job; one with as much unrelated AI work does not.
- **pillars**: the scorer's fit over the job's pillar weights (saturating per
  skill and per pillar, listed mentions capped), so breadth in what the job
  needs counts and repetition does not.

The job fit is the two averaged, weighted by ``REQUIREMENT_SHARE``.
"""

from __future__ import annotations

import datetime

from screener.evidence.model import STRENGTH_ORDER, EvidenceItem
from screener.jobs.model import ALTERNATIVE, JobFit, JobProfile, Requirement
from screener.scoring.credit import recency, skill_ids, strength_weight
from screener.scoring.fit import score_profile
from screener.scoring.model import Tunables
from screener.scoring.score import item_weights
from screener.taxonomy import RoleProfile, Taxonomy

#: The share of the job fit that comes from meeting the job's named skills; the rest from its pillars.
REQUIREMENT_SHARE = 0.6
NEED_WEIGHT = {"must": 2.0, "nice": 1.0}
STATUS_OF = {"shipped": "shipped", "built": "built", "listed": "listed", "learning": "listed"}


def _best_line(items: list[EvidenceItem], requirement: str, as_of: datetime.date, tunables: Tunables) -> tuple[EvidenceItem | None, float]:
    """The candidate's strongest item naming the requirement's skill (any of its alternatives) and what it earns, or (None, 0).

    What it earns is the item's strength weight times its recency.
    """
    wanted = set(requirement.split(ALTERNATIVE))
    best: tuple[EvidenceItem | None, float] = (None, 0.0)
    for item in items:
        if not wanted & set(skill_ids(item)):
            continue
        earned = strength_weight(item.strength, tunables) * recency(item, as_of, tunables)
        if best[0] is None or (STRENGTH_ORDER[item.strength], -earned) < (STRENGTH_ORDER[best[0].strength], -best[1]):
            best = (item, earned)
    return best


def job_fit(items: list[EvidenceItem], profile: JobProfile, taxonomy: Taxonomy, *, as_of: datetime.date, tunables: Tunables = Tunables()) -> JobFit:  # noqa: B008
    """Score one candidate's evidence against a job profile."""
    items = list(items)
    requirements = []
    earned_total = weight_total = 0.0
    for need, skills in (("must", profile.must_have), ("nice", profile.nice_to_have)):
        for skill_id in skills:
            item, earned = _best_line(items, skill_id, as_of, tunables)
            labels = [taxonomy.skills[s].label if s in taxonomy.skills else s for s in skill_id.split(ALTERNATIVE)]
            requirements.append(
                Requirement(
                    skill=skill_id,
                    label=" or ".join(labels),
                    need=need,  # type: ignore[arg-type]
                    status=STATUS_OF[item.strength] if item else "missing",  # type: ignore[arg-type]
                    quote=item.text if item else None,
                    points=round(earned, 4),
                )
            )
            earned_total += NEED_WEIGHT[need] * earned
            weight_total += NEED_WEIGHT[need]
    requirement_score = 100.0 * earned_total / weight_total if weight_total else 0.0
    recencies = [recency(item, as_of, tunables) for item in items]
    weights = item_weights(items, taxonomy, as_of, tunables)
    side = "ml" if profile.role == "ml_engineer" else "ai"
    pillars = RoleProfile(id=profile.id, label=profile.label, role=side, pillars=profile.pillars)
    pillar_fit = score_profile(profile.id, pillars, items, weights, recencies, taxonomy, tunables).fit
    must = [r for r in requirements if r.need == "must"]
    return JobFit(
        profile=profile.id,
        label=profile.label,
        fit=REQUIREMENT_SHARE * requirement_score + (1 - REQUIREMENT_SHARE) * pillar_fit,
        requirement_score=requirement_score,
        pillar_fit=pillar_fit,
        must_have_met=sum(1 for r in must if r.status in ("shipped", "built")),
        must_have_total=len(must),
        requirements=tuple(requirements),
    )
