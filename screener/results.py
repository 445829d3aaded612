"""What ``screener screen`` decides about each candidate: the typed boundary reports read.

A :class:`CandidateResult` is written whole to ``candidates/<id>.json`` and
is all the Markdown and HTML reports, the CSV row and the index page need.
"""

from __future__ import annotations

from screener.document import DateRange, SectionKind, Status
from screener.evidence.model import EvidenceItem
from screener.frozen import Frozen
from screener.jobs.model import JobFit
from screener.scoring import CandidateScores

RESULT_SCHEMA_VERSION = 1


class OutlineEntry(Frozen):
    title: str | None = None
    organisation: str | None = None
    dates: DateRange | None = None
    bullets: int = 0


class OutlineSection(Frozen):
    kind: SectionKind
    heading: str | None = None
    entries: tuple[OutlineEntry, ...] = ()


class DocumentOutcome(Frozen):
    """One of a candidate's files: how reading it went, and its outline when it was read."""

    source: str  # path relative to the screened folder
    status: Status
    error: str | None = None
    sha256: str = ""
    format: str | None = None
    pages: int = 0
    multi_column: bool = False
    warnings: tuple[str, ...] = ()
    outline: tuple[OutlineSection, ...] = ()


class CandidateResult(Frozen):
    """Everything screened about one candidate (one file or one folder of files)."""

    schema_version: int = RESULT_SCHEMA_VERSION
    candidate_id: str
    source: str
    status: Status  # ok when at least one document was read
    error: str | None = None  # one line, when status is not ok
    rank: int | None = None
    ranking_role: str = "best"  # ai_engineer, ml_engineer or best: what rank orders by
    documents: tuple[DocumentOutcome, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    scores: CandidateScores | None = None
    flags: tuple[str, ...] = ()  # the scorer's flags plus the documents' (multi_column, needs_review, scanned_pdf ...)
    gaps: tuple[str, ...] = ()  # pillars of the recommended (or ranking) role with no shipped or built evidence, by label
    listed_skills: tuple[str, ...] = ()  # skill labels named only in lists, summaries or courses
    questions: tuple[str, ...] = ()  # interview questions from the strongest claims and largest gaps
    job: JobFit | None = None  # the fit for the job screened for (--job / a job --profile)

    @property
    def ok(self) -> bool:
        return self.status is Status.OK and self.scores is not None

    def slim(self) -> CandidateResult:
        """What the ranking, the CSV, the index and run.json need, and no more: a batch keeps one per candidate.

        Evidence, the breakdown, questions, gaps, listed skills, outlines and
        warnings stay in the candidate's own report files.
        """
        documents = tuple(d.model_copy(update={"outline": (), "warnings": ()}) for d in self.documents)
        scores = self.scores.model_copy(update={"breakdown": {}}) if self.scores is not None else None
        job = self.job.model_copy(update={"requirements": ()}) if self.job is not None else None
        return self.model_copy(
            update={"evidence": (), "questions": (), "gaps": (), "listed_skills": (), "documents": documents, "scores": scores, "job": job}
        )
