"""Inflected forms of the signal verbs, generated from their base forms.

spaCy's blank English pipeline has no lemmatiser, and the lookup tables of
``spacy-lookups-data`` cost ~99 MB for a few dozen verbs. So the base forms
in ``signals.yaml`` are inflected here by the regular rules, with irregular
forms listed in the data. Past tense and gerund ("shipped", "shipping") count
anywhere in a bullet; the base and third-person forms ("ship", "owns") only
where a bullet starts, because mid-sentence they are as often nouns
("a training run", "the model").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VOWELS = "aeiou"


@dataclass(frozen=True)
class VerbForms:
    anywhere: frozenset[str]  # past tense, past participle, gerund
    at_start: frozenset[str]  # base form and third person singular


def _single_syllable(word: str) -> bool:
    return len(re.findall(r"[aeiouy]+", word)) == 1


def _past(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if word.endswith("y") and len(word) > 1 and word[-2] not in VOWELS:
        return word[:-1] + "ied"
    if _doubles(word):
        return word + word[-1] + "ed"
    return word + "ed"


def _gerund(word: str) -> str:
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
        return word[:-1] + "ing"
    if _doubles(word):
        return word + word[-1] + "ing"
    return word + "ing"


def _third_person(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def _doubles(word: str) -> bool:
    """Short consonant-vowel-consonant verbs double their last letter: ship -> shipped."""
    return len(word) >= 3 and _single_syllable(word) and word[-1] not in VOWELS + "wxy" and word[-2] in VOWELS and word[-3] not in VOWELS


def inflect(base: str, irregular: dict[str, list[str]]) -> VerbForms:
    """All forms of a verb or verb phrase ("roll out" -> "rolled out", "rolling out", ...)."""
    base = base.casefold().strip()
    head, _, rest = base.partition(" ")
    tail = f" {rest}" if rest else ""
    at_start = {base, _third_person(head) + tail}
    anywhere = {_past(head) + tail, _gerund(head) + tail}
    listed = irregular.get(base)
    if listed:
        forms = {form.casefold() for form in listed}
        third = {form for form in forms if form.split(" ")[0].endswith("s") and not form.split(" ")[0].endswith("ss")}
        anywhere = forms - third
        at_start |= third
    return VerbForms(anywhere=frozenset(anywhere), at_start=frozenset(at_start))
