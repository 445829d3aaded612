"""Adverse-impact audit of a finished run: selection rates by self-reported category.

The scorer never sees a candidate's sex, race or any other category, so a
ranking cannot be checked for adverse impact from inside the run. This module
joins an earlier run's ``ranking.csv`` with a file of voluntarily
self-reported categories (``GROUPS.csv``), applies one selection rule (the top
K ranks, or a fit cutoff) and reports, per category, the selection rate and
the impact ratio: the rate divided by the highest rate among known
categories. A ratio below four fifths (0.8) marks adverse impact.

Only aggregates leave this module: ``audit.json`` and ``audit.md`` hold counts
and rates per category, the groups file's sha256 and its column names, never
a candidate id next to a category. ``ranking.csv`` and ``run.json`` are only
read.

From a notebook::

    from screener.audit import audit_run
    result = audit_run(Path("out/demo"), Path("groups.csv"), top=5)
    result.tables[0].frame()   # one category column as a DataFrame
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from screener import __version__
from screener.batch import RANKING_ROLES
from screener.errors import ConfigError
from screener.outputs import FORMULA_STARTS, atomic_write

if TYPE_CHECKING:
    import pandas as pd

AUDIT_SCHEMA_VERSION = 1
#: The four-fifths rule: an impact ratio below this marks adverse impact.
FOUR_FIFTHS = Fraction(4, 5)
#: A category with fewer applicants than this, or a smaller share of them, is a small sample.
MIN_APPLICANTS = 5
MIN_SHARE = Fraction(2, 100)
#: Candidates missing from the groups file, or who left a column blank.
UNKNOWN = "unknown"
#: Columns of the groups file that name the candidate (the first present is used); never categories.
KEY_COLUMNS = ("candidate_id", "source")
INTERSECTION_SEPARATOR = " × "
RANKING_COLUMNS = ("rank", "candidate_id", "source", "status", "ai_fit", "ml_fit")
Number = TypeVar("Number", int, float)


class CategoryRow(BaseModel):
    """One category of one table: counts, rate and how the rate compares with the best-treated category."""

    model_config = ConfigDict(frozen=True)

    category: str
    applicants: int
    selected: int
    selection_rate: float
    #: rate / highest rate among known categories; None for ``unknown`` and when no known category had anyone selected.
    impact_ratio: float | None
    #: impact ratio below four fifths.
    adverse_impact: bool
    #: fewer than MIN_APPLICANTS applicants, or under MIN_SHARE of all applicants.
    small_sample: bool
    #: False when this category or the reference category is a small sample, or there is no ratio.
    reliable: bool
    #: the ``unknown`` category: reported, never compared.
    unknown: bool = False


class AuditTable(BaseModel):
    """Selection by one category column, or by the intersection of all of them."""

    model_config = ConfigDict(frozen=True)

    name: str
    columns: tuple[str, ...]
    #: the known category with the highest selection rate (the impact ratios' denominator).
    reference: str | None
    rows: tuple[CategoryRow, ...]
    note: str = ""

    def frame(self) -> pd.DataFrame:
        """The table as a pandas DataFrame, one row per category."""
        import pandas as pd

        return pd.DataFrame([row.model_dump() for row in self.rows])


class SelectionRule(BaseModel):
    """Which candidates count as selected."""

    model_config = ConfigDict(frozen=True)

    rule: Literal["top", "cutoff"]
    top: int | None = None
    cutoff: float | None = None
    role: str
    description: str


class AuditedRun(BaseModel):
    """The run that was audited, pinned by the hashes of the two files read."""

    model_config = ConfigDict(frozen=True)

    run_json_sha256: str
    ranking_csv_sha256: str
    tool: dict
    taxonomy: dict
    ranking_role: str
    as_of: str | None = None
    finished: str | None = None
    candidates: int


class GroupsFile(BaseModel):
    """What the audit knows of the groups file: its hash, shape and match counts, never its contents."""

    model_config = ConfigDict(frozen=True)

    sha256: str
    key: str
    columns: tuple[str, ...]
    rows: int
    matched: int
    unmatched_rows: int


class AuditResult(BaseModel):
    """A whole audit, as written to ``audit.json``."""

    model_config = ConfigDict(frozen=True)

    schema_version: int = AUDIT_SCHEMA_VERSION
    created: str
    tool: dict
    run: AuditedRun
    selection: SelectionRule
    groups: GroupsFile
    applicants: int
    selected: int
    #: candidates of the run with no row in the groups file (``unknown`` in every table).
    missing_from_groups: int
    four_fifths_threshold: float = float(FOUR_FIFTHS)
    small_sample_rule: dict = {"min_applicants": MIN_APPLICANTS, "min_share": float(MIN_SHARE)}
    tables: tuple[AuditTable, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Applicant:
    """One row of ranking.csv, as far as selection needs it."""

    candidate_id: str
    source: str
    ok: bool
    rank: int | None
    ai_fit: float | None
    ml_fit: float | None

    def fit(self, role: str) -> float | None:
        """The ranking fit for ``role``, as ranking.csv shows it (best: the higher of the two)."""
        if not self.ok or self.ai_fit is None or self.ml_fit is None:
            return None
        return {"ai_engineer": self.ai_fit, "ml_engineer": self.ml_fit}.get(role, max(self.ai_fit, self.ml_fit))


@dataclass(frozen=True)
class GroupsRow:
    """One candidate's row of the groups file; ``line`` lets an error point at it without naming anyone."""

    line: int
    key: str
    values: dict[str, str]


@dataclass(frozen=True)
class Groups:
    """The groups file as read: which column names candidates, the category columns, the rows."""

    key: str
    columns: tuple[str, ...]
    rows: tuple[GroupsRow, ...]
    sha256: str


# --- reading the run -------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _plain(cell: str) -> str:
    """A ranking.csv text cell without the apostrophe that neutralises a formula start."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _number(cell: str, cast: Callable[[str], Number]) -> Number | None:
    """A numeric cell of ranking.csv; empty (a failed row) is None."""
    try:
        return cast(cell) if cell.strip() else None
    except ValueError:
        return None


def read_manifest(out_dir: Path) -> dict:
    """run.json of ``out_dir``, or a ConfigError saying the folder is not a run."""
    run_file = out_dir / "run.json"
    not_a_run = f"{out_dir} is not the output folder of `screener screen`"
    if not run_file.is_file():
        raise ConfigError(f"{not_a_run}: it holds no run.json")
    try:
        manifest = json.loads(run_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{not_a_run}: run.json cannot be read ({' '.join(str(exc).split())[:160]})") from None
    if not isinstance(manifest, dict) or manifest.get("ranking_role") not in RANKING_ROLES or "tool" not in manifest:
        raise ConfigError(f"{not_a_run}: run.json is not a screener run manifest")
    return manifest


def read_ranking(out_dir: Path, manifest: dict) -> list[Applicant]:
    """Every candidate of ranking.csv, checked against the hash run.json recorded for it."""
    ranking_file = out_dir / "ranking.csv"
    if not ranking_file.is_file():
        raise ConfigError(f"{out_dir} is not the output folder of `screener screen`: it holds no ranking.csv")
    recorded = (manifest.get("outputs") or {}).get("ranking.csv")
    if recorded and recorded != _sha256(ranking_file):
        raise ConfigError(f"{ranking_file} is not the ranking run.json recorded (its sha256 differs): it was changed after the run")
    with ranking_file.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        missing = [c for c in RANKING_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ConfigError(f"{ranking_file} lacks the column(s) {', '.join(missing)}: not a screener ranking")
        return [
            Applicant(
                candidate_id=_plain(row["candidate_id"]),
                source=_plain(row["source"]),
                ok=row["status"] == "ok",
                rank=_number(row["rank"], int),
                ai_fit=_number(row["ai_fit"], float),
                ml_fit=_number(row["ml_fit"], float),
            )
            for row in reader
        ]


def audited_run(out_dir: Path, manifest: dict, applicants: list[Applicant]) -> AuditedRun:
    taxonomy = manifest.get("taxonomy") or {}
    return AuditedRun(
        run_json_sha256=_sha256(out_dir / "run.json"),
        ranking_csv_sha256=_sha256(out_dir / "ranking.csv"),
        tool=manifest.get("tool") or {},
        taxonomy={"version": taxonomy.get("version"), "sha256": taxonomy.get("sha256")},
        ranking_role=manifest["ranking_role"],
        as_of=manifest.get("as_of"),
        finished=manifest.get("finished"),
        candidates=len(applicants),
    )


# --- reading the groups file -----------------------------------------------------------------


def _normalise(value: str | None) -> str:
    """A category as reported, with whitespace collapsed; blank and "unknown" both mean unknown."""
    text = " ".join((value or "").split())
    return UNKNOWN if not text or text.casefold() == UNKNOWN else text


def read_groups(path: Path) -> Groups:
    """GROUPS.csv: a key column (candidate_id, else source) and one or more category columns."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such groups file")
    try:
        payload = path.read_bytes()
        reader = csv.reader(io.StringIO(payload.decode("utf-8-sig"), newline=""))
        records = [(reader.line_num, cells) for cells in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: cannot be read as UTF-8 CSV ({' '.join(str(exc).split())[:160]})") from None
    records = _without_empty_unnamed_columns(records)
    if not records:
        raise ConfigError(f"{path}: the groups file is empty")
    header = [" ".join(name.split()) for name in records[0][1]]
    key = _key_column(path, header)
    columns = _category_columns(path, header)
    rows = tuple(_groups_row(path, line, cells, header, key, columns) for line, cells in records[1:] if any(c.strip() for c in cells))
    return Groups(key=key, columns=columns, rows=rows, sha256=hashlib.sha256(payload).hexdigest())


def _without_empty_unnamed_columns(records: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Spreadsheets often export trailing columns with neither a name nor a value; they mean nothing."""
    if not records:
        return records
    header = records[0][1]
    empty = {
        index for index, name in enumerate(header) if not name.strip() and all(index >= len(cells) or not cells[index].strip() for _, cells in records)
    }
    return [(line, [cell for index, cell in enumerate(cells) if index not in empty]) for line, cells in records]


def _key_column(path: Path, header: list[str]) -> str:
    lowered = [name.casefold() for name in header]
    for key in KEY_COLUMNS:
        if key in lowered:
            return header[lowered.index(key)]
    raise ConfigError(f"{path}: no candidate_id (or source) column; the header is {', '.join(header) or 'empty'}")


def _category_columns(path: Path, header: list[str]) -> tuple[str, ...]:
    if any(not name for name in header):
        raise ConfigError(f"{path}: a column has no name")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ConfigError(f"{path}: column(s) named twice: {', '.join(repeated)}")
    columns = tuple(name for name in header if name.casefold() not in KEY_COLUMNS)
    if not columns:
        raise ConfigError(f"{path}: no category column beside the candidate key (e.g. sex, race_ethnicity)")
    return columns


def _groups_row(path: Path, line: int, cells: list[str], header: list[str], key: str, columns: tuple[str, ...]) -> GroupsRow:
    if len(cells) > len(header):
        raise ConfigError(f"{path}: line {line} has {len(cells)} cells for {len(header)} columns")
    record = dict(zip(header, cells, strict=False))
    candidate = _plain(" ".join(record.get(key, "").split()))  # a key copied from ranking.csv may keep its apostrophe
    return GroupsRow(line=line, key=candidate, values={c: _normalise(record.get(c)) for c in columns})


def match_groups(groups: Groups, applicants: list[Applicant], path: Path) -> tuple[dict[str, list[str]], int]:
    """Each applicant's category per column (``unknown`` when absent), and how many rows matched no one."""
    by_key = {(a.source if groups.key.casefold() == "source" else a.candidate_id): index for index, a in enumerate(applicants)}
    labels = {column: [UNKNOWN] * len(applicants) for column in groups.columns}
    claimed: dict[int, int] = {}
    unmatched = 0
    for row in groups.rows:
        index = by_key.get(row.key)
        if index is None:
            unmatched += 1
            continue
        if index in claimed:
            raise ConfigError(f"{path}: line {row.line} names the same candidate as line {claimed[index]}")
        claimed[index] = row.line
        for column, value in row.values.items():
            labels[column][index] = value
    _refuse_identifier_columns(labels, path)
    return labels, unmatched


def _refuse_identifier_columns(labels: dict[str, list[str]], path: Path) -> None:
    """A column with a different value for every candidate would tie each one to a row of the audit."""
    for column, values in labels.items():
        known = [v for v in values if v != UNKNOWN]
        if len(known) >= MIN_APPLICANTS and len(set(known)) == len(known):
            raise ConfigError(f"{path}: column {column!r} holds a different value for every candidate; it looks like an identifier, not a category")


def intersection_labels(labels: dict[str, list[str]]) -> list[str]:
    """Each applicant's combination of categories; unknown when any part is."""
    combined = []
    for parts in zip(*labels.values(), strict=True):
        combined.append(UNKNOWN if UNKNOWN in parts else INTERSECTION_SEPARATOR.join(parts))
    return combined


# --- selection -------------------------------------------------------------------------------


def select(applicants: list[Applicant], *, top: int | None, cutoff: float | None, role: str | None, run_role: str) -> tuple[SelectionRule, list[bool]]:
    """The selection rule and, per applicant, whether it selects them; failed rows are never selected."""
    if (top is None) == (cutoff is None):
        raise ConfigError("choose exactly one selection rule: --top K or --cutoff N")
    if role is not None and role not in RANKING_ROLES:
        raise ConfigError(f"unknown role {role!r} (choose from {', '.join(RANKING_ROLES)})")
    if top is not None:
        return _select_top(applicants, top, role, run_role)
    return _select_cutoff(applicants, float(cutoff), role or run_role)  # type: ignore[arg-type]


def _select_top(applicants: list[Applicant], top: int, role: str | None, run_role: str) -> tuple[SelectionRule, list[bool]]:
    if top < 1:
        raise ConfigError("--top must be at least 1")
    if role is not None and role != run_role:
        raise ConfigError(
            f"--top follows the run's ranks, which are by {run_role}; re-rank with `screener rank DIR --role {role}` first, or select with --cutoff"
        )
    chosen = [a.ok and a.rank is not None and a.rank <= top for a in applicants]
    rule = SelectionRule(rule="top", top=top, role=run_role, description=f"rank ≤ {top} (ranked by {run_role})")
    return rule, chosen


def _select_cutoff(applicants: list[Applicant], cutoff: float, role: str) -> tuple[SelectionRule, list[bool]]:
    if not 0 <= cutoff <= 100:
        raise ConfigError("--cutoff is a fit between 0 and 100")
    fits = [a.fit(role) for a in applicants]
    chosen = [fit is not None and fit >= cutoff for fit in fits]
    label = "higher of AI and ML fit" if role == "best" else f"{role} fit"
    rule = SelectionRule(rule="cutoff", cutoff=cutoff, role=role, description=f"{label} ≥ {cutoff:g} (ok candidates only)")
    return rule, chosen


# --- the tables ------------------------------------------------------------------------------


def _small(applicants: int, total: int) -> bool:
    return applicants < MIN_APPLICANTS or Fraction(applicants, max(total, 1)) < MIN_SHARE


def category_table(name: str, columns: Sequence[str], labels: Sequence[str], selected: Sequence[bool]) -> AuditTable:
    """Applicants, selected, rate and impact ratio per category (the four-fifths rule, in exact fractions).

    ``labels[i]`` is applicant i's category and ``selected[i]`` whether the rule
    selected them. ``unknown`` is reported but left out of the denominator, as
    audit rules require; a small-sample category is compared but marked unreliable.
    """
    total = len(labels)
    applicants = Counter(labels)
    chosen = Counter(label for label, picked in zip(labels, selected, strict=True) if picked)
    rates = {category: Fraction(chosen[category], count) for category, count in applicants.items()}
    known = sorted((c for c in applicants if c != UNKNOWN), key=lambda c: (c.casefold(), c))
    reference = max(known, key=lambda c: rates[c], default=None)  # ties: the first by name
    best = rates[reference] if reference is not None else Fraction(0)
    reference_small = reference is not None and _small(applicants[reference], total)
    rows = [_row(c, applicants[c], chosen[c], best, _small(applicants[c], total), reference_small) for c in known]
    if UNKNOWN in applicants:
        rows.append(_unknown_row(applicants[UNKNOWN], chosen[UNKNOWN], total))
    return AuditTable(name=name, columns=tuple(columns), reference=reference if best else None, rows=tuple(rows), note=_table_note(known, best, total))


def _row(category: str, applicants: int, selected: int, best: Fraction, small: bool, reference_small: bool) -> CategoryRow:
    rate = Fraction(selected, applicants)
    ratio = rate / best if best else None
    return CategoryRow(
        category=category,
        applicants=applicants,
        selected=selected,
        selection_rate=float(rate),
        impact_ratio=float(ratio) if ratio is not None else None,
        adverse_impact=ratio is not None and ratio < FOUR_FIFTHS,
        small_sample=small,
        reliable=ratio is not None and not small and not reference_small,
    )


def _unknown_row(applicants: int, selected: int, total: int) -> CategoryRow:
    return CategoryRow(
        category=UNKNOWN,
        applicants=applicants,
        selected=selected,
        selection_rate=selected / applicants,
        impact_ratio=None,
        adverse_impact=False,
        small_sample=_small(applicants, total),
        reliable=False,
        unknown=True,
    )


def _table_note(known: list[str], best: Fraction, total: int) -> str:
    if total == 0:
        return "the run has no candidates"
    if not known:
        return "no candidate of the run has a known category here"
    if not best:
        return "no candidate with a known category was selected: impact ratios are undefined"
    return ""


def build_tables(labels: dict[str, list[str]], selected: list[bool]) -> list[AuditTable]:
    """One table per category column, then their intersection when there are two or more."""
    tables = [category_table(column, [column], values, selected) for column, values in labels.items()]
    if len(labels) >= 2:
        columns = list(labels)
        tables.append(category_table(INTERSECTION_SEPARATOR.join(columns), columns, intersection_labels(labels), selected))
    return tables


def _warnings(tables: list[AuditTable], selected: int, unknown: int, unmatched: int, rule: SelectionRule) -> list[str]:
    """Aggregate warnings: what the reader must know before trusting a ratio."""
    notes = []
    if not selected:
        notes.append(f"no candidate was selected by {rule.description}: every selection rate is 0 and no impact ratio can be computed")
    if unknown:
        notes.append(f"{unknown} candidate(s) of the run are not in the groups file: counted as {UNKNOWN}, left out of the impact ratios")
    if unmatched:
        notes.append(f"{unmatched} row(s) of the groups file match no candidate of the run and were not counted")
    for table in tables:
        small = [row.category for row in table.rows if row.small_sample and not row.unknown]
        if small:
            notes.append(
                f"{table.name}: {len(small)} categor{'y' if len(small) == 1 else 'ies'} with fewer than {MIN_APPLICANTS} applicants "
                f"or under {float(MIN_SHARE):.0%} of them: their ratios are unreliable"
            )
    return notes


# --- the audit -------------------------------------------------------------------------------


def audit_run(
    out_dir: Path, groups_csv: Path, *, top: int | None = None, cutoff: float | None = None, role: str | None = None, write: bool = True
) -> AuditResult:
    """Audit the run in ``out_dir`` for adverse impact by the categories of ``groups_csv``.

    Exactly one of ``top`` (ranks ≤ K are selected) or ``cutoff`` (ok
    candidates whose ranking fit is ≥ N; ``role`` picks the fit, default the
    run's ranking role) is required. With ``write`` the result is written to
    ``audit.json`` and ``audit.md`` in ``out_dir``; ranking.csv and run.json
    are only read. Raises ConfigError for a folder that is not a run or a
    groups file that cannot be used.
    """
    out_dir = Path(out_dir)
    manifest = read_manifest(out_dir)
    applicants = read_ranking(out_dir, manifest)
    rule, chosen = select(applicants, top=top, cutoff=cutoff, role=role, run_role=manifest["ranking_role"])
    groups = read_groups(groups_csv)
    labels, unmatched = match_groups(groups, applicants, Path(groups_csv))
    tables = build_tables(labels, chosen)
    missing = len(applicants) - (len(groups.rows) - unmatched)
    result = AuditResult(
        created=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        tool={"name": "screener", "version": __version__},
        run=audited_run(out_dir, manifest, applicants),
        selection=rule,
        groups=GroupsFile(
            sha256=groups.sha256, key=groups.key, columns=groups.columns, rows=len(groups.rows), matched=len(groups.rows) - unmatched, unmatched_rows=unmatched
        ),
        applicants=len(applicants),
        selected=sum(chosen),
        missing_from_groups=missing,
        tables=tuple(tables),
        warnings=tuple(_warnings(tables, sum(chosen), missing, unmatched, rule)),
    )
    if write:
        write_audit(result, out_dir)
    return result


def write_audit(result: AuditResult, out_dir: Path) -> None:
    """audit.json and audit.md beside the run's files, each written atomically."""
    atomic_write(Path(out_dir) / "audit.json", result.model_dump_json(indent=2))
    atomic_write(Path(out_dir) / "audit.md", render_markdown(result))


# --- rendering -------------------------------------------------------------------------------


def _percent(rate: float) -> str:
    return f"{100 * rate:.1f}%"


def _ratio(row: CategoryRow) -> str:
    """The ratio truncated to two decimals, so a ratio shown as 0.80 is never adverse impact."""
    if row.impact_ratio is None:
        return "–"
    return f"{math.floor(row.impact_ratio * 100 + 1e-9) / 100:.2f}"


def _remark(row: CategoryRow, reference: str | None) -> str:
    if row.unknown:
        return "not compared"
    remarks = ["reference"] if row.category == reference else []
    if row.adverse_impact:
        remarks.append("adverse impact")
    if row.small_sample:
        remarks.append("small sample")
    elif row.impact_ratio is not None and not row.reliable:
        remarks.append("reference is a small sample")
    return ", ".join(remarks)


def _summary(result: AuditResult) -> str:
    return (
        f"{result.applicants} applicant(s), {result.selected} selected by {result.selection.description}; "
        f"impact ratio = selection rate / highest rate among known categories; below {result.four_fifths_threshold:.2f} is adverse impact"
    )


def _clip(text: str, width: int) -> str:
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(result: AuditResult) -> str:
    """The audit as plain tables for a terminal."""
    lines = [f"adverse-impact audit · {_summary(result)}"]
    for table in result.tables:
        width = min(40, max([len("category"), *(len(row.category) for row in table.rows)]))
        lines += ["", _clip(table.name, 80), f"  {'category':{width}s}  applicants  selected    rate  impact ratio"]
        for row in table.rows:
            lines.append(
                f"  {_clip(row.category, width):{width}s}  {row.applicants:10d}  {row.selected:8d}  {_percent(row.selection_rate):>6s}  {_ratio(row):>12s}  {_remark(row, table.reference)}".rstrip()
            )
        if table.note:
            lines.append(f"  ({table.note})")
    return "\n".join(lines) + "\n"


def render_markdown(result: AuditResult) -> str:
    """The audit as Markdown; every column name and category (user data) is escaped."""
    from screener.reports.markdown import md_escape

    run = result.run
    lines = [
        "# Adverse-impact audit",
        "",
        md_escape(_summary(result)) + ".",
        "",
        f"- Run: ranking.csv sha256 `{run.ranking_csv_sha256}`, run.json sha256 `{run.run_json_sha256}`",
        f"- Screened with screener {md_escape(run.tool.get('version'))}, taxonomy {md_escape(run.taxonomy.get('version'))}, ranked by {md_escape(run.ranking_role)}",
        f"- Groups file sha256 `{result.groups.sha256}`: {result.groups.matched} row(s) matched, {result.groups.unmatched_rows} unmatched",
        f"- Small sample: fewer than {MIN_APPLICANTS} applicants or under {float(MIN_SHARE):.0%} of them; such ratios are unreliable",
    ]
    for table in result.tables:
        lines += ["", f"## {md_escape(table.name)}", "", "| category | applicants | selected | selection rate | impact ratio | note |", "| --- | ---: | ---: | ---: | ---: | --- |"]
        for row in table.rows:
            lines.append(f"| {md_escape(row.category)} | {row.applicants} | {row.selected} | {_percent(row.selection_rate)} | {_ratio(row)} | {_remark(row, table.reference)} |")
        if table.note:
            lines += ["", md_escape(table.note[0].upper() + table.note[1:]) + "."]
    if result.warnings:
        lines += ["", "## Warnings", ""] + [f"- {md_escape(warning)}" for warning in result.warnings]
    return "\n".join(lines) + "\n"
