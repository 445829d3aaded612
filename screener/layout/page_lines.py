"""A page of positioned words to reader-neutral lines in reading order.

Segments that stand on one baseline inside a column are one printed row
(a title and the date right-aligned beside it, a bullet glyph and its text);
they become one line whose cells are separated by a tab, so later stages can
still tell the title from the date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from screener.document import BoxRef
from screener.ingest.words import PageWords
from screener.layout.lines import SAME_BASELINE_EM, Segment, page_segments
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


def _line(row: list[Segment], page: int, column: int, column_x0: float) -> SourceLine:
    words = [w for seg in row for w in seg.words]
    letters = [w for w in words if any(map(str.isalpha, w.text))]
    sizes = sorted(w.size for w in words)
    box = BoxRef(page=page, x0=min(s.x0 for s in row), top=min(s.top for s in row), x1=max(s.x1 for s in row), bottom=max(s.bottom for s in row))
    return SourceLine(
        text=CELL_SEPARATOR.join(seg.text for seg in row),
        page=page,
        column=column,
        size=sizes[len(sizes) // 2],
        bold=bool(letters) and sum(1 for w in letters if w.bold) * 2 > len(letters),
        box=box,
        indent=box.x0 - column_x0,
    )


def _breaks_paragraph(previous: SourceLine, line: SourceLine) -> bool:
    assert previous.box is not None and line.box is not None
    height = max(previous.box.bottom - previous.box.top, 1.0)
    gap = line.box.top - previous.box.bottom
    sizes = sorted((previous.size or 1.0, line.size or 1.0))
    return gap > PARAGRAPH_GAP * height or gap < -height or sizes[1] / sizes[0] > SIZE_CHANGE


def _wraps_into(line: SourceLine, following: SourceLine, first_word: Segment, right_edge: float) -> bool:
    """True when the next line's first word would not have fitted at the end of this one."""
    if following.new_block or CELL_SEPARATOR in line.text or line.box is None:
        return False
    if following.bold != line.bold or abs(following.size - line.size) > 0.5:
        return False  # a run-on line keeps its typeface
    word_width = first_word.words[0].x1 - first_word.words[0].x0
    return line.box.x1 + word_width + WRAP_SLACK_EM * max(line.size, 1.0) >= right_edge


def _column_lines(column: Column, page: int, index: int) -> list[SourceLine]:
    column_x0 = min(s.x0 for s in column.segments)
    right_edge = max(s.x1 for s in column.segments)
    rows = _rows(column.segments)
    lines: list[SourceLine] = []
    for row in rows:
        line = _line(row, page, index, column_x0)
        if not lines or _breaks_paragraph(lines[-1], line):
            line = replace(line, new_block=True)  # only then: a frozen dataclass's copy costs more than the rest of the line
        lines.append(line)
    for position in range(len(lines) - 1):
        if _wraps_into(lines[position], lines[position + 1], rows[position + 1][0], right_edge):
            lines[position] = replace(lines[position], wrapped=True)
    return lines


def page_lines(page: PageWords, first_column: int = 0) -> PageLayout:
    """Lines of one page in reading order; columns are numbered from ``first_column``."""
    columns = reading_order(page_segments(list(page.words)))
    lines: list[SourceLine] = []
    for offset, column in enumerate(columns):
        if column.segments:
            lines.extend(_column_lines(column, page.number, first_column + offset))
    substantial = [c for c in columns if c.split and len(_rows(c.segments)) >= MIN_COLUMN_LINES]
    return PageLayout(lines=lines, multi_column=len(substantial) >= 2)
