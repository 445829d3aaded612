"""Scoring: evidence items to explainable AI- and ML-engineer fits (DESIGN §5)."""

from screener.scoring.model import CandidateScores, Contribution, PillarScore, RoleBreakdown, Tunables
from screener.scoring.score import default_profiles, score_candidate

__all__ = ["CandidateScores", "Contribution", "PillarScore", "RoleBreakdown", "Tunables", "default_profiles", "score_candidate"]
