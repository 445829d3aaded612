"""The batch: screen() on real folders, the CSV contract, and rank reproducing screen."""

from __future__ import annotations

import datetime
import os
import sys

import pytest

from screener.batch import screen
from screener.document import Status
from screener.outputs import CSV_COLUMNS, ranking_csv, ranking_frame, safe_cell

from .conftest import REPO
from .pdf_fixtures import encrypted_pdf

sys.path.insert(0, str(REPO / "samples"))
import render  # noqa: E402

AS_OF = datetime.date(2026, 11, 22)
SAMPLES = REPO / "samples" / "resumes"


@pytest.fixture(scope="module")
def sample_run():
    return screen(SAMPLES, as_of=AS_OF)


def test_when_the_samples_are_screened_then_each_recommended_role_is_the_expected_one(sample_run):
    expected = {p.stem: render.validate(render.load_source(p)).expected_role for p in render.source_paths()}
    got = {r.candidate_id: r.scores.recommended_role for r in sample_run.results}
    assert {cid: (got.get(cid), role) for cid, role in expected.items() if got.get(cid) != role} == {}


def test_when_candidates_are_ranked_then_ranks_follow_the_best_fit(sample_run):
    ok = [r for r in sample_run.results if r.ok]
    fits = [max(r.scores.ai_fit, r.scores.ml_fit) for r in ok]
    assert [r.rank for r in ok] == list(range(1, len(ok) + 1))
    assert fits == sorted(fits, reverse=True)


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inbox")
    (folder / "ada.md").write_text(
        "# Ada\n\n## Experience\n\n### AI Engineer — Northwind\nJan 2023 – Present\n\n- Shipped a RAG assistant on pgvector serving 40k users; cut p95 latency to 900 ms.\n",
        encoding="utf-8",
    )
    (folder / "=HYPERLINK(evil).txt").write_text("EXPERIENCE\n\n- Trained XGBoost churn models in production for 2M customers.\n", encoding="utf-8")
    encrypted_pdf(folder / "locked.pdf")
    (folder / "notes.xlsx").write_bytes(b"x")
    return screen(folder, as_of=AS_OF)


def test_when_a_file_fails_then_it_is_a_row_after_the_ok_rows(mixed_run):
    statuses = [r.status for r in mixed_run.results]
    assert statuses[-1] is Status.ENCRYPTED
    assert mixed_run.results[-1].rank is None and mixed_run.results[-1].error == "the PDF needs a password"
    assert all(s is Status.OK for s in statuses[:-1])


def test_when_the_csv_is_written_then_columns_order_and_domains_hold(mixed_run):
    frame = ranking_frame(mixed_run.results)
    assert tuple(frame.columns) == CSV_COLUMNS
    ok = frame[frame["status"] == "ok"]
    assert ok["ai_fit"].between(0, 100).all() and ok["ml_fit"].between(0, 100).all()
    assert ok["lean"].between(-100, 100).all()
    assert set(ok["recommended_role"]) <= {"ai_engineer", "ml_engineer", "hybrid", "insufficient_evidence"}
    assert set(ok["confidence"]) <= {"low", "medium", "high"}
    failed = frame[frame["status"] != "ok"]
    assert failed["rank"].isna().all() and (failed["recommended_role"] == "").all()
    text = ranking_csv(mixed_run.results)
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)


def test_when_a_cell_would_run_as_a_formula_then_it_is_neutralised(mixed_run):
    text = ranking_csv(mixed_run.results)
    assert "'=HYPERLINK(evil)" in text
    for line in text.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.lstrip('"').startswith(("=", "+", "@", "\t", "\r")) or cell.startswith("'")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\t=x", "'=x"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_when_text_starts_like_a_formula_then_safe_cell_prefixes_it(value, expected):
    assert safe_cell(value) == expected


def test_when_nothing_can_be_read_then_every_row_failed(tmp_path):
    encrypted_pdf(tmp_path / "a.pdf")
    run = screen(tmp_path, as_of=AS_OF)
    assert [r.status for r in run.results] == [Status.ENCRYPTED]


def _cli(*args):
    from click.testing import CliRunner

    from screener.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def test_when_screen_runs_then_exactly_the_design_files_are_written(tmp_path):
    out = tmp_path / "out"
    umask = os.umask(0)  # the most permissive: every new file would be world-writable
    try:
        result = _cli("screen", SAMPLES, "--out", out, "--as-of", "2026-11-22")
    finally:
        os.umask(umask)
    assert result.exit_code == 0, result.output + result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["candidates", "index.html", "ranking.csv", "run.json"]
    ids = sorted(p.stem for p in (out / "candidates").glob("*.json"))
    for suffix in (".json", ".md", ".html"):
        assert sorted(p.stem for p in (out / "candidates").glob(f"*{suffix}")) == ids
    assert not list(out.rglob("*.tmp"))
    modes = {p.stat().st_mode & 0o777 for p in out.rglob("*") if p.is_file()}
    assert modes == {0o600}, "outputs hold personal data: owner only, whatever the umask (README)"
    manifest = __import__("json").loads((out / "run.json").read_text())
    assert manifest["taxonomy"]["version"] and manifest["as_of"] == "2026-11-22"
    assert all(entry["sha256"] for entry in manifest["inputs"])
    # Enough to audit the run later: the environment, and per candidate its inputs and what was decided.
    assert manifest["environment"]["libraries"]["spacy"] and len(manifest["environment"]["code_sha256"]) == 64
    rows = {row["candidate_id"]: row for row in __import__("csv").DictReader((out / "ranking.csv").open(encoding="utf-8"))}
    decisions = {d["candidate_id"]: d for d in manifest["decisions"]}
    assert set(decisions) == set(rows)
    for cid, row in rows.items():
        assert (str(decisions[cid]["rank"] or ""), decisions[cid]["recommended_role"] or "", f"{decisions[cid]['ai_fit']:.1f}") == (
            row["rank"], row["recommended_role"], row["ai_fit"]
        )
        assert decisions[cid]["documents"] and all(decisions[cid]["documents"])


def test_when_rank_re_scores_a_finished_run_then_scores_are_reproduced_exactly(tmp_path):
    out = tmp_path / "out"
    assert _cli("screen", SAMPLES, "--out", out, "--as-of", "2026-11-22").exit_code == 0
    before = (out / "ranking.csv").read_text()
    assert _cli("rank", out).exit_code == 0
    assert (out / "ranking.csv").read_text() == before
    assert _cli("rank", out, "--role", "ml_engineer").exit_code == 0
    reranked = ranking_frame_from(out)
    assert list(reranked["ml_fit"].dropna()) == sorted(reranked["ml_fit"].dropna(), reverse=True)


def ranking_frame_from(out):
    import pandas as pd

    return pd.read_csv(out / "ranking.csv")


def test_when_nothing_can_be_screened_then_exit_code_is_1(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    encrypted_pdf(inbox / "a.pdf")
    result = _cli("screen", inbox, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert (tmp_path / "out" / "ranking.csv").read_text().splitlines()[1].split(",")[3] == "encrypted"


def test_when_the_input_folder_is_missing_or_the_profile_is_bad_then_exit_code_is_2(tmp_path):
    assert _cli("screen", tmp_path / "missing", "--out", tmp_path / "out").exit_code == 2
    bad = tmp_path / "profile.yaml"
    bad.write_text("id: mine\nlabel: Mine\nrole: ai\npillars: {telepathy: 1.0}\n", encoding="utf-8")
    result = _cli("screen", SAMPLES, "--out", tmp_path / "out", "--profile", bad)
    assert result.exit_code == 2 and "telepathy" in result.stderr


def test_when_out_is_inside_the_input_then_screen_refuses(tmp_path):
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    result = _cli("screen", tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 2


LAYOUT_TOLERANCE = 2.0


@pytest.mark.parametrize("slug", ["rafael-quintero", "ingrid-solberg", "nadia-okafor"])
def test_when_the_same_resume_is_laid_out_differently_then_fits_stay_within_two_points(tmp_path, slug):
    source = render.load_source(REPO / "samples" / "sources" / f"{slug}.yaml")
    for layout, producer, suffix in [
        ("single_column", "reportlab", ".pdf"),
        ("two_column", "fpdf2", ".pdf"),
        ("sidebar", "reportlab", ".pdf"),
        ("docx", "reportlab", ".docx"),
        ("markdown", "reportlab", ".md"),
    ]:
        render.render(source, layout, producer, tmp_path / f"{slug}-{layout}{suffix}")
    run = screen(tmp_path, as_of=AS_OF)
    ai = [r.scores.ai_fit for r in run.results]
    ml = [r.scores.ml_fit for r in run.results]
    assert len(run.results) == 5
    assert max(ai) - min(ai) <= LAYOUT_TOLERANCE and max(ml) - min(ml) <= LAYOUT_TOLERANCE
    assert len({r.scores.recommended_role for r in run.results}) == 1


_PANDAS_PROBE = """
import sys
from pathlib import Path
import screener
from screener import outputs
seen = []
finish = outputs.OutputWriter.finish
def probed(self, *args, **kwargs):
    seen.append("pandas" in sys.modules)  # before the ranking imports it itself
    return finish(self, *args, **kwargs)
outputs.OutputWriter.finish = probed
screener.screen(Path(sys.argv[1]), workers=2, cache_dir=Path(sys.argv[2]), out_dir=Path(sys.argv[3]))
print(seen[0], "pandas" in sys.modules)
"""


def test_when_workers_screen_then_pandas_is_imported_meanwhile_and_a_warm_rerun_never_imports_it(tmp_path):
    # The ranking's pandas is imported on a thread while the workers run, so it is there before the
    # ranking is written; a re-run that takes everything from the cache never imports it.
    import subprocess

    folder = REPO / "samples" / "resumes"
    args = [sys.executable, "-c", _PANDAS_PROBE, str(folder), str(tmp_path / "cache"), str(tmp_path / "out")]
    cold = subprocess.run(args, capture_output=True, text=True, timeout=300, check=True)
    assert cold.stdout.split() == ["True", "True"]
    warm = subprocess.run(args, capture_output=True, text=True, timeout=300, check=True)
    assert warm.stdout.split() == ["False", "False"]
