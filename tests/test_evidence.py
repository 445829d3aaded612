"""Evidence extraction behaviour: strengths, ambiguity, negation, lists, provenance."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from screener.document import SectionKind
from screener.evidence import EvidenceExtractor, build_extractor
from screener.evidence.lexicon import inflect
from screener.evidence.scope import MatchScope
from screener.evidence.strength import grade
from screener.evidence.units import text_units
from screener.ingest.reader import read_document
from screener.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def extractor():
    return EvidenceExtractor(build_extractor(load_taxonomy()))


def items(extractor, text, mode="work"):
    return extractor.units(text_units([text], mode=mode))


def one(extractor, text, mode="work"):
    found = items(extractor, text, mode)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "mode", "strength"),
    [
        ("Deployed the Kafka consumers to production across 3 regions.", "work", "shipped"),
        ("Migrated 40 services to Kubernetes, cutting infra cost by 30%.", "work", "shipped"),
        ("Own the Kafka platform used by 200 engineers.", "work", "shipped"),
        ("Built a prototype ingestion service in Kafka.", "work", "built"),
        ("Wrote Terraform modules for the data team.", "work", "built"),
        ("Familiar with Kubernetes and Terraform.", "work", "learning"),
        ("Completed a course on Kubernetes fundamentals.", "work", "learning"),
        ("Python, SQL, Kafka, Kubernetes", "list", "listed"),
        ("Tech stack: Python, Kafka, Kubernetes, Terraform", "work", "listed"),
        ("Engineer with a passion for Kubernetes and clean code.", "summary", "listed"),
    ],
)
def test_when_a_sentence_is_graded_then_its_strength_follows_the_rules(extractor, text, mode, strength):
    assert one(extractor, text, mode).strength == strength


@pytest.mark.parametrize(
    ("text", "mode", "expected"),
    [
        ("Rewrote the billing service in Go, halving p95 latency.", "work", {"golang"}),
        ("Languages: Python, Go, SQL", "list", {"python", "golang", "sql"}),
        ("Helped the team go live two weeks early.", "work", set()),
        ("Ready to Go the extra mile.", "work", set()),
        ("Analysed survey data in R and Python.", "work", {"r_language", "python"}),
        ("Led R&D budgeting for the lab.", "work", set()),
        ("Built the ingestion path in Rust with tokio.", "work", {"rust"}),
    ],
)
def test_when_a_word_has_a_second_life_then_context_decides(extractor, text, mode, expected):
    assert {s.id for item in items(extractor, text, mode) for s in item.skills} == expected


def test_when_a_skill_is_negated_then_it_is_not_evidence(extractor):
    item = one(extractor, "Shipped the API in Python with no experience with Kubernetes at the time.")
    assert {s.id for s in item.skills} == {"python"}
    assert {s.id for s in item.negated} == {"kubernetes"}


def test_when_a_skill_is_confirmed_by_context_then_the_reason_is_recorded(extractor):
    item = one(extractor, "Rewrote the billing service in Go.")
    assert item.skills[0].confirmed_by in {"context: 'rewrote'", "context: 'service'"}


def test_when_a_mention_is_found_then_its_offsets_quote_the_alias(extractor):
    text = "Deployed Kafka and Terraform changes to production."
    for skill in one(extractor, text).skills:
        assert text[skill.start : skill.end] == skill.alias


@pytest.mark.parametrize(
    ("base", "anywhere", "at_start"),
    [
        ("ship", {"shipped", "shipping"}, {"ship", "ships"}),
        ("deploy", {"deployed", "deploying"}, {"deploy", "deploys"}),
        ("optimize", {"optimized", "optimizing"}, {"optimize", "optimizes"}),
        ("roll out", {"rolled out", "rolling out"}, {"roll out", "rolls out"}),
        ("carry", {"carried", "carrying"}, {"carry", "carries"}),
    ],
)
def test_when_a_verb_is_inflected_then_regular_forms_are_generated(base, anywhere, at_start):
    forms = inflect(base, {})
    assert forms.anywhere == anywhere and forms.at_start == at_start


def test_when_a_verb_is_irregular_then_the_listed_forms_are_used():
    forms = inflect("build", {"build": ["built", "building", "builds"]})
    assert forms.anywhere == {"built", "building"} and "builds" in forms.at_start


@pytest.mark.parametrize(
    ("mode", "kinds", "quantities", "strength"),
    [
        ("work", {"build"}, set(), "built"),
        ("work", {"delivery"}, set(), "shipped"),
        ("work", {"production"}, set(), "shipped"),
        ("work", {"impact", "business"}, {"percent"}, "shipped"),
        ("work", {"impact"}, {"percent"}, "built"),
        ("work", {"impact", "business", "metric"}, {"percent"}, "built"),
        ("work", {"delivery", "offline"}, set(), "built"),
        ("work", {"build"}, {"scale"}, "shipped"),
        ("learning", {"research"}, set(), "built"),
        ("list", {"hedge"}, set(), "learning"),
        ("summary", {"production"}, set(), "listed"),
        ("work", {"build", "metric"}, set(), "built"),
        ("work", {"delivery", "hedge"}, set(), "learning"),
        ("learning", {"delivery"}, set(), "learning"),
        ("list", {"delivery"}, set(), "listed"),
        ("publication", set(), set(), "built"),
    ],
)
def test_when_signals_are_graded_then_the_rules_hold(mode, kinds, quantities, strength):
    assert grade(mode, kinds, quantities, listish=False)[0] == strength


def test_when_a_resume_is_explained_then_items_carry_their_entry_and_dates(extractor, vocab):
    doc = read_document(REPO / "samples" / "resumes" / "nadia-okafor.pdf", vocab)
    evidence = extractor.document(doc)
    work = [i for i in evidence if i.section is SectionKind.EXPERIENCE]
    assert work and all(i.entry is not None and i.entry.dates is not None for i in work)
    assert {i.strength for i in evidence if i.section is SectionKind.SKILLS} == {"listed"}


#: Units in which the bundled token patterns match (GPT model numbers, F1 with a score, @k ranking and detection metrics).
PATTERN_TEXTS = [
    "Shipped GPT-4o and gpt4.1 summaries to production for 2M users.",
    "Raised F1 from 0.81 to 0.93 on the fraud model and deployed it.",
    "Improved NDCG@10 by 12% and mAP@50 to 0.61, then shipped both models.",
    "Python, SQL, Kafka, Kubernetes",
    "Wrote the F1 visa paperwork guide.",
]


def _evidence_json(extractor, texts):
    return [item.model_dump_json() for item in extractor.units(text_units(texts))]


def test_when_patterns_scan_only_from_words_a_match_can_start_on_then_the_evidence_is_a_whole_scans(extractor, vocab):
    import dataclasses

    every_word = MatchScope(starts=None, longest=None)
    whole = EvidenceExtractor(dataclasses.replace(extractor.x, pattern_scope=every_word))
    assert extractor.x.pattern_scope.starts  # the bundled patterns all open on a word with a lexeme flag
    texts = PATTERN_TEXTS + [" ".join(PATTERN_TEXTS)]
    found = _evidence_json(extractor, texts)
    assert found == _evidence_json(whole, texts)
    assert sum('"rule":"pattern"' in item for item in found) >= 4
    for path in sorted((REPO / "samples" / "resumes").rglob("*.pdf"))[:6]:
        doc = read_document(path, vocab)
        assert [i.model_dump_json() for i in extractor.document(doc)] == [i.model_dump_json() for i in whole.document(doc)]


def _patterned(tmp_path, pattern: str) -> EvidenceExtractor:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "remove: [openai_api, f1_score, detection_metrics, ranking_metrics]\n"
        f"skills:\n  - {{id: zz_tool, label: Zz, role: ai, pillars: [retrieval], kind: tool, aliases: [Zzyzx], patterns: [{pattern}]}}\n",
        encoding="utf-8",
    )
    return EvidenceExtractor(build_extractor(load_taxonomy([extra])))


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        ('[{LOWER: {REGEX: "^zz[0-9]+$"}}]', 1),  # one flag: spaCy hands it back as a flat array
        ('[{LOWER: the, OP: "?"}, {LOWER: {REGEX: "^zz[0-9]+$"}}]', None),  # may start on any word
    ],
)
def test_when_a_pattern_is_added_as_data_then_it_is_found_however_it_starts(tmp_path, pattern, starts):
    patterned = _patterned(tmp_path, pattern)
    scope = patterned.x.pattern_scope
    assert (scope.starts if starts is None else len(scope.starts)) == starts
    item = one(patterned, "Deployed the zz9 retrieval service to production for 3 teams.")
    assert [s.id for s in item.skills] == ["zz_tool"] and item.skills[0].rule == "pattern"


@pytest.mark.parametrize(
    ("patterns", "starts", "longest"),
    [
        ([[{30: True}], [{31: True}, {"LOWER": "x", "OP": "?"}]], (30, 31), 2),
        ([[{"LIKE_NUM": True}, {"ORTH": "%"}]], "LIKE_NUM", 2),  # spaCy's own lexeme flags count too
        ([[{30: True}, {"LOWER": "x", "OP": "*"}]], (30,), None),  # may run on
        ([[{30: True}], [{"LOWER": "x"}]], None, 1),  # a word without a flag may start one
        ([[{30: True, "OP": "?"}, {31: True}]], None, 2),  # optional first word
        ([[{30: True, "OP": "!"}]], None, 1),  # negated first word
    ],
)
def test_when_a_scope_is_read_off_patterns_then_it_names_where_a_match_can_start_and_how_long_it_runs(patterns, starts, longest):
    from spacy.attrs import IDS

    scope = MatchScope.of(patterns)
    assert scope.starts == ((IDS[starts],) if isinstance(starts, str) else starts)
    assert scope.longest == longest


def test_when_a_process_screens_again_with_the_same_taxonomy_then_its_matchers_are_reused(tmp_path):
    from screener.evidence import shared_extractor
    from screener.evidence.pipeline import KEEP_BUILT

    bundled = shared_extractor(load_taxonomy())
    assert shared_extractor(load_taxonomy()) is bundled  # a second load of the same files: the same digest
    extended = []
    for index in range(KEEP_BUILT):
        extra = tmp_path / f"extra-{index}.yaml"
        extra.write_text(f"skills:\n  - {{id: zz_tool_{index}, label: Zz, role: ai, pillars: [retrieval], kind: tool, aliases: [Zzyzx{index}]}}\n", encoding="utf-8")
        extended.append(shared_extractor(load_taxonomy([extra])))
    assert all(x is not bundled for x in extended) and f"zz_tool_{KEEP_BUILT - 1}" in extended[-1].taxonomy.skills
    assert shared_extractor(load_taxonomy()) is not bundled  # the oldest of more than KEEP_BUILT was let go
    in_code = dataclasses.replace(load_taxonomy(), sha256="")
    assert shared_extractor(in_code) is not shared_extractor(in_code)  # no digest, nothing to know it by


def test_when_a_browser_made_pdf_breaks_a_skill_at_its_hyphen_then_the_skill_is_still_found(tmp_path, extractor):
    """A compound the writer typed ("scikit-learn") keeps its hyphen across the line end: mended away, it named no skill."""
    from reportlab.pdfgen import canvas

    from screener.vocabulary import load_vocabulary

    path = tmp_path / "chromium.pdf"
    page = canvas.Canvas(str(path))
    page.setCreator("Chromium")
    for y, text in ((720, "Summary"), (700, "I trained and shipped ranking models with scikit-"), (686, "learn, serving 2M users in production.")):
        page.setFont("Helvetica-Bold" if y == 720 else "Helvetica", 14 if y == 720 else 10)
        page.drawString(72, y, text)
    page.save()
    doc = read_document(path, load_vocabulary())
    assert not doc.layout.hyphenates
    assert "scikit_learn" in {skill.id for item in extractor.document(doc) for skill in item.skills}
