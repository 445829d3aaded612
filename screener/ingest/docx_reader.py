"""DOCX resumes to reader-neutral lines, with python-docx.

Word says what is a heading (the "Title" and "Heading N" styles, or an
outline level) and what is a list item (the list styles, or numbering), so
those come from the styles rather than from typography. The body is read in
document order: paragraphs, tables (row by row, cell by cell; a row of
single-line cells becomes one line with the cells tab-separated, as a title
and its right-aligned date are printed), content controls and text boxes.
Headers, footers and comments are not read. Runs a reader cannot see — marked
hidden (``w:vanish``), white without a shading behind them, or 2 pt and smaller —
are left out and reported, as hidden text is in PDFs.

The file is checked before python-docx opens it: size, an encrypted Office
container (OLE, not a zip), and the expanded size of the zip (a zip bomb).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from screener.document import Status
from screener.errors import DocumentError
from screener.ingest.hidden import MIN_CONTRAST, REASONS, TINY_SIZE, WHITE, contrast
from screener.ingest.text_reader import MAX_BYTES, format_size, read_bytes
from screener.ingest.words import RGB
from screener.structure.source import CELL_SEPARATOR, SourceLine

#: The zip may expand to at most this many bytes in all.
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
#: No member may expand more than this many times its compressed size ...
MAX_COMPRESSION_RATIO = 200
#: ... once it expands to at least this much (small members compress wildly and harmlessly).
RATIO_CHECK_MIN_BYTES = 1024 * 1024
#: Members are inflated this many bytes at a time when their declared size is checked.
INFLATE_CHUNK = 1024 * 1024
#: A zip member's local header: signature, then fixed fields up to the name and extra lengths.
LOCAL_HEADER = struct.Struct("<4s22xHH")
LOCAL_SIGNATURE = b"PK\x03\x04"
#: How deep styles may inherit (``w:basedOn``) before a chain is taken for a loop.
MAX_STYLE_DEPTH = 16

#: An OLE compound file: how Office stores an encrypted DOCX (and a legacy .doc).
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MC_FALLBACK = f"{{{MC_NS}}}Fallback"

HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
LIST_STYLE = re.compile(r"^list\s*(?:bullet|number|paragraph)(?:\s*\d)?$", re.IGNORECASE)

W_P, W_TBL, W_TR, W_TC, W_R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
W_SDT, W_SDT_CONTENT, W_CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
W_TXBX_CONTENT, W_HYPERLINK = qn("w:txbxContent"), qn("w:hyperlink")
W_VAL = qn("w:val")
W_STYLE, W_STYLE_ID, W_DEFAULT, W_TYPE = qn("w:style"), qn("w:styleId"), qn("w:default"), qn("w:type")
W_NAME, W_BASED_ON, W_RPR, W_PPR, W_BOLD, W_SIZE = qn("w:name"), qn("w:basedOn"), qn("w:rPr"), qn("w:pPr"), qn("w:b"), qn("w:sz")
W_OUTLINE_LEVEL, W_HIGHLIGHT, W_SHADING, W_FILL = qn("w:outlineLvl"), qn("w:highlight"), qn("w:shd"), qn("w:fill")
W_VANISH, W_COLOR, W_PARAGRAPH_STYLE, W_RUN_STYLE = qn("w:vanish"), qn("w:color"), qn("w:pStyle"), qn("w:rStyle")
W_NUMBERING_ID = f"{qn('w:numPr')}/{qn('w:numId')}"
W_RUN_DEFAULTS = f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{W_RPR}"
#: Run containers whose text is not part of the paragraph's own text.
NOT_PARAGRAPH_TEXT = frozenset({W_TXBX_CONTENT, MC_FALLBACK, qn("w:del"), qn("w:moveFrom")})
#: Elements that only wrap block content (paragraphs, tables, rows, cells).
BLOCK_WRAPPERS = frozenset({W_SDT, W_SDT_CONTENT, W_CUSTOM_XML})


# -- checks before python-docx opens the file ---------------------------------


def check_container(data: bytes, *, max_expanded: int = MAX_EXPANDED_BYTES, max_ratio: float = MAX_COMPRESSION_RATIO) -> None:
    """Refuse what is not a DOCX, is encrypted, or would expand into a zip bomb."""
    if not data:
        raise DocumentError(Status.CORRUPT, "not a valid DOCX file (the file is empty)")
    if data.startswith(OLE_SIGNATURE):
        if "EncryptionInfo".encode("utf-16-le") not in data and "WordDocument".encode("utf-16-le") in data:
            raise DocumentError(Status.UNSUPPORTED, "a legacy Word .doc file, not DOCX; save it as .docx")
        raise DocumentError(Status.ENCRYPTED, "the DOCX is password-protected")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise DocumentError(Status.CORRUPT, f"not a valid DOCX file ({_zip_reason(exc)})") from None
    total = sum(m.file_size for m in members)
    if total > max_expanded:
        raise DocumentError(Status.ERROR, f"the DOCX expands to {format_size(total)}, over the {format_size(max_expanded, limit=True)} limit (zip bomb?)")
    for member in members:
        if member.file_size >= RATIO_CHECK_MIN_BYTES and member.file_size > max_ratio * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            raise DocumentError(
                Status.ERROR,
                f"the DOCX expands to {format_size(total)}; {_member_name(member)} is compressed {ratio:.0f}:1, over {max_ratio:g}:1 (zip bomb?)",
            )
    if "word/document.xml" not in {m.filename for m in members}:
        raise DocumentError(Status.CORRUPT, "not a valid DOCX file (a zip archive without word/document.xml)")
    for member in members:
        _check_declared_size(data, member)


def _check_declared_size(data: bytes, member: zipfile.ZipInfo) -> None:
    """Refuse a member that inflates to more than its headers declare.

    The checks above trust the declared sizes, and so does ``zipfile`` when it
    stops reading, but one ``read()`` of a member inflates up to 2 GB before
    cutting it to the declared size: a member that declares 4 KB and inflates
    to gigabytes would take the reader's memory and time. Each member is
    inflated here a megabyte at a time, stopping as soon as it passes its
    declared size; Word writes only stored and deflated members.
    """
    if member.is_dir() or member.compress_size == 0:
        return
    try:
        signature, name_length, extra_length = LOCAL_HEADER.unpack_from(data, member.header_offset)
    except struct.error:
        signature = b""
    if signature != LOCAL_SIGNATURE:
        raise DocumentError(Status.CORRUPT, f"not a valid DOCX file (a damaged zip entry: {_member_name(member)})")
    start = member.header_offset + LOCAL_HEADER.size + name_length + extra_length
    raw = data[start : start + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        inflated = len(raw)
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        inflated, inflater, pending = 0, zlib.decompressobj(-zlib.MAX_WBITS), raw
        try:
            while pending and not inflater.eof and inflated <= member.file_size:
                inflated += len(inflater.decompress(pending, INFLATE_CHUNK))
                pending = inflater.unconsumed_tail
        except zlib.error:
            raise DocumentError(Status.CORRUPT, f"not a valid DOCX file (damaged compressed data in {_member_name(member)})") from None
    else:
        raise DocumentError(Status.CORRUPT, f"not a valid DOCX file ({_member_name(member)} uses a compression Word does not write)")
    if inflated > member.file_size:
        raise DocumentError(
            Status.ERROR,
            f"the DOCX member {_member_name(member)} declares {format_size(member.file_size)} but expands to more (zip bomb?)",
        )


def _member_name(member: zipfile.ZipInfo) -> str:
    """A member's name for a one-line message: printable, and short."""
    name = "".join(ch if ch.isprintable() else "?" for ch in member.filename)
    return name if len(name) <= 60 else name[:59] + "…"


def _zip_reason(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return "not a zip archive"
    return str(exc) or type(exc).__name__


def _open(path: Path, max_bytes: int) -> docx.document.Document:
    data = read_bytes(path, max_bytes)
    check_container(data)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors ... for a broken package
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise DocumentError(Status.CORRUPT, f"not a valid DOCX file ({detail})") from None


# -- styles -------------------------------------------------------------------


def _on_off(element) -> bool | None:  # type: ignore[no-untyped-def]
    """A WordprocessingML on/off property: absent None, ``<w:b/>`` True, ``w:val="0"`` False."""
    if element is None:
        return None
    return element.get(W_VAL, "true").casefold() not in ("0", "false", "off", "none")


def _half_points(element) -> float | None:  # type: ignore[no-untyped-def]
    if element is None:
        return None
    try:
        return int(element.get(W_VAL, "")) / 2
    except ValueError:
        return None


def _numbered(ppr) -> bool | None:  # type: ignore[no-untyped-def]
    """Whether paragraph properties turn numbering on (True), off (False, numId 0), or say nothing."""
    if ppr is None:
        return None
    num_id = ppr.find(W_NUMBERING_ID)
    if num_id is None:  # no numbering, or only a level (the default "Subtitle" style has one)
        return None
    return num_id.get(W_VAL, "0") != "0"


def _outline_level(ppr) -> int | None:  # type: ignore[no-untyped-def]
    if ppr is None:
        return None
    level = ppr.find(W_OUTLINE_LEVEL)
    if level is None:
        return None
    try:
        value = int(level.get(W_VAL, "9"))
    except ValueError:
        return None
    return value + 1 if 0 <= value < 9 else None


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    bold: bool | None
    size: float | None
    numbered: bool | None
    outline: int | None


def _read_style(style_id: str, element) -> _Style:  # type: ignore[no-untyped-def]
    name = element.find(W_NAME)
    based = element.find(W_BASED_ON)
    rpr = element.find(W_RPR)
    ppr = element.find(W_PPR)
    return _Style(
        name=(name.get(W_VAL, "") if name is not None else style_id),
        based_on=based.get(W_VAL) if based is not None else None,
        bold=_on_off(rpr.find(W_BOLD)) if rpr is not None else None,
        size=_half_points(rpr.find(W_SIZE)) if rpr is not None else None,
        numbered=_numbered(ppr),
        outline=_outline_level(ppr),
    )


class _Styles:
    """The style sheet, with inheritance resolved on demand.

    A style is read when a paragraph or run first names it (or a style based on
    it): Word's and python-docx's templates define some 160 styles, and a
    resume uses a handful, so reading all of them cost more than the rest of
    the style work together.
    """

    def __init__(self, document: docx.document.Document) -> None:
        root = document.styles.element
        self._elements: dict[str, object] = {}
        self._read: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self.default_character: str | None = None
        for element in root.iterfind(W_STYLE):
            style_id = element.get(W_STYLE_ID)
            if not style_id:
                continue
            self._elements[style_id] = element  # a repeated id: the last one counts
            if element.get(W_DEFAULT, "0").casefold() in ("1", "true", "on"):
                kind = element.get(W_TYPE)
                if kind == "paragraph":
                    self.default_paragraph = style_id
                elif kind == "character":
                    self.default_character = style_id
        defaults = root.find(W_RUN_DEFAULTS)
        self.default_bold = bool(_on_off(defaults.find(W_BOLD))) if defaults is not None else False
        self.default_size = (_half_points(defaults.find(W_SIZE)) if defaults is not None else None) or 0.0

    def _style(self, style_id: str) -> _Style | None:
        style = self._read.get(style_id)
        if style is None:
            element = self._elements.get(style_id)
            if element is None:
                return None
            style = self._read[style_id] = _read_style(style_id, element)
        return style

    def chain(self, style_id: str | None) -> Iterator[_Style]:
        seen: set[str] = set()
        while style_id and style_id not in seen and len(seen) < MAX_STYLE_DEPTH:
            style = self._style(style_id)
            if style is None:
                return
            seen.add(style_id)
            yield style
            style_id = style.based_on

    def first(self, style_id: str | None, attribute: str):  # type: ignore[no-untyped-def]
        return next((v for s in self.chain(style_id) if (v := getattr(s, attribute)) is not None), None)

    def heading_level(self, style_id: str | None) -> int | None:
        for style in self.chain(style_id):
            name = style.name.strip()
            if name.casefold() == "title":
                return 0
            match = HEADING_STYLE.match(name)
            if match:
                return int(match.group(1))
        return self.first(style_id, "outline")

    def is_list(self, style_id: str | None) -> bool:
        if any(LIST_STYLE.match(s.name.strip()) for s in self.chain(style_id)):
            return True
        return bool(self.first(style_id, "numbered"))


# -- body ---------------------------------------------------------------------


def _inside(element, stop, tags: frozenset[str]) -> bool:  # type: ignore[no-untyped-def]
    """Whether ``element`` sits in one of ``tags`` on its way up to ``stop``."""
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _children(element, tag: str) -> Iterator:  # type: ignore[no-untyped-def]
    """Children with ``tag``, looking through content controls and custom XML."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in BLOCK_WRAPPERS:
            yield from _children(child, tag)


def _blocks(container) -> Iterator:  # type: ignore[no-untyped-def]
    """Paragraphs and tables of a body, cell or text box, in document order."""
    for child in container:
        if child.tag in (W_P, W_TBL):
            yield child
        elif child.tag in BLOCK_WRAPPERS:
            yield from _blocks(child)


HEX_COLOUR = re.compile(r"^[0-9A-Fa-f]{6}$")


def _rgb(value: str | None) -> RGB | None:
    """A w:color or w:fill value ("1F3864") as RGB; "auto" and anything else as None."""
    if not value or not HEX_COLOUR.match(value):
        return None
    return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)


def _background(rpr, ppr) -> RGB | None:  # type: ignore[no-untyped-def]
    """What a run is printed on: its own shading, else its paragraph's, else the white page; None (unknown) under a highlight."""
    for props in (rpr, ppr):
        if props is None:
            continue
        highlight = props.find(W_HIGHLIGHT)
        if highlight is not None and (highlight.get(W_VAL) or "none") not in ("none", "white"):
            return None
        shade = props.find(W_SHADING)
        fill = _rgb(shade.get(W_FILL)) if shade is not None else None
        if fill is not None:
            return fill
    return WHITE


class _BodyReader:
    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.hidden: list[tuple[str, str]] = []  # (why no reader sees it, text), in document order

    def _hidden_reason(self, rpr, ppr) -> str | None:  # type: ignore[no-untyped-def]
        if rpr is None:
            return None
        if _on_off(rpr.find(W_VANISH)):
            return REASONS["marked"]
        colour = rpr.find(W_COLOR)
        text_colour = _rgb(colour.get(W_VAL)) if colour is not None else None
        background = _background(rpr, ppr) if text_colour is not None else None
        if text_colour is not None and background is not None and contrast(text_colour, background) <= MIN_CONTRAST:
            return REASONS["background"]
        size = _half_points(rpr.find(W_SIZE))
        if size is not None and 0 < size <= TINY_SIZE:
            return REASONS["tiny"]
        return None

    def paragraph(self, p) -> list[SourceLine]:  # type: ignore[no-untyped-def]
        ppr = p.find(W_PPR)
        style_node = ppr.find(W_PARAGRAPH_STYLE) if ppr is not None else None
        style_id = style_node.get(W_VAL) if style_node is not None else self.styles.default_paragraph
        texts: list[str] = []
        bolds: list[bool] = []
        sizes: Counter[float] = Counter()
        for run in p.iter(W_R):
            if _inside(run, p, NOT_PARAGRAPH_TEXT):
                continue
            rpr = run.find(W_RPR)
            text = str(getattr(run, "text", "") or "").replace("\n", " ")
            reason = self._hidden_reason(rpr, ppr)
            if reason is not None:
                if text.strip():
                    self.hidden.append((reason, text.strip()))
                continue
            if not text:
                continue
            texts.append(text)
            if text.strip():
                bold, size = self._run_format(rpr, style_id)
                bolds.append(bold)
                sizes[size] += len(text.strip())
        lines: list[SourceLine] = []
        text = "".join(texts).strip()
        if text:
            heading = self.styles.heading_level(style_id)
            direct_outline = _outline_level(ppr)
            if heading is None and direct_outline is not None:
                heading = direct_outline
            direct_numbering = _numbered(ppr)
            listed = heading is None and (direct_numbering if direct_numbering is not None else self.styles.is_list(style_id))
            lines.append(
                SourceLine(
                    text=text,
                    size=sizes.most_common(1)[0][0] if sizes else 0.0,
                    bold=bool(bolds) and all(bolds),
                    heading_level=heading,
                    list_item=bool(listed),
                    new_block=not listed,
                )
            )
        for box in p.iter(W_TXBX_CONTENT):
            if not _inside(box, p, NOT_PARAGRAPH_TEXT):
                lines.extend(self.container(box))
        return lines

    def _run_format(self, rpr, paragraph_style: str | None) -> tuple[bool, float]:  # type: ignore[no-untyped-def]
        direct_bold = _on_off(rpr.find(W_BOLD)) if rpr is not None else None
        direct_size = _half_points(rpr.find(W_SIZE)) if rpr is not None else None
        char_node = rpr.find(W_RUN_STYLE) if rpr is not None else None
        char_style = char_node.get(W_VAL) if char_node is not None else self.styles.default_character
        bold = direct_bold
        if bold is None:
            bold = self.styles.first(char_style, "bold")
        if bold is None:
            bold = self.styles.first(paragraph_style, "bold")
        size = direct_size or self.styles.first(char_style, "size") or self.styles.first(paragraph_style, "size")
        return (self.styles.default_bold if bold is None else bold), (size or self.styles.default_size)

    def table(self, tbl) -> list[SourceLine]:  # type: ignore[no-untyped-def]
        lines: list[SourceLine] = []
        for row in _children(tbl, W_TR):
            cells = [self.container(cell) for cell in _children(row, W_TC)]
            filled = [c for c in cells if c]
            one_liners = all(len(c) == 1 and c[0].heading_level is None and not c[0].list_item for c in filled)
            if len(filled) >= 2 and one_liners:
                parts = [c[0] for c in filled]
                lines.append(
                    SourceLine(
                        text=CELL_SEPARATOR.join(p.text for p in parts),
                        size=max(p.size for p in parts),
                        bold=all(p.bold for p in parts),
                        new_block=True,
                    )
                )
            else:
                for cell in filled:
                    lines.extend(cell)
        return lines

    def container(self, element) -> list[SourceLine]:  # type: ignore[no-untyped-def]
        lines: list[SourceLine] = []
        for block in _blocks(element):
            lines.extend(self.paragraph(block) if block.tag == W_P else self.table(block))
        return lines


def _lines(document: docx.document.Document) -> tuple[list[SourceLine], list[tuple[str, str]]]:
    try:
        reader = _BodyReader(_Styles(document))
        return reader.container(document.element.body), reader.hidden
    except DocumentError:
        raise
    except Exception as exc:  # malformed XML that python-docx accepted at open
        raise DocumentError(Status.CORRUPT, f"not a valid DOCX file ({type(exc).__name__})") from None


def _links(document: docx.document.Document) -> list[str]:
    try:
        rels = document.part.rels
        targets = {rid: rel.target_ref for rid, rel in rels.items() if rel.reltype == RT.HYPERLINK and rel.is_external}
        order = [h.get(qn("r:id")) for h in document.element.body.iter(W_HYPERLINK)]
    except Exception as exc:
        raise DocumentError(Status.CORRUPT, f"not a valid DOCX file ({type(exc).__name__})") from None
    found: list[str] = []
    for rid in [r for r in order if r in targets] + sorted(targets):
        target = (targets[rid] or "").strip()
        if target and target not in found:
            found.append(target)
    return found


# -- public -------------------------------------------------------------------


def read_document(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[list[SourceLine], list[str], list[tuple[str, str]]]:
    """The body's lines, the hyperlink targets and the hidden runs (why, text), from one opening of the file."""
    document = _open(path, max_bytes)
    lines, hidden = _lines(document)
    if not lines:
        raise DocumentError(Status.NO_TEXT, "the DOCX has no text")
    return lines, _links(document), hidden


def read_lines(path: Path, *, max_bytes: int = MAX_BYTES) -> list[SourceLine]:
    """Read a DOCX resume's body into source lines.

    Raises :class:`DocumentError`: ``corrupt`` for what is not a DOCX,
    ``encrypted`` for a password-protected file, ``error`` for an oversized
    file or a zip bomb, ``no_text`` when the body has no text.
    """
    return read_document(path, max_bytes=max_bytes)[0]


def read_links(path: Path, *, max_bytes: int = MAX_BYTES) -> list[str]:
    """Hyperlink targets of the document body, in the order they first appear."""
    return _links(_open(path, max_bytes))
