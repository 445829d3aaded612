"""The taxonomy's shape: skills, pillars, signal lexicons and role profiles.

Every file under ``skill_taxonomy/`` is validated against these models with
unknown keys rejected, so a typo in a data file is an error with the file
and the skill id, never a silently ignored rule.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Role = Literal["ai", "ml", "shared"]
SkillKind = Literal["tool", "technique", "practice", "metric"]
ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Ambiguity(Strict):
    """How to tell a word with a second life ("Spark", "agents", "Go") in its technical sense.

    A mention of one of ``aliases`` counts only when the text around it says
    so: a ``cues`` word nearby, another skill beside it in a list, or a skills
    section. An ``against`` word nearby means the everyday sense. With
    ``case_sensitive`` the alias must be written exactly as listed ("Go", "R").
    """

    aliases: list[str] = Field(default_factory=list, description="ambiguous aliases; empty means all")
    case_sensitive: bool = False
    cues: list[str] = Field(default_factory=list)
    against: list[str] = Field(default_factory=list)
    in_lists: bool = True


class Skill(Strict):
    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1)
    role: Role
    pillars: list[str] = Field(min_length=1)
    kind: SkillKind
    aliases: list[str] = Field(min_length=1)
    patterns: list[list[dict[str, Any]]] = Field(default_factory=list, description="spaCy Matcher token patterns")
    ambiguous: Ambiguity | None = None
    description: str | None = None
    evidence_weight: float = Field(
        1.0, gt=0, le=1, description="share of full credit a mention earns: umbrella terms ('machine learning', 'MLOps') name a field, not a tool or technique"
    )

    @field_validator("aliases")
    @classmethod
    def _non_blank(cls, aliases: list[str]) -> list[str]:
        if any(not a.strip() for a in aliases):
            raise ValueError("an alias is blank")
        return aliases


class SkillFile(Strict):
    skills: list[Skill] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list, description="ids of bundled skills an override file drops")


class Pillar(Strict):
    id: str = Field(pattern=ID_PATTERN)
    label: str
    role: Role
    description: str


class PillarFile(Strict):
    pillars: list[Pillar]


def check_pillar_weights(pillars: dict[str, float]) -> dict[str, float]:
    """A profile's pillar weights: at least one, all positive, adding up to 1 (role and job profiles alike)."""
    if not pillars:
        raise ValueError("a profile needs at least one pillar")
    if any(w <= 0 for w in pillars.values()):
        raise ValueError("pillar weights must be positive")
    if abs(sum(pillars.values()) - 1.0) > 1e-6:
        raise ValueError(f"pillar weights add up to {sum(pillars.values()):.3f}, not 1")
    return pillars


class Profile(Strict):
    """What every profile has: pillars weighted to add up to 1, and skills it must have or would like."""

    id: str = Field(pattern=ID_PATTERN)
    label: str
    description: str = ""
    pillars: dict[str, float]
    must_have: list[str] = Field(default_factory=list)
    nice_to_have: list[str] = Field(default_factory=list)

    @field_validator("pillars")
    @classmethod
    def _weights(cls, pillars: dict[str, float]) -> dict[str, float]:
        return check_pillar_weights(pillars)


class RoleProfile(Profile):
    """A role's pillars and their weights (they add up to 1), consumed by the scorer."""

    role: Literal["ai", "ml"]
    core_pillars: list[str] = Field(
        default_factory=list, description="pillars that define the role: a recommendation for it needs shipped or built work in one of them"
    )

    @model_validator(mode="after")
    def _core_in_pillars(self) -> RoleProfile:
        unknown = [p for p in self.core_pillars if p not in self.pillars]
        if unknown:
            raise ValueError(f"core pillars {', '.join(unknown)} are not among the profile's pillars")
        return self


class Signals(Strict):
    """Word lists that tell shipped work from built work, listing and learning.

    Verbs are given in their base form; :mod:`screener.evidence.lexicon`
    generates their inflections, with ``irregular`` forms listed here.
    """

    version: int
    delivery_verbs: list[str]
    build_verbs: list[str]
    impact_verbs: list[str]
    production_context: list[str]
    ownership: list[str]
    hedges: list[str]
    learning: list[str]
    negations: list[str]
    clause_breaks: list[str] = Field(default_factory=list)
    listing_labels: list[str]
    business_units: list[str]
    time_units: list[str] = Field(default_factory=list)
    model_metrics: list[str]
    offline_context: list[str] = Field(default_factory=list)
    research: list[str] = Field(default_factory=list)
    learning_at_start: list[str] = Field(default_factory=list)
    vague_verbs: list[str] = Field(default_factory=list)
    buzzwords: list[str] = Field(default_factory=list)
    irregular_past: list[str] = Field(default_factory=list)
    irregular: dict[str, list[str]] = Field(default_factory=dict)
