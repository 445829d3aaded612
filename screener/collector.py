"""The garbage collector tuned for screening, and put back afterwards.

Screening a resume allocates tens of thousands of short-lived objects
(words, lines, spaCy tokens, pydantic models) in a process that already
holds a large, long-lived heap: the taxonomy, the spaCy vocabulary and the
matchers. With CPython's default thresholds a young-generation collection
runs every 700 allocations and an old-generation one walks that whole heap
again and again, which cost about a fifth of the screening time. Freezing
the heap built before the first resume takes it out of every collection
(in forked workers it also keeps those pages shared with the parent), and a
higher first threshold makes the young collections rarer; cycles are still
collected, only less often.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Allocations between young-generation collections while screening (CPython's default: 700).
YOUNG_THRESHOLD = 10_000


def tune_for_screening() -> None:
    """For a process that does nothing but screen (a worker): freeze what exists, collect less often."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


@contextmanager
def tuned_for_screening() -> Iterator[None]:
    """The same, for a batch run inside someone else's process (a notebook): restored on exit."""
    before = gc.get_threshold()
    tune_for_screening()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
