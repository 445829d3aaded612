"""Glyphs to words: the engine-neutral step between raw characters and words.

An engine hands over glyphs in content-stream order; this module decides where
one word ends and the next begins. PDF producers disagree on spaces: Word and
browsers print space glyphs, LaTeX prints none and leaves a gap, and tightly
set LaTeX lines leave gaps of a fifth of an em. So a word breaks at a space
glyph, at a horizontal gap wider than ``WORD_GAP_EM`` of the font size, at a
jump backwards or to another baseline, and where the font size changes sharply.
Ideographs, set solid without spaces, break at any visible gap.

The rules are applied to whole pages at once, as arrays: a page has a few
thousand glyphs and a rule per glyph pair in Python would cost more than
reading the PDF.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import NamedTuple

import numpy as np

from screener.ingest.glyphs import SOFT_HYPHEN, UNREADABLE_GLYPH, WORD_BREAKS, normalise_glyph_text, printed_hyphens
from screener.ingest.words import RGB, PositionedWord

#: A gap wider than this share of the font size separates two words.
WORD_GAP_EM = 0.1
#: A move back by more than this share of the font size starts a new word.
BACKSTEP_EM = 0.5
#: Ideographs are set solid, so any visible gap between two (here a fiftieth of an em) is a pen move between words.
IDEOGRAPH_GAP_EM = 0.02
#: Baselines further apart than this share of the font size are different lines.
BASELINE_EM = 0.35


class Glyph(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    italic: bool
    color: RGB | None
    upright: bool = True


def is_ideograph(char: str) -> bool:
    """CJK ideographs and kana: set solid, one em apart, with no spaces between words."""
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


def is_break(text: str) -> bool:
    """A glyph that separates words: a space of any kind, or one that prints nothing."""
    return not text or text in WORD_BREAKS or all(ch in WORD_BREAKS for ch in text)


@dataclass
class GlyphArrays:
    """A page's glyphs, in stream order, as columns; ``text`` is already normalised."""

    text: Sequence[str]
    x0: np.ndarray
    top: np.ndarray
    x1: np.ndarray
    bottom: np.ndarray
    size: np.ndarray
    bold: np.ndarray
    italic: np.ndarray
    upright: np.ndarray
    color: np.ndarray  # object array of RGB | None (an engine may share one tuple among the glyphs of a colour)
    concealed: np.ndarray | None = None  # drawn where no reader can see it (engines that can tell)
    spaced: np.ndarray | None = None  # a space the engine found in the glyphs' positions comes before it (PDFium's)

    @classmethod
    def from_glyphs(cls, glyphs: Sequence[Glyph]) -> GlyphArrays:
        columns = list(zip(*glyphs, strict=True)) if glyphs else [()] * 10
        floats = [np.asarray(column, dtype=np.float64) for column in columns[1:6]]
        flags = [np.asarray(column, dtype=bool) for column in (columns[6], columns[7], columns[9])]
        colors = np.fromiter(columns[8], dtype=object, count=len(glyphs))
        return cls(columns[0], *floats, flags[0], flags[1], flags[2], colors)


#: Which code points below U+FFFF are :data:`WORD_BREAKS` (all of which are), looked up per glyph in one gather;
#: U+FFFF is not, and stands in for every code above it.
_BMP = 0xFFFF
_BREAK_TABLE = np.zeros(_BMP + 1, dtype=bool)
_BREAK_TABLE[[ord(ch) for ch in WORD_BREAKS]] = True
assert not _BREAK_TABLE[_BMP] and all(ord(ch) < _BMP for ch in WORD_BREAKS)
_UNREADABLE_CODE, _SOFT_HYPHEN_CODE = ord(UNREADABLE_GLYPH), ord(SOFT_HYPHEN)
#: Words made from their zipped columns without a Python call per word (a named tuple's own constructor is one).
_word = partial(tuple.__new__, PositionedWord)


class _PageText(NamedTuple):
    """Which glyphs break words and which are unreadable, and the page's text joined once with each glyph's offset in it."""

    breaks: np.ndarray
    unreadable: np.ndarray
    joined: str
    codes: np.ndarray  # the joined text's code points
    offsets: np.ndarray  # glyph i is joined[offsets[i]:offsets[i + 1]]

    @classmethod
    def of(cls, texts: Sequence[str]) -> _PageText:
        joined = "".join(texts)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")  # read as code points, at C speed
        char_breaks = _BREAK_TABLE[np.minimum(codes, _BMP)]
        if len(joined) == len(texts) and "" not in texts:  # every glyph one character, the common case
            return cls(char_breaks, codes == _UNREADABLE_CODE, joined, codes, np.arange(len(texts) + 1, dtype=np.int64))
        # Ligatures spell a glyph as several characters, invisible ones as none: a glyph breaks words when none of its
        # characters prints (an empty glyph among them), and is unreadable when it is the one stand-in character.
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        printing = np.zeros(len(codes) + 1, dtype=np.int64)
        np.cumsum(~char_breaks, out=printing[1:])
        breaks = printing[offsets[1:]] == printing[offsets[:-1]]
        unreadable = (lengths == 1) & (np.append(codes, 0)[offsets[:-1]] == _UNREADABLE_CODE)
        return cls(breaks, unreadable, joined, codes, offsets)

    def hyphens_printed(self, texts: Sequence[str]) -> list[str]:
        """The texts with each soft hyphen read as :func:`printed_hyphens` says, touching only the glyphs that hold one."""
        at = np.flatnonzero(self.codes == _SOFT_HYPHEN_CODE)
        mended = list(texts)
        for glyph in np.unique(np.searchsorted(self.offsets, at, side="right") - 1).tolist():
            mended[glyph] = printed_hyphens([mended[glyph]])[0]
        return mended


def _joins(g: GlyphArrays, breaks: np.ndarray, unreadable: np.ndarray) -> np.ndarray:
    """For each glyph after the first: does it continue the previous glyph's word?"""
    size = np.maximum(np.minimum(g.size[:-1], g.size[1:]), 1.0)
    gap = g.x0[1:] - g.x1[:-1]
    upright_joins = (np.abs(g.bottom[1:] - g.bottom[:-1]) <= BASELINE_EM * size) & (gap <= WORD_GAP_EM * size) & (gap >= -BACKSTEP_EM * size)
    solid = np.flatnonzero(upright_joins & (gap > IDEOGRAPH_GAP_EM * size))
    for index in solid:  # few: only pairs set a little apart
        left, right = g.text[index], g.text[index + 1]
        if left and right and is_ideograph(left[-1]) and is_ideograph(right[0]):  # an invisible glyph's text is empty
            upright_joins[index] = False
    # Vertical text runs along y: the same rules with the axes swapped.
    downward = g.top[1:] >= g.top[:-1]
    vertical_gap = np.where(downward, g.top[1:] - g.bottom[:-1], g.top[:-1] - g.bottom[1:])
    vertical_joins = (np.abs(g.x0[1:] - g.x0[:-1]) < BASELINE_EM * size) & (vertical_gap > -BACKSTEP_EM * size) & (vertical_gap < WORD_GAP_EM * size)
    joins = np.where(g.upright[1:], upright_joins, vertical_joins)
    joins &= g.upright[1:] == g.upright[:-1]
    joins &= ~(unreadable[1:] | unreadable[:-1])  # an unmapped glyph (a bullet, an icon) stands alone
    joins &= ~breaks[:-1]
    if g.concealed is not None:
        joins &= g.concealed[1:] == g.concealed[:-1]  # a hidden run never merges into a visible word
    if g.spaced is not None:
        joins &= ~g.spaced[1:]
    return joins


def assemble_arrays(g: GlyphArrays, page: int) -> list[PositionedWord]:
    """Group a page's glyphs (in stream order) into positioned words."""
    count = len(g.text)
    if count == 0:
        return []
    page_text = _PageText.of(g.text)
    if SOFT_HYPHEN in page_text.joined:
        g = replace(g, text=page_text.hyphens_printed(g.text))
        page_text = _PageText.of(g.text)
    breaks = page_text.breaks
    starts = np.ones(count, dtype=bool)
    starts[1:] = ~_joins(g, breaks, page_text.unreadable)
    kept = np.flatnonzero(~breaks)
    if not len(kept):
        return []
    first = np.flatnonzero(starts[kept])  # word starts, as positions in ``kept``
    x0 = np.minimum.reduceat(g.x0[kept], first).tolist()
    top = np.minimum.reduceat(g.top[kept], first).tolist()
    x1 = np.maximum.reduceat(g.x1[kept], first).tolist()
    bottom = np.maximum.reduceat(g.bottom[kept], first).tolist()
    glyph_sizes = g.size[kept]
    low, high = np.minimum.reduceat(glyph_sizes, first), np.maximum.reduceat(glyph_sizes, first)
    ends = np.append(first[1:], len(kept))
    counts = ends - first  # glyphs per word
    bold = (np.add.reduceat(g.bold[kept].astype(np.int32), first) * 2 >= counts).tolist()
    italic = (np.add.reduceat(g.italic[kept].astype(np.int32), first) * 2 >= counts).tolist()
    heads = kept[first]
    upright = g.upright[heads].tolist()
    concealed = g.concealed[heads].tolist() if g.concealed is not None else [False] * len(first)
    colors = g.color[heads].tolist()
    # Every word's text is a slice of the page's text joined once (its glyphs run unbroken: breaks end words,
    # and a word's glyphs are consecutive); the columns are zipped into words at the end.
    joined, offsets = page_text.joined, page_text.offsets
    word_first, word_last = kept[first], kept[ends - 1]
    texts = list(map(joined.__getitem__, map(slice, offsets[word_first].tolist(), offsets[word_last + 1].tolist())))
    # A word's size is its glyphs' median, where they differ at all.
    sizes = low.tolist()
    for word in np.flatnonzero(low != high).tolist():
        i, j = int(first[word]), int(ends[word])
        sizes[word] = sorted(glyph_sizes[i:j].tolist())[(j - i) // 2]
    columns = zip(texts, x0, top, x1, bottom, sizes, bold, italic, colors, [page] * len(texts), upright, concealed, strict=True)
    if all(map(str.strip, texts)):
        return list(map(_word, columns))
    return [_word(fields) for fields in columns if fields[0].strip()]


def assemble_words(glyphs: Iterable[Glyph], page: int) -> list[PositionedWord]:
    """Group glyphs (in stream order) into positioned words; a glyph standing for several words is split first."""
    prepared: list[Glyph] = []
    for glyph in glyphs:
        text = normalise_glyph_text(glyph.text)
        if len(text) > 1 and not is_break(text) and any(ch in WORD_BREAKS for ch in text):
            # A replacement text (e.g. /ActualText "email: ") holding several words.
            prepared.extend(_split_glyph(glyph._replace(text=text)))
        else:
            prepared.append(glyph if text is glyph.text else glyph._replace(text=text))
    return assemble_arrays(GlyphArrays.from_glyphs(prepared), page)


def _split_glyph(glyph: Glyph) -> list[Glyph]:
    """Split a multi-word glyph at its spaces, sharing its width by character count.

    An empty-text piece stands for a break between words.
    """
    text = glyph.text
    step = (glyph.x1 - glyph.x0) / max(1, len(text))
    pieces: list[Glyph] = []
    start = 0
    for index in range(len(text) + 1):
        if index == len(text) or text[index] in WORD_BREAKS:
            if index > start:
                pieces.append(glyph._replace(text=text[start:index], x0=glyph.x0 + start * step, x1=glyph.x0 + index * step))
            if index < len(text):
                pieces.append(glyph._replace(text=""))
            start = index + 1
    return pieces
