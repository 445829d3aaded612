"""The document vocabulary (``skill_taxonomy/document.yaml``), loaded and checked.

Heading variants, title and degree words, month names and link hosts are data:
adding a heading variant is an edit to the YAML file, never to code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from screener.document import LinkKind, SectionKind
from screener.errors import ConfigError, validation_problems

#: libyaml's C parser where PyYAML was built with it: ten times faster on the taxonomy's 3,700 aliases.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
VOCABULARY_RESOURCE = "document.yaml"
#: Separators between the two languages of a bilingual heading.
HEADING_ALTERNATIVES = (" / ", " | ", " – ", " - ")


_HEADING_NUMBERING = re.compile(r"^[\s\d.)(\-–—•|/#:]+")
_HEADING_PUNCTUATION = re.compile(r"[^\w\s'+-]")
_LETTER_SPACED = re.compile(r"(?:\w )+\w")


def normalise_heading(text: str) -> str:
    """Lower-case a heading and strip numbering, punctuation and spacing tricks.

    "02. PROFESSIONAL  EXPERIENCE:" and "E X P E R I E N C E" both become
    comparable with the plain variants in the vocabulary.
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    text = _HEADING_NUMBERING.sub("", text)
    text = _HEADING_PUNCTUATION.sub(" ", text)
    text = " ".join(text.split())
    if _LETTER_SPACED.fullmatch(text):  # letter-spaced: "e x p e r i e n c e"
        text = text.replace(" ", "")
    return text


#: The words of a PDF's Producer or Creator that name a tool ("pdfTeX-1.40.22" names pdftex).
_TOOL_WORD = re.compile(r"[^\W\d_]+")
#: The words of a header piece, as the vocabulary's words are compared with them.
_HEADER_WORD = re.compile(r"[\w.'’+-]+")


@dataclass(frozen=True)
class WordSet:
    """Vocabulary words (matched as whole words of a text) and phrases (matched as part of it), read as one set lookup."""

    words: frozenset[str]
    phrases: tuple[str, ...]

    @classmethod
    def of(cls, entries: list[str]) -> WordSet:
        return cls(frozenset(e for e in entries if " " not in e), tuple(e for e in entries if " " in e))

    def found_in(self, text: str) -> bool:
        """Whether ``text`` holds one of the words (a trailing full stop aside) or phrases, case aside."""
        folded = text.casefold()
        tokens = set(_HEADER_WORD.findall(folded))
        tokens |= {t.strip(".") for t in tokens}
        return not self.words.isdisjoint(tokens) or any(phrase in folded for phrase in self.phrases)


class Vocabulary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    sections: dict[SectionKind, list[str]]
    title_words: list[str]
    degree_words: list[str]
    organisation_words: list[str]
    corporate_suffixes: list[str]
    present_words: list[str]
    months: dict[int, list[str]]
    seasons: dict[str, tuple[int, int]]
    bullet_markers: list[str]
    link_hosts: dict[LinkKind, list[str]]
    hyphenating_tools: list[str]

    @field_validator("months")
    @classmethod
    def _twelve_months(cls, months: dict[int, list[str]]) -> dict[int, list[str]]:
        if sorted(months) != list(range(1, 13)):
            raise ValueError("months must name each of 1..12")
        return months

    @cached_property
    def heading_kinds(self) -> dict[str, SectionKind]:
        """Normalised heading variant -> section kind."""
        table: dict[str, SectionKind] = {}
        for kind, variants in self.sections.items():
            for variant in variants:
                key = normalise_heading(variant)
                if key in table and table[key] != kind:
                    raise ConfigError(f"{VOCABULARY_RESOURCE}: heading {variant!r} is listed under both {table[key].value} and {kind.value}")
                table[key] = kind
        return table

    @cached_property
    def titles(self) -> WordSet:
        return WordSet.of(self.title_words)

    @cached_property
    def degrees(self) -> WordSet:
        return WordSet.of(self.degree_words)

    @cached_property
    def organisations(self) -> WordSet:
        return WordSet.of(self.organisation_words)

    @cached_property
    def month_numbers(self) -> dict[str, int]:
        return {name.casefold(): number for number, names in self.months.items() for name in names}

    @cached_property
    def hyphenating_tool_names(self) -> frozenset[str]:
        return frozenset(tool.casefold() for tool in self.hyphenating_tools)

    def hyphenates(self, producer: str) -> bool:
        """Whether a PDF whose Producer and Creator read ``producer`` was typeset by a tool that hyphenates words itself.

        Only then is a line-end hyphen likely to be a syllable break rather than
        one the writer typed, so it decides how broken lines are read back.
        """
        return not self.hyphenating_tool_names.isdisjoint(_TOOL_WORD.findall(producer.casefold()))

    def section_kind(self, heading: str) -> SectionKind | None:
        """The kind a heading names; a bilingual heading ("Berufserfahrung / Experience") names it in either part."""
        kind = self.heading_kinds.get(normalise_heading(heading))
        if kind is None and any(sep in heading for sep in HEADING_ALTERNATIVES):
            parts = [p for p in re.split("|".join(re.escape(sep) for sep in HEADING_ALTERNATIVES), heading) if p.strip()]
            kinds = {self.heading_kinds.get(normalise_heading(part)) for part in parts} - {None}
            kind = kinds.pop() if len(kinds) == 1 else None
        return kind


def _check_duplicates(data: dict, origin: str) -> None:
    seen: dict[str, str] = {}
    for kind, variants in (data.get("sections") or {}).items():
        for variant in variants or []:
            key = normalise_heading(str(variant))
            if key in seen and seen[key] != kind:
                raise ConfigError(f"{origin}: heading {variant!r} is listed under both {seen[key]} and {kind}")
            seen[key] = kind


def parse_vocabulary(data: object, origin: str) -> Vocabulary:
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping at the top level")
    _check_duplicates(data, origin)
    try:
        return Vocabulary.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{origin}: {validation_problems(exc)}") from None


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Load the bundled vocabulary, or the file at ``path``."""
    if path is None:
        origin = f"skill_taxonomy/{VOCABULARY_RESOURCE}"
        text = resources.files("skill_taxonomy").joinpath(VOCABULARY_RESOURCE).read_text(encoding="utf-8")
    else:
        origin = str(path)
        text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML ({exc})") from None
    return parse_vocabulary(data, origin)
