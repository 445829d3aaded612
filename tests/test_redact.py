"""Blind screening (--redact): every planted personal datum is gone from every output, and no score moves.

The candidate below carries each kind of personal data a resume can hold —
name (in the header, the file name, the folder name and a portfolio title),
e-mail, phone, postal address, personal links, a photo, date of birth, age,
pronouns, nationality and marital status — in the header and inside the
bullets that become quoted evidence. The test greps every file of the run
for each of them.
"""

from __future__ import annotations

import datetime
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib.utils import ImageReader

from screener.batch import screen
from screener.redact import NEUTRAL_PREFIX, Redactor, personal_data

from .conftest import REPO
from .pdf_fixtures import HEIGHT, single_column_pdf

AS_OF = datetime.date(2026, 11, 22)
HEADER = [
    "priya.raman@example.com | +1 512 555 0142 | 1200 Elm Street, Austin, TX 78701",
    "linkedin.com/in/priya-raman-ai | https://priyaraman.dev | github.com/priyaraman",
]
BLOCKS = [
    ("Summary", ["AI engineer (she/her), born 1988-04-12, Age: 38, Nationality: Indian, Marital status: Married."]),
    (
        "Experience",
        [
            "Senior AI Engineer, Northwind Health",
            "• Shipped a RAG assistant on pgvector to production for 40k users (demo: https://priyaraman.dev/rag), cutting p95 latency by 35%.",
            "• Built LLM evals and guardrails with Priya Raman's team; contact priya.raman@example.com or +1 512 555 0142.",
            "• Launched tool-calling agents for claims triage, cutting handling time by 30% for 2,000 daily requests.",
            "• Deployed the eval harness to production (she/her; Age: 38; Nationality: Indian; Marital status: Married; born 1988-04-12).",
        ],
    ),
]
DATES = {"Senior AI Engineer, Northwind Health": "Mar 2022 – Present"}
PORTFOLIO = """# Priya Raman - Project Portfolio

## Claims triage agent (2024)

- Shipped a LangGraph agent with tool calling for claims triage; priya.raman@example.com; https://priyaraman.dev/claims
- Reduced cost per request by 40% with response caching, serving 5k requests a day.
"""
#: Every planted datum, as it could appear in an output (matched case-insensitively).
PLANTED = [
    "priya", "raman", "example.com", "555 0142", "0142", "1200 elm", "elm street", "78701", "linkedin",
    "priyaraman.dev", "github.com/priyaraman", "she/her", "1988", "age: 38", "indian", "married", "data:image",
]  # fmt: skip


def _photo() -> ImageReader:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 40), (180, 120, 90)).save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def _header(c, y):  # type: ignore[no-untyped-def]
    c.drawImage(_photo(), 480, HEIGHT - 110, width=64, height=80)  # a head-shot beside the name
    c.setFont("Helvetica", 9)
    for number, line in enumerate(HEADER):
        c.drawString(50, y - 14 * number, line)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("redact-in")
    single_column_pdf(folder / "priya-raman.pdf", BLOCKS, name="Priya Raman", dates=DATES, decorate=_header)
    person = folder / "priya-raman-portfolio"
    person.mkdir()
    single_column_pdf(person / "Priya_Raman_CV.pdf", BLOCKS, name="Priya Raman", dates=DATES, decorate=_header)
    (person / "portfolio.md").write_text(PORTFOLIO, encoding="utf-8")
    (folder / "priya-raman-locked.pdf").write_bytes(b"%PDF-1.7\n% not really a PDF\n")
    return folder


@pytest.fixture(scope="module")
def runs(inbox, tmp_path_factory):  # type: ignore[no-untyped-def]
    plain_out, blind_out = tmp_path_factory.mktemp("plain"), tmp_path_factory.mktemp("blind")
    plain = screen(inbox, as_of=AS_OF, workers=0, cache=False, out_dir=plain_out)
    blind = screen(inbox, as_of=AS_OF, workers=2, cache=False, out_dir=blind_out, redact=True)
    return plain, blind, plain_out, blind_out


def _output_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file())


def test_when_screened_plainly_then_the_planted_data_is_there(runs):
    """The control: each planted datum does reach the outputs of an ordinary run, so its absence below means something."""
    _, _, plain_out, _ = runs
    text = "\n".join(p.read_text(encoding="utf-8") for p in _output_files(plain_out)).casefold()
    assert [d for d in ("priya", "raman", "example.com", "0142", "priyaraman.dev", "married", "indian", "she/her", "1988") if d not in text] == []


def test_when_screened_blind_then_no_planted_datum_is_in_any_output_file(runs):
    _, _, _, blind_out = runs
    found = {}
    for path in _output_files(blind_out):
        text = path.read_text(encoding="utf-8").casefold()
        hits = [datum for datum in PLANTED if datum in text]
        if hits or any(datum in path.name.casefold() for datum in ("priya", "raman")):
            found[str(path.relative_to(blind_out))] = hits
    assert found == {}


def test_when_screened_blind_then_a_github_link_is_kept_only_as_github_profile(runs):
    _, blind, _, blind_out = runs
    reports = [json.loads((blind_out / "candidates" / f"{r.candidate_id}.json").read_text(encoding="utf-8")) for r in blind.results if r.ok]
    assert "github.com" not in " ".join(item["text"] for report in reports for item in report["evidence"]).casefold()
    assert Redactor([]).text("Code: github.com/priyaraman and https://gitlab.com/p-r") == "Code: GitHub profile and GitLab profile"


def test_when_screened_blind_then_every_score_is_the_same_as_in_the_plain_run(runs):
    plain, blind, _, _ = runs

    def by_content(run):  # type: ignore[no-untyped-def]
        return {
            tuple(sorted(d.sha256 for d in r.documents)): (r.status, r.scores.model_dump(exclude={"breakdown"}) if r.scores else None, r.flags)
            for r in run.results
        }

    assert by_content(blind) == by_content(plain)
    assert all(r.candidate_id.startswith(NEUTRAL_PREFIX) and r.source == r.candidate_id for r in blind.results)
    assert len({r.candidate_id for r in blind.results}) == len(blind.results)


def test_when_screened_blind_twice_then_the_neutral_ids_are_stable(runs, inbox, tmp_path):
    _, blind, _, _ = runs
    again = screen(inbox, as_of=AS_OF, workers=0, cache=False, redact=True)
    assert sorted(r.candidate_id for r in again.results) == sorted(r.candidate_id for r in blind.results)


def test_when_the_cli_screens_blind_then_the_csv_shows_neutral_ids(inbox, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "screener", "screen", str(inbox), "--out", str(out), "--redact", "--no-cache", "--quiet", "--as-of", "2026-11-22"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "priya" not in (done.stdout + done.stderr).casefold()
    rows = (out / "ranking.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert rows and all(row.split(",")[1].startswith(NEUTRAL_PREFIX) for row in rows)
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["options"]["redact"] is True


@pytest.mark.parametrize("label", personal_data().labels)
def test_when_a_personal_label_from_the_data_file_is_followed_by_a_value_then_the_value_goes(label):
    """Each label in skill_taxonomy/personal.yaml is honoured: adding one is a data change this test covers."""
    scrubbed = Redactor([]).text(f"Shipped the search API. {label.title()}: Zorblat 42; led the team")
    assert "zorblat" not in scrubbed.casefold() and "Shipped the search API." in scrubbed and "led the team" in scrubbed


@pytest.mark.parametrize("marker", personal_data().markers)
def test_when_a_personal_marker_from_the_data_file_is_in_a_text_then_it_goes(marker):
    scrubbed = Redactor([]).text(f"Engineer ({marker}) who shipped things")
    assert marker.casefold() not in scrubbed.casefold() and "shipped things" in scrubbed


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Cut p95 latency from 2.4 s to 900 ms for 40,000 users in 2019-2023", "2019-2023"),
        ("Scaled to 1,200,000 requests/day on Kubernetes 1.29", "1,200,000"),
        ("Trained on 10 000 images; accuracy 97.5%", "10 000"),
    ],
)
def test_when_work_figures_look_like_numbers_then_they_are_not_taken_for_phones(text, kept):
    assert kept in Redactor([]).text(text)
