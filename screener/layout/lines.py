"""Words to line segments: the units that reading order arranges.

A *row* is every word on one baseline; a *segment* is a run of a row's words
with no wide gap inside. Splitting rows at wide gaps is what lets two columns
that share a baseline be read one at a time, and keeps a right-aligned date
apart from the title it stands beside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

from screener.ingest.words import PositionedWord

#: Words whose baselines differ by less than this share of their size share a row.
SAME_BASELINE_EM = 0.3
#: A horizontal gap wider than this many ems always splits a row into segments.
SEGMENT_GAP_EM = 1.0
#: ... and a gap wider than this many times the row's usual word gap does too,
#: once it is at least ``MIN_SEGMENT_GAP_EM`` wide (justified lines stretch spaces).
SEGMENT_GAP_RATIO = 3.0
MIN_SEGMENT_GAP_EM = 0.6
#: In a justified line (one flush at both edges with the line above or below it, within ``JUSTIFIED_EDGE_PT``
#: and ``JUSTIFIED_LEADING_EM``), a gap at most this many times the row's other gaps is a stretched space,
#: not a split, unless it is wider than ``MAX_STRETCH_EM``: a narrow column spreads four words over its width.
STRETCH_RATIO = 1.5
MAX_STRETCH_EM = 4.0
JUSTIFIED_EDGE_PT = 1.0
JUSTIFIED_LEADING_EM = 2.0
#: A row whose words are all at most this share of the size of a word in the row below, raised into that
#: word's height and set beside it, is that row's superscripts: an ordinal's "st", a footnote mark, a "TM"
#: set with text rise. Word types "1st" so; alone, the "st" would be a line of its own above its line.
SUPERSCRIPT_SIZE_RATIO = 0.85
#: ... beside: its edge at most this many ems (of the larger word) from the larger word's.
SUPERSCRIPT_GAP_EM = 0.3


@dataclass
class Segment:
    """A run of words on one baseline with no wide gap inside."""

    words: list[PositionedWord]
    x0: float = field(init=False)
    x1: float = field(init=False)
    top: float = field(init=False)
    bottom: float = field(init=False)
    baseline: float = field(init=False)
    size: float = field(init=False)

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        words = self.words
        self.x0 = min(w.x0 for w in words)
        self.x1 = max(w.x1 for w in words)
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        self.baseline = median(w.bottom for w in words)
        self.size = max(w.size for w in words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bold(self) -> bool:
        letters = [w for w in self.words if any(map(str.isalpha, w.text))]
        return bool(letters) and all(w.bold for w in letters)

    @property
    def page(self) -> int:
        return self.words[0].page


def group_rows(words: list[PositionedWord]) -> list[list[PositionedWord]]:
    """Cluster upright words by baseline; each row is sorted left to right.

    A row's baseline is that of its largest word: a superscript ("O(n²)") sits
    above the baseline and must neither anchor the row nor split it.
    """
    upright = sorted((w for w in words if w.upright), key=lambda w: w.bottom)
    rows: list[list[PositionedWord]] = []
    anchor = 0.0
    anchor_size = 0.0
    for word in upright:
        tolerance = SAME_BASELINE_EM * max(word.size, 1.0)
        if rows and word.bottom - anchor <= tolerance:
            rows[-1].append(word)
            if word.size > anchor_size:
                anchor, anchor_size = word.bottom, word.size
        else:
            rows.append([word])
            anchor, anchor_size = word.bottom, word.size
    rows = _with_superscripts(rows)
    for row in rows:
        row.sort(key=lambda w: w.x0)
    return rows


def _with_superscripts(rows: list[list[PositionedWord]]) -> list[list[PositionedWord]]:
    """``rows`` (top to bottom) with each row of raised small words joined to the row it is raised into."""
    merged: list[list[PositionedWord]] = []
    for row in rows:
        if merged and _raised_into(merged[-1], row):
            merged[-1] = merged[-1] + row
        else:
            merged.append(row)
    return merged


def _raised_into(raised: list[PositionedWord], row: list[PositionedWord]) -> bool:
    """Whether every word of ``raised`` is a superscript of a word of ``row``: smaller, within its height, beside it."""
    return all(any(_superscript_of(word, base) for base in row) for word in raised)


def _superscript_of(word: PositionedWord, base: PositionedWord) -> bool:
    if word.size > SUPERSCRIPT_SIZE_RATIO * base.size or not base.top < word.bottom < base.bottom:
        return False
    gap = SUPERSCRIPT_GAP_EM * base.size
    return abs(word.x0 - base.x1) <= gap or abs(base.x0 - word.x1) <= gap


def _stretched(gaps: list[float], index: int, size: float) -> bool:
    """Whether gap ``index`` is as wide as the row's other gaps: a justified line's space, not a column's edge."""
    others = gaps[:index] + gaps[index + 1 :]
    return len(others) >= 2 and gaps[index] <= STRETCH_RATIO * median(others) and gaps[index] <= MAX_STRETCH_EM * size


def _flush_with(row: list[PositionedWord], other: list[PositionedWord]) -> bool:
    """Whether two rows start and end at one x, one line apart: lines of one justified paragraph."""
    size = max(w.size for w in row)
    return (
        abs(row[0].x0 - other[0].x0) <= JUSTIFIED_EDGE_PT
        and abs(row[-1].x1 - other[-1].x1) <= JUSTIFIED_EDGE_PT
        and abs(row[0].bottom - other[0].bottom) <= JUSTIFIED_LEADING_EM * size
    )


def justified_rows(rows: list[list[PositionedWord]]) -> list[bool]:
    """Which rows (sorted left to right, top to bottom) are justified: flush at both edges with a neighbour."""
    return [
        any(0 <= other < len(rows) and _flush_with(row, rows[other]) for other in (index - 1, index + 1)) for index, row in enumerate(rows)
    ]


def split_row(row: list[PositionedWord], justified: bool = False) -> list[Segment]:
    """Split one row at its wide gaps; a ``justified`` row's stretched spaces are no gaps."""
    gaps = [b.x0 - a.x1 for a, b in pairwise(row)]
    usual = median(gaps) if gaps else 0.0
    segments: list[Segment] = []
    current = [row[0]]
    for index, (gap, word) in enumerate(zip(gaps, row[1:], strict=True)):
        size = max(min(current[-1].size, word.size), 1.0)
        wide = (gap > SEGMENT_GAP_EM * size and not (justified and _stretched(gaps, index, size))) or (
            gap > MIN_SEGMENT_GAP_EM * size and gap > SEGMENT_GAP_RATIO * max(usual, 0.01)
        )
        if wide:
            segments.append(Segment(current))
            current = [word]
        else:
            current.append(word)
    segments.append(Segment(current))
    return segments


def rotated_segments(words: list[PositionedWord]) -> list[Segment]:
    """Words set sideways (rotated headings) become segments of their own."""
    rotated = sorted((w for w in words if not w.upright), key=lambda w: (round(w.x0), w.top))
    return [Segment([w]) for w in rotated]


def page_segments(words: list[PositionedWord]) -> list[Segment]:
    segments: list[Segment] = []
    rows = group_rows(words)
    for row, justified in zip(rows, justified_rows(rows), strict=True):
        segments.extend(split_row(row, justified))
    segments.extend(rotated_segments(words))
    return segments
