"""One role profile's fit: credits → skills → pillars → points, with every point attributed.

The model, per pillar of the profile:

1. Each item gives each of its skills its weight (strength × recency × signal
   bonus), split evenly over the skill's pillars that the profile weights.
2. A skill's value in the pillar saturates: ``1 − exp(−credit / skill_saturation)``,
   so repeating a skill soon adds nothing.
3. The pillar's score saturates over the sum of its skills' values:
   ``1 − exp(−sum / pillar_saturation)``; its points are ``100 · weight · score``.
   Breadth across pillars therefore beats depth in one.
4. Points are computed twice: from shipped and built items alone, and from all
   items. Listed and learning mentions add the difference, capped at the
   pillar's share (its weight) of ``mention_fit_cap``. Both computations rise
   with every credit, and the pillar's points are the smaller of "all items"
   and "evidence plus cap", so adding or upgrading an item never lowers a fit.

Attribution: a pillar's points go to its skills in proportion to their values
and, within a skill, to items in proportion to their credits. Shipped and built
items share the evidence points; listed and learning items share the capped
mention points in proportion to what they earned among all items. The parts
add up to the pillar's points, and the pillars to the fit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import NamedTuple

from screener.evidence.model import EvidenceItem
from screener.scoring.credit import is_evidence, skill_ids
from screener.scoring.model import Contribution, PillarScore, RoleBreakdown, Tunables
from screener.taxonomy import RoleProfile, Taxonomy


class Credit(NamedTuple):
    """One item's credit to one skill in one pillar (a named tuple, cheap to build: every score makes dozens)."""

    item: int
    skill: str
    amount: float
    recency: float


# Points per (item, skill) key.
Attribution = dict[tuple[int, str], float]


def pillar_points(credits: list[Credit], weight: float, tunables: Tunables) -> tuple[float, Attribution]:
    """A pillar's points from its credits, and how they split over (item, skill)."""
    per_skill: dict[str, float] = defaultdict(float)
    for credit in credits:
        per_skill[credit.skill] += credit.amount
    values = {skill: 1.0 - math.exp(-total / tunables.skill_saturation) for skill, total in per_skill.items() if total > 0}
    raw = math.fsum(values.values())
    if raw <= 0:
        return 0.0, {}
    points = 100.0 * weight * (1.0 - math.exp(-raw / tunables.pillar_saturation))
    shares: Attribution = defaultdict(float)
    for credit in credits:
        if credit.amount > 0:
            shares[(credit.item, credit.skill)] += points * (values[credit.skill] / raw) * (credit.amount / per_skill[credit.skill])
    return points, dict(shares)


def _scaled(shares: Attribution, total: float) -> Attribution:
    """``shares`` rescaled to add up to ``total``."""
    current = math.fsum(shares.values())
    if current <= 0 or total <= 0:
        return {}
    return {key: value * total / current for key, value in shares.items()}


def profile_credits(
    items: list[EvidenceItem], weights: list[float], recencies: list[float], profile: RoleProfile, taxonomy: Taxonomy
) -> dict[str, list[Credit]]:
    """Pillar id → the credits items give it under this profile; skills outside the taxonomy or the profile give none."""
    credits: dict[str, list[Credit]] = defaultdict(list)
    for index, item in enumerate(items):
        for skill_id in skill_ids(item):
            skill = taxonomy.skills.get(skill_id)
            if skill is None:
                continue
            pillars = [p for p in dict.fromkeys(skill.pillars) if p in profile.pillars]
            for pillar in pillars:
                credits[pillar].append(Credit(index, skill_id, weights[index] * skill.evidence_weight / len(pillars), recencies[index]))
    return credits


def score_profile(
    profile_id: str,
    profile: RoleProfile,
    items: list[EvidenceItem],
    weights: list[float],
    recencies: list[float],
    taxonomy: Taxonomy,
    tunables: Tunables,
) -> RoleBreakdown:
    """The profile's fit as the sum of its pillars' points, each pillar explained by its contributions."""
    credits = profile_credits(items, weights, recencies, profile, taxonomy)
    pillars = []
    for pillar_id, weight in profile.pillars.items():
        pillar_credits = credits.get(pillar_id, [])
        evidence_points, evidence_shares = pillar_points([c for c in pillar_credits if is_evidence(items[c.item])], weight, tunables)
        all_points, all_shares = pillar_points(pillar_credits, weight, tunables)
        cap = tunables.mention_fit_cap * weight
        mention_points = min(max(0.0, all_points - evidence_points), cap)
        mention_shares = _scaled({key: value for key, value in all_shares.items() if not is_evidence(items[key[0]])}, mention_points)
        if not mention_shares:
            mention_points = 0.0
        points = evidence_points + mention_points
        amounts: dict[tuple[int, str], float] = defaultdict(float)
        for credit in pillar_credits:
            amounts[(credit.item, credit.skill)] += credit.amount
        contributions = [
            Contribution(
                item=index,
                quote=items[index].text,
                strength=items[index].strength,
                skill=skill_id,
                skill_label=taxonomy.skills[skill_id].label,
                credit=amounts[(index, skill_id)],
                recency=recencies[index],
                points=share,
            )
            for (index, skill_id), share in (evidence_shares | mention_shares).items()
            if share > 0
        ]
        contributions.sort(key=lambda c: (-c.points, c.item, c.skill))
        pillar = taxonomy.pillars.get(pillar_id)
        pillars.append(
            PillarScore(
                pillar=pillar_id,
                label=pillar.label if pillar else pillar_id,
                weight=weight,
                score=points / (100.0 * weight),
                points=points,
                evidence_points=evidence_points,
                mention_points=mention_points,
                capped=mention_points > 0 and all_points - evidence_points > cap,
                contributions=tuple(contributions),
            )
        )
    return RoleBreakdown(profile=profile_id, role=profile.role, fit=math.fsum(p.points for p in pillars), pillars=tuple(pillars))
