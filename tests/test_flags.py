"""Token-pattern predicates compiled into lexeme flags (screener/evidence/flags.py)."""

from __future__ import annotations

import spacy
from spacy.matcher import Matcher

from screener.evidence.flags import FlagCompiler


def _matches(nlp, compiler: FlagCompiler, pattern: list[dict], text: str) -> list[str]:
    matcher = Matcher(nlp.vocab, validate=False)
    matcher.add("p", compiler.patterns([pattern]))
    doc = nlp.make_doc(text)
    return [doc[start:end].text for _, start, end in matcher(doc)]


def test_when_flags_are_finished_then_words_seen_before_and_after_them_both_carry_them():
    nlp = spacy.blank("en")
    nlp.make_doc("kubernetes v2 terraform")  # these words enter the vocabulary before any flag exists
    compiler = FlagCompiler(nlp.vocab)
    pattern = [{"LOWER": {"IN": ["kubernetes", "helm"]}}, {"TEXT": {"REGEX": r"^v\d+$"}}]
    compiled = compiler.patterns([pattern])[0]
    assert all(isinstance(key, int) for spec in compiled for key in spec)  # both predicates became flags
    compiler.finish()
    assert _matches(nlp, compiler, pattern, "kubernetes v2 and helm v3, not terraform v1") == ["kubernetes v2", "helm v3"]


def test_when_flags_are_compiled_then_they_match_what_the_plain_patterns_match():
    nlp = spacy.blank("en")
    compiler = FlagCompiler(nlp.vocab)
    pattern = [{"LOWER": {"IN": ["p95", "p99"]}}, {"LOWER": "latency"}]
    text = "cut P95 latency and p99 latency; p50 latency held"
    compiled = _matches(nlp, compiler, pattern, text)
    compiler.finish()
    plain = Matcher(nlp.vocab)
    plain.add("p", [pattern])
    doc = nlp.make_doc(text)
    assert _matches(nlp, compiler, pattern, text) == [doc[s:e].text for _, s, e in plain(doc)] == ["P95 latency", "p99 latency"]
    assert compiled == ["P95 latency", "p99 latency"]  # a word new to the vocabulary gets its flag as it arrives
