"""Plain-text resumes to reader-neutral lines.

A text file says little about its structure, so this reader reads the few
conventions plain-text resumes do follow: a blank line ends a paragraph, a
line underlined with ``===`` or ``---`` is a heading, and so is a short
ALL-CAPS line or a short line ending in ":" that names a known section (see
:data:`WEAK_HEADINGS_NEED_WORDING`); a bullet's wrapped lines are indented
under it. Bullet markers stay in the text: the structure stage recognises and
strips them.

The byte-level helpers here (:func:`read_bytes`, :func:`decode_text`) are
shared by the Markdown and DOCX readers.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from screener.document import Status
from screener.errors import DocumentError
from screener.structure.headings import bullet_marker
from screener.structure.source import SourceLine
from screener.vocabulary import Vocabulary, load_vocabulary

#: Files larger than this are refused (bytes).
MAX_BYTES = 20 * 1024 * 1024
#: One megabyte, as sizes are reported to the user.
MEGABYTE = 1024 * 1024
#: A NUL byte within this many leading bytes marks a binary file.
BINARY_SNIFF_BYTES = 8 * 1024
#: UTF-16 without a BOM: at least this share of the bytes on one side of each pair are NUL ...
UTF16_MIN_NUL_SHARE = 0.3
#: ... and at most this share on the other (a character such as U+4E00 has a NUL low byte).
UTF16_MAX_OTHER_NUL_SHARE = 0.02
#: Encodings tried, in order, after UTF-8; latin-1 decodes any byte sequence.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")
#: An ALL-CAPS heading has at most this many words.
MAX_CAPS_HEADING_WORDS = 5
#: A heading ending in ":" has at most this many words.
MAX_COLON_HEADING_WORDS = 4
#: An underlined heading has at most this many words (a longer line over "----" is prose).
MAX_UNDERLINED_HEADING_WORDS = 8
#: Whether an ALL-CAPS or "...:" line needs a known section name to be a heading.
#: An explicit heading level opens a section in the structure stage, and inside an
#: entry these cues mostly mark labels ("Responsibilities:") and employers ("ACME
#: CORP"): as headings they would carry the entry's bullets out of its section.
#: An underlined line is a heading whatever it says.
WEAK_HEADINGS_NEED_WORDING = True
#: A leading tab counts as this many spaces of indent.
TAB_WIDTH = 4

#: A line that only underlines the line above it (Setext style).
UNDERLINE = re.compile(r"^\s*(?:={3,}|-{3,})\s*$")
#: A line that is only a decorative rule: "=====", "-----", "*****", "_____", "~~~~~".
RULE = re.compile(r"^\s*([=\-_*~#+.·•])(?:\s*\1){2,}\s*$")
#: Control characters other than tab, newline and form feed are dropped.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def format_size(size: float, *, limit: bool = False) -> str:
    """``31.2 MB``, ``2.9 KB``; a limit is shown without a needless decimal (``20 MB``)."""
    for unit, scale in (("MB", MEGABYTE), ("KB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:g} {unit}" if limit and value == round(value, 1) else f"{value:.1f} {unit}"
    return f"{size:g} bytes"


def check_size(size: int, max_bytes: int = MAX_BYTES) -> None:
    """Refuse a file of ``size`` bytes when it is over ``max_bytes``."""
    if size > max_bytes:
        raise DocumentError(Status.ERROR, f"the file is {format_size(size)}; the limit is {format_size(max_bytes, limit=True)}")


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, after checking its size; any failure is a :class:`DocumentError`."""
    try:
        size = Path(path).stat().st_size
        check_size(size, max_bytes)
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except DocumentError:
        raise
    except OSError as exc:
        raise DocumentError(Status.ERROR, f"cannot read the file ({exc.strerror or exc})") from None
    check_size(len(data), max_bytes)  # the file grew after stat()
    return data


def decode_text(data: bytes, kind: str = "text") -> str:
    """Bytes to text: a BOM decides, else UTF-8, else cp1252, else latin-1.

    A NUL byte near the start (with no UTF-16/32 BOM to explain it) means the
    file is binary, whatever its name says, unless the NULs fall as UTF-16
    text's do (:func:`utf16_without_bom`).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise DocumentError(Status.CORRUPT, f"the {kind} file is not valid {encoding.upper()}") from None
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        encoding = utf16_without_bom(data)
        if encoding is None:
            raise DocumentError(Status.UNSUPPORTED, "binary file, not text")
        return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data`` reads as UTF-16 text that lost its BOM, else None.

    Text saved as UTF-16 has a NUL in the high byte of every ASCII character
    (its spaces, digits and punctuation at least, whatever its alphabet) and
    almost never in a low byte; a binary file's NULs fall on both sides.
    """
    sample = data[:BINARY_SNIFF_BYTES]
    if len(data) % 2 or len(sample) < 4:
        return None
    for encoding, high, low in (("utf-16-le", sample[1::2], sample[0::2]), ("utf-16-be", sample[0::2], sample[1::2])):
        if high.count(0) >= UTF16_MIN_NUL_SHARE * len(high) and low.count(0) <= UTF16_MAX_OTHER_NUL_SHARE * len(low):
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding
    return None


def text_lines(text: str) -> list[str]:
    """Split on every line-ending convention; drop stray control characters (tabs stay)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return [CONTROL.sub("", line) for line in text.split("\n")]


@lru_cache(maxsize=1)
def _default_vocabulary() -> Vocabulary:
    return load_vocabulary()


def _indent(line: str) -> int:
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += TAB_WIDTH
        elif char in "\u00a0\u3000":
            width += 1
        else:
            break
    return width


def is_caps_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and len(text.split()) <= MAX_CAPS_HEADING_WORDS


def is_colon_heading(text: str) -> bool:
    return text.endswith(":") and len(text[:-1].split()) <= MAX_COLON_HEADING_WORDS and any(c.isalpha() for c in text)


def _paged(text: str) -> list[tuple[str, int]]:
    """Lines with their page: a form feed (pdftotext keeps them) starts a new page."""
    out: list[tuple[str, int]] = []
    page = 1
    for line in text_lines(text):
        pieces = line.split("\f")
        for index, piece in enumerate(pieces):
            if index:
                page += 1
                out.append(("", page))  # a page break also breaks the paragraph
            out.append((piece, page))
    return out


def lines_from_text(text: str, vocab: Vocabulary | None = None) -> list[SourceLine]:
    """Plain text to source lines (the pure core of :func:`read_lines`)."""
    vocab = vocab or _default_vocabulary()
    raw = _paged(text)
    out: list[SourceLine] = []
    new_block = True
    bullet_at: int | None = None  # index in ``out`` of the bullet that indented lines continue
    i = 0
    while i < len(raw):
        line, page = raw[i]
        i += 1
        stripped = line.strip()
        if not stripped or RULE.match(stripped):
            new_block, bullet_at = True, None
            continue
        indent = _indent(line)
        marker = bullet_marker(stripped, vocab)
        if bullet_at is not None and marker is None and indent > out[bullet_at].indent:
            bullet = out[bullet_at]
            out[bullet_at] = SourceLine(text=f"{bullet.text} {stripped}", page=bullet.page, new_block=bullet.new_block, indent=bullet.indent)
            continue
        heading: int | None = None
        if marker is None:
            underlined = i < len(raw) and UNDERLINE.match(raw[i][0]) is not None
            if underlined and len(stripped.split()) <= MAX_UNDERLINED_HEADING_WORDS:
                heading = 1
                i += 1  # the underline itself is not text
            elif (is_caps_heading(stripped) or is_colon_heading(stripped)) and (not WEAK_HEADINGS_NEED_WORDING or vocab.section_kind(stripped) is not None):
                heading = 1
        out.append(SourceLine(text=stripped, page=page, heading_level=heading, new_block=new_block, indent=float(indent)))
        new_block = False
        bullet_at = len(out) - 1 if marker is not None else None
    return _mark_wraps(out, vocab, _line_width([line.strip() for line, _ in raw]))


#: A prose line at least this share of the file's line width, ending without a full stop, was wrapped by its writer.
WRAP_SHARE = 0.75
MIN_WRAP_WIDTH = 40
SENTENCE_ENDS = (".", "!", "?", ":", ";")


def _line_width(lines: list[str]) -> int:
    """The width the writer wrapped at: the 95th percentile of the file's printed line lengths."""
    lengths = sorted(len(line) for line in lines if line)
    return max(MIN_WRAP_WIDTH, lengths[int(0.95 * (len(lengths) - 1))]) if lengths else MIN_WRAP_WIDTH


def _mark_wraps(lines: list[SourceLine], vocab: Vocabulary, width: int) -> list[SourceLine]:
    """Mark the lines of a hard-wrapped paragraph as wrapped, as the PDF layout does for lines that fill their column.

    Without it a line break before a capitalised word ("... and LLM" / "APIs
    ...") would cut a sentence in two, and where the break falls, which
    any edit above it moves, would change the evidence.
    """
    marked = list(lines)
    for index, line in enumerate(lines[:-1]):
        following = lines[index + 1]
        if (
            line.heading_level is None
            and following.heading_level is None
            and not following.new_block
            and bullet_marker(following.text, vocab) is None
            and len(line.text) >= WRAP_SHARE * width
            and not line.text.endswith(SENTENCE_ENDS)
        ):
            marked[index] = replace(line, wrapped=True)
    return marked


def read_lines(path: Path, *, max_bytes: int = MAX_BYTES, vocab: Vocabulary | None = None) -> list[SourceLine]:
    """Read a plain-text resume into source lines.

    Raises :class:`DocumentError`: ``error`` for an unreadable or oversized
    file, ``unsupported`` for a binary file, ``no_text`` for an empty one.
    """
    text = decode_text(read_bytes(path, max_bytes))
    lines = lines_from_text(text, vocab)
    if not lines:
        raise DocumentError(Status.NO_TEXT, "the text file is empty")
    return lines
