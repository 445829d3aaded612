"""``make bench``: how fast documents are parsed and their evidence extracted, in numbers, not asserts.

Usage: python -m screener.bench [FOLDER ...] [--engine NAME] [--repeat N]
Prints one row per file (pages, best-of-N parse seconds, ms per page, evidence ms) and totals.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from screener.errors import DocumentError
from screener.evidence import EvidenceExtractor, build_extractor
from screener.ingest.pdf import DEFAULT_ENGINE, ENGINES
from screener.ingest.reader import SUPPORTED_SUFFIXES, read_document
from screener.taxonomy import load_taxonomy
from screener.vocabulary import load_vocabulary


def _files(folders: list[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if folder.is_file():
            files.append(folder)
        elif folder.is_dir():
            files.extend(
                p
                for p in sorted(folder.rglob("*"))
                if p.suffix.casefold() in SUPPORTED_SUFFIXES and not p.name.startswith(".") and not p.name.endswith(".ref.txt")
            )
    return files


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[Path("samples/resumes")])
    parser.add_argument("--engine", choices=sorted(ENGINES), default=DEFAULT_ENGINE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    vocab = load_vocabulary()
    started = time.perf_counter()
    extractor = EvidenceExtractor(build_extractor(load_taxonomy()))
    print(f"engine={args.engine} repeat={args.repeat} pipeline_build_ms={1000 * (time.perf_counter() - started):.0f}")
    total_seconds = 0.0
    total_pages = 0
    evidence_ms: list[float] = []
    for path in _files(args.folders):
        best = float("inf")
        pages = 0
        status = "ok"
        doc = None
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            try:
                doc = read_document(path, vocab, engine=args.engine)
                pages = max(doc.layout.pages, 1)
            except DocumentError as exc:
                status = exc.status.value
                pages = 1
            best = min(best, time.perf_counter() - start)
        extract = float("nan")
        if doc is not None:
            extract = min(_timed(lambda d=doc: extractor.document(d)) for _ in range(max(1, args.repeat))) * 1000
            evidence_ms.append(extract)
        total_seconds += best
        total_pages += pages
        print(f"{path.name:45s} {status:9s} pages={pages:3d} seconds={best:7.3f} ms/page={1000 * best / pages:8.1f} evidence_ms={extract:6.2f}")
    if total_pages:
        mean_evidence = sum(evidence_ms) / len(evidence_ms) if evidence_ms else float("nan")
        print(
            f"files={len(_files(args.folders))} pages={total_pages} seconds={total_seconds:.2f} "
            f"ms/page={1000 * total_seconds / total_pages:.1f} evidence_ms_mean={mean_evidence:.2f}"
        )


def _timed(work) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
