"""The batch: a folder of resumes in, one scored :class:`CandidateResult` per candidate out.

``screen`` reads and extracts (the expensive part); ``rescore`` re-scores
results that already carry their evidence, which is what ``screener rank``
does with an earlier run's ``candidates/*.json``. Both end in ``rank_results``,
so a re-ranked run orders candidates exactly as a fresh one would.
"""

from __future__ import annotations

import datetime
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import ValidationError

from screener.cache import open_cache
from screener.discover import Discovery, Skipped, discover
from screener.document import Document, SectionKind, Status
from screener.errors import ConfigError, DocumentError, validation_problems
from screener.evidence.model import EvidenceItem
from screener.ingest.engines import DEFAULT_ENGINE
from screener.ingest.limits import Limits
from screener.jobs.fit import job_fit
from screener.jobs.model import JobProfile
from screener.jobs.profile import is_job_profile, parse_job_profile
from screener.parallel import available_cores
from screener.read_ahead import read_ahead_for
from screener.results import CandidateResult, DocumentOutcome, OutlineEntry, OutlineSection
from screener.runner import load_taxonomy_cached
from screener.scoring import CandidateScores, score_candidate
from screener.scoring.model import AI_PROFILE, ML_PROFILE
from screener.taxonomy import RoleProfile, Taxonomy, load_taxonomy
from screener.worker import CandidateTask, RunSettings

RankingRole = Literal["ai_engineer", "ml_engineer", "best"]
RANKING_ROLES: tuple[str, ...] = ("ai_engineer", "ml_engineer", "best")
#: The ranking role of a run screened for a job: candidates are ranked by their job fit.
JOB_RANKING = "job"
#: Recommended or ranking role -> the profile whose breakdown speaks for it.
ROLE_PROFILES = {"ai_engineer": AI_PROFILE, "ml_engineer": ML_PROFILE}
#: A page with fewer readable characters than this looks scanned or garbled.
MIN_CHARS_PER_PAGE = 300
EVIDENCE_STRENGTHS = frozenset({"shipped", "built"})


@dataclass
class ScreenRun:
    """A finished run: results in rank order, with what the manifest needs."""

    results: list[CandidateResult]
    role: str
    taxonomy: Taxonomy
    profiles: dict[str, RoleProfile]
    as_of: datetime.date
    input_path: Path | None = None
    discovery: Discovery | None = None
    options: dict = field(default_factory=dict)
    started: str = ""
    finished: str = ""
    seconds: float = 0.0
    stats: dict = field(default_factory=dict)  # timings, cache hits, workers' peak memory

    def frame(self):  # type: ignore[no-untyped-def]
        """The ranking as a pandas DataFrame, columns in the order of DESIGN §3."""
        from screener.outputs import ranking_frame

        return ranking_frame(self.results)


def _check_role(role: str) -> None:
    if role not in RANKING_ROLES and role != JOB_RANKING:
        raise ConfigError(f"unknown ranking role {role!r} (choose from {', '.join(RANKING_ROLES)})")


EXECUTORS: tuple[str, ...] = ("local", "dask")


def _check_executor(executor: str, scheduler: str | None) -> None:
    """Refuse an unknown executor, a scheduler without Dask, and Dask where it is not installed, before any work."""
    import importlib.util

    if executor not in EXECUTORS:
        raise ConfigError(f"unknown executor {executor!r} (choose from {', '.join(EXECUTORS)})")
    if scheduler and executor != "dask":
        raise ConfigError("a scheduler address needs --executor dask")
    if executor == "dask" and importlib.util.find_spec("distributed") is None:
        raise ConfigError("install screener[dask] to use --executor dask")


def read_profile(path: Path, taxonomy: Taxonomy) -> RoleProfile | JobProfile:
    """A user's profile YAML, read once and checked like the bundled ones.

    A role profile replaces the bundled profile of its role; a job profile
    (``kind: job``, from ``screener role --write-profile``) is a job to rank for.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot be read as YAML ({' '.join(str(exc).split())[:200]})") from None
    if is_job_profile(data):
        return parse_job_profile(data, taxonomy, str(path))
    try:
        profile = RoleProfile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {validation_problems(exc)}") from None
    unknown = [p for p in profile.pillars if p not in taxonomy.pillars]
    if unknown:
        raise ConfigError(f"{path}: profile {profile.id!r}: unknown pillar(s) {', '.join(unknown)}")
    return profile


def job_for(taxonomy: Taxonomy, job: Path | None = None, custom: RoleProfile | JobProfile | None = None) -> JobProfile | None:
    """The job to rank for: a job description analysed into a profile, else a job profile the user gave."""
    if job is not None:
        from screener.jobs.analyse import analyse_job
        from screener.jobs.profile import job_profile

        try:
            return job_profile(analyse_job(Path(job), taxonomy))
        except DocumentError as exc:
            raise ConfigError(f"{job}: the job description cannot be read ({exc})") from None
    return custom if isinstance(custom, JobProfile) else None


def profiles_for(taxonomy: Taxonomy, custom: RoleProfile | JobProfile | None = None, stored: dict | None = None) -> dict[str, RoleProfile]:
    """The AI and ML profiles: the taxonomy's, or an earlier run's ``stored`` ones, then a user's role profile over its role's."""
    profiles = {pid: RoleProfile.model_validate(stored[pid]) if stored and pid in stored else taxonomy.roles[pid] for pid in (AI_PROFILE, ML_PROFILE)}
    if isinstance(custom, RoleProfile):
        profiles[AI_PROFILE if custom.role == "ai" else ML_PROFILE] = custom
    return profiles


def _outline(doc: Document) -> tuple[OutlineSection, ...]:
    return tuple(
        OutlineSection(
            kind=s.kind,
            heading=s.heading,
            entries=tuple(OutlineEntry(title=e.title, organisation=e.organisation, dates=e.dates, bullets=len(e.bullets)) for e in s.entries),
        )
        for s in doc.sections
    )


def _needs_review(doc: Document) -> bool:
    """The parse looks doubtful: garbled glyphs, no sections, or little text for the pages."""
    if doc.layout.unreadable_chars:
        return True
    if not any(s.kind is not SectionKind.CONTACT for s in doc.sections):
        return True
    return doc.format == "pdf" and len(doc.text) < MIN_CHARS_PER_PAGE * max(1, doc.layout.pages) // 2


#: Flags that come from the documents rather than the scorer; `rank` keeps them as they were.
DOCUMENT_FLAGS = frozenset({"multi_column", "needs_review", "no_dates", "scanned_pdf", "hidden_text"})


def document_flags(docs: list[Document]) -> list[str]:
    flags = []
    if any(d.layout.multi_column_pages for d in docs):
        flags.append("multi_column")
    if any(_needs_review(d) for d in docs):
        flags.append("needs_review")
    if docs and not any(e.dates for d in docs for e in d.entries):
        flags.append("no_dates")
    if any(d.layout.hidden for d in docs):
        flags.append("hidden_text")
    return flags


def _listed_only_labels(items: list[EvidenceItem], taxonomy: Taxonomy) -> tuple[str, ...]:
    """Labels of skills named only in lists or courses, never in shipped or built work."""
    evidenced = {s.id for i in items if i.strength in EVIDENCE_STRENGTHS for s in i.skills}
    claimed = {s.id for i in items if i.strength not in EVIDENCE_STRENGTHS for s in i.skills}
    return tuple(sorted(taxonomy.skills[s].label for s in claimed - evidenced if s in taxonomy.skills))


def _gaps(scores: CandidateScores, role: str) -> tuple[str, ...]:
    """Pillars of the role that matters (recommended, else ranked by, else the higher fit) with no shipped or built evidence."""
    profile = ROLE_PROFILES.get(scores.recommended_role) or ROLE_PROFILES.get(role)
    if profile is None:
        profile = AI_PROFILE if scores.ai_fit >= scores.ml_fit else ML_PROFILE
    return tuple(p.label for p in scores.breakdown[profile].pillars if p.evidence_points <= 0)


def finish_result(
    result: CandidateResult,
    taxonomy: Taxonomy,
    profiles: dict[str, RoleProfile],
    as_of: datetime.date,
    role: str,
    doc_flags: list[str],
    job: JobProfile | None = None,
) -> CandidateResult:
    """Score a result's evidence and fill in everything derived from the scores (and the job's fit, for a job)."""
    from screener.reports.questions import interview_questions

    items = list(result.evidence)
    scores = score_candidate(items, taxonomy, as_of=as_of, profiles=profiles)
    listed = _listed_only_labels(items, taxonomy)
    flags = tuple(dict.fromkeys([*scores.flags, *doc_flags]))
    fit = job_fit(items, job, taxonomy, as_of=as_of) if job is not None else None
    scored = result.model_copy(
        update={"scores": scores, "flags": flags, "gaps": _gaps(scores, role), "listed_skills": listed, "ranking_role": role, "job": fit}
    )
    return scored.model_copy(update={"questions": interview_questions(scored, taxonomy)})


def ranking_fit(result: CandidateResult, role: str) -> float:
    assert result.scores is not None
    if role == JOB_RANKING and result.job is not None:
        return result.job.fit
    if role == "ai_engineer":
        return result.scores.ai_fit
    if role == "ml_engineer":
        return result.scores.ml_fit
    return max(result.scores.ai_fit, result.scores.ml_fit)


def rank_results(results: list[CandidateResult], role: str) -> list[CandidateResult]:
    """Ok candidates by the ranking fit (highest first, ties by id); failed ones last, unranked."""
    ok = sorted((r for r in results if r.ok), key=lambda r: (-round(ranking_fit(r, role), 6), r.candidate_id))
    failed = sorted((r for r in results if not r.ok), key=lambda r: r.candidate_id)
    return [r.model_copy(update={"rank": index + 1}) for index, r in enumerate(ok)] + [r.model_copy(update={"rank": None}) for r in failed]


def _document_outcome(relative: str, doc: Document | DocumentError) -> DocumentOutcome:
    if isinstance(doc, DocumentError):
        return DocumentOutcome(source=relative, status=doc.status, error=doc.message)
    return DocumentOutcome(
        source=relative,
        status=Status.OK,
        sha256=doc.sha256,
        format=doc.format,
        pages=doc.layout.pages or 1,
        multi_column=bool(doc.layout.multi_column_pages),
        warnings=doc.warnings,
        outline=_outline(doc),
    )


def assemble_result(
    task: CandidateTask, documents: list[tuple[str, Document | DocumentError]], evidence: list[EvidenceItem], settings: RunSettings
) -> CandidateResult:
    """A candidate's result from its read (or failed) documents and their evidence, scored."""
    outcomes = [_document_outcome(relative, doc) for relative, doc in documents]
    docs = [doc for _, doc in documents if isinstance(doc, Document)]
    if not docs:
        return failed_result(task, outcomes=outcomes, role=settings.role)
    result = CandidateResult(candidate_id=task.candidate_id, source=task.source, status=Status.OK, documents=tuple(outcomes), evidence=tuple(evidence))
    return finish_result(result, settings.taxonomy, settings.profiles, settings.as_of, settings.role, document_flags(docs), settings.job)


def failed_result(
    task: CandidateTask, *, outcomes: list[DocumentOutcome] | None = None, status: Status = Status.ERROR, message: str = "", role: str = "best"
) -> CandidateResult:
    """A candidate none of whose documents could be read: the first failure speaks for it."""
    if outcomes is None:
        outcomes = [DocumentOutcome(source=relative, status=status, error=message) for _, relative, _ in task.documents]
    first = next((o for o in outcomes if o.status is not Status.OK), None)
    status = first.status if first else Status.ERROR
    error = (first.error if len(outcomes) == 1 else f"{first.source}: {first.error}") if first else "no supported documents"
    return CandidateResult(candidate_id=task.candidate_id, source=task.source, status=status, error=error, documents=tuple(outcomes), ranking_role=role)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def screen(
    input_path: Path,
    *,
    role: str = "best",
    taxonomy_files: tuple[Path, ...] | list[Path] = (),
    profile: Path | None = None,
    job: Path | None = None,
    as_of: datetime.date | None = None,
    engine: str = DEFAULT_ENGINE,
    limits: Limits | None = None,
    workers: int | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
    out_dir: Path | None = None,
    progress: str | None = "quiet",
    redact: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
) -> ScreenRun:
    """Screen every candidate under ``input_path`` (DESIGN §2).

    ``as_of`` is the date recency is measured from (today by default).
    ``workers``: processes that read files (default: one per core; 0 reads
    in this process). ``cache``/``cache_dir``: the content-addressed cache
    (default: the user's cache directory); with it and forked workers, a
    child parses the first documents into it while the workers' pipeline is
    built (:mod:`screener.read_ahead`). With ``out_dir`` every output is
    written there as candidates finish and ``ScreenRun.results`` hold each
    candidate without its evidence, so memory stays flat on any folder;
    without it nothing is written and results are whole. ``progress`` is
    ``bar``, ``lines``, ``quiet`` or None (a bar on a terminal, lines
    otherwise). ``redact`` (blind screening) removes names, contact details,
    personal links and demographic hints from every result and output and
    names candidates by a neutral id; scores are the same either way.
    ``job`` (a job description) or a ``profile`` of ``kind: job`` ranks
    candidates by their fit for that job (``CandidateResult.job``).
    ``executor`` ``"dask"`` screens on a Dask cluster (the ``screener[dask]``
    extra): the one at ``scheduler``'s address, or a local cluster of
    ``workers`` processes (default: one per core) started for the run and
    closed after it; the outputs are the same as ``"local"``'s.
    ``ScreenRun.results`` are in rank order; ``ScreenRun.frame()`` is the
    ranking as a DataFrame.
    """
    from screener.runner import run_batch

    _check_role(role)
    _check_executor(executor, scheduler)
    input_path = Path(input_path)
    started, clock = _now(), time.perf_counter()
    store = open_cache(cache_dir) if cache else None
    found = discover(input_path)
    workers = available_cores() if workers is None else workers
    limits = limits or Limits()
    cache_path = store.directory if store else None
    ahead = read_ahead_for(found, input_path, cache_dir=cache_path, workers=workers, executor=executor, engine=engine, limits=limits)
    with ahead or nullcontext():
        taxonomy = load_taxonomy_cached(list(taxonomy_files), store)
        custom = read_profile(profile, taxonomy) if profile is not None else None
        wanted = job_for(taxonomy, job, custom)
        profiles = profiles_for(taxonomy, custom)
        role = JOB_RANKING if wanted is not None else role
        as_of = as_of or datetime.date.today()
        settings = RunSettings(
            taxonomy=taxonomy,
            profiles=profiles,
            as_of=as_of,
            role=role,
            engine=engine,
            limits=limits,
            cache_dir=cache_path,
            out_dir=Path(out_dir) if out_dir is not None else None,
            redact=redact,
            job=wanted,
        )
        batch = run_batch(
            found, input_path, settings, store=store, workers=workers, out_dir=out_dir, progress=progress, executor=executor, scheduler=scheduler, read_ahead=ahead
        )
    options = {
        "role": role,
        "engine": engine,
        "taxonomy": [str(p) for p in taxonomy_files],
        "profile": str(profile) if profile else None,
        "as_of": as_of.isoformat(),
        "limits": limits.model_dump(),
        "workers": workers,
        "cache": str(store.directory) if store else None,
        "redact": redact,
        "job": str(job) if job else None,
        "job_profile": wanted.model_dump(mode="json") if wanted is not None else None,
        "executor": executor,
        "scheduler": scheduler,
    }
    run = ScreenRun(
        results=rank_results(batch.results, role),
        role=role,
        taxonomy=taxonomy,
        profiles=profiles,
        as_of=as_of,
        input_path=input_path,
        discovery=found,
        options=options,
        started=started,
        finished=_now(),
        seconds=round(time.perf_counter() - clock, 3),
        stats=batch.stats,
    )
    if out_dir is not None:
        batch.finish(run, store)
    return run


def rescore(
    results: list[CandidateResult],
    *,
    role: str = "best",
    taxonomy: Taxonomy,
    profiles: dict[str, RoleProfile],
    as_of: datetime.date,
    job: JobProfile | None = None,
) -> list[CandidateResult]:
    """Re-score stored results from their evidence, without reading any document."""
    rescored = []
    for result in results:
        if result.status is not Status.OK:
            rescored.append(result.model_copy(update={"ranking_role": role}))
            continue
        doc_flags = [f for f in result.flags if f in DOCUMENT_FLAGS]
        rescored.append(finish_result(result, taxonomy, profiles, as_of, role, doc_flags, job))
    return rank_results(rescored, role)


def load_results(out_dir: Path) -> tuple[list[CandidateResult], dict]:
    """The results and manifest of an earlier run in ``out_dir``."""
    import json

    out_dir = Path(out_dir)
    run_file = out_dir / "run.json"
    if not run_file.is_file():
        raise ConfigError(f"{out_dir} holds no run.json: not the output folder of `screener screen`")
    manifest = json.loads(run_file.read_text(encoding="utf-8"))
    results = []
    for path in sorted((out_dir / "candidates").glob("*.json")):
        try:
            results.append(CandidateResult.model_validate_json(path.read_text(encoding="utf-8")))
        except ValidationError as exc:
            raise ConfigError(f"{path}: not a screener result ({exc.error_count()} problem(s))") from None
    return results, manifest


def rank_run(out_dir: Path, *, role: str | None = None, profile: Path | None = None, taxonomy_files: tuple[Path, ...] | list[Path] | None = None) -> ScreenRun:
    """Re-score an earlier run from its stored evidence, with another role or profile; nothing is parsed."""
    started, clock = _now(), time.perf_counter()
    results, manifest = load_results(out_dir)
    options = dict(manifest.get("options", {}))
    files = list(taxonomy_files) if taxonomy_files is not None else [Path(p) for p in options.get("taxonomy", [])]
    taxonomy = load_taxonomy(files)
    custom = read_profile(profile, taxonomy) if profile is not None else None
    job = job_for(taxonomy, custom=custom)  # a job profile given now replaces the run's job; a role profile keeps it
    if job is None and options.get("job_profile"):
        job = parse_job_profile(options["job_profile"], taxonomy, f"{out_dir}/run.json")
    role = role or (JOB_RANKING if job is not None else manifest.get("ranking_role", "best"))
    if role == JOB_RANKING and job is None:
        role = "best"  # the run had no job: rank by the better fit
    _check_role(role)
    profiles = profiles_for(taxonomy, custom, stored=manifest.get("profiles", {}))
    options["job_profile"] = job.model_dump(mode="json") if job is not None else None
    as_of = datetime.date.fromisoformat(manifest.get("as_of") or datetime.date.today().isoformat())
    options.update(role=role, profile=str(profile) if profile else options.get("profile"), taxonomy=[str(p) for p in files], reranked_from=str(out_dir))
    return ScreenRun(
        results=rescore(results, role=role, taxonomy=taxonomy, profiles=profiles, as_of=as_of, job=job),
        role=role,
        taxonomy=taxonomy,
        profiles=profiles,
        as_of=as_of,
        input_path=Path(manifest["input"]) if manifest.get("input") else None,
        discovery=Discovery(candidates=(), skipped=tuple(Skipped.model_validate(s) for s in manifest.get("skipped", []))),
        options=options,
        started=started,
        finished=_now(),
        seconds=round(time.perf_counter() - clock, 3),
    )
