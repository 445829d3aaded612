"""One entry point from a file on disk to a Document, whatever its format.

Nothing but :class:`DocumentError` leaves :func:`read_document`: an
unexpected exception in a reader is a bug, but a batch must go on, so it is
reported as that file's ``error`` status with the exception's name.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from screener.document import Document, LayoutInfo, Link, Status
from screener.errors import DocumentError
from screener.fingerprint import file_sha256
from screener.ingest import text_reader
from screener.ingest.hidden import hidden_warnings, summarise
from screener.ingest.limits import Limits, time_limit
from screener.ingest.pdf import DEFAULT_ENGINE, read_pdf
from screener.structure.builder import build_document
from screener.structure.links import classify
from screener.structure.source import SourceLine
from screener.timing import NO_CLOCK, StageClock
from screener.vocabulary import Vocabulary

SUPPORTED_SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}
#: The readers imported by the first file that needs them, by format: python-docx and markdown-it cost
#: each process 50-90 ms to import, and most folders are all PDFs.
LAZY_READERS = {"docx": "screener.ingest.docx_reader", "markdown": "screener.ingest.markdown_reader"}


def _reader(kind: str) -> ModuleType:
    return importlib.import_module(LAZY_READERS[kind])


def import_readers(paths: Iterable[Path]) -> None:
    """Import now the lazy readers these files will need.

    Called before forking workers: they then share one import instead of each paying for its own.
    """
    for kind in {SUPPORTED_SUFFIXES.get(path.suffix.casefold()) for path in paths}:
        if kind in LAZY_READERS:
            _reader(kind)


def _read_lines(kind: str, path: Path, vocab: Vocabulary, limits: Limits) -> tuple[list[SourceLine], list[str], list[tuple[str, str]]]:
    """Lines, link targets and hidden texts (why no reader sees them, text) of a DOCX, Markdown or text file."""
    if kind == "docx":
        return _reader(kind).read_document(path, max_bytes=limits.max_bytes)
    if kind == "markdown":
        lines, hidden = _reader(kind).read_document(path, max_bytes=limits.max_bytes)
        return lines, [], hidden
    return text_reader.read_lines(path, max_bytes=limits.max_bytes, vocab=vocab), [], []


def format_of(path: Path) -> str:
    kind = SUPPORTED_SUFFIXES.get(path.suffix.casefold())
    if kind is None:
        raise DocumentError(Status.UNSUPPORTED, f"unsupported file type {path.suffix or '(none)'}; screener reads .pdf, .docx, .md and .txt")
    return kind


def read_document(
    path: Path,
    vocab: Vocabulary,
    *,
    engine: str = DEFAULT_ENGINE,
    limits: Limits | None = None,
    source: str | None = None,
    sha256: str | None = None,
    clock: StageClock = NO_CLOCK,
) -> Document:
    """Read and structure one file; raise DocumentError with a status on failure.

    ``sha256`` is the file's digest when the caller has it already.
    """
    limits = limits or Limits()
    path = Path(path)
    try:
        if not path.is_file():
            raise DocumentError(Status.ERROR, "the file does not exist or is not a regular file")
        kind = format_of(path)
        sha = sha256 or file_sha256(path)
        name = source or path.name
        if kind == "pdf":
            return read_pdf(path, vocab, engine=engine, limits=limits, source=name, sha256=sha, clock=clock)
        with time_limit(limits.time_limit, f"reading the {kind} file"):
            with clock.stage("extract"):
                lines, targets, concealed = _read_lines(kind, path, vocab, limits)
            with clock.stage("structure"):
                links = [Link(url=url, kind=classify(url, vocab), source="annotation") for url in targets]
                hidden = tuple(summarise(1, concealed))
                return build_document(
                    lines,
                    source=name,
                    format=kind,
                    vocab=vocab,
                    sha256=sha,
                    annotation_links=links,
                    layout=LayoutInfo(hidden=hidden) if hidden else None,
                    warnings=tuple(hidden_warnings(hidden)),
                )
    except DocumentError:
        raise
    except PermissionError:
        raise DocumentError(Status.ERROR, "permission denied reading the file") from None
    except OSError as exc:
        raise DocumentError(Status.ERROR, f"the file could not be read ({exc.strerror or type(exc).__name__})") from None
    except RecursionError:
        raise DocumentError(Status.CORRUPT, "the file nests objects too deeply to read") from None
    except MemoryError:
        raise DocumentError(Status.ERROR, "the file needs more memory than allowed") from None
    except Exception as exc:  # noqa: BLE001 - a batch never stops for one file
        raise DocumentError(Status.ERROR, f"unexpected failure while reading ({type(exc).__name__})") from None
