"""Every skill is reachable by each of its aliases, and no alias is taken for another skill.

Generated from the taxonomy itself, so a skill added as data is covered here
without writing a test for it.
"""

from __future__ import annotations

import pytest

from screener.evidence import EvidenceExtractor, build_extractor
from screener.evidence.units import text_units
from screener.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()
CASES = [(skill.id, alias) for skill in TAXONOMY.skills.values() for alias in skill.aliases]


@pytest.fixture(scope="module")
def extractor():
    return EvidenceExtractor(build_extractor(TAXONOMY))


def _found(extractor, text: str, mode: str) -> set[str]:
    return {s.id for item in extractor.units(text_units([text], mode=mode)) for s in item.skills}


def test_the_taxonomy_is_large_enough():
    assert len(TAXONOMY.skills) >= 300


@pytest.mark.parametrize(("skill_id", "alias"), CASES, ids=[f"{s}:{a}" for s, a in CASES])
def test_when_an_alias_is_written_then_exactly_its_skill_is_found(extractor, skill_id, alias):
    skill = TAXONOMY.skills[skill_id]
    if skill.ambiguous is None:
        found = _found(extractor, f"Built the platform with {alias} for the team.", "work")
        assert found == {skill_id}
    elif not skill.ambiguous.in_lists:
        # Only a cue confirms it: write the alias beside its first cue.
        cue = skill.ambiguous.cues[0]
        found = _found(extractor, f"Improved {alias} for the {cue} team.", "work")
        assert skill_id in found
    else:
        against = {a.casefold() for a in skill.ambiguous.against}
        companion = next(c for c in ("Python", "SQL", "Java") if c.casefold() not in against and c.casefold() != alias.casefold())
        found = _found(extractor, f"{alias}, {companion}", "list")
        assert skill_id in found
        assert found <= {skill_id, TAXONOMY.alias_owner[companion.casefold()]}
