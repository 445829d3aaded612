"""DOCX, Markdown and plain-text readers: the lines they hand over, the Document built from them, and their failures."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt

from screener.document import SectionKind, Status
from screener.errors import DocumentError
from screener.ingest import docx_reader, markdown_reader, text_reader
from screener.structure.builder import build_document
from screener.structure.source import SourceLine

BULLETS = [
    "Shipped a RAG assistant on pgvector serving 40k tickets/month",
    "Built a churn model in XGBoost for 2M subscribers",
]
MB = 1024 * 1024


def _experience(lines: list[SourceLine], fmt: str, vocab):  # type: ignore[no-untyped-def]
    doc = build_document(lines, source=f"resume.{fmt}", format=fmt, vocab=vocab)
    section = doc.section(SectionKind.EXPERIENCE)
    assert section is not None, [s.kind for s in doc.sections]
    return doc, section


def _assert_acme_entry(section) -> None:  # type: ignore[no-untyped-def]
    entry = section.entries[0]
    assert (entry.title, entry.organisation) == ("ML Engineer", "Acme Corp")
    assert entry.dates is not None and entry.dates.text == "Jan 2020 – Present"
    assert entry.dates.current and str(entry.dates.start) == "2020-01"
    assert [b.text for b in entry.bullets] == BULLETS


# -- DOCX fixtures -------------------------------------------------------------------


def _add_hyperlink(paragraph, url: str, text: str) -> None:  # type: ignore[no-untyped-def]
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _number(paragraph, num_id: str = "1") -> None:  # type: ignore[no-untyped-def]
    """Give a paragraph direct numbering properties (``w:numPr``), as Word does for lists."""
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), "0")
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), num_id)
    num_pr.append(ilvl)
    num_pr.append(num)
    ppr.append(num_pr)


def resume_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("Jane Doe", style="Title")
    contact = d.add_paragraph("jane@example.com | ")
    _add_hyperlink(contact, "https://github.com/janedoe", "GitHub")
    d.add_heading("Experience", level=1)
    d.add_heading("ML Engineer, Acme Corp", level=2)
    d.add_paragraph("Jan 2020 – Present")
    for bullet in BULLETS:
        d.add_paragraph(bullet, style="List Bullet")
    d.add_heading("Skills", level=1)
    d.add_paragraph("Python, PyTorch, pgvector")
    d.save(path)
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# -- DOCX ----------------------------------------------------------------------------


def test_when_a_docx_resume_is_read_then_the_experience_entry_has_title_organisation_dates_and_bullets(tmp_path, vocab):
    lines = docx_reader.read_lines(resume_docx(tmp_path / "jane.docx"))
    doc, section = _experience(lines, "docx", vocab)
    _assert_acme_entry(section)
    assert doc.sections[0].kind is SectionKind.CONTACT
    assert "Jane Doe" in doc.text[: doc.sections[0].span.end]


def test_when_a_docx_is_read_then_styles_decide_headings_list_items_and_blocks(tmp_path):
    lines = docx_reader.read_lines(resume_docx(tmp_path / "jane.docx"))
    got = [(line.text, line.heading_level, line.list_item, line.new_block) for line in lines]
    assert got == [
        ("Jane Doe", 0, False, True),
        ("jane@example.com | GitHub", None, False, True),
        ("Experience", 1, False, True),
        ("ML Engineer, Acme Corp", 2, False, True),
        ("Jan 2020 – Present", None, False, True),
        (BULLETS[0], None, True, False),
        (BULLETS[1], None, True, False),
        ("Skills", 1, False, True),
        ("Python, PyTorch, pgvector", None, False, True),
    ]


def test_when_a_docx_has_hyperlinks_then_read_links_returns_their_targets(tmp_path):
    assert docx_reader.read_links(resume_docx(tmp_path / "jane.docx")) == ["https://github.com/janedoe"]


def test_when_runs_are_bold_or_sized_then_the_line_carries_bold_and_points(tmp_path):
    d = docx.Document()
    whole = d.add_paragraph()
    for text in ("All ", "bold"):
        run = whole.add_run(text)
        run.bold = True
        run.font.size = Pt(14)
    mixed = d.add_paragraph()
    mixed.add_run("Partly ").bold = True
    mixed.add_run("bold")
    d.add_heading("Styled bold", level=1)  # bold through the Heading 1 style, not the run
    d.save(tmp_path / "b.docx")
    lines = docx_reader.read_lines(tmp_path / "b.docx")
    assert [(line.text, line.bold) for line in lines] == [("All bold", True), ("Partly bold", False), ("Styled bold", True)]
    assert lines[0].size == 14.0
    assert lines[1].size > 0  # the style sheet's size when the run sets none


def test_when_styles_are_based_on_each_other_in_a_loop_or_on_a_missing_style_then_the_chain_ends(tmp_path):
    from docx.enum.style import WD_STYLE_TYPE

    d = docx.Document()
    first, second = (d.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH) for name in ("Loop One", "Loop Two"))
    second.font.bold = True
    first.base_style, second.base_style = second, first  # a cycle: One -> Two -> One
    orphan = d.styles.add_style("Orphan", WD_STYLE_TYPE.PARAGRAPH)
    orphan.element.get_or_add_basedOn().set(qn("w:val"), "NoSuchStyle")
    orphan.font.size = Pt(13)
    d.add_paragraph("Bold through the loop", style="Loop One")
    d.add_paragraph("Sized by a style based on nothing", style="Orphan")
    d.save(tmp_path / "s.docx")
    lines = docx_reader.read_lines(tmp_path / "s.docx")
    assert [(line.text, line.bold) for line in lines] == [("Bold through the loop", True), ("Sized by a style based on nothing", False)]
    assert lines[1].size == 13.0


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d.add_paragraph("Numbered by style", style="List Number"), True),
        (lambda d: d.add_paragraph("A list paragraph", style="List Paragraph"), True),
        (lambda d: _number(d.add_paragraph("Numbered directly")), True),
        (lambda d: _number(d.add_paragraph("Numbering switched off", style="List Bullet"), num_id="0"), False),
        (lambda d: d.add_paragraph("A subtitle", style="Subtitle"), False),  # its style has a level but no numbering
        (lambda d: d.add_paragraph("Plain"), False),
    ],
)
def test_when_a_paragraph_is_numbered_or_list_styled_then_it_is_a_list_item(tmp_path, make, expected):
    d = docx.Document()
    make(d)
    d.save(tmp_path / "l.docx")
    (line,) = docx_reader.read_lines(tmp_path / "l.docx")
    assert line.list_item is expected
    assert line.new_block is not expected


def test_when_a_docx_has_tables_then_rows_are_read_in_document_order(tmp_path):
    d = docx.Document()
    d.add_paragraph("Before")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "ML Engineer, Acme Corp"
    table.cell(0, 1).text = "Jan 2020 – Present"
    left = table.cell(1, 0)
    left.text = "Sidebar line one"
    left.add_paragraph("Sidebar line two")
    table.cell(1, 1).text = "Main column"
    d.add_paragraph("After")
    d.save(tmp_path / "t.docx")
    texts = [line.text for line in docx_reader.read_lines(tmp_path / "t.docx")]
    assert texts == ["Before", "ML Engineer, Acme Corp\tJan 2020 – Present", "Sidebar line one", "Sidebar line two", "Main column", "After"]


def test_when_text_has_soft_breaks_hidden_runs_or_empty_paragraphs_then_only_visible_text_is_kept(tmp_path):
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("First half")
    p.add_run().add_break()
    p.add_run("second half")
    d.add_paragraph("")
    d.add_paragraph("   ")
    hidden = d.add_paragraph("Visible")
    hidden.add_run(" python pytorch langchain").font.hidden = True
    d.save(tmp_path / "s.docx")
    assert [line.text for line in docx_reader.read_lines(tmp_path / "s.docx")] == ["First half second half", "Visible"]


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_when_text_sits_in_a_content_control_or_a_text_box_then_it_is_read_once(tmp_path):
    d = docx.Document()
    d.add_paragraph("Body")
    sdt = parse_xml(f"<w:sdt {W}><w:sdtContent><w:p><w:r><w:t>In a content control</w:t></w:r></w:p></w:sdtContent></w:sdt>")
    d.element.body.insert(1, sdt)
    box = parse_xml(
        f'<w:p {W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent>'
        "<mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>In a text box</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>In a text box</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    d.element.body.insert(2, box)
    d.save(tmp_path / "c.docx")
    assert [line.text for line in docx_reader.read_lines(tmp_path / "c.docx")] == ["Body", "In a content control", "Anchor", "In a text box"]


OLE = docx_reader.OLE_SIGNATURE + b"\x00" * 504


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"", Status.CORRUPT, "not a valid DOCX file (the file is empty)"),
        (b"Jane Doe\nML Engineer\n", Status.CORRUPT, "not a valid DOCX file (not a zip archive)"),
        (b"PK\x03\x04 truncated", Status.CORRUPT, "not a valid DOCX file (not a zip archive)"),
        (zip_bytes({"xl/workbook.xml": b"<workbook/>"}), Status.CORRUPT, "not a valid DOCX file (a zip archive without word/document.xml)"),
        (zip_bytes({"[Content_Types].xml": b"<nonsense", "word/document.xml": b"<w:document/>"}), Status.CORRUPT, "not a valid DOCX file ("),
        (OLE + "EncryptionInfo".encode("utf-16-le"), Status.ENCRYPTED, "the DOCX is password-protected"),
        (OLE, Status.ENCRYPTED, "the DOCX is password-protected"),
        (OLE + "WordDocument".encode("utf-16-le"), Status.UNSUPPORTED, "a legacy Word .doc file, not DOCX; save it as .docx"),
        (zip_bytes({"word/document.xml": b"\x00" * (2 * MB)}), Status.ERROR, "(zip bomb?)"),
    ],
    ids=["zero-bytes", "text-file", "truncated-zip", "not-word", "broken-package", "encrypted", "ole", "legacy-doc", "zip-bomb"],
)
def test_when_a_docx_is_not_a_readable_docx_then_a_document_error_says_why(tmp_path, content, status, message):
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    for read in (docx_reader.read_lines, docx_reader.read_links):
        with pytest.raises(DocumentError) as caught:
            read(path)
        assert caught.value.status is status
        assert message in caught.value.message
        assert "\n" not in caught.value.message


def test_when_a_docx_would_expand_past_the_limit_then_it_is_refused_before_parsing(tmp_path):
    data = resume_docx(tmp_path / "ok.docx").read_bytes()
    docx_reader.check_container(data)  # the real file passes
    with pytest.raises(DocumentError) as caught:
        docx_reader.check_container(data, max_expanded=1024)
    assert caught.value.status is Status.ERROR
    assert caught.value.message.startswith("the DOCX expands to ") and caught.value.message.endswith("(zip bomb?)")


def test_when_a_docx_has_no_text_then_it_is_no_text(tmp_path):
    d = docx.Document()
    d.add_paragraph("")
    d.add_table(rows=1, cols=2)
    d.save(tmp_path / "empty.docx")
    with pytest.raises(DocumentError) as caught:
        docx_reader.read_lines(tmp_path / "empty.docx")
    assert (caught.value.status, caught.value.message) == (Status.NO_TEXT, "the DOCX has no text")


# -- Markdown ------------------------------------------------------------------------

RESUME_MD = """---
title: Jane Doe, resume
tags: [ml]
---
# Jane Doe

jane@example.com · [GitHub](https://github.com/janedoe)

## Experience

### ML Engineer, Acme Corp

*Jan 2020 – Present*

- Shipped a RAG assistant on pgvector serving
  40k tickets/month
- Built a churn model in **XGBoost** for 2M subscribers

## Skills

Python, PyTorch, pgvector
"""


def test_when_a_markdown_resume_is_read_then_the_experience_entry_has_title_organisation_dates_and_bullets(tmp_path, vocab):
    path = tmp_path / "jane.md"
    path.write_text(RESUME_MD, encoding="utf-8")
    lines = markdown_reader.read_lines(path)
    doc, section = _experience(lines, "markdown", vocab)
    _assert_acme_entry(section)
    assert [b.marker for b in section.entries[0].bullets] == ["-", "-"]
    assert "title:" not in doc.text
    assert "https://github.com/janedoe" in {link.url for link in doc.links}


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("## Experience", [("Experience", 2, False, False)]),
        ("Skills\n======", [("Skills", 1, False, False)]),
        ("- one\n* two\n+ three", [("- one", None, True, False), ("* two", None, True, False), ("+ three", None, True, False)]),
        ("1. first\n2. second", [("1. first", None, True, False), ("2. second", None, True, False)]),
        ("3) third", [("3) third", None, True, False)]),
        ("- wrapped item\n  goes on\nand on lazily", [("- wrapped item goes on and on lazily", None, True, False)]),
        ("A paragraph\nwrapped over\nthree lines.", [("A paragraph wrapped over three lines.", None, False, False)]),
        ("**ML Engineer, Acme Corp**", [("ML Engineer, Acme Corp", None, False, True)]),
        ("__Data Scientist__", [("Data Scientist", None, False, True)]),
        ("**ML Engineer**, Acme Corp", [("ML Engineer, Acme Corp", None, False, False)]),
        ("Used *PyTorch* and _JAX_ with my_snake_case_var", [("Used PyTorch and JAX with my_snake_case_var", None, False, False)]),
        ("See [my site](https://jane.dev) and <https://x.dev>", [("See my site (https://jane.dev) and https://x.dev", None, False, False)]),
        ("[jane@example.com](mailto:jane@example.com)", [("jane@example.com", None, False, False)]),
        ("[![build](https://img.shields.io/b.svg)](https://ci.dev)", [("https://ci.dev", None, False, False)]),
        ("Line one  \nline two", [("Line one", None, False, False), ("line two", None, False, False)]),
        ("Use `torch.compile` \\*always\\*", [("Use torch.compile *always*", None, False, False)]),
        ("```\npip install x\n\nrun x\n```", [("pip install x", None, False, False), ("run x", None, False, False)]),
        ('<div align="center"><b>Jane</b><br>ML</div>', [("Jane", None, False, False), ("ML", None, False, False)]),
        ("| Role | Dates |\n|---|---|\n| ML Engineer | 2020 – 2023 |", [("Role\tDates", None, False, False), ("ML Engineer\t2020 – 2023", None, False, False)]),
        ("---\nNot front matter\n---\nBody", [("Not front matter", 2, False, False), ("Body", None, False, False)]),
        ("> Quoted praise", [("Quoted praise", None, False, False)]),
        ("***\n\n---", []),
    ],
)
def test_when_markdown_is_read_then_syntax_becomes_line_properties(markdown, expected):
    lines = markdown_reader.lines_from_markdown(markdown)
    assert [(line.text, line.heading_level, line.list_item, line.bold) for line in lines] == expected


def test_when_a_list_nests_or_an_item_has_a_second_paragraph_then_indent_keeps_them_apart():
    lines = markdown_reader.lines_from_markdown("- outer\n  - inner\n\n  more about outer\n- next")
    assert [(line.text, line.list_item, line.indent) for line in lines] == [
        ("- outer", True, 0.0),
        ("- inner", True, 2.0),
        ("more about outer", False, 2.0),
        ("- next", True, 0.0),
    ]


def test_when_paragraphs_follow_each_other_then_each_starts_a_block():
    lines = markdown_reader.lines_from_markdown("One.\n\nTwo.")
    assert [line.new_block for line in lines] == [True, True]


# -- plain text -----------------------------------------------------------------------

RESUME_TXT = """JANE DOE
jane@example.com | github.com/janedoe

EXPERIENCE

ML Engineer, Acme Corp
Jan 2020 – Present
- Shipped a RAG assistant on pgvector serving
  40k tickets/month
- Built a churn model in XGBoost for 2M subscribers

Skills:
Python, PyTorch, pgvector
"""


def test_when_a_text_resume_is_read_then_the_experience_entry_has_title_organisation_dates_and_bullets(tmp_path, vocab):
    path = tmp_path / "jane.txt"
    path.write_text(RESUME_TXT, encoding="utf-8")
    lines = text_reader.read_lines(path)
    doc, section = _experience(lines, "text", vocab)
    _assert_acme_entry(section)
    assert doc.sections[0].kind is SectionKind.CONTACT
    assert doc.section(SectionKind.SKILLS) is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EXPERIENCE\nAcme", [("EXPERIENCE", 1, True, 0), ("Acme", None, False, 0)]),
        ("Skills:\nPython", [("Skills:", 1, True, 0), ("Python", None, False, 0)]),
        ("Volunteering\n============\nFood bank", [("Volunteering", 1, True, 0), ("Food bank", None, False, 0)]),
        ("Side Quests\n-----------\nA game", [("Side Quests", 1, True, 0), ("A game", None, False, 0)]),
        ("- built it\n    and shipped it\n- next", [("- built it and shipped it", None, True, 0), ("- next", None, False, 0)]),
        ("  • indented bullet\n      wrapped", [("• indented bullet wrapped", None, True, 2)]),
        ("- bullet\nnot indented", [("- bullet", None, True, 0), ("not indented", None, False, 0)]),
        ("- one\n  - nested", [("- one", None, True, 0), ("- nested", None, False, 2)]),
        ("First\n\n\nSecond", [("First", None, True, 0), ("Second", None, True, 0)]),
        ("Above\n**********\nBelow", [("Above", None, True, 0), ("Below", None, True, 0)]),
        ("\tTabbed", [("Tabbed", None, True, 4)]),
        ("Title\tJan 2020 – Present", [("Title\tJan 2020 – Present", None, True, 0)]),
        ("Windows\r\nline\rends", [("Windows", None, True, 0), ("line", None, False, 0), ("ends", None, False, 0)]),
    ],
)
def test_when_text_is_read_then_conventions_become_line_properties(text, expected):
    lines = text_reader.lines_from_text(text)
    assert [(line.text, line.heading_level, line.new_block, line.indent) for line in lines] == expected


@pytest.mark.parametrize(
    "label",
    ["Responsibilities:", "Key achievements:", "ACME CORP"],
)
def test_when_a_caps_or_colon_label_sits_inside_an_entry_then_the_bullets_stay_in_experience(vocab, label):
    text = f"EXPERIENCE\n\nML Engineer, Acme Corp\nJan 2020 – Present\n\n{label}\n- {BULLETS[0]}\n- {BULLETS[1]}\n"
    lines = text_reader.lines_from_text(text, vocab)
    assert [line.heading_level for line in lines if line.text == label] == [None]
    doc, section = _experience(lines, "text", vocab)
    assert [b.text for e in section.entries for b in e.bullets] == BULLETS


def test_when_a_label_line_follows_the_dates_then_the_header_keeps_title_and_organisation(vocab):
    text = f"EXPERIENCE\n\nML Engineer, Acme Corp\nJan 2020 – Present\nResponsibilities:\n- {BULLETS[0]}\n- {BULLETS[1]}\n"
    _, section = _experience(text_reader.lines_from_text(text, vocab), "text", vocab)
    _assert_acme_entry(section)


def test_when_a_form_feed_separates_pages_then_lines_carry_their_page():
    lines = text_reader.lines_from_text("Page one\fPage two\n\fPage three")
    assert [(line.text, line.page, line.new_block) for line in lines] == [("Page one", 1, True), ("Page two", 2, True), ("Page three", 3, True)]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Café – Zürich “quoted”".encode(), "Café – Zürich “quoted”"),
        (codecs.BOM_UTF8 + "Café".encode(), "Café"),
        ("Café – Zürich “quoted”".encode("cp1252"), "Café – Zürich “quoted”"),
        (b"caf\xe9 \x81", "café \x81"),  # 0x81 is undefined in cp1252: latin-1 takes it
        (codecs.BOM_UTF16_LE + "Café résumé".encode("utf-16-le"), "Café résumé"),
        (codecs.BOM_UTF16_BE + "Café".encode("utf-16-be"), "Café"),
    ],
    ids=["utf-8", "utf-8-bom", "cp1252", "latin-1", "utf-16-le", "utf-16-be"],
)
def test_when_text_is_in_a_legacy_or_unicode_encoding_then_it_is_decoded(tmp_path, data, expected):
    path = tmp_path / "enc.txt"
    path.write_bytes(data)
    assert [line.text for line in text_reader.read_lines(path)] == [expected]


@pytest.mark.parametrize(
    ("reader", "name", "data", "status", "message"),
    [
        (text_reader.read_lines, "bin.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00binary", Status.UNSUPPORTED, "binary file, not text"),
        (markdown_reader.read_lines, "bin.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Status.UNSUPPORTED, "binary file, not text"),
        (text_reader.read_lines, "empty.txt", b"", Status.NO_TEXT, "the text file is empty"),
        (text_reader.read_lines, "blank.txt", b"\n  \n\t\n", Status.NO_TEXT, "the text file is empty"),
        (markdown_reader.read_lines, "empty.md", b"---\ntitle: x\n---\n\n", Status.NO_TEXT, "the Markdown file has no text"),
    ],
)
def test_when_a_text_or_markdown_file_is_binary_or_empty_then_a_document_error_says_why(tmp_path, reader, name, data, status, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError) as caught:
        reader(path)
    assert (caught.value.status, caught.value.message) == (status, message)


# -- all readers ---------------------------------------------------------------------

READERS = [docx_reader.read_lines, markdown_reader.read_lines, text_reader.read_lines]


@pytest.mark.parametrize("reader", READERS, ids=["docx", "markdown", "text"])
def test_when_a_file_is_over_the_size_limit_then_it_is_refused_unread(tmp_path, reader):
    path = tmp_path / "huge"
    with path.open("wb") as handle:
        handle.truncate(int(31.2 * MB))  # sparse: nothing is written
    with pytest.raises(DocumentError) as caught:
        reader(path)
    assert (caught.value.status, caught.value.message) == (Status.ERROR, "the file is 31.2 MB; the limit is 20 MB")


@pytest.mark.parametrize("reader", READERS, ids=["docx", "markdown", "text"])
def test_when_the_size_limit_is_lowered_then_the_message_names_it(tmp_path, reader):
    path = tmp_path / "small"
    path.write_bytes(b"x" * 3000)
    with pytest.raises(DocumentError) as caught:
        reader(path, max_bytes=1024)
    assert caught.value.message == "the file is 2.9 KB; the limit is 1 KB"


@pytest.mark.parametrize("reader", READERS, ids=["docx", "markdown", "text"])
def test_when_the_file_is_missing_then_it_is_a_document_error(tmp_path, reader):
    with pytest.raises(DocumentError) as caught:
        reader(tmp_path / "missing")
    assert caught.value.status is Status.ERROR
    assert caught.value.message.startswith("cannot read the file")
