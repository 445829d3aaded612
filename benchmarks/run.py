"""``make bench``: from one run, every number the performance issue asks for.

Usage::

    python benchmarks/run.py [--count 500] [--scale 5000] [--work DIR] [--skip-naive] [--naive-workers 1] [--skip-dask] [--dask-workers 2] [--realworld DIR] [--skip-realworld]

Steps (wall clock, ``time.perf_counter``, around a real ``screener`` subprocess, so
interpreter start-up and imports count, as they do for a user):

1. a bench set of ``count`` distinct fictional candidates in WORK/set (``benchmarks/generate.py``;
   reused when WORK/set.json says it was made with the same count and seed);
2. the floor: PDFium plain text over the same files, in this process (``benchmarks/peers.py``);
3. cold: ``screener screen WORK/set --out WORK/out --cache WORK/cache --quiet`` on an empty cache;
4. warm: the same command again, which must take every candidate from the cache;
5. the naive peer: pdfplumber text plus keyword counting (``--skip-naive`` skips it);
6. scale: the set replicated to ``--scale`` candidates with distinct bytes (``--scale 0`` skips),
   screened with ``--no-cache`` while the RSS of the screener and its workers is sampled
   from /proc every 0.5 s;
7. the real-world corpus (``../shared/corpus/realworld``, or ``--realworld DIR``; skipped where
   absent or with ``--skip-realworld``): its PDFs, made by other people's tools with embedded
   fonts, replicated with distinct bytes to at least ``count`` files in WORK/realworld; the floor,
   a cold run and the naive peer over them, as for the bench set. The generated set uses the
   standard fonts, which PDFium reads about twice as fast per page as the corpus's embedded ones,
   so the ratios there differ from the bench set's; both are printed;
8. Dask: the scale set again with ``--executor dask --no-cache`` on a local cluster of
   ``--dask-workers`` processes (cluster start-up counts), its wall time as a ratio of the scale
   run's (same files, same ``--no-cache``) and the client's RSS sampled the same way, at each
   tenth of the run; with ``--scale 0``, the bench set, against the cold run (``--skip-dask``
   skips it; skipped where ``distributed`` is not installed).

Outputs of an earlier bench run (out, cache, scale-out, dask-out, an outdated set) are
renamed into WORK/retired, not deleted, and WORK/retired is emptied after the warm run; the
scale and Dask runs start only once a minute has passed since (the naive peer usually fills
it). This machine's ext4 has no journal, and there creating a file scans every inode of its
group freed in the last minute, so deleting the last run's 1,500 report files just before the
cold run made each new report cost 0.4-0.8 ms of kernel time (cold 8.4-9.1 s against 7.0-7.1 s
on the same code). A user's run pays that only where they have just deleted thousands of files.

Prints a Markdown table (measure | value | target | met) with the acceptance targets and
writes the same numbers to WORK/bench.json. "resumes/s" is candidates per wall second
(a folder candidate, resume plus portfolio, is one). Exit code 1 when a screener run
fails or the warm run did not come wholly from the cache; a missed target is a number,
not a failure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import pdf_pages, plan, render_jobs, replicate  # noqa: E402
from benchmarks.peers import naive_pipeline, pdfium_plain_text  # noqa: E402
from screener.cache import cache_key  # noqa: E402
from screener.fingerprint import code_digest, vocabulary_digest  # noqa: E402
from screener.native import guard  # noqa: E402
from screener.taxonomy.load import sources_digest  # noqa: E402
from screener.timing import STAGES  # noqa: E402

SEED = 7
SAMPLE_EVERY = 0.5
PDF_LAYOUTS = ("single_column", "two_column", "sidebar")
#: Acceptance targets from the performance issue.
TARGET_COLD_OVER_FLOOR = 3.0  # cold wall <= 3x the PDFium plain-text floor
TARGET_NAIVE_OVER_COLD = 15.0  # >= 15x faster than the naive peer
TARGET_COLD_OVER_WARM = 10.0  # warm >= 10x faster than cold
TARGET_WORKER_RSS_MB = 300.0
TARGET_DASK_OVER_LOCAL = 1.25  # the Dask executor within 25% of the local pool's wall time on the same files


def log(message: str) -> None:
    print(message, flush=True)


def retire(path: Path) -> None:
    """Move an earlier run's output out of the way, into WORK/retired, for :func:`purge_retired` to delete later.

    Deleting it here would make the next run's file creations slow (see the module's docstring).
    """
    if not path.exists():
        return
    retired = path.parent / "retired"
    retired.mkdir(exist_ok=True)
    path.rename(retired / f"{path.name}-{time.time_ns()}")


#: How long the kernel keeps freed inodes out of new files' way (ext4's ``recently_deleted``: 60 s, 65 while dirty).
DELETION_MEMORY_S = 66.0
_purged_at: float | None = None


def purge_retired(work: Path) -> None:
    global _purged_at
    retired = work / "retired"
    if retired.exists():
        shutil.rmtree(retired, ignore_errors=True)
        _purged_at = time.monotonic()


def outwait_deletions() -> None:
    """Before a timed run that creates thousands of files: wait until the kernel has forgotten the purge."""
    if _purged_at is not None:
        left = DELETION_MEMORY_S - (time.monotonic() - _purged_at)
        if left > 0:
            log(f"      waiting {left:.0f} s for the deletion of earlier outputs to age out")
            time.sleep(left)


# --------------------------------------------------------------------------- the bench set


def _set_files(set_dir: Path, listed: list[str]) -> list[Path] | None:
    """The files a marker lists, when they are exactly the files in ``set_dir``."""
    files = [set_dir / rel for rel in listed]
    on_disk = sorted(p for p in set_dir.rglob("*") if p.is_file())
    return files if sorted(files) == on_disk else None


def bench_set(work: Path, count: int) -> tuple[list[Path], dict]:
    """WORK/set with ``count`` candidates: reused when WORK/set.json matches, else rendered afresh."""
    set_dir, marker = work / "set", work / "set.json"
    if marker.is_file() and set_dir.is_dir():
        info = json.loads(marker.read_text(encoding="utf-8"))
        if info.get("count") == count and info.get("seed") == SEED:
            files = _set_files(set_dir, info.get("files", []))
            if files is not None:
                return files, dict(info, reused=True)
    retire(set_dir)
    marker.unlink(missing_ok=True)
    started = time.perf_counter()
    set_dir.mkdir(parents=True)
    jobs = plan(set_dir, count, SEED)
    files = render_jobs(jobs, workers=2)
    mix = Counter(f"{j.layout}/{j.producer}" if j.layout in PDF_LAYOUTS else j.layout for j in jobs)
    pages = Counter(pdf_pages(j.path) for j in jobs if j.path.suffix == ".pdf")
    info = {
        "count": count,
        "seed": SEED,
        "candidates": len(jobs),
        "folders": sum(j.portfolio for j in jobs),
        "mix": dict(sorted(mix.items())),
        "pdf_pages": {str(k): v for k, v in sorted(pages.items())},
        "render_seconds": round(time.perf_counter() - started, 2),
        "files": [str(p.relative_to(set_dir)) for p in files],
    }
    marker.write_text(json.dumps(info, indent=1), encoding="utf-8")
    return files, dict(info, reused=False)


def scale_set(work: Path, files: list[Path], count: int, scale: int, fresh_set: bool) -> tuple[Path, int, bool]:
    """WORK/scale: ``ceil(scale / count)`` distinct-bytes copies of every candidate; returns (folder, candidates, reused)."""
    scale_dir = work / "scale"
    copies = max(1, math.ceil(scale / count))
    wanted = {"count": count, "seed": SEED, "copies": copies, "files": len(files) * copies}
    _, reused = replicated_set(scale_dir, work / "scale.json", files, copies, wanted, reuse=not fresh_set)
    return scale_dir, count * copies, reused


def replicated_set(folder: Path, marker: Path, sources: list[Path], copies: int, wanted: dict, *, reuse: bool = True) -> tuple[list[Path], bool]:
    """``folder`` with ``copies`` distinct-bytes copies of every source (``replicate``); returns (its files, sorted; reused).

    Reused when ``marker`` records ``wanted`` and the folder holds every copy; otherwise made afresh.
    """
    if reuse and marker.is_file() and folder.is_dir() and json.loads(marker.read_text(encoding="utf-8")) == wanted:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        if len(files) == len(sources) * copies:
            return files, True
    retire(folder)
    marker.unlink(missing_ok=True)
    files = sorted(replicate(sources, folder, copies))
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return files, False


#: Where the shared real-world corpus sits beside a checkout (absent on a fresh machine: the step is skipped).
REALWORLD = ROOT.parent / "shared" / "corpus" / "realworld"


def realworld_set(work: Path, corpus: Path, count: int) -> tuple[list[Path], int]:
    """WORK/realworld: every PDF of ``corpus`` copied ``ceil(count / n)`` times with distinct bytes; returns (files, originals)."""
    originals = sorted(corpus.glob("*.pdf"))
    copies = max(1, math.ceil(count / len(originals))) if originals else 0
    wanted = {"corpus": str(corpus), "copies": copies, "originals": [[p.name, p.stat().st_size] for p in originals]}
    files, _ = replicated_set(work / "realworld", work / "realworld.json", originals, copies, wanted)
    return files, len(originals)


def naive_timing(files: list[Path], workers: int) -> dict:
    """The naive peer over ``files``: its files, pages and seconds (its scores are not the bench's business)."""
    return {k: v for k, v in naive_pipeline(files, workers=workers).items() if k != "scores"}


def realworld_run(work: Path, corpus: Path, count: int, logs: Path, *, naive: bool, naive_workers: int) -> dict | None:
    """The floor, a cold run and the naive peer over real resumes (see the module's docstring, step 7)."""
    if not corpus.is_dir() or not any(corpus.glob("*.pdf")):
        log(f"[7/8] real-world corpus: skipped ({corpus} not found)")
        return None
    files, originals = realworld_set(work, corpus, count)
    log(f"[7/8] real-world corpus: {originals} PDFs from {corpus}, {len(files)} files with distinct bytes")
    floor = pdfium_plain_text(files)
    log(f"      floor {floor['seconds']:.2f} s, {floor['pages']} pages")
    cache, out = work / "realworld-cache", work / "realworld-out"
    retire(cache)
    retire(out)
    outwait_deletions()
    cold = run_screener([str(work / "realworld"), "--cache", str(cache)], out, logs, "realworld-cold")
    log(f"      cold {cold['wall_seconds']:.2f} s wall, {cold['timings'].get('candidates_screened')} screened")
    peer = None
    if naive:
        peer = naive_timing(files, naive_workers)
        log(f"      naive {peer['seconds']:.2f} s")
    return {
        "corpus": str(corpus),
        "originals": originals,
        "files": len(files),
        "floor": floor,
        "cold": cold,
        "naive": peer,
        "cold_over_floor": ratio(cold["wall_seconds"], floor["seconds"]),
        "naive_over_cold": ratio(peer["seconds"] if peer else None, cold["wall_seconds"]),
        "all_screened": cold["timings"].get("candidates_screened") == len(files),
    }


# --------------------------------------------------------------------------- code fingerprint


def source_digest() -> str:
    """What the cache keys hash (the package's code, the taxonomy and the vocabulary), read afresh: an edit mid-run forces misses."""
    return cache_key(code_digest.__wrapped__(None), sources_digest(), vocabulary_digest.__wrapped__())[:16]


# --------------------------------------------------------------------------- /proc sampling


def rss_mb(pid: int) -> float | None:
    """VmRSS of ``pid`` in MB, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
        return None
    return None  # a zombie has no VmRSS


#: Whether the kernel offers /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN); else /proc/*/stat is scanned.
HAS_CHILDREN_FILE = Path(f"/proc/self/task/{os.getpid()}/children").exists()


def _children_proc(pid: int) -> list[int]:
    """Children of ``pid`` from /proc/PID/task/*/children (empty once it is gone)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except (OSError, ValueError):
        pass
    return found


def _parents() -> dict[int, int]:
    """pid -> ppid for every process, from /proc/*/stat (the fallback child walk)."""
    out = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                out[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
            except (OSError, ValueError):
                continue
    return out


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``."""
    table = None if HAS_CHILDREN_FILE else _parents()
    todo, seen = [pid], []
    while todo:
        current = todo.pop()
        kids = _children_proc(current) if table is None else [p for p, pp in table.items() if pp == current]
        for kid in kids:
            if kid not in seen:
                seen.append(kid)
                todo.append(kid)
    return seen


class RssSampler(threading.Thread):
    """Samples the RSS of a process and its descendants every SAMPLE_EVERY seconds until stopped."""

    def __init__(self, pid: int, started: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.started = pid, started
        self.samples: list[dict] = []  # {"t": s, "parent": MB, "workers": {pid: MB}}
        self.halt = threading.Event()

    def run(self) -> None:
        while True:
            parent = rss_mb(self.pid)
            if parent is not None:
                kids = {k: mb for k in descendants(self.pid) if (mb := rss_mb(k)) is not None}
                self.samples.append({"t": time.perf_counter() - self.started, "parent": parent, "workers": kids})
            if self.halt.wait(SAMPLE_EVERY):
                return

    def stop(self) -> None:
        self.halt.set()
        self.join()

    def summary(self, elapsed: float) -> dict:
        """Peaks and a ten-point curve (parent RSS, largest worker RSS) at 10%..100% of ``elapsed``."""
        samples = self.samples
        if not samples:
            return {"samples": 0}
        parent_curve, worker_curve = [], []
        for tenth in range(1, 11):
            upto = [s for s in samples if s["t"] <= elapsed * tenth / 10] or samples[:1]
            parent_curve.append(round(upto[-1]["parent"]))
            worker_curve.append(round(max(upto[-1]["workers"].values(), default=0)))
        return {
            "samples": len(samples),
            "max_parent_rss_mb": round(max(s["parent"] for s in samples), 1),
            "max_worker_rss_mb": round(max((mb for s in samples for mb in s["workers"].values()), default=0), 1) or None,
            "max_workers_seen": max(len(s["workers"]) for s in samples),
            "parent_curve_mb": parent_curve,
            "worker_curve_mb": worker_curve,
        }


# --------------------------------------------------------------------------- screener runs


def screener_command() -> list[str]:
    """The installed ``screener`` script beside this interpreter, else ``python -m screener``."""
    script = Path(sys.executable).with_name("screener")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "screener"]


def run_screener(args: list[str], out_dir: Path, log_dir: Path, name: str) -> dict:
    """Run ``screener screen ARGS --out OUT_DIR`` and time it; returns wall seconds, run.json and RSS samples."""
    command = screener_command() + ["screen", *args, "--out", str(out_dir), "--quiet"]
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"{name}.stdout", "wb") as out, open(log_dir / f"{name}.stderr", "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT)
        sampler = RssSampler(proc.pid, started)
        sampler.start()
        code = proc.wait()
        wall = time.perf_counter() - started
        sampler.stop()
    if code != 0:
        tail = (log_dir / f"{name}.stderr").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{name}: {' '.join(command)} exited {code}\n{tail}")
    manifest = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    return {
        "command": " ".join(command),
        "wall_seconds": round(wall, 3),
        "run_json_seconds": manifest.get("seconds"),
        "counts": manifest.get("counts", {}),
        "timings": manifest.get("timings", {}),
        "rss": sampler.summary(wall),
    }


def dask_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


def dask_run(folder: Path, candidates: int, work: Path, logs: Path, workers: int, *, skip: bool) -> dict | None:
    """``folder`` on a local Dask cluster, ``--no-cache``: what the Dask executor costs next to the local pool.

    :func:`run_screener` samples the screener process as in the scale run;
    under Dask that process is the client (with the LocalCluster's
    scheduler), so its curve shows whether the client stays flat.
    """
    if skip or not dask_available():
        log(f"[8/8] Dask: skipped ({'--skip-dask' if skip else 'distributed is not installed: pip install screener[dask]'})")
        return None
    log(f"[8/8] Dask: {candidates} candidates in {folder.name}, --executor dask --no-cache, {workers}-worker LocalCluster, client RSS every {SAMPLE_EVERY} s")
    out = work / "dask-out"
    retire(out)
    outwait_deletions()
    dask = run_screener([str(folder), "--no-cache", "--executor", "dask", "--workers", str(workers)], out, logs, "dask")
    dask["candidates"] = candidates
    dask["resumes_per_s"] = candidates / dask["wall_seconds"]
    log(f"      {dask['wall_seconds']:.2f} s wall, {dask['timings'].get('candidates_screened')} screened")
    return dask


# --------------------------------------------------------------------------- report


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def check(value: float | None, target: float, at_least: bool) -> str:
    if value is None:
        return "n/a"
    return "met" if (value >= target if at_least else value <= target) else "NOT met"


def fmt(value: object, digits: int = 2) -> str:
    if value is None:
        return "skipped"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def mix_summary(mix: dict[str, int]) -> str:
    """'pdf 34 (6 layout x producer combos, 5-6 each), docx 2, markdown 2, text 2': the full mix is in bench.json."""
    pdf = {k: v for k, v in mix.items() if "/" in k}
    parts = [f"pdf {sum(pdf.values())} ({len(pdf)} layout x producer combos, {min(pdf.values())}-{max(pdf.values())} each)"] if pdf else []
    return ", ".join(parts + [f"{k} {v}" for k, v in mix.items() if "/" not in k])


def table(rows: list[tuple[str, str, str, str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def build_rows(r: dict) -> list[tuple[str, str, str, str]]:
    s, cold, warm, naive, scale = r["set"], r["cold"], r["warm"], r["naive"], r["scale"]
    t = cold["timings"]
    rows = [("measure", "value", "target", "met")]

    def add(measure: str, value: object, target: str = "", met: str = "", digits: int = 2) -> None:
        rows.append((measure, fmt(value, digits), target, met))

    add("bench set", f"{s['candidates']} candidates ({s['folders']} folders), {s['files']} files, {r['floor']['pages']} pages (non-PDF = 1)")
    add("pdf pages per file", " ".join(f"{k}p={v}" for k, v in s["pdf_pages"].items()))
    add("layout/producer mix", mix_summary(s["mix"]))
    add("screener workers", t.get("workers"))
    compiled = r.get("compiled_stages") or {}
    add("stages compiled (mypyc, setup.py)", f"yes, {compiled['modules']} modules" if compiled.get("active") else "no: Python sources")
    python = r.get("python") or {}
    add("python (the venv's interpreter)", f"{python.get('version')} {python.get('executable')}")
    add("load average at start (1 min)", r["load_average"], digits=2)
    add("cold wall s", cold["wall_seconds"])
    add("cold resumes/s", cold["resumes_per_s"], digits=1)
    add("cold run.json s (in-process, no start-up)", cold["run_json_seconds"])
    add("warm wall s", warm["wall_seconds"])
    add("warm resumes/s", warm["resumes_per_s"], digits=1)
    add("warm run.json s (in-process, no start-up)", warm["run_json_seconds"])
    add("warm candidates from cache", f"{warm['timings'].get('candidates_from_cache')}/{s['candidates']}", "all", "met" if r["warm_all_cached"] else "NOT met")
    m = r["measures"]
    add("warm speed-up (cold/warm wall)", m["cold_over_warm"], f">= {TARGET_COLD_OVER_WARM:g}x", check(m["cold_over_warm"], TARGET_COLD_OVER_WARM, True), 1)
    add("floor s (PDFium plain text, one process)", r["floor"]["seconds"])
    add("cold / floor ratio", m["cold_over_floor"], f"<= {TARGET_COLD_OVER_FLOOR:g}x", check(m["cold_over_floor"], TARGET_COLD_OVER_FLOOR, False), 1)
    naive_label = f"naive s (pdfplumber + keywords, {r['naive_workers']} worker{'s' if r['naive_workers'] != 1 else ''})"
    add(naive_label, naive["seconds"] if naive else None)
    add(
        "naive / cold ratio (times faster)",
        m["naive_over_cold"],
        f">= {TARGET_NAIVE_OVER_COLD:g}x",
        check(m["naive_over_cold"], TARGET_NAIVE_OVER_COLD, True),
        1,
    )
    realworld_rows(r, add)
    for stage in STAGES:
        add(f"stage ms per resume: {stage}", m["stage_ms_per_resume"].get(stage), digits=1)
    add("stage ms per resume: total (CPU-side, all workers)", m["stage_ms_per_resume_total"], digits=1)
    worker_rss = max(t.get("worker_peak_rss_mb") or [0]) or None
    add("worker peak RSS MB (cold, run.json)", worker_rss, f"<= {TARGET_WORKER_RSS_MB:g} MB", check(worker_rss, TARGET_WORKER_RSS_MB, False), 1)
    add("parent peak RSS MB (cold, run.json)", t.get("parent_peak_rss_mb"), digits=1)
    if scale:
        rss = scale["rss"]
        add("scale files (candidates)", f"{scale['candidates']} ({scale['files']} files)")
        add("scale wall s", scale["wall_seconds"])
        add("scale resumes/s", scale["resumes_per_s"], digits=1)
        add("scale max parent RSS MB (sampled)", rss.get("max_parent_rss_mb"), digits=1)
        mw = rss.get("max_worker_rss_mb")
        add("scale max worker RSS MB (sampled)", mw, f"<= {TARGET_WORKER_RSS_MB:g} MB", check(mw, TARGET_WORKER_RSS_MB, False), 1)
        add("scale parent RSS MB at 10%..100% of run", " ".join(map(str, rss.get("parent_curve_mb", []))))
        add("scale largest worker RSS MB at 10%..100% (0: none yet)", " ".join(map(str, rss.get("worker_curve_mb", []))))
    else:
        add("scale files (candidates)", None)
    dask_rows(r, add)
    return rows


def realworld_rows(r: dict, add: Callable[..., None]) -> None:
    """The real-world corpus's rows, beside the bench set's ratios they correspond to."""
    rw = r.get("realworld")
    if not rw:
        add("real-world corpus", "skipped")
        return
    add("real-world corpus", f"{rw['originals']} PDFs x {rw['files'] // rw['originals']} distinct-bytes copies = {rw['files']} files, {rw['floor']['pages']} pages")
    add("real-world floor s / cold wall s", f"{fmt(rw['floor']['seconds'])} / {fmt(rw['cold']['wall_seconds'])}")
    add("real-world cold / floor ratio", rw["cold_over_floor"], f"<= {TARGET_COLD_OVER_FLOOR:g}x", check(rw["cold_over_floor"], TARGET_COLD_OVER_FLOOR, False), 1)
    add("real-world naive s", rw["naive"]["seconds"] if rw["naive"] else None)
    add("real-world naive / cold ratio", rw["naive_over_cold"], f">= {TARGET_NAIVE_OVER_COLD:g}x", check(rw["naive_over_cold"], TARGET_NAIVE_OVER_COLD, True), 1)


def dask_rows(r: dict, add: Callable[..., None]) -> None:
    """The Dask run's rows: against the scale run on its files, or (``--scale 0``) the cold run on the bench set."""
    dask, m, local = r.get("dask"), r["measures"], r["measures"]["dask_compared_with"]
    on = f", {dask['candidates']} candidates" if dask else ""
    add(f"dask wall s ({r.get('dask_workers', 2)}-worker LocalCluster, --no-cache{on})", dask["wall_seconds"] if dask else None)
    add("dask resumes/s", dask["resumes_per_s"] if dask else None, digits=1)
    local_workers = r[local]["timings"].get("workers") if r.get(local) else None
    label = f"dask / {local} wall ratio ({'same files, --no-cache, ' if local == 'scale' else ''}{local_workers} local workers)"
    add(label, m["dask_over_local"], f"<= {TARGET_DASK_OVER_LOCAL:g}x", check(m["dask_over_local"], TARGET_DASK_OVER_LOCAL, False))
    add("dask client max RSS MB (sampled)", dask["rss"].get("max_parent_rss_mb") if dask else None, digits=1)
    add("dask client RSS MB at 10%..100% of run", " ".join(map(str, dask["rss"].get("parent_curve_mb", []))) if dask else None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=500, help="distinct candidates in the bench set")
    ap.add_argument("--scale", type=int, default=5000, help="candidates in the scale run (0 skips it)")
    ap.add_argument("--work", type=Path, default=ROOT / "out" / "bench", help="working folder (default: out/bench)")
    ap.add_argument("--skip-naive", action="store_true", help="skip the naive pdfplumber peer (about 60 s for 500 files)")
    ap.add_argument("--naive-workers", type=int, default=1, help="processes for the naive peer (1: a plain script)")
    ap.add_argument("--skip-dask", action="store_true", help="skip the run on a local Dask cluster")
    ap.add_argument("--dask-workers", type=int, default=2, help="worker processes of the local Dask cluster")
    ap.add_argument("--realworld", type=Path, default=REALWORLD, help="folder of real-world resume PDFs (default: ../shared/corpus/realworld)")
    ap.add_argument("--skip-realworld", action="store_true", help="skip the real-world corpus runs (about two minutes with the naive peer)")
    args = ap.parse_args(argv)
    if args.count < 1:
        ap.error("--count must be at least 1")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    report: dict = {"count": args.count, "seed": SEED, "work": str(work), "load_average": round(os.getloadavg()[0], 2), "naive_workers": args.naive_workers}
    native = guard()  # the screener runs below import the same package, so they use the same build
    report["compiled_stages"] = {"active": native.active, "modules": len(native.modules), "stale": list(native.stale)}
    report["python"] = {"version": platform.python_version(), "executable": str(Path(sys.executable).resolve()), "build": " ".join(platform.python_build())}

    log(f"[1/8] bench set: {args.count} candidates in {work / 'set'}")
    files, info = bench_set(work, args.count)
    report["set"] = {k: v for k, v in info.items() if k != "files"} | {"files": len(files)}
    log(f"      {'reused' if info['reused'] else 'rendered in ' + str(info['render_seconds']) + ' s'}: {len(files)} files")
    candidates = info["candidates"]

    log("[2/8] floor: PDFium plain text, one process")
    floor = pdfium_plain_text(files)
    report["floor"] = floor
    log(f"      {floor['seconds']:.2f} s, {floor['pages']} pages, {floor['chars']} chars")

    log("[3/8] cold run (empty cache)")
    cache, out = work / "cache", work / "out"
    retire(cache)
    retire(out)
    screen_args = [str(work / "set"), "--cache", str(cache)]
    code = {"before_cold": source_digest()}
    cold = run_screener(screen_args, out, logs, "cold")
    cold["resumes_per_s"] = candidates / cold["wall_seconds"]
    report["cold"] = cold
    log(f"      {cold['wall_seconds']:.2f} s wall, {cold['timings'].get('candidates_screened')} screened")

    log("[4/8] warm run (same command, full cache)")
    warm = run_screener(screen_args, out, logs, "warm")
    code["after_warm"] = source_digest()
    report["code_digest"] = code
    report["code_changed_during_cold_warm"] = code["before_cold"] != code["after_warm"]
    warm["resumes_per_s"] = candidates / warm["wall_seconds"]
    report["warm"] = warm
    report["cold_all_screened"] = cold["timings"].get("candidates_screened") == candidates and cold["counts"].get("candidates") == candidates
    report["warm_all_cached"] = warm["timings"].get("candidates_from_cache") == candidates and warm["timings"].get("candidates_screened") == 0
    log(f"      {warm['wall_seconds']:.2f} s wall, {warm['timings'].get('candidates_from_cache')}/{candidates} from cache")
    purge_retired(work)  # the runs whose file creations its deletions would slow are done

    if args.skip_naive:
        log("[5/8] naive peer: skipped (--skip-naive)")
        report["naive"] = None
    else:
        log(f"[5/8] naive peer: pdfplumber + keyword counting, {args.naive_workers} worker(s)")
        report["naive"] = naive_timing(files, args.naive_workers)
        log(f"      {report['naive']['seconds']:.2f} s")

    if args.scale > 0:
        scale_dir, scale_candidates, reused = scale_set(work, files, args.count, args.scale, fresh_set=not info["reused"])
        log(f"[6/8] scale run: {scale_candidates} candidates ({'reused' if reused else 'replicated'}), --no-cache, RSS sampled every {SAMPLE_EVERY} s")
        scale_out = work / "scale-out"
        retire(scale_out)
        outwait_deletions()
        scale = run_screener([str(scale_dir), "--no-cache"], scale_out, logs, "scale")
        scale["candidates"] = scale_candidates
        scale["files"] = len(files) * math.ceil(args.scale / args.count)
        scale["resumes_per_s"] = scale_candidates / scale["wall_seconds"]
        report["scale"] = scale
        report["scale_all_screened"] = scale["counts"].get("candidates") == scale_candidates
        log(f"      {scale['wall_seconds']:.2f} s wall, {scale['rss'].get('samples')} RSS samples")
        dask_folder, dask_candidates = scale_dir, scale_candidates
    else:
        log("[6/8] scale run: skipped (--scale 0)")
        report["scale"] = None
        dask_folder, dask_candidates = work / "set", candidates

    if args.skip_realworld:
        log("[7/8] real-world corpus: skipped (--skip-realworld)")
        report["realworld"] = None
    else:
        report["realworld"] = realworld_run(work, args.realworld.resolve(), args.count, logs, naive=not args.skip_naive, naive_workers=args.naive_workers)

    report["dask_workers"] = args.dask_workers
    report["dask"] = dask_run(dask_folder, dask_candidates, work, logs, args.dask_workers, skip=args.skip_dask)
    if report["dask"]:
        report["dask_all_screened"] = report["dask"]["timings"].get("candidates_screened") == dask_candidates

    stage_ms = cold["timings"].get("stage_ms", {})
    screened = cold["timings"].get("candidates_screened") or 0
    per_resume = {name: ms / screened for name, ms in stage_ms.items()} if screened else {}
    naive_s = report["naive"]["seconds"] if report["naive"] else None
    dask_local = "scale" if report["scale"] else "cold"  # the local run over the Dask run's files
    report["measures"] = {
        "cold_over_warm": ratio(cold["wall_seconds"], warm["wall_seconds"]),
        "cold_over_floor": ratio(cold["wall_seconds"], floor["seconds"]),
        "naive_over_cold": ratio(naive_s, cold["wall_seconds"]),
        "dask_compared_with": dask_local,
        "dask_over_local": ratio(report["dask"]["wall_seconds"], report[dask_local]["wall_seconds"]) if report["dask"] else None,
        "targets": {
            "dask_over_local_at_most": TARGET_DASK_OVER_LOCAL,
            "cold_over_floor_at_most": TARGET_COLD_OVER_FLOOR,
            "naive_over_cold_at_least": TARGET_NAIVE_OVER_COLD,
            "cold_over_warm_at_least": TARGET_COLD_OVER_WARM,
            "worker_rss_mb_at_most": TARGET_WORKER_RSS_MB,
        },
        "stage_ms_per_resume": {k: round(v, 2) for k, v in per_resume.items()},
        "stage_ms_per_resume_total": round(sum(per_resume.values()), 2) if per_resume else None,
    }
    rows = build_rows(report)
    report["table"] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    (work / "bench.json").write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")

    print()
    print(table(rows))
    print()
    print(f"JSON: {work / 'bench.json'}   logs: {logs}")
    problems = [
        name
        for name, ok in (
            ("cold run did not screen every candidate", report["cold_all_screened"]),
            ("warm run did not take every candidate from the cache", report["warm_all_cached"]),
            ("scale run did not cover every candidate", report.get("scale_all_screened", True)),
            ("Dask run did not screen every candidate", report.get("dask_all_screened", True)),
            ("real-world run did not screen every file", (report["realworld"] or {}).get("all_screened", True)),
        )
        if not ok
    ]
    if report["code_changed_during_cold_warm"]:
        print(
            f"WARNING: screener/ or skill_taxonomy/ changed between the cold and the warm run ({code['before_cold']} -> {code['after_warm']}); "
            "cache keys hash that code, so the warm run cannot hit the cache: re-run on a quiet tree",
            file=sys.stderr,
        )
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as exc:  # a screener run failed: its command and stderr tail, no traceback
        print(f"FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
