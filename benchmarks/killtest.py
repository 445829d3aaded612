"""Kill ``screener screen`` with SIGKILL at random moments and prove no output is ever torn.

Usage::

    python benchmarks/killtest.py [--count 200] [--kills 20] [--seed 3] [--work out/killtest]

Steps (real ``screener`` subprocesses, no mocks):

1. a bench set of ``count`` candidates (``benchmarks/generate.py``, shared with ``make bench``);
2. a baseline run to completion into WORK/baseline, without a cache;
3. ``kills`` times: a run into WORK/out (the same folder every time, so each kill lands on the
   outputs of the run before) with a fresh cache, killed with SIGKILL after a random share of
   the baseline's wall time; every output file is checked whole (CSV rows complete, JSON
   parses, HTML and Markdown end where they should); then the same command again, which must
   finish, take the candidates the killed run had finished from the cache, and write outputs
   identical to the baseline's.

Prints one line per kill and a summary; exit code 1 when any output was torn, a resumed run
failed or differed from the baseline.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import bench_set, screener_command  # noqa: E402
from screener.outputs import CSV_COLUMNS  # noqa: E402

AS_OF = "2026-11-22"


def screen_args(set_dir: Path, out_dir: Path, cache: Path | None) -> list[str]:
    cache_args = ["--cache", str(cache)] if cache is not None else ["--no-cache"]
    return [*screener_command(), "screen", str(set_dir), "--out", str(out_dir), "--quiet", "--as-of", AS_OF, *cache_args]


def torn(path: Path) -> str | None:
    """Why ``path`` is not a whole output file, or None when it is."""
    data = path.read_bytes()
    if not data:
        return "empty"
    text = data.decode("utf-8")
    if path.suffix == ".csv":
        rows = list(csv.reader(io.StringIO(text)))
        if not text.endswith("\n") or not rows or tuple(rows[0]) != CSV_COLUMNS:
            return "CSV without its header or final newline"
        short = [i for i, row in enumerate(rows) if len(row) != len(CSV_COLUMNS)]
        return f"CSV rows {short[:3]} are incomplete" if short else None
    if path.suffix == ".json":
        try:
            json.loads(text)
        except ValueError:
            return "JSON does not parse"
        return None
    if path.suffix == ".html":
        return None if text.rstrip().endswith("</html>") else "HTML is cut short"
    if path.suffix == ".md":
        return None if text.endswith("\n") else "Markdown is cut short"
    return None


def check_outputs(out_dir: Path) -> tuple[int, list[str]]:
    """(output files present, problems): every finished output must be whole; temporaries are not outputs."""
    files = [p for folder in (out_dir, out_dir / "candidates") if folder.is_dir() for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    problems = [f"{p.relative_to(out_dir)}: {why}" for p in files if (why := torn(p))]
    return len(files), problems


def comparable(out_dir: Path) -> dict[str, bytes]:
    """The outputs that must equal the baseline's byte for byte: the ranking and every report."""
    files = {"ranking.csv": (out_dir / "ranking.csv").read_bytes()}
    for path in sorted((out_dir / "candidates").iterdir()):
        if not path.name.startswith("."):
            files[f"candidates/{path.name}"] = path.read_bytes()
    return files


def run_to_end(args: list[str], timeout: float = 900) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - started, done


def kill_after(args: list[str], delay: float) -> tuple[bool, float]:
    """Start ``args`` and SIGKILL it (the screener process alone, as ``kill -9 PID`` does) after ``delay`` s; (killed, when)."""
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.perf_counter()
    try:
        process.wait(timeout=delay)
        return False, time.perf_counter() - started  # it finished first
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return True, time.perf_counter() - started


def from_cache(out_dir: Path) -> int:
    return json.loads((out_dir / "run.json").read_text(encoding="utf-8"))["timings"].get("candidates_from_cache", 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / "out" / "killtest")
    options = parser.parse_args(argv)
    work: Path = options.work
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(options.seed)

    files, _ = bench_set(work, options.count)
    set_dir = work / "set"
    baseline_dir, out_dir = work / "baseline", work / "out"
    for folder in (baseline_dir, out_dir):
        shutil.rmtree(folder, ignore_errors=True)
    wall, done = run_to_end(screen_args(set_dir, baseline_dir, None))
    if done.returncode != 0:
        print(done.stderr[-2000:])
        return 1
    baseline = comparable(baseline_dir)
    print(f"baseline: {options.count} candidates ({len(files)} files) in {wall:.1f} s; killing {options.kills} runs at random moments")
    print(f"{'kill':>4} {'at s':>6} {'killed':>6} {'files':>6} {'torn':>4} {'resumed s':>9} {'from cache':>10} {'identical':>9}")

    failures = 0
    for trial in range(1, options.kills + 1):
        cache = work / f"cache-{trial}"
        shutil.rmtree(cache, ignore_errors=True)
        args = screen_args(set_dir, out_dir, cache)
        killed, at = kill_after(args, rng.uniform(0.05, 1.0) * wall)
        present, problems = check_outputs(out_dir)
        resumed, done = run_to_end(args)
        ok = done.returncode == 0
        identical = ok and comparable(out_dir) == baseline
        _, after = check_outputs(out_dir)
        problems += [f"after the resumed run: {p}" for p in after]
        cached = from_cache(out_dir) if ok else 0
        print(f"{trial:>4} {at:>6.2f} {str(killed):>6} {present:>6} {len(problems):>4} {resumed:>9.2f} {cached:>10} {str(identical):>9}")
        for problem in problems[:5]:
            print(f"       torn: {problem}")
        if not ok:
            print(f"       the resumed run failed: {done.stderr[-500:]}")
        failures += bool(problems) or not identical
        shutil.rmtree(cache, ignore_errors=True)
    print(f"summary: {options.kills} kills, {failures} with a torn output or a resumed run that differed from the baseline")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
