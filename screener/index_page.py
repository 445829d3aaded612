"""``index.html``: the one page a reviewer opens first (DESIGN §3).

A self-contained, offline page: the run summary, an AI-fit vs ML-fit scatter
plot drawn as inline SVG (each point links to the candidate's report), and
the ranked table, sortable by any column and filterable by recommended role.
No CDN, no network, no external file: the CSS and the one script are inline,
so the page works opened straight from the file system.

Safety: every value read from a resume (ids, skill labels, flags, errors) is
escaped by Jinja's autoescape; hrefs are built here from URL-quoted ids under
``candidates/`` (so never ``javascript:``); the script reads the DOM and is
attached by id and class, never through handlers built from data; and a
Content-Security-Policy admits only that script, by its hash.

The layout work (rows, plot coordinates) is done by pure functions here; the
template only prints what they give it.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

import jinja2
from pydantic import BaseModel, ConfigDict, Field

from screener import __version__
from screener.discover import display_name
from screener.document import Status
from screener.results import CandidateResult
from screener.scoring.model import Tunables
from screener.templating import environment

if TYPE_CHECKING:
    from screener.batch import ScreenRun

#: The fit at which the plot's quadrants split: the scorer's own hybrid threshold, so "hybrid" means the same on the plot as in the table.
QUADRANT_SPLIT: float = Tunables().hybrid_min_fit
#: Points are labelled with their candidate id up to this many plotted candidates; beyond it, labels would only overlap (tooltips remain).
LABEL_POINTS_UP_TO = 30
#: The plot's drawing area, in SVG user units, and its margins (room for ticks and axis titles).
PLOT_SIZE = 440
PLOT_MARGIN_LEFT = 56
PLOT_MARGIN_TOP = 20
PLOT_MARGIN_RIGHT = 24
PLOT_MARGIN_BOTTOM = 50
PLOT_TICKS = (0, 20, 40, 60, 80, 100)

ROLES: tuple[str, ...] = ("ai_engineer", "ml_engineer", "hybrid", "insufficient_evidence")
FAILED = "failed"
ROLE_LABELS = {
    "ai_engineer": "AI engineer",
    "ml_engineer": "ML engineer",
    "hybrid": "hybrid",
    "insufficient_evidence": "insufficient evidence",
    FAILED: "failed",
}
_CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}


class RunSummary(BaseModel):
    """What the page says about the run as a whole (a subset of ``run.json``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tool_version: str = __version__
    taxonomy_version: str
    ranking_role: str  # ai_engineer, ml_engineer or best
    input_folder: str  # the screened folder's name, not its full path
    candidates: int = Field(ge=0)
    ok: int = Field(ge=0)
    failed: dict[str, int] = Field(default_factory=dict)  # status → count, for every status but ok
    started: str = ""  # ISO 8601
    finished: str = ""  # ISO 8601
    seconds: float = Field(0.0, ge=0)

    @classmethod
    def from_results(cls, results: Iterable[CandidateResult], **fields: object) -> RunSummary:
        """Counts taken from the results; every other field passed by name."""
        results = list(results)
        failed = Counter(str(r.status) for r in results if not r.ok)
        return cls(candidates=len(results), ok=sum(1 for r in results if r.ok), failed=dict(sorted(failed.items())), **fields)  # type: ignore[arg-type]

    @classmethod
    def from_run(cls, run: ScreenRun) -> RunSummary:
        """The summary of a finished :class:`~screener.batch.ScreenRun`."""
        return cls.from_results(
            run.results,
            taxonomy_version=str(run.taxonomy.version),
            ranking_role=run.role,
            input_folder=display_name(run.input_path.name) if run.input_path is not None else "",
            started=run.started,
            finished=run.finished,
            seconds=round(run.seconds, 3),
        )


@dataclass(frozen=True)
class Row:
    """One table row, every cell already formatted; ``*_sort`` values order the numeric columns."""

    candidate_id: str
    href: str
    role_key: str  # the filter's key: a recommended role, or "failed"
    rank: str
    role: str
    ai_fit: str
    ml_fit: str
    lean: str
    lean_sort: str
    confidence: str
    confidence_sort: str
    shipped: str
    listed: str
    top_ai: tuple[str, ...]
    top_ml: tuple[str, ...]
    flags: tuple[str, ...]
    status: str
    error: str
    job_fit: str = ""  # when the run was screened for a job
    must_have: str = ""


@dataclass(frozen=True)
class Point:
    candidate_id: str
    href: str
    role_key: str
    x: float
    y: float
    title: str
    label: str
    label_x: float
    label_anchor: str


@dataclass(frozen=True)
class Tick:
    value: int
    x: float  # where the tick stands on the x (ML fit) axis
    y: float  # where it stands on the y (AI fit) axis


@dataclass(frozen=True)
class Plot:
    width: int
    height: int
    left: int
    top: int
    size: int
    split: float
    split_x: float
    split_y: float
    ticks: tuple[Tick, ...]
    points: tuple[Point, ...]


def report_href(candidate_id: str) -> str:
    """The relative link to a candidate's HTML report: always under ``candidates/``, the id URL-quoted whole."""
    return f"candidates/{quote(candidate_id, safe='')}.html"


def _fit(value: float) -> str:
    return f"{value:.1f}"


def ordered(results: Iterable[CandidateResult]) -> list[CandidateResult]:
    """Ok candidates by rank (unranked ones after, by id), then failed ones by id: the order of DESIGN §3."""
    results = list(results)
    ok = sorted((r for r in results if r.ok), key=lambda r: (r.rank is None, r.rank or 0, r.candidate_id))
    failed = sorted((r for r in results if not r.ok), key=lambda r: r.candidate_id)
    return ok + failed


def table_rows(results: Iterable[CandidateResult]) -> list[Row]:
    rows = []
    for r in ordered(results):
        s = r.scores if r.ok else None
        flags = tuple(dict.fromkeys([*(s.flags if s else ()), *r.flags]))
        if s is None:
            rows.append(
                Row(
                    candidate_id=r.candidate_id,
                    href=report_href(r.candidate_id),
                    role_key=FAILED,
                    rank="",
                    role="",
                    ai_fit="",
                    ml_fit="",
                    lean="",
                    lean_sort="",
                    confidence="",
                    confidence_sort="",
                    shipped="",
                    listed="",
                    top_ai=(),
                    top_ml=(),
                    flags=flags,
                    status=str(r.status),
                    error=" ".join((r.error or "").split()),
                )
            )
            continue
        rows.append(
            Row(
                candidate_id=r.candidate_id,
                href=report_href(r.candidate_id),
                role_key=s.recommended_role,
                rank="" if r.rank is None else str(r.rank),
                role=s.recommended_role,
                ai_fit=_fit(s.ai_fit),
                ml_fit=_fit(s.ml_fit),
                lean=f"{s.lean:+.0f}" if round(s.lean) else "0",
                lean_sort=_fit(s.lean),
                confidence=s.confidence,
                confidence_sort=str(_CONFIDENCE_ORDER[s.confidence]),
                shipped=str(s.shipped_evidence),
                listed=str(s.listed_only),
                top_ai=s.top_ai_skills,
                top_ml=s.top_ml_skills,
                flags=flags,
                status=str(Status.OK),
                error="",
                job_fit=_fit(r.job.fit) if r.job is not None else "",
                must_have=r.job.must_have_text if r.job is not None else "",
            )
        )
    return rows


def scatter_plot(results: Iterable[CandidateResult], split: float = QUADRANT_SPLIT) -> Plot:
    """x = ML fit, y = AI fit, both 0–100; one point per ok candidate."""
    size, left, top = PLOT_SIZE, PLOT_MARGIN_LEFT, PLOT_MARGIN_TOP

    def x_of(ml: float) -> float:
        return round(left + size * min(max(ml, 0.0), 100.0) / 100, 1)

    def y_of(ai: float) -> float:
        return round(top + size * (1 - min(max(ai, 0.0), 100.0) / 100), 1)

    ok = [r for r in ordered(results) if r.ok and r.scores is not None]
    labelled = len(ok) <= LABEL_POINTS_UP_TO
    points = []
    for r in ok:
        s = r.scores
        assert s is not None
        x, y = x_of(s.ml_fit), y_of(s.ai_fit)
        right_half = x > left + size * 0.7
        rank = f"#{r.rank} " if r.rank is not None else ""
        points.append(
            Point(
                candidate_id=r.candidate_id,
                href=report_href(r.candidate_id),
                role_key=s.recommended_role,
                x=x,
                y=y,
                title=f"{rank}{r.candidate_id}: AI fit {_fit(s.ai_fit)}, ML fit {_fit(s.ml_fit)}, {ROLE_LABELS[s.recommended_role]} ({s.confidence} confidence)",
                label=r.candidate_id if labelled else "",
                label_x=x - 8 if right_half else x + 8,
                label_anchor="end" if right_half else "start",
            )
        )
    return Plot(
        width=left + size + PLOT_MARGIN_RIGHT,
        height=top + size + PLOT_MARGIN_BOTTOM,
        left=left,
        top=top,
        size=size,
        split=split,
        split_x=x_of(split),
        split_y=y_of(split),
        ticks=tuple(Tick(value=t, x=x_of(t), y=y_of(t)) for t in PLOT_TICKS),
        points=tuple(points),
    )


def _csp_hash(script: str) -> str:
    """The CSP source that admits exactly this inline script."""
    return "sha256-" + base64.b64encode(hashlib.sha256(str(script).encode("utf-8")).digest()).decode("ascii")


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def _environment() -> jinja2.Environment:
    env = environment("screener", autoescape=True)
    env.filters["csp_hash"] = _csp_hash
    env.filters["duration"] = _duration
    return env


def render_index(results: list[CandidateResult], summary: RunSummary, *, split: float = QUADRANT_SPLIT) -> str:
    """The whole ``index.html`` as a string: failed candidates listed after ok ones, and not plotted."""
    rows = table_rows(results)
    counts = Counter(row.role_key for row in rows)
    filters = [("all", "all", len(rows))] + [(key, ROLE_LABELS[key], counts.get(key, 0)) for key in (*ROLES, FAILED)]
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            job=any(row.job_fit for row in rows),
            rows=rows,
            plot=scatter_plot(results, split),
            summary=summary,
            filters=filters,
            roles=ROLES,
            role_labels=ROLE_LABELS,
        )
    )
