"""Fit reports: what a reviewer reads about one candidate (DESIGN §5).

One :class:`ReportView` is built from a :class:`~screener.results.CandidateResult`
and rendered twice, by ``templates/report.md.j2`` (:func:`screener.reports.markdown.render_markdown`)
and ``templates/report.html.j2`` (:func:`screener.reports.html.render_html`), so both
reports say the same thing. Interview questions come from
:func:`screener.reports.questions.interview_questions`.

Everything here but :func:`template_environment` is pure: no I/O, no clock. Strings that come from a resume
(evidence text, headings, entry titles, organisations, dates, errors) are
carried raw in the view; each renderer escapes them for its format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from screener.evidence.model import EvidenceItem
from screener.results import CandidateResult
from screener.scoring.model import AI_PROFILE, ML_PROFILE, CandidateScores, RoleBreakdown

if TYPE_CHECKING:
    import jinja2

#: How many evidence items the "strongest evidence" part of a report quotes.
EVIDENCE_LIMIT = 8
#: How many words of an item a pillar table quotes beside the pillar.
TABLE_QUOTE_WORDS = 8
#: Strengths that count as evidence (the rest are claims: lists and courses).
EVIDENCE_STRENGTHS = ("shipped", "built")

ROLE_LABELS = {
    "ai_engineer": "AI engineer",
    "ml_engineer": "ML engineer",
    "hybrid": "Hybrid (AI and ML engineer)",
    "insufficient_evidence": "Insufficient evidence",
    "best": "best fit",
    "job": "job fit",
}
CONFIDENCE_TEXT = {
    "high": "plenty of shipped work behind the scores",
    "medium": "some shipped or built work behind the scores",
    "low": "little shipped or built work behind the scores",
}
FLAG_TEXT = {
    "keyword_stuffing": "Many skills are named only in lists, summaries or courses, far more than are shown in real work.",
    "no_dates": "No dates were found on any role or project, so recency could not be judged.",
    "multi_column": "A page is laid out in columns; check that the text was read in the right order.",
    "needs_review": "The parse looks doubtful (garbled text, no sections, or little text for the pages): read the original rather than trust a low score.",
    "hidden_text": "The document contains text a reader cannot see (white, tiny or off-page).",
    "title_mismatch": "The job titles claim a role the described work does not support.",
    "scanned_pdf": "A page is a scanned image with no text layer; its content was not read.",
}
STATUS_TEXT = {
    "ok": "read",
    "no_text": "no text could be read (for example a scanned PDF with no text layer)",
    "encrypted": "the file is encrypted",
    "corrupt": "the file is damaged or not what its name says",
    "unsupported": "the file type is not supported",
    "timeout": "reading the file took too long",
    "error": "reading the file failed",
}

_STOP_TAIL = frozenset("a an and as at by for from in into of on or plus so that the to which who with while".split())
_CLAUSE_BREAKS = ("; ", " (", " — ", " – ", " - ", ": ")
#: Every position where a clause break starts (a lookahead, so breaks that overlap are all seen).
_CLAUSE_BREAK = re.compile("(?=" + "|".join(re.escape(b) for b in _CLAUSE_BREAKS) + ")")


def template_environment(**options: Any) -> jinja2.Environment:
    """The Jinja environment of ``templates/`` with the settings and number filters both formats share, and ``options``.

    Each renderer loads its template in one once per process and keeps the
    template: compiling it costs as much as rendering about a hundred reports,
    so the compiled code is also kept between runs (``screener.templating``).
    """
    from screener.templating import environment

    env = environment("screener.reports", **options)
    env.filters.update(num=_num, pct=_pct)
    return env


def _num(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


# -- Small pure helpers shared by the renderers and the question writer -----------------------


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) made one space."""
    return " ".join(text.split())


def quote_fragment(text: str, max_words: int = 14, min_words: int = 4) -> tuple[str, bool]:
    """A short verbatim fragment of ``text`` (whitespace normalised) and whether it was clipped.

    Takes the first clause when it has at least ``min_words`` words, then cuts
    at the last comma within ``max_words`` words, else at ``max_words`` words,
    never leaving a dangling "and" or "of" at the end.
    """
    text = one_line(text)
    fragment = text
    for found in _CLAUSE_BREAK.finditer(text):
        if len(text[: found.start()].split()) >= min_words:
            fragment = text[: found.start()]
            break
    words = fragment.split(" ")
    if len(words) > max_words:
        head = " ".join(words[:max_words])
        comma = head.rfind(", ")
        if comma > 0 and len(head[:comma].split()) >= max(min_words, max_words // 2):
            fragment = head[:comma]
        else:
            kept = words[:max_words]
            while len(kept) > min_words and kept[-1].casefold().strip(",;:") in _STOP_TAIL:
                kept.pop()
            fragment = " ".join(kept)
    fragment = fragment.rstrip(" ,.;:")
    clipped = fragment != text.rstrip(" ,.;:")
    return fragment, clipped


def quoted(text: str, max_words: int = 14) -> str:
    """``text`` clipped to a verbatim fragment, with an ellipsis where words were left off."""
    fragment, clipped = quote_fragment(text, max_words=max_words)
    return fragment + ("…" if clipped else "")


def profile_order(scores: CandidateScores) -> list[str]:
    """The breakdown's profiles, AI then ML then any others by id: a stable order for reports."""
    first = [p for p in (AI_PROFILE, ML_PROFILE) if p in scores.breakdown]
    return first + sorted(p for p in scores.breakdown if p not in first)


def focus_profile(result: CandidateResult) -> str | None:
    """The profile a report's gaps and questions are about: the recommended role, else the
    ranking role, else the higher fit (the same choice the screen makes for gaps)."""
    scores = result.scores
    if scores is None or not scores.breakdown:
        return None
    for role in (scores.recommended_role, result.ranking_role):
        if role in scores.breakdown:
            return role
    return AI_PROFILE if scores.ai_fit >= scores.ml_fit and AI_PROFILE in scores.breakdown else profile_order(scores)[0]


def shared_pillars(scores: CandidateScores) -> frozenset[str]:
    """Pillars every profile has (engineering foundations): not specific to either role."""
    sets = [frozenset(p.pillar for p in b.pillars) for b in scores.breakdown.values()]
    return frozenset.intersection(*sets) if len(sets) > 1 else frozenset()


def item_points(breakdown: RoleBreakdown, exclude: frozenset[str] = frozenset()) -> dict[int, float]:
    """Points each evidence item earned in one role's fit, outside the ``exclude`` pillars."""
    points: dict[int, float] = {}
    for pillar in breakdown.pillars:
        if pillar.pillar in exclude:
            continue
        for c in pillar.contributions:
            points[c.item] = points.get(c.item, 0.0) + c.points
    return points


def item_top_pillar(breakdown: RoleBreakdown, item: int, exclude: frozenset[str] = frozenset()) -> str | None:
    """The pillar of ``breakdown`` an item earned most in (ties: the profile's pillar order)."""
    best, best_points = None, 0.0
    for pillar in breakdown.pillars:
        if pillar.pillar in exclude:
            continue
        got = sum(c.points for c in pillar.contributions if c.item == item)
        if got > best_points:
            best, best_points = pillar.pillar, got
    return best


def signed_lean(lean: float) -> str:
    value = round(lean)
    if value > 0:
        return f"+{value} (leans AI)"
    if value < 0:
        return f"−{-value} (leans ML)"
    return "0 (balanced)"


def section_name(item: EvidenceItem) -> str:
    return item.section_heading or item.section.value.capitalize()


def where(item: EvidenceItem) -> tuple[str, ...]:
    """Where an item came from, as parts: document, section, title @ organisation, dates, page."""
    parts = [item.document, section_name(item)]
    if item.entry is not None:
        role = " @ ".join(x for x in (item.entry.title, item.entry.organisation) if x)
        if role:
            parts.append(role)
        if item.entry.dates is not None and item.entry.dates.text:
            parts.append(item.entry.dates.text)
    parts.append(f"page {item.page}")
    return tuple(parts)


# -- The view both templates render ---------------------------------------------------------


@dataclass(frozen=True)
class PillarRow:
    pillar: str
    label: str
    weight: float  # share of the fit, 0–1
    points: float
    max_points: float
    evidence_points: float
    mention_points: float
    capped: bool
    top_item: int | None  # the item that earned most here
    top_quote: str  # a short clip of that item's text
    items: tuple[int, ...]  # every item that earned points here, most first


@dataclass(frozen=True)
class FitView:
    profile: str
    label: str
    fit: float
    evidence_points: float
    mention_points: float
    pillars: tuple[PillarRow, ...]
    recommended: bool


@dataclass(frozen=True)
class EvidenceView:
    index: int  # the item's index in the result's evidence (as in the JSON)
    text: str
    strength: str
    points: float  # the most it earned in any one fit
    points_by_fit: tuple[tuple[str, float], ...]  # (fit label, points), fits it earned in
    skills: tuple[str, ...]
    signals: tuple[str, ...]
    reason: str
    where: tuple[str, ...]


@dataclass(frozen=True)
class GapView:
    label: str
    roles: tuple[str, ...]  # labels of the profiles that have this pillar


@dataclass(frozen=True)
class FlagView:
    code: str
    text: str


@dataclass(frozen=True)
class DocumentView:
    source: str
    status: str
    error: str | None
    format: str | None
    pages: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class RequirementView:
    need: str  # must-have or nice-to-have
    label: str
    status: str  # shipped, built, listed only, missing
    quote: str  # the candidate's strongest line naming it, shortened


@dataclass(frozen=True)
class JobView:
    label: str
    fit: float
    requirement_score: float
    pillar_fit: float
    must_have: str  # "4/6"
    requirements: tuple[RequirementView, ...]


STATUS_WORDS = {"shipped": "shipped", "built": "built", "listed": "listed only", "missing": "missing"}


def _job_view(result: CandidateResult) -> JobView | None:
    job = result.job
    if job is None or result.scores is None:
        return None
    rows = tuple(
        RequirementView(
            need="must-have" if r.need == "must" else "nice-to-have",
            label=r.label,
            status=STATUS_WORDS[r.status],
            quote=quoted(r.quote, TABLE_QUOTE_WORDS) if r.quote else "",
        )
        for r in job.requirements
    )
    return JobView(job.label, job.fit, job.requirement_score, job.pillar_fit, job.must_have_text, rows)


@dataclass(frozen=True)
class ReportView:
    candidate_id: str
    source: str
    status: str
    status_text: str
    error: str | None
    ok: bool
    rank: int | None
    ranking_role: str
    recommendation: str | None
    recommendation_label: str
    confidence: str | None
    confidence_text: str
    lean: float
    lean_text: str
    as_of: str | None
    shipped_evidence: int
    listed_only: int
    evidence_credit: float
    fits: tuple[FitView, ...]
    evidence: tuple[EvidenceView, ...]
    listed_skills: tuple[str, ...]
    gaps: tuple[GapView, ...]
    flags: tuple[FlagView, ...]
    questions: tuple[str, ...]
    documents: tuple[DocumentView, ...]
    schema_version: int
    job: JobView | None = None


def _pillar_rows(breakdown: RoleBreakdown, evidence: tuple[EvidenceItem, ...]) -> tuple[PillarRow, ...]:
    rows = []
    for p in breakdown.pillars:
        by_item: dict[int, float] = {}
        for c in p.contributions:
            by_item[c.item] = by_item.get(c.item, 0.0) + c.points
        ranked = tuple(sorted((i for i, pts in by_item.items() if pts > 0), key=lambda i: (-by_item[i], i)))
        top = ranked[0] if ranked else None
        quote = quoted(evidence[top].text, TABLE_QUOTE_WORDS) if top is not None and top < len(evidence) else ""
        rows.append(
            PillarRow(
                pillar=p.pillar,
                label=p.label,
                weight=p.weight,
                points=p.points,
                max_points=100.0 * p.weight,
                evidence_points=p.evidence_points,
                mention_points=p.mention_points,
                capped=p.capped,
                top_item=top,
                top_quote=quote,
                items=ranked,
            )
        )
    return tuple(rows)


def _evidence_views(result: CandidateResult, limit: int) -> tuple[EvidenceView, ...]:
    scores = result.scores
    assert scores is not None
    per_fit = {pid: item_points(scores.breakdown[pid]) for pid in profile_order(scores)}
    best = {i: max((pts.get(i, 0.0) for pts in per_fit.values()), default=0.0) for i in range(len(result.evidence))}
    ranked = sorted((i for i, pts in best.items() if pts > 0), key=lambda i: (-round(best[i], 9), i))[:limit]
    views = []
    for i in ranked:
        item = result.evidence[i]
        views.append(
            EvidenceView(
                index=i,
                text=one_line(item.text),
                strength=item.strength,
                points=best[i],
                points_by_fit=tuple((ROLE_LABELS.get(pid, pid), pts[i]) for pid, pts in per_fit.items() if pts.get(i, 0.0) > 0),
                skills=tuple(dict.fromkeys(s.label for s in item.skills)),
                signals=tuple(dict.fromkeys(f"{one_line(s.text)} ({s.kind})" for s in item.signals if s.kind != "listing")),
                reason=item.reason,
                where=tuple(one_line(w) for w in where(item)),
            )
        )
    return tuple(views)


def _gap_views(result: CandidateResult) -> tuple[GapView, ...]:
    scores = result.scores
    owners: dict[str, list[str]] = {}
    if scores is not None:
        for pid in profile_order(scores):
            for p in scores.breakdown[pid].pillars:
                owners.setdefault(p.label, []).append(ROLE_LABELS.get(pid, pid))
    return tuple(GapView(label=g, roles=tuple(owners.get(g, ()))) for g in result.gaps)


def build_view(result: CandidateResult, evidence_limit: int = EVIDENCE_LIMIT) -> ReportView:
    """Everything a fit report shows, computed once for both formats."""
    from screener.reports.questions import interview_questions

    scores = result.scores if result.ok else None
    status = result.status.value
    fits: tuple[FitView, ...] = ()
    evidence: tuple[EvidenceView, ...] = ()
    questions: tuple[str, ...] = ()
    if scores is not None:
        fits = tuple(
            FitView(
                profile=pid,
                label=ROLE_LABELS.get(pid, pid),
                fit=scores.breakdown[pid].fit,
                evidence_points=sum(p.evidence_points for p in scores.breakdown[pid].pillars),
                mention_points=sum(p.mention_points for p in scores.breakdown[pid].pillars),
                pillars=_pillar_rows(scores.breakdown[pid], result.evidence),
                recommended=pid == scores.recommended_role,
            )
            for pid in profile_order(scores)
        )
        evidence = _evidence_views(result, evidence_limit)
        questions = result.questions or interview_questions(result, None)
    documents = tuple(
        DocumentView(source=d.source, status=d.status.value, error=d.error, format=d.format, pages=d.pages, warnings=d.warnings) for d in result.documents
    )
    return ReportView(
        candidate_id=result.candidate_id,
        source=result.source,
        status=status,
        status_text=STATUS_TEXT.get(status, status),
        error=result.error,
        ok=scores is not None,
        rank=result.rank,
        ranking_role=ROLE_LABELS.get(result.ranking_role, result.ranking_role),
        recommendation=scores.recommended_role if scores else None,
        recommendation_label=ROLE_LABELS.get(scores.recommended_role, scores.recommended_role) if scores else "Not screened",
        confidence=scores.confidence if scores else None,
        confidence_text=CONFIDENCE_TEXT.get(scores.confidence, "") if scores else "",
        lean=scores.lean if scores else 0.0,
        lean_text=signed_lean(scores.lean) if scores else "",
        as_of=scores.as_of.isoformat() if scores else None,
        shipped_evidence=scores.shipped_evidence if scores else 0,
        listed_only=scores.listed_only if scores else 0,
        evidence_credit=scores.evidence_credit if scores else 0.0,
        fits=fits,
        evidence=evidence,
        listed_skills=result.listed_skills,
        gaps=_gap_views(result),
        flags=tuple(FlagView(code=f, text=FLAG_TEXT.get(f, "")) for f in dict.fromkeys(result.flags)),
        questions=questions if scores is not None else (),
        documents=documents,
        schema_version=result.schema_version,
        job=_job_view(result),
    )


_WORD = re.compile(r"[a-z]+")


def name_tokens(candidate_id: str) -> frozenset[str]:
    """Words of a candidate id (a slug of a file or folder name, often the person's name)."""
    return frozenset(w for w in _WORD.findall(candidate_id.casefold()) if len(w) >= 3) - {"resume", "final", "updated", "copy", "version"}


__all__ = [
    "EVIDENCE_LIMIT",
    "FLAG_TEXT",
    "ROLE_LABELS",
    "EvidenceView",
    "FitView",
    "PillarRow",
    "ReportView",
    "build_view",
    "focus_profile",
    "item_points",
    "quote_fragment",
    "quoted",
    "where",
]
