"""List markers drawn as shapes: a browser paints an HTML list's discs as paths, not glyphs.

Without them an HTML resume's bullets reach the text layer as bare
paragraphs, and only their wrapping tells one from the next. A small, square,
filled shape just left of a line's first word is read as the "•" it draws,
when the page has at least two at one x: a list, not a stray icon. Both
engines report filled shapes alike, so both read the same markers.
"""

from __future__ import annotations

from screener.ingest.words import Box, FilledRect, PositionedWord

#: The text a drawn marker reads as: one of document.yaml's bullet markers.
MARKER = "•"
#: A marker's side, in ems of the text beside it: a disc is about a third of an em; an icon is nearer one.
MIN_MARKER_EM, MAX_MARKER_EM = 0.15, 0.5
#: Width and height differ by at most this share of the larger: discs and squares, not rules or bars.
SQUARE_SLACK = 0.2
#: The line's first word starts at most this many ems right of the marker.
MAX_MARKER_GAP_EM = 1.6
#: Markers of one list stand at one x, within this many points, and a list has at least ``MIN_LIST_ITEMS``.
SAME_X_PT = 1.0
MIN_LIST_ITEMS = 2
#: The largest text size a marker can stand beside, in points (the prefilter: no shape is larger than this em share of it).
MAX_TEXT_SIZE = 40.0


def _squarish(box: Box) -> bool:
    width, height = box.x1 - box.x0, box.bottom - box.top
    side = max(width, height)
    return 0 < side <= MAX_MARKER_EM * MAX_TEXT_SIZE and abs(width - height) <= SQUARE_SLACK * side


def _marked_word(box: Box, words: list[PositionedWord]) -> PositionedWord | None:
    """The word a shape marks: the nearest word starting just right of it, level with it, with nothing just left of the shape."""
    middle = (box.top + box.bottom) / 2
    side = max(box.x1 - box.x0, box.bottom - box.top)
    best: PositionedWord | None = None
    for word in words:
        if not word.upright or not word.top <= middle <= word.bottom:
            continue
        size = max(word.size, 1.0)
        if word.x1 <= box.x0 and box.x0 - word.x1 <= MAX_MARKER_GAP_EM * size:
            return None  # text runs on just left of the shape: it is inside a line, not at its start
        gap = word.x0 - box.x1
        fits = MIN_MARKER_EM * size <= side <= MAX_MARKER_EM * size
        if 0 <= gap <= MAX_MARKER_GAP_EM * size and fits and (best is None or word.x0 < best.x0):
            best = word
    return best


def drawn_markers(words: list[PositionedWord], fills: list[FilledRect]) -> list[PositionedWord]:
    """The markers a page draws beside its list items, as words; none where fewer than two share an x."""
    shapes = [fill.box for fill in fills if _squarish(fill.box)]
    if len(shapes) < MIN_LIST_ITEMS:
        return []
    marked = sorted(((box, word) for box in shapes if (word := _marked_word(box, words)) is not None), key=lambda pair: pair[0].x0)
    lists: list[list[tuple[Box, PositionedWord]]] = []
    for pair in marked:
        if lists and pair[0].x0 - lists[-1][0][0].x0 <= SAME_X_PT:
            lists[-1].append(pair)
        else:
            lists.append([pair])
    return [
        word._replace(text=MARKER, x0=box.x0, x1=box.x1, bold=False, italic=False, concealed=False)
        for items in lists
        if len(items) >= MIN_LIST_ITEMS
        for box, word in items
    ]
