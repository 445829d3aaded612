"""Writing a run: ranking.csv, candidates/<id>.json|.md|.html, index.html and run.json (DESIGN §3).

Every file is written to a temporary name beside it and moved into place,
so a reader never sees half a file. CSV text cells that a spreadsheet would
run as a formula are neutralised; numbers stay numbers.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from screener import __version__
from screener.discover import display_name
from screener.results import CandidateResult

if TYPE_CHECKING:
    import pandas as pd

CSV_COLUMNS = (
    "rank", "candidate_id", "source", "status", "recommended_role", "ai_fit", "ml_fit", "lean", "confidence",
    "shipped_evidence", "listed_only", "top_ai_skills", "top_ml_skills", "flags", "error",
)  # fmt: skip
#: Columns a run screened for a job adds, after ml_fit: the job fit and the must-haves met with work ("4/6").
JOB_COLUMNS = ("job_fit", "must_have_met")
#: A text cell starting with one of these is run as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RUN_SCHEMA_VERSION = 1


def safe_cell(value: str) -> str:
    """Text a spreadsheet shows as text: formula starts are prefixed with an apostrophe."""
    text = " ".join(str(value).replace("\r", " ").replace("\n", " ").split()) if value else ""
    if str(value).startswith(FORMULA_STARTS) or text.startswith(FORMULA_STARTS):
        return "'" + (text or str(value).strip())
    return text


def csv_columns(job: bool = False) -> tuple[str, ...]:
    """DESIGN's columns, with the job columns after ml_fit when the run was screened for a job."""
    if not job:
        return CSV_COLUMNS
    at = CSV_COLUMNS.index("ml_fit") + 1
    return CSV_COLUMNS[:at] + JOB_COLUMNS + CSV_COLUMNS[at:]


def _row(result: CandidateResult) -> dict:
    scores = result.scores
    text = {
        "candidate_id": result.candidate_id,
        "source": result.source,
        "status": result.status.value,
        "recommended_role": scores.recommended_role if scores and result.ok else "",
        "confidence": scores.confidence if scores and result.ok else "",
        "top_ai_skills": "; ".join(scores.top_ai_skills) if scores and result.ok else "",
        "top_ml_skills": "; ".join(scores.top_ml_skills) if scores and result.ok else "",
        "flags": ";".join(result.flags),
        "error": result.error or "",
    }
    row: dict = {key: safe_cell(value) for key, value in text.items()}
    ok = scores is not None and result.ok
    row.update(
        rank=result.rank if ok else None,
        ai_fit=round(scores.ai_fit, 1) if ok else None,
        ml_fit=round(scores.ml_fit, 1) if ok else None,
        lean=int(round(scores.lean)) if ok else None,
        shipped_evidence=scores.shipped_evidence if ok else None,
        listed_only=scores.listed_only if ok else None,
        job_fit=round(result.job.fit, 1) if ok and result.job is not None else None,
        must_have_met=result.job.must_have_text if ok and result.job is not None else "",
    )
    return row


def _import_pandas() -> None:
    try:
        import pandas  # noqa: F401
    except Exception:  # noqa: BLE001 - the ranking's own import reports it
        pass


def import_pandas_meanwhile() -> None:
    """Start importing pandas on a thread, so that the ranking at the end of a run does not wait for it.

    A run with workers spends its main thread waiting for their results, and
    pandas takes about 0.3 s to import, which would otherwise come after the
    last resume, with one core idle. Called once the workers have been
    forked; the workers never import it. ``ranking_frame``'s import waits for
    this one if it has not finished.
    """
    if "pandas" not in sys.modules:
        threading.Thread(target=_import_pandas, name="screener-import-pandas", daemon=True).start()


def ranking_frame(results: list[CandidateResult]) -> pd.DataFrame:
    """The ranking, one row per candidate in rank order (failed rows last)."""
    import pandas as pd  # a re-run that finds its ranking in the cache never needs it

    job = any(r.job is not None for r in results)
    frame = pd.DataFrame([_row(r) for r in results], columns=list(csv_columns(job)))
    for column in ("rank", "lean", "shipped_evidence", "listed_only"):
        frame[column] = frame[column].astype("Int64")
    for column in ("ai_fit", "ml_fit", "job_fit") if job else ("ai_fit", "ml_fit"):
        frame[column] = frame[column].astype("Float64")
    return frame


#: The temporary names atomic_write gives files before moving them into place: ".<name>.<random>.tmp".
TEMPORARY_SUFFIX = ".tmp"


def remove_stale_temporaries(out_dir: Path) -> int:
    """Delete what a killed run left half-written (never a finished output); returns how many.

    A run killed between writing a temporary and moving it into place leaves
    it behind; it is not an output and no reader looks at it, but it should
    not pile up either.
    """
    removed = 0
    for folder in (Path(out_dir), Path(out_dir) / "candidates"):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name.startswith(".") and path.name.endswith(TEMPORARY_SUFFIX) and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def atomic_write(path: Path, data: str | bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that ``path`` holds either the old or the new content.

    ``durable`` also flushes the bytes to disk before the rename, so a power
    cut cannot leave an empty file either; the run-level files pay for it,
    per-candidate reports (thousands of them, and rebuilt by a re-run) do not.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def holds(path: Path, size: int, digest: str) -> bool:
    """Whether ``path`` already holds the ``size`` bytes whose sha256 is ``digest``.

    A re-run whose reports are on disk then writes nothing and need not even
    inflate them from the cache: hashing a file costs a fraction of that.
    """
    try:
        return path.stat().st_size == size and hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except OSError:
        return False


def write_if_changed(path: Path, payload: bytes, *, durable: bool = False) -> None:
    """Leave a file that already holds exactly ``payload`` alone: a re-run rewrites nothing it need not."""
    try:
        if path.stat().st_size == len(payload) and path.read_bytes() == payload:
            return
    except OSError:
        pass
    atomic_write(path, payload, durable=durable)


def ranking_csv(results: list[CandidateResult]) -> str:
    return ranking_frame(results).to_csv(index=False, float_format="%.1f", lineterminator="\n")


#: Serializes a result straight to bytes: the largest report is written as pydantic encodes it, never decoded to text and encoded back.
RESULT_JSON = TypeAdapter(CandidateResult)


def result_json(result: CandidateResult) -> bytes:
    """The candidate's whole result as UTF-8 JSON; its rank lives in ranking.csv and index.html, which see every candidate."""
    return RESULT_JSON.dump_json(result, indent=2, exclude={"rank"})


def render_candidate(result: CandidateResult) -> dict[str, bytes]:
    """A candidate's three reports as the bytes written, by path relative to the output folder.

    They depend on this candidate alone, so they are rendered as soon as it is
    screened, in whichever worker screened it, and a cached copy stays valid
    however the rest of the folder changes.
    """
    from screener.reports import build_view
    from screener.reports.html import render_html
    from screener.reports.markdown import render_markdown

    unranked = result.model_copy(update={"rank": None}) if result.rank is not None else result
    view = build_view(unranked)
    name = result.candidate_id
    return {
        f"candidates/{name}.json": result_json(unranked),
        f"candidates/{name}.md": render_markdown(unranked, view).encode("utf-8"),
        f"candidates/{name}.html": render_html(unranked, view).encode("utf-8"),
    }


def compile_templates() -> None:
    """Compile the report templates now: a parent that forks workers then compiles them once for all of them."""
    from screener.reports import html, markdown

    html.template()
    markdown.template()


#: The libraries whose versions decide what a run reads and scores.
AUDITED_LIBRARIES = ("spacy", "pypdfium2", "pdfplumber", "pdfminer.six", "python-docx", "markdown-it-py", "pydantic", "pandas", "numpy")


def environment() -> dict:
    """Enough to reproduce a run: the interpreter, the libraries, and digests of the code and bundled data."""
    import platform
    from importlib import metadata

    from screener.fingerprint import code_digest, vocabulary_digest

    versions = {}
    for name in AUDITED_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"python": platform.python_version(), "platform": platform.system(), "libraries": versions, "code_sha256": code_digest(), "vocabulary_sha256": vocabulary_digest()}


def _decision(result: CandidateResult) -> dict:
    """One candidate's inputs and what was decided, for an audit of the run."""
    scores = result.scores if result.ok else None
    return {
        "candidate_id": result.candidate_id,
        "status": result.status.value,
        "rank": result.rank,
        "documents": [d.sha256 for d in result.documents],
        "recommended_role": scores.recommended_role if scores else None,
        "ai_fit": round(scores.ai_fit, 1) if scores else None,
        "ml_fit": round(scores.ml_fit, 1) if scores else None,
        "confidence": scores.confidence if scores else None,
        "flags": list(result.flags),
        **({"job_fit": round(result.job.fit, 1), "must_have_met": result.job.must_have_text} if result.job is not None and scores else {}),
    }


def manifest(run, files: dict[str, str]) -> dict:  # type: ignore[no-untyped-def]
    """run.json: what ran, on what, with which knowledge, and how each input fared."""
    discovery = run.discovery
    statuses: dict[str, int] = {}
    for result in run.results:
        statuses[result.status.value] = statuses.get(result.status.value, 0) + 1
    inputs = [
        {"candidate_id": r.candidate_id, "document": d.source, "sha256": d.sha256, "status": d.status.value, "error": d.error}
        for r in run.results
        for d in r.documents
    ]
    skipped = [s.model_dump(mode="json") for s in discovery.skipped] if discovery else []
    input_path = display_name(str(run.input_path)) if run.input_path else None
    if run.options.get("redact"):
        # Blind screening: file names are often people's names.
        skipped = [{"path": f"skipped-{number}", "reason": s["reason"]} for number, s in enumerate(skipped, start=1)]
        input_path = input_path if run.input_path is None or run.input_path.is_dir() else "[redacted]"
    return {
        "schema_version": RUN_SCHEMA_VERSION,
        "tool": {"name": "screener", "version": __version__},
        "environment": environment(),
        "taxonomy": {"version": run.taxonomy.version, "sha256": run.taxonomy.sha256, "files": list(run.taxonomy.files)},
        "ranking_role": run.role,
        "profiles": {pid: profile.model_dump(mode="json") for pid, profile in run.profiles.items()},
        "options": run.options,
        "as_of": run.as_of.isoformat(),
        "input": input_path,
        "started": run.started,
        "finished": run.finished,
        "seconds": run.seconds,
        "timings": getattr(run, "stats", {}),
        "counts": {"candidates": len(run.results), "by_status": statuses, "skipped": len(discovery.skipped) if discovery else 0},
        "inputs": inputs,
        "decisions": [_decision(r) for r in run.results],
        "skipped": skipped,
        "outputs": files,
    }


def write_files(out_dir: Path, files: dict[str, bytes], digests: dict[str, str] | None = None) -> dict[str, str]:
    """Write ``files`` (relative path -> bytes) under ``out_dir``; returns {relative path: sha256}.

    ``digests`` are the files' sha256 where the caller already has them (a cache
    entry stores them with the bytes), so a re-run does not hash its reports again.
    """
    written = {}
    for relative, payload in files.items():
        write_if_changed(Path(out_dir) / relative, payload)
        written[relative] = digests[relative] if digests is not None else hashlib.sha256(payload).hexdigest()
    return written


class OutputWriter:
    """Writes a run into ``out_dir``: each candidate's reports as they come, the run's files at the end."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.written: dict[str, str] = {}  # relative path -> sha256
        remove_stale_temporaries(self.out_dir)

    def put(self, relative: str, content: str, *, durable: bool = False) -> None:
        payload = content.encode("utf-8")
        write_if_changed(self.out_dir / relative, payload, durable=durable)
        self.written[relative] = hashlib.sha256(payload).hexdigest()

    def write_candidate(self, result: CandidateResult) -> None:
        self.written.update(write_files(self.out_dir, render_candidate(result)))

    def finish(self, run, *, cache=None, ranking_key: str = "", reuse: bool = False) -> dict[str, str]:  # type: ignore[no-untyped-def]
        """ranking.csv, index.html and run.json, flushed to disk; returns {relative path: sha256}.

        ``ranking_key`` names this exact ranking in ``cache`` (every candidate's
        reports and the ranking role); with ``reuse`` (every candidate came from
        the cache) a ranking stored under it is written as it is.
        """
        from screener.index_page import RunSummary, render_index

        stored = cache.get("ranking", ranking_key) if cache is not None and ranking_key and reuse else None
        csv = stored.decode("utf-8") if stored is not None else ranking_csv(run.results)
        if cache is not None and ranking_key and stored is None:
            cache.put("ranking", ranking_key, csv.encode("utf-8"))
        self.put("ranking.csv", csv, durable=True)
        self.put("index.html", render_index(run.results, RunSummary.from_run(run)), durable=True)
        self.put("run.json", json.dumps(manifest(run, dict(sorted(self.written.items()))), ensure_ascii=False, indent=2), durable=True)
        return self.written


def write_outputs(run, out_dir: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Write every output of a finished ``run`` (results in memory, as ``screener rank`` has them)."""
    writer = OutputWriter(out_dir)
    for result in run.results:
        writer.write_candidate(result)
    return writer.finish(run)
