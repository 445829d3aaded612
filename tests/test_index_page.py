"""index.html (DESIGN §3): structure, escaping and, in a real headless Chromium, sorting, filtering and links.

Results come from the real pipeline over the sample PDFs (no mocks); hostile
candidates are real results with their id or skill labels replaced. The
browser test drives Chromium over the DevTools protocol (tests/browser.py)
and skips, saying how to install it, where no Chromium is found.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from screener.document import Status
from screener.evidence import EvidenceExtractor, build_extractor
from screener.index_page import QUADRANT_SPLIT, RunSummary, render_index, report_href
from screener.ingest.reader import read_document
from screener.results import CandidateResult
from screener.scoring import score_candidate
from screener.taxonomy import load_taxonomy
from tests.browser import Browser, find_chromium

REPO = Path(__file__).resolve().parents[1]
AS_OF = datetime.date(2026, 11, 22)
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "</title></svg><script>alert(1)</script>",
)


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def screened(taxonomy, vocab) -> list[CandidateResult]:
    """The sample PDFs through the real pipeline, ranked in file order, plus one encrypted file."""
    extractor = EvidenceExtractor(build_extractor(taxonomy))
    results = []
    for i, path in enumerate(sorted((REPO / "samples" / "resumes").glob("*.pdf"))):
        items = extractor.document(read_document(path, vocab))
        scores = score_candidate(items, taxonomy, as_of=AS_OF)
        results.append(
            CandidateResult(candidate_id=path.stem, source=path.name, status=Status.OK, evidence=tuple(items), scores=scores, flags=scores.flags, rank=i + 1)
        )
    assert len(results) >= 3, "the samples should hold several PDFs"
    results.append(CandidateResult(candidate_id="locked", source="locked.pdf", status=Status.ENCRYPTED, error="the PDF needs a password"))
    return results


def summary_of(results: list[CandidateResult]) -> RunSummary:
    return RunSummary.from_results(
        results,
        taxonomy_version="test",
        ranking_role="best",
        input_folder="resumes",
        started="2026-11-22T10:00:00+00:00",
        finished="2026-11-22T10:00:04+00:00",
        seconds=4.2,
    )


def render(results: list[CandidateResult]) -> str:
    return render_index(results, summary_of(results))


def ok(results: list[CandidateResult]) -> list[CandidateResult]:
    return [r for r in results if r.ok]


# -- reading the page back ----------------------------------------------------------------------


class Page(HTMLParser):
    """Every element with its attributes, the scripts' text, and the page's text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def rows(self) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == "tr" and "data-role" in a]


def assert_inert(html: str) -> None:
    """One script (the page's own), no event-handler attributes, no javascript: URLs, nothing loaded from outside."""
    page = Page(html)
    assert len(page.all("script")) == 1 and page.all("script")[0] == {}
    for tag, attrs in page.elements:
        handlers = [name for name in attrs if name.lower().startswith("on")]
        assert not handlers, f"<{tag}> carries {handlers}"
        for name in ("href", "src", "xlink:href", "action", "formaction"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith("javascript:"), f"<{tag} {name}={value!r}>"
            assert not re.match(r"^(https?:)?//", value), f"<{tag} {name}={value!r}> reaches the network"
        assert tag not in ("img", "iframe", "object", "embed", "link", "base", "form"), f"unexpected <{tag}>"


# -- structure ------------------------------------------------------------------------------------


def test_when_rendered_then_every_candidate_has_a_row_and_a_link_to_its_report(screened):
    page = Page(render(screened))
    ids = [row["data-id"] for row in page.rows()]
    assert sorted(ids) == sorted(r.candidate_id for r in screened)
    hrefs = {a["href"] for a in page.all("a")}
    for r in screened:
        assert f"candidates/{quote(r.candidate_id, safe='')}.html" in hrefs


def test_when_rendered_then_ok_rows_come_in_rank_order_and_failed_rows_after_them(screened):
    shuffled = [screened[-1], *reversed(screened[:-1])]  # the failed one first, the rest reversed
    rows = Page(render(shuffled)).rows()
    assert [row["data-id"] for row in rows] == [r.candidate_id for r in screened]
    roles = [row["data-role"] for row in rows]
    assert roles[-1] == "failed" and "failed" not in roles[:-1]


def test_when_rendered_then_each_row_shows_the_scores_of_its_candidate(screened):
    html = render(screened)
    for r in ok(screened):
        s = r.scores
        row = re.search(rf'<tr class="ok" data-id="{re.escape(r.candidate_id)}".*?</tr>', html, re.S)
        assert row, r.candidate_id
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)]
        assert cells[0] == str(r.rank)
        assert cells[1] == r.candidate_id
        assert cells[3:5] == [f"{s.ai_fit:.1f}", f"{s.ml_fit:.1f}"]
        assert cells[6:9] == [s.confidence, str(s.shipped_evidence), str(s.listed_only)]
        for label in (*s.top_ai_skills, *s.top_ml_skills):
            assert re.sub(r"<[^>]+>", "", row.group(0)).count(label.replace("&", "&amp;")) >= 1


def test_when_a_file_failed_then_its_row_shows_status_and_error_and_no_scores(screened):
    html = render(screened)
    row = re.search(r'<tr class="failed" data-id="locked".*?</tr>', html, re.S)
    assert row
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)]
    assert cells[0] == "" and cells[3] == "" and cells[4] == ""
    assert cells[-2:] == ["encrypted", "the PDF needs a password"]


def test_when_rendered_then_the_scatter_has_one_point_per_ok_candidate_linking_to_its_report(screened):
    page = Page(render(screened))
    points = [a for t, a in page.elements if t == "a" and a.get("class") == "point"]
    assert sorted(p["data-id"] for p in points) == sorted(r.candidate_id for r in ok(screened))
    for p in points:
        assert p["href"] == report_href(p["data-id"])
    assert "locked" not in {p["data-id"] for p in points}
    circles = page.all("circle")
    assert len(circles) == len(points)
    assert all(c["class"].startswith("c-") for c in circles)


def test_when_rendered_then_points_sit_where_their_fits_say(screened):
    """x = ML fit and y = AI fit on a 0–100 square: a higher fit is further right / further up."""
    html = render(screened)
    where = {
        m[0]: (float(m[1]), float(m[2]))
        for m in re.findall(r'data-id="([^"]+)" data-role="[^"]+"><title>.*?<circle class="[^"]+" cx="([\d.]+)" cy="([\d.]+)"', html)
    }
    rs = ok(screened)
    for a in rs:
        for b in rs:
            if a.scores.ml_fit > b.scores.ml_fit + 0.5:
                assert where[a.candidate_id][0] > where[b.candidate_id][0]
            if a.scores.ai_fit > b.scores.ai_fit + 0.5:
                assert where[a.candidate_id][1] < where[b.candidate_id][1]


def test_when_rendered_then_the_quadrants_are_labelled_and_split_at_the_stated_threshold(screened):
    html = render(screened)
    for label in ("AI engineer", "ML engineer", "hybrid", "little evidence"):
        assert f">{label}</text>" in html
    assert f"split at {QUADRANT_SPLIT:.1f}" in html
    assert f"Dashed lines at fit {QUADRANT_SPLIT:.1f}" in html
    ticks = re.findall(r'text-anchor="middle">(\d+)</text>', html)
    assert ticks[:6] == ["0", "20", "40", "60", "80", "100"]


def test_when_rendered_then_the_run_summary_is_shown(screened):
    page = Page(render(screened))
    text = " ".join(" ".join(page.text).split())
    assert f"candidates {len(screened)}" in text
    assert f"screened {len(ok(screened))}" in text
    assert "failed 1 encrypted" in text
    assert "started 2026-11-22T10:00:00+00:00" in text and "duration 4.2 s" in text
    assert "taxonomy test" in text and "ranking role best" in text


def test_when_rendered_then_the_role_filter_offers_every_role_and_failed(screened):
    page = Page(render(screened))
    values = [o["value"] for o in page.all("option")]
    assert values == ["all", "ai_engineer", "ml_engineer", "hybrid", "insufficient_evidence", "failed"]


def test_when_rendered_then_every_column_header_is_sortable_in_the_csv_order(screened):
    page = Page(render(screened))
    keys = [a["data-key"] for a in page.all("th")]
    assert keys == [
        "rank",
        "candidate",
        "recommended_role",
        "ai_fit",
        "ml_fit",
        "lean",
        "confidence",
        "shipped_evidence",
        "listed_only",
        "top_ai_skills",
        "top_ml_skills",
        "flags",
        "status",
        "error",
    ]
    assert all(a["data-type"] in ("num", "text") for a in page.all("th"))
    assert len(page.all("button", type="button")) == len(keys)


def test_when_rendered_then_the_page_is_self_contained_and_admits_only_its_own_script(screened):
    html = render(screened)
    assert_inert(html)
    page = Page(html)
    (script,) = page.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    (csp,) = page.all("meta", **{"http-equiv": "Content-Security-Policy"})
    assert f"script-src 'sha256-{digest}'" in csp["content"]
    assert "default-src 'none'" in csp["content"]
    assert not page.all("link") and not any("src" in a for _, a in page.elements)


def test_when_there_are_no_candidates_then_the_page_still_renders():
    html = render([])
    assert_inert(html)
    assert Page(html).rows() == []


# -- hostile values -------------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
def test_when_a_candidate_id_is_hostile_then_it_is_escaped_and_its_link_stays_under_candidates(screened, hostile):
    victim = ok(screened)[0].model_copy(update={"candidate_id": hostile})
    failed = CandidateResult(candidate_id=hostile + "-2", source="x.pdf", status=Status.CORRUPT, error=hostile)
    html = render([victim, failed, *screened[1:]])
    assert_inert(html)
    page = Page(html)
    links = [a["href"] for a in page.all("a")]
    assert links.count(f"candidates/{quote(hostile, safe='')}.html") == 2  # table and plot
    assert all(href.startswith("candidates/") for href in links)
    assert hostile in "".join(page.text)  # shown as text, exactly
    assert [row["data-id"] for row in page.rows()].count(hostile) == 1


@pytest.mark.parametrize("hostile", HOSTILE)
def test_when_a_skill_label_or_flag_is_hostile_then_it_is_shown_as_text(screened, hostile):
    r = ok(screened)[0]
    scores = r.scores.model_copy(update={"top_ai_skills": (hostile, "RAG"), "top_ml_skills": (hostile,)})
    victim = r.model_copy(update={"scores": scores, "flags": (hostile,)})
    html = render([victim, *screened[1:]])
    assert_inert(html)
    assert "".join(Page(html).text).count(hostile) == 3


@pytest.mark.parametrize(
    ("candidate_id", "href"),
    [
        ("nadia-okafor", "candidates/nadia-okafor.html"),
        ("ana maria", "candidates/ana%20maria.html"),
        ("javascript:alert(1)", "candidates/javascript%3Aalert%281%29.html"),
        ("../../etc/passwd", "candidates/..%2F..%2Fetc%2Fpasswd.html"),
        ("zoë?x=1#y", "candidates/zo%C3%AB%3Fx%3D1%23y.html"),
    ],
)
def test_report_href_quotes_the_whole_id_under_candidates(candidate_id, href):
    assert report_href(candidate_id) == href


# -- in a real browser ----------------------------------------------------------------------------

VISIBLE_IDS = "Array.from(document.querySelectorAll('#ranking tbody tr')).filter(r => !r.hidden).map(r => r.dataset.id)"
SPACED_ID = "zoë o'neil"  # a real result under an id that needs quoting, to follow a quoted link for real


def _click_header(browser: Browser, key: str) -> None:
    browser.evaluate(f"document.querySelector('#ranking th[data-key=\"{key}\"] button').click()")


def _choose_role(browser: Browser, role: str) -> None:
    browser.evaluate(f"(s => {{ s.value = '{role}'; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})(document.getElementById('role-filter'))")


def _mouse_click(browser: Browser, selector: str) -> None:
    """A real (trusted) click at the centre of an element, through the input pipeline."""
    x, y = browser.evaluate(
        f"(e => {{ e.scrollIntoView({{block: 'center'}}); const b = e.getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; }})"
        f"(document.querySelector({selector!r}))"
    )
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        browser.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip("no Chromium: apt-get install chromium")
    return path


def test_in_a_browser_headers_sort_the_filter_filters_and_links_open_reports(screened, chromium, tmp_path):
    spaced = ok(screened)[-1].model_copy(update={"candidate_id": SPACED_ID, "rank": len(screened) + 1})
    hostile = CandidateResult(
        candidate_id='<img src=x onerror="window.__xss=1">', source="x.pdf", status=Status.CORRUPT, error="<script>window.__xss=2</script>"
    )
    results = [*screened, spaced, hostile]
    (tmp_path / "index.html").write_text(render(results), encoding="utf-8")
    (tmp_path / "candidates").mkdir()
    for r in results:
        if "/" not in r.candidate_id:  # a file name cannot hold one; that row is never followed
            (tmp_path / "candidates" / f"{r.candidate_id}.html").write_text(
                f"<!DOCTYPE html><title>report</title><h1 id='id'>{r.candidate_id}</h1>", encoding="utf-8"
            )
    index_url = (tmp_path / "index.html").as_uri()

    by_page_order = [r for r in results if r.ok] + [r for r in results if not r.ok]
    rank_order = [r.candidate_id for r in sorted(ok(results), key=lambda r: r.rank)] + sorted(r.candidate_id for r in results if not r.ok)
    failed = [r.candidate_id for r in results if not r.ok]
    ai = {r.candidate_id: round(r.scores.ai_fit, 1) for r in ok(results)}

    with Browser(chromium) as browser:
        browser.navigate(index_url)
        assert browser.evaluate(VISIBLE_IDS) == rank_order
        assert browser.evaluate("document.getElementById('shown').textContent") == f"all {len(results)} candidates"  # the script ran under the CSP

        _click_header(browser, "ai_fit")
        descending = browser.evaluate(VISIBLE_IDS)
        assert descending[: len(ai)] == [r.candidate_id for r in sorted(ok(by_page_order), key=lambda r: -ai[r.candidate_id])]
        assert [ai[i] for i in descending[: len(ai)]] == sorted(ai.values(), reverse=True)
        assert sorted(descending[len(ai) :]) == sorted(failed)  # empty values last
        assert browser.evaluate("document.querySelector('th[data-key=\"ai_fit\"]').getAttribute('aria-sort')") == "descending"
        assert browser.evaluate("document.querySelector('th[data-key=\"rank\"]').hasAttribute('aria-sort')") is False

        _click_header(browser, "ai_fit")
        ascending = browser.evaluate(VISIBLE_IDS)
        assert [ai[i] for i in ascending[: len(ai)]] == sorted(ai.values())
        assert sorted(ascending[len(ai) :]) == sorted(failed)  # still last
        if len(set(ai.values())) == len(ai):
            assert ascending[: len(ai)] == descending[: len(ai)][::-1]
        assert browser.evaluate("document.querySelector('th[data-key=\"ai_fit\"]').getAttribute('aria-sort')") == "ascending"

        _click_header(browser, "candidate")
        assert browser.evaluate(VISIBLE_IDS)[:2] != []  # text columns sort too

        for role in ("ml_engineer", "ai_engineer", "failed"):
            _choose_role(browser, role)
            expected = [r.candidate_id for r in results if (r.scores.recommended_role if r.ok else "failed") == role]
            assert sorted(browser.evaluate(VISIBLE_IDS)) == sorted(expected), role
        _choose_role(browser, "all")
        assert len(browser.evaluate(VISIBLE_IDS)) == len(results)

        assert browser.evaluate("typeof window.__xss") == "undefined"
        assert browser.evaluate("document.querySelectorAll('img').length") == 0

        _choose_role(browser, "ai_engineer")
        _click_header(browser, "ai_fit")
        first = browser.evaluate(VISIBLE_IDS)[0]
        assert first == max((r for r in ok(results) if r.scores.recommended_role == "ai_engineer"), key=lambda r: ai[r.candidate_id]).candidate_id
        browser.evaluate("document.querySelector('#ranking tbody tr:not([hidden]) td.candidate a').click()")
        target = (tmp_path / "candidates" / f"{first}.html").as_uri()
        assert browser.wait_for(f"location.href === {target!r} && document.readyState === 'complete' && location.href")
        assert browser.evaluate("document.getElementById('id').textContent") == first

        # Back on the index, a real mouse click on the plot's point for an id that needs quoting.
        browser.navigate(index_url)
        _mouse_click(browser, f'#scatter a.point[data-id="{SPACED_ID}"] circle')
        target = (tmp_path / "candidates" / f"{SPACED_ID}.html").as_uri()
        assert "%20" in target and "%C3%AB" in target
        assert browser.wait_for(f"location.href === {target!r} && document.readyState === 'complete' && location.href")
        assert browser.evaluate("document.getElementById('id').textContent") == SPACED_ID
