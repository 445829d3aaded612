"""A page of positioned words to reader-neutral lines in reading order.

Segments that stand on one baseline inside a column are one printed row
(a title and the date right-aligned beside it, a bullet glyph and its text);
they become one line whose cells are separated by a tab, so later stages can
still tell the title from the date.
"""

from __future__ import annotations

from dataclasses import dataclass

from screener.document import BoxRef
from screener.ingest.words import PageWords
from screener.layout.lines import SAME_BASELINE_EM, Segment, page_segments
from screener.layout.markers import drawn_markers
from screener.layout.reading_order import Column, reading_order
from screener.structure.source import CELL_SEPARATOR, SourceLine

#: A vertical gap larger than this share of the line height starts a new paragraph.
PARAGRAPH_GAP = 0.65
#: A font-size change larger than this ratio starts a new paragraph.
SIZE_CHANGE = 1.15
#: Slack, in ems, when deciding whether the next line's first word would have fitted.
WRAP_SLACK_EM = 0.6
#: A split column counts towards a multi-column page when it holds this many lines.
MIN_COLUMN_LINES = 4


@dataclass
class PageLayout:
    lines: list[SourceLine]
    multi_column: bool


def _rows(segments: list[Segment]) -> list[list[Segment]]:
    rows: list[list[Segment]] = []
    for seg in segments:
        if rows and abs(seg.baseline - rows[-1][0].baseline) <= SAME_BASELINE_EM * max(seg.size, 1.0) and seg.x0 >= rows[-1][-1].x0:
            rows[-1].append(seg)
        else:
            rows.append([seg])
    return rows


@dataclass
class _Row:
    """A printed row on its way to a :class:`SourceLine`, whose paragraph and wrap marks need its neighbours.

    Frozen ``SourceLine`` objects are made once, with every mark known: copying one to set a mark
    (``dataclasses.replace``) cost more than making it.
    """

    text: str
    size: float
    bold: bool
    box: BoxRef
    indent: float
    new_block: bool = False
    wrapped: bool = False


def _row(segments: list[Segment], page: int, column_x0: float) -> _Row:
    words = [w for seg in segments for w in seg.words]
    letters = [w for w in words if any(map(str.isalpha, w.text))]
    sizes = sorted(w.size for w in words)
    box = BoxRef(
        page=page, x0=min(s.x0 for s in segments), top=min(s.top for s in segments), x1=max(s.x1 for s in segments), bottom=max(s.bottom for s in segments)
    )
    return _Row(
        text=CELL_SEPARATOR.join(seg.text for seg in segments),
        size=sizes[len(sizes) // 2],
        bold=bool(letters) and sum(1 for w in letters if w.bold) * 2 > len(letters),
        box=box,
        indent=box.x0 - column_x0,
    )


def _breaks_paragraph(previous: _Row, row: _Row) -> bool:
    height = max(previous.box.bottom - previous.box.top, 1.0)
    gap = row.box.top - previous.box.bottom
    sizes = sorted((previous.size or 1.0, row.size or 1.0))
    return gap > PARAGRAPH_GAP * height or gap < -height or sizes[1] / sizes[0] > SIZE_CHANGE


def _wraps_into(row: _Row, following: _Row, first_word: Segment, right_edge: float) -> bool:
    """True when the next line's first word would not have fitted at the end of this one."""
    if following.new_block or CELL_SEPARATOR in row.text:
        return False
    if following.bold != row.bold or abs(following.size - row.size) > 0.5:
        return False  # a run-on line keeps its typeface
    word_width = first_word.words[0].x1 - first_word.words[0].x0
    return row.box.x1 + word_width + WRAP_SLACK_EM * max(row.size, 1.0) >= right_edge


def _column_lines(column: Column, page: int, index: int) -> list[SourceLine]:
    column_x0 = min(s.x0 for s in column.segments)
    right_edge = max(s.x1 for s in column.segments)
    segment_rows = _rows(column.segments)
    rows: list[_Row] = []
    for segments in segment_rows:
        row = _row(segments, page, column_x0)
        row.new_block = not rows or _breaks_paragraph(rows[-1], row)
        rows.append(row)
    for position in range(len(rows) - 1):
        rows[position].wrapped = _wraps_into(rows[position], rows[position + 1], segment_rows[position + 1][0], right_edge)
    return [
        SourceLine(
            text=r.text, page=page, column=index, size=r.size, bold=r.bold, box=r.box, indent=r.indent, new_block=r.new_block, wrapped=r.wrapped
        )
        for r in rows
    ]


def page_lines(page: PageWords, first_column: int = 0) -> PageLayout:
    """Lines of one page in reading order; columns are numbered from ``first_column``."""
    words = list(page.words)
    columns = reading_order(page_segments(words + drawn_markers(words, list(page.fills))), first_page=page.number == 1)
    lines: list[SourceLine] = []
    for offset, column in enumerate(columns):
        if column.segments:
            lines.extend(_column_lines(column, page.number, first_column + offset))
    substantial = [c for c in columns if c.split and len(_rows(c.segments)) >= MIN_COLUMN_LINES]
    return PageLayout(lines=lines, multi_column=len(substantial) >= 2)
