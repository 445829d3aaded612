"""Floors on the annotated sentence set (tests/data/annotated_sentences.yaml).

The figures come from the same function `python -m screener.evidence.accuracy` prints.
"""

from __future__ import annotations

import pytest

from screener.evidence import EvidenceExtractor, build_extractor
from screener.evidence.accuracy import DEFAULT_SET, load_annotations, score
from screener.taxonomy import load_taxonomy

PRECISION_FLOOR = 0.97
RECALL_FLOOR = 0.93
STRENGTH_FLOOR = 0.90
MIN_SENTENCES = 150


@pytest.fixture(scope="module")
def scores():
    annotations = load_annotations(DEFAULT_SET)
    assert len(annotations) >= MIN_SENTENCES
    return score(annotations, EvidenceExtractor(build_extractor(load_taxonomy())))


def test_when_the_annotated_set_is_scored_then_skill_precision_holds(scores):
    assert scores.precision >= PRECISION_FLOOR, "\n".join(scores.errors)


def test_when_the_annotated_set_is_scored_then_skill_recall_holds(scores):
    assert scores.recall >= RECALL_FLOOR, "\n".join(scores.errors)


def test_when_the_annotated_set_is_scored_then_strength_accuracy_holds(scores):
    assert scores.strength_accuracy >= STRENGTH_FLOOR, "\n".join(scores.errors)


def test_when_annotations_name_skills_then_the_taxonomy_has_them():
    taxonomy = load_taxonomy()
    unknown = {s for a in load_annotations(DEFAULT_SET) for s in a.skills} - set(taxonomy.skills)
    assert unknown == set()
