"""A table that keeps only what was used last: for things a process builds once and may be asked for again.

A notebook or a Dask worker process can go from one run to the next; what a
run built (its matchers, its screener) serves the next run with the same
inputs, but each holds a spaCy vocabulary, so only the last few are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def kept_recent(table: dict[K, V], key: K, build: Callable[[], V], keep: int) -> V:
    """``table[key]``, made by ``build`` when missing; the table then holds the ``keep`` most recently used, in order of use."""
    value = table.pop(key) if key in table else build()
    table[key] = value
    while len(table) > keep:
        del table[next(iter(table))]
    return value
