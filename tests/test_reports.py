"""Fit reports (DESIGN §5): Markdown and HTML from a real screened resume, questions, hostile text."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from screener.document import Status
from screener.evidence import EvidenceExtractor, build_extractor
from screener.ingest.reader import read_document
from screener.reports import quote_fragment
from screener.reports.html import render_html, safe_href
from screener.reports.markdown import md_escape, render_markdown
from screener.reports.questions import MAX_QUESTIONS, MIN_QUESTIONS, interview_questions
from screener.results import CandidateResult
from screener.scoring import score_candidate
from screener.taxonomy import Taxonomy, load_taxonomy
from screener.vocabulary import load_vocabulary

REPO = Path(__file__).resolve().parents[1]
AS_OF = datetime.date(2026, 11, 22)
HOSTILE = (
    'Shipped <script>alert(1)</script> the "><img src=x onerror=alert(1)> bot | with | pipes\n'
    "| a | b |\n# not a heading\n- not a list [click](javascript:alert(1)) javascript:alert(1) https://example.com/ok"
)


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="module")
def result(taxonomy: Taxonomy) -> CandidateResult:
    doc = read_document(REPO / "samples/resumes/nadia-okafor.pdf", load_vocabulary())
    items = EvidenceExtractor(build_extractor(taxonomy)).document(doc)
    scores = score_candidate(items, taxonomy, as_of=AS_OF)
    return CandidateResult(
        candidate_id="nadia-okafor",
        source="nadia-okafor.pdf",
        status=Status.OK,
        evidence=tuple(items),
        scores=scores,
        flags=scores.flags,
        gaps=("Optimisation and scale",),
        listed_skills=("LangGraph",),
        rank=1,
    )


def top_item(result: CandidateResult) -> int:
    """The evidence item that earned the most points in the AI fit."""
    assert result.scores is not None
    points: dict[int, float] = {}
    for pillar in result.scores.breakdown["ai_engineer"].pillars:
        for c in pillar.contributions:
            points[c.item] = points.get(c.item, 0.0) + c.points
    return max(points, key=lambda i: (points[i], -i))


def with_text(result: CandidateResult, index: int, text: str) -> CandidateResult:
    evidence = list(result.evidence)
    evidence[index] = evidence[index].model_copy(update={"text": text})
    return result.model_copy(update={"evidence": tuple(evidence), "questions": ()})


def quoted_fragments(question: str) -> list[str]:
    return [f.rstrip("…") for f in re.findall(r"“([^”]*)”", question)]


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def parse(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


def table_rows_have_equal_cells(markdown: str) -> None:
    """Every row of every Markdown table has as many unescaped pipes as the table's header."""
    table: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            counts = {len(re.findall(r"(?<!\\)\|", row)) for row in table}
            assert len(counts) == 1, table
            table = []


# -- What the reports show -------------------------------------------------------------------


@pytest.mark.parametrize("render", [render_markdown, render_html], ids=["markdown", "html"])
def test_when_rendered_then_the_report_shows_recommendation_fits_pillars_quotes_and_questions(result: CandidateResult, render) -> None:  # type: ignore[no-untyped-def]
    assert result.scores is not None
    report = render(result)
    assert "AI engineer" in report and "ML engineer" in report
    assert "confidence" in report and result.scores.confidence in report
    assert f"{result.scores.ai_fit:.1f}" in report
    assert f"{result.scores.ml_fit:.1f}" in report
    for breakdown in result.scores.breakdown.values():
        for pillar in breakdown.pillars:
            assert pillar.label in report
    top = result.evidence[top_item(result)]
    assert top.text in report
    assert top.entry is not None and top.entry.organisation and top.entry.organisation in report
    for question in interview_questions(result, None):
        assert question.replace("'", "&#39;") in report or question in report
    assert "LangGraph" in report and "Optimisation and scale" in report


def test_when_rendered_then_markdown_puts_recommendation_first_and_tables_stay_whole(result: CandidateResult) -> None:
    markdown = render_markdown(result)
    lines = markdown.splitlines()
    assert lines[0] == "# Fit report: nadia-okafor (nadia-okafor.pdf)"
    assert lines[2].startswith("**Recommendation: AI engineer** · confidence **high**")
    assert "| pillar | weight | points | evidence | mentions | strongest evidence |" in markdown
    table_rows_have_equal_cells(markdown)


def test_when_rendered_then_html_is_self_contained(result: CandidateResult) -> None:
    html = render_html(result)
    tags = parse(html)
    names = {t for t, _ in tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    assert "style" in names
    assert not re.search(r"(?:src|href)\s*=\s*\"?(?:https?:)?//", html)
    assert "@import" not in html and "url(" not in html


def test_when_rendered_twice_or_from_json_then_output_is_identical(result: CandidateResult) -> None:
    again = CandidateResult.model_validate_json(result.model_dump_json())
    assert render_markdown(result) == render_markdown(result) == render_markdown(again)
    assert render_html(result) == render_html(result) == render_html(again)
    assert interview_questions(result, None) == interview_questions(again, None)


def test_when_the_result_carries_questions_then_the_reports_show_those(result: CandidateResult) -> None:
    own = result.model_copy(update={"questions": ("Q one?", "Q two?", "Q three?")})
    assert "1. Q one?" in render_markdown(own)
    assert "<li>Q three?</li>" in render_html(own)


# -- Interview questions ---------------------------------------------------------------------


def test_when_asked_then_questions_number_three_to_six_and_quote_claims_verbatim(result: CandidateResult, taxonomy: Taxonomy) -> None:
    questions = interview_questions(result, taxonomy)
    assert MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS
    claims = [q for q in questions if "“" in q]
    assert len(claims) >= 2
    texts = [" ".join(i.text.split()) for i in result.evidence if i.strength in ("shipped", "built")]
    for question in claims:
        (fragment,) = quoted_fragments(question)
        assert len(fragment.split()) >= 3
        assert any(fragment in text for text in texts), fragment
    assert len({q.split("”: ", 1)[-1] for q in claims}) == len(claims), "follow-ups repeat"


def test_when_asked_then_the_strongest_claim_comes_first(result: CandidateResult) -> None:
    first = interview_questions(result, None)[0]
    (fragment,) = quoted_fragments(first)
    assert " ".join(result.evidence[top_item(result)].text.split()).startswith(fragment)


def test_when_there_are_gaps_and_listed_skills_then_questions_probe_them(result: CandidateResult, taxonomy: Taxonomy) -> None:
    questions = interview_questions(result, taxonomy)
    assert any(q.startswith("Nothing in the resume shows optimisation or scale") for q in questions)
    assert any("You list LangGraph but no work" in q for q in questions)
    more = result.model_copy(update={"gaps": ("Evaluation of LLM systems", "Retrieval", "Model evaluation"), "listed_skills": ("Docker", "LangGraph")})
    asked = interview_questions(more, taxonomy)
    assert len(asked) == MAX_QUESTIONS
    assert "Nothing in the resume shows evaluation of LLM systems: how have you known whether an LLM feature's answers were right?" in asked
    assert any("LangGraph" in q for q in asked), "the recommended role's listed skill comes first"


def test_when_asked_then_questions_never_name_the_candidate(result: CandidateResult) -> None:
    named = with_text(result, top_item(result), "Nadia shipped the Okafor assistant to production, cutting p95 latency by half for 900 users.")
    for question in interview_questions(named, None):
        assert "nadia" not in question.lower() and "okafor" not in question.lower()


def test_when_a_claim_mentions_a_protected_attribute_then_it_is_not_quoted(result: CandidateResult) -> None:
    text = "As a married mother of two I shipped the assistant to production for 900 users."
    for question in interview_questions(with_text(result, top_item(result), text), None):
        assert "married" not in question and "mother" not in question


def test_when_a_candidate_has_only_listed_skills_then_questions_still_number_three(result: CandidateResult, taxonomy: Taxonomy) -> None:
    listed = [i for i in result.evidence if i.strength in ("listed", "learning")]
    scores = score_candidate(listed, taxonomy, as_of=AS_OF)
    thin = result.model_copy(update={"evidence": tuple(listed), "scores": scores, "gaps": (), "listed_skills": (), "questions": ()})
    questions = interview_questions(thin, taxonomy)
    assert MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS
    assert "Insufficient evidence" in render_markdown(thin)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Cut p95 latency from 6.8 s to 2.1 s by streaming tokens, caching embeddings and moving re-ranking to a small model.",
            ("Cut p95 latency from 6.8 s to 2.1 s by streaming tokens", True),
        ),
        ("Led the launch of a RAG assistant (pgvector, BM25) used by 1,800 people.", ("Led the launch of a RAG assistant", True)),
        ("Added guardrails for PHI redaction; zero leaks.", ("Added guardrails for PHI redaction", True)),
        ("Built a churn model in XGBoost.", ("Built a churn model in XGBoost", False)),
        (
            "Built an offline harness of graded pairs plus judge checks that runs in CI and blocks changes",
            ("Built an offline harness of graded pairs plus judge checks that runs in CI", True),
        ),
        ("Built one\nthing across\n  lines", ("Built one thing across lines", False)),
    ],
)
def test_when_clipping_a_claim_then_the_fragment_is_verbatim_and_ends_on_a_word(text: str, expected: tuple[str, bool]) -> None:
    assert quote_fragment(text) == expected


# -- Hostile resume text ---------------------------------------------------------------------


def hostile_result(result: CandidateResult) -> CandidateResult:
    index = top_item(result)
    hostile = with_text(result, index, HOSTILE)
    item = hostile.evidence[index]
    assert item.entry is not None
    entry = item.entry.model_copy(update={"title": "<b>Lead</b> | x", "organisation": '"><img src=x onerror=alert(1)>'})
    evidence = list(hostile.evidence)
    evidence[index] = item.model_copy(update={"entry": entry, "section_heading": "<script>alert(2)</script>\n## Work"})
    return hostile.model_copy(update={"evidence": tuple(evidence), "source": "<svg onload=alert(3)>.pdf", "candidate_id": "x|y"})


def test_when_resume_text_is_hostile_then_html_escapes_it(result: CandidateResult) -> None:
    html = render_html(hostile_result(result))
    tags = parse(html)
    assert not [t for t, _ in tags if t in ("script", "img", "svg", "iframe")]
    assert not [(t, a) for t, attrs in tags for a, _ in attrs if a.lower().startswith("on")]
    hrefs = [v or "" for _, attrs in tags for a, v in attrs if a == "href"]
    assert hrefs == ["https://example.com/ok"]
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_when_resume_text_is_hostile_then_markdown_tables_and_lines_hold(result: CandidateResult) -> None:
    markdown = render_markdown(hostile_result(result))
    table_rows_have_equal_cells(markdown)
    lines = markdown.splitlines()
    assert not any(line.startswith("# not a heading") or line.startswith("- not a list") or line.startswith("## Work") for line in lines)
    assert not re.search(r"(?<!\\)<", markdown), "every < is escaped"
    assert not re.search(r"(?<!\\)\]\(javascript:", markdown), "no link to javascript:"
    assert "\\<script\\>alert(1)\\</script\\>" in markdown
    assert "with \\| pipes \\| a \\| b \\|" in markdown


def test_when_hostile_text_is_quoted_in_questions_then_html_escapes_it(result: CandidateResult) -> None:
    hostile = with_text(result, top_item(result), "Shipped <script>alert(1)</script> to production for 900 users, cutting cost in half.")
    questions = interview_questions(hostile, None)
    assert any("<script>" in q for q in questions), "the fragment is quoted verbatim"
    html = render_html(hostile)
    assert not [t for t, _ in parse(html) if t == "script"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/x", "https://example.com/x"),
        ("http://example.com", "http://example.com"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//example.com", None),
        ("https:///nohost", None),
    ],
)
def test_when_a_url_is_not_http_then_it_never_becomes_a_link(url: str, expected: str | None) -> None:
    assert safe_href(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", "a \\| b"),
        ("line\nbreak", "line break"),
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("1. item", "\\1. item"),
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("under_score and *star*", "under\\_score and \\*star\\*"),
        ("p95 latency from 6.8 s to 2.1 s", "p95 latency from 6.8 s to 2.1 s"),
    ],
)
def test_when_text_goes_into_markdown_then_it_is_escaped(text: str, expected: str) -> None:
    assert md_escape(text) == expected


# -- Failed candidates -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.NO_TEXT, Status.ENCRYPTED, Status.CORRUPT, Status.TIMEOUT])
def test_when_a_candidate_failed_then_a_short_report_names_status_and_error(status: Status) -> None:
    failed = CandidateResult(candidate_id="scan", source="scan.pdf", status=status, error="could not read <b>page</b> | 1", flags=("needs_review",))
    markdown = render_markdown(failed)
    assert markdown.startswith("# Fit report: scan (scan.pdf)\n")
    assert "**Not screened: " + md_escape(status.value) + "**" in markdown
    assert "could not read \\<b\\>page\\</b\\> \\| 1" in markdown
    assert "Interview questions" not in markdown
    html = render_html(failed)
    assert f"Not screened: {status.value}" in html
    assert "could not read &lt;b&gt;page&lt;/b&gt; | 1" in html
    assert "Interview questions" not in html and "needs_review" in html
    assert interview_questions(failed, None) == ()
