"""PDF ingestion on small rendered fixtures: reading order, structure, links, failures."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from screener.document import LinkKind, SectionKind, Status
from screener.errors import DocumentError
from screener.ingest.engines import ENGINE_NAMES
from screener.ingest.limits import Limits
from screener.ingest.reader import read_document

from .hostile import assemble_pdf, stream
from .pdf_fixtures import drawing_only_pdf, encrypted_pdf, linked_pdf, single_column_pdf, two_column_pdf

LEFT = ["Experience", "Senior ML Engineer, Acme Corp", "Trained ranking models in PyTorch", "and shipped them behind an A/B test."]
RIGHT = ["Skills", "Python, PyTorch, MLflow", "Education", "M.S. Statistics, Lakeside University"]


def test_when_two_columns_share_baselines_then_each_column_is_read_whole(tmp_path, vocab):
    doc = read_document(two_column_pdf(tmp_path / "two.pdf", LEFT, RIGHT), vocab)
    text = " ".join(doc.reading_text().split())
    assert text.index("and shipped them behind an A/B test.") < text.index("Skills")
    assert " ".join(LEFT) in text and " ".join(RIGHT) in text
    assert doc.layout.multi_column_pages == (1,)


def test_when_a_single_column_has_right_aligned_dates_then_it_is_not_split(tmp_path, vocab):
    pdf = single_column_pdf(
        tmp_path / "one.pdf",
        [
            (
                "Experience",
                [
                    "AI Engineer, Northwind Health",
                    "• Shipped a support assistant to 40k users.",
                    "• Cut p95 latency to 900 ms.",
                    "Data Analyst, Lakeside Labs",
                    "• Built weekly dashboards.",
                ],
            )
        ],
        dates={"AI Engineer, Northwind Health": "Mar 2022 – Present", "Data Analyst, Lakeside Labs": "2019 – 2021"},
    )
    doc = read_document(pdf, vocab)
    assert doc.layout.multi_column_pages == ()
    entries = doc.section(SectionKind.EXPERIENCE).entries
    assert [(e.title, e.organisation, e.dates.text) for e in entries] == [
        ("AI Engineer", "Northwind Health", "Mar 2022 – Present"),
        ("Data Analyst", "Lakeside Labs", "2019 – 2021"),
    ]
    assert [b.text for b in entries[0].bullets] == ["Shipped a support assistant to 40k users.", "Cut p95 latency to 900 ms."]
    assert [b.marker for b in entries[0].bullets] == ["•", "•"]


def test_when_a_bullet_glyph_has_no_unicode_then_its_line_is_still_a_bullet(tmp_path, vocab):
    pdf = single_column_pdf(
        tmp_path / "cid.pdf",
        [("Experience", ["Engineer, Foo Inc", "• Kept the lights on."])],
        dates={"Engineer, Foo Inc": "2019 – 2021"},
        bullet_font="Helvetica",
    )
    entry = read_document(pdf, vocab).section(SectionKind.EXPERIENCE).entries[0]
    assert [b.text for b in entry.bullets] == ["Kept the lights on."]


def test_when_a_pdf_has_link_annotations_and_printed_urls_then_both_are_links(tmp_path, vocab):
    doc = read_document(linked_pdf(tmp_path / "links.pdf"), vocab)
    found = {(link.kind, link.source) for link in doc.links}
    assert (LinkKind.GITHUB, "annotation") in found
    assert (LinkKind.PERSONAL, "text") in found


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "status"),
    [
        (lambda p: _write(p, b""), Status.NO_TEXT),
        (lambda p: _write(p, b"just some text pretending to be a PDF"), Status.CORRUPT),
        (lambda p: encrypted_pdf(p), Status.ENCRYPTED),
        (lambda p: drawing_only_pdf(p), Status.NO_TEXT),
    ],
    ids=["zero-byte", "not-a-pdf", "encrypted", "no-text-layer"],
)
@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_when_a_pdf_cannot_be_read_then_a_status_and_one_line_are_given(tmp_path, vocab, make, status, engine):
    pdf = make(tmp_path / "bad.pdf")
    with pytest.raises(DocumentError) as caught:
        read_document(pdf, vocab, engine=engine)
    assert caught.value.status is status
    assert caught.value.message and "\n" not in caught.value.message


IMPORT_PROBE = """
import json, sys
from pathlib import Path
from screener.errors import DocumentError
from screener.ingest.reader import read_document
from screener.vocabulary import load_vocabulary

def status(path, engine):
    try:
        return "read" if read_document(Path(path), load_vocabulary(), engine=engine).sections else "empty"
    except DocumentError as exc:
        return exc.status.value

def loaded():
    return sorted({name.split(".")[0] for name in sys.modules} & {"pdfplumber", "pdfminer", "docx", "markdown_it"})

seen = {}
for label, path, engine in json.loads(sys.argv[1]):
    seen[label] = [status(path, engine), loaded()]
print(json.dumps(seen))
"""


def test_a_pdf_engine_or_reader_is_imported_by_the_first_file_that_needs_it(tmp_path):
    """pdfplumber and pdfminer cost each worker 80-115 ms to import; only a file PDFium cannot open, or ``--engine pdfplumber``, needs them.
    Nor does a PDF need python-docx or markdown-it (50-90 ms more).

    A fresh interpreter, since this test session imported them all long ago.
    """
    good = single_column_pdf(tmp_path / "good.pdf", [("Experience", ["Shipped a RAG service to production"])])
    locked = encrypted_pdf(tmp_path / "locked.pdf")
    damaged = _write(tmp_path / "damaged.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    notes = tmp_path / "notes.md"
    notes.write_text("# Experience\n\n- Shipped a RAG service to production\n", encoding="utf-8")
    steps = [
        ("good", str(good), "pdfium"),
        ("locked", str(locked), "pdfium"),
        ("damaged", str(damaged), "pdfium"),  # PDFium cannot open it; pdfplumber, imported to try, finds no pages
        ("locked-pdfplumber", str(locked), "pdfplumber"),
        ("notes", str(notes), "pdfium"),
    ]
    completed = subprocess.run([sys.executable, "-c", IMPORT_PROBE, json.dumps(steps)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout.strip().splitlines()[-1])
    assert seen["good"] == ["read", []]
    assert seen["locked"] == [Status.ENCRYPTED.value, []]
    assert seen["damaged"] == [Status.NO_TEXT.value, ["pdfminer", "pdfplumber"]]
    assert seen["locked-pdfplumber"] == [Status.ENCRYPTED.value, ["pdfminer", "pdfplumber"]]
    assert seen["notes"] == ["read", ["markdown_it", "pdfminer", "pdfplumber"]]


READERS_PROBE = """
import json, sys
from pathlib import Path
from screener.ingest.reader import import_readers

seen = []
for names in json.loads(sys.argv[1]):
    import_readers(Path(name) for name in names)
    seen.append(sorted({name.split(".")[0] for name in sys.modules} & {"docx", "markdown_it", "pdfplumber"}))
print(json.dumps(seen))
"""


def test_the_readers_a_folder_needs_are_imported_before_its_workers_are_forked():
    """``import_readers`` (called before forking) imports what the folder's formats need, and nothing for PDFs and text."""
    steps = [["a.pdf", "b.txt"], ["c.PDF", "d.DOCX"], ["e.markdown"]]
    completed = subprocess.run([sys.executable, "-c", READERS_PROBE, json.dumps(steps)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == [[], ["docx"], ["docx", "markdown_it"]]


def test_when_a_pdf_is_truncated_then_it_is_read_or_reported_cleanly(tmp_path, vocab):
    whole = single_column_pdf(tmp_path / "whole.pdf", [("Experience", ["Engineer, Foo Inc", "• Did things."])])
    data = whole.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) * 2 // 3])
    try:
        doc = read_document(cut, vocab)
    except DocumentError as exc:
        assert exc.status in {Status.CORRUPT, Status.NO_TEXT}
    else:
        assert doc.text


def test_when_a_parse_runs_past_the_time_limit_then_it_stops_with_timeout(tmp_path, vocab):
    pdf = single_column_pdf(tmp_path / "long.pdf", [("Experience", ["Engineer, Foo Inc"] + ["• A line of work."] * 40)], pages=120)  # 0.4-0.5 s to read
    with pytest.raises(DocumentError) as caught:
        read_document(pdf, vocab, limits=Limits(time_limit=0.05))
    assert caught.value.status is Status.TIMEOUT


def test_when_a_pdf_has_more_pages_than_the_limit_then_the_first_pages_are_read_with_a_warning(tmp_path, vocab):
    pdf = single_column_pdf(tmp_path / "pages.pdf", [("Experience", ["Engineer, Foo Inc", "• Work."])], pages=3)
    doc = read_document(pdf, vocab, limits=Limits(max_pages=2))
    assert doc.layout.pages == 2
    assert any("first 2 pages" in w for w in doc.warnings)


def test_when_a_pdf_is_read_then_the_input_file_is_unchanged(tmp_path, vocab):
    pdf = single_column_pdf(tmp_path / "keep.pdf", [("Experience", ["Engineer, Foo Inc"])])
    before = (pdf.read_bytes(), pdf.stat().st_mtime_ns)
    read_document(pdf, vocab)
    assert (pdf.read_bytes(), pdf.stat().st_mtime_ns) == before


def _vera() -> str:
    """reportlab's own Vera font, registered: it has a glyph for the soft hyphen, as LaTeX's and LibreOffice's fonts do."""
    import os

    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("Vera", os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")))
    return "Vera"


def _letter_spaced_pdf(path, lines: list[str]):
    """Lines in Vera, letters set a twentieth of an em apart."""
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    text = page.beginText(72, 700)
    text.setFont(_vera(), 10)
    text.setCharSpace(0.5)
    for line in lines:
        text.textLine(line)
    page.drawText(text)
    page.save()
    return path


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_when_a_soft_hyphen_is_printed_in_letter_spaced_text_then_the_pdf_is_read(tmp_path, vocab, engine):
    """Its glyph reads as no text, and the next letter stands a little apart: that pair once stopped the PDF as damaged."""
    pdf = _letter_spaced_pdf(tmp_path / "spaced.pdf", ["Experience", "Built the infor\u00admation retrieval service with RAG"])
    doc = read_document(pdf, vocab, engine=engine)
    assert "retrieval service with RAG" in doc.text
    assert [s.kind for s in doc.sections] == [SectionKind.EXPERIENCE]


def _line(page, y: float, text: str, size: float = 10, *, x: float = 72) -> None:
    page.setFont("Helvetica", size)
    page.drawString(x, y, text)


def _overprinted_pdf(path):
    """A heading and a bullet each drawn twice, a quarter point apart (fake bold), then small type with doubled letters."""
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    for dx in (0, 0.3):
        _line(page, 700, "Experience", 14, x=72 + dx)
    _line(page, 680, "Senior ML Engineer, Acme")
    for dx in (0, 0.25):
        _line(page, 665, "Shipped a RAG assistant to 40k users", x=72 + dx)
    _line(page, 640, "Will illustrate small print", 4)
    page.save()
    return path


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_when_text_is_drawn_twice_as_fake_bold_then_it_is_read_once(tmp_path, vocab, engine):
    doc = read_document(_overprinted_pdf(tmp_path / "bold.pdf"), vocab, engine=engine)
    assert [line.text for line in doc.lines[:3]] == ["Experience", "Senior ML Engineer, Acme", "Shipped a RAG assistant to 40k users"]
    assert doc.sections[0].kind is SectionKind.EXPERIENCE
    assert "Will illustrate small print" in doc.text  # doubled letters in 4 pt type are letters, not copies


def test_the_pdfplumber_engine_drops_copies_by_pdfplumbers_own_rule(tmp_path):
    """``drop_duplicates`` is ``pdfplumber``'s ``dedupe_chars`` at its default tolerance, only faster (small type aside)."""
    import pdfplumber
    from pdfplumber.utils.text import dedupe_chars

    from screener.ingest.pdfplumber_engine import drop_duplicates

    with pdfplumber.open(_overprinted_pdf(tmp_path / "bold.pdf")) as pdf:
        chars = [char for char in pdf.pages[0].chars if char["size"] > 5]
    assert drop_duplicates(chars) == dedupe_chars(chars)
    assert len(drop_duplicates(chars)) == len(chars) - len("Experience") - len("Shipped a RAG assistant to 40k users")  # its spaces are drawn too


def _superscripts_pdf(path):
    """Word's way with ordinals and marks: smaller type raised with text rise, beside the word it belongs to."""
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    _line(page, 720, "Experience", 14)
    y = 700
    for pieces in (
        [("Won 1", 0, 10), ("st", 3.3, 6.5), (" place at the 2024 hackathon", 0, 10)],
        [("Cut latency by 40%", 0, 10), ("1", 3.5, 6), (" across the fleet", 0, 10)],
        [("Ranked requests with GPT-4", 0, 10), ("TM", 4, 7)],
    ):
        text = page.beginText(72, y)
        for piece, rise, size in pieces:
            text.setFont("Helvetica", size)
            text.setRise(rise)
            text.textOut(piece)
        page.drawText(text)
        y -= 16
    _line(page, 632, "Senior AI Engineer", 7)  # a small line just above a large one is a line of its own
    _line(page, 620, "Ada Example", 14)
    page.save()
    return path


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_when_superscripts_are_set_with_text_rise_then_they_stay_on_their_line(tmp_path, vocab, engine):
    doc = read_document(_superscripts_pdf(tmp_path / "rise.pdf"), vocab, engine=engine)
    assert [line.text for line in doc.lines] == [
        "Experience",
        "Won 1 st place at the 2024 hackathon",
        "Cut latency by 40% 1 across the fleet",  # the mark stays a word apart: "40%" is still a percentage
        "Ranked requests with GPT-4 TM",
        "Senior AI Engineer",
        "Ada Example",
    ]


def _vera_pdf(path, lines: list[tuple[float, float, str]], creator: str | None = None):
    """Lines (x, y, text) in Vera, the one at the top of the page as a heading; ``creator`` names the tool that made it."""
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    if creator is not None:
        page.setCreator(creator)
    for x, y, text in lines:
        page.setFont(_vera(), 14 if y == 720 else 10)
        page.drawString(x, y, text)
    page.save()
    return path


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_when_a_font_prints_its_hyphen_as_a_soft_hyphen_then_it_reads_as_a_hyphen(tmp_path, vocab, engine):
    """awesome-cv's dates ("Mar. 2021 - Present") lost their end, and words broken at a line end stayed broken."""
    pdf = _vera_pdf(
        tmp_path / "shy.pdf",
        [
            (72, 720, "Experience"),
            (72, 700, "ML Engineer, Acme"),
            (400, 700, "Mar. 2021 \u00ad Present"),
            (72, 686, "\u2022"),
            (84, 686, "Built a cloud\u00adnative retrieval service with Kuber\u00ad"),
            (84, 672, "netes and shipped it to production"),
        ],
        creator="LaTeX with hyperref",  # awesome-cv's: TeX breaks words at syllables itself
    )
    entry = read_document(pdf, vocab, engine=engine).entries[0]
    assert entry.dates is not None and entry.dates.text == "Mar. 2021 - Present" and entry.dates.current
    assert [b.text for b in entry.bullets] == ["Built a cloud-native retrieval service with Kubernetes and shipped it to production"]


#: A bullet whose words break at line ends, as each kind of tool breaks them.
BROKEN_LINES = {
    "Chromium": ["Built a user-", "friendly search with scikit-", "learn and shipped it to production"],
    "LaTeX with hyperref": ["Built a search al-", "gorithm with scikit-", "learn and shipped it to production"],
}


@pytest.mark.parametrize("engine", ENGINE_NAMES)
@pytest.mark.parametrize(
    ("creator", "bullet"),
    [
        ("Chromium", "Built a user-friendly search with scikit-learn and shipped it to production"),  # a browser breaks at typed hyphens only
        ("LaTeX with hyperref", "Built a search algorithm with scikit-learn and shipped it to production"),  # TeX at syllables too
    ],
)
def test_when_a_line_ends_in_a_hyphen_then_the_tool_that_made_the_pdf_decides_whether_it_stays(tmp_path, vocab, engine, creator, bullet):
    """A browser's "user-" / "friendly" is one compound; TeX's "al-" / "gorithm" one word, and its "scikit-" / "learn" stays whole
    because the Skills line writes it so."""
    lines = [(72, 720, "Experience"), (72, 700, "ML Engineer, Acme"), (400, 700, "2021 - Present"), (72, 686, "\u2022")]
    lines += [(84, 686 - 14 * i, text) for i, text in enumerate(BROKEN_LINES[creator])]
    lines += [(72, 600, "Skills"), (72, 586, "Python, scikit-learn, PyTorch")]
    doc = read_document(_vera_pdf(tmp_path / "broken.pdf", lines, creator=creator), vocab, engine=engine)
    assert doc.layout.hyphenates is (creator != "Chromium")
    assert [b.text for b in doc.entries[0].bullets] == [bullet]
    assert " ".join(bullet.split()[-5:-2]) in doc.reading_text()  # the reading text prints the words whole too


def _named_ligatures_pdf(path, differences: bytes, extra: dict[int, bytes] | None = None):
    """One line in a simple font whose own encoding names the glyphs at 27 and 30 (as autoinst's fonts do, with no ToUnicode)."""
    widths = b"/FirstChar 0 /LastChar 255 /Widths [" + b" ".join([b"600"] * 256) + b"]"
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /PQLNFC+GilliusADF-Regular %s /Encoding << /Type /Encoding /Differences %s >> >>"
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        4: font % (widths, differences),
        5: stream(b"BT /F1 12 Tf 72 700 Td (Shipped a \\033ne-tuned, \\036exible model) Tj ET"),
        **(extra or {}),
    }
    path.write_bytes(assemble_pdf(objects))
    return path


@pytest.mark.parametrize("engine", ENGINE_NAMES)
@pytest.mark.parametrize(
    ("differences", "line"),
    [
        (b"[27 /f_i 30 /f_l]", "Shipped a fine-tuned, flexible model"),  # the font's names, not TeX's T1 ligatures (ff, ffi)
        (b"[27 /fi 30 /fl]", "Shipped a fine-tuned, flexible model"),  # the names' presentation forms expand
    ],
)
def test_when_a_font_names_its_ligatures_then_they_read_by_their_names_not_by_tex_encoding(tmp_path, vocab, engine, differences, line):
    """latexcv's sidebar read "scientiffc" and "ffiexible": PDFium cannot map "f_i", and TeX's encoding put other ligatures there."""
    doc = read_document(_named_ligatures_pdf(tmp_path / "named.pdf", differences), vocab, engine=engine)
    assert [source_line.text for source_line in doc.lines] == [line]


def test_when_a_font_names_a_low_code_with_a_name_no_rule_spells_then_it_is_unreadable_not_a_ligature(tmp_path, vocab):
    """A symbol the font names ("circlecopyrt") at a ligature code of TeX's is no ligature."""
    doc = read_document(_named_ligatures_pdf(tmp_path / "named.pdf", b"[27 /circlecopyrt 30 /f_l]"), vocab, engine="pdfium")
    assert doc.lines[0].text == "Shipped a \ufffd ne-tuned, flexible model"  # an unreadable glyph stands alone, as pdfminer's "(cid:N)"
    assert doc.layout.unreadable_chars == 1


def test_when_a_fonts_encoding_names_itself_then_its_names_are_not_read_and_the_page_still_is(tmp_path, vocab):
    """pdfminer's resolve1 follows references without end; a hostile file's object may be a reference to itself."""
    from screener.ingest.font_spellings import named_low_codes

    pdf = _named_ligatures_pdf(tmp_path / "loop.pdf", b"6 0 R", extra={6: b"6 0 R"})
    assert named_low_codes(pdf) == {}
    assert read_document(pdf, vocab, engine="pdfium").lines[0].text.startswith("Shipped a ")


def _drawn_list_pdf(path, icon: bool = False):
    """An entry whose list markers are filled discs, as a browser paints an HTML list, and no marker glyphs."""
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    page.setFont("Helvetica-Bold", 14)
    page.drawString(72, 720, "Experience")
    page.setFont("Helvetica-Bold", 10)
    page.drawString(72, 700, "ML Engineer, Acme")
    page.drawString(460, 700, "2021 - Present")
    page.setFont("Helvetica", 10)
    items = ["Shipped a retrieval service in production", "Cut p95 latency by 40% with caching", "Built evaluation sets for every release"]
    for index, text in enumerate(items):
        y = 684 - 14 * index
        page.circle(88, y + 3.2, 1.6, stroke=0, fill=1)  # a disc of 3.2 pt at the x-height's middle
        page.drawString(96, y, text)
    if icon:
        page.circle(76, 620 + 3.5, 1.6, stroke=0, fill=1)  # one disc beside a contact line: no list
        page.drawString(84, 620, "Toronto, Canada")
    page.save()
    return path


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_when_list_markers_are_drawn_as_discs_then_each_item_is_a_bullet_with_a_marker(tmp_path, vocab, engine):
    """A browser paints an HTML list's discs as paths: each item reached the text as a bare line."""
    doc = read_document(_drawn_list_pdf(tmp_path / "discs.pdf"), vocab, engine=engine)
    bullets = doc.entries[0].bullets
    assert [b.text for b in bullets] == ["Shipped a retrieval service in production", "Cut p95 latency by 40% with caching", "Built evaluation sets for every release"]
    assert {b.marker for b in bullets} == {"\u2022"}


def test_when_a_single_disc_stands_beside_a_line_then_it_is_no_marker(tmp_path, vocab):
    """Markers come in lists: one small shape beside a line is an icon or an ornament."""
    doc = read_document(_drawn_list_pdf(tmp_path / "icon.pdf", icon=True), vocab)
    assert "Toronto, Canada" in [line.text for line in doc.lines]


@pytest.mark.parametrize(
    ("texts", "read"),
    [
        (["\u00ad"], ["-"]),  # drawn alone: the hyphen a line broke at
        (["-\u00ad\u2010"], ["-\u2010"]),  # Word spells its hyphen glyph so: the soft one is only a break opportunity
        (["infor\u00admation", "a"], ["information", "a"]),  # inside an /ActualText too
    ],
)
def test_a_soft_hyphen_is_a_hyphen_only_as_a_glyph_of_its_own(texts, read):
    from screener.ingest.glyphs import printed_hyphens

    assert printed_hyphens(texts) == read
