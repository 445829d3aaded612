"""The spaCy pipeline and matchers, built once per process from the taxonomy.

``spacy.blank("en")`` tokenises; everything else is matchers compiled from
data: a ``PhraseMatcher`` over every skill alias (lower-cased, with hyphen and
plural variants), one over case-sensitive aliases ("Go", "R"), one over the
signal lexicons, a token ``Matcher`` for the few skill patterns, and a small
token ``Matcher`` for quantities that runs only on text with a digit in it
(token patterns cost ~200x a phrase lookup).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher

from screener.evidence.flags import FlagCompiler
from screener.evidence.lexicon import inflect
from screener.evidence.scope import MatchScope
from screener.recent import kept_recent
from screener.taxonomy import Skill, Taxonomy, normalise_alias

#: Quantity shapes, labelled by what they measure; durations and scales take their words from signals.yaml.
NUMBER = {"LIKE_NUM": True}
QUANTITY_PATTERNS: dict[str, list[list[dict]]] = {
    "percent": [[NUMBER, {"ORTH": "%"}], [NUMBER, {"LOWER": {"IN": ["percent", "pct", "pp", "points"]}}], [{"TEXT": {"REGEX": r"^\d+(\.\d+)?%$"}}]],
    "money": [[{"ORTH": {"IN": ["$", "€", "£"]}}, NUMBER], [{"TEXT": {"REGEX": r"^[$€£]\d"}}]],
    "multiplier": [[{"TEXT": {"REGEX": r"^\d+(\.\d+)?[x×]$"}}], [NUMBER, {"LOWER": {"IN": ["x", "×", "times", "fold"]}}]],
    "count": [[{"TEXT": {"REGEX": r"^\d+(\.\d+)?[kKmMbB]\+?$"}}], [NUMBER, {"LOWER": {"IN": ["k", "m", "b", "mm", "thousand", "million", "billion"]}}]],
}


def _variants(alias: str) -> set[str]:
    """An alias as people also write it: hyphens as spaces, a lower-case last word in plural."""
    forms = {alias}
    if "-" in alias:
        forms.add(alias.replace("-", " "))
    for form in list(forms):
        head, _, last = form.rpartition(" ")
        if last.isalpha() and last.islower() and len(last) > 2 and not last.endswith("s"):
            plural = last[:-1] + "ies" if last.endswith("y") and last[-2] not in "aeiou" else last + ("es" if last.endswith(("x", "ch", "sh")) else "s")
            forms.add(f"{head} {plural}".strip())
    return forms


def _ambiguous_keys(skill: Skill) -> set[str]:
    if skill.ambiguous is None:
        return set()
    named = skill.ambiguous.aliases or skill.aliases
    return {normalise_alias(a) for a in named}


@dataclass
class SignalLexicon:
    """Signal phrases by kind; ``at_start`` kinds count only where a bullet starts."""

    phrases: dict[str, set[str]] = field(default_factory=dict)

    def add(self, kind: str, phrase: str) -> None:
        self.phrases.setdefault(kind, set()).add(phrase.casefold())


def signal_lexicon(taxonomy: Taxonomy) -> SignalLexicon:
    signals = taxonomy.signals
    lexicon = SignalLexicon()
    for kind, verbs in (("delivery", signals.delivery_verbs), ("build", signals.build_verbs), ("impact", signals.impact_verbs)):
        for verb in verbs:
            forms = inflect(verb, signals.irregular)
            for form in forms.anywhere:
                lexicon.add(kind, form)
            for form in forms.at_start:
                # "it now deflects 38% of chats": an impact verb in the present tense describes a live system
                # anywhere; a build verb's base form mid-sentence is as often a noun ("the build", "models").
                lexicon.add(kind if kind == "impact" and form != verb.casefold() else f"{kind}@start", form)
    for kind, words in (
        ("production", signals.production_context),
        ("ownership", signals.ownership),
        ("hedge", signals.hedges),
        ("learning", signals.learning),
        ("negation", signals.negations),
        ("metric", signals.model_metrics),
        ("offline", signals.offline_context),
        ("research", signals.research),
        ("learning@start", signals.learning_at_start),
        ("buzzword", signals.buzzwords),
    ):
        for word in words:
            lexicon.add(kind, word)
    return lexicon


@dataclass
class Extractor:
    """Everything extraction needs, compiled once: pass it around, never rebuild it per file."""

    nlp: Language
    taxonomy: Taxonomy
    skills_lower: PhraseMatcher
    skills_exact: PhraseMatcher
    skill_patterns: Matcher
    pattern_scope: MatchScope  # where skill_patterns can match
    signals: PhraseMatcher
    quantities: Matcher
    ambiguous: dict[str, set[str]]  # skill id -> normalised aliases that need context
    exact_aliases: dict[str, set[str]]  # skill id -> aliases that must match case exactly
    listing_labels: frozenset[str]
    business_units: frozenset[str]
    clause_breaks: frozenset[str]
    vague_forms: frozenset[str]  # every form of the vague verbs
    irregular_past: frozenset[str]


#: Extractors this process built, by taxonomy digest, the newest last. A notebook screening folder after
#: folder then builds the matchers (about 0.2 s) once per taxonomy rather than once per call. Two are kept:
#: a session rarely alternates between more, and each holds its own spaCy vocabulary.
_BUILT: dict[str, Extractor] = {}
KEEP_BUILT = 2


def shared_extractor(taxonomy: Taxonomy) -> Extractor:
    """The extractor for ``taxonomy``, built once per process; a taxonomy made in code has no digest and is built every time."""
    if not taxonomy.sha256:
        return build_extractor(taxonomy)
    return kept_recent(_BUILT, taxonomy.sha256, lambda: build_extractor(taxonomy), KEEP_BUILT)


def build_extractor(taxonomy: Taxonomy) -> Extractor:
    """Compile the pipeline and matchers for ``taxonomy`` (~tens of ms)."""
    nlp = spacy.blank("en")
    make = nlp.make_doc
    skills_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    skills_exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    # Patterns are validated as written when the taxonomy loads; compiled to flags they no longer fit spaCy's schema.
    skill_patterns = Matcher(nlp.vocab, validate=False)
    flags = FlagCompiler(nlp.vocab)
    compiled_patterns: list[list[dict]] = []
    owners = taxonomy.alias_owner
    ambiguous: dict[str, set[str]] = {}
    exact_aliases: dict[str, set[str]] = {}
    for skill in taxonomy.skills.values():
        keys = _ambiguous_keys(skill)
        if keys:
            ambiguous[skill.id] = keys
        exact = set()
        if skill.ambiguous and skill.ambiguous.case_sensitive:
            exact = {a for a in skill.aliases if normalise_alias(a) in keys}
            exact_aliases[skill.id] = exact
            skills_exact.add(skill.id, [make(a) for a in sorted(exact)])
        lower_forms: set[str] = set()
        for alias in skill.aliases:
            if alias in exact:
                continue
            for form in _variants(alias):
                if owners.get(normalise_alias(form), skill.id) == skill.id:  # a generated form never takes another skill's alias
                    lower_forms.add(form)
                    if normalise_alias(alias) in keys:  # "transformers" is as ambiguous as "transformer"
                        ambiguous[skill.id].add(normalise_alias(form))
        if lower_forms:
            skills_lower.add(skill.id, [make(f) for f in sorted(lower_forms)])
        if skill.patterns:
            compiled = flags.patterns(skill.patterns)
            skill_patterns.add(skill.id, compiled)
            compiled_patterns += compiled
    lexicon = signal_lexicon(taxonomy)
    signals = PhraseMatcher(nlp.vocab, attr="LOWER")
    for kind, phrases in lexicon.phrases.items():
        signals.add(kind, [make(p) for p in sorted(phrases)])
    quantities = Matcher(nlp.vocab, validate=False)
    for label, patterns in QUANTITY_PATTERNS.items():
        quantities.add(label, flags.patterns(patterns))
    time_units = [u.casefold() for u in taxonomy.signals.time_units]
    quantities.add("duration", flags.patterns([[NUMBER, {"LOWER": {"IN": time_units}}], [{"TEXT": {"REGEX": r"^\d+(\.\d+)?(ms|s|h)$"}}]]))
    units = [u.casefold() for u in taxonomy.signals.business_units]
    quantities.add("scale", flags.patterns([[NUMBER, {"LOWER": {"IN": units}}], [{"TEXT": {"REGEX": r"^\d+(\.\d+)?[kKmM]\+?$"}}, {"LOWER": {"IN": units}}]]))
    metric_words = [m.casefold() for m in taxonomy.signals.model_metrics if " " not in m]
    quantities.add(
        "metric_value",
        flags.patterns(
            [[{"LOWER": {"IN": metric_words}}, {"IS_PUNCT": True, "OP": "?"}, {"LOWER": {"IN": ["of", "to", "at", "=", "from"]}, "OP": "?"}, NUMBER]]
        ),
    )
    flags.finish()
    return Extractor(
        nlp=nlp,
        taxonomy=taxonomy,
        skills_lower=skills_lower,
        skills_exact=skills_exact,
        skill_patterns=skill_patterns,
        pattern_scope=MatchScope.of(compiled_patterns),
        signals=signals,
        quantities=quantities,
        ambiguous=ambiguous,
        exact_aliases=exact_aliases,
        listing_labels=frozenset(normalise_alias(label) for label in taxonomy.signals.listing_labels),
        business_units=frozenset(units),
        clause_breaks=frozenset(w.casefold() for w in taxonomy.signals.clause_breaks),
        vague_forms=frozenset(
            form.split(" ")[0]
            for verb in taxonomy.signals.vague_verbs
            for forms in [inflect(verb, taxonomy.signals.irregular)]
            for form in forms.anywhere | forms.at_start
        ),
        irregular_past=frozenset(w.casefold() for w in taxonomy.signals.irregular_past),
    )


DIGIT = re.compile(r"\d")
