"""Where a set of token patterns can match: the words a match can start on, and how long it can be.

spaCy's Matcher costs per word it scans (it makes a Python Token for each),
whatever the patterns. When every pattern opens on a word that must carry a
lexeme flag (one compiled by :class:`~screener.evidence.flags.FlagCompiler`,
or spaCy's own, like ``LIKE_NUM``), one ``Doc.to_array`` finds the words a
match can start on, and the Matcher runs from each of them only, as far as
the longest match can reach. Token patterns look at nothing outside the
words they match, so the matches found this way are exactly those a scan of
the whole span finds.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy
from spacy.attrs import IDS
from spacy.matcher import Matcher
from spacy.tokens import Doc

#: spaCy's attribute ids below this are lexeme flag bits (IS_ALPHA, LIKE_NUM, ... and the free ones FlagCompiler takes).
FLAG_BITS = 64
#: Quantifiers that take exactly one word or none; any other (``*``, ``+``, ``{n,m}``) may run on.
_ONE_WORD = {None: 1, "?": 1, "!": 1}


def _flag(key: object, value: object) -> int | None:
    """The lexeme flag a ``{key: value}`` predicate requires of a word, if it is one."""
    if value is not True:
        return None
    attr = key if isinstance(key, int) else IDS.get(key) if isinstance(key, str) else None
    return attr if isinstance(attr, int) and 0 < attr < FLAG_BITS else None


@dataclass(frozen=True)
class MatchScope:
    starts: tuple[int, ...] | None  # lexeme flags one of which every match's first word has; None: any word
    longest: int | None  # the most words a match spans; None: no bound

    @classmethod
    def of(cls, patterns: list[list[dict]]) -> MatchScope:
        starts: set[int] | None = set()
        longest: int | None = 0
        for pattern in patterns:
            first = pattern[0] if pattern else {}
            flags = [flag for key, value in first.items() if (flag := _flag(key, value)) is not None]
            if starts is not None:
                starts = starts | {flags[0]} if flags and first.get("OP") in (None, "+") else None
            if longest is not None:
                widths = [_ONE_WORD.get(spec.get("OP")) for spec in pattern]
                longest = None if None in widths else max(longest, len(widths))
        return cls(tuple(sorted(starts)) if starts is not None else None, longest)

    def start_words(self, doc: Doc) -> list[int] | None:
        """The words of ``doc`` a match can start on, in order; None when it can start on any."""
        if self.starts is None:
            return None
        flagged = doc.to_array(list(self.starts)).reshape(len(doc), len(self.starts))  # one flag comes back as a flat array
        return numpy.flatnonzero(flagged.any(axis=1)).tolist()

    def matches(self, matcher: Matcher, doc: Doc, lo: int, hi: int, words: list[int]) -> list[tuple[int, int, int]]:
        """``matcher``'s matches inside ``doc[lo:hi]``, in ``doc``'s word offsets; ``words`` are :meth:`start_words` (not None)."""
        found = []
        for word in words[bisect_left(words, lo) : bisect_left(words, hi)]:
            end = hi if self.longest is None else min(hi, word + self.longest)
            found += [(match_id, word, word + stop) for match_id, start, stop in matcher(doc[word:end]) if start == 0]
        return found
