"""Synthetic checks of the layout rules: rows, segments and reading order."""

from __future__ import annotations

from screener.ingest.words import PositionedWord
from screener.layout.lines import group_rows, page_segments
from screener.layout.reading_order import reading_order

SIZE = 10.0


def word(text: str, x0: float, baseline: float, size: float = SIZE) -> PositionedWord:
    """A word whose box runs from ``baseline - size`` to ``baseline``, 5 pt per character."""
    return PositionedWord(text=text, x0=x0, x1=x0 + 5.0 * len(text), top=baseline - size, bottom=baseline, size=size)


def line(text: str, x0: float, baseline: float, size: float = SIZE) -> list[PositionedWord]:
    """Words of ``text`` set from ``x0`` with one 2.5 pt space between them."""
    words, x = [], x0
    for token in text.split():
        words.append(word(token, x, baseline, size))
        x += 5.0 * len(token) + 2.5
    return words


def read(words: list[PositionedWord]) -> list[str]:
    """The page's segments' texts in reading order."""
    return [seg.text for column in reading_order(page_segments(words)) for seg in column.segments]


def test_two_columns_with_interleaved_baselines_are_read_one_at_a_time() -> None:
    words = []
    for i in range(6):
        words += line(f"left{i} alpha beta gamma delta", 40, 100 + 14 * i)
        words += line(f"right{i} one two three four", 320, 107 + 14 * i)
    order = read(words)
    assert order == [f"left{i} alpha beta gamma delta" for i in range(6)] + [f"right{i} one two three four" for i in range(6)]


def test_single_column_with_right_aligned_dates_is_not_split() -> None:
    words = []
    baseline = 100.0
    for entry in range(3):
        words += line(f"Engineer{entry} at Company", 40, baseline)
        words += line("Jan 2020 - Mar 2021", 460, baseline)
        for bullet in range(3):
            baseline += 14
            words += line(f"did thing {entry}{bullet} with several words in a long line here", 50, baseline)
        baseline += 24
    order = read(words)
    for entry in range(3):
        title = order.index(f"Engineer{entry} at Company")
        assert order[title + 1] == "Jan 2020 - Mar 2021"
        assert order[title + 2] == f"did thing {entry}0 with several words in a long line here"


def test_label_column_is_read_row_by_row() -> None:
    words = []
    for i, label in enumerate(["2019 - 2021", "2016 - 2019", "2012 - 2016", "2010 - 2012"]):
        words += line(label, 40, 100 + 40 * i)
        words += line(f"Title{i} at some company in a city", 160, 100 + 40 * i)
        words += line(f"what was done there{i} in more words", 160, 114 + 40 * i)
    order = read(words)
    assert order[:3] == ["2019 - 2021", "Title0 at some company in a city", "what was done there0 in more words"]
    assert order[3] == "2016 - 2019"


def test_full_width_header_is_read_before_two_columns() -> None:
    words = line("Jane Doe", 250, 40, size=20) + line("jane@example.com phone 555 0100 and a long address line", 80, 64)
    for i in range(5):
        words += line(f"main{i} text of the main column", 40, 110 + 14 * i)
        words += line(f"side{i} sidebar text", 360, 117 + 14 * i)
    order = read(words)
    assert order[:2] == ["Jane Doe", "jane@example.com phone 555 0100 and a long address line"]
    assert order[2:7] == [f"main{i} text of the main column" for i in range(5)]
    assert order[7:] == [f"side{i} sidebar text" for i in range(5)]


def test_superscript_stays_in_its_line() -> None:
    words = [word("O(n", 40, 100), word("2", 57, 97.7, size=7), word(")", 62, 101.9), word("time", 70, 100)]
    rows = group_rows(words)
    assert len(rows) == 1


def test_hyphenated_word_is_read_whole_before_a_date_beside_it() -> None:
    words = line("Engineer at Company", 40, 100) + line("Jan 2020", 480, 100)
    words += line("Reduced time by implementing a prediction al-", 50, 114) + line("June 2005", 480, 114)
    words += line("gorithm", 50, 128) + line("more text in a long line here as well", 50, 142)
    order = read(words)
    assert order.index("gorithm") == order.index("Reduced time by implementing a prediction al-") + 1


def test_header_on_one_side_is_read_before_the_text_under_it() -> None:
    words = line("Jane Doe", 400, 40, size=20) + line("Data Engineer", 400, 62)
    words += line("A full width line of running text that crosses the whole page from margin to margin", 40, 200)
    for i in range(5):
        words += line(f"body{i} text in the left part", 40, 100 + 14 * i)
    order = read(words)
    assert order[:2] == ["Jane Doe", "Data Engineer"]
    assert order[2] == "body0 text in the left part"


def test_flow_after_a_table_is_read_after_its_right_cells() -> None:
    words = line("A full width line of running text that crosses the whole page", 40, 60)
    for i in range(3):
        words += line(f"Language{i}: skill level", 40, 100 + 14 * i) + line("Comment", 460, 100 + 14 * i)
        words += line(f"category{i}: xxx", 40, 220 + 14 * i) + line(f"category{i + 3}: yyy", 250, 220 + 14 * i)
    words += line("Interests", 40, 160) + line("hobby one", 40, 174) + line("hobby two", 40, 188)
    words += line("Another full width line of running text crossing the page from margin to margin", 40, 280)
    order = read(words)
    assert order.index("Interests") > max(i for i, text in enumerate(order) if text == "Comment")
    assert order.index("Comment") == order.index("Language0: skill level") + 1


def test_main_column_longer_than_its_sidebar_is_read_whole_first() -> None:
    words = line("Jane Doe jane@example.com phone 555 0100 and a long address line", 40, 40)
    for i in range(4):
        words += line(f"main{i} text of the main column here", 40, 100 + 14 * i)
        words += line(f"side{i} sidebar text", 360, 107 + 14 * i)
    words += line("Projects", 40, 170)
    for i in range(4, 7):
        words += line(f"main{i} text of the main column here", 40, 184 + 14 * (i - 4))
    order = read(words)
    mains = [order.index(f"main{i} text of the main column here") for i in range(7)]
    assert mains == sorted(mains) and order.index("Projects") < mains[4]
    assert mains[-1] < order.index("side0 sidebar text")


def _header_over_sidebar_page() -> list[PositionedWord]:
    """A first page as HTML resume builders set it: name and title left, contact lines right, then a sidebar and a main column."""
    words = line("Priya Raman", 40, 60, size=24) + line("Senior ML Engineer", 40, 76)
    for i, contact in enumerate(["Toronto, Canada", "priya@example.com", "github.com/praman", "+1 416 555 0199"]):
        words += line(contact, 430, 50 + 12 * i, size=9)
    for i in range(30):
        words += line(f"side{i} skill", 40, 137 + 14 * i)  # off the main column's baselines: no table
        words += line(f"main{i} text of the main column", 250, 130 + 14 * i)
    return words


def test_a_first_pages_header_is_read_whole_before_the_columns_under_it() -> None:
    """The header shares the body's gutter by chance; read by columns, the contact lines followed the whole sidebar."""
    order = read(_header_over_sidebar_page())
    assert order[:6] == ["Priya Raman", "Senior ML Engineer", "Toronto, Canada", "priya@example.com", "github.com/praman", "+1 416 555 0199"]
    assert order[6:36] == [f"side{i} skill" for i in range(30)]


def test_a_later_page_has_no_header_so_its_top_lines_stay_in_their_columns() -> None:
    """Page 2 opens with the columns' last lines, not with a header: they are read column by column as before."""
    segments = page_segments(_header_over_sidebar_page())
    order = [seg.text for column in reading_order(segments, first_page=False) for seg in column.segments]
    assert order.index("Toronto, Canada") > order.index("side29 skill")


def _justified(words: list[str], x0: float, x1: float, baseline: float) -> list[PositionedWord]:
    """``words`` spread from ``x0`` to ``x1``, as a justified line stretches its spaces."""
    widths = [5.0 * len(w) for w in words]
    gap = (x1 - x0 - sum(widths)) / (len(words) - 1)
    placed, x = [], x0
    for text, width in zip(words, widths, strict=True):
        placed.append(word(text, x, baseline))
        x += width + gap
    return placed


def test_a_justified_lines_stretched_spaces_do_not_split_it() -> None:
    """A narrow justified column spreads four words over its width: "model monitoring with drift" read as four cells."""
    words = _justified(["Built", "feature", "store", "pipelines"], 40, 240, 100)
    words += _justified(["model", "monitoring", "with", "drift"], 40, 240, 114)
    words += line("detection in production.", 40, 128)
    assert read(words) == ["Built feature store pipelines", "model monitoring with drift", "detection in production."]


def test_evenly_spaced_items_on_a_line_of_their_own_stay_apart() -> None:
    """Skill chips spaced alike are no justified text unless a line beside them is flush at both edges too."""
    words = _justified(["Go", "Python", "TypeScript", "Rust"], 40, 240, 100) + line("Elasticsearch GraphQL", 40, 114)
    assert len(page_segments(words)) == 5
