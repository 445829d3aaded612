"""Evidence to scores: both fits, the lean, the recommendation, confidence and flags (DESIGN §5).

:func:`score_candidate` is pure. It reads only the evidence items — their
strength, dates, skills and signals — and never a name, contact detail or
anything else about the person, so protected attributes earn nothing; a job
title is never evidence (only the bullets under it are), a summary is
*listed* and a certificate *learning*, so none of them alone earns more than
the listed-mention cap.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict

from screener.errors import ConfigError
from screener.evidence.model import EvidenceItem
from screener.scoring.credit import is_dated, is_evidence, item_weight, recency, skill_ids
from screener.scoring.fit import score_profile
from screener.scoring.model import AI_PROFILE, ML_PROFILE, CandidateScores, Confidence, FlagCode, RecommendedRole, RoleBreakdown, Tunables
from screener.taxonomy import RoleProfile, Taxonomy


def focus(skill_count: int, tunables: Tunables) -> float:
    """Full credit for a bullet about a few skills; proportionally less for a run of many."""
    return min(1.0, tunables.focus_skills / skill_count) if skill_count else 1.0


def item_weights(items: list[EvidenceItem], taxonomy: Taxonomy, as_of: datetime.date, tunables: Tunables) -> list[float]:
    """Each item's credit to each of its skills: strength, recency and signals, and focus for work.

    Focus applies to work only: a skills list earns the same whether printed on one line or ten.
    """
    known_skills = [[s for s in skill_ids(item) if s in taxonomy.skills] for item in items]
    return [
        item_weight(item, as_of, tunables) * (focus(len(skills), tunables) if is_evidence(item) else 1.0)
        for item, skills in zip(items, known_skills, strict=True)
    ]


def default_profiles(taxonomy: Taxonomy) -> dict[str, RoleProfile]:
    """The taxonomy's AI and ML engineer profiles: the two fits every candidate gets."""
    missing = [p for p in (AI_PROFILE, ML_PROFILE) if p not in taxonomy.roles]
    if missing:
        raise ConfigError(f"the taxonomy has no role profile {', '.join(missing)} (skill_taxonomy/roles/<id>.yaml)")
    return {AI_PROFILE: taxonomy.roles[AI_PROFILE], ML_PROFILE: taxonomy.roles[ML_PROFILE]}


def score_candidate(
    items: list[EvidenceItem],
    taxonomy: Taxonomy,
    *,
    as_of: datetime.date,
    profiles: dict[str, RoleProfile] | None = None,
    tunables: Tunables = Tunables(),  # noqa: B008 - frozen, so one shared default is safe
) -> CandidateScores:
    """Score one candidate's evidence against the AI and ML engineer profiles as of ``as_of``.

    ``profiles`` replaces the taxonomy's; it must hold ``ai_engineer`` and
    ``ml_engineer`` (the headline fits) and may hold more, each scored into
    the breakdown.
    """
    profiles = default_profiles(taxonomy) if profiles is None else profiles
    missing = [p for p in (AI_PROFILE, ML_PROFILE) if p not in profiles]
    if missing:
        raise ConfigError(f"role profiles {', '.join(missing)} are needed to score a candidate")
    items = list(items)
    recencies = [recency(item, as_of, tunables) for item in items]
    weights = item_weights(items, taxonomy, as_of, tunables)
    breakdown = {pid: score_profile(pid, profile, items, weights, recencies, taxonomy, tunables) for pid, profile in profiles.items()}
    ai_fit, ml_fit = breakdown[AI_PROFILE].fit, breakdown[ML_PROFILE].fit

    known = [tuple(s for s in skill_ids(item) if s in taxonomy.skills) for item in items]
    credit = evidence_credit(items, weights, known, taxonomy)
    evidenced = {s for item, skills in zip(items, known, strict=True) if is_evidence(item) for s in skills}
    claimed = {s for item, skills in zip(items, known, strict=True) if not is_evidence(item) for s in skills}
    shipped = sum(1 for item in items if item.strength == "shipped")
    listed_only = len(claimed - evidenced)
    raised = flags(items, known, listed_only, len(evidenced), tunables)
    current = [i for i, r in enumerate(recencies) if r >= tunables.recent_recency]
    current_lean = lean([items[i] for i in current], [weights[i] for i in current], [known[i] for i in current], taxonomy)
    return CandidateScores(
        as_of=as_of,
        ai_fit=ai_fit,
        ml_fit=ml_fit,
        lean=lean(items, weights, known, taxonomy),
        recommended_role=recommend(
            ai_fit,
            ml_fit,
            credit,
            current_lean,
            "keyword_stuffing" in raised,
            tunables,
            eligible=tuple(core_points(breakdown[pid], profiles[pid]) >= tunables.min_core_points for pid in (AI_PROFILE, ML_PROFILE)),  # type: ignore[arg-type]
        ),
        confidence=confidence(credit, shipped, tunables),
        evidence_credit=credit,
        shipped_evidence=shipped,
        listed_only=listed_only,
        top_ai_skills=top_skills("ai", items, weights, known, taxonomy, tunables),
        top_ml_skills=top_skills("ml", items, weights, known, taxonomy, tunables),
        flags=raised,
        breakdown=breakdown,
    )


def evidence_credit(items: list[EvidenceItem], weights: list[float], known: list[tuple[str, ...]], taxonomy: Taxonomy) -> float:
    """The shipped and built weight the recommendation and confidence stand on.

    Only items with a skill in a role-specific pillar count (a pillar whose role
    is ai or ml): engineering foundations alone say nothing about either role.
    """
    role_pillars = {pid for pid, pillar in taxonomy.pillars.items() if pillar.role != "shared"}
    return math.fsum(
        weight
        for item, weight, skills in zip(items, weights, known, strict=True)
        if is_evidence(item) and any(p in role_pillars for s in skills for p in taxonomy.skills[s].pillars)
    )


def lean(items: list[EvidenceItem], weights: list[float], known: list[tuple[str, ...]], taxonomy: Taxonomy) -> float:
    """Where the shipped and built work's centre of gravity lies: −100 all ML … +100 all AI, 0 with none.

    Each shipped or built item's weight (strength × recency × bonus) is shared
    evenly among its AI and ML skills; shared skills (Python, Docker) lean
    neither way and do not dilute the others. Recent work therefore pulls harder
    than old work, which is what places a career switcher.
    """
    mass = {"ai": 0.0, "ml": 0.0}
    for item, weight, skills in zip(items, weights, known, strict=True):
        affine = [taxonomy.skills[s].role for s in skills if taxonomy.skills[s].role in mass]
        if not is_evidence(item) or not affine:
            continue
        for role in affine:
            mass[role] += weight / len(affine)
    total = mass["ai"] + mass["ml"]
    return 0.0 if total <= 0 else 100.0 * ((mass["ai"] - mass["ml"]) / total)


def recommend(
    ai_fit: float, ml_fit: float, evidence_credit: float, recent_lean: float, stuffing: bool, tunables: Tunables, eligible: tuple[bool, bool] = (True, True)
) -> RecommendedRole:
    """The role to recommend, in order:

    1. insufficient_evidence below the evidence threshold — or, for a flagged
       keyword stuffer, below the medium-confidence threshold: keyword stuffing
       must not win — or when neither role's core pillars hold real work;
    2. a career switch: the current work leans far to the side whose fit is the
       lower one (older work still dominates the totals) and that side's fit is
       real — the current centre of gravity wins;
    3. hybrid when both fits are high enough and close;
    4. the higher fit's role (an exact tie goes to ai_engineer, so the answer
       never depends on dictionary order).

    ``eligible`` says, for (AI, ML), whether the role's core pillars hold
    shipped or built work; a role without it, or with a fit below
    ``min_recommend_fit``, is never recommended.
    """
    ai_ok = eligible[0] and ai_fit >= tunables.min_recommend_fit
    ml_ok = eligible[1] and ml_fit >= tunables.min_recommend_fit
    if evidence_credit < tunables.min_evidence_credit or (stuffing and evidence_credit < tunables.medium_confidence_credit) or not (ai_ok or ml_ok):
        return "insufficient_evidence"
    if not ml_ok:
        return "ai_engineer"
    if not ai_ok:
        return "ml_engineer"
    if recent_lean >= tunables.switch_recent_lean and tunables.switch_min_fit <= ai_fit < ml_fit:
        return "ai_engineer"
    if recent_lean <= -tunables.switch_recent_lean and tunables.switch_min_fit <= ml_fit < ai_fit:
        return "ml_engineer"
    if min(ai_fit, ml_fit) >= tunables.hybrid_min_fit and abs(ai_fit - ml_fit) <= tunables.hybrid_max_gap:
        return "hybrid"
    return "ai_engineer" if ai_fit >= ml_fit else "ml_engineer"


def core_points(breakdown: RoleBreakdown, profile: RoleProfile) -> float:
    """Shipped and built points in the profile's core pillars (all pillars when it names none)."""
    core = set(profile.core_pillars) or set(profile.pillars)
    return math.fsum(p.evidence_points for p in breakdown.pillars if p.pillar in core)


def confidence(evidence_credit: float, shipped: int, tunables: Tunables) -> Confidence:
    """How much shipped and built work the scores stand on; high also needs several items graded shipped."""
    if evidence_credit >= tunables.high_confidence_credit and shipped >= tunables.high_confidence_shipped:
        return "high"
    if evidence_credit >= tunables.medium_confidence_credit:
        return "medium"
    return "low"


def top_skills(
    role: str, items: list[EvidenceItem], weights: list[float], known: list[tuple[str, ...]], taxonomy: Taxonomy, tunables: Tunables
) -> tuple[str, ...]:
    """Labels of the role's strongest skills: evidenced before merely named, then by credit, then by label."""
    evidence: dict[str, float] = defaultdict(float)
    mention: dict[str, float] = defaultdict(float)
    for item, weight, skills in zip(items, weights, known, strict=True):
        for skill_id in skills:
            if taxonomy.skills[skill_id].role == role:
                (evidence if is_evidence(item) else mention)[skill_id] += weight
    ranked = sorted(set(evidence) | set(mention), key=lambda s: (s not in evidence, -evidence.get(s, 0.0), -mention.get(s, 0.0), taxonomy.skills[s].label))
    return tuple(taxonomy.skills[s].label for s in ranked[: tunables.top_skills])


def flags(items: list[EvidenceItem], known: list[tuple[str, ...]], listed_only: int, evidenced: int, tunables: Tunables) -> tuple[FlagCode, ...]:
    """Codes a reviewer should see.

    - ``keyword_stuffing``: at least ``stuffing_min_listed_only`` skills are named
      only in lists, summaries or courses, and at least ``stuffing_ratio`` of them
      for every skill shown in shipped or built work.
    - ``no_dates``: there is shipped or built work, but none of it is dated, so
      recency could not be weighed (every item got ``undated_recency``).
    """
    found: list[FlagCode] = []
    if listed_only >= tunables.stuffing_min_listed_only and listed_only >= tunables.stuffing_ratio * evidenced:
        found.append("keyword_stuffing")
    work = [item for item, skills in zip(items, known, strict=True) if is_evidence(item) and skills]
    if work and not any(is_dated(item) for item in work):
        found.append("no_dates")
    return tuple(found)
