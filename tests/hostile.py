"""Hostile inputs for ``screener screen``, generated on the fly, and the checks every run must pass.

Each :class:`Case` writes one candidate (a file or a folder) into an input
folder: formula-looking names and text, markup and script in names, text and
links, odd and non-UTF-8 file names, symlinks, files that lie about their
type, truncated and bit-flipped PDFs, encryption, a PDF of thousands of pages,
a page of hundreds of thousands of characters, deep nesting and self
references, Flate and zip bombs, and text in every encoding a resume arrives
in. Big inputs are small on disk: the bombs are about a megabyte of Deflate
that inflates to gigabytes, built in a fraction of a second by repeating one
flushed block.

:func:`screen_all` puts the cases of each run group in one folder beside two
good resumes, runs ``screener screen`` as a real subprocess for every group
(and once over the good resumes alone, the baseline), all at the same time,
and :func:`check_run` / :func:`case_outcome` say what went wrong. The test
suite (``tests/test_hostile.py``) and ``make security``
(``benchmarks/security.py``) both use them.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import random
import shutil
import signal
import stat
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "resumes"
BAD_CORPUS = Path(os.environ.get("SCREENER_SHARED", REPO.parent / "shared")) / "corpus" / "bad"

#: The two good resumes screened beside every case; their rows must not change.
GOOD = ("lucas-ferreira.pdf", "ayesha-siddiqui.txt")
STATUSES = frozenset({"ok", "no_text", "encrypted", "corrupt", "unsupported", "timeout", "error"})
FAILED = STATUSES - {"ok"}
ANY = STATUSES
#: Expected "status" of a case discovery must skip (it is listed in run.json, not a row).
SKIPPED = "skipped"
#: A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The bound on one whole run, in seconds.
RUN_BOUND = 120.0
#: One gibibyte: what the bombs inflate to is a multiple of it.
GIB = 1 << 30


@dataclass(frozen=True)
class Case:
    """One hostile candidate.

    ``make`` writes it into the folder it is given and returns the name of the
    entry it made there (a file or a sub-folder): the ``source`` of its row.
    ``expected`` holds the statuses it may end with (:data:`SKIPPED` when
    discovery must skip it); ``says``, when set, is a phrase its error must
    contain. ``group`` names the screen run it joins (:data:`GROUPS`).
    ``xfail`` says why it is known to fail (a bug outside the files this suite
    may fix). ``cells`` are phrases its row must show, where a case is only
    meaningful when the hostile text reaches a cell.
    """

    name: str
    expected: frozenset[str]
    make: Callable[[Path], str]
    group: str = "batch"
    xfail: str | None = None
    what: str = ""
    says: str | None = None
    cells: tuple[tuple[str, str], ...] = ()  # (column, phrase its cell must contain): proof the hostile text got that far


@dataclass(frozen=True)
class Group:
    """One screen run: its input folder's name, ``--time-limit``, extra options and files beside the folder.

    ``xfail`` maps a run-level check (a :class:`RunReport` field) to why it is
    known to fail for this group.
    """

    time_limit: float = 20.0
    folder: str | bytes = "in"
    args: tuple[str, ...] = ()
    files: tuple[tuple[str, str], ...] = ()
    xfail: tuple[tuple[str, str], ...] = ()


#: A taxonomy whose skill labels are a formula and markup: labels are what reach the top-skills cells.
HOSTILE_TAXONOMY = """skills:
  - id: quiverdb
    label: '=HYPERLINK("http://x","y")'
    role: ai
    pillars: [retrieval]
    kind: tool
    aliases: [QuiverDB]
  - id: zebranet
    label: '<img src=x onerror=alert(1)>'
    role: ml
    pillars: [modelling_training]
    kind: tool
    aliases: [ZebraNet]
  - id: tabnet_x
    label: "\t@SUM(1+1)"
    role: ml
    pillars: [modelling_training]
    kind: tool
    aliases: [TabNetX]
"""
GROUPS: dict[str, Group] = {
    "batch": Group(),
    "big": Group(),
    "bomb": Group(time_limit=8.0),
    "slow-text": Group(time_limit=4.0),
    "taxonomy": Group(args=("--taxonomy", "{base}/hostile-taxonomy.yaml"), files=(("hostile-taxonomy.yaml", HOSTILE_TAXONOMY),)),
    "odd-input": Group(folder=b"=cmd|<script>alert(1)<\\script> \xff in"),
}


# -- resume text ----------------------------------------------------------------

#: A short resume that screens as ok: dated experience, shipped and built work, skills.
RESUME_LINES = (
    "Ada Example",
    "EXPERIENCE",
    "Machine Learning Engineer, Example Analytics, 2021 - 2024",
    "- Shipped a PyTorch recommendation model to production serving 2 million users",
    "- Built a retrieval-augmented generation assistant with LangChain and pgvector",
    "- Deployed MLflow model monitoring on Kubernetes for 40 models",
    "SKILLS",
    "Python, PyTorch, LangChain, scikit-learn, Kubernetes",
)


def resume_text(*injected: str, title: str = "Ada Example") -> str:
    """The resume, with ``injected`` lines as extra bullets of the experience entry."""
    lines = [title, *RESUME_LINES[1:6], *(f"- {line}" for line in injected), *RESUME_LINES[6:]]
    return "\n".join(lines) + "\n"


def resume_markdown(*injected: str) -> str:
    lines = [
        "# Ada Example",
        "",
        "## Experience",
        "",
        "### Machine Learning Engineer, Example Analytics, 2021 - 2024",
        "",
        *(f"- {line[2:]}" for line in RESUME_LINES[3:6]),
        *(f"- {line}" for line in injected),
        "",
        "## Skills",
        "",
        RESUME_LINES[7],
        "",
    ]
    return "\n".join(lines)


# -- PDF, written by hand -------------------------------------------------------


def pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsi (what a standard font reads)."""
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_content(lines: Iterable[str], *, size: float = 10, leading: float = 14, top: float = 740) -> bytes:
    ops = [b"BT", f"/F1 {size:g} Tf {leading:g} TL 50 {top:g} Td".encode()]
    for line in lines:
        ops.append(pdf_string(line) + b" Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def stream(data: bytes, extra: bytes = b"", *, compress: bool = False) -> bytes:
    if compress:
        data, extra = zlib.compress(data, 9), extra + b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def assemble_pdf(objects: dict[int, bytes], *, root: int = 1, trailer: bytes = b"") -> bytes:
    """A PDF from numbered object bodies, with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    size = max(objects) + 1
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, trailer, xref))
    return out.getvalue()


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def simple_pdf(lines: Iterable[str], *, annots: bytes = b"", resources: bytes = b"", extra: dict[int, bytes] | None = None, catalog: bytes = b"") -> bytes:
    """One page of Helvetica text; objects 1-5 are the catalog, pages, page, font and content."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R%s >>" % catalog,
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >>%s >> /Contents 5 0 R%s >>" % (resources, annots),
        4: FONT,
        5: stream(text_content(lines)),
    }
    objects.update(extra or {})
    return assemble_pdf(objects)


def resume_pdf(*injected: str) -> bytes:
    return simple_pdf(resume_text(*injected).splitlines())


def many_pages_pdf(pages: int) -> bytes:
    """``pages`` page objects that share one font and one small content stream."""
    first = 10
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(pages))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> >>" % (kids, pages),
        4: FONT,
        5: stream(text_content(resume_text().splitlines())),
    }
    for i in range(pages):
        objects[first + i] = b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>"
    return assemble_pdf(objects)


def huge_page_pdf(chars: int = 400_000) -> bytes:
    """One page carrying ``chars`` characters of tiny text (a Flate stream of a few kilobytes)."""
    words = ("PyTorch", "LangChain", "pipeline", "shipped", "model", "Kubernetes", "retrieval", "latency", "users", "MLflow")
    rnd = random.Random(7)
    per_line = 400
    lines, total = [], 0
    while total < chars:
        parts, length = [], 0
        while length < per_line:
            word = rnd.choice(words)
            parts.append(word)
            length += len(word) + 1
        line = " ".join(parts)
        lines.append(line)
        total += len(line)
    body = text_content(resume_text().splitlines()) + b"\n" + text_content(lines, size=0.8, leading=0.7, top=560)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        4: FONT,
        5: stream(body, compress=True),
    }
    return assemble_pdf(objects)


def deep_nesting_pdf(depth: int = 100_000) -> bytes:
    """Arrays and dictionaries nested ``depth`` deep, reachable from the page's resources and annotations."""
    array = b"[" * depth + b"]" * depth
    dictionary = b"<< /A " * depth + b"1" + b" >>" * depth
    return simple_pdf(
        resume_text().splitlines(),
        resources=b" /ExtGState << /G0 6 0 R >> /Properties << /P0 7 0 R >>",
        annots=b" /Annots 6 0 R",
        extra={6: array, 7: dictionary},
    )


def self_reference_pdf() -> bytes:
    """Objects that point at themselves: a page its own parent, resources that contain themselves, a form that draws itself."""
    form = stream(b"q /Fm0 Do Q BT /F1 10 Tf 50 100 Td (again) Tj ET", b" /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources 6 0 R")
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Outlines 8 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 /Parent 2 0 R >>",
        3: b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Resources 6 0 R /Contents [5 0 R 9 0 R 5 0 R] >>",
        4: FONT,
        5: stream(text_content(resume_text().splitlines())),
        6: b"<< /Font << /F1 4 0 R >> /XObject << /Fm0 7 0 R >> /Self 6 0 R /Loop 10 0 R >>",
        7: form,
        8: b"<< /Type /Outlines /First 8 0 R /Last 8 0 R /Next 8 0 R /Count 1 >>",
        9: stream(b"q /Fm0 Do Q"),
        10: b"10 0 R",
    }
    return assemble_pdf(objects)


def javascript_pdf() -> bytes:
    """Link annotations to javascript: and data: URLs, a JavaScript action and an open action."""

    def link(y: int, action: bytes) -> bytes:
        return b"<< /Type /Annot /Subtype /Link /Rect [50 %d 300 %d] /Border [0 0 0] /A %s >>" % (y - 2, y + 10, action)

    annots = [
        link(740, b"<< /S /URI /URI (javascript:alert\\(1\\)) >>"),
        link(726, b"<< /S /URI /URI (JaVaScRiPt:alert\\(document.domain\\)) >>"),
        link(712, b"<< /S /URI /URI ( javascript:alert\\(2\\)) >>"),
        link(698, b"<< /S /URI /URI (data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) >>"),
        link(684, b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"),
        link(670, b'<< /S /URI /URI (https://example.com/"><script>alert\\(3\\)</script>) >>'),
    ]
    extra = {10 + i: a for i, a in enumerate(annots)}
    refs = b" ".join(b"%d 0 R" % n for n in extra)
    lines = [
        "GitHub javascript:alert(1) <script>alert(1)</script>",
        'Portfolio "><img src=x onerror=alert(1)>',
        *resume_text().splitlines(),
    ]
    return simple_pdf(lines, annots=b" /Annots [%s]" % refs, extra=extra, catalog=b" /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>")


def owner_password_pdf(path: Path) -> None:
    """Encrypted with an owner password only: anyone may open it, so it is read."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), invariant=1, encrypt=StandardEncryption("", ownerPassword="owner-secret", canPrint=0, canCopy=0))
    y = 740
    for line in resume_text().splitlines():
        c.setFont("Helvetica", 10)
        c.drawString(50, y, line)
        y -= 14
    c.save()


def user_password_pdf(path: Path) -> None:
    from tests.pdf_fixtures import encrypted_pdf

    encrypted_pdf(path, password="user-secret")


# -- Deflate bombs ----------------------------------------------------------------


@cache
def _deflate_blocks(raw: bool) -> tuple[bytes, bytes, int]:
    """The first and the repeating sync-flushed block of Deflate for 16 MiB of zeros."""
    chunk = bytes(1 << 24)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15 if raw else 15)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    second = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    third = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert second == third, "zlib's output for a zero window is expected to repeat"
    return first, second, len(chunk)


def zero_bomb(size: int, *, raw: bool = False) -> bytes:
    """Deflate (zlib-wrapped, or raw for zip) that inflates to ``size`` zero bytes (a multiple of 16 MiB)."""
    first, repeat, chunk = _deflate_blocks(raw)
    count = size // chunk
    final = b"\x03\x00"  # an empty, final, fixed-Huffman block
    body = first + repeat * (count - 1) + final
    if raw:
        return body
    adler = ((size % 65521) << 16) | 1  # Adler-32 of ``size`` zero bytes
    return body + adler.to_bytes(4, "big")


def crc32_zeros(size: int) -> int:
    chunk, crc = bytes(1 << 24), 0
    for _ in range(size // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    return zlib.crc32(bytes(size % len(chunk)), crc)


def flate_bomb_pdf(size: int = 2 * GIB) -> bytes:
    """A one-page PDF whose second content stream inflates to ``size`` bytes of zeros."""
    bomb = zero_bomb(size)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents [5 0 R 6 0 R] >>",
        4: FONT,
        5: stream(text_content(resume_text().splitlines())),
        6: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream",
    }
    return assemble_pdf(objects)


# -- zip and DOCX, written by hand ----------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A zip member. ``data`` is stored as it is; ``deflated`` members carry their own sizes, which may lie."""

    name: str
    data: bytes = b""
    deflated: bytes | None = None
    crc: int = 0
    size: int = 0  # the uncompressed size declared in the headers


def zip_bytes(members: Iterable[Member]) -> bytes:
    out = io.BytesIO()
    central = []
    for m in members:
        name = m.name.encode("utf-8")
        if m.deflated is None:
            method, payload, crc, size = 0, m.data, zlib.crc32(m.data), len(m.data)
        else:
            method, payload, crc, size = 8, m.deflated, m.crc, m.size
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21, crc, len(payload), size, len(name), 0) + name + payload)
        central.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, 0, 0x21, crc, len(payload), size, len(name), 0, 0, 0, 0, 0, offset) + name
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def document_xml(lines: Iterable[str], links: Iterable[tuple[str, str]] = ()) -> str:
    """A WordprocessingML body: one paragraph a line, then one hyperlink paragraph per (relationship id, text)."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{_xml_text(line)}</w:t></w:r></w:p>' for line in lines)
    body += "".join(f'<w:p><w:hyperlink r:id="{rid}"><w:r><w:t>{_xml_text(text)}</w:t></w:r></w:hyperlink></w:p>' for rid, text in links)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}</w:body></w:document>'


def document_rels(targets: Iterable[tuple[str, str]]) -> str:
    rels = "".join(
        f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="{_xml_text(target)}" TargetMode="External"/>'
        for rid, target in targets
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'


def docx_bytes(lines: Iterable[str], *, links: Iterable[tuple[str, str]] = (), extra: Iterable[Member] = (), document: Member | None = None) -> bytes:
    """A minimal DOCX; ``links`` are (target, text) hyperlinks; ``document`` replaces word/document.xml."""
    links = list(links)
    rels = [(f"rId{i + 10}", target) for i, (target, _) in enumerate(links)]
    members = [
        Member("[Content_Types].xml", CONTENT_TYPES.encode()),
        Member("_rels/.rels", PACKAGE_RELS.encode()),
        document or Member("word/document.xml", document_xml(lines, [(rid, text) for (rid, _), (_, text) in zip(rels, links, strict=True)]).encode()),
        Member("word/_rels/document.xml.rels", document_rels(rels).encode()),
        *extra,
    ]
    return zip_bytes(members)


def bomb_member(name: str, size: int, *, declared: int | None = None) -> Member:
    """A member that inflates to ``size`` zero bytes; ``declared`` is the size its headers claim (and the CRC covers)."""
    declared = size if declared is None else declared
    return Member(name, deflated=zero_bomb(size, raw=True), crc=crc32_zeros(min(size, declared)), size=declared)


def billion_laughs_xml(levels: int = 10) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    doctype = "<!DOCTYPE w:document [" + "".join(entities) + "]>"
    body = f"<w:p><w:r><w:t>&lol{levels - 1};</w:t></w:r></w:p>" + "".join(
        f"<w:p><w:r><w:t>{_xml_text(line)}</w:t></w:r></w:p>" for line in resume_text().splitlines()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()


def deep_xml(depth: int = 100_000) -> bytes:
    inner = "<w:sdt><w:sdtContent>" * depth + "<w:p><w:r><w:t>deep</w:t></w:r></w:p>" + "</w:sdtContent></w:sdt>" * depth
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>{inner}</w:body></w:document>'.encode()


# -- small binary files -------------------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes.fromhex(
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
HTML_PAGE = (
    b'<!DOCTYPE html><html><head><title>cv</title><script>alert(1)</script></head><body onload="alert(2)"><a href="javascript:alert(3)">x</a></body></html>'
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def bit_flipped(data: bytes, flips: int, seed: int, *, start: int = 0) -> bytes:
    rnd = random.Random(seed)
    out = bytearray(data)
    for _ in range(flips):
        i = rnd.randrange(start, len(out))
        out[i] ^= 1 << rnd.randrange(8)
    return bytes(out)


# -- case builders ------------------------------------------------------------------


def write(name: str | bytes, content: bytes | str | Callable[[], bytes]) -> Callable[[Path], str]:
    """A case that writes one file; ``name`` may be bytes (a non-UTF-8 name); ``content`` may be built lazily."""

    def make(folder: Path) -> str:
        data = content() if callable(content) else content
        payload = data.encode("utf-8") if isinstance(data, str) else data
        target = os.path.join(os.fsencode(folder), name) if isinstance(name, bytes) else os.path.join(folder, name)
        with open(target, "wb") as handle:
            handle.write(payload)
        return os.fsdecode(name) if isinstance(name, bytes) else name

    return make


def folder_case(name: str | bytes, files: dict[str, bytes | str], links: dict[str, str] | None = None) -> Callable[[Path], str]:
    """A sub-folder candidate with ``files`` (relative paths) and ``links`` (relative path -> symlink target)."""

    def make(folder: Path) -> str:
        root = os.path.join(os.fsencode(folder), name) if isinstance(name, bytes) else os.path.join(folder, name)
        os.makedirs(root)
        for relative, content in files.items():
            path = Path(os.fsdecode(root)) / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        for relative, target in (links or {}).items():
            os.symlink(target, Path(os.fsdecode(root)) / relative)
        return os.fsdecode(name) if isinstance(name, bytes) else name

    return make


def symlink_case(name: str, target: str | Callable[[Path], str]) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        os.symlink(target(folder) if callable(target) else target, folder / name)
        return name

    return make


def fifo_case(name: str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        os.mkfifo(folder / name)
        return name

    return make


def sparse_case(name: str, size: int, head: bytes = b"") -> Callable[[Path], str]:
    """A file of ``size`` bytes that takes no room on disk."""

    def make(folder: Path) -> str:
        with open(folder / name, "wb") as handle:
            handle.write(head)
            handle.truncate(size)
        return name

    return make


def _good(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _hannah_docx_plus_members(count: int) -> bytes:
    """The DOCX sample with ``count`` extra empty members."""
    with zipfile.ZipFile(io.BytesIO(_good("hannah-brightwater.docx"))) as source:
        members = [Member(info.filename, source.read(info.filename)) for info in source.infolist()]
    members += [Member(f"customXml/item{i}.xml") for i in range(count)]
    return zip_bytes(members)


def _c(
    name: str,
    expected: Iterable[str] | str,
    make: Callable[[Path], str],
    what: str,
    *,
    group: str = "batch",
    xfail: str | None = None,
    says: str | None = None,
    cells: tuple[tuple[str, str], ...] = (),
) -> Case:
    exp = frozenset({expected} if isinstance(expected, str) else expected)
    return Case(name=name, expected=exp, make=make, group=group, xfail=xfail, what=what, says=says, cells=cells)


FORMULAS = ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1+1", "\r=1+1", "=1+1")


def formula_cases() -> list[Case]:
    bullets = [f"{f} Shipped a LangChain retrieval assistant to production for 3,000 users" for f in FORMULAS]
    return [
        _c("formula-name-hyperlink", "ok", write('=HYPERLINK("x","y").txt', resume_text()), "file name =HYPERLINK(...)"),
        _c("formula-name-cmd", "ok", write("+cmd|' -C calc'!A0.md", resume_markdown()), "file name +cmd|...!A0"),
        _c("formula-name-at", "ok", write("@SUM(1+1).pdf", resume_pdf), "file name @SUM(1+1)"),
        _c("formula-name-minus", "ok", write("-2+3.txt", resume_text()), "file name -2+3"),
        _c("formula-name-tab", "ok", write("\t=1+1.txt", resume_text()), "file name with a leading tab"),
        _c("formula-name-cr", "ok", write("\r=1+1.md", resume_markdown()), "file name with a leading CR"),
        _c("formula-folder", "ok", folder_case("=1+1", {"resume.txt": resume_text()}), "folder named =1+1"),
        _c("formula-folder-at", "ok", folder_case("@cmd", {"cv/resume.md": resume_markdown()}), "folder named @cmd"),
        _c("formula-folder-number", "ok", folder_case("-1", {"resume.txt": resume_text()}), "folder named -1 (a number as text)"),
        _c("formula-bullets-txt", "ok", write("formula-bullets.txt", resume_text(*bullets)), "bullets that start with formulas"),
        _c("formula-bullets-pdf", "ok", write("formula-bullets.pdf", lambda: resume_pdf(*bullets)), "PDF bullets that start with formulas"),
        _c("formula-title", "ok", write("formula-title.md", '# =HYPERLINK("http://x","y")\n\n' + resume_markdown()), "a heading that is a formula"),
        _c(
            "formula-error-docx",
            "corrupt",
            write("formula-error.docx", zip_bytes([Member('=HYPERLINK("http://x","y")', b"x"), Member("@SUM(1+1)", b"y")])),
            "a zip whose members are formulas (the error names what is missing)",
        ),
        _c(
            "formula-error-bomb-member",
            "error",
            write(
                "formula-bomb-member.docx",
                lambda: docx_bytes(resume_text().splitlines(), extra=[bomb_member('=HYPERLINK("http://x","y")\n@SUM(1).xml', 64 << 20)]),
            ),
            "a 1000:1 member named =HYPERLINK(...) with a newline: its name is in the error, on one line",
            says="HYPERLINK",
        ),
    ]


SCRIPT_LINES = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)" onclick="alert(2)">portfolio</a>',
    "javascript:alert(1)",
    'https://example.com/"onmouseover="alert(1)',
    "https://example.com/<script>alert(1)</script>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "{{ 7*7 }} {% raw %} ${7*7}",
)


def markup_cases() -> list[Case]:
    md_links = [
        "[portfolio](javascript:alert(1))",
        "[site](JaVaScRiPt:alert(document.cookie))",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<javascript:alert(1)>",
        '[x](https://example.com/"onmouseover="alert(1))',
        '<a href="javascript:alert(1)" onclick="alert(2)">GitHub</a>',
        "<img src=x onerror=alert(1)>",
    ]
    md = resume_markdown(*SCRIPT_LINES, *md_links) + "\n<script>alert('block')</script>\n\n<div onmouseover=\"alert(1)\">Built a PyTorch model</div>\n"
    docx_links = [
        ("javascript:alert(1)", "GitHub"),
        ("data:text/html,<script>alert(1)</script>", "Portfolio"),
        ('https://example.com/"><script>alert(1)</script>', "Site"),
    ]
    return [
        _c("markup-text-txt", "ok", write("markup-text.txt", resume_text(*SCRIPT_LINES)), "script, handlers and javascript: in text bullets"),
        _c("markup-markdown-links", "ok", write("markup-links.md", md), "javascript:/data: Markdown links, raw HTML with handlers"),
        _c("markup-pdf-annotations", "ok", write("markup-annotations.pdf", javascript_pdf), "PDF link annotations to javascript:, JavaScript actions"),
        _c(
            "markup-docx-links",
            "ok",
            write("markup-links.docx", lambda: docx_bytes([*resume_text().splitlines(), *SCRIPT_LINES], links=docx_links)),
            "DOCX hyperlinks to javascript:/data:",
        ),
        _c("markup-name-script", "ok", write("<script>alert(1)<\\script>.txt", resume_text()), "file name <script>..."),
        _c("markup-name-img", "ok", write('"><img src=x onerror=alert(1)>.md', resume_markdown()), 'file name "><img onerror=...>'),
        _c("markup-name-svg", "ok", write("<svg onload=alert(1)>.pdf", resume_pdf), "file name <svg onload=...>"),
        _c("markup-folder", "ok", folder_case("<b onmouseover=alert(1)>folder", {"resume.txt": resume_text()}), "folder name with a handler"),
        _c("markup-title", "ok", write("markup-title.txt", resume_text(title="<script>alert('name')</script> Ada")), "script where the name is"),
    ]


def name_cases() -> list[Case]:
    return [
        _c("name-dotdot-hidden", SKIPPED, write("..\\..\\evil.txt", resume_text()), "..\\..\\ name (hidden: starts with a dot)"),
        _c("name-traversal-encoded", "ok", write("%2e%2e%2f%2e%2e%2fetc%2fpasswd.txt", resume_text()), "URL-encoded ../../etc/passwd"),
        _c("name-backslash", "ok", write("a\\..\\..\\b.md", resume_markdown()), "backslashes and .. inside a name"),
        _c("name-ellipsis", "ok", write("\u2025\u2025.txt", resume_text()), "two-dot leader characters that look like .."),
        _c("name-dash-rf", "ok", write("-rf.txt", resume_text()), "name starting with -"),
        _c("name-dash-help", "ok", write("--help.md", resume_markdown()), "name --help"),
        _c("name-dash-folder", "ok", folder_case("--out", {"resume.txt": resume_text()}), "folder named --out"),
        _c("name-newline", "ok", write("first\nsecond.txt", resume_text()), "newline in a name"),
        _c("name-rtl-override", "ok", write("cv\u202etxt.pdf", resume_pdf), "right-to-left override (shows as cvfdp.txt)"),
        _c("name-zero-width", "ok", write("\u200b\u200d.txt", resume_text()), "zero-width characters only"),
        _c("name-255-ascii", "ok", write("a" * 251 + ".txt", resume_text()), "a 255-byte name"),
        _c("name-255-utf8", "ok", write("é" * 125 + ".md", resume_markdown()), "a 253-byte name of two-byte characters"),
        _c("name-255-folder", "ok", folder_case("d" * 255, {"b" * 251 + ".txt": resume_text()}), "255-byte folder and file names"),
        _c("name-non-utf8", "ok", write(b"caf\xe9 r\xe9sum\xe9.txt", resume_text()), "latin-1 bytes in a file name"),
        _c("name-non-utf8-folder", "ok", folder_case(b"\xff\xfe-folder", {"resume.md": resume_markdown()}), "invalid UTF-8 in a folder name"),
        _c("name-reserved", "ok", write("con.txt", resume_text()), "a Windows-reserved name"),
        _c("name-upper-ext", "ok", write("UPPER.PDF", resume_pdf), "upper-case extension"),
        _c("name-spaces", "ok", write("   spaced   out   .txt", resume_text()), "runs of spaces"),
        _c("name-quote", "ok", write('o\'brien "the" cv;,.txt', resume_text()), "quotes, semicolons and commas"),
    ]


def symlink_cases() -> list[Case]:
    """End to end only: tests/test_discover.py checks discovery's handling of each kind."""
    return [
        _c(
            "symlink-loop-folder",
            "ok",
            folder_case("looped", {"resume.txt": resume_text()}, {"loop": ".", "up": "..", "self.pdf": "self.pdf"}),
            "folder with loops to itself and its parent",
        ),
        _c("symlink-outside", SKIPPED, symlink_case("outside.txt", "/etc/passwd"), "link to a file outside the input"),
        _c("symlink-dangling", SKIPPED, symlink_case("dangling.pdf", "nowhere.pdf"), "dangling link"),
        _c("symlink-fifo", SKIPPED, fifo_case("pipe.txt"), "named pipe with a .txt name"),
    ]


def type_cases() -> list[Case]:
    lucas = _good("lucas-ferreira.pdf")
    return [
        _c("type-zero-byte-pdf", "no_text", write("zero.pdf", b""), "0-byte .pdf"),
        _c("type-zero-byte-docx", "corrupt", write("zero.docx", b""), "0-byte .docx"),
        _c("type-zero-byte-txt", "no_text", write("zero.txt", b""), "0-byte .txt"),
        _c("type-png-as-pdf", "corrupt", write("image.pdf", PNG), "a PNG named .pdf"),
        _c("type-zip-as-pdf", "corrupt", write("archive.pdf", docx_bytes(resume_text().splitlines())), "a zip named .pdf"),
        _c("type-html-as-pdf", "corrupt", write("page.pdf", HTML_PAGE), "an HTML page named .pdf"),
        _c("type-html-as-txt", "ok", write("page.txt", HTML_PAGE + b"\n" + resume_text().encode()), "an HTML page named .txt"),
        _c("type-late-header", "corrupt", write("late-header.pdf", bytes(2048) + lucas), "%PDF- after 2 KB of zeros"),
        _c("type-pdf-as-docx", "corrupt", write("really-a-pdf.docx", lucas), "a PDF named .docx"),
        _c("type-text-as-docx", "corrupt", write("really-text.docx", resume_text()), "text named .docx"),
        _c("type-ole-docx", "encrypted", write("encrypted.docx", OLE + "EncryptionInfo".encode("utf-16-le")), "an encrypted Office container"),
        _c("type-elf-as-md", "unsupported", write("program.md", b"\x7fELF\x02\x01\x01\x00" + bytes(64)), "a binary named .md"),
    ]


def damage_cases() -> list[Case]:
    lucas = _good("lucas-ferreira.pdf")
    return [
        _c("pdf-truncated-half", {"ok", "corrupt", "no_text"}, write("truncated-half.pdf", lucas[: len(lucas) // 2]), "first half of a PDF"),
        _c("pdf-truncated-header", {"corrupt", "no_text"}, write("truncated-header.pdf", lucas[:16]), "only the header line"),
        _c("pdf-no-xref", {"ok", "corrupt", "no_text"}, write("no-xref.pdf", lucas[: lucas.rfind(b"xref")]), "cut before the cross-reference table"),
        _c("pdf-bitflip-10", ANY, write("bitflip-10.pdf", bit_flipped(lucas, 10, 1)), "10 random bit flips"),
        _c("pdf-bitflip-200", ANY, write("bitflip-200.pdf", bit_flipped(lucas, 200, 2)), "200 random bit flips"),
        _c(
            "pdf-bitflip-tail",
            ANY,
            write("bitflip-tail.pdf", bit_flipped(lucas, 40, 3, start=len(lucas) * 3 // 4)),
            "bit flips in the last quarter (xref, trailer)",
        ),
        _c("docx-truncated", "corrupt", write("truncated.docx", _good("hannah-brightwater.docx")[:2000]), "first 2 KB of a DOCX"),
        _c("docx-bitflip", ANY, write("bitflip.docx", bit_flipped(_good("hannah-brightwater.docx"), 30, 4)), "30 bit flips in a DOCX"),
        _c("pdf-self-reference", ANY - {"timeout"}, write("self-reference.pdf", self_reference_pdf), "objects that contain or draw themselves"),
        _c("encrypted-user-password", "encrypted", lambda f: (user_password_pdf(f / "user-password.pdf"), "user-password.pdf")[1], "needs a user password"),
        _c("encrypted-owner-only", "ok", lambda f: (owner_password_pdf(f / "owner-only.pdf"), "owner-only.pdf")[1], "owner password only: opens without one"),
    ]


LATIN1_RESUME = resume_text("Worked in Zürich and São Paulo on café recommendations, naïve Bayes baseline")


def encoding_cases() -> list[Case]:
    text = LATIN1_RESUME
    return [
        _c("text-latin1", "ok", write("latin1.txt", text.encode("latin-1")), "latin-1"),
        _c("text-cp1252-md", "ok", write("cp1252.md", (resume_markdown() + "\n“smart quotes” – en dash €\n").encode("cp1252")), "cp1252 Markdown"),
        _c("text-utf16le-bom", "ok", write("utf16le-bom.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le")), "UTF-16 LE with a BOM"),
        _c("text-utf16be-bom-md", "ok", write("utf16be-bom.md", codecs.BOM_UTF16_BE + resume_markdown().encode("utf-16-be")), "UTF-16 BE Markdown with a BOM"),
        _c("text-utf16le-no-bom", "ok", write("utf16le.txt", text.encode("utf-16-le")), "UTF-16 LE without a BOM"),
        _c("text-utf16be-no-bom-md", "ok", write("utf16be.md", resume_markdown().encode("utf-16-be")), "UTF-16 BE Markdown without a BOM"),
        _c("text-utf32-bom", "ok", write("utf32.txt", codecs.BOM_UTF32_LE + text.encode("utf-32-le")), "UTF-32 with a BOM"),
        _c(
            "text-invalid-utf8",
            "ok",
            write("invalid-utf8.txt", resume_text().encode() + b"\xc3\x28 \xa0\xa1 \xed\xa0\x80 \xf8\x88\x80\x80\x80 \xff\xfe\n"),
            "invalid and overlong UTF-8",
        ),
        _c(
            "text-mixed-encodings",
            "ok",
            write("mixed.md", resume_markdown().encode() + "Zürich café\n".encode("latin-1") + "Zürich café\n".encode()),
            "UTF-8 and latin-1 lines mixed",
        ),
        _c("text-bom-only", "no_text", write("bom-only.txt", codecs.BOM_UTF8), "a BOM and nothing else"),
        _c("text-utf8-bom-invalid", "corrupt", write("bom-invalid.txt", codecs.BOM_UTF8 + b"\xff\xfe\xfd resume"), "a UTF-8 BOM over invalid bytes"),
        _c("text-nul-early", "unsupported", write("nul-early.txt", b"Ada\x00Example\n" + resume_text().encode()), "a NUL in the first bytes"),
        _c("text-nul-late", "ok", write("nul-late.txt", resume_text().encode() + b" " * 9000 + b"\x00\x00 trailing\n"), "NULs after the first 8 KB"),
        _c(
            "text-controls",
            "ok",
            write("controls.txt", resume_text("\x1b[31mred\x1b[0m \x07\x08 \u202ereversed\u202c \ufeffzwnbsp \u2028line")),
            "terminal escapes, bidi controls, separators",
        ),
        _c("text-only-whitespace", "no_text", write("whitespace.md", "\n \t\n\u3000\n"), "whitespace only"),
        _c(
            "text-sparse-oversized",
            "error",
            sparse_case("oversized.txt", 60 * 1024 * 1024, b"Ada Example\n"),
            "a 60 MB text file (sparse on disk)",
            says="the limit is 50 MB",
        ),
        _c(
            "text-sparse-oversized-md",
            "error",
            sparse_case("oversized.md", 60 * 1024 * 1024, b"# Ada"),
            "a 60 MB Markdown file (sparse on disk)",
            says="the limit is 50 MB",
        ),
        _c(
            "pdf-sparse-oversized",
            "error",
            sparse_case("oversized.pdf", 60 * 1024 * 1024, b"%PDF-1.4\n"),
            "a 60 MB PDF (sparse on disk)",
            says="the limit is 50 MB",
        ),
    ]


def big_cases() -> list[Case]:
    return [
        _c("pdf-5000-pages", {"ok"}, write("5000-pages.pdf", lambda: many_pages_pdf(5000)), "5,000 pages sharing one content stream", group="big"),
        _c("pdf-huge-page", {"ok", "timeout", "no_text"}, write("huge-page.pdf", huge_page_pdf), "one page of 400,000 characters", group="big"),
        _c("pdf-deep-nesting", ANY - {"timeout"}, write("deep-nesting.pdf", deep_nesting_pdf), "arrays and dictionaries nested 100,000 deep", group="big"),
        _c("docx-10000-members", "ok", write("many-members.docx", lambda: _hannah_docx_plus_members(10_000)), "a DOCX with 10,000 extra members", group="big"),
        _c(
            "docx-deep-xml",
            {"corrupt", "no_text", "ok"},
            write("deep-xml.docx", lambda: docx_bytes([], document=Member("word/document.xml", deep_xml()))),
            "document.xml nested 100,000 deep",
            group="big",
        ),
    ]


def bomb_cases() -> list[Case]:
    return [
        _c("pdf-flate-bomb", FAILED | {"ok"}, write("flate-bomb.pdf", flate_bomb_pdf), "a 2 MB Flate stream that inflates to 2 GiB", group="bomb"),
        _c(
            "docx-document-bomb",
            "error",
            write("document-bomb.docx", lambda: docx_bytes([], document=bomb_member("word/document.xml", 2 * GIB))),
            "document.xml inflating to 2 GiB, sizes declared honestly",
            group="bomb",
        ),
        _c(
            "docx-lying-size",
            "error",
            write("lying-size.docx", lambda: docx_bytes([], document=bomb_member("word/document.xml", 2 * GIB, declared=4096))),
            "document.xml declared as 4 KB, inflating to 2 GiB",
            group="bomb",
        ),
        _c(
            "docx-lying-size-small-ratio",
            "error",
            write("lying-side-part.docx", lambda: docx_bytes(resume_text().splitlines(), extra=[bomb_member("word/styles.xml", GIB, declared=900_000)])),
            "a styles part declared under the ratio check's floor, inflating to 1 GiB",
            group="bomb",
        ),
        _c(
            "docx-billion-laughs",
            {"corrupt", "ok", "no_text"},
            write("billion-laughs.docx", lambda: docx_bytes([], document=Member("word/document.xml", billion_laughs_xml()))),
            "XML entity expansion",
            group="bomb",
        ),
    ]


def slow_text_cases() -> list[Case]:
    """Text built to make a pattern scan quadratic: each must still read within a short time limit."""
    return [
        _c(
            "markdown-unclosed-script",
            "ok",
            write("unclosed-script.md", resume_markdown() + "\n" + "<script>" * 100_000 + "\n"),
            "800 KB of unclosed <script> tags",
            group="slow-text",
        ),
        _c(
            "markdown-unclosed-comment",
            "ok",
            write("unclosed-comment.md", resume_markdown() + "\n" + "<!--" * 100_000 + "\n"),
            "400 KB of unclosed comments",
            group="slow-text",
        ),
        _c(
            "markdown-unclosed-tags",
            "ok",
            write("unclosed-tags.md", resume_markdown() + "\n" + "<a" * 100_000 + "\n"),
            "200 KB of unclosed tags",
            group="slow-text",
        ),
        _c(
            "text-long-separator-run",
            "ok",
            write("separator-run.txt", resume_text("| " * 20_000)),
            "a 40 KB line of '| '",
            group="slow-text",
        ),
        _c(
            "text-long-affix-token",
            "ok",
            write("affix-token.txt", resume_text("(" * 20_000 + ")" * 20_000)),
            "a 40 KB token of parentheses",
            group="slow-text",
        ),
        _c("text-long-date-run", "ok", write("date-run.txt", resume_text("2021-" * 25_000)), "a 125 KB run of '2021-'", group="slow-text"),
    ]


def taxonomy_cases() -> list[Case]:
    text = resume_text(
        "Shipped a QuiverDB retrieval service to production for 5,000 users",
        "Shipped a ZebraNet ranking model to production serving 2 million users",
    )
    only_tab = "\n".join(
        ["Ada Example", "EXPERIENCE", "Data Scientist, Example Retail, 2022 - 2024", "- Shipped a TabNetX churn model to production for 300 stores", ""]
    )
    return [
        _c(
            "taxonomy-hostile-labels",
            "ok",
            write("hostile-labels.txt", text),
            "skill labels that are a formula and markup, in the top-skills cells",
            group="taxonomy",
            cells=(("top_ai_skills", "HYPERLINK"), ("top_ml_skills", "onerror")),
        ),
        _c(
            "taxonomy-tab-label",
            "ok",
            write("tab-label.txt", only_tab),
            "the one skill's label starts with a tab",
            group="taxonomy",
            cells=(("top_ml_skills", "@SUM(1+1)"),),
        ),
    ]


def odd_input_cases() -> list[Case]:
    return [_c("input-folder-name", "ok", write("resume.txt", resume_text()), "an input folder named =cmd|<script>… with a non-UTF-8 byte", group="odd-input")]


def bad_corpus_cases() -> list[Case]:
    """The shared corpus of broken real PDFs, each expected to end as tests/test_corpus.py says; none where it is absent."""
    if not BAD_CORPUS.is_dir():
        return []
    from tests.test_corpus import expected_status

    cases = []
    for pdf in sorted(BAD_CORPUS.glob("*.pdf")):
        try:
            expected = expected_status(pdf.name).value
        except KeyError:
            expected = ANY
        group = "big" if "20000" in pdf.name else "batch"
        cases.append(_c(f"corpus-{pdf.stem}", expected, write(f"corpus-{pdf.name}", pdf.read_bytes), f"shared corpus bad/{pdf.name}", group=group))
    return cases


def all_cases() -> list[Case]:
    cases = [
        *formula_cases(),
        *markup_cases(),
        *name_cases(),
        *symlink_cases(),
        *type_cases(),
        *damage_cases(),
        *encoding_cases(),
        *big_cases(),
        *bomb_cases(),
        *slow_text_cases(),
        *taxonomy_cases(),
        *odd_input_cases(),
        *bad_corpus_cases(),
    ]
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names are unique"
    return cases


# -- running ------------------------------------------------------------------------


def input_state(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` (links not followed, pipes not opened): type, size, mtime and content hash."""
    state: dict[str, tuple] = {}
    root = os.fsencode(folder)
    for current, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = os.path.join(current, name)
            info = os.lstat(path)
            key = os.fsdecode(os.path.relpath(path, root))
            if stat.S_ISLNK(info.st_mode):
                state[key] = ("link", os.fsdecode(os.readlink(path)))
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256()
                with open(path, "rb") as handle:
                    for block in iter(lambda h=handle: h.read(1 << 20), b""):
                        digest.update(block)
                state[key] = ("file", info.st_size, info.st_mtime_ns, stat.S_IMODE(info.st_mode), digest.hexdigest())
            else:
                state[key] = ("other", stat.S_IFMT(info.st_mode), info.st_mtime_ns, stat.S_IMODE(info.st_mode))
    return state


@dataclass
class Run:
    """One ``screener screen`` over a folder, and what it left behind."""

    group: str
    folder: Path
    out: Path
    entries: dict[str, str]  # case name -> entry it made in the folder
    build_seconds: float
    before: dict[str, tuple]
    siblings_before: list[str]
    time_limit: float
    args: tuple[str, ...] = ()
    process: subprocess.Popen | None = None
    started: float = 0.0
    returncode: int | None = None
    seconds: float = 0.0
    stdout: str = ""
    stderr: str = ""
    after: dict[str, tuple] = field(default_factory=dict)
    siblings_after: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    csv_error: str = ""
    run_json: dict = field(default_factory=dict)


def prepare(group: str, cases: list[Case], root: Path) -> Run:
    """The run's folder: the good resumes plus every case, built now."""
    config = GROUPS.get(group, Group())
    base = root / group
    folder, out = base / os.fsdecode(config.folder), base / "out"
    folder.mkdir(parents=True)
    for name, content in config.files:
        (base / name).write_text(content, encoding="utf-8")
    for name in GOOD:
        shutil.copyfile(SAMPLES / name, folder / name)
    start = time.perf_counter()
    entries = {case.name: case.make(folder) for case in cases}
    build = time.perf_counter() - start
    args = tuple(arg.replace("{base}", str(base)) for arg in config.args)
    return Run(group, folder, out, entries, build, input_state(folder), sorted(os.listdir(base)), config.time_limit, args)


def screener_command() -> list[str]:
    """The installed ``screener`` beside this interpreter, or the module run by it."""
    script = Path(sys.executable).with_name("screener")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "screener"]


def start(run: Run) -> None:
    command = [*screener_command(), "screen", str(run.folder), "--out", str(run.out), "--quiet", "--no-cache", "--time-limit", f"{run.time_limit:g}", *run.args]
    run.started = time.perf_counter()
    run.process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    )


def finish(run: Run, bound: float = RUN_BOUND) -> None:
    assert run.process is not None
    remaining = max(1.0, bound - (time.perf_counter() - run.started))
    try:
        out, err = run.process.communicate(timeout=remaining)
    except subprocess.TimeoutExpired:
        os.killpg(run.process.pid, signal.SIGKILL)  # the run's own process group, started above
        out, err = run.process.communicate()
    run.seconds = time.perf_counter() - run.started
    run.returncode = run.process.returncode
    run.stdout, run.stderr = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    run.after = input_state(run.folder)
    run.siblings_after = sorted(os.listdir(run.folder.parent))
    try:
        with open(run.out / "ranking.csv", newline="", encoding="utf-8") as handle:
            run.rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        run.csv_error = f"ranking.csv unreadable: {type(exc).__name__}: {exc}"
    try:
        run.run_json = json.loads((run.out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        run.run_json = {}


def group_cases(cases: Iterable[Case]) -> dict[str, list[Case]]:
    groups: dict[str, list[Case]] = {}
    for case in cases:
        groups.setdefault(case.group, []).append(case)
    return groups


def screen_all(root: Path, cases: list[Case]) -> tuple[Run, dict[str, Run]]:
    """Build every group's folder, run the baseline and every group at once, and wait for all of them."""
    baseline = prepare("baseline", [], root)
    runs = {group: prepare(group, members, root) for group, members in group_cases(cases).items()}
    every = (baseline, *runs.values())
    for run in every:
        start(run)
    with ThreadPoolExecutor(max_workers=len(every)) as waiters:  # each run's time is its own
        list(waiters.map(finish, every))
    return baseline, runs


# -- checking -----------------------------------------------------------------------


def normalise(text: str) -> str:
    """A source as the CSV shows it: whitespace runs collapsed, a neutralising apostrophe dropped, undecodable bytes escaped."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    text = " ".join(text.split())
    return text[1:] if text.startswith("'") else text


def find_row(run: Run, entry: str) -> dict[str, str] | None:
    wanted = normalise(entry)
    matches = [row for row in run.rows if normalise(row.get("source", "")) == wanted]
    return matches[0] if len(matches) == 1 else None


def skipped_paths(run: Run) -> list[str]:
    return [normalise(s.get("path", "")) for s in run.run_json.get("skipped", [])]


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Outcome:
    case: Case
    status: str  # a status, "skipped", or "missing" (no row: a crash)
    message: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def case_outcome(case: Case, run: Run) -> Outcome:
    """What the case ended as, and every way that breaks the contract."""
    entry = run.entries[case.name]
    if SKIPPED in case.expected:
        listed = normalise(entry) in skipped_paths(run)
        row = find_row(run, entry)
        problems = [] if listed and row is None else [f"expected to be skipped; listed={listed}, row={'yes' if row else 'no'}"]
        return Outcome(
            case, SKIPPED if listed else ("missing" if row is None else row["status"]), "listed in run.json as skipped" if listed else "", tuple(problems)
        )
    row = find_row(run, entry)
    if row is None:
        return Outcome(case, "missing", "no row in ranking.csv", (f"no row for {normalise(entry)!r}",))
    status, error = row.get("status", ""), row.get("error", "")
    problems = []
    if status not in STATUSES:
        problems.append(f"invalid status {status!r}")
    elif status not in case.expected:
        problems.append(f"status {status}, expected {'/'.join(sorted(case.expected))}")
    if status != "ok" and (not error.strip() or "\n" in error or "\r" in error):
        problems.append("a failed row needs a one-line error")
    if "Traceback" in error:
        problems.append("a traceback in the error")
    if case.says is not None and case.says not in error:
        problems.append(f"the error does not say {case.says!r}")
    for column, phrase in case.cells:
        if phrase not in row.get(column, ""):
            problems.append(f"{column} does not show {phrase!r}")
    return Outcome(case, status, error, tuple(problems))


SCRIPT_TAGS = frozenset({"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "form", "meta-refresh"})
URL_ATTRIBUTES = frozenset({"href", "src", "xlink:href", "action", "formaction", "data", "poster", "background", "srcset", "ping"})
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")


class _LiveContent(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.findings: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        elif tag in SCRIPT_TAGS:
            self.findings.append(f"<{tag}> element")
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs):
            self.findings.append("<meta http-equiv=refresh>")
        for key, value in attrs:
            if key.startswith("on"):
                self.findings.append(f"<{tag} {key}=...> handler")
            if key in URL_ATTRIBUTES or key == "style":
                squeezed = "".join(ch for ch in (value or "") if ch > " ").lower()
                if any(scheme in squeezed if key == "style" else squeezed.startswith(scheme) for scheme in BAD_SCHEMES):
                    self.findings.append(f"<{tag} {key}={value!r}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def live_content(html: str, allowed_scripts: tuple[str, ...] = ()) -> list[str]:
    """Script elements other than ``allowed_scripts``, event handlers and script URLs in a page."""
    parser = _LiveContent()
    parser.feed(html)
    parser.close()
    findings = list(parser.findings)
    allowed = list(allowed_scripts)
    for script in parser.scripts:
        if script in allowed:
            allowed.remove(script)
        else:
            findings.append(f"<script> element ({script[:60]!r})")
    return findings


def rendered_markdown(text: str) -> str:
    """A Markdown report as a viewer that passes raw HTML through, and links any URL, would show it."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": True})
    renderer.validateLink = lambda url: True  # show every link, javascript: ones too, so an unescaped one is found
    return renderer.render(text)


def page_scripts(html: str) -> tuple[str, ...]:
    parser = _LiveContent()
    parser.feed(html)
    return tuple(parser.scripts)


@dataclass
class RunReport:
    """Run-level findings; each list must be empty."""

    crashes: list[str] = field(default_factory=list)  # non-zero exit, run over the bound, unreadable CSV, rows missing or invalid
    lost: list[str] = field(default_factory=list)  # a good candidate's row or reports changed or missing
    formula_cells: list[str] = field(default_factory=list)
    live_script: list[str] = field(default_factory=list)
    bad_json: list[str] = field(default_factory=list)
    input_changed: list[str] = field(default_factory=list)
    stray_files: list[str] = field(default_factory=list)


#: Every column but the rank, which depends on who else is in the folder.
GOOD_COLUMNS = ("candidate_id", "source", "status", "recommended_role", "ai_fit", "ml_fit", "lean", "confidence")
GOOD_COLUMNS += ("shipped_evidence", "listed_only", "top_ai_skills", "top_ml_skills", "flags", "error")


def good_rows(run: Run) -> dict[str, dict[str, str] | None]:
    return {name: (lambda row: {k: row.get(k, "") for k in GOOD_COLUMNS} if row else None)(find_row(run, name)) for name in GOOD}


def check_run(run: Run, baseline: Run, bound: float = RUN_BOUND) -> RunReport:
    report = RunReport()
    if run.returncode != 0:
        tail = (run.stderr.strip().splitlines() or [""])[-1][:200]
        report.crashes.append(f"{run.group}: exit code {run.returncode} ({tail})")
    if run.seconds > bound:
        report.crashes.append(f"{run.group}: took {run.seconds:.0f} s, over the {bound:.0f} s bound")
    if run.csv_error:
        report.crashes.append(f"{run.group}: {run.csv_error}")
    counted = run.run_json.get("counts", {}).get("candidates")
    if counted is not None and counted != len(run.rows):
        report.crashes.append(f"{run.group}: run.json counts {counted} candidates, ranking.csv has {len(run.rows)} rows")
    for row in run.rows:
        if row.get("status") not in STATUSES:
            report.crashes.append(f"{run.group}: row {row.get('candidate_id')!r} has status {row.get('status')!r}")
        for column, value in row.items():
            if value and value.startswith(FORMULA_STARTS) and not is_number(value):
                report.formula_cells.append(f"{run.group}: {row.get('candidate_id')} {column}={value[:60]!r}")
    expected_good = good_rows(baseline)
    for name, row in good_rows(run).items():
        if row is None or row != expected_good[name]:
            report.lost.append(f"{run.group}: {name}: {row} != baseline {expected_good[name]}")
        elif not all((run.out / "candidates" / f"{row['candidate_id']}.{ext}").is_file() for ext in ("json", "md", "html")):
            report.lost.append(f"{run.group}: {name}: a report file is missing")
    allowed = page_scripts(_read(baseline.out / "index.html"))
    pages = [run.out / "index.html", *sorted((run.out / "candidates").glob("*.html"))] if run.out.is_dir() else []
    for page in pages:
        for finding in live_content(_read(page), allowed if page.name == "index.html" and page.parent == run.out else ()):
            report.live_script.append(f"{run.group}: {page.relative_to(run.out)}: {finding}")
    for page in sorted((run.out / "candidates").glob("*.md")) if run.out.is_dir() else []:
        for finding in live_content(rendered_markdown(_read(page))):
            report.live_script.append(f"{run.group}: {page.relative_to(run.out)} (rendered): {finding}")
    for path in [run.out / "run.json", *sorted((run.out / "candidates").glob("*.json"))] if run.out.is_dir() else []:
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            report.bad_json.append(f"{run.group}: {path.relative_to(run.out)}: {type(exc).__name__}")
    if run.after != run.before:
        changed = sorted(set(run.before.items()) ^ set(run.after.items()))
        report.input_changed.append(f"{run.group}: {len(changed)} entries differ, e.g. {changed[:2]}")
    if run.siblings_after != sorted({*run.siblings_before, "out"}):
        report.stray_files.append(f"{run.group}: beside the input: {run.siblings_after}")
    if run.out.is_dir():
        allowed_names = {"ranking.csv", "index.html", "run.json", "candidates"}
        extra = [p.name for p in run.out.iterdir() if p.name not in allowed_names]
        if (run.out / "candidates").is_dir():
            extra += [f"candidates/{p.name}" for p in (run.out / "candidates").iterdir() if p.suffix not in (".json", ".md", ".html") or not p.is_file()]
        if extra:
            report.stray_files.append(f"{run.group}: unexpected output files {extra}")
    return report


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
