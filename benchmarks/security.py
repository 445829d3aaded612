"""``make security``: screen every hostile case (tests/hostile.py) and print what happened.

One table row per case (case | expected status | status | message | ok), then
the totals: cases tried, crashes (a non-zero exit, a run over its bound or a
missing row), outputs lost (the good resumes' rows or reports changed or
missing), formula cells, live-script findings, and the other run-level
findings (unparsable JSON, a changed input folder, files written where they
should not be). Exits 1 when any of those is not 0. Cases the test suite marks
as known failures are shown with an ``x`` and counted, not hidden.

    .venv/bin/python benchmarks/security.py [--keep DIR] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests import hostile  # noqa: E402


def _cell(text: str, width: int) -> str:
    text = hostile.normalise(text).replace("|", "/")
    return text if len(text) <= width else text[: width - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build and keep the runs' folders here (default: a temporary folder, removed)")
    parser.add_argument("--only", default="", help="only cases whose name contains this")
    args = parser.parse_args(argv)

    cases = [c for c in hostile.all_cases() if args.only in c.name]
    root = Path(tempfile.mkdtemp(prefix="screener-security-")) if args.keep is None else args.keep
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        baseline, runs = hostile.screen_all(root, cases)
        reports = {group: hostile.check_run(run, baseline) for group, run in runs.items()}
        outcomes = [hostile.case_outcome(case, runs[case.group]) for case in cases]
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    total = time.perf_counter() - started

    print(f"{'case':32} | {'expected status':24} | {'status':11} | {'message':70} | ok")
    print(f"{'-' * 32}-+-{'-' * 24}-+-{'-' * 11}-+-{'-' * 70}-+---")
    for outcome in outcomes:
        case = outcome.case
        expected = "any" if case.expected == hostile.ANY else "/".join(sorted(case.expected))
        mark = "✓" if outcome.ok else ("x" if case.xfail else "✗")
        message = outcome.message if outcome.ok else " — ".join(filter(None, ("; ".join(outcome.problems), outcome.message)))
        print(f"{case.name:32} | {_cell(expected, 24):24} | {outcome.status:11} | {_cell(message, 70):70} | {mark}")

    print()
    for group, run in runs.items():
        members = sum(1 for c in cases if c.group == group)
        print(
            f"run {group}: {members} cases + {len(hostile.GOOD)} good resumes, --time-limit {run.time_limit:g} s, built in {run.build_seconds:.1f} s, screened in {run.seconds:.1f} s (exit {run.returncode})"
        )
    print(f"baseline (good resumes alone): {baseline.seconds:.1f} s; everything: {total:.1f} s")

    missing = [o for o in outcomes if o.status == "missing"]
    wrong = [o for o in outcomes if not o.ok and o.status != "missing"]
    known = [o for o in outcomes if not o.ok and o.case.xfail]

    def findings(*checks: str) -> list[str]:
        """Every group's findings for ``checks``, each marked when the suite records it as a known failure."""
        out = []
        for group, report in reports.items():
            known = dict(hostile.GROUPS.get(group, hostile.Group()).xfail)
            out += [f"{f} [known: {known[check]}]" if check in known else f for check in checks for f in getattr(report, check)]
        return out

    crashes = findings("crashes") + [f"{o.case.name}: {o.problems[0]}" for o in missing]
    lost = findings("lost")
    formulas = findings("formula_cells")
    scripts = findings("live_script")
    other = findings("bad_json", "input_changed", "stray_files")
    print()
    print(f"cases tried:          {len(outcomes)}")
    print(f"crashes:              {len(crashes)}")
    print(f"outputs lost:         {len(lost)}")
    print(f"formula cells:        {len(formulas)}")
    print(f"live-script findings: {len(scripts)}")
    print(f"other findings:       {len(other)} (unparsable JSON, changed inputs, stray files)")
    print(f"unexpected statuses:  {len(wrong)} ({len(known)} of all failures are known, marked x)")
    for title, findings in (("crash", crashes), ("lost", lost), ("formula", formulas), ("script", scripts), ("other", other)):
        for finding in findings[:20]:
            print(f"  {title}: {finding}")
    return 1 if crashes or lost or formulas or scripts or other else 0


if __name__ == "__main__":
    sys.exit(main())
