"""What a PDF's own fonts call their glyphs, for the low codes PDFium cannot spell.

A simple font's ``/Encoding /Differences`` names the glyph at each code.
PDFium maps the names it knows and reports the rest as unmapped, and the
PDFium engine then reads a code below 0x20 as TeX's ligature at that code.
That guess is wrong for a font whose encoding puts other glyphs there: fonts
installed by autoinst name their ligatures "f_i" and "f_l" and place them at
27 and 30, where TeX's T1 encoding has "ff" and "ffi", so "flexible" read as
"ffiexible". The names, spelled by the Adobe Glyph List's rules (pdfminer's,
as the pdfplumber engine spells them), are the only reliable reading.

They are read once per document, and only when PDFium first meets such a
code, with pdfminer, which is installed with pdfplumber: PDFium's API does
not show a font's dictionary.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from screener.ingest.glyphs import base_font_name, normalise_glyph_text

#: A code the font names with a glyph name no rule can spell: a symbol, never a ligature.
UNSPELLABLE = ""
#: Objects looked at before giving up (a resume has a few hundred; a hostile file may claim millions).
MAX_OBJECTS = 20_000
#: References followed from one value (a hostile file's object may name itself).
MAX_HOPS = 16


class FontSpellings:
    """One document's named low codes: base font name -> code -> text (:data:`UNSPELLABLE` for a name no rule spells)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._names: dict[str, dict[int, str]] | None = None

    def spell(self, font_name: str, code: int) -> str | None:
        """What the font's own encoding says ``code`` is; None where it does not name it."""
        if self._names is None:
            self._names = named_low_codes(self._path)
        return self._names.get(base_font_name(font_name), {}).get(code)


def named_low_codes(path: Path) -> dict[str, dict[int, str]]:
    """The codes below 0x20 that each simple font of ``path`` names in its /Differences, spelled.

    A font name that two font objects spell differently at one code is
    ambiguous there and left out. A file pdfminer cannot read gives nothing,
    and the engine keeps its own reading: this is a refinement of a page
    already read, never a reason to fail one.
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    spelled: dict[str, dict[int, str]] = {}
    ambiguous: set[tuple[str, int]] = set()
    try:
        with path.open("rb") as handle:
            document = PDFDocument(PDFParser(handle))
            ids = (objid for xref in document.xrefs for objid in xref.get_objids())
            for objid in itertools.islice(ids, MAX_OBJECTS):
                try:
                    font = _simple_font(_resolved(document.getobj(objid)))
                except Exception:  # noqa: BLE001 - pdfminer raises many kinds on a damaged object; the others still count
                    continue
                if font is not None:
                    _add(spelled, ambiguous, *font)
    except Exception:  # noqa: BLE001 - a file pdfminer cannot open at all: PDFium's reading stands
        return {}
    for name, code in ambiguous:
        spelled[name].pop(code, None)
    return spelled


def _add(spelled: dict[str, dict[int, str]], ambiguous: set[tuple[str, int]], name: str, codes: dict[int, str]) -> None:
    known = spelled.setdefault(name, {})
    for code, text in codes.items():
        if known.get(code, text) != text:
            ambiguous.add((name, code))
        known[code] = text


def _resolved(value: object) -> object:
    """``value`` with its references followed, at most :data:`MAX_HOPS` of them (pdfminer's resolve1 has no bound)."""
    from pdfminer.pdftypes import PDFObjRef

    for _ in range(MAX_HOPS):
        if not isinstance(value, PDFObjRef):
            return value
        value = value.resolve()
    return None


def _simple_font(obj: object) -> tuple[str, dict[int, str]] | None:
    """(base font name, its named low codes) of a font dictionary with /Differences, else None."""
    if not isinstance(obj, dict) or _literal(obj.get("Type")) != "Font":
        return None
    encoding = _resolved(obj.get("Encoding"))
    differences = _resolved(encoding.get("Differences")) if isinstance(encoding, dict) else None
    base = _literal(obj.get("BaseFont"))
    if not isinstance(differences, list) or base is None:
        return None
    return base_font_name(base), _low_codes(differences)


def _low_codes(differences: list[object]) -> dict[int, str]:
    """A /Differences array's names for the codes below 0x20: a number sets the code, each name takes the next one."""
    from pdfminer.encodingdb import name2unicode

    codes: dict[int, str] = {}
    code = 0
    for item in map(_resolved, differences):
        if isinstance(item, int):
            code = item
            continue
        name = _literal(item)
        if name is not None and 0 <= code < 0x20:
            try:
                codes[code] = normalise_glyph_text(name2unicode(name))  # "fi" is U+FB01, "f_i" two letters
            except (KeyError, ValueError):  # pdfminer's PDFKeyError is a KeyError
                codes[code] = UNSPELLABLE
        code += 1
    return codes


def _literal(value: object) -> str | None:
    """A PDF name's text (pdfminer's PSLiteral), else None."""
    from pdfminer.psparser import PSLiteral

    value = _resolved(value)
    if not isinstance(value, PSLiteral):
        return None
    name = value.name
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)
