"""Generate a benchmark set of distinct fictional resumes by recombining ``samples/sources``.

Usage::

    python benchmarks/generate.py OUT_DIR [--count 500] [--seed 7]

Why: thirteen samples are too few to time a pipeline, and a timing over copies of the
same bytes flatters anything with a cache. Each generated resume takes a base sample,
gets an invented name and example.com contact details, mixes in entries, bullets and
skills from samples of a similar archetype, shifts its dates and drops or adds optional
sections, so the texts (and sha256) all differ and the PDFs run from one to three pages.
Layouts and producers rotate on a fixed schedule of 20 (17 PDFs, as PDF is the first-class
format, then one each of docx, markdown and text), so the first six candidates already cover
every PDF layout x producer pair and 14 add docx and markdown; every 20th candidate from the
fourth on is a folder candidate (resume + portfolio.md).

Everything is rendered by ``samples/render.py`` and validated by its pydantic model, and
the output depends only on ``count`` and ``seed``. ``replicate`` then scales a set up
(e.g. 500 -> 5,000) with copies whose bytes differ but whose text does not.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import random
import re
import shutil
import sys
import time
import zipfile
from collections import Counter
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import pypdfium2 as pdfium

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
sys.path.insert(0, str(SAMPLES))
import render as samples_render  # noqa: E402  (samples/render.py, imported by path)

PREFIX = "bench-"
MAX_PAGES = 3
PDF_COMBOS = [(layout, producer) for layout in samples_render.PDF_LAYOUTS for producer in samples_render.PRODUCERS]
#: Positions in each cycle of 20 that are not PDFs; the other 17 rotate through PDF_COMBOS.
OTHER_SLOTS = {6: "docx", 13: "markdown", 19: "text"}
CYCLE = 20
FOLDER_SLOT = 3
#: How many donor samples feed one resume, and how often: more donors, more pages.
DONOR_WEIGHTS = {0: 30, 1: 25, 2: 15, 3: 10, 5: 20}
#: Samples whose entries and bullets may be mixed into a base of each expected role.
SIMILAR = {
    "ai_engineer": {"ai_engineer", "hybrid"},
    "ml_engineer": {"ml_engineer", "hybrid"},
    "hybrid": {"ai_engineer", "ml_engineer", "hybrid"},
    "insufficient_evidence": {"insufficient_evidence"},
}
OPTIONAL_KINDS = {"summary", "projects", "publications", "certifications"}
ADDABLE_KINDS = ("projects", "publications", "certifications")
#: Entry sections that take donors' entries (a second set of degrees would not be believable).
MIXED_KINDS = ("experience", "projects")

FIRST_NAMES = (
    "Amara Bastian Callum Dalia Emeka Farah Gideon Hana Ilse Jovan Kiri Lorenzo Maren Nikhil Odalys Pavel Quinn Rosalind Soren Tamsin "
    "Ulrich Valentina Wendell Xiomara Yusuf Zofia Anouk Bertil Cosima Dario Elif Fintan Greta Hamid Isolde Joaquin Keziah Linnea Matteo Noor"
).split()
LAST_NAMES = (
    "Abernathy Bergstrom Castellano Drummond Eklund Fairweather Galloway Halvorsen Ibarra Jankowski Kowalczyk Lindqvist Marchetti Nakashima "
    "Oyelaran Pellegrini Quarles Rasmussen Sandoval Thornbury Uchenna Vasquez Whitcombe Xander Yarborough Zielinski Ashdown Brightman "
    "Calloway Delacroix Everly Fenwick Grimaldi Hollister Iversen Juarez Kestrel Lockhart Montague Northcott"
).split()


@dataclass
class Job:
    """One candidate to render; built in the parent so the set depends only on the seed."""

    source: dict
    layout: str
    producer: str
    path: Path
    look: str  # the base sample's name: its presentation theme is reused
    portfolio: bool


# --------------------------------------------------------------------------- recombination


def _schedule(count: int) -> list[tuple[str, str]]:
    """(layout, producer) per candidate: a fixed rotation, so small sets still cover every format."""
    combos = itertools.cycle(PDF_COMBOS)
    return [(OTHER_SLOTS[i % CYCLE], "reportlab") if i % CYCLE in OTHER_SLOTS else next(combos) for i in range(count)]


def _names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Distinct invented (first, last) names; the name is what makes every text unique."""
    pairs = list(itertools.product(FIRST_NAMES, LAST_NAMES))
    if count > len(pairs):
        raise ValueError(f"at most {len(pairs)} distinct resumes; use replicate() for larger sets")
    rng.shuffle(pairs)
    return pairs[:count]


def _map_strings(obj, fn):
    """Apply ``fn`` to every string in a nested source dict."""
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, list):
        return [_map_strings(x, fn) for x in obj]
    if isinstance(obj, dict):
        return {k: _map_strings(v, fn) for k, v in obj.items()}
    return obj


def _renamed(source: dict, first: str, last: str) -> dict:
    """The source with its person's name (also "I. Solberg" in publications) replaced by the new one."""
    old_first, *_, old_last = source["name"].split()
    author = re.compile(rf"\b{re.escape(old_first[0])}\. {re.escape(old_last)}\b")
    full = source["name"]

    def swap(s: str) -> str:
        return author.sub(f"{first[0]}. {last}", s.replace(full, f"{first} {last}"))

    return _map_strings(source, swap)


def _shift_years(entry: dict, years: int) -> dict:
    """Move an entry's printed and normalised dates by ``years`` (keeps the validator's invariants)."""
    if not entry.get("dates") or not years:
        return entry

    def move(s: str) -> str:
        return re.sub(r"\b(19|20)\d{2}\b", lambda m: str(int(m.group()) + years), s)

    out = dict(entry, dates=move(entry["dates"]), start=move(entry["start"]))
    if entry["end"] != "present":
        out["end"] = move(entry["end"])
    return out


def _recency(entry: dict) -> tuple[str, str]:
    end = entry.get("end") or ""
    return ("9999" if end == "present" else end, entry.get("start") or "")


def _mixed_entries(kind: str, entries: list[dict], donor_entries: list[dict], rng: random.Random) -> list[dict]:
    """Base entries plus donors', each with a shuffled subset of its bullets; experience newest first."""
    picked = entries + donor_entries
    if not donor_entries and len(picked) > 1 and rng.random() < 0.4:
        picked = rng.sample(picked, len(picked) - 1)
    out = []
    for e in picked:
        bullets = e.get("bullets", [])
        keep = rng.randint(max(1, len(bullets) - 2), len(bullets)) if bullets else 0
        out.append(dict(e, bullets=rng.sample(bullets, keep)))
    if kind == "experience":
        out.sort(key=_recency, reverse=True)
    return out


def _flat_items(section: dict) -> list[str]:
    return list(section.get("items") or [i for group in (section.get("groups") or {}).values() for i in group])


def _mixed_skills(section: dict, donors: list[dict], rng: random.Random) -> dict:
    """Skills lists grow with a sample of the donors' skills; groups keep their names, items shuffled."""
    if section.get("groups") is not None:
        return dict(section, groups={g: rng.sample(items, len(items)) for g, items in section["groups"].items()})
    seen = {i.casefold() for i in section["items"]}
    extra = [i for d in donors for i in _flat_items(d) if i.casefold() not in seen]
    extra = list(dict.fromkeys(extra))
    items = section["items"] + rng.sample(extra, min(len(extra), rng.randint(0, 8)))
    return dict(section, items=rng.sample(items, len(items)))


def _mixed_section(section: dict, donor_sections: list[dict], rng: random.Random) -> dict:
    kind = section["kind"]
    if kind == "skills":
        return _mixed_skills(section, donor_sections, rng)
    if kind in MIXED_KINDS:
        donor_entries = [e for d in donor_sections for e in d.get("entries") or []]
        return dict(section, entries=_mixed_entries(kind, section["entries"], donor_entries, rng))
    return section


def _sections(base: dict, donors: list[dict], rng: random.Random, years: int) -> list[dict]:
    """Base sections (optional ones sometimes dropped), mixed with donors', plus sections only a donor has."""
    out = []
    for sec in base["sections"]:
        if sec["kind"] == "portfolio" or (sec["kind"] in OPTIONAL_KINDS and rng.random() < 0.15):
            continue
        same = [d for donor in donors for d in donor["sections"] if d["kind"] == sec["kind"]]
        out.append(_mixed_section(sec, same, rng))
    present = {s["kind"] for s in out}
    for kind in ADDABLE_KINDS:
        offered = [d for donor in donors for d in donor["sections"] if d["kind"] == kind]
        if kind not in present and offered and rng.random() < 0.5:
            out.append(offered[0])
    return [dict(s, entries=[_shift_years(e, years) for e in s["entries"]]) if s.get("entries") else s for s in out]


def _portfolio(first: str, last: str, slug: str, sections: list[dict]) -> dict:
    """A portfolio built from the candidate's own projects (or jobs), the way a folder candidate ships one."""
    pool = [e for kind in ("projects", "experience") for s in sections if s["kind"] == kind for e in s["entries"]]
    projects = [dict(e, links=[f"https://{slug}.example.com/work/{n}"]) for n, e in enumerate(pool[:3], 1)]
    return {"title": f"{first} {last} - Project Portfolio", "intro": "Selected work, with what was built and how it was measured.", "projects": projects}


def _contact(first: str, last: str, slug: str, location: str | None, rng: random.Random) -> dict:
    links = [f"https://github.com/{slug}-example", f"https://{slug}.example.com"][: rng.randint(0, 2)]
    return {"email": f"{first}.{last}@example.com".lower(), "phone": f"+1 555 {rng.randrange(100, 1000):04d}", "location": location, "links": links}


def _donors(base: dict, sources: list[dict], rng: random.Random) -> list[dict]:
    """Other samples of a similar archetype to borrow from; how many sets how long the resume gets."""
    pool = [s for s in sources if s is not base and s.get("expected_role") in SIMILAR[base.get("expected_role") or "insufficient_evidence"]]
    wanted = rng.choices(list(DONOR_WEIGHTS), list(DONOR_WEIGHTS.values()))[0]
    return rng.sample(pool, min(len(pool), wanted))


def _candidate(index: int, name: tuple[str, str], fmt: tuple[str, str], sources: list[dict], out_dir: Path, rng: random.Random) -> Job:
    """One recombined, validated resume and where it goes."""
    first, last = name
    slug = f"{first}-{last}".lower()
    base = rng.choice(sources)
    donors = [_renamed(d, first, last) for d in _donors(base, sources, rng)]
    person = _renamed(base, first, last)
    layout, producer = fmt
    sections = _sections(person, donors, rng, years=-rng.randint(0, 3))
    folder = index % CYCLE == FOLDER_SLOT
    source = {
        "name": f"{first} {last}",
        "headline": person.get("headline"),
        "contact": _contact(first, last, slug, rng.choice([s["contact"].get("location") for s in sources]), rng),
        "render": {"layout": layout, "producer": producer},
        "sections": sections,
    }
    if folder:
        source["portfolio"] = _portfolio(first, last, slug, sections)
        source["sections"] = sections + [{"kind": "portfolio", "heading": "Portfolio", "text": "Case studies with eval results are in portfolio.md."}]
    if layout == "text":  # the text layout prints headings upper-cased; keep the source "as printed"
        source["sections"] = [dict(s, heading=s["heading"].upper()) for s in source["sections"]]
    samples_render.validate(source)
    stem = f"{PREFIX}{index + 1:04d}-{slug}"
    ext = samples_render.EXTENSIONS[layout]
    path = out_dir / stem / f"resume{ext}" if folder else out_dir / f"{stem}{ext}"
    return Job(source, layout, producer, path, base["name"], folder)


# --------------------------------------------------------------------------- rendering


def pdf_pages(path: Path) -> int:
    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def _trim(source: dict) -> None:
    """Drop the last entry of the longest entry section: used when a render runs past MAX_PAGES."""
    sections = [s for s in source["sections"] if s.get("entries") and len(s["entries"]) > 1]
    if not sections:
        raise ValueError(f"{source['name']}: cannot fit in {MAX_PAGES} pages")
    max(sections, key=lambda s: len(s["entries"]))["entries"].pop()


def _render(job: Job) -> list[Path]:
    """Render one job (in a worker), trimming until a PDF fits in MAX_PAGES; returns the files written."""
    theme = samples_render.PRESENTATION.get(job.look)
    if theme is not None:
        samples_render.PRESENTATION[job.source["name"]] = theme
    source = copy.deepcopy(job.source)
    samples_render.render(source, job.layout, job.producer, job.path)
    while job.path.suffix == ".pdf" and pdf_pages(job.path) > MAX_PAGES:
        _trim(source)
        samples_render.render(source, job.layout, job.producer, job.path)
    if not job.portfolio:
        return [job.path]
    portfolio = job.path.parent / "portfolio.md"
    portfolio.write_text(samples_render.portfolio_markdown(samples_render.validate(source)), encoding="utf-8", newline="\n")
    return [job.path, portfolio]


def plan(out_dir: Path, count: int = 500, seed: int = 7) -> list[Job]:
    """The candidates ``make_bench_set`` renders, decided up front from ``seed`` alone."""
    rng = random.Random(seed)
    sources = [samples_render.load_source(p) for p in samples_render.source_paths()]
    return [_candidate(i, name, fmt, sources, Path(out_dir), rng) for i, (name, fmt) in enumerate(zip(_names(count, rng), _schedule(count), strict=True))]


def render_jobs(jobs: list[Job], workers: int = 2) -> list[Path]:
    """Render in a fork pool of ``workers`` (1 renders in-process); returns every file written, sorted."""
    if workers > 1:
        with get_context("fork").Pool(workers) as pool:
            written = pool.map(_render, jobs, chunksize=8)
    else:
        written = [_render(job) for job in jobs]
    return sorted(p for files in written for p in files)


def make_bench_set(out_dir: Path, count: int = 500, seed: int = 7, workers: int = 2) -> list[Path]:
    """Write ``count`` distinct fictional candidates into ``out_dir``; returns every file written, sorted.

    The output depends on ``count`` and ``seed`` only, not on ``workers``.
    """
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    return render_jobs(plan(out_dir, count, seed), workers)


# --------------------------------------------------------------------------- replication


def _marker(index: int) -> str:
    """A whitespace-only line that spells ``index`` in binary (space = 0, tab = 1): invisible to any reader."""
    return format(index, "b").replace("0", " ").replace("1", "\t")


def _copy_distinct(src: Path, dst: Path, index: int) -> None:
    """Copy ``src`` to ``dst`` so that copy ``index`` has its own bytes but the same text."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    suffix = src.suffix.casefold()
    if suffix == ".pdf":  # a comment after %%EOF: readers stop at the last startxref
        dst.write_bytes(src.read_bytes().rstrip(b"\r\n") + f"\n% replica {index}\n".encode())
    elif suffix == ".docx":  # a zip archive comment is not part of the document
        shutil.copyfile(src, dst)
        with zipfile.ZipFile(dst, "a") as archive:
            archive.comment = f"replica {index}".encode()
    else:
        dst.write_bytes(src.read_bytes() + f"\n{_marker(index)}\n".encode())


def replicate(files: list[Path], out_dir: Path, copies: int) -> list[Path]:
    """Copy each file ``copies`` times into ``out_dir`` with distinct bytes and unchanged text.

    Why: a 5,000-file timing without rendering 5,000 resumes, and without identical
    bytes that a sha256 cache could skip. Copy k of ``bench-0001-x.pdf`` is
    ``bench-0001-x-r00k.pdf``; files inside a folder candidate (a parent named
    ``bench-*``) keep their name and go into folder ``<folder>-r00k``. No copy equals
    its original, so the originals may share ``out_dir``.
    """
    out_dir = Path(out_dir)
    written = []
    for src in files:
        src = Path(src)
        for k in range(1, copies + 1):
            if src.parent.name.startswith(PREFIX):
                dst = out_dir / f"{src.parent.name}-r{k:03d}" / src.name
            else:
                dst = out_dir / f"{src.stem}-r{k:03d}{src.suffix}"
            _copy_distinct(src, dst, k)
            written.append(dst)
    return written


# --------------------------------------------------------------------------- CLI


def summary(jobs: list[Job], files: list[Path], seconds: float) -> str:
    """One line: candidates, files, layout/producer mix, PDF page distribution, time."""
    formats = Counter(f"{j.layout}/{j.producer}" if j.layout in samples_render.PDF_LAYOUTS else j.layout for j in jobs)
    pages = Counter(pdf_pages(j.path) for j in jobs if j.path.suffix == ".pdf")
    shown_formats = " ".join(f"{k}={v}" for k, v in sorted(formats.items()))
    shown_pages = " ".join(f"{k}p={v}" for k, v in sorted(pages.items()))
    return (
        f"{len(jobs)} candidates ({sum(j.portfolio for j in jobs)} folders), {len(files)} files in {seconds:.1f} s; {shown_formats}; "
        f"pdf pages {shown_pages} (total {sum(k * v for k, v in pages.items())})"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2, help="render processes (1 = in-process)")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    jobs = plan(args.out_dir, args.count, args.seed)
    files = render_jobs(jobs, args.workers)
    print(summary(jobs, files, time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
