"""Fairness: a protected attribute never moves a score, and a layout moves it at most 2 points.

Five samples (an AI engineer, an ML engineer, a hybrid with publications, a keyword stuffer and a
junior learner; reportlab and fpdf2 PDFs and a text file) are rendered next to counterfactual
copies of themselves (``tests/counterfactual.py``): another name with the e-mail and links spelled
from it, pronouns, another school, city and country, nationality / marital status / birth year /
age, a photo, the same dates printed another way; and next to their layout twins (every PDF layout
x producer, DOCX, Markdown, text). All of them are screened in one batch
(``benchmarks/fairness.py`` does the work, over all 13 samples and every swap) and each copy is
compared with its base. ``pytest -s`` prints the table of largest differences.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from screener.document import BoxRef, SectionKind
from screener.evidence import EvidenceExtractor, build_extractor
from screener.evidence.units import document_units, text_units
from screener.ingest.reader import read_document
from screener.structure.builder import build_document
from screener.structure.headings import heading_verdict
from screener.structure.source import SourceLine
from screener.taxonomy import load_taxonomy
from screener.vocabulary import load_vocabulary

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import fairness  # noqa: E402
from tests import counterfactual as cf  # noqa: E402

#: The samples screened here: AI engineer, ML engineer (fpdf2), hybrid with publications (two
#: columns), keyword stuffer (fpdf2), junior learner (plain text).
SUBSET = ("nadia-okafor", "mei-lin-zhou", "ingrid-solberg", "brandon-keller", "ayesha-siddiqui")
#: The options of each swap used here (benchmarks/fairness.py uses them all).
CHOICES = {
    "name": ("Lakisha Washington", "Wei Zhang", "José García", "Priya Venkatasubramanian", "Anna Kafka", "Ray Chen"),
    "pronouns": (("headline", "she/her"), ("headline", "they/them"), ("name", "he/him"), ("summary", "they/them")),
    "school": ("Stanford University", "MIT", "Riverside Community College"),
    "location": ("San Francisco, CA", "Lagos, Nigeria", "Dhaka, Bangladesh", "March, UK"),
    "personal": (("summary", "born"), ("summary", "parental-leave"), ("contact", "age"), ("contact", "nationality"), ("section", "details")),
    "dates": tuple(cf.DATE_STYLES),
}
AS_OF = datetime.date(2026, 11, 22)



def _case(kind: str, slug: str, *, only: str | None = None, skip: str | None = None, marks=()):
    ident = f"{kind}-{slug}" + (f"-{only}" if only else "")
    return pytest.param(kind, slug, only, skip, id=ident, marks=marks)


ATTRIBUTE_CASES = [_case(kind, slug) for kind in cf.SWAP_KINDS for slug in SUBSET]
LAYOUT_CASES = [_case("layout", slug) for slug in SUBSET]


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    """The subset, its copies and twins rendered into one folder and screened in one batch."""
    folder = tmp_path_factory.mktemp("fairness")
    variants, outcomes, diffs, timings = fairness.run(SUBSET, cf.KINDS, folder=folder, choices=CHOICES)
    rows = fairness.table(diffs)
    print()
    print(f"fairness over {len(SUBSET)} samples, {len(variants)} candidates (render {timings['render']:.1f} s, screen {timings['screen']:.1f} s)")
    print(fairness.format_table(rows))
    return {"folder": folder, "variants": variants, "outcomes": outcomes, "diffs": diffs, "rows": rows}


def _selected(diffs, kind: str, slug: str, only: str | None, skip: str | None):
    chosen = [d for d in diffs if d.variant.kind == kind and d.variant.base == slug]
    if only:
        chosen = [d for d in chosen if d.variant.label.startswith(only)]
    if skip:
        chosen = [d for d in chosen if not d.variant.label.startswith(skip)]
    return chosen


def _message(diffs) -> str:
    rows = fairness.table(diffs)
    moved = [fairness.explain(d) for d in diffs if d.moved][:5]
    return "\n" + fairness.format_table(rows) + ("\n" + "\n".join(moved) if moved else "")


@pytest.mark.parametrize(("kind", "slug", "only", "skip"), ATTRIBUTE_CASES)
def test_when_a_protected_attribute_is_swapped_then_no_score_moves(screened, record_property, kind, slug, only, skip):
    """Name, pronouns, school, place, personal details, a photo or a date format say nothing about shipped work.

    Nothing may move: neither fit nor lean, role, confidence, flags, evidence counts or top skills.
    """
    diffs = _selected(screened["diffs"], kind, slug, only, skip)
    if kind == "photo" and slug == "ayesha-siddiqui":
        assert diffs == []  # a text file cannot hold a photo
        return
    assert diffs, f"no {kind} copies of {slug}"
    largest = max(d.largest for d in diffs)
    record_property(f"largest_{kind}_{slug}", largest)
    assert largest == 0.0 and not any(d.role_changed or d.confidence_changed or d.details_changed for d in diffs), (
        f"{kind} swaps of {slug}: largest difference {largest:.2f}" + _message(diffs)
    )


@pytest.mark.parametrize(("kind", "slug", "only", "skip"), LAYOUT_CASES)
def test_when_the_layout_or_producer_changes_then_fits_stay_within_two_points(screened, record_property, kind, slug, only, skip):
    """Extraction differs between layouts, so small differences are expected; a reading-order slip is not."""
    diffs = _selected(screened["diffs"], kind, slug, only, skip)
    assert len(diffs) == len(cf.LAYOUT_RENDERS) - 1
    largest = max(d.fit for d in diffs)
    record_property(f"largest_layout_{slug}", largest)
    assert largest <= fairness.LAYOUT_TARGET and not any(d.role_changed for d in diffs), (
        f"layout twins of {slug}: largest fit difference {largest:.2f}" + _message(diffs)
    )


def test_when_the_suite_runs_then_every_swap_kind_is_measured(screened, record_property):
    """The table has a row for every kind, each over every sample of the subset that can carry it."""
    rows = {r.kind: r for r in screened["rows"]}
    assert set(rows) == set(cf.KINDS)
    for row in rows.values():
        record_property(f"largest_{row.kind}", row.largest)
        assert row.sources == (len(SUBSET) - 1 if row.kind == "photo" else len(SUBSET)), row
    assert all(o.status == "ok" for o in screened["outcomes"].values())


def _ranges(outcome) -> list[tuple]:
    return [
        (e.dates.start, e.dates.end, e.dates.current) if e.dates else None
        for document in outcome.result.documents
        for section in document.outline
        for e in section.entries
    ]


def test_when_dates_are_reprinted_then_the_screener_reads_the_same_ranges(screened):
    """ "Mar 2022 – Present", "03/2022 - present", "2022-03 to now" and "March 2022 – Current" are one range."""
    outcomes = screened["outcomes"]
    checked = 0
    for variant in screened["variants"]:
        if variant.kind == "dates":
            base = _ranges(outcomes[variant.base])
            assert any(r is not None for r in base)
            assert _ranges(outcomes[variant.slug]) == base, variant.slug
            checked += 1
    assert checked == len(SUBSET) * len(cf.DATE_STYLES)


def test_when_a_photo_is_added_then_the_first_page_holds_it_and_the_text_is_the_same(screened):
    """The photo copies really carry an image, and the screener reads the same words beside it."""
    folder = screened["folder"]
    vocab = load_vocabulary()
    for variant in screened["variants"]:
        if variant.kind != "photo" or variant.layout not in cf.samples_render.PDF_LAYOUTS:
            continue
        path = folder / f"{variant.slug}.pdf"
        pdf = pdfium.PdfDocument(path)
        try:
            images = [o for o in pdf[0].get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
        finally:
            pdf.close()
        assert len(images) == 1, variant.slug
        assert read_document(path, vocab).text == read_document(folder / f"{variant.base}.pdf", vocab).text


def test_when_a_name_is_swapped_then_no_trace_of_the_old_name_is_left():
    """Name-derived e-mails, handles and hosts are personal data too: the swap must change them with the name."""
    for slug in cf.source_slugs():
        source = cf.load(slug)
        for name in cf.NAMES:
            copy = cf.swap_name(source, name)
            assert copy["name"] == name
            assert cf.name_leaks(copy, source["name"]) == [], (slug, name)
            email = copy["contact"].get("email")
            if email:
                first, last = (cf.compact(p) for p in (name.split()[0], name.split()[-1]))
                assert first in cf.compact(email.split("@")[0]) or last in cf.compact(email), (slug, name, email)
    assert cf.swap_name(cf.load("leilani-kahananui"), "Wei Zhang")["contact"]["email"] == "wei.z@example.com"
    assert cf.swap_name(cf.load("oluwaseun-adeyemi"), "Wei Zhang")["contact"]["links"][-1] == "https://wei.example.org"


def test_when_copies_are_made_then_each_changes_only_its_attribute():
    """A copy differs from its base in what its kind names, and the base itself is left untouched."""
    base = cf.load("nadia-okafor")
    before = repr(base)
    copies = {v.slug: v for v in cf.variants_for("nadia-okafor", base)}
    assert repr(base) == before
    school = copies["nadia-okafor--school--riverside-community-college"].source
    assert cf.schools(school) == ["Riverside Community College"] and school["name"] == base["name"]
    place = copies["nadia-okafor--location--lagos-nigeria"].source
    assert place["contact"]["location"] == "Lagos, Nigeria"
    assert {e.get("location") for s in place["sections"] for e in s.get("entries") or []} - {None} == {"Remote", "Lagos, Nigeria"}
    dated = copies["nadia-okafor--dates--iso"].source["sections"][1]["entries"][0]
    assert dated["dates"] == "2022-03 to now"
    assert cf.format_range("2022-03", "present", "long") == "March 2022 – Current"
    assert cf.format_range("2019-08", "2022-02", "numeric") == "08/2019 - 02/2022"
    assert not cf.printable(cf.swap_name(base, "Nguyễn Thị Hoa"), "single_column", "reportlab")
    assert cf.printable(cf.swap_name(base, "José García"), "single_column", "fpdf2")


# --------------------------------------------------------------------------- the fixes the suite led to


@pytest.fixture(scope="module")
def extractor():
    return EvidenceExtractor(build_extractor(load_taxonomy()))


def test_when_a_surname_is_also_a_skill_then_an_author_list_credits_nothing(extractor):
    """ "M. Kafka, A. Grant." cites people: a candidate called Kafka (or Spark, or Ray) earns nothing for it."""
    assert extractor.units(text_units(["M. Kafka, A. Grant.", "D. Okoro, J. Spark, R. Ray."], mode="publication")) == []
    kept = extractor.units(text_units(["Built the Kafka consumers behind the billing events."]))
    assert [s.alias for item in kept for s in item.skills] == ["Kafka"]


def test_when_pronouns_follow_a_headline_then_it_is_still_a_heading():
    """A headline set large is the header's title either way; "(she/her)" must not make it a line of listed skills."""
    vocab = load_vocabulary()
    plain = SourceLine("Machine Learning Engineer, Recommendations", size=12.0)
    with_pronouns = SourceLine("Machine Learning Engineer, Recommendations (she/her)", size=12.0)
    assert heading_verdict(plain, 10.0, vocab) == heading_verdict(with_pronouns, 10.0, vocab) is not None


def test_when_a_bullet_wraps_before_a_capital_then_it_stays_one_unit():
    """Where a long name pushes a line break ("Large-Scale" / "Recommender Systems") must not cut a bullet in two."""
    vocab = load_vocabulary()
    lines = [
        SourceLine("Publications", size=12.0, bold=True, new_block=True),
        SourceLine("- M. Washington, A. Grant. Sequential recommendation under drift. Workshop on Large-Scale", size=10.0, new_block=True, indent=0),
        SourceLine("Recommender Systems, 2022.", size=10.0, indent=2),
    ]
    doc = build_document(lines, source="x.txt", format="text", vocab=vocab)
    units = [u.text for u in document_units(doc) if u.section is SectionKind.PUBLICATIONS]
    assert units[-1] == "Workshop on Large-Scale Recommender Systems, 2022."


def test_when_the_left_column_runs_on_to_page_two_then_it_stays_in_its_section():
    """Page 2 of a two-column resume continues the left column, read after page 1's right column: not Education."""
    vocab = load_vocabulary()

    def line(text, page, column, x0, top, *, size=10.0, bold=False, new_block=False):
        return SourceLine(
            text, page=page, column=column, size=size, bold=bold, box=BoxRef(page=page, x0=x0, top=top, x1=x0 + 200, bottom=top + 10), new_block=new_block
        )

    lines = [
        line("Ada Example", 1, 0, 42, 40, size=22.0, bold=True, new_block=True),
        line("Projects", 1, 1, 42, 100, size=12.0, bold=True, new_block=True),
        line("ragcheck\t2022", 1, 1, 42, 120, bold=True, new_block=True),
        line("• Shipped a RAG regression library used by 40 teams.", 1, 1, 44, 132),
        line("Education", 1, 2, 371, 100, size=12.0, bold=True, new_block=True),
        line("B.S. Computer Science\t2013 – 2017", 1, 2, 371, 120, bold=True, new_block=True),
        line("Voice-to-ticket agent\t2023", 2, 3, 42, 40, bold=True, new_block=True),
        line("• Shipped a tool-calling agent that files tickets from voice notes.", 2, 3, 44, 52),
    ]
    doc = build_document(lines, source="x.pdf", format="pdf", vocab=vocab)
    by_kind = {s.kind: [e.title for e in s.entries] for s in doc.sections}
    assert by_kind[SectionKind.PROJECTS] == ["ragcheck", "Voice-to-ticket agent"]
    assert by_kind[SectionKind.EDUCATION] == ["B.S. Computer Science"]
