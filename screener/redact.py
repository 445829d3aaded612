"""Blind screening: what identifies a person, or hints at a protected attribute, removed from a finished result.

Redaction runs after scoring, on the result alone, so scores cannot change:
the scorer never sees a name, and the redacted copy is only what is written.
Every free-text field is scrubbed — evidence quotes, questions, warnings,
headings, outlines, file names — since a quote can carry an e-mail address
as easily as a header can. The candidate gets a neutral id made from the
contents of their files, so it is stable across runs, unique in a run, and
says nothing about who they are (a hash of a name could be reversed by
trying names; a hash of a resume's bytes only by someone who has the resume).

What counts as personal is data (``skill_taxonomy/personal.yaml``); the
shapes of e-mail addresses, phone numbers and links are syntax, here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from screener.document import Document, SectionKind
from screener.errors import ConfigError, validation_problems
from screener.results import CandidateResult
from screener.structure.links import EMAIL_IN_TEXT, TRAILING_PUNCTUATION, URL_IN_TEXT, host_of

PERSONAL_RESOURCE = "personal.yaml"
NEUTRAL_PREFIX = "candidate-"
#: Fields whose values are codes or taxonomy words, never a person's data: left exactly as they are.
CODE_FIELDS = frozenset(
    {"status", "strength", "kind", "role", "id", "label", "alias", "recommended_role", "confidence", "ranking_role", "format", "flags", "sha256"}
    | {"gaps", "listed_skills", "top_ai_skills", "top_ml_skills", "pillar", "pillars", "as_of"}
)
#: Name words too common to remove from text ("Will", "May" and "Mark" stay words) or that are not names.
NOT_NAMES = frozenset({"resume", "cv", "final", "updated", "copy", "version", "portfolio", "the", "and", "van", "von", "der", "del", "de", "la"})

PHONE = re.compile(r"(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}(?!\w|[.,]\d)")
DATE_OF_BIRTH = re.compile(r"\b(?:19[3-9]\d|20[01]\d)[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.](?:19[3-9]\d|20[01]\d)\b")
SOCIAL_ID = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")


class PersonalData(BaseModel):
    """skill_taxonomy/personal.yaml: what blind screening removes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    labels: list[str]
    markers: list[str]
    kept_hosts: dict[str, str]
    street_words: list[str]


def _personal_bytes() -> bytes:
    return resources.files("skill_taxonomy").joinpath(PERSONAL_RESOURCE).read_bytes()


@lru_cache(maxsize=1)
def personal_digest() -> str:
    """What redacted reports depend on besides the code: a cached blind report is stale once the data changes."""
    return hashlib.sha256(_personal_bytes()).hexdigest()


@lru_cache(maxsize=1)
def personal_data() -> PersonalData:
    text = _personal_bytes().decode("utf-8")
    try:
        return PersonalData.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        raise ConfigError(f"skill_taxonomy/{PERSONAL_RESOURCE}: {validation_problems(exc)}") from None


def _words(phrases: Iterable[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = personal_data()
    labelled = re.compile(rf"(?<!\w)(?:{_words(data.labels)})\s*[:=–-]\s*[^;|\n•·]*", re.I)
    markers = re.compile(rf"(?<!\w)(?:{_words(data.markers)})(?!\w)", re.I)
    street = re.compile(rf"\b\d{{1,5}}[a-z]?\s+(?:[A-Z][\w'-]*\s+){{1,4}}(?:{_words(data.street_words)})\b\.?(?:,?\s*(?:apt|suite|flat|unit)\s*\w+)?", re.I)
    return labelled, markers, street


class Redactor:
    """Scrubs one candidate's texts: their names, contact details, personal links and demographic hints."""

    def __init__(self, names: Iterable[str]) -> None:
        tokens = {t for name in names for t in re.findall(r"[^\W\d_]+", name.casefold()) if len(t) >= 2} - NOT_NAMES
        self.names = frozenset(tokens)
        self._name = re.compile(rf"(?<!\w)(?:{_words(tokens)})(?!\w)", re.I) if tokens else None

    def _link(self, match: re.Match[str]) -> str:
        url = match.group(0).rstrip(TRAILING_PUNCTUATION)
        return personal_data().kept_hosts.get(host_of(url), "[link]") + match.group(0)[len(url) :]

    def text(self, value: str) -> str:
        if not value:
            return value
        labelled, markers, street = _patterns()
        value = EMAIL_IN_TEXT.sub("[email]", value)
        value = URL_IN_TEXT.sub(self._link, value)
        value = labelled.sub("[personal]", value)
        value = street.sub("[address]", value)
        value = DATE_OF_BIRTH.sub("[date]", value)
        value = SOCIAL_ID.sub("[id]", value)
        value = PHONE.sub(_phone, value)
        value = markers.sub("[personal]", value)
        if self._name is not None:
            value = self._name.sub("[name]", value)
        return value

    def scrub(self, data: Any, field: str = "") -> Any:
        """Every free-text string in a dumped model, scrubbed; codes and numbers as they are."""
        if isinstance(data, str):
            return data if field in CODE_FIELDS else self.text(data)
        if isinstance(data, dict):
            return {key: self.scrub(value, key) for key, value in data.items()}
        if isinstance(data, list | tuple):
            return [self.scrub(value, field) for value in data]
        return data


YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*[-–/.]\s*(?:19|20)\d\d")


def _phone(match: re.Match[str]) -> str:
    """A phone number, not a year range, a metric or a version: at least seven digits."""
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    return "[phone]" if digits >= 7 and not YEAR_RANGE.fullmatch(text.strip()) else text


def neutral_id(result: CandidateResult) -> str:
    """A stable, anonymous id: from the files' contents (and, for identical files, the original id)."""
    digest = hashlib.sha256()
    for document in sorted(result.documents, key=lambda d: d.sha256):
        digest.update(document.sha256.encode("ascii") + b"\0")
    digest.update(result.candidate_id.encode("utf-8"))
    return NEUTRAL_PREFIX + digest.hexdigest()[:10]


def header_names(docs: Iterable[Document]) -> list[str]:
    """The name line of each document: the first line of its header, where the layout stage put the largest text."""
    names = []
    for doc in docs:
        header = doc.section(SectionKind.CONTACT)
        if header is not None and header.blocks:
            names.append(header.blocks[0].text.split("\n")[0])
    return names


def redact_result(result: CandidateResult, names: Iterable[str] = ()) -> CandidateResult:
    """The result as blind screening writes it: a neutral id, neutral document names, every free text scrubbed."""
    redactor = Redactor([*names, result.candidate_id, *(d.source.rsplit("/", 1)[-1].rsplit(".", 1)[0] for d in result.documents)])
    anonymous = neutral_id(result)
    renamed = {d.source: f"{anonymous}/document-{number}{_suffix(d.source)}" for number, d in enumerate(result.documents, start=1)}
    data = result.model_dump(mode="json")
    data = redactor.scrub(data)
    data["candidate_id"] = anonymous
    data["source"] = anonymous
    for document, original in zip(data["documents"], result.documents, strict=True):
        document["source"] = renamed[original.source]
    for item, original in zip(data["evidence"], result.evidence, strict=True):
        item["document"] = renamed.get(original.document, anonymous)
    return CandidateResult.model_validate(data)


def _suffix(source: str) -> str:
    name = source.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].casefold() if "." in name else ""
