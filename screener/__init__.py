"""screener: offline, explainable screening of resumes for AI and ML engineering roles.

The library API, stage by stage (the CLI is a thin layer over these)::

    from pathlib import Path
    import screener

    run = screener.screen(Path("resumes"), role="best")
    run.results      # CandidateResult per candidate, in rank order (pydantic)
    run.frame()      # the ranking as a pandas DataFrame (DESIGN §3 columns)

Names are imported on first use, so ``import screener`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from screener import native

__version__ = "0.1.0"

native.guard()  # before any stage module is imported: an out-of-date compiled build must not run

_EXPORTS = {
    "ConfigError": "screener.errors",
    "DocumentError": "screener.errors",
    "ScreenerError": "screener.errors",
    "Document": "screener.document",
    "SectionKind": "screener.document",
    "Status": "screener.document",
    "Limits": "screener.ingest.limits",
    "read_document": "screener.ingest.reader",
    "discover": "screener.discover",
    "screen": "screener.batch",
    "rank_run": "screener.batch",
    "ScreenRun": "screener.batch",
    "audit_run": "screener.audit",
    "CandidateResult": "screener.results",
    "load_taxonomy": "screener.taxonomy",
    "load_vocabulary": "screener.vocabulary",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'screener' has no attribute {name!r}")
    return getattr(import_module(module), name)
