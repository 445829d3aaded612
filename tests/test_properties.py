"""Property-based tests (hypothesis) of the text → evidence → score path and of PDF reading.

Two families of properties:

- **Text to scores.** Whatever text a resume holds — the full Unicode range,
  control characters, bidirectional and zero-width marks, very long lines, huge
  numbers — reading it raises nothing but :class:`DocumentError`, extraction
  and scoring raise nothing, and the scores stay in the ranges DESIGN §3 gives
  the CSV columns. On generated resumes the promises of DESIGN §5 hold end to
  end: shipped work never lowers a fit, repetition has diminishing returns,
  listed skills add at most the listed-mention cap, and neither the order of
  sections nor names and job titles move a score.
- **Damaged PDFs.** Seed PDFs with bytes flipped, cut, inserted, deleted or
  replaced by PDF syntax are either read or refused with a CSV status, by both
  engines, within the time limit. Each mutant is read in a forked worker
  process, so a crash or hang inside PDFium (C code) fails the test with the
  mutant saved instead of killing the test run.

The number of examples scales with the hypothesis profile loaded in
``conftest.py`` (``ci`` by default: derandomised, nothing written to disk).
"""

from __future__ import annotations

import datetime
import hashlib
import math
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from reportlab.pdfgen import canvas

from screener.batch import assemble_result
from screener.document import Document, Status
from screener.errors import DocumentError
from screener.evidence import EvidenceExtractor, build_extractor
from screener.ingest import text_reader
from screener.ingest.assemble import Glyph, GlyphArrays, assemble_arrays, is_break
from screener.ingest.glyphs import WORD_BREAKS
from screener.ingest.limits import Limits
from screener.ingest.pdf import read_pdf
from screener.ingest.reader import read_document
from screener.scoring import CandidateScores, Tunables, score_candidate
from screener.scoring.score import default_profiles
from screener.structure.builder import build_document
from screener.taxonomy import Taxonomy, load_taxonomy
from screener.vocabulary import load_vocabulary
from screener.worker import CandidateTask, RunSettings
from tests.pdf_fixtures import HEIGHT, single_column_pdf, two_column_pdf

REPO = Path(__file__).resolve().parents[1]
AS_OF = datetime.date(2026, 11, 22)
TUNABLES = Tunables()
#: Float slack for sums that are computed in another order.
TOLERANCE = 1e-6
CSV_STATUSES = frozenset(Status) - {Status.OK}
CONFIDENCES = frozenset({"low", "medium", "high"})
#: What a file of valid UTF-8 text may be refused as: empty (no_text) or binary-looking, a NUL byte (unsupported).
TEXT_STATUSES = frozenset({Status.NO_TEXT, Status.UNSUPPORTED})


def examples(n: int) -> int:
    """``n`` examples under the ci profile (100 examples), proportionally more under a bigger one."""
    return max(1, n * settings.default.max_examples // 100)


# -- Built once per module: the taxonomy, the matchers, the vocabulary -------------------------


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@lru_cache(maxsize=1)
def extractor() -> EvidenceExtractor:
    return EvidenceExtractor(build_extractor(taxonomy()))


@lru_cache(maxsize=1)
def vocabulary():  # type: ignore[no-untyped-def]
    return load_vocabulary()


@lru_cache(maxsize=1)
def run_settings() -> RunSettings:
    return RunSettings(taxonomy=taxonomy(), profiles=default_profiles(taxonomy()), as_of=AS_OF, role="best", engine="pdfium", limits=Limits(time_limit=10))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A folder for the files each example writes (tmp_path is per test, not per example)."""
    return tmp_path_factory.mktemp("properties")


# -- The pipeline --------------------------------------------------------------------------------


def document_of(text: str) -> Document:
    """Plain text to a Document through the text reader's core and the structure stage."""
    vocab = vocabulary()
    return build_document(text_reader.lines_from_text(text, vocab), source="resume.txt", format="text", vocab=vocab)


def scores_of(text: str) -> CandidateScores:
    return score_candidate(extractor().document(document_of(text)), taxonomy(), as_of=AS_OF)


def check_scores(scores: CandidateScores) -> None:
    """The ranges of DESIGN §3's columns, and fits that are the sum of their pillars (DESIGN §5)."""
    for fit in (scores.ai_fit, scores.ml_fit):
        assert math.isfinite(fit) and 0.0 <= fit <= 100.0 + TOLERANCE, fit
    assert math.isfinite(scores.lean) and -100.0 - TOLERANCE <= scores.lean <= 100.0 + TOLERANCE, scores.lean
    assert scores.confidence in CONFIDENCES
    assert scores.shipped_evidence >= 0 and scores.listed_only >= 0
    for breakdown in scores.breakdown.values():
        assert math.isclose(breakdown.fit, math.fsum(p.points for p in breakdown.pillars), abs_tol=TOLERANCE)
        for pillar in breakdown.pillars:
            assert math.isclose(pillar.points, math.fsum(c.points for c in pillar.contributions), abs_tol=TOLERANCE)
            assert pillar.mention_points <= TUNABLES.mention_fit_cap * pillar.weight + TOLERANCE


def fits(scores: CandidateScores) -> tuple[float, float]:
    return scores.ai_fit, scores.ml_fit


# -- Strategies: any text ------------------------------------------------------------------------

#: Pieces that have broken text pipelines elsewhere: marks, separators, controls, odd digits, huge numbers.
ODD_PIECES = [
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte-order mark / zero-width no-break space
    "\u00ad",  # soft hyphen
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\x0c",  # form feed: a page break
    "\r",
    "\t",
    "\x00",
    "\x1b[31m",
    "\u0301\u0301\u0301",  # combining marks with nothing to combine with
    "٣٠٪",  # Arabic-Indic digits and percent sign
    "３０％",  # full-width digits
    "cut latency by 10^9 %",
    "cut p95 latency by 1e308%",
    "grew revenue by $" + "9" * 60,
    "served " + "9" * 400 + "k users",
    "Jan 2021 – Present",
    "2099 – 1901",
    "13/2020 – 00/2021",
    "•",
    "- ",
    "* ",
    "1. ",
    "EXPERIENCE",
    "Skills:",
    "PROJECTS\n========",
    "-----",
    "https://github.com/" + "a" * 300,
    "https://[ada.example.dev/work",  # urlsplit: "Invalid IPv6 URL"
    "https://example.com\uff03work",  # urlsplit: invalid characters under NFKC normalisation
    "ada@example.com",
    "Shipped a RAG assistant on pgvector to production for 20k users, cutting p95 latency by 30%.",
    "no experience with Kubernetes",
    "Spark sparked",
    "(" * 50 + ")" * 50,
]


@st.composite
def any_text(draw) -> str:
    """Text from the whole Unicode range (surrogates excluded: they cannot be written as UTF-8), mixed with odd pieces."""
    plain = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
    piece = st.one_of(plain, st.sampled_from(ODD_PIECES), st.sampled_from(aliases()))
    parts = draw(st.lists(piece, max_size=25))
    separators = draw(st.lists(st.sampled_from(["", " ", "\n", "\n\n", "\r\n", "\t"]), min_size=len(parts), max_size=len(parts)))
    text = "".join(p + s for p, s in zip(parts, separators, strict=True))
    if draw(st.integers(0, 9)) == 9:  # now and then one very long line (9, so that shrinking drops it)
        words = draw(st.lists(st.sampled_from(aliases()), min_size=1, max_size=3))
        text += " ".join(words) * draw(st.integers(300, 3000))
    return text


# -- Strategies: generated resumes ---------------------------------------------------------------


@lru_cache(maxsize=1)
def aliases() -> list[str]:
    """Every alias of every skill, sorted, so the strategies are reproducible."""
    return sorted({alias for skill in taxonomy().skills.values() for alias in skill.aliases})


@lru_cache(maxsize=1)
def plain_ai_aliases() -> list[str]:
    """First aliases of AI skills that need no context to count (not ambiguous)."""
    return sorted(skill.aliases[0] for skill in taxonomy().skills.values() if skill.role == "ai" and skill.ambiguous is None)


#: Bullets by what they say was done with the skills; {a} and {b} are skill aliases.
BULLETS = [
    "Shipped {a} to production for 20k users, cutting p95 latency by 30%.",
    "Deployed {a} with {b} serving 3k requests per second in production.",
    "Led the launch of {a}, used daily by 1,800 analysts.",
    "Built a {a} prototype with {b}.",
    "Designed and implemented {a} for the internal team.",
    "Completed a course on {a}.",
    "Familiar with {a} and {b}.",
    "Worked on {a}.",
    "Reduced cost by 45% with {a}.",
    "Evaluated {b} against {a} on a golden set.",
]
TITLES = ["Software Engineer", "Senior AI Engineer", "Machine Learning Engineer", "Data Scientist", "Staff Engineer", "Analyst"]
ORGANISATIONS = ["Acme", "Northwind Health", "Brightline Support", "Globex", "Initech"]
DATES = ["Jan 2021 – Present", "2019 – 2021", "Mar 2016 – Dec 2018", "2012 – 2014", "Sep 2023 – Present"]
#: Names and titles for the "who and what title never counts" properties: some are also skill names.
NAMES = ["Ada Example", "Julia Spark", "Ray Keras", "Luigi Bert", "Flask Jax", "Rust Go", "Mei-Lin Zhou", "Nadia Okafor"]
SKILL_TITLES = ["LLM Engineer", "PyTorch Developer", "RAG and Agents Lead", "MLOps Engineer", "Kubernetes Admin", "Accountant"]


@dataclass(frozen=True)
class Job:
    title: str
    organisation: str
    dates: str
    bullets: tuple[str, ...]

    def render(self) -> list[str]:
        return [f"{self.title}, {self.organisation}", self.dates, *(f"- {b}" for b in self.bullets), ""]


@dataclass(frozen=True)
class Resume:
    """A plain-text resume from parts, so a property can change one part and keep the rest."""

    name: str
    summary: str
    jobs: tuple[Job, ...]
    projects: tuple[str, ...]
    skills: tuple[str, ...]
    education: str
    order: tuple[str, ...] = ("summary", "experience", "projects", "skills", "education")

    def section(self, kind: str) -> list[str]:
        if kind == "summary":
            return ["SUMMARY", "", self.summary, ""] if self.summary else []
        if kind == "experience":
            return ["EXPERIENCE", "", *(line for job in self.jobs for line in job.render())] if self.jobs else []
        if kind == "projects":
            return ["PROJECTS", "", *(f"- {p}" for p in self.projects), ""] if self.projects else []
        if kind == "skills":
            return ["SKILLS", "", ", ".join(self.skills), ""] if self.skills else []
        return ["EDUCATION", "", self.education, ""]

    def render(self) -> str:
        header = [self.name, f"{self.name.split()[0].lower()}@example.com | (555) 555-0100", ""]
        return "\n".join(header + [line for kind in self.order for line in self.section(kind)])


@st.composite
def bullets(draw) -> str:
    template = draw(st.sampled_from(BULLETS))
    return template.format(a=draw(st.sampled_from(aliases())), b=draw(st.sampled_from(aliases())))


@st.composite
def shipped_ai_bullet(draw) -> str:
    """A bullet the grader should call shipped, about one or two AI skills that need no context."""
    a = draw(st.sampled_from(plain_ai_aliases()))
    b = draw(st.sampled_from(plain_ai_aliases()))
    template = draw(
        st.sampled_from(
            [
                "Shipped {a} to production for 20k users, cutting p95 latency by 30%.",
                "Shipped {a} and {b} to production for 20k users, cutting p95 latency by 30%.",
                "Deployed {a} to production, serving 40k tickets a month.",
            ]
        )
    )
    return template.format(a=a, b=b)


@st.composite
def jobs(draw) -> Job:
    return Job(
        title=draw(st.sampled_from(TITLES)),
        organisation=draw(st.sampled_from(ORGANISATIONS)),
        dates=draw(st.sampled_from(DATES)),
        bullets=tuple(draw(st.lists(bullets(), min_size=1, max_size=4))),
    )


@st.composite
def resumes(draw, min_jobs: int = 1) -> Resume:
    return Resume(
        name=draw(st.sampled_from(NAMES[:1] + NAMES[-2:])),  # names that are no skill's
        summary=draw(st.one_of(st.just(""), bullets())),
        jobs=tuple(draw(st.lists(jobs(), min_size=min_jobs, max_size=3))),
        projects=tuple(draw(st.lists(bullets(), max_size=3))),
        skills=tuple(draw(st.lists(st.sampled_from(aliases()), max_size=8))),
        education="BSc Computer Science, State University, 2012",
        order=tuple(draw(st.permutations(["summary", "experience", "projects", "skills", "education"]))),
    )


def with_bullet(resume: Resume, job: int, bullet: str, times: int = 1) -> Resume:
    """``resume`` with ``bullet`` appended ``times`` times to the ``job``-th job's bullets."""
    index = job % len(resume.jobs)
    changed = replace(resume.jobs[index], bullets=resume.jobs[index].bullets + (bullet,) * times)
    return replace(resume, jobs=resume.jobs[:index] + (changed,) + resume.jobs[index + 1 :])


def item_keys(text: str) -> list[tuple]:
    """What each evidence item of a text says, sorted: its quote, strength, section, entry and skills."""
    items = extractor().document(document_of(text))
    return sorted(
        (i.text, i.strength, i.section.value, i.entry.title if i.entry else None, repr(i.entry.dates) if i.entry else None, tuple(m.id for m in i.skills))
        for i in items
    )


# -- (a), (b): any text is read, extracted and scored without surprises ----------------------------


def _read_any(scratch, name: str, text: str):  # type: ignore[no-untyped-def]
    """``text`` written to ``name`` and read: its Document, or None when reading refused it with a text file's status and a one-line reason."""
    path = scratch / name
    path.write_bytes(text.encode("utf-8"))
    try:
        return read_document(path, vocabulary(), limits=Limits(time_limit=20))
    except DocumentError as exc:
        assert exc.status in TEXT_STATUSES, str(exc)
        assert exc.message and "\n" not in exc.message
        return None


@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=any_text())
def test_when_any_text_is_read_then_only_document_errors_escape_and_the_scores_stay_in_range(scratch, text):
    """A batch must never stop for one file: reading may refuse a file with a status, nothing else may fail.

    Reading goes through ``read_document`` on a real file, which turns any
    unexpected exception into an ``error`` row; such a row for valid UTF-8 text
    is a bug in a reader, so only ``no_text`` (empty) and ``unsupported`` (a NUL
    byte makes a file binary) are accepted.
    """
    doc = _read_any(scratch, "any.txt", text)
    if doc is None:
        return
    evidence = extractor().document(doc)
    scores = score_candidate(evidence, taxonomy(), as_of=AS_OF)
    check_scores(scores)
    for item in evidence:
        for mention in item.skills:  # every mention quotes its alias from the item's own text
            assert item.text[mention.start : mention.end] == mention.alias, (item.text, mention)


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=any_text())
def test_when_any_text_is_read_as_markdown_then_only_document_errors_escape(scratch, text):
    """Markdown goes through its own parser (markdown-it, raw HTML, tables): the same contract holds."""
    doc = _read_any(scratch, "any.md", text)
    if doc is None:
        return
    check_scores(score_candidate(extractor().document(doc), taxonomy(), as_of=AS_OF))


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=any_text())
def test_when_any_text_becomes_a_candidate_then_the_result_is_assembled_and_serialised(text):
    """``assemble_result`` is what every worker runs after extraction: scoring, flags, gaps and questions
    must cope with any evidence, and the result must survive JSON (it is the cache entry and candidates/<id>.json)."""
    doc = document_of(text)
    evidence = extractor().document(doc)
    task = CandidateTask(candidate_id="any", source="any.txt", documents=(("any.txt", "any.txt", ""),))
    result = assemble_result(task, [("any.txt", doc)], evidence, run_settings())
    assert result.ok and result.scores is not None
    check_scores(result.scores)
    assert 0 <= len(result.questions) <= 6
    assert type(result).model_validate_json(result.model_dump_json()) == result


@settings(max_examples=examples(40), suppress_health_check=[HealthCheck.too_slow])
@given(resume=resumes())
def test_when_a_resume_is_generated_then_the_scores_stay_in_range(resume):
    """Resume-shaped text reaches the scorer with real evidence, so the ranges are checked on non-trivial fits too."""
    scores = scores_of(resume.render())
    check_scores(scores)


# -- (c): the promises of DESIGN §5, end to end from text -------------------------------------------


@settings(max_examples=examples(40), suppress_health_check=[HealthCheck.too_slow])
@given(resume=resumes(), job=st.integers(0, 2), bullet=shipped_ai_bullet())
def test_when_a_shipped_ai_bullet_is_appended_to_a_job_then_neither_fit_falls(resume, job, bullet):
    """DESIGN §5: a fit rises with shipped evidence. Adding work must never cost a candidate points
    (the scorer takes min(all items, evidence + cap) per pillar, both rising with every credit)."""
    before = resume.render()
    after = with_bullet(resume, job, bullet).render()
    note(after)
    old, new = scores_of(before), scores_of(after)
    assert new.ai_fit >= old.ai_fit - TOLERANCE
    assert new.ml_fit >= old.ml_fit - TOLERANCE
    assert new.shipped_evidence >= old.shipped_evidence + 1  # the bullet itself is graded shipped
    if old.ai_fit == 0:  # the first AI work always earns something
        assert new.ai_fit > 0


@pytest.mark.parametrize(
    "bullet",
    [
        "Shipped a synthetic test set to production for 20k users, cutting p95 latency by 30%.",
        "Deployed an agent sandbox to production, serving 40k tickets a month.",
        "Deployed an offline feature store serving 12 production models used by 3k analysts.",
    ],
)
def test_when_a_skill_name_contains_an_offline_word_then_a_shipped_bullet_is_still_shipped(bullet):
    """Found by the appended-bullet property (thorough profile): "test set", "sandbox" and "offline" are
    offline cues, and inside a skill's name ("synthetic test set", "agent sandbox", "offline feature
    store") they turn delivered, production work into built. A word of a skill's name is the skill,
    as for learning and metric words (DESIGN §4: shipped = used to deliver something real)."""
    items = extractor().document(document_of(f"Ada Example\n\nEXPERIENCE\n\nEngineer, Acme\nJan 2021 – Present\n- {bullet}\n"))
    assert [item.strength for item in items] == ["shipped"]


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow])
@given(resume=resumes(), job=st.integers(0, 2), dates=st.sampled_from(["Jan 2021 – Present", "Sep 2023 – Present"]))
def test_when_a_job_becomes_current_then_neither_fit_falls(resume, job, dates):
    """DESIGN §5: a fit weights recent work above old work. Moving a job's end to the present raises the
    recency of its items and nothing else, so no fit may fall."""
    index = job % len(resume.jobs)
    current = replace(resume, jobs=resume.jobs[:index] + (replace(resume.jobs[index], dates=dates),) + resume.jobs[index + 1 :])
    old, new = scores_of(resume.render()), scores_of(current.render())
    assert new.ai_fit >= old.ai_fit - TOLERANCE
    assert new.ml_fit >= old.ml_fit - TOLERANCE


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow])
@given(resume=resumes(), job=st.integers(0, 2), bullet=bullets())
def test_when_a_bullet_is_appended_then_every_other_item_is_unchanged(resume, job, bullet):
    """An evidence item is one bullet (DESIGN §4): what a bullet is graded must not depend on the bullets after it,
    which is what lets the monotonicity of the scorer carry over to text."""
    before = item_keys(resume.render())
    after = item_keys(with_bullet(resume, job, bullet).render())
    remaining = list(after)
    for key in before:
        assert key in remaining, key
        remaining.remove(key)


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow])
@given(resume=resumes(), job=st.integers(0, 2), bullet=st.one_of(bullets(), shipped_ai_bullet()))
def test_when_a_bullet_is_repeated_then_each_repetition_adds_no_more_than_the_one_before(resume, job, bullet):
    """DESIGN §5: diminishing returns per skill and per pillar, "repeating a word does not add up".
    Each fit is concave in the number of copies of one bullet, so the gains shrink: 1st ≥ 2nd ≥ 3rd."""
    runs = [fits(scores_of(with_bullet(resume, job, bullet, times).render())) for times in range(4)]
    for role in (0, 1):
        gains = [runs[i + 1][role] - runs[i][role] for i in range(3)]
        note(f"role {role}: gains {gains}")
        assert all(gain >= -TOLERANCE for gain in gains)
        assert gains[1] <= gains[0] + TOLERANCE and gains[2] <= gains[1] + TOLERANCE


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow])
@given(resume=resumes(), listed=st.lists(st.sampled_from(aliases()), min_size=1, max_size=60), repeat=st.integers(1, 4))
def test_when_a_skills_list_is_added_then_the_fits_rise_by_at_most_the_listed_cap(resume, listed, repeat):
    """DESIGN §5 gives listed mentions "only a small, capped share": however many skills a list names, and
    however often, a fit rises by at most ``mention_fit_cap`` (8) points and never falls."""
    bare = replace(resume, skills=())
    stuffed = replace(resume, skills=tuple(listed) * repeat)
    (ai_before, ml_before), (ai_after, ml_after) = fits(scores_of(bare.render())), fits(scores_of(stuffed.render()))
    for before, after in ((ai_before, ai_after), (ml_before, ml_after)):
        assert before - TOLERANCE <= after <= before + TUNABLES.mention_fit_cap + TOLERANCE


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow])
@given(resume=resumes(), order=st.permutations(["summary", "experience", "projects", "skills", "education"]))
def test_when_the_sections_are_reordered_then_the_scores_do_not_change(resume, order):
    """Scores are a function of the evidence items, not of where a section was printed: a two-column
    layout or a skills-first template must not move a candidate."""
    one, other = scores_of(resume.render()), scores_of(replace(resume, order=tuple(order)).render())
    assert math.isclose(one.ai_fit, other.ai_fit, abs_tol=TOLERANCE) and math.isclose(one.ml_fit, other.ml_fit, abs_tol=TOLERANCE)
    assert math.isclose(one.lean, other.lean, abs_tol=TOLERANCE)
    assert (one.recommended_role, one.confidence, one.flags) == (other.recommended_role, other.confidence, other.flags)


@settings(max_examples=examples(30), suppress_health_check=[HealthCheck.too_slow])
@given(resume=resumes(), name=st.sampled_from(NAMES), titles=st.lists(st.sampled_from(SKILL_TITLES), min_size=3, max_size=3))
def test_when_only_the_name_and_job_titles_differ_then_the_scores_are_the_same(resume, name, titles):
    """README: names, contact details and titles never reach the scorer; DESIGN §5: a job title alone
    earns nothing. Names and titles here are chosen to look like skills ("Julia Spark", "LLM Engineer")."""
    other = replace(resume, name=name, jobs=tuple(replace(job, title=title) for job, title in zip(resume.jobs, titles, strict=False)))
    one, two = scores_of(resume.render()), scores_of(other.render())
    assert (one.ai_fit, one.ml_fit, one.lean, one.recommended_role) == pytest.approx((two.ai_fit, two.ml_fit, two.lean, two.recommended_role))


# -- Glyphs to words: the step both PDF engines share -----------------------------------------------

#: Glyph texts that have broken word assembly: an invisible character (empty once normalised: a soft
#: hyphen, a zero-width space), spaces, ideographs set solid, the unreadable mark, a ligature, a hyphen.
GLYPH_TEXTS = ["a", "B", "7", "", " ", "\u00a0", " \u2009", "中", "文", "\ufffd", "\ufffd\ufffd", "fi", "-"]
#: Gaps before a glyph, in ems: solid, a fiftieth and a twentieth of an em (letter-spacing), a word space, a step back.
GLYPH_GAPS = st.one_of(st.sampled_from([0.0, 0.03, 0.05, 0.3, -0.7]), st.floats(-0.6, 1.0))


@settings(max_examples=examples(200))
@given(
    glyphs=st.lists(
        st.tuples(st.sampled_from(GLYPH_TEXTS), GLYPH_GAPS, st.sampled_from([0.0, 0.0, 0.0, 2.0, 14.0]), st.sampled_from([8.0, 10.0, 14.0])),
        min_size=1,
        max_size=40,
    )
)
def test_when_any_glyphs_are_assembled_then_each_printed_glyph_is_in_one_word_in_order(glyphs):
    """Glyphs at any gap, on any of a few baselines, in any of a few sizes: every one that prints lands in exactly one word.

    A soft hyphen in a letter-spaced line (an empty glyph a twentieth of an em before the next) once
    stopped the whole PDF as damaged.
    """
    laid: list[Glyph] = []
    x, baseline = 72.0, 700.0
    for text, gap, drop, size in glyphs:
        x += gap * size
        baseline -= drop
        width = 0.5 * size * max(1, len(text))
        laid.append(Glyph(text, x, baseline - size, x + width, baseline, size, False, False, None))
        x += width
    words = assemble_arrays(GlyphArrays.from_glyphs(laid), page=1)
    assert "".join(w.text for w in words) == "".join(g.text for g in laid if not is_break(g.text))
    assert not any(ch in WORD_BREAKS for w in words for ch in w.text)


@settings(max_examples=examples(200))
@given(texts=st.lists(st.sampled_from(GLYPH_TEXTS + ["\u00ad", "x\u00ad", "\u00ad\u00ad", "\U0001f600", "\ud83d"]), min_size=1, max_size=30))
def test_when_a_page_text_is_read_as_arrays_then_each_glyph_is_judged_as_it_would_be_alone(texts):
    """The page's glyphs are judged in one pass over their characters (ligatures, empty glyphs and soft hyphens
    included): each must come out as the per-glyph rules say."""
    from screener.ingest.assemble import _PageText
    from screener.ingest.glyphs import printed_hyphens

    page = _PageText.of(texts)
    assert page.breaks.tolist() == [is_break(t) for t in texts]
    assert page.unreadable.tolist() == [t == "\ufffd" for t in texts]
    assert [page.joined[a:b] for a, b in zip(page.offsets[:-1].tolist(), page.offsets[1:].tolist(), strict=True)] == texts
    assert page.hyphens_printed(texts) == printed_hyphens(texts)


def test_when_the_engine_found_a_space_between_two_glyphs_then_they_are_two_words():
    """PDFium spaces words by the glyphs' positions too: an overhanging "f" may leave no gap between the boxes."""
    import numpy as np

    laid = [Glyph("o", 0, 0, 5, 10, 10, False, False, None), Glyph("f", 5, 0, 12, 10, 10, False, False, None), Glyph("e", 12.2, 0, 17, 10, 10, False, False, None)]
    arrays = GlyphArrays.from_glyphs(laid)
    assert [w.text for w in assemble_arrays(arrays, page=1)] == ["ofe"]
    arrays.spaced = np.array([False, False, True])
    assert [w.text for w in assemble_arrays(arrays, page=1)] == ["of", "e"]


# -- PDF byte mutation --------------------------------------------------------------------------------

#: PDF syntax spliced into the seeds: object and stream framing, filters, cross-reference tables, huge numbers, deep nesting.
PDF_SPLICES = [
    b"obj",
    b"endobj",
    b"stream",
    b"endstream",
    b"/Filter /FlateDecode",
    b"/Filter [/FlateDecode /ASCII85Decode /LZWDecode]",
    b"xref",
    b"xref\n0 99999999\n",
    b"trailer",
    b"trailer\n<< /Root 1 0 R /Size 2147483648 >>",
    b"startxref\n0\n%%EOF",
    b"%%EOF",
    b"99999999999999999999999999999999",
    b"-2147483649",
    b"1e400",
    b"/Length 999999999999",
    b"/Length -1",
    b"[" * 3000,
    b"<<" * 2000,
    b"/Count 2147483647",
    b"/Kids [1 0 R 1 0 R]",
    b"/Parent 3 0 R",
    b"1 0 R",
    b"/Encrypt 1 0 R",
    b"/Type /ObjStm /N 99999 /First 0",
    b"BT /F1 1e38 Tf 1e38 0 Td (x) Tj ET",
    b"q " * 4000,
    b"/Rotate 45",
    b"/MediaBox [0 0 1e30 -1e30]",
    b"\x00" * 64,
    b"(" + b"\\" * 200,
]


@lru_cache(maxsize=1)
def seed_pdfs() -> tuple[bytes, ...]:
    """Seeds: reportlab renders (compressed and not, one and two columns, a link) and committed samples (reportlab, fpdf2)."""
    folder = Path(tempfile.mkdtemp(prefix="pdf-seeds-"))
    single = single_column_pdf(
        folder / "single.pdf",
        [("Experience", ["Engineer, Foo Inc", "• Shipped a RAG assistant on pgvector to 40k users."]), ("Skills", ["PyTorch, LangChain"])],
        dates={"Engineer, Foo Inc": "2021 – Present"},
    )
    columns = two_column_pdf(folder / "columns.pdf", ["EXPERIENCE", "Deployed PyTorch models"], ["SKILLS", "MLflow, Airflow"])
    plain = canvas.Canvas(str(folder / "plain.pdf"), invariant=1, pageCompression=0)
    plain.setFont("Helvetica", 10)
    plain.drawString(50, HEIGHT - 60, "EXPERIENCE")
    plain.drawString(50, HEIGHT - 80, "- Deployed an XGBoost model to production for 3k users")
    plain.linkURL("https://github.com/ada-example", (50, HEIGHT - 82, 200, HEIGHT - 70), relative=0)
    plain.showPage()
    plain.drawString(50, HEIGHT - 60, "Page two")
    plain.showPage()
    plain.save()
    samples = [REPO / "samples" / "resumes" / name for name in ("nadia-okafor.pdf", "rafael-quintero.pdf", "brandon-keller.pdf")]
    return tuple(p.read_bytes() for p in [single, columns, folder / "plain.pdf", *samples] if p.is_file())


@st.composite
def mutations(draw) -> list[tuple]:
    """Up to five edits, each at a position given as a share of the file's length."""
    at = st.floats(0.0, 1.0)
    edit = st.one_of(
        st.tuples(st.just("flip"), at, st.integers(0, 7)),
        st.tuples(st.just("truncate"), at),
        st.tuples(st.just("insert"), at, st.binary(min_size=1, max_size=64)),
        st.tuples(st.just("delete"), at, st.integers(1, 400)),
        st.tuples(st.just("splice"), at, st.sampled_from(PDF_SPLICES)),
        st.tuples(st.just("replace"), at, st.sampled_from(PDF_SPLICES)),
        st.tuples(st.just("duplicate"), at, at, st.integers(1, 600)),
    )
    return draw(st.lists(edit, min_size=1, max_size=5))


def mutate(data: bytes, edits: list[tuple]) -> bytes:
    out = bytearray(data)
    for edit in edits:
        kind, share = edit[0], edit[1]
        pos = min(len(out), int(share * len(out)))
        if kind == "flip" and out:
            out[min(pos, len(out) - 1)] ^= 1 << edit[2]
        elif kind == "truncate":
            del out[pos:]
        elif kind == "insert":
            out[pos:pos] = edit[2]
        elif kind == "delete":
            del out[pos : pos + edit[2]]
        elif kind == "splice":
            out[pos:pos] = b" " + edit[2] + b" "
        elif kind == "replace":
            out[pos : pos + len(edit[2])] = edit[2]
        elif kind == "duplicate":
            start = min(len(out), int(edit[2] * len(out)))
            out[pos:pos] = out[start : start + edit[3]]
    return bytes(out)


#: How each mutant is read: by both engines directly, and through the one entry point (pdfium, then its fallback).
READERS = ("pdfium", "pdfplumber", "read_document")
#: Seconds a reader gets for one mutant; the worker itself gets this much more per reader before it is killed.
MUTANT_TIME_LIMIT = 3.0
WORKER_GRACE = 20.0


def _read_mutant(path: str) -> list[tuple[str, str, str]]:
    """(reader, outcome, detail) per reader: ``ok``, a status value, or ``raised`` with the traceback.

    A document that is read goes on through extraction and scoring, as in a batch: damage that
    reading forgives must not fail a later stage.
    """
    import traceback

    limits = Limits(time_limit=MUTANT_TIME_LIMIT)
    outcomes = []
    for reader in READERS:
        try:
            if reader == "read_document":
                doc = read_document(Path(path), vocabulary(), limits=limits)
            else:
                doc = read_pdf(Path(path), vocabulary(), engine=reader, limits=limits)
            assert isinstance(doc, Document)
            check_scores(score_candidate(extractor().document(doc), taxonomy(), as_of=AS_OF))
            outcomes.append((reader, "ok", ""))
        except DocumentError as exc:
            outcomes.append((reader, exc.status.value, exc.message))
        except BaseException:  # noqa: BLE001 - the property reports whatever escaped
            outcomes.append((reader, "raised", traceback.format_exc()))
    return outcomes


def _serve(connection) -> None:  # type: ignore[no-untyped-def]
    """The worker's loop: read each mutant path sent, send back the outcomes."""
    while True:
        path = connection.recv()
        if path is None:
            return
        connection.send(_read_mutant(path))


class MutantReader:
    """A forked worker that reads mutants; a crash or hang kills only the worker, which is then replaced."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("fork")
        self._process = None
        self._connection = None

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()
        self._connection = parent

    def stop(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._connection.send(None)
                self._process.join(5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._process = self._connection = None

    def read(self, path: Path) -> tuple[str, list]:
        """("done", outcomes), ("crashed", exit code) or ("hung", seconds)."""
        if self._process is None or not self._process.is_alive():
            self._start()
        self._connection.send(str(path))
        budget = len(READERS) * (MUTANT_TIME_LIMIT + WORKER_GRACE)
        started = time.monotonic()
        if self._connection.poll(budget):
            try:
                return "done", self._connection.recv()
            except EOFError:  # the worker died: its end of the pipe closed
                self._process.join(5)
                code = self._process.exitcode
                self._process = None
                return "crashed", [code]
        self._process.kill()
        self._process.join()
        self._process = None
        return "hung", [time.monotonic() - started]


@pytest.fixture(scope="module")
def mutant_reader():
    # Build everything the worker needs before it forks, so each fork starts warm.
    vocabulary()
    extractor()
    seed_pdfs()
    reader = MutantReader()
    yield reader
    reader.stop()


@pytest.fixture(scope="module")
def mutant_dir() -> Iterator[Path]:
    """Where failing mutants are kept for the report: outside the repository, left in place after the run."""
    folder = Path(tempfile.gettempdir()) / "screener-pdf-mutants"
    folder.mkdir(exist_ok=True)
    yield folder
    for scratch_file in (folder / f"mutant-{os.getpid()}.pdf", folder / f"seed-{os.getpid()}.pdf"):
        scratch_file.unlink(missing_ok=True)  # the failing-*.pdf files stay for the report


@settings(max_examples=examples(200), suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 5), edits=mutations())
def test_when_a_pdf_is_damaged_then_it_is_read_or_refused_with_a_status(mutant_reader, mutant_dir, seed, edits):
    """A batch of real-world PDFs will hold broken ones: each must become a Document or a CSV status row
    (DESIGN §3), by either engine, within its time limit — never an exception, a crash or a hang."""
    seeds = seed_pdfs()
    mutant = mutate(seeds[seed % len(seeds)], edits)
    path = mutant_dir / f"mutant-{os.getpid()}.pdf"
    path.write_bytes(mutant)
    verdict, detail = mutant_reader.read(path)
    if verdict != "done" or any(outcome not in {"ok", *CSV_STATUSES} for _, outcome, _ in detail):
        kept = mutant_dir / f"failing-{verdict}-{hashlib.sha256(mutant).hexdigest()[:16]}.pdf"
        kept.write_bytes(mutant)
        note(f"mutant kept at {kept}")
    assert verdict == "done", f"the reader {verdict} ({detail}) on a mutant of seed {seed}: {edits!r}"
    for reader, outcome, message in detail:
        assert outcome in {"ok", *CSV_STATUSES}, f"{reader}: {message}"
        assert outcome == "ok" or (message and "\n" not in message), f"{reader}: {outcome}: {message!r}"


def test_when_the_mutant_reader_is_given_a_sound_pdf_then_every_reader_reads_it(mutant_reader, mutant_dir):
    """The harness itself: an undamaged seed is read by every reader, so "ok" outcomes above mean something."""
    path = mutant_dir / f"seed-{os.getpid()}.pdf"
    path.write_bytes(seed_pdfs()[0])
    verdict, detail = mutant_reader.read(path)
    assert verdict == "done"
    assert [outcome for _, outcome, _ in detail] == ["ok"] * len(READERS)


def test_when_a_link_annotation_is_not_a_valid_url_then_the_pdf_is_still_read(tmp_path):
    """Found by the mutation property: a link annotation "https://[…" (urlsplit: "Invalid IPv6 URL") made
    both engines raise ValueError while classifying links, so a readable resume became an error row."""
    path = tmp_path / "link.pdf"
    pdf = canvas.Canvas(str(path), invariant=1)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(50, HEIGHT - 60, "EXPERIENCE")
    pdf.drawString(50, HEIGHT - 80, "- Deployed an XGBoost model to production for 3k users")
    pdf.linkURL("https://[ada.example.dev/work", (50, HEIGHT - 82, 200, HEIGHT - 70), relative=0)
    pdf.linkURL("https://example.com\uff03work", (50, HEIGHT - 62, 200, HEIGHT - 50), relative=0)
    pdf.save()
    for engine in ("pdfium", "pdfplumber"):
        doc = read_pdf(path, vocabulary(), engine=engine)
        assert any("[ada.example.dev" in link.url for link in doc.links)
