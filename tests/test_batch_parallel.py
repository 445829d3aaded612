"""The parallel, cached, streaming batch: the same outputs however it runs, and a warm cache that parses nothing.

Every run here is real: sample resumes read by real worker processes into a
real SQLite cache and a real output folder.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
import sqlite3
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.batch import screen
from screener.cache import DB_NAME
from screener.cli import main
from screener.document import Status

from .conftest import REPO

AS_OF = datetime.date(2026, 11, 22)
SAMPLES = REPO / "samples" / "resumes"
SAMPLE_COUNT = 13
#: The stages that read a file; a candidate whose document comes from the cache runs none of them.
PARSE_STAGES = {"extract", "layout", "structure"}
#: index.html shows when the run started and finished and how long it took: the only text that differs between runs.
RUN_TIME = re.compile(r"(<dt>(?:started|finished|duration)</dt><dd[^>]*>)[^<]*(</dd>)")
#: run.json fields that describe how and when this run ran rather than its results.
RUN_ONLY = ("started", "finished", "seconds", "timings")
RUN_OPTIONS = ("workers", "cache", "executor", "scheduler")

EXTRA_SKILL = """
skills:
  - id: zz_invoicing
    label: Invoicing
    role: shared
    pillars: [engineering_foundations]
    kind: tool
    aliases: [invoicing]
"""


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def outputs(out_dir: Path) -> dict[str, bytes]:
    """Every file of a run folder, with the run's times and how it ran (workers, cache, executor) taken out of index.html and run.json."""
    files = {}
    for path in sorted(out_dir.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(out_dir).as_posix()
        data = path.read_bytes()
        if relative == "index.html":
            data = RUN_TIME.sub(r"\1\2", data.decode("utf-8")).encode("utf-8")
        elif relative == "run.json":
            manifest = json.loads(data)
            for key in RUN_ONLY:
                manifest.pop(key)
            for key in RUN_OPTIONS:
                manifest["options"].pop(key, None)
            manifest["outputs"].pop("index.html")  # its digest covers the times; the page is compared without them
            data = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
        files[relative] = data
    return files


def differing(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def candidate_json(out_dir: Path, candidate_id: str) -> dict:
    return json.loads((out_dir / "candidates" / f"{candidate_id}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("batch-parallel")


@pytest.fixture(scope="module")
def cold(work):
    """The samples with two workers into a fresh cache."""
    return screen(SAMPLES, as_of=AS_OF, workers=2, cache_dir=work / "cache", out_dir=work / "cold")


@pytest.fixture(scope="module")
def warm(work, cold):
    """The same run again, over the cache the cold run filled."""
    return screen(SAMPLES, as_of=AS_OF, workers=2, cache_dir=work / "cache", out_dir=work / "warm")


@pytest.fixture(scope="module")
def in_process(work):
    """The samples read in this process (workers=0), into a cache of its own."""
    return screen(SAMPLES, as_of=AS_OF, workers=0, cache_dir=work / "cache-in-process", out_dir=work / "in-process")


@pytest.fixture(scope="module")
def no_cache(work) -> Path:
    """The samples through the CLI with --no-cache and two workers."""
    out = work / "no-cache"
    result = cli("screen", SAMPLES, "--out", out, "--as-of", AS_OF.isoformat(), "--workers", 2, "--no-cache", "--quiet")
    assert result.exit_code == 0, result.output + result.stderr
    return out


def test_when_screened_with_workers_or_in_process_or_without_cache_then_outputs_are_byte_identical(work, cold, in_process, no_cache):
    parallel, serial, uncached = outputs(work / "cold"), outputs(work / "in-process"), outputs(no_cache)
    assert len([name for name in parallel if name.startswith("candidates/")]) == 3 * SAMPLE_COUNT
    assert {"ranking.csv", "index.html", "run.json"} <= set(parallel)
    assert differing(parallel, serial) == []
    assert differing(parallel, uncached) == []
    assert cold.stats["workers"] == 2 and in_process.stats["workers"] == 0
    assert len(cold.stats["worker_peak_rss_mb"]) >= 1 and in_process.stats["candidates_screened"] == SAMPLE_COUNT


def test_when_only_run_times_are_taken_out_then_that_is_all_that_differed(work, cold, in_process):
    raw_parallel = (work / "cold" / "index.html").read_text(encoding="utf-8")
    raw_serial = (work / "in-process" / "index.html").read_text(encoding="utf-8")
    # The normalisation removes exactly three values per page, and leaves their labels.
    assert len(RUN_TIME.findall(raw_parallel)) == 3
    changed = [(a, b) for a, b in zip(raw_parallel.splitlines(), raw_serial.splitlines(), strict=True) if a != b]
    assert all(RUN_TIME.search(a) and RUN_TIME.search(b) for a, b in changed), changed


def test_when_the_cache_is_warm_then_nothing_is_parsed_and_outputs_are_byte_identical(work, cold, warm):
    assert cold.stats["candidates_screened"] == SAMPLE_COUNT and cold.stats["candidates_from_cache"] == 0
    assert "extract" in cold.stats["stage_ms"]
    assert warm.stats["candidates_from_cache"] == SAMPLE_COUNT
    assert warm.stats["candidates_screened"] == 0
    assert "extract" not in warm.stats["stage_ms"]
    assert set(warm.stats["stage_ms"]) & (PARSE_STAGES | {"evidence"}) == set()
    assert warm.stats["worker_peak_rss_mb"] == [], "a worker was started although every report came from the cache"
    assert differing(outputs(work / "cold"), outputs(work / "warm")) == []
    assert [r.candidate_id for r in warm.results] == [r.candidate_id for r in cold.results]


def test_when_reports_come_from_the_cache_then_run_json_names_each_file_by_its_own_digest(work, cold, warm):
    for run in ("cold", "warm"):
        folder = work / run
        listed = json.loads((folder / "run.json").read_text(encoding="utf-8"))["outputs"]
        reports = [name for name in listed if name.startswith("candidates/")]
        assert len(reports) == 3 * SAMPLE_COUNT
        assert {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in listed} == listed


def test_when_cached_reports_are_damaged_past_their_header_then_reports_on_disk_stand_and_missing_ones_are_screened_again(work, cold, tmp_path):
    """A re-run reads a report entry's header first: files already on disk by its digests need none of the rest.

    Every entry is cut short, so its header still reads and its files do not:
    the run into the folder that holds the reports takes them all from the
    cache and changes nothing; a run into an empty folder finds each entry
    damaged and screens every candidate again, into the same reports.
    """
    cache, out = tmp_path / "cache", tmp_path / "out"
    shutil.copytree(work / "cache", cache)
    shutil.copytree(work / "cold", out)
    with sqlite3.connect(cache / DB_NAME) as db:
        cut = db.execute("UPDATE entries SET payload = substr(payload, 1, length(payload) / 2) WHERE kind = 'report'").rowcount
    assert cut == SAMPLE_COUNT
    before = {path: path.stat().st_mtime_ns for path in (out / "candidates").iterdir()}
    served = screen(SAMPLES, as_of=AS_OF, workers=2, cache_dir=cache, out_dir=out)
    assert served.stats["candidates_from_cache"] == SAMPLE_COUNT and served.stats["candidates_screened"] == 0
    assert {path: path.stat().st_mtime_ns for path in (out / "candidates").iterdir()} == before, "a report on disk was rewritten"
    again = screen(SAMPLES, as_of=AS_OF, workers=2, cache_dir=cache, out_dir=tmp_path / "fresh")
    assert again.stats["candidates_from_cache"] == 0 and again.stats["candidates_screened"] == SAMPLE_COUNT
    assert differing(outputs(work / "cold"), outputs(tmp_path / "fresh")) == []


def test_when_some_reports_on_disk_are_missing_or_edited_then_a_cached_re_run_writes_those_and_leaves_the_rest(work, cold, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    shutil.copytree(work / "cache", cache)
    shutil.copytree(work / "cold", out)
    reports = sorted((out / "candidates").iterdir())
    deleted, edited = reports[0], reports[1]
    deleted.unlink()
    edited.write_bytes(edited.read_bytes().replace(b"e", b"E", 1))
    before = {path: path.stat().st_mtime_ns for path in reports[2:]}
    served = screen(SAMPLES, as_of=AS_OF, workers=2, cache_dir=cache, out_dir=out)
    assert served.stats["candidates_from_cache"] == SAMPLE_COUNT and served.stats["candidates_screened"] == 0
    assert {path: path.stat().st_mtime_ns for path in reports[2:]} == before, "a report that was already right was rewritten"
    assert differing(outputs(work / "cold"), outputs(out)) == []


def test_when_the_taxonomy_changes_then_evidence_is_extracted_again_without_parsing(work, warm, tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(textwrap.dedent(EXTRA_SKILL), encoding="utf-8")
    out = tmp_path / "out"
    run = screen(SAMPLES, as_of=AS_OF, workers=2, cache_dir=work / "cache", out_dir=out, taxonomy_files=[extra])
    stages = set(run.stats["stage_ms"])
    assert run.stats["candidates_screened"] == SAMPLE_COUNT and run.stats["candidates_from_cache"] == 0
    assert "evidence" in stages
    assert stages & PARSE_STAGES == set(), f"documents were parsed again: {sorted(stages)}"

    def invoicing(folder: Path) -> list[str]:
        return [item["text"] for item in candidate_json(folder, "nadia-okafor")["evidence"] if any(s["id"] == "zz_invoicing" for s in item["skills"])]

    assert invoicing(work / "warm") == []
    assert any("invoicing product" in text for text in invoicing(out)), "the new skill was not found: evidence came from the old taxonomy"


@pytest.fixture(scope="module")
def inbox_with_bad_files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inbox-bad")
    for name in ("nadia-okafor.pdf", "hannah-brightwater.docx", "oluwaseun-adeyemi.md"):
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "empty.pdf").write_bytes(b"")
    shutil.copy(SAMPLES / "ayesha-siddiqui.txt", folder / "text-named-pdf.pdf")
    whole = (SAMPLES / "brandon-keller.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    return folder


def test_when_a_folder_holds_broken_files_then_every_candidate_is_a_row_and_the_batch_finishes(inbox_with_bad_files, tmp_path):
    out = tmp_path / "out"
    run = screen(inbox_with_bad_files, as_of=AS_OF, workers=2, cache_dir=tmp_path / "cache", out_dir=out)
    statuses = {r.candidate_id: r.status for r in run.results}
    assert statuses == {
        "nadia-okafor": Status.OK,
        "hannah-brightwater": Status.OK,
        "oluwaseun-adeyemi": Status.OK,
        "empty": Status.NO_TEXT,
        "text-named-pdf": Status.CORRUPT,
        "truncated": Status.CORRUPT,
    }
    assert all(r.error for r in run.results if not r.ok)
    rows = (out / "ranking.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(row.split(",")[1] for row in rows) == sorted(statuses)
    assert [row.split(",")[3] for row in rows[-3:]] == ["no_text", "corrupt", "corrupt"]
    assert sorted(p.stem for p in (out / "candidates").glob("*.json")) == sorted(statuses)


def test_when_outputs_are_written_then_results_in_memory_are_slim_and_files_on_disk_are_whole(work, cold, tmp_path):
    assert len(cold.results) == SAMPLE_COUNT
    assert all(r.evidence == () and r.questions == () for r in cold.results)
    assert all(d.outline == () for r in cold.results for d in r.documents)
    on_disk = {r.candidate_id: candidate_json(work / "cold", r.candidate_id) for r in cold.results}
    assert all(len(data["evidence"]) > 0 for data in on_disk.values()), [cid for cid, data in on_disk.items() if not data["evidence"]]
    assert all(data["questions"] for cid, data in on_disk.items() if data["status"] == "ok" and data["scores"]["recommended_role"] != "insufficient_evidence")
    # Without an output folder nothing is written, so the results keep their evidence.
    single = tmp_path / "one"
    single.mkdir()
    shutil.copy(SAMPLES / "nadia-okafor.pdf", single)
    whole = screen(single, as_of=AS_OF, workers=0, cache=False)
    assert len(whole.results[0].evidence) == len(on_disk["nadia-okafor"]["evidence"])


def test_when_two_parallel_runs_finish_in_any_order_then_the_ranking_is_the_same(work, cold, no_cache):
    assert (work / "cold" / "ranking.csv").read_bytes() == (no_cache / "ranking.csv").read_bytes()
    inputs = [json.loads((folder / "run.json").read_text())["inputs"] for folder in (work / "cold", no_cache)]
    assert inputs[0] == inputs[1]
    assert list(dict.fromkeys(entry["candidate_id"] for entry in inputs[0])) == [r.candidate_id for r in cold.results]


@pytest.fixture
def small_inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("nadia-okafor.pdf", "hannah-brightwater.docx", "oluwaseun-adeyemi.md"):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


KIND_LINE = re.compile(r"^  (\w+)\s+(\d+) entries$")


def cache_kinds(output: str) -> dict[str, int]:
    return {m.group(1): int(m.group(2)) for m in map(KIND_LINE.match, output.splitlines()) if m}


def test_when_the_cache_is_inspected_and_cleared_then_counts_are_shown_and_emptied(small_inbox, tmp_path):
    cache_dir, out = tmp_path / "cache", tmp_path / "out"
    screened = cli("screen", small_inbox, "--out", out, "--as-of", AS_OF.isoformat(), "--workers", 2, "--cache", cache_dir, "--quiet")
    assert screened.exit_code == 0, screened.output + screened.stderr

    info = cli("cache", "info", "--cache", cache_dir)
    assert info.exit_code == 0, info.stderr
    assert info.output.splitlines()[0] == f"cache: {cache_dir / DB_NAME}"
    assert cache_kinds(info.output) == {"document": 3, "evidence": 3, "report": 3, "ranking": 1, "taxonomy": 1}
    assert re.search(r"^stored \d+\.\d MB \(compressed\), \d+\.\d MB on disk$", info.output, flags=re.M)

    cleared = cli("cache", "clear", "--cache", cache_dir)
    assert cleared.exit_code == 0, cleared.stderr
    assert cleared.output == f"removed 11 entries from {cache_dir / DB_NAME}\n"

    after = cli("cache", "info", "--cache", cache_dir)
    assert cache_kinds(after.output) == {}
    assert "stored 0.0 MB (compressed)" in after.output

    # The next run parses everything again.
    again = screen(small_inbox, as_of=AS_OF, workers=2, cache_dir=cache_dir, out_dir=tmp_path / "again")
    assert again.stats["candidates_screened"] == 3 and again.stats["candidates_from_cache"] == 0
    assert "extract" in again.stats["stage_ms"]


PROGRESS_LINE = re.compile(r"^screened (\d+)/(\d+) \(100%\) · \d+\.\d/s · (\d+) failed · (\d+) from cache$")


def test_when_screen_is_quiet_then_stderr_stays_empty(small_inbox, tmp_path):
    result = cli("screen", small_inbox, "--out", tmp_path / "out", "--as-of", AS_OF.isoformat(), "--workers", 2, "--cache", tmp_path / "cache", "--quiet")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("screened 3 candidate(s): 3 ok, 0 failed")


def test_when_stderr_is_not_a_terminal_then_progress_is_plain_lines_ending_with_the_total(small_inbox, tmp_path):
    (small_inbox / "empty.pdf").write_bytes(b"")
    result = cli("screen", small_inbox, "--out", tmp_path / "out", "--as-of", AS_OF.isoformat(), "--workers", 2, "--cache", tmp_path / "cache")
    assert result.exit_code == 0, result.output + result.stderr
    lines = result.stderr.splitlines()
    assert lines, "no progress was printed"
    assert "\r" not in result.stderr, "a terminal bar was drawn into a log"
    final = PROGRESS_LINE.match(lines[-1])
    assert final, lines
    assert final.groups() == ("4", "4", "1", "0")
    assert all(line.startswith("screened ") for line in lines)
    assert not re.search(r"^screened \d+/\d+", result.stdout, flags=re.M), "progress went to stdout"


def test_when_two_runs_share_one_cache_at_once_then_both_finish_with_the_same_outputs(work, cold, tmp_path):
    """Two `screener screen` processes over one fresh cache at the same time (WAL, transactions)."""
    import subprocess
    import sys

    shared = tmp_path / "shared-cache"
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "screener",
                "screen",
                str(SAMPLES),
                "--out",
                str(tmp_path / f"run{n}"),
                "--cache",
                str(shared),
                "--as-of",
                AS_OF.isoformat(),
                "--quiet",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
    first, second = outputs(tmp_path / "run1"), outputs(tmp_path / "run2")
    assert differing(first, second) == []
    assert differing(first, outputs(work / "cold")) == []


def test_when_stderr_is_a_terminal_then_progress_is_a_bar(tmp_path):
    """A real pseudo-terminal on stderr: the bar redraws with carriage returns and ends at the total."""
    import os
    import pty
    import subprocess
    import sys

    controller, terminal = pty.openpty()
    run = subprocess.Popen(
        [sys.executable, "-m", "screener", "screen", str(SAMPLES), "--out", str(tmp_path / "out"), "--no-cache", "--as-of", AS_OF.isoformat()],
        stdout=subprocess.DEVNULL,
        stderr=terminal,
    )
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the run is over
            break
        if not chunk:
            break
        drawn += chunk
    assert run.wait(timeout=300) == 0
    os.close(controller)
    text = drawn.decode("utf-8", "replace")
    assert "\r" in text and f"{SAMPLE_COUNT}/{SAMPLE_COUNT}" in text and "failed" in text
    assert "screened " not in text  # the plain lines are for logs, not terminals


def test_when_a_warm_cache_is_screened_for_another_role_then_the_ranking_is_that_roles(work, warm, tmp_path):
    """A cached ranking is reused only for the same candidates, reports and role."""
    cached = screen(SAMPLES, as_of=AS_OF, role="ml_engineer", workers=2, cache_dir=work / "cache", out_dir=tmp_path / "ml-cached")
    fresh = screen(SAMPLES, as_of=AS_OF, role="ml_engineer", workers=0, cache=False, out_dir=tmp_path / "ml-fresh")
    assert cached.stats["candidates_from_cache"] == 0  # the reports say "ranked by ML engineer": none could be reused
    assert (tmp_path / "ml-cached" / "ranking.csv").read_bytes() == (tmp_path / "ml-fresh" / "ranking.csv").read_bytes()
    assert [r.candidate_id for r in cached.results] == [r.candidate_id for r in fresh.results]
    again = screen(SAMPLES, as_of=AS_OF, role="ml_engineer", workers=2, cache_dir=work / "cache", out_dir=tmp_path / "ml-warm")
    assert again.stats["candidates_from_cache"] == SAMPLE_COUNT
    assert (tmp_path / "ml-warm" / "ranking.csv").read_bytes() == (tmp_path / "ml-fresh" / "ranking.csv").read_bytes()


def test_a_folder_candidate_is_served_from_the_cache_however_the_input_is_spelled(tmp_path, monkeypatch):
    """The report cache key holds the documents' names: a relative INPUT must name them as an absolute one does."""
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES / "carmen-villalobos", folder / "carmen-villalobos")
    cache_dir = tmp_path / "cache"
    first = screen(folder.resolve(), as_of=AS_OF, workers=0, cache_dir=cache_dir, out_dir=tmp_path / "a")
    monkeypatch.chdir(tmp_path)
    again = screen(Path("in"), as_of=AS_OF, workers=0, cache_dir=cache_dir, out_dir=tmp_path / "b")
    assert first.stats["candidates_screened"] == 1
    assert again.stats["candidates_from_cache"] == 1 and again.stats["candidates_screened"] == 0
    names = [d.source for d in again.results[0].documents]
    assert names and all(name.startswith("carmen-villalobos/") for name in names)
    for report in ("carmen-villalobos.json", "carmen-villalobos.md", "carmen-villalobos.html"):
        assert (tmp_path / "a" / "candidates" / report).read_bytes() == (tmp_path / "b" / "candidates" / report).read_bytes()
