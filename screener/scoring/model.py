"""What the scorer returns, and every number that tunes it (DESIGN §5).

:class:`Tunables` is the one place each weight and threshold of the scorer is
named, given a default and explained; the scoring functions read nothing
else. The result models are frozen and carry their explanation: a
:class:`CandidateScores` breaks each fit into pillars and each pillar into
contributions naming the evidence item (by index and quote) and the skill
that earned the points, and the parts add up exactly to the whole.
"""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from screener.evidence.model import Strength
from screener.frozen import Frozen

RecommendedRole = Literal["ai_engineer", "ml_engineer", "hybrid", "insufficient_evidence"]
Confidence = Literal["low", "medium", "high"]
FlagCode = Literal["keyword_stuffing", "no_dates"]

#: The profile ids the two headline fits (and the recommended roles) come from.
AI_PROFILE = "ai_engineer"
ML_PROFILE = "ml_engineer"


class Tunables(BaseModel):
    """Every weight and threshold of the scorer, with its default and its reason.

    Change a default only with the property tests in ``tests/test_scoring.py``
    still passing: they pin what the numbers are for (monotonicity,
    saturation, the listed-mention cap, recency, breadth over depth).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    # -- How much one mention of a skill is worth, by what was done with it.
    shipped_weight: float = Field(1.0, gt=0)
    """Credit of a skill in a *shipped* item: used to deliver something real. The unit all other credits are measured in."""
    built_weight: float = Field(0.45, gt=0)
    """Credit of a skill in a *built* item: real work with no sign it reached users — worth a bit under half of shipping it."""
    listed_weight: float = Field(0.08, gt=0)
    """Credit of a skill in a *listed* item (skills list, summary, keyword block): a claim, not evidence."""
    learning_weight: float = Field(0.04, gt=0)
    """Credit of a skill in a *learning* item (course, certificate, 'familiar with'): half a listing."""
    impact_bonus: float = Field(0.15, ge=0)
    """Extra share of a shipped or built item's credit when it states quantified impact (a number beside an impact verb, a metric, production or delivery)."""
    ownership_bonus: float = Field(0.10, ge=0)
    """Extra share of a shipped or built item's credit when it says the candidate owned or led the work."""

    focus_skills: int = Field(3, ge=1)
    """A bullet naming more taxonomy skills than this credits each proportionally less: a run of eight tool names is about none of them in depth."""

    # -- Recency: recent work outweighs old work.
    recency_half_life_years: float = Field(2.0, gt=0)
    """Years after which work that ended then counts half as much as current work."""
    recency_floor: float = Field(0.25, gt=0, le=1)
    """The least an item's recency factor falls to, however old: old shipped work still shows the candidate can do it."""
    undated_recency: float = Field(0.75, gt=0, le=1)
    """Recency factor of an item with no dates (skills lists, projects without dates): neither current nor old, about 15 months ago."""
    unknown_end_month: int = Field(12, ge=1, le=12)
    """Month assumed when an end date gives only a year ('2019 – 2021' ends in December 2021): vague dates are not penalised."""

    # -- Diminishing returns.
    skill_saturation: float = Field(1.0, gt=0)
    """Credit at which a skill is ~63% saturated in a pillar (value = 1 − exp(−credit / this)): three recent shipped uses of one skill are about all it can earn."""
    pillar_saturation: float = Field(1.2, gt=0)
    """Sum of skill values at which a pillar is ~63% full (score = 1 − exp(−sum / this)): a pillar fills with several distinct skills, not one repeated."""

    # -- Listed and learning mentions: a small, capped share.
    mention_fit_cap: float = Field(8.0, ge=0, le=100)
    """Most points of a fit that listed and learning mentions can add on top of shipped and built evidence; split over pillars by weight. A skills list alone stays at or below this."""

    # -- Recommendation and confidence, in evidence credit: the sum of the weights of shipped and
    #    built items with a skill in a role-specific (not shared) pillar.
    min_evidence_credit: float = Field(0.8, ge=0)
    """Below this much shipped+built credit the recommendation is insufficient_evidence: about one recent shipped item, two undated shipped or three undated built items.
    Only items with a skill in an AI or ML pillar count: shipping a React app with Python and Docker is no evidence for either role."""
    hybrid_min_fit: float = Field(30.0, ge=0, le=100)
    """Both fits at least this high (and close, below) make a candidate hybrid."""
    hybrid_max_gap: float = Field(15.0, ge=0, le=100)
    """Largest difference between the two fits for a hybrid recommendation."""
    min_recommend_fit: float = Field(10.0, ge=0, le=100)
    """A role whose fit is below this is not recommended, however the evidence credit adds up: a handful of built bullets is not a profile."""
    min_core_points: float = Field(2.0, ge=0)
    """Points of shipped or built evidence a role's core pillars need before that role can be recommended: data pipelines alone do not make an ML engineer."""
    recent_recency: float = Field(0.8, gt=0, le=1)
    """Work whose recency factor is at least this (current, or ended within about a year) is the candidate's current work."""
    switch_recent_lean: float = Field(60.0, ge=0, le=100)
    """When the current work leans this far one way, and that side's fit reaches switch_min_fit, that side is recommended even if older work scores higher on the other: a career switcher's current centre of gravity wins."""
    switch_min_fit: float = Field(25.0, ge=0, le=100)
    """Least fit the current side needs for the career-switch rule."""
    medium_confidence_credit: float = Field(2.5, ge=0)
    """Shipped+built credit from which confidence is medium (about three undated shipped items)."""
    high_confidence_credit: float = Field(5.0, ge=0)
    """Shipped+built credit from which confidence is high (about five recent shipped items), with high_confidence_shipped items graded shipped."""
    high_confidence_shipped: int = Field(3, ge=0)
    """Items graded shipped that high confidence needs besides the credit: built work alone never gives high confidence."""

    # -- Flags.
    stuffing_min_listed_only: int = Field(15, ge=1)
    """keyword_stuffing needs at least this many skills named only in lists, summaries or courses …"""
    stuffing_ratio: float = Field(3.0, gt=0)
    """… and at least this many of them for every skill shown in shipped or built work."""

    # -- Display.
    top_skills: int = Field(5, ge=0)
    """How many skills top_ai_skills and top_ml_skills name, strongest first."""

    @model_validator(mode="after")
    def _ordered(self) -> Tunables:
        weights = (self.shipped_weight, self.built_weight, self.listed_weight, self.learning_weight)
        if list(weights) != sorted(weights, reverse=True):
            raise ValueError("strength weights must not rise from shipped to built to listed to learning: upgrading an item would lower a fit")
        if self.high_confidence_credit < self.medium_confidence_credit:
            raise ValueError("high_confidence_credit is below medium_confidence_credit")
        return self


class Contribution(Frozen):
    """Points one evidence item earned in one pillar through one skill."""

    item: int  # index into the scored items
    quote: str
    strength: Strength
    skill: str
    skill_label: str
    credit: float  # the item's credit to this skill in this pillar, before saturation
    recency: float
    points: float


class PillarScore(Frozen):
    pillar: str
    label: str
    weight: float
    score: float  # 0–1; points = 100 · weight · score
    points: float
    evidence_points: float  # from shipped and built items alone
    mention_points: float  # added by listed and learning items, at most the pillar's share of the cap
    capped: bool  # the listed/learning share hit its cap
    contributions: tuple[Contribution, ...] = ()


class RoleBreakdown(Frozen):
    profile: str
    role: Literal["ai", "ml"]
    fit: float  # the sum of the pillars' points
    pillars: tuple[PillarScore, ...] = ()

    def pillar(self, pillar_id: str) -> PillarScore:
        return next(p for p in self.pillars if p.pillar == pillar_id)


class CandidateScores(Frozen):
    """A candidate's fits, recommendation and flags, each traceable to evidence items."""

    as_of: datetime.date
    ai_fit: float
    ml_fit: float
    lean: float  # −100 all ML … +100 all AI, over shipped and built work
    recommended_role: RecommendedRole
    confidence: Confidence
    evidence_credit: float  # shipped+built credit the recommendation and confidence stand on
    shipped_evidence: int
    listed_only: int
    top_ai_skills: tuple[str, ...] = ()
    top_ml_skills: tuple[str, ...] = ()
    flags: tuple[FlagCode, ...] = ()
    breakdown: dict[str, RoleBreakdown] = Field(default_factory=dict)
