"""The ``screener`` command: a thin layer over the library.

Each command parses its options, calls one library function, and prints.
A :class:`ScreenerError` becomes a clean message and exit code 2; a file
that cannot be read becomes ``STATUS: message`` and exit code 1.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path

import click

from screener import __version__
from screener.batch import rank_run, screen
from screener.discover import discover
from screener.errors import DocumentError, ScreenerError
from screener.ingest.engines import DEFAULT_ENGINE, ENGINE_NAMES
from screener.ingest.limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_PAGES, DEFAULT_TIME_LIMIT, Limits
from screener.outline import outline, summary
from screener.outputs import write_outputs
from screener.taxonomy import Taxonomy, TaxonomyError, load_taxonomy, show
from screener.vocabulary import load_vocabulary


class ConfigProblem(click.ClickException):
    """A usage or configuration error (bad taxonomy, bad profile, missing folder): exit code 2."""

    exit_code = 2


#: Rows of the ranking printed after a run.
TOP_ROWS = 10


def _limits(time_limit: float, max_pages: int, max_memory: int = DEFAULT_MAX_MEMORY_MB) -> Limits:
    return Limits(time_limit=time_limit, max_pages=max_pages, max_memory_mb=max_memory)


engine_option = click.option(
    "--engine",
    type=click.Choice(sorted(ENGINE_NAMES)),
    default=DEFAULT_ENGINE,
    show_default=True,
    help="PDF extraction engine.",
)
time_limit_option = click.option(
    "--time-limit", type=click.FloatRange(min=0.1), default=DEFAULT_TIME_LIMIT, show_default=True, help="Seconds one file may take to parse."
)
max_pages_option = click.option("--max-pages", type=click.IntRange(min=1), default=DEFAULT_MAX_PAGES, show_default=True, help="Pages read from one PDF.")
taxonomy_option = click.option(
    "--taxonomy",
    "taxonomy_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extra taxonomy YAML that adds, replaces or removes skills (repeatable).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="screener")
def main() -> None:
    """Offline, explainable screening of resumes for AI-engineer and ML-engineer roles."""


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["outline", "json", "text"]), default="outline", show_default=True, help="What to print.")
@engine_option
@time_limit_option
@max_pages_option
def parse(path: Path, fmt: str, engine: str, time_limit: float, max_pages: int) -> None:
    """Parse one resume and print its structure, or summarise every candidate in a folder.

    FILE may be a PDF, DOCX, Markdown or text file. ``outline`` prints
    sections, entries and bullets as a tree; ``json`` the whole parsed
    document; ``text`` the reading-order text, one block per paragraph.
    Given a folder, prints one summary per candidate (DESIGN §2 discovery).

    \b
    Examples:
      screener parse resume.pdf
      screener parse resume.pdf --format text
      screener parse samples/resumes
    """
    from screener.ingest.reader import read_document

    try:
        vocab = load_vocabulary()
        limits = _limits(time_limit, max_pages)
        if path.is_dir():
            sys.exit(_survey(path, vocab, engine, limits))
        doc = read_document(path, vocab, engine=engine, limits=limits)
    except DocumentError as exc:
        click.echo(f"{exc.status.value}: {exc.message}", err=True)
        sys.exit(1)
    except ScreenerError as exc:
        raise ConfigProblem(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2))
    elif fmt == "text":
        click.echo(doc.reading_text())
    else:
        click.echo(outline(doc))


def _survey(folder: Path, vocab, engine: str, limits: Limits) -> int:  # type: ignore[no-untyped-def]
    """Print a per-candidate summary of a folder; 0 when anything was read."""
    from screener.ingest.reader import read_document

    found = discover(folder)
    read = 0
    for candidate in found.candidates:
        click.echo(f"{candidate.candidate_id}  ({candidate.source})")
        for document, relative in candidate.sources(folder):
            try:
                doc = read_document(document, vocab, engine=engine, limits=limits, source=relative)
            except DocumentError as exc:
                click.echo(f"  {relative}: {exc.status.value}: {exc.message}")
                continue
            read += 1
            click.echo(f"  {relative}: ok {summary(doc)}")
    for skipped in found.skipped:
        click.echo(f"skipped {skipped.path}: {skipped.reason}")
    click.echo(f"{len(found.candidates)} candidate(s), {read} document(s) read, {len(found.skipped)} skipped")
    return 0 if read else 1


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help="What to print.")
@engine_option
@time_limit_option
@max_pages_option
@taxonomy_option
def explain(path: Path, fmt: str, engine: str, time_limit: float, max_pages: int, taxonomy_files: tuple[Path, ...]) -> None:
    """Show the skill evidence in one resume: what was shipped, built, listed or learned.

    Every bullet or sentence that names a taxonomy skill is an evidence item
    with its skills (and their role: ai, ml or shared), the signals found
    (delivery, production, impact, hedges ...), its strength and where it
    stands. ``json`` prints {"evidence": [...]}.

    \b
    Examples:
      screener explain resume.pdf
      screener explain resume.txt --format json
    """
    from screener.evidence import EvidenceExtractor, build_extractor, views
    from screener.ingest.reader import read_document

    loaded = _load_taxonomy(taxonomy_files)
    try:
        doc = read_document(path, load_vocabulary(), engine=engine, limits=_limits(time_limit, max_pages))
    except DocumentError as exc:
        click.echo(f"{exc.status.value}: {exc.message}", err=True)
        sys.exit(1)
    items = EvidenceExtractor(build_extractor(loaded)).document(doc)
    if fmt == "json":
        payload = {"source": doc.source, "taxonomy_version": loaded.version, "evidence": [views.item_json(item) for item in items]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(views.as_table(items))


def _report_taxonomy(exc: TaxonomyError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(exc.problems)} problem(s) in the taxonomy", err=True)
    sys.exit(2)


def _load_taxonomy(files: tuple[Path, ...]) -> Taxonomy:
    try:
        return load_taxonomy(list(files))
    except TaxonomyError as exc:
        _report_taxonomy(exc)
        raise  # unreachable: _report_taxonomy exits


role_option = click.option(
    "--role",
    type=click.Choice(["ai_engineer", "ml_engineer", "best"]),
    default=None,
    help="Rank by the AI-engineer fit, the ML-engineer fit, or the higher of the two (best, the default).",
)
profile_option = click.option(
    "--profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A role profile YAML (pillar weights) that replaces the bundled profile of its role, or a job profile (kind: job, from `screener role --write-profile`) to rank for.",
)


def _print_run(run, out_dir: Path, top: int = TOP_ROWS) -> None:  # type: ignore[no-untyped-def]
    ok = [r for r in run.results if r.ok]
    failed = len(run.results) - len(ok)
    click.echo(f"screened {len(run.results)} candidate(s): {len(ok)} ok, {failed} failed · ranked by {run.role}")
    for result in ok[:top]:
        scores = result.scores
        click.echo(
            f"  {result.rank:>3}. {result.candidate_id:32.32s} {scores.recommended_role:22s} AI {scores.ai_fit:5.1f}  ML {scores.ml_fit:5.1f}  {scores.confidence}"
        )
    if len(ok) > top:
        click.echo(f"  … {len(ok) - top} more in {out_dir / 'ranking.csv'}")
    click.echo(f"ranking: {out_dir / 'ranking.csv'}")
    click.echo(f"review:  {out_dir / 'index.html'}")


def _run_and_write(make_run, out_dir: Path, *, write: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Run, write every output (unless the run wrote its own), print the top of the ranking; exit 0, or 1 when nothing could be screened."""
    try:
        run = make_run()
        if write:
            write_outputs(run, out_dir)
    except TaxonomyError as exc:
        _report_taxonomy(exc)
    except ScreenerError as exc:
        raise ConfigProblem(str(exc)) from None
    _print_run(run, out_dir)
    sys.exit(0 if any(r.ok for r in run.results) else 1)


@main.command("screen")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for ranking.csv, reports, index.html and run.json."
)
@role_option
@taxonomy_option
@profile_option
@click.option(
    "--job",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A job description (PDF, DOCX, Markdown or text): rank candidates by their fit for it (adds job_fit and must_have_met).",
)
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Date recency is measured from (default: today).")
@engine_option
@time_limit_option
@max_pages_option
@click.option("--workers", type=click.IntRange(min=0), default=None, help="Worker processes that read files (default: one per core; 0 reads in this process).")
@click.option(
    "--max-memory",
    type=click.IntRange(min=64),
    default=DEFAULT_MAX_MEMORY_MB,
    show_default=True,
    help="Megabytes a worker may grow by while reading one file; past it the file is an error row and the worker is replaced.",
)
@click.option(
    "--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Cache folder (default: the user's cache directory)."
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "--redact", is_flag=True, help="Blind screening: no names, contact details, personal links or demographic hints in any output; neutral ids. Scores are unchanged."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where candidates are screened: this machine's worker processes, or a Dask cluster (needs screener[dask]).",
)
@click.option("--scheduler", metavar="ADDRESS", default=None, help="With --executor dask: the scheduler to use (default: a local cluster of --workers processes).")
def screen_command(
    input_path: Path,
    out_dir: Path,
    role: str | None,
    taxonomy_files: tuple[Path, ...],
    profile: Path | None,
    job: Path | None,
    as_of,
    engine: str,
    time_limit: float,
    max_pages: int,
    workers: int | None,
    max_memory: int,
    cache_dir: Path | None,
    no_cache: bool,
    redact: bool,
    quiet: bool,
    executor: str,
    scheduler: str | None,
) -> None:  # type: ignore[no-untyped-def]
    """Screen a folder of resumes: a ranked CSV, a fit report per candidate and a review page.

    Each file in INPUT is a candidate; each sub-folder is one candidate with
    several documents. Files that cannot be read become rows with a status.
    Exit code 0 when the run completed, 1 when nothing could be screened,
    2 for a usage or configuration error.

    Files are read by one worker process per core; each file's parse and
    evidence are cached by content, so a re-run over unchanged files parses
    nothing. Progress goes to stderr.

    \b
    Examples:
      screener screen resumes/ --out out/
      screener screen resumes/ --out out/ --role ml_engineer --profile my_profile.yaml
      screener screen resumes/ --out out/ --workers 4 --no-cache --quiet
      screener screen resumes/ --out blind/ --redact
      screener screen resumes/ --out rag-job/ --job job-description.md
      screener screen resumes/ --out out/ --executor dask --scheduler tcp://10.0.0.5:8786
    """
    out_dir = out_dir.resolve()
    if input_path.resolve() == out_dir or out_dir.is_relative_to(input_path.resolve()) and input_path.is_dir():
        raise click.UsageError("--out must be outside INPUT: screener never writes into the folder it reads")
    _run_and_write(
        lambda: screen(
            input_path,
            role=role or "best",
            taxonomy_files=taxonomy_files,
            profile=profile,
            job=job,
            as_of=as_of.date() if as_of else None,
            engine=engine,
            limits=_limits(time_limit, max_pages, max_memory),
            workers=workers,
            cache=not no_cache,
            cache_dir=cache_dir,
            out_dir=out_dir,
            progress="quiet" if quiet else None,
            redact=redact,
            executor=executor,
            scheduler=scheduler,
        ),
        out_dir,
        write=False,
    )


@main.command("rank")
@click.argument("out_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@role_option
@profile_option
@taxonomy_option
def rank_command(out_dir: Path, role: str | None, profile: Path | None, taxonomy_files: tuple[Path, ...]) -> None:
    """Re-score and re-write an earlier run's outputs from its stored evidence, without parsing.

    Try another ranking role or role profile in a second. Scores are those
    `screen` would give with the same options: the run's date and taxonomy
    are reused unless --taxonomy names other files.

    \b
    Examples:
      screener rank out/ --role ml_engineer
      screener rank out/ --profile senior_ai.yaml
    """
    _run_and_write(lambda: rank_run(out_dir, role=role, profile=profile, taxonomy_files=taxonomy_files or None), out_dir)


@main.group()
def cache() -> None:
    """Look into or empty the cache of parsed documents, evidence and reports.

    \b
    Examples:
      screener cache info
      screener cache clear --cache /tmp/screener-cache
    """


cache_dir_option = click.option(
    "--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Cache folder (default: the user's cache directory)."
)


def _open_cache(cache_dir: Path | None):  # type: ignore[no-untyped-def]
    from screener.cache import Cache, CacheUnavailable, default_cache_dir

    try:
        return Cache(cache_dir or default_cache_dir())
    except CacheUnavailable as exc:
        raise ConfigProblem(str(exc)) from None


@cache.command("info")
@cache_dir_option
def cache_info(cache_dir: Path | None) -> None:
    """Where the cache is, what it holds and how much disk it takes.

    \b
    Examples:
      screener cache info
      screener cache info --cache /tmp/screener-cache
    """
    with _open_cache(cache_dir) as store:
        info = store.info()
    click.echo(f"cache: {info.path}")
    for kind, count in sorted(info.entries.items()):
        click.echo(f"  {kind:10s} {count:8d} entries")
    click.echo(f"stored {info.payload_bytes / 1e6:.1f} MB (compressed), {info.file_bytes / 1e6:.1f} MB on disk")


@cache.command("clear")
@cache_dir_option
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every entry; the next run parses everything again.

    \b
    Examples:
      screener cache clear
      screener cache clear --cache /tmp/screener-cache
    """
    with _open_cache(cache_dir) as store:
        removed = store.clear()
        path = store.path
    click.echo(f"removed {removed} entries from {path}")


@main.command("role")
@click.argument("job_file", metavar="JOB", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="What to print.")
@click.option("--write-profile", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the job as an editable job profile YAML.")
@taxonomy_option
def role_command(job_file: Path, fmt: str, write_profile: Path | None, taxonomy_files: tuple[Path, ...]) -> None:
    """Say which role a job needs — ai_engineer, ml_engineer or both — and why.

    Hire for the problem, not the title: the decision comes from the work the
    job describes (the skills it names and the hiring guides' questions: does a
    pre-trained model already understand the domain? product or model KPIs?
    documents or proprietary data? timeline? budget?), and an ad whose title
    asks for the other role is flagged as mislabelled. JOB is a job
    description or problem statement as PDF, DOCX, Markdown or text.

    \b
    Examples:
      screener role job.md
      screener role job.pdf --format json
      screener role job.md --write-profile job.yaml   # then: screener screen resumes/ --out out/ --profile job.yaml
    """
    from screener.jobs.analyse import analyse_job
    from screener.jobs.profile import job_profile, profile_yaml
    from screener.jobs.views import analysis_json, analysis_text
    from screener.outputs import atomic_write

    loaded = _load_taxonomy(taxonomy_files)
    try:
        analysis = analyse_job(job_file, loaded)
    except DocumentError as exc:
        click.echo(f"{exc.status.value}: {exc.message}", err=True)
        sys.exit(1)
    except ScreenerError as exc:
        raise ConfigProblem(str(exc)) from None
    if write_profile is not None:
        atomic_write(write_profile, profile_yaml(job_profile(analysis)))
    click.echo(json.dumps(analysis_json(analysis), ensure_ascii=False, indent=2) if fmt == "json" else analysis_text(analysis))
    if write_profile is not None and fmt == "text":
        click.echo(f"\nprofile: {write_profile}")


@main.command("audit", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("out_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--groups",
    "groups_csv",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of self-reported categories: candidate_id (or source) and one or more category columns.",
)
@click.option("--top", type=click.IntRange(min=1), default=None, help="Select the candidates ranked 1 to K.")
@click.option("--cutoff", type=click.FloatRange(0, 100), default=None, help="Select the ok candidates whose ranking fit is at least N.")
@click.option(
    "--role",
    type=click.Choice(["ai_engineer", "ml_engineer", "best"]),
    default=None,
    help="The fit --cutoff compares (default: the run's ranking role; best is the higher of the two).",
)
def audit_command(out_dir: Path, groups_csv: Path, top: int | None, cutoff: float | None, role: str | None) -> None:
    """Audit an earlier run for adverse impact: selection rates and impact ratios by self-reported category.

    Joins DIR/ranking.csv with GROUPS.csv, selects by --top K or --cutoff N
    (exactly one), and reports per category the applicants, selected,
    selection rate and impact ratio (rate / highest rate among known
    categories; below 0.8 is adverse impact under the four-fifths rule).
    Candidates missing from GROUPS.csv are counted as unknown. Writes
    DIR/audit.json and DIR/audit.md, aggregates only; ranking.csv and
    run.json are only read.

    \b
    Examples:
      screener audit out/ --groups groups.csv --top 10
      screener audit out/ --groups groups.csv --cutoff 40 --role ai_engineer
    """
    from screener.audit import audit_run, render_text

    if (top is None) == (cutoff is None):
        raise click.UsageError("choose exactly one selection rule: --top K or --cutoff N")
    try:
        result = audit_run(out_dir, groups_csv, top=top, cutoff=cutoff, role=role)
    except ScreenerError as exc:
        raise ConfigProblem(str(exc)) from None
    click.echo(render_text(result), nl=False)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"audit: {out_dir / 'audit.md'}")
    click.echo(f"       {out_dir / 'audit.json'}")


@main.group()
def taxonomy() -> None:
    """Check and list the skill taxonomy.

    \b
    Examples:
      screener taxonomy validate
      screener taxonomy show --role ai --format json
    """


@taxonomy.command("validate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def taxonomy_validate(files: tuple[Path, ...]) -> None:
    """Check the bundled taxonomy together with FILES (extra or override YAML).

    Unknown pillars, duplicate ids, an alias claimed by two skills, empty or
    invalid spaCy patterns are each reported with the file and skill id;
    the exit code is then 2.

    \b
    Examples:
      screener taxonomy validate
      screener taxonomy validate extra.yaml
    """
    click.echo(show.summary(_load_taxonomy(files)))


@taxonomy.command("show")
@click.option("--role", type=click.Choice(["ai", "ml", "shared"]), help="Only skills of this role affinity.")
@click.option("--pillar", help="Only skills serving this pillar.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@taxonomy_option
def taxonomy_show(role: str | None, pillar: str | None, fmt: str, taxonomy_files: tuple[Path, ...]) -> None:
    """List the skills, with their role, pillars, kind and aliases.

    \b
    Examples:
      screener taxonomy show --role ml --pillar mlops_monitoring
      screener taxonomy show --format json --taxonomy extra.yaml
    """
    loaded = _load_taxonomy(taxonomy_files)
    if pillar is not None and pillar not in loaded.pillars:
        raise click.BadParameter(f"unknown pillar {pillar!r} (known: {', '.join(sorted(loaded.pillars))})", param_hint="--pillar")
    skills = show.select(loaded, role, pillar)
    if fmt == "json":
        click.echo(json.dumps(show.as_json(skills), ensure_ascii=False, indent=2))
    else:
        click.echo(show.as_table(skills))


#: numpy's OpenBLAS starts a thread per core when numpy is imported, and again in the parent after
#: each fork, and every such thread spins for a while waiting for work. No stage multiplies matrices,
#: so the spinning only takes CPU from the workers: about 3% of a run's. A user's own setting wins.
SINGLE_THREADED_BLAS = {"OPENBLAS_NUM_THREADS": "1"}


def run() -> None:
    """The console script: :func:`main` with one BLAS thread, leaving the process without a last garbage collection.

    A screening run leaves millions of objects behind (spaCy's vocabulary,
    pandas, every row), and Python's shutdown walks them all looking for
    cycles: 0.6 s after every run, for memory the process hands back anyway.
    Frozen, they are skipped; files, streams and exit handlers close as usual.
    Only here, not in :func:`main`, which tests and notebooks call in-process
    (their numpy may be imported already, and its threads are theirs).
    """
    for name, value in SINGLE_THREADED_BLAS.items():
        os.environ.setdefault(name, value)  # read when numpy is first imported, which importing this module does not do
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    run()
