"""What a cached value was made from: file contents, knowledge files and the code that made it.

Cache keys hash the code of the stage that produced a value, so a change to
the parser re-parses and a change to the scorer re-scores, without anyone
remembering to bump a version number.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

from screener import __version__

PACKAGE_ROOT = Path(__file__).resolve().parent
#: The modules whose code decides a parsed Document.
PARSE_CODE = ("ingest", "layout", "structure", "document.py", "frozen.py", "vocabulary.py", "errors.py", "parse_cache.py")
#: The modules whose code decides the evidence found in a Document.
EVIDENCE_CODE = ("evidence", "frozen.py")


@cache
def code_digest(parts: tuple[str, ...] | None = None) -> str:
    """A digest of the named modules and packages of ``screener`` (all of it when None), templates included."""
    digest = hashlib.sha256(__version__.encode())
    names = parts if parts is not None else ("",)
    for name in names:
        target = PACKAGE_ROOT / name
        files = sorted(p for p in target.rglob("*") if p.suffix in (".py", ".j2")) if target.is_dir() else [target]
        for path in files:
            digest.update(str(path.relative_to(PACKAGE_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def vocabulary_digest() -> str:
    """The bundled document vocabulary (headings, months ...) that structuring reads."""
    from screener.vocabulary import VOCABULARY_RESOURCE

    return hashlib.sha256(resources.files("skill_taxonomy").joinpath(VOCABULARY_RESOURCE).read_bytes()).hexdigest()


def file_sha256(path: Path) -> str:
    """The digest a file's cache entries and run.json name it by."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
