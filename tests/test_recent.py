"""The table of things a process built last: found again, built once, the oldest let go."""

from __future__ import annotations

import pytest

from screener.recent import kept_recent


def test_a_kept_value_is_found_again_and_the_least_recently_used_goes_first():
    table: dict[str, object] = {}
    built: list[str] = []

    def make(key: str):
        return lambda: built.append(key) or object()

    a = kept_recent(table, "a", make("a"), 2)
    b = kept_recent(table, "b", make("b"), 2)
    assert kept_recent(table, "a", make("a"), 2) is a  # found, and now the most recent
    kept_recent(table, "c", make("c"), 2)  # "b" was used least recently
    assert list(table) == ["a", "c"] and built == ["a", "b", "c"]
    assert kept_recent(table, "b", make("b"), 2) is not b and built[-1] == "b"


def test_a_failed_build_leaves_the_table_as_it_was():
    table = {"a": 1}

    def fail() -> int:
        raise RuntimeError("no settings")

    with pytest.raises(RuntimeError):
        kept_recent(table, "b", fail, 2)
    assert table == {"a": 1}
