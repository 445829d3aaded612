"""Pure helpers that turn a PDF character's raw attributes into word attributes.

Shared by every extraction engine so that two engines reading the same file
agree on what counts as bold, which colour a glyph has and which text a
ligature stands for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from screener.ingest.words import RGB

#: Font-name fragments that mark a bold face: "Helvetica-Bold", "Arial,Bold",
#: LaTeX's CMBX/CMB and Latin Modern "LMRoman10-Bold", "SemiBold", "Heavy".
BOLD_FONT = re.compile(r"bold|black|heavy|demi|semibold|\bbd\b|cmbx|cmb\d|-b$|,b$|medium", re.IGNORECASE)
ITALIC_FONT = re.compile(r"italic|oblique|cmti|cmsl|-it$|,it$|\bit\b", re.IGNORECASE)

#: pdfminer spells a glyph it cannot map to Unicode as "(cid:123)".
CID_GLYPH = re.compile(r"^\(cid:\d+\)$")
#: What an unmappable glyph becomes in a word.
UNREADABLE_GLYPH = "\ufffd"

#: Characters that separate words even when no gap is printed.
WORD_BREAKS = frozenset(" \t\n\r\u00a0\u2002\u2003\u2009\u200a\u3000")

#: Unicode characters that a reader sees as nothing and a word must not keep.
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
#: A soft hyphen drawn as a glyph of its own is the hyphen a line broke at, as printed (LaTeX's and
#: LibreOffice's fonts map their hyphen to it): it reads as "-", and the structure stage mends the word
#: across the line end. Within a glyph spelled as several characters (Word's hyphen is "-\u00ad\u2010")
#: or an /ActualText it is what Unicode says, an invisible break opportunity, and is dropped.
SOFT_HYPHEN = "\u00ad"


def printed_hyphens(texts: Sequence[str]) -> list[str]:
    """Glyph texts with each soft hyphen read as :data:`SOFT_HYPHEN` says."""
    return ["-" if text == SOFT_HYPHEN else text.replace(SOFT_HYPHEN, "") for text in texts]


def base_font_name(fontname: str) -> str:
    """Drop the six-letter subset prefix ("ABCDEF+Lato-Bold" -> "Lato-Bold")."""
    return fontname.split("+", 1)[1] if "+" in fontname[:8] else fontname


def is_bold_font(fontname: str) -> bool:
    return bool(BOLD_FONT.search(base_font_name(fontname)))


def is_italic_font(fontname: str) -> bool:
    return bool(ITALIC_FONT.search(base_font_name(fontname)))


def normalise_glyph_text(text: str) -> str:
    """Expand ligatures and presentation forms; drop invisible characters.

    A soft hyphen is kept: whether it reads as a hyphen depends on whether it
    was drawn alone, which :func:`printed_hyphens` decides once glyphs are whole.
    """
    if not text:
        return ""
    if not text.isascii():
        out = []
        for ch in text:
            if ch in INVISIBLE:
                continue
            code = ord(ch)
            if 0xFB00 <= code <= 0xFB4F or 0xFF00 <= code <= 0xFFEF:
                out.append(unicodedata.normalize("NFKC", ch))
            else:
                out.append(ch)
        return "".join(out)
    return text


def is_private_use(text: str) -> bool:
    """Icon fonts (FontAwesome and friends) map their glyphs to the Private Use Area."""
    return bool(text) and all(0xE000 <= ord(ch) <= 0xF8FF or 0xF0000 <= ord(ch) for ch in text)


def to_rgb(color: object) -> RGB | None:
    """Turn a gray, RGB or CMYK colour tuple into RGB in 0..1; patterns give None."""
    if color is None:
        return None
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not all(isinstance(c, (int, float)) for c in color):
        return None
    values = [min(1.0, max(0.0, float(c))) for c in color]
    if len(values) == 1:
        return (values[0],) * 3
    if len(values) == 3:
        return (values[0], values[1], values[2])
    if len(values) == 4:
        c, m, y, k = values
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None
