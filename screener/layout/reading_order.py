"""Reading order: columns and sidebars are read one at a time, as a person reads them.

The page is cut recursively. A region whose segments leave a vertical gutter
free from top to bottom is read left side first, then right side. Otherwise
it is cut into horizontal bands at its blank rows, and the longest run of
consecutive bands that shares a gutter with text on both sides is read as
columns, with what stands above and below it ordered the same way, so a
full-width header is read before the two columns under it. Two sides that
pair up line by line (a date beside a title, a label column beside its
values) are a table, not two columns, and are read row by row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screener.layout.lines import SAME_BASELINE_EM, Segment

#: A gutter must be at least this many points wide.
MIN_GUTTER = 4.0
#: Share of the smaller side's segments that must sit on a baseline of the other
#: side for a group to be read row by row.
ROW_ALIGNED_SHARE = 0.75
#: A side narrower than this share of the region, aligned row by row with the
#: other side, is a label column (dates, field names) and is read with its rows.
LABEL_COLUMN_SHARE = 0.3
#: A group with at most this many segments on its smaller side and aligned rows
#: is read row by row whatever its widths (entry headers: title + date).
SMALL_SIDE = 3
#: Two segments whose boxes share this much of the shorter one's height are on one line.
LINE_OVERLAP = 0.6
#: A line starting within this many ems of the previous line's left edge, and at
#: most ``WRAP_GAP_EM`` below it, continues the same wrapped text.
WRAP_INDENT_EM = 1.0
WRAP_GAP_EM = 0.8
#: A line ending in a letter and a hyphen breaks a word that continues below.
HYPHEN_END = re.compile(r"[^\W\d_]-$")
#: A wrapped label runs to at most this many lines.
MAX_LABEL_LINES = 3
#: A line ending within this many ems of a column's right edge fills the column's width.
COLUMN_EDGE_EM = 1.0
#: Recursion depth at which a region is read as rows whatever its shape.
MAX_DEPTH = 16
#: A page's header stands apart from its body by a blank row at least this many ems of its text tall ...
HEADER_GAP_EM = 1.5
#: ... and takes at most this share of the page's text height.
HEADER_SHARE = 0.2
#: Type sizes this close are one size (a label and its value).
ONE_SIZE_PT = 1.0


@dataclass
class Column:
    """Segments that are read together, top to bottom."""

    segments: list[Segment]
    split: bool = False  # True when this column came from a column split


def _free_intervals(segments: list[Segment], lo: float, hi: float) -> list[tuple[float, float]]:
    """X-intervals in [lo, hi] that no segment covers, at least MIN_GUTTER wide."""
    spans = sorted((s.x0, s.x1) for s in segments)
    free: list[tuple[float, float]] = []
    cursor = lo
    for x0, x1 in spans:
        if x0 - cursor >= MIN_GUTTER:
            free.append((cursor, x0))
        cursor = max(cursor, x1)
    if hi - cursor >= MIN_GUTTER:
        free.append((cursor, hi))
    return free


def _inner_gutters(segments: list[Segment]) -> list[tuple[float, float]]:
    """Free intervals with content on both sides."""
    lo = min(s.x0 for s in segments)
    hi = max(s.x1 for s in segments)
    return [(a, b) for a, b in _free_intervals(segments, lo, hi) if a > lo and b < hi]


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo = a0 if a0 > b0 else b0
            hi = a1 if a1 < b1 else b1
            if hi - lo >= MIN_GUTTER:
                out.append((lo, hi))
    return out


def _bands(segments: list[Segment]) -> list[list[Segment]]:
    """Split segments into horizontal bands at blank rows."""
    ordered = sorted(segments, key=lambda s: s.top)
    bands: list[list[Segment]] = []
    bottom = float("-inf")
    for seg in ordered:
        if bands and seg.top < bottom - 0.5:
            bands[-1].append(seg)
            bottom = max(bottom, seg.bottom)
        else:
            bands.append([seg])
            bottom = seg.bottom
    return bands


def _overlap_share(a: Segment, b: Segment) -> float:
    """Share of the taller segment's height that the two segments have in common.

    The taller one decides so that small print beside a big line (a superscript,
    a caption beside a heading) is not taken for the same line.
    """
    common = min(a.bottom, b.bottom) - max(a.top, b.top)
    return max(0.0, common) / max(a.bottom - a.top, b.bottom - b.top, 0.1)


def _aligned(seg: Segment, others: list[Segment], loose: bool = False) -> bool:
    """True when ``seg`` sits on the same line as one of ``others``.

    Baselines are estimated from font boxes, which differ between fonts (a bold
    title and a regular date on one line), so with ``loose`` mostly overlapping
    boxes count too. Only a narrow date or label column of more than
    ``SMALL_SIDE`` segments is judged loosely: a few words floating beside
    text overlap some line by chance.
    """
    tolerance = SAME_BASELINE_EM * max(seg.size, 1.0)
    return any(abs(seg.baseline - o.baseline) <= tolerance or (loose and _overlap_share(seg, o) >= LINE_OVERLAP) for o in others)


def _continues(prev: Segment, seg: Segment) -> bool:
    """True when ``seg`` is the next line of the same wrapped text as ``prev``."""
    size = max(prev.size, seg.size, 1.0)
    return 0 <= seg.top - prev.bottom <= WRAP_GAP_EM * size and abs(seg.x0 - prev.x0) <= WRAP_INDENT_EM * size


def _blocks(side: list[Segment]) -> list[list[Segment]]:
    """Group a side's segments, top to bottom, into runs of wrapped lines."""
    blocks: list[list[Segment]] = []
    for seg in sorted(side, key=lambda s: s.top):
        if blocks and _continues(blocks[-1][-1], seg):
            blocks[-1].append(seg)
        else:
            blocks.append([seg])
    return blocks


def _aligned_share(side: list[Segment], other: list[Segment], loose: bool = False) -> float:
    """Share of ``side``'s segments that sit on a line of ``other``.

    A label that wraps ("Front-end" / "technologies") aligns by its first
    line, so a block of at most ``MAX_LABEL_LINES`` wrapped lines counts as
    aligned when its first line is. Longer blocks are running text (a real
    column) and count line by line, so a column that shares the other's
    baseline grid by chance is not taken for labels.
    """
    aligned = 0
    for block in _blocks(side):
        if len(block) <= MAX_LABEL_LINES and _aligned(block[0], other, loose):
            aligned += len(block)
        else:
            aligned += sum(1 for seg in block if _aligned(seg, other, loose))
    return aligned / len(side)


def _span(segments: list[Segment]) -> float:
    return max(s.x1 for s in segments) - min(s.x0 for s in segments)


def _reads_as_rows(left: list[Segment], right: list[Segment], width: float, header: bool = False) -> bool:
    """True when two sides pair up line by line: a table, not two columns.

    A narrow side (a label or date column) whose lines nearly all sit on a
    line of the other side is read with its rows; so is a side of a few
    segments (an entry header's date) that sits on the other side's lines.
    In a page's header only labels count, set left of their values in the
    values' type: its blocks of name, contact lines and links stand side by
    side, a few lines each, and meet each other's lines by chance ("Priya
    Raman" / "Senior ML Engineer" beside four contact lines), but each is
    read whole.
    """
    narrow, wide = (left, right) if _span(left) <= _span(right) else (right, left)
    if header and (narrow is not left or not _one_size(left + right)):
        return False
    if _span(narrow) <= LABEL_COLUMN_SHARE * width and _aligned_share(narrow, wide, loose=len(narrow) > SMALL_SIDE) >= ROW_ALIGNED_SHARE:
        return True
    small, large = (left, right) if len(left) <= len(right) else (right, left)
    return not header and len(small) <= SMALL_SIDE and _aligned_share(small, large) >= ROW_ALIGNED_SHARE


def _one_size(segments: list[Segment]) -> bool:
    """Whether the segments are set in one size, as a table's labels and values are."""
    sizes = [s.size for s in segments]
    return max(sizes) - min(sizes) <= ONE_SIZE_PT


def _same_line(a: Segment, b: Segment) -> bool:
    """True when two segments are read as one line of a table."""
    tolerance = SAME_BASELINE_EM * max(a.size, b.size, 1.0)
    return abs(a.baseline - b.baseline) <= tolerance or _overlap_share(a, b) >= LINE_OVERLAP


def _rows(segments: list[Segment]) -> list[Segment]:
    """Order segments row by row (baseline), left to right within a row."""
    ordered = sorted(segments, key=lambda s: s.baseline)
    rows: list[list[Segment]] = []
    for seg in ordered:
        if rows and _same_line(rows[-1][0], seg):
            rows[-1].append(seg)
        else:
            rows.append([seg])
    rows = [sorted(row, key=lambda s: s.x0) for row in rows]
    return [seg for row in _keep_hyphenated_words(rows) for seg in row]


def _keep_hyphenated_words(rows: list[list[Segment]]) -> list[list[Segment]]:
    """Read a word broken by a hyphen at a line end whole, before what stands right of it.

    When a row's first segment ends in "al-" and the next row starts with its
    continuation below it, the rest of the row (a date beside the entry) is
    read after that continuation instead of splitting the word.
    """
    out = [list(row) for row in rows]
    for index in range(len(out) - 1):
        row, below = out[index], out[index + 1]
        if len(row) < 2 or not below or not HYPHEN_END.search(row[0].text):
            continue
        first = below[0]
        if first.x0 < row[0].x1 and first.x1 > row[0].x0:
            out[index] = row[:1]
            out[index + 1] = [first] + row[1:] + below[1:]
    return out


def _split_at(segments: list[Segment], gutter: tuple[float, float]) -> tuple[list[Segment], list[Segment]]:
    middle = (gutter[0] + gutter[1]) / 2
    left = [s for s in segments if s.x1 <= middle]
    right = [s for s in segments if s.x1 > middle]
    return left, right


def _split_columns(segments: list[Segment], gutter: tuple[float, float], width: float, depth: int, header: bool = False) -> list[Column]:
    """Read two sides one after the other, unless they pair up as a table."""
    left, right = _split_at(segments, gutter)
    if not left or not right or _reads_as_rows(left, right, width, header):
        return [Column(_rows(segments))]
    columns = _order(left, depth + 1, header=header) + _order(right, depth + 1, header=header)
    for column in columns:
        column.split = True
    return columns


@dataclass(frozen=True)
class _Extents:
    """Per band, where its first segment to end ends and its last segment to start starts.

    Whether a band has text left of a gutter, right of it, or both is then
    one comparison, asked thousands of times while zones are weighed.
    """

    left_end: list[float]
    right_start: list[float]

    @classmethod
    def of(cls, bands: list[list[Segment]]) -> _Extents:
        return cls([min(s.x1 for s in band) for band in bands], [max(s.x0 for s in band) for band in bands])

    def straddles(self, band: int, gutter: tuple[float, float]) -> bool:
        """True when the band has text on both sides of ``gutter``."""
        return self.left_end[band] <= gutter[0] and self.closes(band, gutter)

    def closes(self, band: int, gutter: tuple[float, float]) -> bool:
        """True when the band has text right of ``gutter``."""
        return self.right_start[band] >= gutter[1]


def _ends_beside(bands: list[list[Segment]], extents: _Extents, first: int, last: int, gutter: tuple[float, float]) -> bool:
    """True when the run of bands ``first..last`` can end columns split at ``gutter``.

    It can when its last band has text right of the gutter. Below the right
    side's last line, a tail of left-only bands stays in the left column when
    that column clearly goes on: its lines still fill it up to the gutter, as
    they did beside the right side (a main column longer than its sidebar), or
    each band is the next line of a paragraph or list begun above. Otherwise
    the tail (a heading and short lines after a blank line, under a grid or a
    table of dates) is the page's flow going on, read after the right side.
    """
    closing = next((i for i in range(last, first - 1, -1) if extents.closes(i, gutter)), None)
    if closing is None:
        return False
    if closing == last:
        return True
    beside = [s for band in bands[first : closing + 1] for s in band]
    tail = [s for band in bands[closing + 1 : last + 1] for s in band]
    if _reaches(beside, gutter[0]) and _reaches(tail, gutter[0]):
        return True
    return all(_carries_on(bands[i - 1], bands[i]) for i in range(closing + 1, last + 1))


def _reaches(segments: list[Segment], edge: float) -> bool:
    """True when one of ``segments`` ends at ``edge``, filling a column up to it."""
    return any(abs(s.x1 - edge) <= COLUMN_EDGE_EM * max(s.size, 1.0) for s in segments)


def _carries_on(above: list[Segment], band: list[Segment]) -> bool:
    """True when a line of ``band`` goes on with a line of the band just above it."""
    return any(_next_line(prev, seg) for prev in above for seg in band)


def _next_line(prev: Segment, seg: Segment) -> bool:
    """True when ``seg`` is the next line of the paragraph or list ``prev`` is in.

    Unlike ``_continues`` a right-aligned list (skills set flush right against
    a chart) counts too: the lines need only share their left or right edge.
    """
    size = max(prev.size, seg.size, 1.0)
    aligned = min(abs(seg.x0 - prev.x0), abs(seg.x1 - prev.x1)) <= WRAP_INDENT_EM * size
    return 0 <= seg.top - prev.bottom <= WRAP_GAP_EM * size and aligned


def _best_zone(bands: list[list[Segment]], lo: float, hi: float) -> tuple[int, int, tuple[float, float]] | None:
    """The run of consecutive bands that shares a gutter with text on both sides.

    Runs are scored by how many segments they hold, so the body of a page
    under a full-width header wins over a one-line title-and-date pair. A run
    starts with a band that has text on both sides: a header line standing on
    one side only (a name beside a photo, contact details over one column) is
    read before the columns, not inside one of them. How it may end is
    ``_ends_beside``'s rule.
    """
    free = [_free_intervals(band, lo, hi) for band in bands]
    extents = _Extents.of(bands)
    remaining = [0] * (len(bands) + 1)  # segments from each band to the end: the most a run starting there can hold
    for index in range(len(bands) - 1, -1, -1):
        remaining[index] = remaining[index + 1] + len(bands[index])
    best: tuple[int, int, int, tuple[float, float]] | None = None
    for first in range(len(bands)):
        if best is not None and remaining[first] <= best[0]:
            break  # no later run can hold more segments than the best one
        shared = free[first]
        count = 0
        for last in range(first, len(bands)):
            shared = _intersect(shared, free[last]) if last > first else shared
            if not shared:
                break
            count += len(bands[last])
            if last == first or (best is not None and count <= best[0]):
                continue  # could not beat the best run: its gutters need no checking
            inner = [g for g in shared if extents.straddles(first, g) and _ends_beside(bands, extents, first, last, g)]
            if inner:
                best = (count, first, last, max(inner, key=lambda g: g[1] - g[0]))
    return None if best is None else best[1:]


def _header_bands(bands: list[list[Segment]], gutter: tuple[float, float]) -> int:
    """How many bands at the top of a page form a header set apart from the body: 0 when none does.

    A header whose name, contact lines and links stand side by side shares
    the body's column gutter by chance; read by columns, its contact lines
    would follow the whole left column. It is read first, as a band, when a
    tall blank row sets it apart, it is short, and it has text on both sides
    of the gutter.
    """
    top, bottom = bands[0][0].top, max(s.bottom for band in bands for s in band)
    header_bottom = float("-inf")
    for index in range(1, len(bands)):
        header_bottom = max(header_bottom, max(s.bottom for s in bands[index - 1]))
        if header_bottom - top > HEADER_SHARE * (bottom - top):
            return 0
        header = [s for band in bands[:index] for s in band]
        size = sorted(s.size for s in header)[len(header) // 2]
        if min(s.top for s in bands[index]) - header_bottom >= HEADER_GAP_EM * max(size, 1.0):
            left, right = _split_at(header, gutter)
            return index if left and right else 0
    return 0


def _order(segments: list[Segment], depth: int = 0, *, find_header: bool = False, header: bool = False) -> list[Column]:
    """Columns of a region; ``find_header`` looks for a first page's header above them, ``header`` reads one."""
    if len(segments) <= 1 or depth > MAX_DEPTH:
        return [Column(_rows(segments))]
    width = _span(segments)
    gutters = _inner_gutters(segments)
    if gutters:
        gutter = max(gutters, key=lambda g: g[1] - g[0])
        bands = _bands(segments) if find_header else []
        top = _header_bands(bands, gutter) if len(bands) > 1 else 0
        if top:
            above = [s for band in bands[:top] for s in band]
            below = [s for band in bands[top:] for s in band]
            return _merge_plain(_order(above, depth + 1, header=True) + _order(below, depth + 1))
        return _split_columns(segments, gutter, width, depth, header)
    bands = _bands(segments)
    zone = _best_zone(bands, min(s.x0 for s in segments), max(s.x1 for s in segments)) if len(bands) > 1 else None
    if zone is None:
        return [Column(_rows(segments))]
    first, last, gutter = zone
    before = [s for band in bands[:first] for s in band]
    inside = [s for band in bands[first : last + 1] for s in band]
    after = [s for band in bands[last + 1 :] for s in band]
    columns = (_order(before, depth + 1, header=header) if before else []) + _split_columns(inside, gutter, width, depth, header)
    columns += _order(after, depth + 1, header=header) if after else []
    return _merge_plain(columns)


def _merge_plain(columns: list[Column]) -> list[Column]:
    """Join consecutive unsplit columns: they are one flow of text."""
    merged: list[Column] = []
    for column in columns:
        if merged and not column.split and not merged[-1].split:
            merged[-1].segments.extend(column.segments)
        else:
            merged.append(column)
    return merged


def reading_order(segments: list[Segment], first_page: bool = True) -> list[Column]:
    """Arrange a page's segments into columns, each read top to bottom; a first page's header is read before them."""
    if not segments:
        return []
    upright = [s for s in segments if s.words[0].upright]
    rotated = [s for s in segments if not s.words[0].upright]
    columns = _order(upright, find_header=first_page) if upright else []
    for seg in sorted(rotated, key=lambda s: s.top):
        _place_rotated(seg, columns)
    return columns


def _place_rotated(seg: Segment, columns: list[Column]) -> None:
    """Read a sideways heading where it starts: before the first line at or below its top.

    It goes into the column it runs beside the longest (a rotated "EXPERIENCE"
    at the page edge heads the rows it stands beside).
    """

    def beside(column: Column) -> float:
        return sum(max(0.0, min(seg.bottom, s.bottom) - max(seg.top, s.top)) for s in column.segments)

    if not columns:
        columns.append(Column([seg]))
        return
    column = max(columns, key=beside)
    position = next((i for i, s in enumerate(column.segments) if s.bottom > seg.top), len(column.segments))
    column.segments.insert(position, seg)
