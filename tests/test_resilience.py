"""A run survives what kills runs: a file that eats memory, a worker that dies, a SIGKILL of the whole run.

The kill test is benchmarks/killtest.py in miniature (real ``screener``
subprocesses on a generated set, killed at random moments); ``python
benchmarks/killtest.py`` runs the full 200-file, 20-kill version.
"""

from __future__ import annotations

import csv
import random
import shutil
import subprocess
import sys
from pathlib import Path

from screener.outputs import atomic_write, remove_stale_temporaries

from .conftest import REPO

SAMPLES = REPO / "samples" / "resumes"


def _memory_hog(path: Path) -> Path:
    """A 30 MB text resume: reading and tokenising it needs far more than 150 MB."""
    rng = random.Random(5)
    words = ["Shipped", "RAG", "pipelines", "with", "LangChain", "to", "production", "for", "users", "cutting", "latency"]
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Experience\n")
        for _ in range(350_000):
            handle.write("- " + " ".join(rng.choice(words) for _ in range(12)) + "\n")
    return path


def test_when_a_file_needs_more_memory_than_a_worker_may_take_then_it_is_an_error_row_and_the_others_are_screened(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(SAMPLES / "lucas-ferreira.pdf", inbox)
    shutil.copy(SAMPLES / "ayesha-siddiqui.txt", inbox)
    _memory_hog(inbox / "hog.txt")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "screener", "screen", str(inbox), "--out", str(out), "--no-cache", "--quiet", "--workers", "2", "--max-memory", "150"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = {row["candidate_id"]: row for row in csv.DictReader((out / "ranking.csv").open(encoding="utf-8"))}
    assert rows["hog"]["status"] == "error" and "memory" in rows["hog"]["error"]
    assert rows["lucas-ferreira"]["status"] == "ok" and rows["ayesha-siddiqui"]["status"] == "ok"


def test_when_a_killed_run_left_temporaries_then_the_next_writer_removes_them_and_keeps_the_outputs(tmp_path):
    atomic_write(tmp_path / "ranking.csv", "rank\n")
    (tmp_path / "candidates").mkdir()
    (tmp_path / ".ranking.csv.k3j2.tmp").write_text("rank,cand", encoding="utf-8")
    (tmp_path / "candidates" / ".ada.html.x9.tmp").write_text("<html", encoding="utf-8")
    (tmp_path / "notes.tmp").write_text("a user's file", encoding="utf-8")
    assert remove_stale_temporaries(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["notes.tmp", "ranking.csv"]


def test_when_screen_is_killed_at_random_moments_then_no_output_is_torn_and_the_next_run_finishes_the_job(tmp_path):
    command = [sys.executable, str(REPO / "benchmarks" / "killtest.py"), "--count", "16", "--kills", "3", "--seed", "11", "--work", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "summary: 3 kills, 0 with a torn output" in done.stdout
