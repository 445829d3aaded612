"""The skill taxonomy: skills, pillars, signal lexicons and role profiles, as validated data."""

from screener.taxonomy import show
from screener.taxonomy.load import Problem, Taxonomy, TaxonomyError, load_taxonomy, normalise_alias
from screener.taxonomy.model import Ambiguity, Pillar, RoleProfile, Signals, Skill

__all__ = ["Ambiguity", "Pillar", "Problem", "RoleProfile", "Signals", "Skill", "Taxonomy", "TaxonomyError", "load_taxonomy", "normalise_alias", "show"]
