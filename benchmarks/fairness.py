"""The fairness table: how far a score moves when only a protected attribute or the layout changes.

Usage::

    python benchmarks/fairness.py                    # all 13 samples, every swap (about a minute)
    python benchmarks/fairness.py nadia-okafor ...   # only some samples
    python benchmarks/fairness.py --kinds name,dates --keep out/fairness --details

Each sample in ``samples/sources`` is rendered in its own layout and producer, next to its
counterfactual copies (``tests/counterfactual.py``: another name with the e-mail and links spelled
from it, pronouns, school, city and country, nationality / marital status / birth year / age, a
photo, the same dates printed another way) rendered the same way, and its layout twins (every PDF
layout x producer, DOCX, Markdown, text). Everything is screened in one
``screener.batch.screen(folder, as_of=2026-11-22, workers=2, cache=False)`` call and every copy is
compared with its base on ai_fit, ml_fit, lean, recommended_role and confidence. Printed: one row
per swap kind with the largest differences and where they occur, and with ``--details`` every copy
that moved, with the evidence items whose text differs from the base's.

Targets: attribute swaps move nothing (largest difference 0, same role and confidence); layout
twins stay within 2 points on either fit. ``--check`` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import counterfactual as cf  # noqa: E402

AS_OF = datetime.date(2026, 11, 22)
WORKERS = 2
LAYOUT_TARGET = 2.0
ATTRIBUTE_KINDS = cf.SWAP_KINDS
#: Flags that describe the file rather than the candidate: a layout twin may differ in them.
NOT_COMPARED_FLAGS = frozenset({"multi_column"})


@dataclass(frozen=True)
class Outcome:
    """What the screener decided about one rendered candidate."""

    slug: str
    status: str
    ai_fit: float = 0.0
    ml_fit: float = 0.0
    lean: float = 0.0
    role: str = ""
    confidence: str = ""
    details: tuple = ()  # (field, value) pairs that should not move either: flags, counts, top skills
    result: object = None  # the CandidateResult


class _Spread:
    """The largest movements of a copy or a kind of copies: of a fit, and of anything (fits or lean)."""

    ai: float
    ml: float
    lean: float

    @property
    def fit(self) -> float:
        return max(self.ai, self.ml)

    @property
    def largest(self) -> float:
        return max(self.ai, self.ml, self.lean)


@dataclass(frozen=True)
class Difference(_Spread):
    """One copy against its base."""

    variant: cf.Variant
    ai: float
    ml: float
    lean: float
    role_changed: bool
    confidence_changed: bool
    base: Outcome
    other: Outcome
    details_changed: tuple[str, ...] = ()  # flags, shipped_evidence, listed_only, top skills that differ


    @property
    def moved(self) -> bool:
        return self.largest > 0 or self.role_changed or self.confidence_changed or bool(self.details_changed)


@dataclass(frozen=True)
class KindRow(_Spread):
    """The largest differences of one swap kind."""

    kind: str
    copies: int
    sources: int
    ai: float
    ml: float
    lean: float
    roles_changed: int
    confidences_changed: int
    details_changed: int  # copies whose flags, counts or top skills differ from the base's
    worst: str  # "<source> <label>" of the copy with the largest fit (else lean) difference


    def met(self) -> bool:
        if self.kind == "layout":
            return self.fit <= LAYOUT_TARGET
        return self.largest == 0.0 and self.roles_changed == 0 and self.confidences_changed == 0 and self.details_changed == 0


def build(slugs: Iterable[str], kinds: Iterable[str] = cf.KINDS, choices: dict[str, tuple] | None = None) -> list[cf.Variant]:
    """The bases and their copies, base first for each source."""
    kinds = tuple(kinds)
    return [v for slug in slugs for v in cf.variants_for(slug, kinds=kinds, choices=choices)]


def render_all(variants: list[cf.Variant], folder: Path) -> None:
    bases = {v.base: v.source for v in variants if v.kind == "base"}
    for variant in variants:
        cf.render_variant(variant, folder, bases[variant.base])


def screen_all(folder: Path, workers: int = WORKERS) -> dict[str, Outcome]:
    """Every candidate in ``folder`` screened in one batch, by file or folder name (without extension)."""
    from screener.batch import screen

    run = screen(folder, as_of=AS_OF, workers=workers, cache=False)
    outcomes: dict[str, Outcome] = {}
    for result in run.results:
        slug = Path(result.source).name.split(".")[0]
        if not result.ok or result.scores is None:
            outcomes[slug] = Outcome(slug, result.status.value, result=result)
            continue
        s = result.scores
        details = (
            ("flags", tuple(sorted(set(result.flags) - NOT_COMPARED_FLAGS))),
            ("shipped_evidence", s.shipped_evidence),
            ("listed_only", s.listed_only),
            ("top_ai_skills", s.top_ai_skills),
            ("top_ml_skills", s.top_ml_skills),
        )
        outcomes[slug] = Outcome(slug, "ok", s.ai_fit, s.ml_fit, s.lean, s.recommended_role, s.confidence, details, result)
    return outcomes


def compare(variants: list[cf.Variant], outcomes: dict[str, Outcome]) -> list[Difference]:
    base_of = {v.base: outcomes[v.slug] for v in variants if v.kind == "base"}
    out = []
    for v in variants:
        if v.kind == "base":
            continue
        b, o = base_of[v.base], outcomes[v.slug]
        if b.status != "ok" or o.status != "ok":
            out.append(Difference(v, 100.0, 100.0, 200.0, b.status != o.status, b.status != o.status, b, o))
            continue
        out.append(
            Difference(
                v,
                round(abs(b.ai_fit - o.ai_fit), 2),
                round(abs(b.ml_fit - o.ml_fit), 2),
                round(abs(b.lean - o.lean), 2),
                b.role != o.role,
                b.confidence != o.confidence,
                b,
                o,
                tuple(name for (name, x), (_, y) in zip(b.details, o.details, strict=True) if x != y),
            )
        )
    return out


def table(differences: list[Difference], kinds: Iterable[str] = cf.KINDS) -> list[KindRow]:
    rows = []
    for kind in kinds:
        diffs = [d for d in differences if d.variant.kind == kind]
        if not diffs:
            continue
        worst = max(diffs, key=lambda d: (d.fit, d.lean, d.role_changed, d.confidence_changed, bool(d.details_changed)))
        rows.append(
            KindRow(
                kind,
                len(diffs),
                len({d.variant.base for d in diffs}),
                max(d.ai for d in diffs),
                max(d.ml for d in diffs),
                max(d.lean for d in diffs),
                sum(d.role_changed for d in diffs),
                sum(d.confidence_changed for d in diffs),
                sum(bool(d.details_changed) for d in diffs),
                f"{worst.variant.base} {worst.variant.label}" if worst.moved else "",
            )
        )
    return rows


def format_table(rows: list[KindRow]) -> str:
    lines = [
        "| swap | copies | sources | max Δ ai_fit | max Δ ml_fit | max Δ lean | role changes | confidence changes | flags/counts/top skills changed | target | largest at |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        target = "≤ 2 (fits)" if r.kind == "layout" else "0"
        ok = "ok" if r.met() else "MISSED"
        lines.append(
            f"| {r.kind} | {r.copies} | {r.sources} | {r.ai:.2f} | {r.ml:.2f} | {r.lean:.2f} | {r.roles_changed} | {r.confidences_changed} | {r.details_changed} | {target}: {ok} | {r.worst or '-'} |"
        )
    return "\n".join(lines)


def _evidence_texts(outcome: Outcome) -> dict[str, str]:
    result = outcome.result
    items = getattr(result, "evidence", ()) or ()
    return {item.text: item.strength.value if hasattr(item.strength, "value") else str(item.strength) for item in items}


def explain(diff: Difference) -> str:
    """A copy that moved: its figures against the base's, and the evidence that differs."""
    b, o = diff.base, diff.other
    head = (
        f"{diff.variant.slug}: ai {b.ai_fit:.1f}->{o.ai_fit:.1f}  ml {b.ml_fit:.1f}->{o.ml_fit:.1f}  lean {b.lean:.0f}->{o.lean:.0f}"
        f"  role {b.role}->{o.role}  confidence {b.confidence}->{o.confidence}"
    )
    if diff.details_changed:
        before, after = dict(b.details), dict(o.details)
        head += "  " + "  ".join(f"{name} {before[name]}->{after[name]}" for name in diff.details_changed)
    if b.status != "ok" or o.status != "ok":
        return f"{head}  (status {b.status} -> {o.status})"
    base_items, other_items = _evidence_texts(b), _evidence_texts(o)
    lines = [head]
    for text, strength in other_items.items():
        if base_items.get(text) != strength:
            lines.append(f"    + [{strength}] {text[:150]}")
    for text, strength in base_items.items():
        if other_items.get(text) != strength:
            lines.append(f"    - [{strength}] {text[:150]}")
    return "\n".join(lines)


def run(
    slugs: Iterable[str], kinds: Iterable[str] = cf.KINDS, *, folder: Path | None = None, choices: dict[str, tuple] | None = None
) -> tuple[list[cf.Variant], dict[str, Outcome], list[Difference], dict[str, float]]:
    """Build, render and screen; returns the variants, outcomes, differences and the seconds each step took."""
    kinds = tuple(kinds)
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="screener-fairness-") as tmp:
        target = Path(folder) if folder is not None else Path(tmp)
        target.mkdir(parents=True, exist_ok=True)
        clock = time.perf_counter()
        variants = build(slugs, kinds, choices)
        render_all(variants, target)
        timings["render"] = time.perf_counter() - clock
        clock = time.perf_counter()
        outcomes = screen_all(target)
        timings["screen"] = time.perf_counter() - clock
    return variants, outcomes, compare(variants, outcomes), timings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("slugs", nargs="*", help="samples to use (file stems in samples/sources; default all)")
    ap.add_argument("--kinds", default=",".join(cf.KINDS), help=f"comma-separated swap kinds (default: {','.join(cf.KINDS)})")
    ap.add_argument("--keep", type=Path, help="render into this folder and keep it")
    ap.add_argument("--details", action="store_true", help="list every copy that moved, with the evidence that differs")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    slugs = args.slugs or cf.source_slugs()
    kinds = tuple(k for k in args.kinds.split(",") if k)
    clock = time.perf_counter()
    variants, _outcomes, diffs, timings = run(slugs, kinds, folder=args.keep)
    rows = table(diffs, kinds)
    print(f"fairness as of {AS_OF}: {len(slugs)} sources, {len(variants)} candidates screened in one batch")
    print()
    print(format_table(rows))
    print()
    print(f"render {timings['render']:.1f} s · screen {timings['screen']:.1f} s · total {time.perf_counter() - clock:.1f} s")
    moved = [d for d in diffs if d.moved]
    if args.details and moved:
        print()
        print("Copies that moved:")
        for d in moved:
            print(explain(d))
    return 1 if args.check and not all(r.met() for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
