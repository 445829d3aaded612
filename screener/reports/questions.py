"""Interview questions that verify a candidate's strongest claims and probe the gaps (DESIGN §5).

Three sources, in this order:

1. **Claims**: the shipped and built items that earned the most points in the
   role that matters (the recommended role, else the ranking role, else the
   higher fit), each quoted by a short verbatim fragment, with a follow-up
   chosen by what the item claims (quantified impact, its pillar, ownership,
   production ...).
2. **Gaps**: pillars of that role with no shipped or built evidence, heaviest first.
3. **Listed skills**: skills named in lists but never shown in work.

Every question text lives in the tables below; the code only picks and fills
them, deterministically, never using a template twice in one set. Questions
never carry the candidate's name, and a fragment mentioning a protected
attribute is never quoted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from screener.reports import (
    EVIDENCE_STRENGTHS,
    focus_profile,
    item_points,
    item_top_pillar,
    name_tokens,
    quote_fragment,
    shared_pillars,
)
from screener.results import CandidateResult

if TYPE_CHECKING:
    from screener.taxonomy import Taxonomy

# -- Tunables ---------------------------------------------------------------------------------

MIN_QUESTIONS = 3
"""Fewest questions for a screened candidate; generic questions fill up to this."""
MAX_QUESTIONS = 6
"""Most questions: an interviewer can ask these in a first call."""
CLAIM_QUESTIONS = 3
"""Questions about the strongest claims in the first round."""
GAP_QUESTIONS = 2
"""Questions about pillars with no evidence in the first round."""
LISTED_QUESTIONS = 1
"""Questions about listed-but-never-evidenced skills in the first round."""
QUOTE_MAX_WORDS = 14
"""Longest fragment of a claim a question quotes."""

# -- Question texts ---------------------------------------------------------------------------

#: How a claim question opens, by its position among the claim questions.
CLAIM_LEADS = ("You wrote", "Your resume says", "About")

#: The follow-up to a quoted claim, by key. A claim's keys are tried in order:
#: "impact" when it states quantified impact, then its top pillar, then its other
#: signals, then its strength, then "any"; the first follow-up not yet used wins.
CLAIM_FOLLOW_UPS: dict[str, str] = {
    "impact": "what was the baseline, how did you measure the change, and what did you trade off to get there?",
    "metric": "how was that number measured, and on what data?",
    "model_integration": "why that model or provider, and what did you do when its output was wrong or malformed?",
    "retrieval": "how did you measure whether retrieval found the right passages, and what moved that number most?",
    "orchestration_agents": "how did you stop the agent from looping or calling the wrong tool, and how did you test that?",
    "llm_evaluation": "how did you build the graded set, and how often did the automatic judge agree with a person?",
    "reliability_guardrails": "how did you test it against attacks or failures you had not seen before?",
    "latency_cost": "where did the time or money actually go, and what did you give up to cut it?",
    "data_features": "how did you check the data's quality, and what broke when it changed upstream?",
    "modelling_training": "which alternatives did you try, and why did this one win?",
    "model_evaluation": "how did you make sure the offline numbers held up on live traffic?",
    "mlops_monitoring": "how did you know when the model degraded, and what happened next?",
    "optimisation_scale": "what was the bottleneck, and how did you confirm the speed-up did not cost accuracy?",
    "engineering_foundations": "what was the hardest production incident it had, and how did you fix it?",
    "ownership": "which decisions were yours, and which did the team make?",
    "production": "what went wrong after it went live, and how did you find out?",
    "delivery": "what did it take to get from a prototype to something people used?",
    "offline": "how would you know it holds up outside the test set?",
    "built": "what would it have taken to put it in front of real users?",
    "shipped": "what was your own part in it, end to end?",
    "any": "what would you do differently if you built it again?",
}

#: A question for a pillar with no evidence, by pillar id; "{label}" is the pillar's label.
GAP_QUESTION_TEXTS: dict[str, str] = {
    "model_integration": "Nothing in the resume shows integrating LLMs into a product: which model APIs have you built on, and how did you choose between them?",
    "retrieval": "Nothing in the resume shows retrieval work: how would you find out why a RAG system keeps returning the wrong passages?",
    "orchestration_agents": "Nothing in the resume shows agents or multi-step LLM workflows: when would you use one, and how would you keep it from looping or misusing a tool?",
    "llm_evaluation": "Nothing in the resume shows evaluation of LLM systems: how have you known whether an LLM feature's answers were right?",
    "reliability_guardrails": "Nothing in the resume shows guardrails or tracing for LLM calls: how would you defend a feature against prompt injection and notice when it misbehaves?",
    "latency_cost": "Nothing in the resume shows work on latency or cost: how would you bring down the p95 latency or the cost per request of an LLM feature?",
    "data_features": "Nothing in the resume shows data pipelines or feature work: how have you got training data into shape, and how did you check its quality?",
    "modelling_training": "Nothing in the resume shows training models: which model have you trained yourself, and how did you choose and tune it?",
    "model_evaluation": "Nothing in the resume shows model evaluation: how would you validate a model before trusting its offline metrics?",
    "mlops_monitoring": "Nothing in the resume shows MLOps or monitoring: how have you deployed a model, and how would you notice it drifting?",
    "optimisation_scale": "Nothing in the resume shows optimisation or scale work: how would you make a model faster or cheaper to serve, or train on more data than fits one machine?",
    "engineering_foundations": "Nothing in the resume shows production engineering: which service have you built or run, and how did you test and deploy it?",
    "any": "Nothing in the resume shows work in {label}: where have you done it, and what did it involve?",
}

#: Questions for skills named only in lists, used in turn; "{skill}" is the skill's label.
LISTED_QUESTION_TEXTS = (
    "You list {skill} but no work on the resume shows it: where have you used it, and what for?",
    "{skill} appears only in a list: what is the most substantial thing you have built with it?",
    "The resume names {skill} without showing it in a project: how deep does your experience with it go?",
)

#: Questions asked when the resume gives too little to ask about.
GENERIC_QUESTIONS = (
    "Walk through one project on the resume from start to finish: what exactly was your part in it?",
    "What have you built that real users depended on, and how did you know it worked?",
    "Which result on the resume would you most like to explain in detail, and how was it measured?",
)

#: A fragment containing one of these is never quoted back: questions must not touch protected attributes.
PROTECTED_TERMS = (
    r"age[ds]?", r"born", r"birth\w*", r"gender\w*", r"male", r"female", r"wom[ae]n", r"men", r"married", r"marital", r"spouse",
    r"husband", r"wife", r"pregnan\w*", r"maternity", r"paternity", r"child(?:ren)?", r"religio\w*", r"church", r"mosque",
    r"synagogue", r"temple", r"faith", r"nationality", r"citizen\w*", r"visa", r"ethnic\w*", r"race", r"racial", r"disab\w*",
    r"veteran", r"sexual\w*", r"lgbt\w*", r"caste",
)  # fmt: skip
_PROTECTED = re.compile(r"\b(?:" + "|".join(PROTECTED_TERMS) + r")\b", re.IGNORECASE)

_CLAIM_SIGNAL_ORDER = ("ownership", "production", "delivery", "offline")


def _claim_keys(kinds: set[str], pillar: str | None, strength: str) -> list[str]:
    keys = []
    if "impact" in kinds:
        keys.append("impact")
    if pillar:
        keys.append(pillar)
    if "metric" in kinds:
        keys.append("metric")
    keys += [k for k in _CLAIM_SIGNAL_ORDER if k in kinds]
    return [*keys, strength, "any"]


def _quotable(fragment: str, names: frozenset[str]) -> bool:
    if len(fragment.split()) < 3 or _PROTECTED.search(fragment):
        return False
    words = {w.casefold() for w in re.findall(r"[A-Za-z]+", fragment)}
    return not (words & names)


class Claim(NamedTuple):
    """A shipped or built item a question can quote."""

    keys: str  # the follow-up keys to try, comma-separated
    fragment: str  # the quoted fragment, with an ellipsis when clipped
    item: int  # the item's index in the result's evidence


def _claims(result: CandidateResult) -> Iterator[Claim]:
    """Quotable claims, strongest first; generated, as a question set quotes only the first few.

    Claims that earned points in the focus role's own pillars come first, then
    those that earned points only elsewhere (e.g. in engineering foundations);
    within each, most points in the role's own pillars, then most in any one fit.
    """
    scores = result.scores
    focus = focus_profile(result)
    if scores is None or focus is None:
        return
    shared = shared_pillars(scores)
    own = item_points(scores.breakdown[focus], exclude=shared)
    anywhere: dict[int, float] = {}
    for breakdown in scores.breakdown.values():
        for i, pts in item_points(breakdown).items():
            anywhere[i] = max(anywhere.get(i, 0.0), pts)
    names = name_tokens(result.candidate_id)
    ranked = sorted(anywhere, key=lambda i: (own.get(i, 0.0) <= 0, -round(own.get(i, 0.0), 9), -round(anywhere[i], 9), i))
    for i in ranked:
        if i >= len(result.evidence):
            continue
        item = result.evidence[i]
        if item.strength not in EVIDENCE_STRENGTHS or anywhere[i] <= 0:
            continue
        fragment, clipped = quote_fragment(item.text, max_words=QUOTE_MAX_WORDS)
        if not _quotable(fragment, names):
            continue
        pillar = item_top_pillar(scores.breakdown[focus], i, exclude=shared) or item_top_pillar(scores.breakdown[focus], i)
        kinds = {s.kind for s in item.signals}
        yield Claim(",".join(_claim_keys(kinds, pillar, item.strength)), fragment + ("…" if clipped else ""), i)


def _gap_pillars(result: CandidateResult, taxonomy: Taxonomy | None) -> list[tuple[str | None, str]]:
    """(pillar id or None, label) of the result's gaps: the focus role's pillars first, heaviest first."""
    known: dict[str, tuple[str, float, bool]] = {}  # label -> (pillar id, weight, in the focus role)
    focus = focus_profile(result)
    if result.scores is not None:
        for pid, breakdown in result.scores.breakdown.items():
            for p in breakdown.pillars:
                if p.label not in known or (pid == focus and not known[p.label][2]):
                    known[p.label] = (p.pillar, p.weight, pid == focus)
    if taxonomy is not None:
        for pillar in taxonomy.pillars.values():
            known.setdefault(pillar.label, (pillar.id, 0.0, False))
    gaps = [(known.get(label, (None, 0.0, False)), n, label) for n, label in enumerate(dict.fromkeys(result.gaps))]
    gaps.sort(key=lambda g: (not g[0][2], -g[0][1], g[1]))
    return [(pid, label) for (pid, _, _), _, label in gaps]


def _listed_skills(result: CandidateResult, taxonomy: Taxonomy | None) -> list[str]:
    """Listed-only skills, those of the focus role first, then shared, then the other role."""
    roles: dict[str, str] = {s.label: s.role for item in result.evidence for s in item.skills}
    unknown = set(result.listed_skills) - roles.keys()
    if taxonomy is not None and unknown:  # the whole taxonomy is walked only for a label the evidence does not name
        for skill in taxonomy.skills.values():
            if skill.label in unknown:
                roles.setdefault(skill.label, skill.role)
    focus = focus_profile(result)
    mine = {"ai_engineer": "ai", "ml_engineer": "ml"}.get(focus or "", "")
    rank = {mine: 0, "shared": 1}
    return sorted(dict.fromkeys(result.listed_skills), key=lambda label: rank.get(roles.get(label, ""), 2))


def _claim_texts(claims: Iterable[Claim], limit: int) -> list[str]:
    """Up to ``limit`` questions, one per distinct fragment, each with a follow-up not used before (while any is left)."""
    used: set[str] = set()
    texts: list[str] = []
    for keys, fragment, _ in claims:
        if len(texts) >= limit:
            break
        follow = next((k for k in keys.split(",") if k in CLAIM_FOLLOW_UPS and k not in used), "any")
        used.add(follow)
        text = f"{CLAIM_LEADS[len(texts) % len(CLAIM_LEADS)]} “{fragment}”: {CLAIM_FOLLOW_UPS[follow]}"
        if not any(f"“{fragment}”" in t for t in texts):
            texts.append(text)
    return texts


def interview_questions(result: CandidateResult, taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """3 to 6 questions verifying the strongest claims and probing the gaps; none for a failed candidate.

    ``taxonomy`` (optional) names pillars and skill roles the result does not
    carry itself; the result's score breakdown is enough for the bundled roles.
    """
    if not result.ok:
        return ()
    claim_qs = _claim_texts(_claims(result), limit=max(CLAIM_QUESTIONS, MIN_QUESTIONS))  # no set asks more
    gap_qs = [GAP_QUESTION_TEXTS.get(pid or "", GAP_QUESTION_TEXTS["any"]).format(label=label) for pid, label in _gap_pillars(result, taxonomy)]
    listed_qs = [LISTED_QUESTION_TEXTS[n % len(LISTED_QUESTION_TEXTS)].format(skill=skill) for n, skill in enumerate(_listed_skills(result, taxonomy))]

    questions = [*claim_qs[:CLAIM_QUESTIONS], *gap_qs[:GAP_QUESTIONS], *listed_qs[:LISTED_QUESTIONS]]
    # Too few: more of each pool in turn, then generic questions.
    for extra in (*claim_qs[CLAIM_QUESTIONS:], *gap_qs[GAP_QUESTIONS:], *listed_qs[LISTED_QUESTIONS:], *GENERIC_QUESTIONS):
        if len(questions) >= MIN_QUESTIONS:
            break
        if extra not in questions:
            questions.append(extra)
    return tuple(dict.fromkeys(questions))[:MAX_QUESTIONS]
