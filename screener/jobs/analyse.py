"""Job description to the role the work needs: "hire for the problem, not the resume".

A posting's title is the weakest signal in it (titles blur, and ads ask for
the wrong role), so the title is read only to say what it asks for. The
decision comes from the work the text describes, scored two ways, both data:

- the taxonomy's skills the job names, each once, counted for its role (AI or
  ML engineering; shared skills such as Python count for neither), weighted by
  where they appear: responsibilities and requirements fully, nice-to-haves a
  little, the company blurb and benefits not at all;
- the decision questions of the hiring guides (does a pre-trained model
  already understand the domain? is success measured by product or model KPIs?
  documents and workflows, or proprietary data and a prediction problem?
  timeline? budget?), each answered by the phrases of ``skill_taxonomy/jobs.yaml``
  found in the text, a phrase under a negation ("you won't be training
  models") not counting.

The AI share of the points decides: mostly AI-engineering work is
``ai_engineer``, mostly ML-engineering work ``ml_engineer``, and a real mix
``both``. Every point is reported as a reason a hiring manager can check.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from screener.document import Document
from screener.errors import ConfigError, validation_problems
from screener.ingest.text_reader import is_caps_heading, is_colon_heading
from screener.jobs.model import ALTERNATIVE, Answer, JobAnalysis, JobRole, JobSkill, JobVocabulary, Need, SectionRole
from screener.taxonomy import Taxonomy
from screener.vocabulary import SAFE_LOADER, normalise_heading

JOBS_RESOURCE = "jobs.yaml"
#: Tokens before a phrase searched for a negation ("you will not be training models").
NEGATION_WINDOW = 6
#: A line of at most this many words that names a known section heads it, in a posting without heading markup.
MAX_NAMED_HEADING_WORDS = 4
#: Must-have skills at most: the job's core skills, those of the role it needs first; the rest are nice to have.
MAX_MUST_HAVE = 8
#: How much a skill's role weighs when choosing must-haves: the needed role's skills first, shared ones (Python, Docker) next.
ROLE_RELEVANCE = {"needed": 1.0, "shared": 0.5, "other": 0.3}
#: Metrics (p95 latency, CSAT, AUC) say how the work is judged; tools, techniques and practices what it is: they come first.
KIND_PRIORITY = {"metric": 0.6}
#: The share of a job's pillar weights taken from the bundled profile(s) of the role it needs; the rest come from its skills.
PROFILE_PRIOR = 0.5
ROLE_WORDS = {"ai_engineer": "an AI engineer", "ml_engineer": "an ML engineer", "both": "both AI and ML engineering"}


@lru_cache(maxsize=1)
def job_vocabulary() -> JobVocabulary:
    text = resources.files("skill_taxonomy").joinpath(JOBS_RESOURCE).read_text(encoding="utf-8")
    try:
        return JobVocabulary.model_validate(yaml.load(text, Loader=SAFE_LOADER))
    except ValidationError as exc:
        raise ConfigError(f"skill_taxonomy/{JOBS_RESOURCE}: {validation_problems(exc)}") from None


@dataclass
class Segment:
    """One statement of the job (a bullet, or a sentence of prose) and the kind of section it stands in."""

    text: str
    section: SectionRole


def section_role(heading: str, vocab: JobVocabulary) -> SectionRole:
    """What a heading's section says about the work; nice-to-have first, as "preferred qualifications" is."""
    text = normalise_heading(heading).replace("’", "'")
    for role in ("nice_to_have", "ignored", "requirements", "responsibilities"):
        if any(text == phrase or text.startswith(phrase + " ") or text.startswith(phrase) and len(text) <= len(phrase) + 1 for phrase in vocab.sections[role]):
            return role  # type: ignore[return-value]
    for role in ("nice_to_have", "requirements", "responsibilities", "ignored"):
        if any(re.search(rf"\b{re.escape(phrase)}\b", text) for phrase in vocab.sections[role] if len(phrase) > 4):
            return role  # type: ignore[return-value]
    return "other"


def _looks_like_heading(text: str, vocab: JobVocabulary) -> bool:
    """A plain-text posting's heading: in capitals, ending with a colon (as in plain-text resumes), or a short known section name."""
    text = text.strip()
    if is_caps_heading(text) or is_colon_heading(text):
        return True
    return 0 < len(text.split()) <= MAX_NAMED_HEADING_WORDS and section_role(text, vocab) != "other"


@lru_cache(maxsize=1)
def _title_label() -> re.Pattern[str]:
    return re.compile(rf"^\s*(?:{'|'.join(re.escape(label) for label in sorted(job_vocabulary().title_labels, key=len, reverse=True))})\s*[:\-–]\s*", re.I)


def _title(doc: Document) -> str | None:
    """The posting's title: its first heading, or its first line, without a label such as "Job title:"."""
    for block in doc.blocks:
        first = block.text.split("\n")[0].strip()
        if first:
            return _title_label().sub("", first.replace("’", "'")).strip(" #*") or None
    return None


def segments(doc: Document, vocab: JobVocabulary) -> list[Segment]:
    """The job's statements in reading order, each with its section's kind; the title line is not among them."""
    from screener.evidence.units import sentences

    found: list[Segment] = []
    section: SectionRole = "intro"
    title_seen = False
    for block in doc.blocks:
        lines = [line.strip() for line in block.text.split("\n") if line.strip()]
        if not title_seen and lines:
            title_seen, lines = True, lines[1:]
        if block.kind == "heading":
            if lines or block.text.strip():
                section = section_role(" ".join(lines) or block.text, vocab) if lines else section
            continue
        body: list[str] = []
        for line in lines:
            if block.kind != "bullet" and _looks_like_heading(line, vocab):
                found.extend(Segment(s, section) for text in body for s in sentences(text))
                body = []
                section = section_role(line.rstrip(":"), vocab)
            else:
                body.append(line)
        if block.kind == "bullet":
            found.extend(Segment(text, section) for text in [" ".join(body)] if text)
        else:
            found.extend(Segment(s, section) for s in sentences(" ".join(body)) if s.strip())
    return found


def _phrase_matcher(nlp, vocab: JobVocabulary):  # type: ignore[no-untyped-def]
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for question in vocab.questions:
        for side in ("ai", "ml"):
            matcher.add(f"{question.id}:{side}", list(nlp.tokenizer.pipe(getattr(question, side))))
    return matcher


def _negated(doc, start: int, negations: frozenset[str]) -> bool:  # type: ignore[no-untyped-def]
    return any(token.lower_ in negations for token in doc[max(0, start - NEGATION_WINDOW) : start])


class JobAnalyser:
    """Reads job descriptions with the taxonomy's skill matchers and the decision phrases; build once, call per job."""

    def __init__(self, taxonomy: Taxonomy, extractor=None) -> None:  # type: ignore[no-untyped-def]
        from screener.evidence import EvidenceExtractor, shared_extractor

        self.taxonomy = taxonomy
        self.vocab = job_vocabulary()
        self.extractor = extractor or EvidenceExtractor(shared_extractor(taxonomy))
        self.nlp = self.extractor.x.nlp
        self.matcher = _phrase_matcher(self.nlp, self.vocab)
        self.negations = frozenset(word.casefold() for word in self.vocab.negations)

    # -- the two kinds of points -----------------------------------------------------------------

    def _skills(self, found: list[Segment]) -> dict[str, dict]:
        """Requirement -> where it is named: its best section weight, its sections, how often, the first line naming it.

        Tools of one kind named in one statement ("pgvector, Qdrant or
        Weaviate") are alternatives, one requirement met by any of them
        ("pgvector|qdrant|weaviate"); every other skill is a requirement of its own.
        """
        from screener.evidence.units import text_units

        weights = self.vocab.section_weights
        named: dict[str, dict] = {}
        by_section: dict[SectionRole, list[str]] = defaultdict(list)
        for segment in found:
            by_section[segment.section].append(segment.text)
        for section, texts in by_section.items():
            for item in self.extractor.units(text_units(texts, mode="list")):
                doc = self.nlp.make_doc(item.text)
                wanted = [  # "not labelled datasets"
                    m.id for m in item.skills if not _negated(doc, doc.char_span(m.start, m.end, alignment_mode="expand").start, self.negations)
                ]
                for requirement in self._alternatives(wanted):
                    entry = named.setdefault(requirement, {"weight": 0.0, "sections": set(), "mentions": 0, "quote": item.text, "order": len(named)})
                    entry["weight"] = max(entry["weight"], weights[section])
                    entry["sections"].add(section)
                    entry["mentions"] += 1
        return named

    def _alternatives(self, skill_ids: list[str]) -> list[str]:
        """A statement's skills as requirements: its AI or ML tools grouped by their first pillar, other skills alone."""
        groups: dict[str, list[str]] = {}
        for skill_id in dict.fromkeys(skill_ids):
            skill = self.taxonomy.skills[skill_id]
            alternative = skill.kind == "tool" and skill.role != "shared"  # "Python, SQL and Docker" are all wanted
            key = f"tool:{skill.role}:{skill.pillars[0]}" if alternative else f"skill:{skill_id}"
            groups.setdefault(key, []).append(skill_id)
        return [ALTERNATIVE.join(ids) for ids in groups.values()]

    def _answers(self, found: list[Segment]) -> list[Answer]:
        weights = self.vocab.section_weights
        hits: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: {"ai": {}, "ml": {}})
        for segment in found:
            weight = weights[segment.section]
            if weight <= 0:
                continue
            doc = self.nlp.make_doc(segment.text)
            for match_id, start, end in self.matcher(doc):
                if _negated(doc, start, self.negations):
                    continue
                question, side = self.nlp.vocab.strings[match_id].split(":")
                phrase = doc[start:end].text.lower()
                hits[question][side][phrase] = max(hits[question][side].get(phrase, 0.0), weight)
        answers = []
        for question in self.vocab.questions:
            ai_found, ml_found = hits[question.id]["ai"], hits[question.id]["ml"]
            ai = min(question.cap, question.weight * sum(ai_found.values()))
            ml = min(question.cap, question.weight * sum(ml_found.values()))
            if ai == ml == 0:
                answer, summary = "unknown", "the job does not say"
            elif ai >= 2 * ml:
                answer, summary = "ai_engineer", question.ai_answer
            elif ml >= 2 * ai:
                answer, summary = "ml_engineer", question.ml_answer
            else:
                answer, summary = "mixed", f"both: {question.ai_answer}; and {question.ml_answer}"
            answers.append(
                Answer(
                    id=question.id,
                    question=question.question,
                    answer=answer,  # type: ignore[arg-type]
                    summary=summary,
                    ai_points=round(ai, 2),
                    ml_points=round(ml, 2),
                    ai_phrases=tuple(sorted(ai_found, key=lambda p: (-ai_found[p], p))),
                    ml_phrases=tuple(sorted(ml_found, key=lambda p: (-ml_found[p], p))),
                )
            )
        return answers

    # -- the decision ----------------------------------------------------------------------------

    def title_role(self, title: str | None) -> JobRole | None:
        """What the title alone asks for: the role of the longest title phrase in it."""
        if not title:
            return None
        text = " ".join(title.casefold().replace("’", "'").split())
        best: tuple[int, JobRole] | None = None
        for role, phrases in self.vocab.titles.items():
            for phrase in phrases:
                if re.search(rf"(?<![\w/]){re.escape(phrase)}(?![\w/])", text) and (best is None or len(phrase) > best[0]):
                    best = (len(phrase), role)  # type: ignore[assignment]
        return best[1] if best else None

    def decide(self, ai: float, ml: float) -> tuple[JobRole, float]:
        total = ai + ml
        share = ai / total if total else 0.5
        rule = self.vocab.decision
        if total < rule.min_points:
            return ("ai_engineer" if ai >= ml else "ml_engineer"), share
        if share >= rule.ai_share:
            return "ai_engineer", share
        if share <= rule.ml_share:
            return "ml_engineer", share
        return "both", share

    def analyse(self, doc: Document) -> JobAnalysis:
        found = segments(doc, self.vocab)
        named = self._skills(found)
        answers = self._answers(found)
        skill_points = {"ai": 0.0, "ml": 0.0}
        best: dict[str, float] = {}  # each skill named counts once, at its best section, alternative or not
        for requirement, entry in named.items():
            for skill_id in requirement.split(ALTERNATIVE):
                best[skill_id] = max(best.get(skill_id, 0.0), entry["weight"])
        for skill_id, weight in best.items():
            skill = self.taxonomy.skills[skill_id]
            if skill.role in skill_points:
                skill_points[skill.role] += weight * skill.evidence_weight
        ai = skill_points["ai"] + sum(a.ai_points for a in answers)
        ml = skill_points["ml"] + sum(a.ml_points for a in answers)
        role, share = self.decide(ai, ml)
        title = _title(doc)
        title_role = self.title_role(title)
        mislabelled = title_role in ("ai_engineer", "ml_engineer") and role in ("ai_engineer", "ml_engineer") and title_role != role
        skills = self._job_skills(named, role)
        return JobAnalysis(
            source=doc.source,
            title=title,
            title_role=title_role,
            role=role,
            mislabelled=mislabelled,
            ai_points=round(ai, 2),
            ml_points=round(ml, 2),
            ai_share=round(share, 3),
            reasons=tuple(self._reasons(role, title, title_role, mislabelled, skills, answers, skill_points, share)),
            questions=tuple(answers),
            skills=tuple(skills),
            pillars=self._pillars(skills, role),
        )

    def _relevance(self, skill_role: str, role: JobRole) -> float:
        if skill_role == "shared":
            return ROLE_RELEVANCE["shared"]
        needed = {"ai_engineer": {"ai"}, "ml_engineer": {"ml"}, "both": {"ai", "ml"}}[role]
        return ROLE_RELEVANCE["needed"] if skill_role in needed else ROLE_RELEVANCE["other"]

    def _job_skills(self, named: dict[str, dict], role: JobRole) -> list[JobSkill]:
        """The job's skills, must-haves first: named in its requirements or responsibilities, the needed role's own first."""

        def priority(item: tuple[str, dict]) -> tuple[float, int, int]:
            skill_id, entry = item
            skill = self.taxonomy.skills[skill_id.split(ALTERNATIVE)[0]]
            kind = KIND_PRIORITY.get(skill.kind, 1.0)
            return (-entry["weight"] * self._relevance(skill.role, role) * skill.evidence_weight * kind, -entry["mentions"], entry["order"])

        skills: list[JobSkill] = []
        must = 0
        for skill_id, entry in sorted(named.items(), key=priority):
            if entry["weight"] <= 0:
                continue
            members = [self.taxonomy.skills[s] for s in skill_id.split(ALTERNATIVE)]
            skill = members[0]
            core = bool(entry["sections"] & {"requirements", "responsibilities", "intro"}) and skill.evidence_weight >= 1.0
            need: Need = "must" if core and must < MAX_MUST_HAVE else "nice"
            must += need == "must"
            skills.append(
                JobSkill(
                    id=skill_id,
                    label=" or ".join(m.label for m in members),
                    role=skill.role,
                    pillars=tuple(dict.fromkeys(p for m in members for p in m.pillars)),
                    need=need,
                    mentions=entry["mentions"],
                    quote=entry["quote"],
                )
            )
        return sorted(skills, key=lambda s: s.need != "must")

    def _pillars(self, skills: list[JobSkill], role: JobRole) -> dict[str, float]:
        """Pillar weights adding up to 1: half the bundled profile of the needed role (both: the two averaged), half the job's skills."""
        profiles = {"ai_engineer": ["ai_engineer"], "ml_engineer": ["ml_engineer"], "both": ["ai_engineer", "ml_engineer"]}[role]
        weights: dict[str, float] = defaultdict(float)
        for profile_id in profiles:
            profile = self.taxonomy.roles.get(profile_id)
            for pillar, weight in (profile.pillars.items() if profile else ()):
                weights[pillar] += PROFILE_PRIOR * weight / len(profiles)
        raw: dict[str, float] = defaultdict(float)
        for skill in skills:
            share = (2.0 if skill.need == "must" else 1.0) * self._relevance(skill.role, role) / len(skill.pillars)
            for pillar in skill.pillars:
                raw[pillar] += share
        total = sum(raw.values())
        for pillar, value in raw.items():
            weights[pillar] += (1 - PROFILE_PRIOR) * value / total
        if not total:
            weights = defaultdict(float, {p: w / PROFILE_PRIOR for p, w in weights.items()})
        return normalised_weights(weights)

    def _reasons(self, role, title, title_role, mislabelled, skills, answers, skill_points, share) -> list[str]:  # type: ignore[no-untyped-def]
        reasons = [f"The work needs {ROLE_WORDS[role]}: {share:.0%} of the points are AI engineering, {1 - share:.0%} ML engineering."]
        for side, name in (("ai", "AI-engineering"), ("ml", "ML-engineering")):
            named = [s.label for s in skills if s.role == side]
            if named:
                reasons.append(f"{len(named)} {name} skill(s) named ({skill_points[side]:.1f} points): {', '.join(named[:6])}{' …' if len(named) > 6 else ''}.")
        for answer in answers:
            if answer.answer == "unknown":
                continue
            phrases = [f'"{p}"' for p in (answer.ai_phrases if answer.answer == "ai_engineer" else answer.ml_phrases if answer.answer == "ml_engineer" else answer.ai_phrases[:2] + answer.ml_phrases[:2])[:4]]
            reasons.append(f"{answer.question} {answer.summary[0].upper() + answer.summary[1:]} ({', '.join(phrases)}).")
        if mislabelled:
            reasons.append(f"The title ({title}) asks for {ROLE_WORDS[title_role]}, but the work described needs {ROLE_WORDS[role]}: the ad asks for the wrong role.")
        elif title_role is None and title:
            reasons.append(f"The title ({title}) names neither role.")
        return reasons


def normalised_weights(weights: dict[str, float], digits: int = 3) -> dict[str, float]:
    """Weights rounded to ``digits`` and adding up to exactly 1 (the largest absorbs the rounding), largest first."""
    kept = {k: v for k, v in weights.items() if v > 0}
    total = sum(kept.values())
    if not total:
        return {}
    rounded = {k: round(v / total, digits) for k, v in sorted(kept.items(), key=lambda kv: (-kv[1], kv[0]))}
    rounded = {k: v for k, v in rounded.items() if v > 0}
    largest = next(iter(rounded))
    rounded[largest] = round(rounded[largest] + 1.0 - sum(rounded.values()), digits)
    return rounded


def analyse_job(path: Path, taxonomy: Taxonomy, analyser: JobAnalyser | None = None) -> JobAnalysis:
    """Read a job description (PDF, DOCX, Markdown or text) and say which role the work needs."""
    from screener.ingest.reader import read_document
    from screener.vocabulary import load_vocabulary

    doc = read_document(Path(path), load_vocabulary())
    return (analyser or JobAnalyser(taxonomy)).analyse(doc)
