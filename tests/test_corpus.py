"""The shared corpus: real resumes parse faithfully; broken PDFs fail cleanly.

Skipped cleanly where ../shared is absent. Fidelity is measured with the
shared tool's own scoring functions, on our reading-order text.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.document import Status
from screener.errors import DocumentError
from screener.ingest.limits import Limits
from screener.ingest.pdf import DEFAULT_ENGINE, ENGINES
from screener.ingest.reader import read_document

from .conftest import corpus_dir, fidelity_module

#: Floors held on ../shared/corpus/realworld (issue 2's acceptance).
MEAN_RECALL_FLOOR = 0.99
MEAN_ORDER_FLOOR = 0.97
FILE_FLOOR = 0.90

#: What each broken file must give: a status, or "ok" where a careful reader can still read it.
BAD_EXPECTED = {
    "001_zero-byte-empty.pdf": Status.NO_TEXT,
    "002_corrupted-flate-stream.pdf": Status.OK,
    "003_xref-keyword-missing.pdf": Status.OK,
    "004_tiny-invalid-dictionary.pdf": Status.CORRUPT,
    "005_no-root-object.pdf": Status.CORRUPT,
    "006_page-tree-loop.pdf": Status.OK,
    "007_recursive-xobjects.pdf": Status.OK,
    "008_content-stream-cycle.pdf": Status.CORRUPT,
    "009_user-password-rc4.pdf": Status.ENCRYPTED,
    "010_user-password-aes256-r6.pdf": Status.ENCRYPTED,
    "011_libreoffice-writer-password.pdf": Status.ENCRYPTED,
    "012_certificate-pubsec-encrypted.pdf": Status.ENCRYPTED,
    "013_owner-password-permissions.pdf": Status.ENCRYPTED,
    "014_extraction-not-allowed.pdf": Status.OK,
    "015_image-only-jbig2.pdf": Status.NO_TEXT,
    "016_image-only-ccitt-fax.pdf": Status.NO_TEXT,
    "017_scan-garbage-ocr-bad-xref.pdf": Status.NO_TEXT,
    "018_cid-font-no-tounicode.pdf": Status.NO_TEXT,
    "019_truetype-without-cmap.pdf": Status.NO_TEXT,
    "020_cjk-90ms-rksj-cmap.pdf": Status.OK,
    "021_fuzzed-zero-pages.pdf": Status.NO_TEXT,
    "022_fuzzed-unknown-filter.pdf": Status.CORRUPT,
    "023_null-in-kids-array.pdf": Status.NO_TEXT,
    "024_synth-zero-pages-valid.pdf": Status.NO_TEXT,
    "025_synth-20000-blank-pages.pdf": Status.NO_TEXT,
}


@pytest.fixture(scope="module")
def realworld_docs(vocab):
    folder = corpus_dir("realworld")
    return {pdf.name: read_document(pdf, vocab) for pdf in sorted(folder.glob("*.pdf"))}


#: Where PDFium reads damage differently: it interprets what pdfminer gives up on, and finds no text there.
ENGINE_EXPECTED = {
    "pdfium": {"008_content-stream-cycle.pdf": Status.NO_TEXT, "022_fuzzed-unknown-filter.pdf": Status.NO_TEXT},
    "pdfplumber": {},
}


def expected_status(name: str, engine: str = DEFAULT_ENGINE) -> Status:
    return ENGINE_EXPECTED[engine].get(name, BAD_EXPECTED[name])


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_when_the_bad_corpus_is_read_then_every_file_gets_its_expected_status(vocab, engine):
    folder = corpus_dir("bad")
    limits = Limits(time_limit=30)
    seen = {}
    for pdf in sorted(folder.glob("*.pdf")):
        try:
            read_document(pdf, vocab, limits=limits, engine=engine)
            seen[pdf.name] = Status.OK
        except DocumentError as exc:
            assert exc.message and "\n" not in exc.message
            seen[pdf.name] = exc.status
    expected = {name: expected_status(name, engine) for name in BAD_EXPECTED if (folder / name).exists()}
    assert {name: seen[name] for name in expected} == expected


@pytest.mark.parametrize("name", sorted(BAD_EXPECTED))
def test_when_a_bad_file_is_parsed_by_the_cli_then_it_prints_one_status_line_and_no_traceback(name):
    pdf = corpus_dir("bad") / name
    if not pdf.exists():
        pytest.skip(f"{name} is absent")
    result = CliRunner().invoke(main, ["parse", str(pdf), "--format", "text"])
    assert "Traceback" not in result.output + result.stderr
    if expected_status(name) is Status.OK:
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 1
        assert result.stderr.strip() == result.stderr.strip().splitlines()[0]
        assert result.stderr.startswith(f"{expected_status(name).value}: ")


def test_when_realworld_resumes_are_parsed_then_fidelity_holds_its_floors(realworld_docs):
    fidelity = fidelity_module()
    folder = corpus_dir("realworld")
    texts = {name: doc.reading_text() for name, doc in realworld_docs.items()}
    rows = []
    for ref in sorted(folder.glob("*.ref.txt")):
        pdf_name = ref.name.replace(".ref.txt", ".pdf")
        recall, order = fidelity.scores(ref.read_text(encoding="utf-8"), texts[pdf_name])
        rows.append((pdf_name, recall, order))
    for name, recall, order in rows:
        print(f"{name:45s} recall={recall:.3f} order={order:.3f}")
    mean_recall = sum(r for _, r, _ in rows) / len(rows)
    mean_order = sum(o for _, _, o in rows) / len(rows)
    print(f"mean_recall={mean_recall:.3f} mean_order={mean_order:.3f}")
    assert mean_recall >= MEAN_RECALL_FLOOR
    assert mean_order >= MEAN_ORDER_FLOOR
    assert [name for name, r, o in rows if r < FILE_FLOOR or o < FILE_FLOOR] == []


def test_when_realworld_resumes_are_parsed_then_each_finds_sections_and_entries(realworld_docs):
    weak = []
    for name, doc in realworld_docs.items():
        kinds = {s.kind.value for s in doc.sections}
        if name.startswith("017_"):  # an empty Europass form: a name and nothing else
            continue
        if not ({"experience", "education"} & kinds) or not doc.entries:
            weak.append((name, sorted(kinds)))
    assert weak == []


#: Lines the default engine once read wrongly in the real-world corpus, one regression case per fix.
REALWORLD_READINGS = [
    # A soft hyphen drawn as the font's hyphen (LaTeX): dates kept only their start, compounds lost their hyphen.
    ("006_awesome-cv-resume.pdf", "DevOps Engineer\tSep. 2023 - Mar. 2024"),
    ("007_awesome-cv-cv.pdf", "Back-end\tKoa, Express, Django, REST API"),
    # A superscript set with rise became a line of its own above its line.
    ("004_deedy-resume-openfont.pdf", "2012\t2 nd /150\tCS 3110 Biannual Intra-Class Bot Tournament"),
    ("008_moderncv-classic-green.pdf", "Albert Einstein discovered that e = mc 2 in 1905."),
    # A space PDFium finds in the glyphs' positions, where an overhanging "f" leaves no gap between the boxes.
    ("024_reactive-resume-ditto-sample.pdf", "With over two decades of experience at the forefront of digital asset � nancial"),
    # The circle of a "\textcircled{c}", code 0x0D of TeX's symbol font CMSY, read as the "fl" ligature of a text font.
    ("016_europasscv-latex-en.pdf", "� c European Union, 2002-2013 | http://europass.cedefop.europa.eu\tPage 1 / 2"),
    # The last letter of a table cell in Word grazes the cell's clip path and was taken for hidden.
    ("025_resume-matcher-two-column.pdf", "Bachelor of Science, Computer Science"),
]

#: Words broken at a line end that the reading text prints whole, as their typesetter broke them.
REALWORLD_WHOLE_WORDS = [
    ("016_europasscv-latex-en.pdf", "the partnership between the Council"),  # TeX's syllable break "Coun-" / "cil"
    ("023_reactive-resume-pikachu.pdf", "impactful and user-friendly websites"),  # a browser's break at a typed hyphen
]


@pytest.mark.parametrize(("pdf_name", "words"), REALWORLD_WHOLE_WORDS)
def test_when_a_realworld_resume_breaks_a_word_at_a_line_end_then_its_reading_text_prints_it_whole(realworld_docs, pdf_name, words):
    assert words in realworld_docs[pdf_name].reading_text()


@pytest.mark.parametrize(("pdf_name", "line"), REALWORLD_READINGS)
def test_when_a_realworld_resume_is_read_then_a_line_once_misread_reads_as_printed(realworld_docs, pdf_name, line):
    assert line in [source_line.text for source_line in realworld_docs[pdf_name].lines]
