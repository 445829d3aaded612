"""How well evidence extraction agrees with an annotated set of resume sentences.

Usage: python -m screener.evidence.accuracy [ANNOTATIONS.yaml] [--taxonomy F ...] [--show-errors]

Each annotation is a sentence with the skills (taxonomy ids) a careful reader
finds in it and the strength it deserves. Skill mentions are scored as
(sentence, skill) pairs: precision and recall; strength as the share of
sentences with skills whose graded strength matches.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from screener.evidence.extract import EvidenceExtractor
from screener.evidence.model import STRENGTH_ORDER, Strength
from screener.evidence.pipeline import build_extractor
from screener.evidence.units import text_units
from screener.taxonomy import load_taxonomy

DEFAULT_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "annotated_sentences.yaml"


class Annotation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    mode: Literal["work", "list", "summary", "learning", "publication"] = "work"
    skills: list[str] = Field(default_factory=list)
    strength: Strength | None = None
    note: str | None = None


@dataclass
class Scores:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    strength_right: int = 0
    strength_total: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positive / max(1, self.true_positive + self.false_positive)

    @property
    def recall(self) -> float:
        return self.true_positive / max(1, self.true_positive + self.false_negative)

    @property
    def strength_accuracy(self) -> float:
        return self.strength_right / max(1, self.strength_total)


def load_annotations(path: Path) -> list[Annotation]:
    return TypeAdapter(list[Annotation]).validate_python(yaml.safe_load(path.read_text(encoding="utf-8")))


def score(annotations: list[Annotation], extractor: EvidenceExtractor) -> Scores:
    scores = Scores()
    for annotation in annotations:
        items = extractor.units(text_units([annotation.text], mode=annotation.mode))
        found = {s.id for item in items for s in item.skills}
        expected = set(annotation.skills)
        scores.true_positive += len(found & expected)
        scores.false_positive += len(found - expected)
        scores.false_negative += len(expected - found)
        if found != expected:
            scores.errors.append(f"skills {sorted(found)} != {sorted(expected)}: {annotation.text}")
        if expected and annotation.strength:
            scores.strength_total += 1
            graded = min((item.strength for item in items if item.skills), key=STRENGTH_ORDER.__getitem__, default=None)
            if graded == annotation.strength:
                scores.strength_right += 1
            else:
                scores.errors.append(f"strength {graded} != {annotation.strength}: {annotation.text}")
    return scores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("annotations", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--taxonomy", type=Path, action="append", default=[])
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    annotations = load_annotations(args.annotations)
    scores = score(annotations, EvidenceExtractor(build_extractor(load_taxonomy(args.taxonomy))))
    if args.show_errors:
        for error in scores.errors:
            print(error)
    print(
        f"sentences={len(annotations)} skill_precision={scores.precision:.3f} skill_recall={scores.recall:.3f} "
        f"strength_accuracy={scores.strength_accuracy:.3f} (tp={scores.true_positive} fp={scores.false_positive} "
        f"fn={scores.false_negative}, strength {scores.strength_right}/{scores.strength_total})"
    )


if __name__ == "__main__":
    main()
