"""Date ranges as resumes print them."""

from __future__ import annotations

import pytest

from screener.structure.dates import best_date_range, find_date_ranges


@pytest.mark.parametrize(
    ("text", "start", "end", "current"),
    [
        ("Mar 2022 – Present", "2022-03", None, True),
        ("2019 – 2021", "2019", "2021", False),
        ("03/2020 - 11/2022", "2020-03", "2022-11", False),
        ("Summer 2018", "2018-06", "2018-08", False),
        ("Jan. 2021 – Current", "2021-01", None, True),
        ("2017–2019", "2017", "2019", False),
        ("June 2015 - Aug 2017", "2015-06", "2017-08", False),
        ("2020-05 to now", "2020-05", None, True),
        ("Sept 2000 -- May 2005", "2000-09", "2005-05", False),
        ("Winter 2019 - Spring 2020", "2019-12", "2020-05", False),
        ("December 2012 to Present", "2012-12", None, True),
        ("Expected Graduation: June 2017", "2017-06", "2017-06", False),
        ("Okt 2019 – März 2021", "2019-10", "2021-03", False),
    ],
)
def test_when_a_range_is_printed_then_it_parses(vocab, text, start, end, current):
    found = best_date_range(text, vocab)
    assert found is not None
    assert str(found.value.start) == start
    assert (str(found.value.end) if found.value.end else None) == end
    assert found.value.current is current


@pytest.mark.parametrize("text", ["+1 555 0142", "year–year", "Python 3.11", "ID 12345678", "2021 – 2019"])
def test_when_text_has_no_plausible_range_then_none_is_taken(vocab, text):
    assert [f for f in find_date_ranges(text, vocab) if f.value.end != f.value.start or f.value.current] == []


def test_when_a_header_has_a_lone_year_and_a_range_then_the_range_wins(vocab):
    found = best_date_range("Class of 2015 · Data Engineer 2016 – 2018", vocab)
    assert found is not None and found.value.text == "2016 – 2018"


def test_when_a_line_is_asked_about_again_then_the_memo_gives_the_same_ranges_and_stays_bounded(vocab, monkeypatch):
    from screener.structure import dates

    monkeypatch.setattr(dates, "FOUND_MEMO_SIZE", 3)
    monkeypatch.setattr(dates._compile(vocab), "found", {})
    texts = [f"Engineer, Foo Inc · {year} – {year + 2}" for year in range(2000, 2010)]
    first = [find_date_ranges(text, vocab) for text in texts]
    assert len(dates._compile(vocab).found) <= 3
    again = [find_date_ranges(text, vocab) for text in texts]
    assert again == first and [f[0].value.text for f in again] == [f"{y} – {y + 2}" for y in range(2000, 2010)]
    again[0].clear()  # a caller's list is its own
    assert find_date_ranges(texts[0], vocab) == first[0]
