"""`make eval`: screen the project's labelled evaluation set and print how well the scorer does.

Usage::

    python -m screener.evaluate [--keep DIR] [--as-of 2026-11-22] [--check]

The set is every source in ``samples/sources`` and ``eval/sources`` (fictional resumes, each with
an ``expected_role``) plus the twins described in ``eval/groups.yaml``: counterfactual variants
(same resume, another name, pronouns, school or city) generated in memory, and layout twins (the
same source in other layouts and PDF producers). Everything is rendered with ``samples/render.py``
into one folder, one candidate per file (or per folder, for sources with a portfolio), and
screened once with :func:`screener.screen` at a fixed ``as_of`` so the figures are
reproducible. Printed:

* role accuracy over the base sources (twins are measured by their groups instead), with the
  mismatches and the evidence the scorer credited most for them;
* AI-fit and ML-fit ROC-AUC (Mann–Whitney, ties count one half): positives for AI are the
  candidates expected ``ai_engineer`` or ``hybrid``, for ML ``ml_engineer`` or ``hybrid``;
* stuffer/learner inversions: pairs (keyword stuffer or learner, genuine candidate of role R)
  where the stuffer's or learner's R fit is at or above the genuine one's;
* per counterfactual group and per layout group, the largest ai_fit and ml_fit difference;
* one summary line ``role_accuracy=.. ai_auc=.. ml_auc=.. stuffer_inversions=..
  max_counterfactual_diff=.. max_layout_diff=..``.

``--check`` exits 1 when a target is missed (accuracy ≥ 0.90, both AUCs ≥ 0.97, no inversions,
counterfactual twins identical, layout twins within 2 points).
"""

from __future__ import annotations

import argparse
import copy
import datetime
import importlib.util
import re
import sys
import tempfile
import types
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SOURCES = REPO / "samples" / "sources"
EVAL_DIR = REPO / "eval"
EVAL_SOURCES = EVAL_DIR / "sources"
GROUPS_FILE = EVAL_DIR / "groups.yaml"
RENDER_SCRIPT = REPO / "samples" / "render.py"
DEFAULT_AS_OF = datetime.date(2026, 11, 22)

ROLES = ("ai_engineer", "ml_engineer")
SHORT = {"ai_engineer": "AI", "ml_engineer": "ML"}
PDF_LAYOUTS = ("single_column", "two_column", "sidebar")
CHANGE_KEYS = frozenset({"name", "headline", "email", "phone", "location", "links", "replace"})

TARGET_ACCURACY = 0.90
TARGET_AUC = 0.97
TARGET_LAYOUT_DIFF = 2.0


# --------------------------------------------------------------------------- the set


@dataclass(frozen=True)
class Case:
    """One candidate to render and screen."""

    slug: str  # file / folder name, and so the candidate id
    source: dict
    layout: str
    producer: str
    expected_role: str | None
    kind: str  # base | counterfactual | layout
    base: str  # slug of the source this case comes from (itself for a base case)
    group: str | None = None
    note: str = ""  # what differs from the base


@dataclass
class EvalSet:
    cases: list[Case]
    cohorts: dict[str, list[str]] = field(default_factory=dict)  # cohort name -> base slugs
    counterfactual: dict[str, list[str]] = field(default_factory=dict)  # group -> member slugs, base first
    layout: dict[str, list[str]] = field(default_factory=dict)  # group -> member slugs, base first

    def case(self, slug: str) -> Case:
        return next(c for c in self.cases if c.slug == slug)

    @property
    def base_cases(self) -> list[Case]:
        return [c for c in self.cases if c.kind == "base"]

    @property
    def decoys(self) -> dict[str, str]:
        """Base slug -> cohort (keyword_stuffer, learner) for every candidate in a cohort."""
        return {slug: name for name, slugs in self.cohorts.items() for slug in slugs}


def load_renderer() -> types.ModuleType:
    """``samples/render.py`` as a module (it is a script, not part of the package)."""
    name = "screener_eval_samples_render"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, RENDER_SCRIPT)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {RENDER_SCRIPT}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look the module up while the class is created
    spec.loader.exec_module(module)
    return module


def map_strings(node: Any, fn: Callable[[str], str]) -> Any:
    """``node`` with ``fn`` applied to every string in it (dict keys of skill groups included)."""
    if isinstance(node, str):
        return fn(node)
    if isinstance(node, list):
        return [map_strings(x, fn) for x in node]
    if isinstance(node, dict):
        return {(fn(k) if isinstance(k, str) else k): map_strings(v, fn) for k, v in node.items()}
    return node


def _printed(source: dict) -> dict:
    """The parts of a source that are printed (not its render spec or expected role)."""
    return {k: v for k, v in source.items() if k not in ("render", "expected_role")}


def apply_change(source: dict, change: dict) -> dict:
    """A copy of ``source`` with a counterfactual ``change`` applied (see eval/groups.yaml)."""
    unknown = set(change) - CHANGE_KEYS
    if unknown:
        raise ValueError(f"unknown change key(s) {sorted(unknown)}; expected some of {sorted(CHANGE_KEYS)}")
    out = copy.deepcopy(source)
    subs: dict[str, str] = dict(change.get("replace") or {})
    if "name" in change:
        subs.setdefault(source["name"], change["name"])
    if subs:
        printed: list[str] = []
        map_strings(_printed(out), lambda s: printed.append(s) or s)
        missing = [old for old in subs if old != source["name"] and not any(old in s for s in printed)]
        if missing:
            raise ValueError(f"{source['name']}: replace text not found in the source: {missing}")
        pattern = re.compile("|".join(re.escape(old) for old in sorted(subs, key=len, reverse=True)))
        printed_part = map_strings(_printed(out), lambda s: pattern.sub(lambda m: subs[m.group(0)], s))
        out.update(printed_part)
    if "name" in change:
        out["name"] = change["name"]
    if "headline" in change:
        out["headline"] = change["headline"]
    contact = dict(out.get("contact") or {})
    for key in ("email", "phone", "location", "links"):
        if key in change:
            contact[key] = change[key]
    if contact:
        out["contact"] = contact
    return out


def _slug_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_sources(dirs: tuple[Path, ...] | list[Path]) -> dict[str, dict]:
    sources: dict[str, dict] = {}
    for folder in dirs:
        for path in sorted(Path(folder).glob("*.yaml")):
            if path.stem in sources:
                raise ValueError(f"two sources are called {path.stem!r} ({path})")
            with open(path, encoding="utf-8") as fh:
                sources[path.stem] = yaml.safe_load(fh)
    return sources


def build_set(
    source_dirs: tuple[Path, ...] | list[Path] = (SAMPLE_SOURCES, EVAL_SOURCES),
    groups_file: Path | None = GROUPS_FILE,
    only: set[str] | None = None,
) -> EvalSet:
    """The cases to screen: every source (or those named in ``only``) and the twins of their groups."""
    renderer = load_renderer()
    sources = load_sources(source_dirs)
    if only is not None:
        unknown = only - set(sources)
        if unknown:
            raise ValueError(f"no such source(s): {sorted(unknown)}")
        sources = {k: v for k, v in sources.items() if k in only}
    groups = {}
    if groups_file is not None:
        with open(groups_file, encoding="utf-8") as fh:
            groups = yaml.safe_load(fh) or {}

    cases: list[Case] = []
    for slug, source in sources.items():
        res = renderer.validate(source)
        if res.expected_role is None:
            raise ValueError(f"{slug}: no expected_role")
        cases.append(Case(slug, source, res.render.layout, res.render.producer, res.expected_role, "base", slug))
    evalset = EvalSet(cases=cases)

    for name, slugs in (groups.get("cohorts") or {}).items():
        for slug in slugs:
            if slug in sources and sources[slug].get("expected_role") != "insufficient_evidence":
                raise ValueError(f"cohort {name}: {slug} is expected {sources[slug].get('expected_role')}, not insufficient_evidence")
        evalset.cohorts[name] = [s for s in slugs if s in sources]

    taken = set(sources)

    def _add(case: Case) -> None:
        if case.slug in taken:
            raise ValueError(f"duplicate candidate slug {case.slug!r}")
        if _slug_part(case.slug) != case.slug:
            raise ValueError(f"slug {case.slug!r} must be lower-case letters, digits and single hyphens")
        renderer.validate(case.source)
        taken.add(case.slug)
        evalset.cases.append(case)

    for group in groups.get("counterfactual") or []:
        base = group["base"]
        if base not in sources:
            continue
        bc = evalset.case(base)
        members = [base]
        for variant in group["variants"]:
            change = variant["change"]
            note = ", ".join(f"{k}" if k != "replace" else "replace " + "; ".join(f"{o!r}->{n!r}" for o, n in v.items()) for k, v in change.items())
            _add(Case(variant["slug"], apply_change(bc.source, change), bc.layout, bc.producer, bc.expected_role, "counterfactual", base, group["group"], note))
            members.append(variant["slug"])
        evalset.counterfactual[group["group"]] = members

    for group in groups.get("layout") or []:
        base = group["base"]
        if base not in sources:
            continue
        bc = evalset.case(base)
        members = [base]
        for spec in group["renders"]:
            layout = spec["layout"]
            producer = spec.get("producer", "reportlab")
            suffix = f"{layout}-{producer}" if layout in PDF_LAYOUTS else layout
            slug = f"{base}-as-{_slug_part(suffix)}"
            _add(Case(slug, bc.source, layout, producer, bc.expected_role, "layout", base, group["group"], suffix))
            members.append(slug)
        evalset.layout[group["group"]] = members
    return evalset


def render_set(evalset: EvalSet, out_dir: Path) -> None:
    """Render every case into ``out_dir``: ``<slug>.<ext>``, or ``<slug>/resume.<ext>`` + ``portfolio.md``."""
    renderer = load_renderer()
    for case in evalset.cases:
        res = renderer.validate(case.source)
        if case.kind == "counterfactual":
            # render.py picks a visual theme by person name; a renamed twin must keep its base's look
            theme = renderer.theme_for(renderer.validate(evalset.case(case.base).source), case.producer)
            if renderer.PRESENTATION.setdefault(res.name, theme) != theme:
                raise ValueError(f"{case.slug}: the name {res.name!r} already has another look in samples/render.py")
        renderer.render_candidate(case.source, case.layout, case.producer, out_dir, case.slug)


# --------------------------------------------------------------------------- screening


@dataclass(frozen=True)
class Outcome:
    slug: str
    expected: str | None
    recommended: str  # the scorer's role, or "error: <status>" when the candidate was not read
    ai_fit: float
    ml_fit: float
    result: Any = None  # the CandidateResult

    def fit(self, role: str) -> float:
        return self.ai_fit if role == "ai_engineer" else self.ml_fit


def screen_set(evalset: EvalSet, folder: Path, as_of: datetime.date) -> dict[str, Outcome]:
    from screener.batch import screen

    run = screen(folder, as_of=as_of)
    by_id = {r.candidate_id: r for r in run.results}
    outcomes: dict[str, Outcome] = {}
    for case in evalset.cases:
        result = by_id.get(case.slug)
        if result is None:
            outcomes[case.slug] = Outcome(case.slug, case.expected_role, "error: not discovered", 0.0, 0.0)
        elif not result.ok:
            outcomes[case.slug] = Outcome(case.slug, case.expected_role, f"error: {result.status.value}", 0.0, 0.0, result)
        else:
            s = result.scores
            outcomes[case.slug] = Outcome(case.slug, case.expected_role, s.recommended_role, s.ai_fit, s.ml_fit, result)
    return outcomes


# --------------------------------------------------------------------------- metrics


def roc_auc(positives: list[float], negatives: list[float]) -> float:
    """P(a random positive scores above a random negative), ties counting one half (Mann–Whitney U)."""
    if not positives or not negatives:
        return float("nan")
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def genuine(expected: str | None, role: str) -> bool:
    return expected in (role, "hybrid")


@dataclass
class GroupDiff:
    group: str
    members: list[str]
    ai_diff: float
    ml_diff: float
    roles: list[str]  # recommended role per member

    @property
    def diff(self) -> float:
        return max(self.ai_diff, self.ml_diff)


@dataclass
class Report:
    as_of: datetime.date
    total: int
    correct: int
    mismatches: list[Outcome]
    confusion: Counter
    ai_auc: float
    ml_auc: float
    inversions: list[tuple[str, Outcome, Outcome]]  # (role, decoy, genuine)
    counterfactual: list[GroupDiff]
    layout: list[GroupDiff]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else float("nan")

    @property
    def max_counterfactual_diff(self) -> float:
        return max((g.diff for g in self.counterfactual), default=0.0)

    @property
    def max_layout_diff(self) -> float:
        return max((g.diff for g in self.layout), default=0.0)

    def summary(self) -> str:
        return (
            f"role_accuracy={self.accuracy:.3f} ai_auc={self.ai_auc:.3f} ml_auc={self.ml_auc:.3f} "
            f"stuffer_inversions={len(self.inversions)} max_counterfactual_diff={self.max_counterfactual_diff:.2f} "
            f"max_layout_diff={self.max_layout_diff:.2f}"
        )

    def targets_met(self) -> bool:
        cf_roles_equal = all(len(set(g.roles)) == 1 for g in self.counterfactual)
        return (
            self.accuracy >= TARGET_ACCURACY
            and self.ai_auc >= TARGET_AUC
            and self.ml_auc >= TARGET_AUC
            and not self.inversions
            and self.max_counterfactual_diff == 0.0
            and cf_roles_equal
            and self.max_layout_diff <= TARGET_LAYOUT_DIFF
        )


def _group_diffs(groups: dict[str, list[str]], outcomes: dict[str, Outcome]) -> list[GroupDiff]:
    out = []
    for name, members in groups.items():
        got = [outcomes[m] for m in members]
        ai = [o.ai_fit for o in got]
        ml = [o.ml_fit for o in got]
        out.append(GroupDiff(name, members, max(ai) - min(ai), max(ml) - min(ml), [o.recommended for o in got]))
    return out


def evaluate(evalset: EvalSet, outcomes: dict[str, Outcome], as_of: datetime.date) -> Report:
    base = [outcomes[c.slug] for c in evalset.base_cases]
    mismatches = [o for o in base if o.recommended != o.expected]
    confusion = Counter((o.expected, o.recommended) for o in base)
    aucs = {}
    for role in ROLES:
        pos = [o.fit(role) for o in base if genuine(o.expected, role)]
        neg = [o.fit(role) for o in base if not genuine(o.expected, role)]
        aucs[role] = roc_auc(pos, neg)
    decoys = [outcomes[s] for s in evalset.decoys if s in outcomes]
    inversions = [(role, d, g) for role in ROLES for d in decoys for g in base if genuine(g.expected, role) and d.fit(role) >= g.fit(role)]
    return Report(
        as_of=as_of,
        total=len(base),
        correct=len(base) - len(mismatches),
        mismatches=mismatches,
        confusion=confusion,
        ai_auc=aucs["ai_engineer"],
        ml_auc=aucs["ml_engineer"],
        inversions=inversions,
        counterfactual=_group_diffs(evalset.counterfactual, outcomes),
        layout=_group_diffs(evalset.layout, outcomes),
    )


# --------------------------------------------------------------------------- printing


def _top_evidence(outcome: Outcome, role: str, limit: int = 3) -> list[str]:
    """The contributions that earned most of ``role``'s fit: points, pillar, skill, strength, quote."""
    result = outcome.result
    if result is None or result.scores is None or role not in result.scores.breakdown:
        return []
    contribs = [(c, p.label) for p in result.scores.breakdown[role].pillars for c in p.contributions]
    contribs.sort(key=lambda cp: (-cp[0].points, cp[0].item, cp[0].skill))
    lines = []
    for c, pillar in contribs[:limit]:
        quote = " ".join(c.quote.split())
        quote = quote if len(quote) <= 100 else quote[:97] + "..."
        lines.append(f'{c.points:5.1f} {pillar} / {c.skill_label} [{c.strength}] "{quote}"')
    return lines


def _fits(o: Outcome) -> str:
    return f"ai={o.ai_fit:5.1f} ml={o.ml_fit:5.1f}"


def _target(ok: bool) -> str:
    return "ok" if ok else "MISS"


def format_report(evalset: EvalSet, report: Report, outcomes: dict[str, Outcome], explain: bool = True) -> str:
    lines: list[str] = []
    add = lines.append
    kinds = Counter(c.kind for c in evalset.cases)
    add(
        f"screener evaluation as of {report.as_of.isoformat()}: {kinds['base']} labelled sources, "
        f"{kinds['counterfactual']} counterfactual twins, {kinds['layout']} layout twins ({len(evalset.cases)} candidates screened)"
    )
    add("")
    add("Roles (base sources)")
    expected_roles = ("ai_engineer", "ml_engineer", "hybrid", "insufficient_evidence")
    for exp in expected_roles:
        row = {rec: n for (e, rec), n in report.confusion.items() if e == exp}
        total = sum(row.values())
        if not total:
            continue
        got = ", ".join(f"{rec} {n}" for rec, n in sorted(row.items()))
        add(f"  expected {exp:<22} {row.get(exp, 0):>2}/{total:<2} correct   (recommended: {got})")
    add(
        f"  role accuracy {report.accuracy:.1%} ({report.correct}/{report.total})   [target >= {TARGET_ACCURACY:.0%}: {_target(report.accuracy >= TARGET_ACCURACY)}]"
    )
    if report.mismatches:
        add("  mismatches:")
        for o in report.mismatches:
            cohort = evalset.decoys.get(o.slug)
            tag = f" ({cohort})" if cohort else ""
            add(f"    {o.slug}{tag}: expected {o.expected}, got {o.recommended}   {_fits(o)}")
            if explain:
                roles = [r for r in ROLES if r == o.recommended or r == o.expected or o.recommended == "hybrid" or o.expected == "hybrid"]
                if o.expected == "insufficient_evidence" or not roles:
                    roles = [max(ROLES, key=o.fit)]
                for role in roles:
                    top = _top_evidence(o, role)
                    if top:
                        add(f"      top {SHORT[role]} evidence credited:")
                        lines.extend(f"        {t}" for t in top)
    add("")
    add("Ranking quality (base sources)")
    add(f"  AI-fit ROC-AUC {report.ai_auc:.3f}  (positives: expected ai_engineer or hybrid)   [target >= {TARGET_AUC}: {_target(report.ai_auc >= TARGET_AUC)}]")
    add(f"  ML-fit ROC-AUC {report.ml_auc:.3f}  (positives: expected ml_engineer or hybrid)   [target >= {TARGET_AUC}: {_target(report.ml_auc >= TARGET_AUC)}]")
    add("")
    add("Keyword stuffers and learners vs genuine candidates")
    decoys = [outcomes[s] for s in evalset.decoys if s in outcomes]
    for d in decoys:
        add(f"  {d.slug:<24} {evalset.decoys[d.slug]:<16} {_fits(d)}  recommended {d.recommended}")
    for role in ROLES:
        weakest = sorted((outcomes[c.slug] for c in evalset.base_cases if genuine(c.expected_role, role)), key=lambda o: o.fit(role))[:3]
        shown = ", ".join(f"{o.slug} {o.fit(role):.1f}" for o in weakest)
        add(f"  weakest genuine {SHORT[role]} fits: {shown}")
    add(f"  inversions (stuffer/learner fit for role R >= a genuine R candidate's): {len(report.inversions)}   [target 0: {_target(not report.inversions)}]")
    by_decoy: dict[tuple[str, str], list[Outcome]] = {}
    for role, d, g in report.inversions:
        by_decoy.setdefault((d.slug, role), []).append(g)
    for (slug, role), gens in by_decoy.items():
        d = outcomes[slug]
        names = ", ".join(f"{g.slug} {g.fit(role):.1f}" for g in sorted(gens, key=lambda o: o.fit(role)))
        add(f"    {slug} ({SHORT[role]} {d.fit(role):.1f}) >= {names}")
        if explain:
            lines.extend(f"        {t}" for t in _top_evidence(d, role))
    add("")
    add("Counterfactual groups (name, pronouns, school, city: must score identically)")
    for g in report.counterfactual:
        same = len(set(g.roles)) == 1
        add(
            f"  {g.group:<26} {len(g.members)} members  max |ai diff| {g.ai_diff:.2f}  max |ml diff| {g.ml_diff:.2f}  roles {'same' if same else 'DIFFER: ' + ', '.join(g.roles)}"
        )
        if g.diff > 0:
            for m in g.members:
                add(f"      {m:<36} {_fits(outcomes[m])}  {evalset.case(m).note}")
    cf_ok = report.max_counterfactual_diff == 0.0 and all(len(set(g.roles)) == 1 for g in report.counterfactual)
    add(f"  largest counterfactual difference {report.max_counterfactual_diff:.2f}   [target 0: {_target(cf_ok)}]")
    add("")
    add("Layout twins (same source, other layouts/producers)")
    for g in report.layout:
        same = len(set(g.roles)) == 1
        add(
            f"  {g.group:<26} {len(g.members)} renders  max |ai diff| {g.ai_diff:.2f}  max |ml diff| {g.ml_diff:.2f}  roles {'same' if same else 'DIFFER: ' + ', '.join(g.roles)}"
        )
        if g.diff > TARGET_LAYOUT_DIFF or not same:
            for m in g.members:
                c = evalset.case(m)
                how = c.note or (f"{c.layout}-{c.producer}" if c.layout in PDF_LAYOUTS else c.layout)
                add(f"      {m:<40} {_fits(outcomes[m])}  {outcomes[m].recommended:<22} {how}")
    add(f"  largest layout difference {report.max_layout_diff:.2f}   [target <= {TARGET_LAYOUT_DIFF}: {_target(report.max_layout_diff <= TARGET_LAYOUT_DIFF)}]")
    errors = [o for o in outcomes.values() if o.recommended.startswith("error")]
    if errors:
        add("")
        add("Not read: " + ", ".join(f"{o.slug} ({o.recommended})" for o in errors))
    add("")
    add(report.summary())
    return "\n".join(lines)


# --------------------------------------------------------------------------- entry point


def run_evaluation(evalset: EvalSet, folder: Path, as_of: datetime.date = DEFAULT_AS_OF) -> tuple[Report, dict[str, Outcome]]:
    """Render ``evalset`` into ``folder`` (which must be empty), screen it and compute the metrics."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty")
    render_set(evalset, folder)
    outcomes = screen_set(evalset, folder, as_of)
    return evaluate(evalset, outcomes, as_of), outcomes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m screener.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--keep", type=Path, metavar="DIR", help="render into DIR (new or empty) and keep it, instead of a temporary folder")
    ap.add_argument("--as-of", type=datetime.date.fromisoformat, default=DEFAULT_AS_OF, help=f"date recency is measured from (default {DEFAULT_AS_OF})")
    ap.add_argument("--only", nargs="+", metavar="SLUG", help="evaluate only these sources (and the groups built on them)")
    ap.add_argument("--no-explain", action="store_true", help="do not print the evidence behind mismatches and inversions")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    try:
        evalset = build_set(only=set(args.only) if args.only else None)
        if args.keep:
            report, outcomes = run_evaluation(evalset, args.keep, args.as_of)
        else:
            with tempfile.TemporaryDirectory(prefix="screener-eval-") as tmp:
                report, outcomes = run_evaluation(evalset, Path(tmp), args.as_of)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_report(evalset, report, outcomes, explain=not args.no_explain))
    if args.check and not report.targets_met():
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
