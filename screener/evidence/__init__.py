"""Shipped-work evidence: skills found in a Document's bullets, graded by what was done with them.

The extractor and the spaCy pipeline are imported on first use: a re-run
that finds everything in the cache, and ``screener rank``, never pay for
``import spacy``.
"""

from importlib import import_module

from screener.evidence.model import STRENGTHS, Evidence, EvidenceItem, Signal, SkillMention, Strength
from screener.spacy_import import import_spacy

_LAZY = {"EvidenceExtractor": "screener.evidence.extract", "Extractor": "screener.evidence.pipeline", "build_extractor": "screener.evidence.pipeline", "shared_extractor": "screener.evidence.pipeline"}

__all__ = ["STRENGTHS", "Evidence", "EvidenceExtractor", "EvidenceItem", "Extractor", "Signal", "SkillMention", "Strength", "build_extractor", "shared_extractor", "views"]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name in _LAZY:
        import_spacy()
        return getattr(import_module(_LAZY[name]), name)
    if name == "views":
        return import_module("screener.evidence.views")
    raise AttributeError(f"module 'screener.evidence' has no attribute {name!r}")
