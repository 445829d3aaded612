"""Glyphs to words: the engine-neutral step between raw characters and words.

An engine hands over glyphs in content-stream order; this module decides where
one word ends and the next begins. PDF producers disagree on spaces: Word and
browsers print space glyphs, LaTeX prints none and leaves a gap, and tightly
set LaTeX lines leave gaps of a fifth of an em. So a word breaks at a space
glyph, at a horizontal gap wider than ``WORD_GAP_EM`` of the font size, at a
jump backwards or to another baseline, and where the font size changes sharply.
Ideographs, set solid without spaces, break at any visible gap.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from screener.ingest.glyphs import UNREADABLE_GLYPH, WORD_BREAKS, normalise_glyph_text
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


def _same_word(prev: Glyph, cur: Glyph) -> bool:
    if cur.text == UNREADABLE_GLYPH or prev.text == UNREADABLE_GLYPH:
        return False  # an unmapped glyph (a bullet, an icon) stands alone
    size = max(min(prev.size, cur.size), 1.0)
    if cur.upright != prev.upright:
        return False
    if not cur.upright:
        # Vertical text runs along y; treat y as the reading axis.
        return abs(cur.x0 - prev.x0) < BASELINE_EM * size and -BACKSTEP_EM * size < _vertical_gap(prev, cur) < WORD_GAP_EM * size
    if abs(cur.bottom - prev.bottom) > BASELINE_EM * size:
        return False
    gap = cur.x0 - prev.x1
    if gap > WORD_GAP_EM * size or gap < -BACKSTEP_EM * size:
        return False
    if gap > IDEOGRAPH_GAP_EM * size and _is_ideograph(prev.text[-1]) and _is_ideograph(cur.text[0]):
        return False
    return True


def _is_ideograph(char: str) -> bool:
    """CJK ideographs and kana: set solid, one em apart, with no spaces between words."""
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


def _vertical_gap(prev: Glyph, cur: Glyph) -> float:
    if cur.top >= prev.top:
        return cur.top - prev.bottom
    return prev.top - cur.bottom


def assemble_words(glyphs: Iterable[Glyph], page: int) -> list[PositionedWord]:
    """Group glyphs (in stream order) into positioned words."""
    words: list[PositionedWord] = []
    run: list[Glyph] = []

    def flush() -> None:
        if not run:
            return
        text = "".join([g.text for g in run])
        if text.strip():
            count = len(run)
            if count == 1:
                first = run[0]
                words.append(
                    PositionedWord(text, first.x0, first.top, first.x1, first.bottom, first.size, first.bold, first.italic, first.color, page, first.upright)
                )
            else:
                sizes = sorted([g.size for g in run])
                words.append(
                    PositionedWord(
                        text,
                        min([g.x0 for g in run]),
                        min([g.top for g in run]),
                        max([g.x1 for g in run]),
                        max([g.bottom for g in run]),
                        sizes[count // 2],
                        sum([g.bold for g in run]) * 2 >= count,
                        sum([g.italic for g in run]) * 2 >= count,
                        run[0].color,
                        page,
                        run[0].upright,
                    )
                )
        run.clear()

    for glyph in glyphs:
        text = normalise_glyph_text(glyph.text)
        if not text or text in WORD_BREAKS or (len(text) > 1 and all(ch in WORD_BREAKS for ch in text)):
            flush()
            continue
        if len(text) > 1 and any(ch in WORD_BREAKS for ch in text):
            # A replacement text (e.g. /ActualText "email: ") holding several words.
            for piece in _split_glyph(glyph._replace(text=text)):
                if not piece.text:
                    flush()
                    continue
                if run and not _same_word(run[-1], piece):
                    flush()
                run.append(piece)
            continue
        if run and not _same_word(run[-1], glyph):
            flush()
        run.append(glyph if text is glyph.text else glyph._replace(text=text))
    flush()
    return words


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
