"""Which lines are section headings, and which open a bullet.

Wording decides first: a short line that is a known heading variant is a
heading whatever its font. Typography decides the rest: a short line set
clearly larger than the body text, or short, all capitals and bold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screener.document import SectionKind
from screener.structure.dates import find_date_ranges
from screener.structure.source import SourceLine
from screener.vocabulary import Vocabulary

#: A heading has at most this many words.
MAX_HEADING_WORDS = 6
#: A heading is at most this many characters long.
MAX_HEADING_CHARS = 48
#: Text this much larger than the body size is heading-sized.
HEADING_SIZE_RATIO = 1.2
#: An all-capitals heading has at most this many words.
MAX_CAPS_HEADING_WORDS = 4

NUMBERED_ITEM = re.compile(r"^\(?(\d{1,2}|[a-z])[.)]\s+(?=\S)")
#: Pronouns beside a name or headline ("(she/her)", "· they/them"): they never decide whether a line is a heading.
PRONOUNS = re.compile(
    r"[\s,·|–—-]*\(?\b(?:she|he|they|ze|xe)\s*/\s*(?:her|hers|him|his|them|theirs|they|she|he|zir|xem)\b\)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class HeadingVerdict:
    kind: SectionKind
    by_wording: bool


def body_size(lines: list[SourceLine]) -> float:
    """The font size most of the text is set in (weighted by characters)."""
    weights: dict[float, int] = {}
    for line in lines:
        if line.size > 0:
            key = round(line.size * 2) / 2
            weights[key] = weights.get(key, 0) + len(line.plain)
    return max(weights, key=lambda k: weights[k]) if weights else 0.0


def heading_verdict(line: SourceLine, body: float, vocab: Vocabulary) -> HeadingVerdict | None:
    """Whether ``line`` heads a section, and of which kind."""
    if len(line.plain) > 2 * MAX_HEADING_CHARS:
        return None  # far too long for a heading, pronouns or not (and a long line never meets the scan below)
    text = line.plain.strip()
    if "/" in text:  # every pronoun pair has its slash: the scan runs only on the few lines with one
        text = PRONOUNS.sub("", text).strip() or text
    words = text.split()
    if not words or len(text) > MAX_HEADING_CHARS:
        return None
    kind = vocab.section_kind(text)
    if kind is not None:
        return HeadingVerdict(kind, by_wording=True)
    if line.heading_level is not None:
        return HeadingVerdict(SectionKind.OTHER, by_wording=False)  # the format says so
    if len(words) > MAX_HEADING_WORDS or bullet_marker(line.text, vocab) is not None:
        return None
    if text.endswith((".", ",", ";")) or find_date_ranges(text, vocab):
        return None
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    larger = body > 0 and line.size >= HEADING_SIZE_RATIO * body
    capitals = all(c.isupper() for c in letters) and len(words) <= MAX_CAPS_HEADING_WORDS and len(letters) >= 3
    if larger or (capitals and (line.bold or line.size > body)):
        return HeadingVerdict(SectionKind.OTHER, by_wording=False)
    return None


def bullet_marker(text: str, vocab: Vocabulary) -> str | None:
    """The marker that opens a bullet line ("•", "-", "1."), or None."""
    stripped = text.lstrip()
    if not stripped:
        return None
    first = stripped[0]
    if first in vocab.bullet_markers:
        rest = stripped[1:2]
        # "-" and "+" and "*" open a bullet only when a space follows ("-5%" is not a bullet).
        if first in "-+*–—" and rest and not rest.isspace():
            return None
        if len(stripped) == 1:
            return None
        return first
    numbered = NUMBERED_ITEM.match(stripped)
    if numbered and numbered.group(1).isdigit():
        return numbered.group(0).strip()
    return None


def strip_marker(text: str, marker: str) -> str:
    stripped = text.lstrip()
    return stripped[len(marker) :].lstrip() if stripped.startswith(marker) else stripped
