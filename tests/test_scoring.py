"""Scoring behaviour (DESIGN §5): the properties the fits must keep, whatever the tunables' values.

Evidence comes from the real extractor where a sentence says it best, and is
built by hand where a property needs exact control (strength, dates, skills).
The monotonicity properties are checked over a seeded sweep of random resumes
(hypothesis is not a dependency), so a failure names its seed and is
reproducible.
"""

from __future__ import annotations

import datetime
import math
import random

import pytest
from pydantic import ValidationError

from screener.document import DateRange, PartialDate, SectionKind, Span
from screener.errors import ConfigError
from screener.evidence import STRENGTHS, EvidenceExtractor, EvidenceItem, Signal, SkillMention, build_extractor
from screener.evidence.model import EntryRef
from screener.evidence.units import text_units
from screener.scoring import CandidateScores, Tunables, score_candidate
from screener.scoring.score import confidence, recommend
from screener.taxonomy import load_taxonomy

AS_OF = datetime.date(2025, 6, 1)
TOLERANCE = 1e-9
#: The strongest fit "a title, a summary or a certificate alone" may reach.
LOW_FIT = 20.0

CURRENT = DateRange(text="2023 – Present", start=PartialDate(year=2023, month=1), current=True)
RECENT = DateRange(text="2022 – 2024", start=PartialDate(year=2022), end=PartialDate(year=2024))
OLD = DateRange(text="2010 – 2014", start=PartialDate(year=2010), end=PartialDate(year=2014))

SHIPPED_AI = [
    "Shipped a RAG assistant on pgvector serving 40k users, cutting support tickets by 30%.",
    "Shipped an agent with LangGraph and tool calling that triages 2k incidents a week in production.",
    "Deployed LLM-as-judge evals with a golden set that gate every prompt release to production.",
    "Launched guardrails and PII redaction for the support chatbot, used by 40k customers.",
    "Cut p95 latency by 40% in production with semantic caching and model routing.",
]
SHIPPED_ML = [
    "Shipped an XGBoost churn model to production, lifting retention by 4%.",
    "Deployed a PyTorch fraud classifier serving 3k predictions per second in production.",
    "Rolled out Airflow feature pipelines with Great Expectations checks used by 12 production models.",
    "Launched MLflow model registry and drift monitoring for 30 production models.",
    "Cut GPU inference cost by 45% in production with quantization and TensorRT.",
]


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def extractor(taxonomy):
    return EvidenceExtractor(build_extractor(taxonomy))


def extract(extractor, texts: list[str], mode: str = "work", dates: DateRange | None = None) -> list[EvidenceItem]:
    items = extractor.units(text_units(texts, mode=mode))
    if dates is not None:
        items = [item.model_copy(update={"entry": EntryRef(title="Engineer", organisation="Acme", dates=dates)}) for item in items]
    return items


def item(
    taxonomy, skills: list[str], strength: str = "shipped", dates: DateRange | None = None, signals: tuple[str, ...] = (), text: str | None = None
) -> EvidenceItem:
    """A hand-built evidence item naming ``skills`` by id."""
    text = text or f"{strength} work with " + ", ".join(skills)
    mentions = tuple(SkillMention(id=s, label=taxonomy.skills[s].label, role=taxonomy.skills[s].role, alias=s, start=0, end=1) for s in skills)
    return EvidenceItem(
        text=text,
        strength=strength,
        document="resume.pdf",
        section=SectionKind.EXPERIENCE if strength in ("shipped", "built") else SectionKind.SKILLS,
        entry=EntryRef(title="Engineer", dates=dates) if dates else None,
        span=Span(start=0, end=len(text)),
        skills=mentions,
        signals=tuple(Signal(kind=k, text=k, start=0, end=1) for k in signals),
    )


def only_in(taxonomy, pillar: str) -> list[str]:
    """Skills that serve exactly this one pillar, in id order."""
    return sorted(s.id for s in taxonomy.skills.values() if s.pillars == [pillar])


def fits(scores: CandidateScores) -> dict[str, float]:
    return {pid: b.fit for pid, b in scores.breakdown.items()}


def random_resume(taxonomy, rng: random.Random, size: int, listed_heavy: bool = False) -> list[EvidenceItem]:
    """Random items; ``listed_heavy`` makes most of them long listed ones, so the listed-mention cap binds."""
    ids = sorted(taxonomy.skills)
    dates = [None, CURRENT, RECENT, OLD]
    signals = [(), ("quantity", "impact"), ("ownership",), ("quantity", "production", "ownership")]
    strengths = ["listed"] * 6 + list(STRENGTHS) if listed_heavy else list(STRENGTHS)
    width = 12 if listed_heavy else 4
    return [item(taxonomy, rng.sample(ids, rng.randint(1, width)), rng.choice(strengths), rng.choice(dates), rng.choice(signals)) for _ in range(size)]


#: Seeds of the monotonicity sweeps: (seed, listed_heavy).
SWEEP = [(seed, False) for seed in range(30)] + [(seed, True) for seed in range(30)]


# -- Monotonicity -----------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "listed_heavy"), SWEEP)
def test_when_a_shipped_item_is_added_then_no_fit_falls(taxonomy, seed, listed_heavy):
    rng = random.Random(seed)
    resume = random_resume(taxonomy, rng, rng.randint(0, 40), listed_heavy)
    before = fits(score_candidate(resume, taxonomy, as_of=AS_OF))
    for extra in random_resume(taxonomy, rng, 5):
        added = extra.model_copy(update={"strength": "shipped"})
        after = fits(score_candidate([*resume, added], taxonomy, as_of=AS_OF))
        assert all(after[p] >= before[p] - TOLERANCE for p in before), (seed, added.text)


@pytest.mark.parametrize(("seed", "listed_heavy"), SWEEP)
def test_when_an_item_is_upgraded_then_no_fit_falls(taxonomy, seed, listed_heavy):
    rng = random.Random(seed)
    resume = random_resume(taxonomy, rng, rng.randint(1, 40), listed_heavy)
    for index in rng.sample(range(len(resume)), min(4, len(resume))):
        ladder = list(reversed(STRENGTHS))  # learning, listed, built, shipped
        previous = None
        for strength in ladder[ladder.index(resume[index].strength) :]:
            upgraded = [*resume[:index], resume[index].model_copy(update={"strength": strength}), *resume[index + 1 :]]
            now = fits(score_candidate(upgraded, taxonomy, as_of=AS_OF))
            if previous is not None:
                assert all(now[p] >= previous[p] - TOLERANCE for p in now), (seed, index, strength)
            previous = now


def test_when_real_shipped_sentences_are_added_one_by_one_then_the_fits_never_fall(taxonomy, extractor):
    resume = extract(extractor, ["Python, PyTorch, LangChain, MLflow, Kubernetes"], mode="list")
    previous = fits(score_candidate(resume, taxonomy, as_of=AS_OF))
    for added in extract(extractor, SHIPPED_AI + SHIPPED_ML, dates=RECENT):
        resume = [*resume, added]
        now = fits(score_candidate(resume, taxonomy, as_of=AS_OF))
        assert all(now[p] >= previous[p] - TOLERANCE for p in now), added.text
        previous = now


# -- Saturation and the listed cap ------------------------------------------------------------


@pytest.mark.parametrize(
    ("strength", "dates"),
    [("shipped", None), ("shipped", CURRENT), ("shipped", RECENT), ("built", CURRENT)],
)
def test_when_one_skill_is_repeated_then_the_tenth_use_adds_under_two_percent_of_the_first(taxonomy, extractor, strength, dates):
    sentence = extract(extractor, ["Shipped a RAG assistant serving 40k users."], dates=dates)
    assert [s.id for s in sentence[0].skills] == ["rag"]
    one = sentence[0].model_copy(update={"strength": strength})
    ai = [score_candidate([one] * n, taxonomy, as_of=AS_OF).ai_fit for n in range(11)]
    assert ai[10] - ai[9] < 0.02 * (ai[1] - ai[0])


@pytest.mark.parametrize("strength", ["listed", "learning"])
@pytest.mark.parametrize("layout", ["one item per skill", "one long list"])
def test_when_sixty_skills_are_only_listed_then_both_fits_stay_under_the_cap(taxonomy, strength, layout):
    ids = sorted(taxonomy.skills)[::7][:60]
    assert len(ids) == 60
    resume = [item(taxonomy, [s], strength) for s in ids] if layout == "one item per skill" else [item(taxonomy, ids, strength)]
    scores = score_candidate(resume, taxonomy, as_of=AS_OF)
    assert scores.ai_fit <= Tunables().mention_fit_cap + TOLERANCE
    assert scores.ml_fit <= Tunables().mention_fit_cap + TOLERANCE
    assert scores.recommended_role == "insufficient_evidence"
    assert scores.listed_only == 60
    assert "keyword_stuffing" in scores.flags


def test_when_every_taxonomy_skill_is_listed_in_a_real_skills_section_then_the_fits_stay_under_the_cap(taxonomy, extractor):
    aliases = [s.aliases[0] for s in sorted(taxonomy.skills.values(), key=lambda s: s.id) if s.ambiguous is None]
    resume = extract(extractor, [", ".join(aliases[i : i + 12]) for i in range(0, len(aliases), 12)], mode="list")
    assert {i.strength for i in resume} == {"listed"}
    scores = score_candidate(resume, taxonomy, as_of=AS_OF)
    assert max(scores.ai_fit, scores.ml_fit) <= Tunables().mention_fit_cap + TOLERANCE
    assert scores.flags[0] == "keyword_stuffing"


def test_when_breadth_and_depth_have_the_same_item_count_then_breadth_scores_higher(taxonomy):
    pillars = ["model_integration", "retrieval", "orchestration_agents", "llm_evaluation"]
    broad = [item(taxonomy, [only_in(taxonomy, p)[k]], dates=CURRENT) for p in pillars for k in range(2)]
    deep = [item(taxonomy, [only_in(taxonomy, "retrieval")[k]], dates=CURRENT) for k in range(8)]
    assert score_candidate(broad, taxonomy, as_of=AS_OF).ai_fit > score_candidate(deep, taxonomy, as_of=AS_OF).ai_fit


# -- What earns nothing, or little -------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "mode"),
    [
        (["AI engineer passionate about LLMs, RAG, agents, LangChain, vector databases and prompt engineering."], "summary"),
        (["Senior ML engineer with deep expertise in PyTorch, XGBoost, MLflow, Kubeflow and feature stores."], "summary"),
        (["AWS Certified Machine Learning – Specialty", "DeepLearning.AI: LangChain for LLM Application Development"], "learning"),
        (["Completed courses on RAG, LangGraph agents, LLM evals and guardrails."], "work"),
    ],
)
def test_when_only_a_summary_or_certificate_names_skills_then_the_fits_stay_low(taxonomy, extractor, texts, mode):
    resume = extract(extractor, texts, mode=mode)
    assert resume and {i.strength for i in resume} <= {"listed", "learning"}
    scores = score_candidate(resume, taxonomy, as_of=AS_OF)
    assert max(scores.ai_fit, scores.ml_fit) < LOW_FIT
    assert scores.recommended_role == "insufficient_evidence"


def test_when_only_a_job_title_speaks_then_nothing_is_earned(taxonomy):
    titled = EvidenceItem(
        text="Led weekly planning with the product team.",
        strength="built",
        document="resume.pdf",
        section=SectionKind.EXPERIENCE,
        entry=EntryRef(title="Senior AI Engineer (LLM, RAG, Agents)", organisation="OpenAI", dates=CURRENT),
        span=Span(start=0, end=10),
    )
    scores = score_candidate([titled] * 5, taxonomy, as_of=AS_OF)
    assert (scores.ai_fit, scores.ml_fit, scores.recommended_role) == (0.0, 0.0, "insufficient_evidence")


def test_when_only_who_and_where_differ_then_the_scores_are_the_same(taxonomy, extractor):
    resume = extract(extractor, SHIPPED_AI, dates=RECENT)
    other = [
        i.model_copy(
            update={"document": "someone-else.pdf", "section_heading": "Work", "entry": EntryRef(title="Intern", organisation="Elsewhere", dates=RECENT)}
        )
        for i in resume
    ]
    a, b = (score_candidate(r, taxonomy, as_of=AS_OF) for r in (resume, other))
    assert (a.ai_fit, a.ml_fit, a.lean, a.recommended_role, a.confidence) == (b.ai_fit, b.ml_fit, b.lean, b.recommended_role, b.confidence)


# -- Recency ------------------------------------------------------------------------------------


def test_when_a_career_switcher_shipped_ml_long_ago_and_ai_lately_then_the_scores_lean_ai(taxonomy, extractor):
    resume = extract(extractor, SHIPPED_ML, dates=OLD) + extract(extractor, SHIPPED_AI, dates=CURRENT)
    scores = score_candidate(resume, taxonomy, as_of=AS_OF)
    assert scores.lean > 0
    assert scores.ai_fit > scores.ml_fit
    assert scores.recommended_role == "ai_engineer"


@pytest.mark.parametrize(("recent", "older"), [(CURRENT, RECENT), (RECENT, None), (None, OLD), (CURRENT, OLD)])
def test_when_the_same_work_is_more_recent_then_it_scores_higher(taxonomy, extractor, recent, older):
    new, old = (score_candidate(extract(extractor, SHIPPED_ML[:2], dates=d), taxonomy, as_of=AS_OF).ml_fit for d in (recent, older))
    assert new > old


def test_when_work_is_very_old_then_the_floor_keeps_some_credit(taxonomy, extractor):
    ancient = DateRange(text="1990 – 1992", start=PartialDate(year=1990), end=PartialDate(year=1992))
    scores = score_candidate(extract(extractor, SHIPPED_ML[:1], dates=ancient), taxonomy, as_of=AS_OF)
    contributions = [c for p in scores.breakdown["ml_engineer"].pillars for c in p.contributions]
    assert contributions and all(c.recency == Tunables().recency_floor for c in contributions)


def test_when_as_of_moves_on_then_dated_work_counts_less(taxonomy, extractor):
    resume = extract(extractor, SHIPPED_AI, dates=RECENT)
    then, later = (score_candidate(resume, taxonomy, as_of=d) for d in (datetime.date(2024, 12, 31), datetime.date(2032, 1, 1)))
    assert (then.as_of, later.as_of) == (datetime.date(2024, 12, 31), datetime.date(2032, 1, 1))
    assert later.ai_fit < then.ai_fit


# -- Traceability and determinism ------------------------------------------------------------------


def assert_adds_up(scores: CandidateScores, resume: list[EvidenceItem], taxonomy) -> None:
    """Contributions add up to pillar points, pillar points to the fit, and each names an item with its skill."""
    assert {"ai_engineer": scores.ai_fit, "ml_engineer": scores.ml_fit} == fits(scores)
    for breakdown in scores.breakdown.values():
        assert math.isclose(breakdown.fit, math.fsum(p.points for p in breakdown.pillars), abs_tol=TOLERANCE)
        for pillar in breakdown.pillars:
            assert math.isclose(pillar.points, math.fsum(c.points for c in pillar.contributions), abs_tol=TOLERANCE)
            assert math.isclose(pillar.points, 100 * pillar.weight * pillar.score, abs_tol=TOLERANCE)
            assert math.isclose(pillar.points, pillar.evidence_points + pillar.mention_points, abs_tol=TOLERANCE)
            assert 0.0 <= pillar.score <= 1.0
            assert pillar.mention_points <= Tunables().mention_fit_cap * pillar.weight + TOLERANCE
            for c in pillar.contributions:
                assert c.skill in {s.id for s in resume[c.item].skills}
                assert pillar.pillar in taxonomy.skills[c.skill].pillars
                assert (c.quote, c.strength) == (resume[c.item].text, resume[c.item].strength)


def test_when_scores_are_broken_down_then_the_parts_add_up_exactly(taxonomy, extractor):
    resume = (
        extract(extractor, SHIPPED_AI, dates=CURRENT)
        + extract(extractor, SHIPPED_ML, dates=OLD)
        + extract(extractor, ["Python, PyTorch, LangChain, MLflow, Kubernetes, Spark, Airflow, Pinecone"], mode="list")
        + extract(extractor, ["Completed a course on LLM agents and LangGraph."], mode="learning")
    )
    scores = score_candidate(resume, taxonomy, as_of=AS_OF)
    assert_adds_up(scores, resume, taxonomy)
    assert any(c.strength in ("listed", "learning") for b in scores.breakdown.values() for p in b.pillars for c in p.contributions)


@pytest.mark.parametrize(("seed", "listed_heavy"), SWEEP)
def test_when_random_resumes_are_broken_down_then_the_parts_add_up_exactly(taxonomy, seed, listed_heavy):
    rng = random.Random(seed)
    resume = random_resume(taxonomy, rng, rng.randint(0, 40), listed_heavy)
    assert_adds_up(score_candidate(resume, taxonomy, as_of=AS_OF), resume, taxonomy)


def test_when_the_same_evidence_is_scored_twice_then_the_output_is_identical(taxonomy, extractor):
    resume = extract(extractor, SHIPPED_AI + SHIPPED_ML, dates=RECENT)
    first, second = (score_candidate(resume, taxonomy, as_of=AS_OF) for _ in range(2))
    assert first.model_dump_json() == second.model_dump_json()


def test_when_the_items_are_reordered_then_the_fits_do_not_change(taxonomy, extractor):
    resume = extract(extractor, SHIPPED_AI + SHIPPED_ML, dates=RECENT)
    forward, backward = (score_candidate(r, taxonomy, as_of=AS_OF) for r in (resume, resume[::-1]))
    assert math.isclose(forward.ai_fit, backward.ai_fit, abs_tol=TOLERANCE)
    assert math.isclose(forward.ml_fit, backward.ml_fit, abs_tol=TOLERANCE)
    assert forward.top_ai_skills == backward.top_ai_skills


# -- Summary fields ---------------------------------------------------------------------------------


def test_when_only_ai_work_is_shipped_then_the_summary_fields_say_so(taxonomy, extractor):
    resume = extract(extractor, SHIPPED_AI, dates=CURRENT) + extract(extractor, ["PyTorch, XGBoost, MLflow, Kubeflow"], mode="list")
    scores = score_candidate(resume, taxonomy, as_of=AS_OF)
    assert scores.lean == 100.0
    assert scores.shipped_evidence == 5
    assert scores.listed_only == 4
    assert scores.confidence == "high"
    assert scores.recommended_role == "ai_engineer"
    shipped_ai = {s.label for i in resume if i.strength == "shipped" for s in i.skills if s.role == "ai"}
    assert len(scores.top_ai_skills) == 5 and set(scores.top_ai_skills) <= shipped_ai
    assert set(scores.top_ml_skills) == {taxonomy.skills[s].label for s in ("pytorch", "xgboost", "mlflow", "kubeflow")}
    assert scores.flags == ()


def test_when_nothing_is_shipped_or_built_then_the_lean_is_zero(taxonomy):
    assert score_candidate([item(taxonomy, ["rag", "xgboost"], "listed")], taxonomy, as_of=AS_OF).lean == 0.0
    assert score_candidate([], taxonomy, as_of=AS_OF).lean == 0.0


def test_when_top_skills_are_ranked_then_evidenced_skills_come_before_listed_ones(taxonomy):
    resume = [item(taxonomy, ["rag"], "listed")] * 20 + [item(taxonomy, ["pinecone"], "built", OLD), item(taxonomy, ["langgraph"], "shipped", CURRENT)]
    assert score_candidate(resume, taxonomy, as_of=AS_OF).top_ai_skills == ("LangGraph", taxonomy.skills["pinecone"].label, taxonomy.skills["rag"].label)


def test_when_a_skill_is_used_more_then_it_ranks_first(taxonomy):
    resume = [item(taxonomy, ["crewai", "langgraph"], dates=CURRENT), item(taxonomy, ["pinecone", "langgraph"], dates=CURRENT)]
    assert score_candidate(resume, taxonomy, as_of=AS_OF).top_ai_skills[0] == "LangGraph"


def test_when_shipped_work_is_undated_then_no_dates_is_flagged(taxonomy, extractor):
    assert "no_dates" in score_candidate(extract(extractor, SHIPPED_AI), taxonomy, as_of=AS_OF).flags
    assert "no_dates" not in score_candidate(extract(extractor, SHIPPED_AI, dates=RECENT), taxonomy, as_of=AS_OF).flags


@pytest.mark.parametrize(
    ("ai", "ml", "credit", "recent_lean", "stuffing", "expected"),
    [
        (80.0, 10.0, 0.5, 100.0, False, "insufficient_evidence"),
        (40.0, 10.0, 2.0, 100.0, True, "insufficient_evidence"),
        (40.0, 10.0, 3.0, 100.0, True, "ai_engineer"),
        (60.0, 55.0, 3.0, 0.0, False, "hybrid"),
        (31.0, 36.0, 3.0, -10.0, False, "hybrid"),
        (29.0, 50.0, 3.0, 0.0, False, "ml_engineer"),
        (27.0, 38.0, 3.0, 70.0, False, "ai_engineer"),
        (34.0, 45.0, 3.0, 70.0, False, "ai_engineer"),
        (55.0, 45.0, 3.0, 100.0, False, "hybrid"),
        (20.0, 38.0, 3.0, 70.0, False, "ml_engineer"),
        (50.0, 20.0, 3.0, -80.0, False, "ai_engineer"),
        (70.0, 30.0, 3.0, 0.0, False, "ai_engineer"),
        (20.0, 20.0, 1.0, 0.0, False, "ai_engineer"),
    ],
)
def test_when_fits_and_credit_are_given_then_the_recommendation_follows_the_rules(ai, ml, credit, recent_lean, stuffing, expected):
    assert recommend(ai, ml, credit, recent_lean, stuffing, Tunables()) == expected


@pytest.mark.parametrize(
    ("credit", "shipped", "expected"),
    [(0.5, 0, "low"), (2.49, 2, "low"), (2.5, 0, "medium"), (4.99, 5, "medium"), (6.0, 2, "medium"), (5.0, 3, "high"), (20.0, 10, "high")],
)
def test_when_evidence_is_weighed_then_confidence_follows_the_rules(credit, shipped, expected):
    assert confidence(credit, shipped, Tunables()) == expected


def test_when_a_frontend_engineer_ships_only_shared_skills_then_the_evidence_is_insufficient(taxonomy, extractor):
    resume = extract(extractor, ["Shipped the checkout web app in JavaScript and Python on AWS, used by 200k customers."], dates=CURRENT)
    assert resume and all(s.role == "shared" for i in resume for s in i.skills)
    assert score_candidate(resume * 3, taxonomy, as_of=AS_OF).recommended_role == "insufficient_evidence"


# -- Configuration -----------------------------------------------------------------------------------


def test_when_strength_weights_are_out_of_order_then_the_tunables_are_rejected():
    with pytest.raises(ValidationError, match="strength weights"):
        Tunables(listed_weight=0.9)


def test_when_a_headline_profile_is_missing_then_a_config_error_names_it(taxonomy):
    with pytest.raises(ConfigError, match="ml_engineer"):
        score_candidate([], taxonomy, as_of=AS_OF, profiles={"ai_engineer": taxonomy.roles["ai_engineer"]})


def test_when_every_tunable_is_documented_then_its_description_says_why():
    assert all(field.description for field in Tunables.model_fields.values())
