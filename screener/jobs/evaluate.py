"""How well ``screener role`` reads job descriptions: the needed role, the title's role and mislabelling, against labels.

Usage::

    python -m screener.jobs.evaluate [FOLDER]     # default: tests/data/jobs (26 postings with labels.yaml)

FOLDER holds job descriptions and a ``labels.yaml`` mapping each file name
to ``{role, title_role, mislabelled}``. Prints one line per posting and the
three accuracies; exit code 1 when the role accuracy is under 90%.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from screener.jobs.analyse import JobAnalyser, analyse_job
from screener.jobs.model import JobAnalysis
from screener.taxonomy import load_taxonomy

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "tests" / "data" / "jobs"
ROLE_TARGET = 0.90


@dataclass(frozen=True)
class Graded:
    name: str
    expected: dict
    got: JobAnalysis

    @property
    def role_ok(self) -> bool:
        return self.got.role == self.expected["role"]

    @property
    def title_ok(self) -> bool:
        return self.got.title_role == self.expected.get("title_role")

    @property
    def mislabel_ok(self) -> bool:
        return self.got.mislabelled == bool(self.expected.get("mislabelled"))


def grade(folder: Path = DEFAULT_FOLDER) -> list[Graded]:
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))["jobs"]
    taxonomy = load_taxonomy()
    analyser = JobAnalyser(taxonomy)
    return [Graded(name, expected, analyse_job(folder / name, taxonomy, analyser)) for name, expected in sorted(labels.items())]


def accuracy(graded: list[Graded], check: str) -> float:
    return sum(getattr(g, check) for g in graded) / len(graded) if graded else 0.0


def report(graded: list[Graded]) -> str:
    lines = [f"{'job description':44s} {'expected':12s} {'got':12s} {'AI share':>8s}  title role (expected/got)  mislabelled"]
    for g in graded:
        miss = "" if g.role_ok else "  <- wrong role"
        title = f"{g.expected.get('title_role')}/{g.got.title_role}"
        lines.append(f"{g.name:44s} {g.expected['role']:12s} {g.got.role:12s} {g.got.ai_share:8.2f}  {title:25s}  {g.got.mislabelled!s:5s}{miss}")
    lines.append(
        f"role right: {accuracy(graded, 'role_ok'):.1%} of {len(graded)} (target >= {ROLE_TARGET:.0%}) · "
        f"title role right: {accuracy(graded, 'title_ok'):.1%} · mislabelled right: {accuracy(graded, 'mislabel_ok'):.1%}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    graded = grade(Path(args[0]) if args else DEFAULT_FOLDER)
    print(report(graded))
    return 0 if accuracy(graded, "role_ok") >= ROLE_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
