"""Shipped-work evidence: skills found in a Document's bullets, graded by what was done with them."""

from screener.evidence import views
from screener.evidence.extract import EvidenceExtractor
from screener.evidence.model import STRENGTHS, Evidence, EvidenceItem, Signal, SkillMention, Strength
from screener.evidence.pipeline import Extractor, build_extractor

__all__ = ["STRENGTHS", "Evidence", "EvidenceExtractor", "EvidenceItem", "Extractor", "Signal", "SkillMention", "Strength", "build_extractor", "views"]
