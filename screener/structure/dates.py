"""Date ranges as resumes print them, parsed into partial dates.

"Mar 2022 – Present", "2019 – 2021", "03/2020 - 11/2022", "Summer 2018",
"Jan. 2021 – Current", "2017–2019", "June 2015 - Aug 2017", "2020-05 to now".
Month, season and "present" words come from the vocabulary, so another
language's month names are a data change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from screener.document import DateRange, PartialDate
from screener.vocabulary import Vocabulary

#: Years outside this range are not taken for dates (phone numbers, ids).
EARLIEST_YEAR = 1950
LATEST_YEAR = 2100

#: Every date form names a year in full.
YEAR = r"(?:19|20)\d\d"
RANGE_SEPARATOR = r"\s*(?:-{1,2}|–|—|‐|‑|−|~|→|➔|⇒|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b)\s*"


@dataclass(frozen=True)
class FoundRange:
    value: DateRange
    start: int
    end: int


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Patterns:
    range: re.Pattern[str]
    single: re.Pattern[str]


class _Groups(NamedTuple):
    """The names of one side's groups in the patterns ("a" the start, "b" the end)."""

    season: str
    season_year: str
    month: str
    month_year: str
    month_number: str
    number_year: str
    iso_year: str
    iso_month: str
    year: str

    @classmethod
    def of(cls, p: str) -> _Groups:
        return cls(*(p + name for name in ("season", "syear", "month", "myear", "mnum", "nyear", "iyear", "imonth", "year")))


#: The groups of each side, and the placeholder side the patterns are written with.
_SIDES = {p: _Groups.of(p) for p in ("a", "b")}
_ANY_SIDE = _Groups.of("{p}")


@lru_cache(maxsize=8)
def _patterns(months: str, seasons: str, present: str) -> _Patterns:
    g = _ANY_SIDE
    date = (
        rf"(?:(?:(?P<{g.season}>{seasons})\s+(?P<{g.season_year}>{YEAR}))"
        rf"|(?:(?P<{g.month}>{months})\.?,?\s*(?:'|’)?(?P<{g.month_year}>{YEAR}))"
        rf"|(?:(?P<{g.month_number}>0?[1-9]|1[0-2])\s*[/.]\s*(?P<{g.number_year}>{YEAR}))"
        rf"|(?:(?P<{g.iso_year}>{YEAR})\s*[-/.]\s*(?P<{g.iso_month}>0[1-9]|1[0-2])(?![\d]))"
        rf"|(?P<{g.year}>{YEAR}))"
    )
    start = date.replace("{p}", "a")
    end = date.replace("{p}", "b")
    rng = rf"(?<![\w/]){start}{RANGE_SEPARATOR}(?:(?P<present>{present})\b|{end})(?![\w/])"
    single = rf"(?<![\w/.]){start}(?![\w/])"
    return _Patterns(re.compile(rng, re.IGNORECASE), re.compile(single, re.IGNORECASE))


@dataclass
class _Compiled:
    """One vocabulary's patterns, and the ranges already found with it, by text.

    Entry splitting asks about one line several times (is it dated, does a date follow the line
    above, which range does its header mean), and lines such as "2019 – 2021" recur across resumes.
    """

    vocab: Vocabulary
    patterns: _Patterns
    found: dict[str, tuple[FoundRange, ...]] = field(default_factory=dict)


#: The vocabularies in use, by identity: building the alternations costs more than matching.
_COMPILED: dict[int, _Compiled] = {}
#: Lines remembered per vocabulary at most; the memo is emptied when full (its values are small and immutable).
FOUND_MEMO_SIZE = 20_000


def _compile(vocab: Vocabulary) -> _Compiled:
    known = _COMPILED.get(id(vocab))
    if known is not None and known.vocab is vocab:
        return known
    months = _alternation([name for names in vocab.months.values() for name in names])
    seasons = _alternation(list(vocab.seasons))
    present = _alternation(vocab.present_words)
    compiled = _COMPILED[id(vocab)] = _Compiled(vocab, _patterns(months, seasons, present))
    return compiled


def _side(match: re.Match[str], p: str, vocab: Vocabulary, is_end: bool) -> PartialDate | None:
    g = _SIDES[p]
    try:
        if season := match[g.season]:
            first, last = vocab.seasons[season.casefold()]
            year = int(match[g.season_year])
            month = last if is_end else first
            if not is_end and first > last:  # winter 2019 starts in December 2019
                pass
            elif is_end and first > last:
                year += 1
            return PartialDate(year=year, month=month)
        if month_name := match[g.month]:
            return PartialDate(year=int(match[g.month_year]), month=vocab.month_numbers[month_name.casefold().rstrip(".")])
        if number := match[g.month_number]:
            return PartialDate(year=int(match[g.number_year]), month=int(number))
        if iso_year := match[g.iso_year]:
            return PartialDate(year=int(iso_year), month=int(match[g.iso_month]))
        if year_only := match[g.year]:
            return PartialDate(year=int(year_only))
    except (KeyError, ValueError):
        return None
    return None


def _plausible(date: PartialDate | None) -> bool:
    return date is None or EARLIEST_YEAR <= date.year <= LATEST_YEAR


#: Most lines hold no year, and this finds that much faster than the full patterns.
_HAS_YEAR = re.compile(YEAR)


def find_date_ranges(text: str, vocab: Vocabulary) -> list[FoundRange]:
    """Every date range in ``text``, left to right; a lone date is a range of itself."""
    if not _HAS_YEAR.search(text):
        return []
    compiled = _compile(vocab)
    known = compiled.found.get(text)
    if known is None:
        if len(compiled.found) >= FOUND_MEMO_SIZE:
            compiled.found.clear()
        known = compiled.found[text] = tuple(_find(text, vocab, compiled.patterns))
    return list(known)


def _find(text: str, vocab: Vocabulary, patterns: _Patterns) -> list[FoundRange]:
    found: list[FoundRange] = []
    taken: list[tuple[int, int]] = []
    for match in patterns.range.finditer(text):
        start = _side(match, "a", vocab, is_end=False)
        current = bool(match.group("present"))
        end = None if current else _side(match, "b", vocab, is_end=True)
        if start is None or not (_plausible(start) and _plausible(end)):
            continue
        if end is not None and (end.year, end.month or 12) < (start.year, start.month or 1):
            continue
        found.append(FoundRange(DateRange(text=match.group(0).strip(), start=start, end=end, current=current), match.start(), match.end()))
        taken.append((match.start(), match.end()))
    for match in patterns.single.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        start = _side(match, "a", vocab, is_end=False)
        if start is None or not _plausible(start):
            continue
        end = _side(match, "a", vocab, is_end=True) if match[_SIDES["a"].season] else start
        found.append(FoundRange(DateRange(text=match.group(0).strip(), start=start, end=end), match.start(), match.end()))
    found.sort(key=lambda f: f.start)
    return found


def best_date_range(text: str, vocab: Vocabulary) -> FoundRange | None:
    """The range an entry header most likely means: a true range beats a lone year."""
    found = find_date_ranges(text, vocab)
    if not found:
        return None
    ranges = [f for f in found if f.value.current or f.value.end != f.value.start]
    return (ranges or found)[0]
