"""The shapes of job analysis: the data that drives it, what it finds, and the profile it writes.

``skill_taxonomy/jobs.yaml`` (titles, headings, decision questions and
thresholds) is validated by :class:`JobVocabulary`, unknown keys rejected,
like the rest of the taxonomy. A :class:`JobProfile` is what ``screener role
--write-profile`` writes and ``screener screen --profile`` reads back: an
editable file, validated against the taxonomy it names skills and pillars of.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from screener.taxonomy.model import Profile

JobRole = Literal["ai_engineer", "ml_engineer", "both"]
#: Joins the skill ids of one requirement that any of them meets ("pgvector|qdrant").
ALTERNATIVE = "|"
Need = Literal["must", "nice"]
SectionRole = Literal["responsibilities", "requirements", "nice_to_have", "intro", "other", "ignored"]


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Question(Strict):
    """One of the hiring guides' decision questions, and the phrases that answer it for each role."""

    id: str
    question: str
    ai_answer: str
    ml_answer: str
    weight: float = Field(gt=0)
    cap: float = Field(gt=0)
    ai: list[str]
    ml: list[str]


class Decision(Strict):
    ai_share: float = Field(gt=0.5, lt=1)
    ml_share: float = Field(gt=0, lt=0.5)
    min_points: float = Field(ge=0)


class JobVocabulary(Strict):
    version: int
    titles: dict[JobRole, list[str]]
    title_labels: list[str]
    negations: list[str]
    sections: dict[Literal["nice_to_have", "requirements", "responsibilities", "ignored"], list[str]]
    section_weights: dict[SectionRole, float]
    questions: list[Question]
    decision: Decision

    @field_validator("section_weights")
    @classmethod
    def _all_sections(cls, weights: dict[str, float]) -> dict[str, float]:
        missing = set(SectionRole.__args__) - set(weights)  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"section_weights lacks {', '.join(sorted(missing))}")
        return weights


class Phrase(Strict):
    """A decision phrase found in the job's text."""

    text: str
    section: SectionRole


class Answer(Strict):
    """How the job's text answers one decision question."""

    id: str
    question: str
    answer: Literal["ai_engineer", "ml_engineer", "mixed", "unknown"]
    summary: str  # the answer in words
    ai_points: float
    ml_points: float
    ai_phrases: tuple[str, ...] = ()
    ml_phrases: tuple[str, ...] = ()


class JobSkill(Strict):
    """A taxonomy skill the job asks for."""

    id: str
    label: str
    role: Literal["ai", "ml", "shared"]
    pillars: tuple[str, ...]
    need: Need
    mentions: int
    quote: str  # the first line of the job that names it


class JobAnalysis(Strict):
    """What ``screener role`` decides about a job description, and why."""

    source: str
    title: str | None
    title_role: JobRole | None
    role: JobRole
    mislabelled: bool
    ai_points: float
    ml_points: float
    ai_share: float
    reasons: tuple[str, ...]
    questions: tuple[Answer, ...]
    skills: tuple[JobSkill, ...]
    pillars: dict[str, float]  # the pillars the job's skills fall in, weighted, adding up to 1


class JobProfile(Profile):
    """A job as a profile: pillar weights and the skills it must have and would like, editable by hand."""

    kind: Literal["job"] = "job"
    role: JobRole
    source: str | None = None  # the job description it was made from

    @model_validator(mode="after")
    def _distinct_skills(self) -> JobProfile:
        both = set(self.must_have) & set(self.nice_to_have)
        if both:
            raise ValueError(f"skills {', '.join(sorted(both))} are both must-have and nice-to-have")
        if len(set(self.must_have)) != len(self.must_have) or len(set(self.nice_to_have)) != len(self.nice_to_have):
            raise ValueError("a skill is listed twice")
        return self


class Requirement(Strict):
    """One skill of the job, and how a candidate meets it."""

    skill: str
    label: str
    need: Need
    status: Literal["shipped", "built", "listed", "missing"]  # learning counts as listed only
    quote: str | None = None  # the candidate's strongest line naming it
    points: float = 0.0  # its share of the requirement score, 0–1 of its weight


class JobFit(Strict):
    """A candidate's fit for one job: requirements met and the job's pillars, 0–100."""

    profile: str
    label: str
    fit: float
    requirement_score: float  # 0–100: must-haves and nice-to-haves met, weighted by strength
    pillar_fit: float  # 0–100: the candidate's evidence over the job's pillar weights
    must_have_met: int  # met with shipped or built work
    must_have_total: int
    requirements: tuple[Requirement, ...] = ()

    @property
    def must_have_text(self) -> str:
        return f"{self.must_have_met}/{self.must_have_total}"
