"""The PDFium engine: PDFium's characters turned into the same positioned words.

PDFium (through ``pypdfium2``) interprets a page in C, about twenty times
faster than pdfminer, so it is the default engine. It must hand the layout
stage exactly what the pdfplumber engine does, so three choices follow
pdfminer's geometry rather than PDFium's own:

- a character's box spans ``size`` points above the font's descent line from
  its baseline, the box pdfminer draws, not PDFium's ascent-to-descent box;
- the font size is the size set in the text state scaled by the character
  matrix (√|det|), so a heading drawn at 0.75 scale reads at its printed size;
- the spaces and line breaks PDFium generates from gaps are dropped, so words
  break where :mod:`screener.ingest.assemble` decides, as for every engine.

Everything that varies per text object (size, font, colour, orientation) is
read once per object: a Chromium-made page draws thousands of glyphs, and
each call through ctypes costs about a microsecond.
"""

from __future__ import annotations

import ctypes
import functools
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw
from pypdfium2_raw.bindings import _libs

from screener.document import Status
from screener.errors import DocumentError
from screener.ingest.assemble import GlyphArrays, assemble_arrays, is_break
from screener.ingest.engines import PDFIUM
from screener.ingest.font_spellings import UNSPELLABLE, FontSpellings
from screener.ingest.glyphs import UNREADABLE_GLYPH, base_font_name, is_bold_font, is_italic_font, normalise_glyph_text
from screener.ingest.hidden import holding
from screener.ingest.words import Box, FilledRect, PageLink, PageWords

try:
    from screener.ingest import _glyphs as _compiled
except ImportError:  # built without a C compiler: the ctypes loop
    _compiled = None

NAME = PDFIUM

_LIB = _libs["pdfium"]


def _c_function(name: str, restype: object, *argtypes: object):  # type: ignore[no-untyped-def]
    """A fresh prototype of a PDFium function that takes and returns plain integers.

    pypdfium2's bindings wrap handles in typed pointers; building and
    comparing those costs more than the call itself in the per-character loop.
    """
    function = _LIB[name]
    function.restype = restype
    function.argtypes = list(argtypes)
    return function


_VOID = ctypes.c_void_p
_get_unicode = _c_function("FPDFText_GetUnicode", ctypes.c_uint, _VOID, ctypes.c_int)
_get_text_object = _c_function("FPDFText_GetTextObject", _VOID, _VOID, ctypes.c_int)
_get_loose_box_at = _c_function("FPDFText_GetLooseCharBox", ctypes.c_int, _VOID, ctypes.c_int, _VOID)  # into an array slot
_TEXT_OBJECT_ADDRESS = ctypes.cast(_get_text_object, _VOID).value
_LOOSE_BOX_ADDRESS = ctypes.cast(_get_loose_box_at, _VOID).value
_get_origin = _c_function("FPDFText_GetCharOrigin", ctypes.c_int, _VOID, ctypes.c_int, ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_double))
_has_map_error = _c_function("FPDFText_HasUnicodeMapError", ctypes.c_int, _VOID, ctypes.c_int)
_get_font_size = _c_function("FPDFText_GetFontSize", ctypes.c_double, _VOID, ctypes.c_int)
_get_char_matrix = _c_function("FPDFText_GetMatrix", ctypes.c_int, _VOID, ctypes.c_int, ctypes.POINTER(raw.FS_MATRIX))
_get_font = _c_function("FPDFTextObj_GetFont", _VOID, _VOID)
_get_render_mode = _c_function("FPDFTextObj_GetTextRenderMode", ctypes.c_int, _VOID)
_get_clip = _c_function("FPDFPageObj_GetClipPath", _VOID, _VOID)
_count_clip_paths = _c_function("FPDFClipPath_CountPaths", ctypes.c_int, _VOID)
_count_clip_segments = _c_function("FPDFClipPath_CountPathSegments", ctypes.c_int, _VOID, ctypes.c_int)
_get_clip_segment = _c_function("FPDFClipPath_GetPathSegment", _VOID, _VOID, ctypes.c_int, ctypes.c_int)
_get_point = _c_function("FPDFPathSegment_GetPoint", ctypes.c_int, _VOID, _VOID, _VOID)
_get_font_name = _c_function("FPDFFont_GetBaseFontName", ctypes.c_ulong, _VOID, ctypes.c_char_p, ctypes.c_ulong)
_get_font_weight = _c_function("FPDFFont_GetWeight", ctypes.c_int, _VOID)
_get_descent = _c_function("FPDFFont_GetDescent", ctypes.c_int, _VOID, ctypes.c_float, ctypes.POINTER(ctypes.c_float))
_get_fill = _c_function(
    "FPDFPageObj_GetFillColor",
    ctypes.c_int,
    _VOID,
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
)
#: The compiled style and origin readers (absent from a build that predates them) and the PDFium functions they call, in their argument order.
_read_styles = getattr(_compiled, "read_styles", None)
_STYLE_ADDRESSES = tuple(
    ctypes.cast(function, _VOID).value for function in (_get_char_matrix, _get_font_size, _get_font, _get_fill, _get_render_mode, _has_map_error)
)
_read_origins = getattr(_compiled, "read_origins", None)
_ORIGIN_ADDRESS = ctypes.cast(_get_origin, _VOID).value
_read_objects = getattr(_compiled, "read_objects", None)
_OBJECT_ADDRESSES = tuple(
    ctypes.cast(function, _VOID).value
    for function in (
        _c_function("FPDFPage_GetObject", _VOID, _VOID, ctypes.c_int),
        _c_function("FPDFPageObj_GetType", ctypes.c_int, _VOID),
        _get_clip,
        _count_clip_paths,
        _count_clip_segments,
        _get_clip_segment,
        _get_point,
    )
)

_read_paths = getattr(_compiled, "read_paths", None)
_PATH_ADDRESSES = tuple(
    ctypes.cast(function, _VOID).value
    for function in (
        _c_function("FPDFPath_GetDrawMode", ctypes.c_int, _VOID, _VOID, _VOID),
        _c_function("FPDFPageObj_GetBounds", ctypes.c_int, _VOID, _VOID, _VOID, _VOID, _VOID),
        _get_fill,
        _c_function("FPDFPath_CountSegments", ctypes.c_int, _VOID),
        _c_function("FPDFPath_GetPathSegment", _VOID, _VOID, ctypes.c_int),
        _c_function("FPDFPathSegment_GetType", ctypes.c_int, _VOID),
    )
)
#: What the path readers know of a path, as bits: it is filled, has bounds, has a fill colour, is a rectangle.
PATH_FILLED, PATH_BOUNDED, PATH_COLORED, PATH_RECTANGLE = 1, 2, 4, 8

#: A font weight (FontDescriptor /FontWeight) from which on a face reads as bold.
BOLD_WEIGHT = 600
#: A glyph's descent below the baseline when the font does not say (pdfminer's fallback is 0).
DEFAULT_DESCENT = 0.0
#: Icon fonts map their glyphs here; see :func:`screener.ingest.glyphs.is_private_use`.
PRIVATE_USE_START, PRIVATE_USE_END, SUPPLEMENTARY_PRIVATE_USE = 0xE000, 0xF8FF, 0xF0000
#: Control codes that a producer draws as glyphs standing for white space.
DRAWN_WHITESPACE = frozenset({0x09, 0x0A, 0x0D})
#: The codes of printable ASCII, the space included: a character whose text is its own code, the common case
#: (spaces were 97% of the characters a page looked up one by one before the range took them in).
ASCII_FIRST, ASCII_LAST = 0x20, 0x7E
#: What FPDFText_GetText writes for codes it will not spell (line-end hyphens, NUL).
BLANKED = 0xFFFE
#: PDFium's stand-in for a hyphen that ends a line.
LINE_END_HYPHEN = 0x02
#: Ligatures at the control codes of TeX's OT1 and T1 encodings, which PDFium passes through unmapped.
TEX_LIGATURES = {0x0B: "ff", 0x0C: "fi", 0x0D: "fl", 0x0E: "ffi", 0x0F: "ffl", 0x1B: "ff", 0x1C: "fi", 0x1D: "fl", 0x1E: "ffi", 0x1F: "ffl"}
#: TeX's math and symbol fonts (base names, lower case), whose low codes are symbols, not ligatures: CMSY's 0x0D is
#: the circle of "©" built from \textcircled. Without a Unicode map their glyphs are unreadable, as pdfminer reads them.
TEX_SYMBOL_FONTS = ("cmsy", "cmbsy", "cmmi", "cmex", "lmsy", "lmmi", "lmex", "msam", "msbm", "eufm", "eufb", "eurm", "eusm", "rsfs", "stmary", "wasy", "lasy")
#: Text render modes that paint nothing (3: invisible, 7: clip only), the mode of OCR layers and of keyword smuggling.
INVISIBLE_RENDER_MODES = frozenset({raw.FPDF_TEXTRENDERMODE_INVISIBLE, raw.FPDF_TEXTRENDERMODE_CLIP})
#: A filled shape at most this many times the font size tall, over invisible text, is that text's ink (glyph outlines).
INK_EM = 2.0
#: A fill at or above this alpha (of 255) hides what lies beneath it.
OPAQUE_ALPHA = 250
#: PDFium's error codes that mean "locked", not "broken".
PASSWORD_ERRORS = {raw.FPDF_ERR_PASSWORD: "the PDF needs a password", raw.FPDF_ERR_SECURITY: "the PDF is encrypted with an unsupported security handler"}


@dataclass
class _Styles:
    """What every glyph of one text object shares, as columns: one row per text object of the page."""

    size: np.ndarray  # points, as drawn
    descent: np.ndarray  # below the baseline, in points (negative)
    bold: np.ndarray
    italic: np.ndarray
    palette: np.ndarray  # object array: the page's distinct fill colours (None: unknown), shared by the glyphs that use them
    color_index: np.ndarray  # each object's colour, as a position in ``palette``
    upright: np.ndarray
    unmapped: np.ndarray  # its first character has no Unicode mapping, so each one is checked
    invisible: np.ndarray  # painted in an invisible render mode or with a fully transparent fill


class _Scene(NamedTuple):
    """The page's objects in painting order: what can lie under or over a glyph."""

    rects: list[FilledRect]
    rect_order: list[int]  # painting position of each rect
    opaque: list[bool]  # each rect hides what was painted before it
    images: list[Box]
    text_order: dict[int, int]  # text object handle -> painting position
    fills: list[FilledRect]  # every filled path's bounds (rects among them), in painting order
    clips: dict[int, Box]  # text object handle -> the bounds of the clip path it is painted through

    def painted(self) -> int:
        """How many objects were painted so far: the next one's painting position."""
        return len(self.text_order) + len(self.fills) + len(self.images)


class _Transform(NamedTuple):
    """PDF user space to the top-left, downward page space pdfplumber reports, with /Rotate applied."""

    left: float
    bottom: float
    width: float  # of the unrotated media box
    height: float
    rotation: int  # degrees clockwise

    def points(self, x, y):  # type: ignore[no-untyped-def]
        """Page-space (x, top) of user-space (x, y): numbers or numpy arrays alike."""
        x = x - self.left
        y = y - self.bottom
        if self.rotation == 90:
            return y, x
        if self.rotation == 180:
            return self.width - x, y
        if self.rotation == 270:
            return self.height - y, self.width - x
        return x, self.height - y

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        ax, at = self.points(x0, y0)
        bx, bt = self.points(x1, y1)
        return min(ax, bx), min(at, bt), max(ax, bx), max(at, bt)

    @property
    def size(self) -> tuple[float, float]:
        return (self.height, self.width) if self.rotation in (90, 270) else (self.width, self.height)


def _declares_encryption(path: Path) -> bool:
    """Whether the file has an /Encrypt entry at all.

    PDFium keeps its last error across documents, so a file that fails for
    another reason right after a locked one would otherwise read as locked.
    """
    with path.open("rb") as handle:
        return b"/Encrypt" in handle.read()


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF, mapping PDFium's password errors to ``encrypted``."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in PASSWORD_ERRORS and _declares_encryption(path):
            raise DocumentError(Status.ENCRYPTED, PASSWORD_ERRORS[code]) from None
        raise DocumentError(Status.CORRUPT, f"the PDF is damaged and cannot be read ({' '.join(str(exc).split())[:120]})") from None


#: Where font names are read (grown when one is longer), and the descent's out-parameter.
_FONT_NAME = [ctypes.create_string_buffer(128)]
_DESCENT = ctypes.c_float()
_DESCENT_REF = ctypes.byref(_DESCENT)


def _font_name(font: int) -> str:
    length = _get_font_name(font, None, 0)
    if not length:
        return ""
    if length > len(_FONT_NAME[0]):
        _FONT_NAME[0] = ctypes.create_string_buffer(length)
    buffer = _FONT_NAME[0]
    _get_font_name(font, buffer, length)
    return buffer.value.decode("utf-8", "replace")


@functools.lru_cache(maxsize=1024)
def _named_face(name: str) -> tuple[bool, bool]:
    """A base font name's (bold, italic): the same few faces recur on every page of every resume."""
    return is_bold_font(name), is_italic_font(name)


def _font_facts(font: int, cache: dict[int, tuple[bool, bool, float]]) -> tuple[bool, bool, float]:
    """(bold, italic, descent per point of size) of a font, read once per font and page.

    Not once per document: a font's handle may be freed with its page and reused by another font.
    """
    facts = cache.get(font)
    if facts is None:
        name = _font_name(font)
        per_point = _DESCENT.value if _get_descent(font, 1.0, _DESCENT_REF) else DEFAULT_DESCENT
        if name:
            bold, italic = _named_face(name)
        else:  # a Type3 font has no base font name to read boldness from; its descriptor's weight says it
            bold, italic = _get_font_weight(font) >= BOLD_WEIGHT, False
        facts = (bold, italic, per_point)
        cache[font] = facts
    return facts


#: Out-parameters of the per-object calls, made once: a page has hundreds of text objects, and each process reads one page at a time.
_MATRIX = raw.FS_MATRIX()
_MATRIX_REF = ctypes.byref(_MATRIX)
_RGBA = tuple(ctypes.c_uint() for _ in range(4))
_RGBA_REFS = tuple(ctypes.byref(cell) for cell in _RGBA)
_POINT = (ctypes.c_float(), ctypes.c_float())
_POINT_REFS = tuple(ctypes.cast(ctypes.pointer(cell), _VOID) for cell in _POINT)


@dataclass
class _RawStyles:
    """What PDFium says of each text object, read at one of its characters, as columns: the inputs of :func:`_styles`."""

    matrices: np.ndarray  # (n, 6) float32: the character's matrix (zeros where PDFium has none)
    font_sizes: np.ndarray  # float64
    fonts: np.ndarray  # uint64 handles (0: none)
    filled: np.ndarray  # int32: 1 where the fill colour was read
    rgba: np.ndarray  # (n, 4) uint32
    render_modes: np.ndarray  # int32
    map_errors: np.ndarray  # int32

    @classmethod
    def empty(cls, count: int) -> _RawStyles:
        return cls(
            np.zeros((count, 6), dtype=np.float32),
            np.zeros(count, dtype=np.float64),
            np.zeros(count, dtype=np.uint64),
            np.zeros(count, dtype=np.int32),
            np.zeros((count, 4), dtype=np.uint32),
            np.zeros(count, dtype=np.int32),
            np.zeros(count, dtype=np.int32),
        )


def _raw_styles(textpage: int, indices: np.ndarray, objects: np.ndarray) -> _RawStyles:
    """Each text object's style inputs, read at its character ``indices[i]``: in C when built, else six ctypes calls each."""
    found = _RawStyles.empty(len(indices))
    if _read_styles is not None:
        _read_styles(
            textpage,
            *_STYLE_ADDRESSES,
            np.ascontiguousarray(indices, dtype=np.int64),
            np.ascontiguousarray(objects, dtype=np.uint64),
            found.matrices,
            found.font_sizes,
            found.fonts,
            found.filled,
            found.rgba,
            found.render_modes,
            found.map_errors,
        )
        return found
    matrix = _MATRIX
    for row, (index, text_object) in enumerate(zip(indices.tolist(), objects.tolist(), strict=True)):
        if _get_char_matrix(textpage, index, _MATRIX_REF):
            found.matrices[row] = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
        found.font_sizes[row] = _get_font_size(textpage, index)
        found.fonts[row] = _get_font(text_object) or 0
        if _get_fill(text_object, *_RGBA_REFS):
            found.filled[row] = 1
            found.rgba[row] = [cell.value for cell in _RGBA]
        found.render_modes[row] = _get_render_mode(text_object)
        found.map_errors[row] = _has_map_error(textpage, index)
    return found


def _styles(found: _RawStyles, fonts: dict[int, tuple[bool, bool, float]], rotation: int) -> _Styles:
    """Each text object's style from what PDFium says of it: the size as drawn (the matrix's scale), the font's weight and descent, the fill."""
    a, b, c, d = (found.matrices[:, column].astype(np.float64) for column in range(4))
    scale = np.sqrt(np.abs(a * d - b * c))
    size = found.font_sizes * np.where(scale == 0.0, 1.0, scale)
    handles, per_object = np.unique(found.fonts, return_inverse=True)
    facts = [_font_facts(font, fonts) if font else (False, False, DEFAULT_DESCENT) for font in handles.tolist()]
    bold = np.asarray([fact[0] for fact in facts], dtype=bool)[per_object]
    italic = np.asarray([fact[1] for fact in facts], dtype=bool)[per_object]
    descent = np.asarray([fact[2] for fact in facts], dtype=np.float64)[per_object]
    filled = found.filled != 0
    palette, color_index = _palette(found.rgba, filled)
    transparent = filled & (found.rgba[:, 3] == 0)
    for _ in range(rotation // 90):  # the matrix as the page is shown, after /Rotate (clockwise)
        a, b, c, d = b, -a, d, -c
    upright = (np.abs(b) < 1e-6) & (np.abs(c) < 1e-6) & (a * d > 0)
    invisible = transparent
    for mode in INVISIBLE_RENDER_MODES:  # two modes: an equality each costs less than np.isin's sort
        invisible = invisible | (found.render_modes == mode)
    return _Styles(size, descent * size, bold, italic, palette, color_index, upright, found.map_errors != 0, invisible)  # type: ignore[arg-type]


def _palette(rgba: np.ndarray, filled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct fill colours of the page's text objects (None where unread), and each object's among them.

    A page from a browser has a text object per glyph and a handful of colours: a tuple per colour, not per object.
    """
    channels = rgba[:, :3].astype(np.int64)  # each 0-255
    keys = np.where(filled, (channels[:, 0] << 32) | (channels[:, 1] << 16) | channels[:, 2], -1)
    distinct, first, color_index = np.unique(keys, return_index=True, return_inverse=True)
    palette = np.empty(len(distinct), dtype=object)
    shades = (channels[first].astype(np.float64) / 255).tolist()
    for position, (key, shade) in enumerate(zip(distinct.tolist(), shades, strict=True)):
        palette[position] = tuple(shade) if key >= 0 else None
    return palette, color_index.reshape(-1)


def _character(code: int) -> str | None:
    """The text of a character code, or None for codes that stand for no character.

    PDFium reports a missing Unicode mapping with the font's own code, which
    for simple fonts is the intended ASCII character (LaTeX's "+", "#", "§"):
    it is kept, as pdfminer keeps it; control codes and surrogates are not.
    """
    if code == LINE_END_HYPHEN:
        return "-"
    if code in DRAWN_WHITESPACE:
        return " "  # a tab or line break drawn as a glyph (Word spells its space glyph "\t\r \xa0") separates words
    if code < 0x20 or 0xD800 <= code < 0xE000 or code >= 0x110000 or code in (0x7F, 0xFFFD, 0xFFFE, 0xFFFF):
        return None
    return chr(code)


@functools.lru_cache(maxsize=4096)
def _code_text(code: int) -> str | None:
    """A code's text, normalised (presentation forms expanded, invisible characters dropped): the same few recur on every page."""
    text = _character(code)
    return normalise_glyph_text(text) if text is not None and not text.isascii() else text


def _codes(text_page: pdfium.PdfTextPage, textpage: int, count: int) -> list[int]:
    """Every character's code, in one call where PDFium allows it.

    ``FPDFText_GetText`` spells each character as one UTF-16 unit, except
    characters beyond the BMP (then the lengths differ) and the codes it
    blanks to U+FFFE (line-end hyphens among them): those are asked for one by one.
    """
    units = np.zeros(count + 1, dtype=np.uint16)
    written = raw.FPDFText_GetText(text_page, 0, count, units.ctypes.data_as(ctypes.POINTER(ctypes.c_ushort)))
    codes = units[:count].astype(np.int64)
    high, low = (codes >= 0xD800) & (codes < 0xDC00), (codes >= 0xDC00) & (codes < 0xE000)
    if max(0, written - 1) != count or (high[:-1] & low[1:]).any():  # a pair spells one character: positions no longer line up
        return [_get_unicode(textpage, index) for index in range(count)]
    for index in np.flatnonzero((codes == BLANKED) | high | low).tolist():
        codes[index] = _get_unicode(textpage, index)
    return codes.tolist()


def _text_of(code: int, textpage: int, index: int, unmapped_font: bool, spellings: FontSpellings | None) -> tuple[str | None, bool]:
    """A kept character's text (None: unreadable) and whether PDFium had no Unicode mapping for it."""
    text = _code_text(code)
    if code in TEX_LIGATURES and _has_map_error(textpage, index):
        return _unmapped_low_code(code, textpage, index, spellings)
    if text is not None and unmapped_font and _has_map_error(textpage, index):
        return text, True
    return text, False


def _unmapped_low_code(code: int, textpage: int, index: int, spellings: FontSpellings | None) -> tuple[str | None, bool]:
    """A code at one of TeX's ligature positions that PDFium could not map (rare: asked one character at a time).

    The font's own encoding decides where it names the code; otherwise TeX's
    math and symbol fonts hold symbols there and its text fonts ligatures.
    """
    font = _get_font(_get_text_object(textpage, index) or 0)
    name = _font_name(font) if font else ""
    spelled = spellings.spell(name, code) if spellings is not None and name else None
    if spelled is not None:
        return (spelled, False) if spelled != UNSPELLABLE else (None, True)
    if base_font_name(name).casefold().startswith(TEX_SYMBOL_FONTS):
        return None, True
    return TEX_LIGATURES[code], False


def _or_unreadable(text: str | None) -> str:
    return UNREADABLE_GLYPH if text is None else text


def _texts(
    codes: list[int],
    code_array: np.ndarray,
    kept: np.ndarray,
    kept_objects: np.ndarray,
    styles: _Styles,
    unique: np.ndarray,
    textpage: int,
    spellings: FontSpellings | None = None,
) -> tuple[list[str | None], list[int]]:
    """Each kept character's text (None: unreadable) and the positions of those PDFium could not map to Unicode."""
    unmapped_objects = set(unique[styles.unmapped].tolist())
    kept_codes = code_array[kept]
    printable = (kept_codes >= ASCII_FIRST) & (kept_codes <= ASCII_LAST)  # the codes whose text is themselves, the common case
    # Decoded in one call: the other codes stand in as spaces until looked up one by one below.
    texts: list[str | None] = list(np.where(printable, kept_codes, 0x20).astype("<u4").tobytes().decode("utf-32-le"))
    others = ~printable
    if unmapped_objects:
        others |= np.isin(kept_objects, list(unmapped_objects))
    unmapped: list[int] = []
    for position in np.flatnonzero(others).tolist():
        index = int(kept[position])
        texts[position], missing = _text_of(codes[index], textpage, index, int(kept_objects[position]) in unmapped_objects, spellings)
        if missing:
            unmapped.append(position)
    return texts, unmapped


def _join_ligatures(
    texts: list[str | None], rect: np.ndarray, kept_objects: np.ndarray, unmapped: list[int]
) -> tuple[list[str | None], np.ndarray | None, list[int]]:
    """PDFium spells a ligature glyph as several characters sharing its box: they become one glyph.

    Returns the joined texts, the positions kept (None: nothing was joined) and the unmapped positions renumbered.
    """
    same_box = np.zeros(len(texts), dtype=bool)
    same_box[1:] = (rect[1:] == rect[:-1]).all(axis=1) & (kept_objects[1:] == kept_objects[:-1])
    if same_box.any():  # a space never joins a ligature, nor starts one; invisible characters still join
        for position in np.flatnonzero(same_box).tolist():
            here, before = texts[position], texts[position - 1]
            if (here and is_break(here)) or (before and is_break(before)):
                same_box[position] = False
    if not same_box.any():
        return texts, None, unmapped
    for position in np.flatnonzero(same_box).tolist():
        head = position - 1
        while same_box[head]:
            head -= 1
        texts[head] = _or_unreadable(texts[head]) + _or_unreadable(texts[position])
    keep = np.flatnonzero(~same_box)
    renumber = np.cumsum(~same_box) - 1
    return list(map(texts.__getitem__, keep.tolist())), keep, sorted(set(renumber[unmapped].tolist())) if unmapped else []


def _objects_and_boxes(textpage: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Each character's text object (0: none, a generated character) and loose box (left, top, right, bottom).

    The compiled loop when it was built (``_glyphs.c``), else the same two calls per character through ctypes.
    """
    objects = np.zeros(count, dtype=np.uint64)
    boxes = np.zeros(4 * count, dtype=np.float32)
    if _compiled is not None:
        _compiled.read_chars(textpage, count, _TEXT_OBJECT_ADDRESS, _LOOSE_BOX_ADDRESS, objects, boxes)
        return objects, boxes
    get_object, get_box = _get_text_object, _get_loose_box_at
    objects[:] = [get_object(textpage, index) or 0 for index in range(count)]
    base = boxes.ctypes.data
    for index in range(count):
        get_box(textpage, index, base + 16 * index)
    return objects, boxes


def _glyph_arrays(
    text_page: pdfium.PdfTextPage, transform: _Transform, scene: _Scene | None = None, spellings: FontSpellings | None = None
) -> tuple[GlyphArrays, int]:
    """Every drawn character of the page in content-stream order, as columns, and how many have no Unicode mapping.

    The hot path of the whole pipeline: two calls into PDFium per character,
    six per text object (its style) and one per baseline (its origin), all
    made in C where built; everything else is done once per text object or
    with numpy over the page.
    """
    count = raw.FPDFText_CountChars(text_page)
    textpage = ctypes.cast(text_page.raw, _VOID).value
    if count <= 0:
        return GlyphArrays.from_glyphs([]), 0
    codes = _codes(text_page, textpage, count)
    object_array, boxes = _objects_and_boxes(textpage, count)
    code_array = np.asarray(codes, dtype=np.int64)
    private = ((code_array >= PRIVATE_USE_START) & (code_array <= PRIVATE_USE_END)) | (code_array >= SUPPLEMENTARY_PRIVATE_USE)
    kept = np.flatnonzero((object_array != 0) & ~private)  # generated line breaks have no object; icon glyphs are dropped
    rect = boxes.reshape(count, 4)[kept].astype(np.float64)  # left, top, right, bottom
    kept_objects = object_array[kept]
    # One style per text object, read at its first character.
    unique, first_seen, inverse = np.unique(kept_objects, return_index=True, return_inverse=True)
    fonts: dict[int, tuple[bool, bool, float]] = {}
    styles = _styles(_raw_styles(textpage, kept[first_seen], unique), fonts, transform.rotation)
    texts, unmapped = _texts(codes, code_array, kept, kept_objects, styles, unique, textpage, spellings)
    texts, keep, unmapped = _join_ligatures(texts, rect, kept_objects, unmapped)
    if keep is not None:
        rect, inverse, kept = rect[keep], inverse[keep], kept[keep]
    generated_spaces = np.cumsum((object_array == 0) & (code_array == 0x20))
    spaced = np.zeros(len(kept), dtype=bool)
    spaced[1:] = generated_spaces[kept[1:]] > generated_spaces[kept[:-1]]
    unreadable = texts.count(None)
    final = [_or_unreadable(t) for t in texts] if unreadable else texts
    if unmapped and len(unmapped) * 2 >= len(final):
        # Most of the page has no Unicode map (a CID font without ToUnicode):
        # the codes are glyph ids, not text, as pdfminer's "(cid:N)" says.
        for position in unmapped:
            final[position] = UNREADABLE_GLYPH
        unreadable += len(unmapped)
    glyphs = _placed(final, rect, inverse, kept, styles, textpage, transform)
    glyphs.spaced = spaced
    if scene is not None:
        glyphs.concealed = _concealed(glyphs, styles, inverse, unique, scene)
    return glyphs, unreadable


def _inside(glyphs: GlyphArrays, boxes: list[Box]) -> np.ndarray:
    """(glyphs x boxes): does each box hold each glyph's centre?"""
    return holding((glyphs.x0 + glyphs.x1) / 2, (glyphs.top + glyphs.bottom) / 2, boxes)


#: How far (points) a glyph may stand outside its clip and still show: clips are often the text's own tight box.
CLIP_TOLERANCE = 1.0


def _clipped(glyphs: GlyphArrays, inverse: np.ndarray, unique: np.ndarray, clips: dict[int, Box]) -> np.ndarray:
    """Glyphs that the clip their text object is painted through cuts away by more than three quarters.

    Only the glyph's middle half is tested: a browser clips text that
    overflows its box, and a last letter cut through ("Scienc|e") still
    reads, while text clipped away to smuggle keywords is nowhere near the clip.
    """
    nan = (math.nan,) * 4
    bounds = np.asarray([(b.x0, b.top, b.x1, b.bottom) if (b := clips.get(int(obj))) else nan for obj in unique.tolist()], dtype=np.float64)[inverse]
    quarter_w, quarter_h = (glyphs.x1 - glyphs.x0) / 4, (glyphs.bottom - glyphs.top) / 4
    left, right, top, bottom = glyphs.x0 + quarter_w, glyphs.x1 - quarter_w, glyphs.top + quarter_h, glyphs.bottom - quarter_h
    with np.errstate(invalid="ignore"):
        outside = (
            (right < bounds[:, 0] - CLIP_TOLERANCE)
            | (left > bounds[:, 2] + CLIP_TOLERANCE)
            | (bottom < bounds[:, 1] - CLIP_TOLERANCE)
            | (top > bounds[:, 3] + CLIP_TOLERANCE)
        )
    return outside & ~np.isnan(bounds[:, 0])


def _concealed(glyphs: GlyphArrays, styles: _Styles, inverse: np.ndarray, unique: np.ndarray, scene: _Scene) -> np.ndarray:
    """Glyphs no reader can see: drawn invisibly (unless something visible stands in for them) or painted over by an opaque rect.

    Painting order decides "over": a sidebar's background is painted before
    its text, a box that hides keywords after them.
    """
    concealed = styles.invisible[inverse]
    if concealed.any():
        # Invisible text over an image is a scan's OCR layer; under short filled shapes, the outlines of glyphs printed as paths.
        ink = [fill.box for fill in scene.fills if fill.color is not None]
        short = np.asarray([box.height for box in ink], dtype=np.float64)[None, :] <= INK_EM * glyphs.size[:, None] if ink else None
        under_ink = (_inside(glyphs, ink) & short).any(axis=1) if ink else np.zeros(len(glyphs.text), dtype=bool)
        concealed &= ~(_inside(glyphs, scene.images).any(axis=1) | under_ink)
    if scene.clips:
        concealed |= _clipped(glyphs, inverse, unique, scene.clips)
    covering = [i for i, opaque in enumerate(scene.opaque) if opaque]
    if covering:
        order = _painting_order(scene.text_order, unique)[inverse]
        later = np.asarray([scene.rect_order[i] for i in covering])[None, :] > order[:, None]
        concealed |= (_inside(glyphs, [scene.rects[i].box for i in covering]) & later).any(axis=1)
    return concealed


def _painting_order(text_order: dict[int, int], objects: np.ndarray) -> np.ndarray:
    """Each listed text object's painting position (-1 where the walk did not meet it)."""
    addresses = np.fromiter(text_order.keys(), dtype=np.uint64, count=len(text_order))
    positions = np.fromiter(text_order.values(), dtype=np.int64, count=len(text_order))
    if not len(addresses):
        return np.full(len(objects), -1, dtype=np.int64)
    by_address = np.argsort(addresses)
    addresses, positions = addresses[by_address], positions[by_address]
    at = np.minimum(np.searchsorted(addresses, objects), len(addresses) - 1)
    return np.where(addresses[at] == objects, positions[at], -1)


def _baselines(textpage: int, indices: np.ndarray) -> np.ndarray:
    """Each listed character's origin height (page space, bottom up): in C when built, else one ctypes call each."""
    if _read_origins is not None:
        xs, ys = np.zeros(len(indices), dtype=np.float64), np.zeros(len(indices), dtype=np.float64)
        _read_origins(textpage, _ORIGIN_ADDRESS, np.ascontiguousarray(indices, dtype=np.int64), xs, ys)
        return ys
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    baselines = np.empty(len(indices), dtype=np.float64)
    for number, index in enumerate(indices.tolist()):
        _get_origin(textpage, index, ctypes.byref(origin_x), ctypes.byref(origin_y))
        baselines[number] = origin_y.value
    return baselines


def _placed(
    texts: list[str], rect: np.ndarray, inverse: np.ndarray, kept: np.ndarray, styles: _Styles, textpage: int, transform: _Transform
) -> GlyphArrays:
    """The glyphs' boxes in pdfplumber's page space, with pdfminer's baseline geometry where the text is upright."""
    size = styles.size[inverse]
    upright = styles.upright[inverse]
    left, top, right, bottom = rect[:, 0], rect[:, 1], rect[:, 2], rect[:, 3]
    # Everywhere: the loose box, turned into page space (the only way for vertical or rotated text).
    corners = transform.points(left, bottom), transform.points(right, top)
    gx0, gx1 = np.minimum(corners[0][0], corners[1][0]), np.maximum(corners[0][0], corners[1][0])
    gtop, gbottom = np.minimum(corners[0][1], corners[1][1]), np.maximum(corners[0][1], corners[1][1])
    if transform.rotation == 0 and upright.any():
        # Upright text: a box ``size`` high above the font's descent line, as pdfminer draws it.
        # One text object shares one baseline, so its origin is asked for once per object and box bottom.
        descent = styles.descent[inverse]
        change = np.ones(len(texts), dtype=bool)
        change[1:] = (inverse[1:] != inverse[:-1]) | (bottom[1:] != bottom[:-1])
        starts = np.flatnonzero(change & upright)
        baselines = _baselines(textpage, kept[starts])
        run = np.cumsum(change & upright) - 1
        glyph_bottom = transform.height - (baselines[np.clip(run, 0, None)] + descent - transform.bottom) if len(starts) else gbottom
        gx0 = np.where(upright, left - transform.left, gx0)
        gx1 = np.where(upright, right - transform.left, gx1)
        gbottom = np.where(upright, glyph_bottom, gbottom)
        gtop = np.where(upright, glyph_bottom - size, gtop)
    return GlyphArrays(
        text=texts,
        x0=gx0,
        top=gtop,
        x1=gx1,
        bottom=gbottom,
        size=size,
        bold=styles.bold[inverse],
        italic=styles.italic[inverse],
        upright=upright,
        color=styles.palette[styles.color_index[inverse]],
    )


def _uri(document: pdfium.PdfDocument, action: object) -> str:
    length = raw.FPDFAction_GetURIPath(document, action, None, 0)
    if length <= 1:
        return ""
    buffer = ctypes.create_string_buffer(length)
    raw.FPDFAction_GetURIPath(document, action, buffer, length)
    return buffer.value.decode("latin-1", "replace")


def _links(document: pdfium.PdfDocument, page: pdfium.PdfPage, transform: _Transform) -> tuple[PageLink, ...]:
    links = []
    position = ctypes.c_int(0)
    link = raw.FPDF_LINK()
    while raw.FPDFLink_Enumerate(page, ctypes.byref(position), ctypes.byref(link)):
        action = raw.FPDFLink_GetAction(link)
        if not action or raw.FPDFAction_GetType(action) != raw.PDFACTION_URI:
            continue
        uri = _uri(document, action)
        area = raw.FS_RECTF()
        if uri and raw.FPDFLink_GetAnnotRect(link, ctypes.byref(area)):
            x0, top, x1, bottom = transform.box(area.left, area.bottom, area.right, area.top)
            links.append(PageLink(uri=uri, box=Box(x0=x0, top=top, x1=x1, bottom=bottom)))
    return tuple(links)


def _path_facts(path: object) -> tuple[int, tuple[float, float, float, float], tuple[int, int, int, int]]:
    """The ctypes twin of the compiled ``read_paths`` for one path: its PATH_* bits, bounds and fill colour."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    nothing = (0.0, 0.0, 0.0, 0.0)
    if not raw.FPDFPath_GetDrawMode(path, ctypes.byref(fill_mode), ctypes.byref(stroke)) or not fill_mode.value:
        return 0, nothing, (0, 0, 0, 0)
    facts = PATH_FILLED
    bounds = _user_bounds(path)
    if bounds is not None:
        facts |= PATH_BOUNDED
    rgba = (0, 0, 0, 0)
    if _get_fill(path, *_RGBA_REFS):
        facts |= PATH_COLORED
        red, green, blue, alpha = (cell.value for cell in _RGBA)
        rgba = (red, green, blue, alpha)
    segments = raw.FPDFPath_CountSegments(path)
    if segments in (4, 5) and all(raw.FPDFPathSegment_GetType(raw.FPDFPath_GetPathSegment(path, i)) != raw.FPDF_SEGMENT_BEZIERTO for i in range(segments)):
        facts |= PATH_RECTANGLE
    return facts, bounds or nothing, rgba


def _user_bounds(obj: object) -> tuple[float, float, float, float] | None:
    """A page object's bounds in user space (left, bottom, right, top), or None where PDFium has none."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not raw.FPDFPageObj_GetBounds(obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)):
        return None
    return left.value, bottom.value, right.value, top.value


def _page_box(bounds: tuple[float, float, float, float], transform: _Transform) -> Box:
    x0, top, x1, bottom = transform.box(*bounds)
    return Box(x0=x0, top=top, x1=x1, bottom=bottom)


def _bounds(obj: object, transform: _Transform) -> Box | None:
    bounds = _user_bounds(obj)
    return None if bounds is None else _page_box(bounds, transform)


def _clip_bounds(obj: object, transform: _Transform) -> Box | None:
    """The box a page object's clip paths leave visible (their bounds, intersected), or None when it is not clipped."""
    clip = _get_clip(obj)
    if not clip:
        return None
    paths = _count_clip_paths(clip)
    if paths <= 0:
        return None
    left, bottom, right, top = -math.inf, -math.inf, math.inf, math.inf
    for path in range(paths):
        xs, ys = [], []
        for index in range(_count_clip_segments(clip, path)):
            if _get_point(_get_clip_segment(clip, path, index), _POINT_REFS[0], _POINT_REFS[1]):
                xs.append(_POINT[0].value)
                ys.append(_POINT[1].value)
        if xs:
            left, bottom, right, top = max(left, min(xs)), max(bottom, min(ys)), min(right, max(xs)), min(top, max(ys))
    if math.isinf(left) or math.isinf(right):
        return None
    return _clip_box(left, bottom, right, top, transform)


def _clip_box(left: float, bottom: float, right: float, top: float, transform: _Transform) -> Box:
    return _page_box((left, bottom, max(left, right), max(bottom, top)), transform)


class _Paint(NamedTuple):
    """A filled path that paints something: its bounds in user space, fill colour (None: unknown) and alpha, and shape."""

    bounds: tuple[float, float, float, float]
    color: tuple[float, float, float] | None
    alpha: int
    rectangle: bool


def _paint(facts: int, bounds: tuple[float, float, float, float], rgba: tuple[int, int, int, int]) -> _Paint | None:
    """What a path paints, or None for a stroke, a path without bounds or a fill of alpha 0."""
    if facts & (PATH_FILLED | PATH_BOUNDED) != PATH_FILLED | PATH_BOUNDED:
        return None
    if not facts & PATH_COLORED:
        return _Paint(bounds, None, 0, bool(facts & PATH_RECTANGLE))
    if rgba[3] == 0:
        return None
    return _Paint(bounds, (rgba[0] / 255, rgba[1] / 255, rgba[2] / 255), rgba[3], bool(facts & PATH_RECTANGLE))


class _Objects(NamedTuple):
    """One content level's objects in painting order: type and address of each, and by position the clips of its text and its paints."""

    kinds: list[int]
    addresses: list[int]
    clips: dict[int, Box]
    paints: dict[int, _Paint]


def _listed_in_c(page: object, count: int, transform: _Transform) -> _Objects:
    """A page's own objects, read in C: a browser-made page has a text object per glyph, and most paths are strokes."""
    handles, kinds = np.zeros(count, dtype=np.uint64), np.zeros(count, dtype=np.int32)
    clips, clipped = np.zeros((count, 4), dtype=np.float64), np.zeros(count, dtype=np.int32)
    _read_objects(ctypes.cast(page, _VOID).value, *_OBJECT_ADDRESSES, raw.FPDF_PAGEOBJ_TEXT, handles, kinds, clips, clipped)
    paths = np.flatnonzero(kinds == raw.FPDF_PAGEOBJ_PATH)
    facts, bounds, colors = np.zeros(len(paths), dtype=np.int32), np.zeros((len(paths), 4), dtype=np.float32), np.zeros((len(paths), 4), dtype=np.uint32)
    _read_paths(*_PATH_ADDRESSES, raw.FPDF_SEGMENT_BEZIERTO, np.ascontiguousarray(handles[paths]), facts, bounds, colors)
    filled = np.flatnonzero(facts & PATH_FILLED)
    paints = {}
    for row, fact, box, rgba in zip(paths[filled].tolist(), facts[filled].tolist(), bounds[filled].tolist(), colors[filled].tolist(), strict=True):
        if (paint := _paint(fact, tuple(box), tuple(rgba))) is not None:
            paints[row] = paint
    boxes = {row: _clip_box(*clips[row].tolist(), transform) for row in np.flatnonzero(clipped).tolist()}
    return _Objects(kinds.tolist(), handles.tolist(), boxes, paints)


def _listed_one_by_one(parent: object, count: int, get: object, transform: _Transform, top_level: bool) -> _Objects:
    """The same through ctypes, one call at a time: a form's objects, or a page where the C reader was not built."""
    listed = _Objects([], [], {}, {})
    for index in range(count):
        obj = get(parent, index)  # type: ignore[operator]
        kind = raw.FPDFPageObj_GetType(obj)
        address = ctypes.cast(obj, _VOID).value or 0
        listed.kinds.append(kind)
        listed.addresses.append(address)
        if kind == raw.FPDF_PAGEOBJ_TEXT and top_level and (clip := _clip_bounds(address, transform)) is not None:
            listed.clips[index] = clip
        elif kind == raw.FPDF_PAGEOBJ_PATH and (paint := _paint(*_path_facts(obj))) is not None:
            listed.paints[index] = paint
    return listed


def _walk_objects(parent: object, count: int, get: object, scene: _Scene, transform: _Transform, top_level: bool = True) -> None:
    """Collect filled rectangles, images, clips and the painting order of text in these objects and the forms they contain.

    Clips are read for the page's own text objects only: inside a form they are in the form's space.
    """
    compiled = top_level and count > 0 and _read_objects is not None and _read_paths is not None
    listed = _listed_in_c(parent, count, transform) if compiled else _listed_one_by_one(parent, count, get, transform, top_level)
    text, path, image, form = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM
    for index, (kind, address) in enumerate(zip(listed.kinds, listed.addresses, strict=True)):
        if kind == text:
            scene.text_order[address] = scene.painted()
            if (clip := listed.clips.get(index)) is not None:
                scene.clips[address] = clip
        elif kind == path:
            if (paint := listed.paints.get(index)) is not None:
                _add_paint(scene, paint, transform)
        elif kind == image:
            box = _bounds(ctypes.cast(address, raw.FPDF_PAGEOBJECT), transform)
            scene.images.append(box or Box(x0=0, top=0, x1=0, bottom=0))
        elif kind == form:
            obj = ctypes.cast(address, raw.FPDF_PAGEOBJECT)
            _walk_objects(obj, raw.FPDFFormObj_CountObjects(obj), raw.FPDFFormObj_GetObject, scene, transform, top_level=False)


def _add_paint(scene: _Scene, paint: _Paint, transform: _Transform) -> None:
    """A fill (a see-through one with its colour unknown) and, where it is a rectangle, a rect at its painting position."""
    position = scene.painted()
    box = _page_box(paint.bounds, transform)
    opaque = paint.color is not None and paint.alpha >= OPAQUE_ALPHA
    scene.fills.append(FilledRect(box=box, color=paint.color if opaque else None, rectangle=paint.rectangle))
    if paint.rectangle:
        scene.rects.append(FilledRect(box=box, color=paint.color))
        scene.rect_order.append(position)
        scene.opaque.append(opaque)


def _transform(page: pdfium.PdfPage) -> _Transform:
    left, bottom, right, top = page.get_bbox()
    return _Transform(left, bottom, right - left, top - bottom, page.get_rotation() % 360)


def producer(document: pdfium.PdfDocument) -> str:
    """The tools a PDF names as its makers (Producer and Creator): "pdfTeX-1.40.22 LaTeX with hyperref"."""
    return " ".join(document.get_metadata_value(key) for key in ("Producer", "Creator"))


def page_words(
    document: pdfium.PdfDocument, page: pdfium.PdfPage, number: int, made_by: str = "", spellings: FontSpellings | None = None
) -> PageWords:
    """Read one PDFium page into the engine-neutral model; ``spellings`` reads the document's own glyph names where PDFium has none."""
    transform = _transform(page)
    scene = _Scene([], [], [], [], {}, [], {})
    _walk_objects(page.raw, raw.FPDFPage_CountObjects(page), raw.FPDFPage_GetObject, scene, transform)
    textpage = page.get_textpage()
    try:
        glyphs, unreadable = _glyph_arrays(textpage, transform, scene, spellings)
    finally:
        textpage.close()
    width, height = transform.size
    return PageWords.model_construct(
        number=number,
        width=width,
        height=height,
        words=tuple(assemble_arrays(glyphs, number)),
        links=_links(document, page, transform),
        rects=tuple(scene.rects),
        fills=tuple(scene.fills),
        images=tuple(scene.images),
        image_count=len(scene.images),
        char_count=len(glyphs.text),
        unreadable_chars=unreadable,
        producer=made_by,
    )


#: PDFium is not thread-safe, not even across documents: one call at a time per process. A worker with several
#: threads (a Dask worker's, a notebook's pool) reads a page at a time; a process of one thread never waits.
PDFIUM_CALLS = threading.RLock()


def iter_pages(path: Path, max_pages: int) -> Iterator[PageWords]:
    with PDFIUM_CALLS:
        document = open_pdf(path)
        pages = min(len(document), max_pages)
        made_by = producer(document)
    spellings = FontSpellings(path)
    try:
        for index in range(pages):
            with PDFIUM_CALLS:
                page = document[index]
                try:
                    words = page_words(document, page, index + 1, made_by, spellings)
                finally:
                    page.close()
            yield words
    finally:
        with PDFIUM_CALLS:
            document.close()
