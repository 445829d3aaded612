"""The ``screener`` command: a thin layer over the library.

Each command parses its options, calls one library function, and prints.
A :class:`ScreenerError` becomes a clean message and exit code 2; a file
that cannot be read becomes ``STATUS: message`` and exit code 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from screener import __version__
from screener.discover import discover
from screener.errors import DocumentError, ScreenerError
from screener.ingest.limits import DEFAULT_MAX_PAGES, DEFAULT_TIME_LIMIT, Limits
from screener.ingest.pdf import DEFAULT_ENGINE, ENGINES
from screener.ingest.reader import read_document
from screener.outline import outline, summary
from screener.vocabulary import load_vocabulary


def _limits(time_limit: float, max_pages: int) -> Limits:
    return Limits(time_limit=time_limit, max_pages=max_pages)


engine_option = click.option(
    "--engine",
    type=click.Choice(sorted(ENGINES)),
    default=DEFAULT_ENGINE,
    show_default=True,
    help="PDF extraction engine.",
)
time_limit_option = click.option(
    "--time-limit", type=click.FloatRange(min=0.1), default=DEFAULT_TIME_LIMIT, show_default=True, help="Seconds one file may take to parse."
)
max_pages_option = click.option("--max-pages", type=click.IntRange(min=1), default=DEFAULT_MAX_PAGES, show_default=True, help="Pages read from one PDF.")


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
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2))
    elif fmt == "text":
        click.echo(doc.reading_text())
    else:
        click.echo(outline(doc))


def _survey(folder: Path, vocab, engine: str, limits: Limits) -> int:  # type: ignore[no-untyped-def]
    """Print a per-candidate summary of a folder; 0 when anything was read."""
    found = discover(folder)
    read = 0
    for candidate in found.candidates:
        click.echo(f"{candidate.candidate_id}  ({candidate.source})")
        for document in candidate.documents:
            relative = document.relative_to(folder).as_posix() if document.is_relative_to(folder) else document.name
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


if __name__ == "__main__":  # pragma: no cover
    main()
