"""screener audit: selection rates and impact ratios of a real run, recomputed here from ranking.csv."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.audit import UNKNOWN, audit_run, category_table
from screener.batch import screen
from screener.cli import main
from screener.errors import ConfigError

from .conftest import REPO
from .pdf_fixtures import encrypted_pdf

AS_OF = datetime.date(2026, 11, 22)
SAMPLES = REPO / "samples" / "resumes"
RUN_FILES = ("ranking.csv", "run.json")
#: Candidates of the run left out of the groups file, by their place in alphabetical order.
LEFT_OUT = 2


def _digest(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in RUN_FILES}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """The samples plus one locked PDF (a failed row), screened once for the whole module."""
    inbox = tmp_path_factory.mktemp("inbox")
    shutil.copytree(SAMPLES, inbox, dirs_exist_ok=True)
    encrypted_pdf(inbox / "locked-out.pdf")
    out = tmp_path_factory.mktemp("run")
    screen(inbox, out_dir=out, as_of=AS_OF, workers=0, cache=False)
    return out


@pytest.fixture(scope="module")
def pristine(run_dir) -> dict[str, str]:
    """The run's files as `screen` left them, before any audit."""
    return _digest(run_dir)


@pytest.fixture(scope="module")
def ranking(run_dir, pristine) -> list[dict]:
    with (run_dir / "ranking.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def assigned(ranking) -> dict[str, dict[str, str]]:
    """Categories for all but the last LEFT_OUT candidates by id: sex alternating, region in threes."""
    ids = sorted(row["candidate_id"] for row in ranking)
    return {cid: {"sex": ("female", "male")[i % 2], "region": ("north", "south", "east")[i % 3]} for i, cid in enumerate(ids[:-LEFT_OUT])}


def write_groups(path: Path, assigned: dict[str, dict[str, str]], *, key: str = "candidate_id", extra_rows: int = 0) -> Path:
    columns = sorted({c for values in assigned.values() for c in values})
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([key, *columns])
        for cid, values in assigned.items():
            writer.writerow([cid, *(values.get(c, "") for c in columns)])
        for n in range(extra_rows):
            writer.writerow([f"applied-elsewhere-{n}", *("female" for _ in columns)])
    return path


@pytest.fixture(scope="module")
def groups_csv(tmp_path_factory, assigned) -> Path:
    return write_groups(tmp_path_factory.mktemp("groups") / "groups.csv", assigned, extra_rows=3)


def fit(row: dict, role: str) -> float:
    ai, ml = float(row["ai_fit"]), float(row["ml_fit"])
    return {"ai_engineer": ai, "ml_engineer": ml}.get(role, max(ai, ml))


def expected_table(ranking: list[dict], assigned: dict, columns: list[str], chosen: set[str]) -> dict[str, tuple[int, int, float, float | None]]:
    """Category -> (applicants, selected, rate, ratio), counted straight from ranking.csv."""
    def label(cid: str) -> str:
        parts = [assigned[cid][c] for c in columns] if cid in assigned else None
        return " × ".join(parts) if parts else UNKNOWN

    applicants = Counter(label(row["candidate_id"]) for row in ranking)
    selected = Counter(label(row["candidate_id"]) for row in ranking if row["candidate_id"] in chosen)
    rates = {c: selected[c] / n for c, n in applicants.items()}
    best = max(rate for c, rate in rates.items() if c != UNKNOWN)
    return {c: (applicants[c], selected[c], rates[c], None if c == UNKNOWN or not best else rates[c] / best) for c in applicants}


def as_computed(table) -> dict[str, tuple[int, int, float, float | None]]:
    return {row.category: (row.applicants, row.selected, row.selection_rate, row.impact_ratio) for row in table.rows}


def assert_tables_match(result, ranking, assigned, chosen: set[str]) -> None:
    by_name = {table.name: table for table in result.tables}
    for columns in (["region"], ["sex"], ["region", "sex"]):
        expected = expected_table(ranking, assigned, columns, chosen)
        computed = as_computed(by_name[" × ".join(columns)])
        assert computed.keys() == expected.keys()
        for category, (applicants, selected, rate, ratio) in expected.items():
            assert computed[category][:2] == (applicants, selected)
            assert computed[category][2] == pytest.approx(rate)
            assert computed[category][3] == (None if ratio is None else pytest.approx(ratio))
    for table in result.tables:
        for row in table.rows:
            assert row.adverse_impact == (row.impact_ratio is not None and row.impact_ratio < 0.8 - 1e-12)


def test_when_the_top_k_are_selected_then_rates_and_ratios_match_a_count_from_ranking_csv(run_dir, ranking, assigned, groups_csv):
    result = audit_run(run_dir, groups_csv, top=5, write=False)
    chosen = {row["candidate_id"] for row in ranking if row["rank"] and int(row["rank"]) <= 5}
    assert result.applicants == len(ranking) and result.selected == len(chosen) == 5
    assert [t.name for t in result.tables] == ["region", "sex", "region × sex"]
    assert_tables_match(result, ranking, assigned, chosen)


@pytest.mark.parametrize("role", ["ai_engineer", "ml_engineer", "best"])
def test_when_a_cutoff_is_used_then_the_chosen_roles_fit_decides(run_dir, ranking, assigned, groups_csv, role):
    result = audit_run(run_dir, groups_csv, cutoff=30, role=role, write=False)
    chosen = {row["candidate_id"] for row in ranking if row["status"] == "ok" and fit(row, role) >= 30}
    assert result.selected == len(chosen) and 0 < len(chosen) < len(ranking)
    assert result.selection.role == role
    assert_tables_match(result, ranking, assigned, chosen)


def test_when_a_candidate_failed_then_they_are_an_applicant_never_selected(run_dir, ranking, assigned, groups_csv):
    failed = [row["candidate_id"] for row in ranking if row["status"] != "ok"]
    assert failed == ["locked-out"]
    result = audit_run(run_dir, groups_csv, cutoff=0, write=False)
    assert result.applicants == len(ranking) and result.selected == len(ranking) - 1
    sex = {row.category: row for row in result.tables[1].rows}[assigned["locked-out"]["sex"]]
    assert sex.selected == sex.applicants - 1


def test_when_candidates_are_missing_from_the_groups_then_they_are_unknown_and_left_out_of_the_ratios(run_dir, ranking, tmp_path):
    top_two = {row["candidate_id"] for row in ranking if row["rank"] in ("1", "2")}
    others = sorted(row["candidate_id"] for row in ranking if row["candidate_id"] not in top_two)
    groups = write_groups(tmp_path / "groups.csv", {cid: {"sex": ("female", "male")[i % 2]} for i, cid in enumerate(others)})
    result = audit_run(run_dir, groups, top=4, write=False)
    rows = {row.category: row for row in result.tables[0].rows}
    assert rows[UNKNOWN].applicants == 2 and rows[UNKNOWN].selection_rate == 1.0
    assert rows[UNKNOWN].impact_ratio is None and rows[UNKNOWN].unknown and not rows[UNKNOWN].adverse_impact
    assert result.tables[0].reference != UNKNOWN
    assert max(row.impact_ratio for row in rows.values() if not row.unknown) == pytest.approx(1.0)
    assert result.missing_from_groups == 2 and any("2 candidate(s) of the run are not in the groups file" in w for w in result.warnings)


def test_when_rows_match_no_candidate_then_they_are_counted_and_warned(run_dir, assigned, groups_csv):
    result = audit_run(run_dir, groups_csv, top=5, write=False)
    assert (result.groups.rows, result.groups.matched, result.groups.unmatched_rows) == (len(assigned) + 3, len(assigned), 3)
    assert any("3 row(s) of the groups file match no candidate" in w for w in result.warnings)


def test_when_a_category_has_fewer_than_five_applicants_then_its_ratio_is_marked_unreliable(run_dir, groups_csv):
    result = audit_run(run_dir, groups_csv, top=5, write=False)
    by_name = {table.name: table for table in result.tables}
    assert all(row.small_sample and not row.reliable for row in by_name["region"].rows if not row.unknown)
    assert all(not row.small_sample and row.reliable for row in by_name["sex"].rows if not row.unknown)
    assert any(w.startswith("region: 3 categories with fewer than 5 applicants") for w in result.warnings)


@pytest.mark.parametrize(("minority", "small"), [(5, True), (6, False)])
def test_when_a_category_is_under_two_percent_of_applicants_then_it_is_a_small_sample(minority, small):
    labels = ["a"] * (300 - minority) + ["b"] * minority
    table = category_table("group", ["group"], labels, [i % 2 == 0 for i in range(300)])
    rows = {row.category: row for row in table.rows}
    assert rows["b"].small_sample is small and rows["b"].reliable is not small
    assert not rows["a"].small_sample


def test_when_a_ratio_is_exactly_four_fifths_then_it_is_not_adverse_impact():
    labels = ["a"] * 10 + ["b"] * 10 + ["c"] * 100
    selected = [True] * 5 + [False] * 5 + [True] * 4 + [False] * 6 + [True] * 39 + [False] * 61
    rows = {row.category: row for row in category_table("g", ["g"], labels, selected).rows}
    assert rows["b"].impact_ratio == pytest.approx(0.8) and not rows["b"].adverse_impact
    assert rows["c"].impact_ratio == pytest.approx(0.78) and rows["c"].adverse_impact


def test_when_nobody_is_selected_then_the_audit_says_so_and_computes_no_ratio(run_dir, groups_csv):
    result = CliRunner().invoke(main, ["audit", str(run_dir), "--groups", str(groups_csv), "--cutoff", "100"])
    assert result.exit_code == 0, result.output
    assert "warning: no candidate was selected by higher of AI and ML fit ≥ 100" in result.stderr
    assert "no candidate with a known category was selected: impact ratios are undefined" in result.stdout
    audit = json.loads((run_dir / "audit.json").read_text(encoding="utf-8"))
    assert audit["selected"] == 0
    assert all(row["impact_ratio"] is None and not row["adverse_impact"] for table in audit["tables"] for row in table["rows"])


def test_when_the_cli_audits_then_it_prints_the_tables_and_writes_both_files(run_dir, groups_csv, pristine):
    result = CliRunner().invoke(main, ["audit", str(run_dir), "--groups", str(groups_csv), "--top", "5"])
    assert result.exit_code == 0, result.output
    assert "5 selected by rank ≤ 5 (ranked by best)" in result.stdout
    assert "\nregion × sex\n" in result.stdout and "impact ratio" in result.stdout
    audit = json.loads((run_dir / "audit.json").read_text(encoding="utf-8"))
    assert audit["selection"] == {"rule": "top", "top": 5, "cutoff": None, "role": "best", "description": "rank ≤ 5 (ranked by best)"}
    assert audit["run"]["run_json_sha256"] == pristine["run.json"] and audit["run"]["ranking_csv_sha256"] == pristine["ranking.csv"]
    assert audit["run"]["tool"]["name"] == "screener" and audit["run"]["taxonomy"]["version"]
    assert audit["groups"]["sha256"] == hashlib.sha256(groups_csv.read_bytes()).hexdigest()
    assert (run_dir / "audit.md").read_text(encoding="utf-8").startswith("# Adverse-impact audit\n")


def test_when_the_audit_is_written_then_it_holds_only_aggregates(run_dir, ranking, groups_csv):
    audit_run(run_dir, groups_csv, top=5)
    text = (run_dir / "audit.json").read_text(encoding="utf-8") + (run_dir / "audit.md").read_text(encoding="utf-8")
    identifiers = {row["candidate_id"] for row in ranking} | {row["source"] for row in ranking} | {"applied-elsewhere-0"}
    assert [name for name in identifiers if name in text] == []
    audit = json.loads((run_dir / "audit.json").read_text(encoding="utf-8"))
    aggregate_keys = {"category", "applicants", "selected", "selection_rate", "impact_ratio", "adverse_impact", "small_sample", "reliable", "unknown"}
    assert all(set(row) == aggregate_keys for table in audit["tables"] for row in table["rows"])


def test_when_audits_run_then_ranking_csv_and_run_json_stay_byte_identical(run_dir, groups_csv, pristine):
    before = _digest(run_dir)
    CliRunner().invoke(main, ["audit", str(run_dir), "--groups", str(groups_csv), "--cutoff", "20", "--role", "ml_engineer"])
    assert _digest(run_dir) == before == pristine


@pytest.mark.parametrize("options", [[], ["--top", "3", "--cutoff", "20"]])
def test_when_not_exactly_one_selection_rule_is_given_then_the_cli_exits_2(run_dir, groups_csv, options):
    result = CliRunner().invoke(main, ["audit", str(run_dir), "--groups", str(groups_csv), *options])
    assert result.exit_code == 2
    assert "choose exactly one selection rule: --top K or --cutoff N" in result.stderr


def test_when_top_is_asked_for_another_role_then_the_cli_exits_2(run_dir, groups_csv):
    result = CliRunner().invoke(main, ["audit", str(run_dir), "--groups", str(groups_csv), "--top", "3", "--role", "ml_engineer"])
    assert result.exit_code == 2
    assert "--top follows the run's ranks, which are by best" in result.stderr


BAD_GROUPS = {
    "no_key_column": ("name,sex\nx,female\n", "no candidate_id (or source) column"),
    "no_category_column": ("candidate_id\nnadia-okafor\n", "no category column"),
    "ragged_row": ("candidate_id,sex\nnadia-okafor,female,extra\n", "line 2 has 3 cells for 2 columns"),
    "repeated_candidate": ("candidate_id,sex\nnadia-okafor,female\nmei-lin-zhou,female\nnadia-okafor,male\n", "line 4 names the same candidate as line 2"),
    "repeated_column": ("candidate_id,sex,sex\nnadia-okafor,female,female\n", "column(s) named twice: sex"),
    "not_utf8": (b"candidate_id,sex\nnadia-okafor,f\xe9minin\n", "cannot be read as UTF-8 CSV"),
    "empty": ("", "the groups file is empty"),
    "unnamed_column_with_values": ("candidate_id,,sex\nnadia-okafor,x,female\n", "a column has no name"),
}


@pytest.mark.parametrize("case", sorted(BAD_GROUPS))
def test_when_the_groups_file_is_invalid_then_the_cli_exits_2_and_says_why(run_dir, tmp_path, case):
    content, message = BAD_GROUPS[case]
    groups = tmp_path / "groups.csv"
    groups.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = CliRunner().invoke(main, ["audit", str(run_dir), "--groups", str(groups), "--top", "3"])
    assert result.exit_code == 2
    assert message in result.stderr


def test_when_a_spreadsheet_adds_empty_unnamed_columns_then_they_are_ignored(run_dir, ranking, assigned, tmp_path):
    groups = write_groups(tmp_path / "groups.csv", assigned)
    groups.write_text("\n".join(line + ",," for line in groups.read_text(encoding="utf-8").splitlines()) + "\n", encoding="utf-8")
    result = audit_run(run_dir, groups, top=5, write=False)
    assert result.groups.columns == ("region", "sex") and result.groups.matched == len(assigned)


def test_when_a_column_identifies_each_candidate_then_the_audit_refuses_it(run_dir, ranking, tmp_path):
    groups = write_groups(tmp_path / "groups.csv", {row["candidate_id"]: {"full_name": f"person {i}"} for i, row in enumerate(ranking)})
    with pytest.raises(ConfigError, match="looks like an identifier, not a category"):
        audit_run(run_dir, groups, top=3, write=False)


def test_when_the_groups_file_is_missing_then_the_cli_exits_2(run_dir, tmp_path):
    result = CliRunner().invoke(main, ["audit", str(run_dir), "--groups", str(tmp_path / "absent.csv"), "--top", "3"])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


@pytest.mark.parametrize(("files", "message"), [({}, "it holds no run.json"), ({"run.json": "[1, 2"}, "run.json cannot be read")])
def test_when_dir_is_not_a_run_then_the_cli_exits_2(groups_csv, tmp_path, files, message):
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "--groups", str(groups_csv), "--top", "3"])
    assert result.exit_code == 2
    assert "is not the output folder of `screener screen`" in result.stderr and message in result.stderr


def test_when_ranking_csv_was_edited_after_the_run_then_the_audit_refuses_it(run_dir, groups_csv, tmp_path):
    copy = tmp_path / "run"
    copy.mkdir()
    for name in RUN_FILES:
        shutil.copy(run_dir / name, copy / name)
    (copy / "ranking.csv").write_text((run_dir / "ranking.csv").read_text(encoding="utf-8").replace(",ok,", ",error,", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="not the ranking run.json recorded"):
        audit_run(copy, groups_csv, top=3, write=False)


def test_when_the_groups_file_is_keyed_by_source_then_it_matches_the_same_candidates(run_dir, ranking, assigned, tmp_path):
    source_of = {row["candidate_id"]: row["source"] for row in ranking}
    by_source = write_groups(tmp_path / "groups.csv", {source_of[cid]: values for cid, values in assigned.items()}, key="source")
    result = audit_run(run_dir, by_source, top=5, write=False)
    chosen = {row["candidate_id"] for row in ranking if row["rank"] and int(row["rank"]) <= 5}
    assert result.groups.key == "source" and result.groups.matched == len(assigned)
    assert_tables_match(result, ranking, assigned, chosen)


def test_when_categories_hold_markdown_then_audit_md_escapes_them(run_dir, ranking, tmp_path):
    hostile = "| <b>x</b> *y* [z](http://e)"
    ids = sorted(row["candidate_id"] for row in ranking)
    groups = write_groups(tmp_path / "groups.csv", {cid: {"# team|pipe": hostile if i % 2 else "plain"} for i, cid in enumerate(ids)})
    audit_run(run_dir, groups, top=5)
    markdown = (run_dir / "audit.md").read_text(encoding="utf-8")
    assert "## \\# team\\|pipe" in markdown
    assert "| \\| \\<b\\>x\\</b\\> \\*y\\* \\[z\\](http://e) |" in markdown
    assert "<b>" not in markdown and "# team|pipe" not in markdown
