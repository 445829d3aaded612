"""Documents to evidence: skills found, ambiguity settled, signals read, strength graded.

All units of a document are tokenised as one spaCy Doc (lines joined by
" \\n ", which keeps the tokenizer's cache warm) and every matcher runs once
over it; matches are then handed back to the unit they fall in.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.attrs import IDX, IS_SPACE, LENGTH, LOWER
from spacy.tokens import Doc

from screener.document import Document
from screener.evidence.model import Evidence, EvidenceItem, Signal, SkillMention
from screener.evidence.pipeline import DIGIT, Extractor
from screener.evidence.strength import grade
from screener.evidence.units import Unit, document_units
from screener.taxonomy import Skill, normalise_alias

UNIT_SEPARATOR = " \n "
#: Tokens either side of an ambiguous word searched for a cue that confirms it.
CUE_WINDOW = 18
#: Tokens either side searched for a word meaning the everyday sense.
AGAINST_WINDOW = 4
#: Tokens before a skill searched for a negation ("no experience with").
NEGATION_WINDOW = 8
#: A skill this many tokens from an ambiguous word, in a run like "Spark, Kafka", confirms it.
NEIGHBOUR_WINDOW = 3
#: A verbless unit is a list when it has this many commas, this many skills, and
#: this share of its comma-separated parts name a skill.
LIST_COMMAS = 2
LIST_MIN_SKILLS = 3
LIST_SKILL_SHARE = 0.6
#: Signal kinds that a skill's own name can contain and that then belong to the skill.
NAME_SIGNALS = frozenset({"learning", "hedge", "metric", "research", "negation", "build", "offline"})
#: No word is this long; a run of this many characters without a space is garbage (or an attack: spaCy's
#: tokenizer takes quadratic time over a long run of brackets), and is cut into pieces this long.
LONG_RUN = 100
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN + 1},}}")
LIST_LABEL = re.compile(r"^\s*([A-Za-z][\w &/+-]{1,40}?)\s*:\s*\S")
#: Initials before a surname ("M.", "R.J."): a capitalised skill word right after them is a person's
#: name ("M. Kafka, A. Grant." in a publication), never a skill.
INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$")


def _cut_long_runs(text: str) -> str:
    return _LONG_RUN.sub(lambda m: " ".join(m.group(0)[i : i + LONG_RUN] for i in range(0, len(m.group(0)), LONG_RUN)), text)


@dataclass
class _Mention:
    skill: Skill
    start: int  # token offsets in the whole Doc
    end: int
    rule: str


@dataclass
class _UnitMatches:
    lo: int = -1  # the unit's first and one-past-last token in the whole Doc
    hi: int = -1
    mentions: list[_Mention] = field(default_factory=list)
    signals: list[tuple[str, int, int]] = field(default_factory=list)  # kind, token start, token end
    quantities: set[str] = field(default_factory=set)
    quantity_spans: list[tuple[str, int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class _Tokens:
    """Each token of a Doc as plain lists, read from one ``Doc.to_array``: where it starts and ends, whether it is space, its lower-case hash.

    Spans' texts and offsets read from these lists, without the Token and
    Span objects spaCy makes for every ``doc[i]`` (a resume asks thousands of times).
    """

    text: str
    starts: list[int]
    ends: list[int]
    spaces: list[int]
    lowers: list[int]

    @classmethod
    def of(cls, doc: Doc, text: str) -> _Tokens:
        """``text`` is what ``doc`` was made from: ``Doc.text`` would join it again from a Token per word."""
        starts, lengths, spaces, lowers = doc.to_array([IDX, LENGTH, IS_SPACE, LOWER]).T.tolist() if len(doc) else ([], [], [], [])
        return cls(text, starts, [start + length for start, length in zip(starts, lengths, strict=True)], spaces, lowers)

    def span(self, start: int, end: int) -> str:
        """``doc[start:end].text``."""
        return self.text[self.starts[start] : self.ends[end - 1]] if end > start else ""


@lru_cache(maxsize=4096)
def _word_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w.casefold()) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w]){'(?:' + alternatives + ')'}(?![\w])")


def _window_text(tokens: _Tokens, start: int, end: int, lo: int, hi: int, width: int) -> str:
    left = tokens.span(max(lo, start - width), start)
    right = tokens.span(end, min(hi, end + width))
    return f"{left} \u2016 {right}".casefold()


def _is_list_like(unit: Unit, matches: _UnitMatches, extractor: Extractor, tokens: _Tokens) -> bool:
    """A "Tech stack: ..." line, or a verbless run of comma-separated skills."""
    label = LIST_LABEL.match(unit.text)
    if label and normalise_alias(label.group(1)) in extractor.listing_labels:
        return True
    verbs = {kind for kind, _, _ in matches.signals} & {"delivery", "build", "impact"}
    if verbs or unit.text.count(",") < LIST_COMMAS or len(matches.mentions) < LIST_MIN_SKILLS:
        return False
    parts = [p for p in re.split(r"[,;|/]| and ", unit.text) if p.strip()]
    named = {tokens.span(m.start, m.end).casefold() for m in matches.mentions}
    with_skill = sum(1 for part in parts if any(name in part.casefold() for name in named))
    return with_skill / len(parts) >= LIST_SKILL_SHARE


def _confirm(mention: _Mention, tokens: _Tokens, lo: int, hi: int, unit: Unit, others: list[_Mention], listish: bool) -> str | None:
    """Why an ambiguous mention is taken in its technical sense, or None."""
    rule = mention.skill.ambiguous
    assert rule is not None
    against = _word_regex(tuple(rule.against))
    if against and against.search(_window_text(tokens, mention.start, mention.end, lo, hi, AGAINST_WINDOW)):
        return None
    if rule.in_lists and (unit.mode == "list" or listish):
        return "a skills list"
    cues = _word_regex(tuple(rule.cues))
    if cues:
        found = cues.search(_window_text(tokens, mention.start, mention.end, lo, hi, CUE_WINDOW))
        if found:
            return f"context: {found.group(0)!r}"
    if not rule.in_lists:
        return None  # a neighbouring skill is list context, which this word does not trust
    for other in others:
        if other is mention or other.skill.ambiguous is not None:
            continue
        if abs(other.start - mention.end) <= NEIGHBOUR_WINDOW or abs(mention.start - other.end) <= NEIGHBOUR_WINDOW:
            return f"beside {other.skill.label}"
    return None


def _negated(mention: _Mention, negations: list[tuple[str, int, int]], doc: Doc, clause_breaks: frozenset[str]) -> bool:
    """True when a negation stands shortly before the mention, in the same clause.

    "Avoided LangChain and wrote a wrapper over the OpenAI SDK" negates
    LangChain only: a clause ends at punctuation or at a clause break
    ("and", "but" ... from signals.yaml).
    "No experience with Kubernetes or Docker" negates both.
    """
    for _, _start, end in negations:
        if end <= mention.start and mention.start - end <= NEGATION_WINDOW:
            if not any(t.is_punct and t.text not in "-/" or t.lower_ in clause_breaks for t in doc[end : mention.start]):
                return True
    return False


def _is_surname(mention: _Mention, tokens: _Tokens, lo: int) -> bool:
    """A one-word, capitalised skill right after initials ("M. Kafka", "J. Spark") names a person."""
    if mention.end - mention.start != 1 or mention.start <= lo or not tokens.span(mention.start, mention.end)[:1].isupper():
        return False
    return bool(INITIALS.match(tokens.span(mention.start - 1, mention.start)))


def _drop_overlaps(mentions: list[_Mention]) -> list[_Mention]:
    """Longest match wins ("Ray Serve" over "Ray"); one skill per token span."""
    kept: list[_Mention] = []
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(mention.end <= k.start or mention.start >= k.end for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


class EvidenceExtractor:
    """Runs the matchers over documents; build it once and reuse it."""

    def __init__(self, extractor: Extractor) -> None:
        self.x = extractor
        self.vocab_strings = extractor.nlp.vocab.strings
        # Business words as the lower-case hashes spaCy keeps per token: compared without making a Token per word.
        self.business_hashes = frozenset(self.vocab_strings.add(word) for word in extractor.business_units)

    def _match(self, doc: Doc, tokens: _Tokens, starts: list[int], units: list[Unit]) -> list[_UnitMatches]:
        per_unit = [_UnitMatches() for _ in units]
        token_unit = []
        for i, (offset, is_space) in enumerate(zip(tokens.starts, tokens.spaces, strict=True)):
            index = bisect_right(starts, offset) - 1
            token_unit.append(index)
            if is_space:
                continue
            if per_unit[index].lo < 0:
                per_unit[index].lo = i
            per_unit[index].hi = i + 1
        unit_first_token = [m.lo for m in per_unit]
        skills = self.x.taxonomy.skills
        for matcher, rule in ((self.x.skills_lower, "alias"), (self.x.skills_exact, "alias")):
            if len(matcher) == 0:
                continue
            for match_id, start, end in matcher(doc):
                unit = token_unit[start]
                if unit >= 0 and token_unit[end - 1] == unit:
                    per_unit[unit].mentions.append(_Mention(skills[self.vocab_strings[match_id]], start, end, rule))
        if len(self.x.skill_patterns):
            for match_id, start, end in self._pattern_matches(doc, token_unit):
                per_unit[token_unit[start]].mentions.append(_Mention(skills[self.vocab_strings[match_id]], start, end, "pattern"))
        for match_id, start, end in self.x.signals(doc):
            unit = token_unit[start]
            kind = self.vocab_strings[match_id]
            if kind.endswith("@start"):
                if start != unit_first_token[unit]:
                    continue
                kind = kind.removesuffix("@start")
            per_unit[unit].signals.append((kind, start, end))
        # Quantities only count in units that name a skill and hold a digit (a unit naming none gives no item), and a token
        # pattern costs per token: it runs over those units' own tokens.
        for index, quantity_unit in enumerate(units):
            matches = per_unit[index]
            if matches.lo < 0 or not matches.mentions or not DIGIT.search(quantity_unit.text):
                continue
            for match_id, start, end in self.x.quantities(doc[matches.lo : matches.hi]):
                label = self.vocab_strings[match_id]
                matches.quantities.add(label)
                matches.quantity_spans.append((label, matches.lo + start, matches.lo + end))
        return per_unit

    def _pattern_matches(self, doc: Doc, token_unit: list[int]) -> Iterator[tuple[int, int, int]]:
        """The skill patterns' matches that lie within one unit, scanning only from the words a match can start on.

        A match is kept only inside one unit, so matching within each unit's
        own words (spaces included) finds exactly what a scan of the whole Doc
        would keep.
        """
        scope = self.x.pattern_scope
        words = scope.start_words(doc)
        if words is None:
            for match_id, start, end in self.x.skill_patterns(doc):
                if token_unit[start] >= 0 and token_unit[end - 1] == token_unit[start]:
                    yield match_id, start, end
            return
        for unit in sorted({token_unit[i] for i in words} - {-1}):
            yield from scope.matches(self.x.skill_patterns, doc, bisect_left(token_unit, unit), bisect_right(token_unit, unit), words)

    def document(self, document: Document) -> list[EvidenceItem]:
        return self.units(document_units(document))

    def units(self, units: list[Unit]) -> list[EvidenceItem]:
        """Evidence items for units in order; units naming no skill give none."""
        if not units:
            return []
        units = [replace(u, text=_cut_long_runs(u.text)) if _LONG_RUN.search(u.text) else u for u in units]
        starts = []
        offset = 0
        for unit in units:
            starts.append(offset)
            offset += len(unit.text) + len(UNIT_SEPARATOR)
        text = UNIT_SEPARATOR.join(u.text for u in units)
        doc = self.x.nlp.make_doc(text)
        tokens = _Tokens.of(doc, text)
        items = []
        for index, (unit, matches) in enumerate(zip(units, self._match(doc, tokens, starts, units), strict=True)):
            item = self._item(unit, matches, doc, tokens, starts[index])
            if item is not None:
                items.append(item)
        return items

    def _item(self, unit: Unit, matches: _UnitMatches, doc: Doc, tokens: _Tokens, char_start: int) -> EvidenceItem | None:
        lo, hi = matches.lo, matches.hi
        mentions = [m for m in _drop_overlaps(matches.mentions) if not _is_surname(m, tokens, lo)]
        if not mentions:
            return None
        # A learning, metric or build word inside a skill's name ("machine learning", "ROC AUC",
        # "prompt engineering") is the skill, not a signal; a delivery or production word inside
        # one ("deployed ML models", "A/B test") still says what was done.
        covered = [(m.start, m.end) for m in mentions]
        signals = [(k, s, e) for k, s, e in matches.signals if k not in NAME_SIGNALS or not any(s < ce and e > cs for cs, ce in covered)]
        matches = _UnitMatches(lo, hi, mentions, signals, matches.quantities, matches.quantity_spans)
        listish = _is_list_like(unit, matches, self.x, tokens)
        negations = [s for s in signals if s[0] == "negation"]
        kept: list[SkillMention] = []
        negated: list[SkillMention] = []
        seen: set[str] = set()
        for mention in mentions:
            confirmed = None
            if mention.skill.id in self.x.ambiguous and normalise_alias(tokens.span(mention.start, mention.end)) in self.x.ambiguous[mention.skill.id]:
                confirmed = _confirm(mention, tokens, lo, hi, unit, mentions, listish)
                if confirmed is None:
                    continue
            record = SkillMention(
                id=mention.skill.id,
                label=mention.skill.label,
                role=mention.skill.role,
                alias=tokens.span(mention.start, mention.end),
                start=tokens.starts[mention.start] - char_start,
                end=tokens.ends[mention.end - 1] - char_start,
                rule=mention.rule,  # type: ignore[arg-type]
                confirmed_by=confirmed,
            )
            if _negated(mention, negations, doc, self.x.clause_breaks):
                negated.append(record)
            elif record.id not in seen:
                seen.add(record.id)
                kept.append(record)
        if not kept and not negated:
            return None
        kinds = {k for k, _, _ in signals}
        if self._starts_with_action(doc, lo):
            kinds.add("action")
        if not self.business_hashes.isdisjoint(tokens.lowers[lo:hi]) or "money" in matches.quantities:
            kinds.add("business")  # money is a business measure by itself
        if any(m.skill.kind == "metric" and m.skill.role != "ai" for m in mentions):
            kinds.add("metric")  # a model metric named as a skill ("ROC AUC", "NDCG") is still a model metric
        strength, reason = grade(unit.mode, kinds, matches.quantities, listish)
        signal_records = [
            Signal(kind=k, text=tokens.span(s, e), start=tokens.starts[s] - char_start, end=tokens.ends[e - 1] - char_start)  # type: ignore[arg-type]
            for k, s, e in signals
        ]
        signal_records += [
            Signal(kind="quantity", text=tokens.span(s, e), start=tokens.starts[s] - char_start, end=tokens.ends[e - 1] - char_start)
            for _, s, e in matches.quantity_spans
        ]
        if listish:
            signal_records.append(Signal(kind="listing", text=unit.text[: min(len(unit.text), 40)], start=0, end=min(len(unit.text), 40)))
        return EvidenceItem(
            text=unit.text,
            strength=strength if kept else "listed",
            document=unit.document,
            page=unit.page,
            section=unit.section,
            section_heading=unit.heading,
            entry=unit.entry,
            span=unit.span,
            skills=tuple(kept),
            signals=tuple(sorted(signal_records, key=lambda s: s.start)),
            negated=tuple(negated),
            reason=reason,
        )

    def _starts_with_action(self, doc: Doc, lo: int) -> bool:
        """Does the unit open with a past-tense verb ("Ran", "Tracked") that is not a vague claim ("Leveraged")?"""
        first = next((t for t in doc[lo : lo + 3] if t.is_alpha), None)
        if first is None or first.lower_ in self.x.vague_forms:
            return False
        word = first.lower_
        return word in self.x.irregular_past or (len(word) > 3 and word.endswith("ed"))

    def evidence(self, documents: list[Document]) -> Evidence:
        items = [item for document in documents for item in self.document(document)]
        return Evidence(taxonomy_version=self.x.taxonomy.version, documents=tuple(d.source for d in documents), items=tuple(items))
