"""`make eval` (screener.evaluate): the set loads, the metrics are right, and a small run works end to end."""

from __future__ import annotations

import datetime

import pytest

from screener import evaluate as ev

SUBSET = {"nadia-okafor", "mei-lin-zhou", "tyler-brookshire", "jasmine-okoro"}


def test_roc_auc_is_mann_whitney_with_half_ties():
    assert ev.roc_auc([3.0, 2.0], [1.0, 0.0]) == 1.0
    assert ev.roc_auc([0.0], [1.0]) == 0.0
    assert ev.roc_auc([1.0, 3.0], [1.0, 2.0]) == pytest.approx((0.5 + 0 + 1 + 1) / 4)
    assert ev.roc_auc([], [1.0]) != ev.roc_auc([], [1.0])  # nan: undefined without both classes


def test_apply_change_touches_only_what_it_names():
    source = {
        "name": "Ada Stone",
        "headline": "AI Engineer (she/her)",
        "expected_role": "ai_engineer",
        "contact": {"email": "ada@example.com", "location": "Leeds, UK"},
        "render": {"layout": "text"},
        "sections": [{"kind": "education", "heading": "Education", "entries": [{"title": "BSc", "organisation": "Moorside College"}]}],
        "portfolio": {"title": "Ada Stone - Portfolio", "projects": []},
    }
    out = ev.apply_change(source, {"name": "Bea Hart", "headline": "AI Engineer (he/him)", "replace": {"Moorside College": "Royal Kingsbridge University"}})
    assert out["name"] == "Bea Hart"
    assert out["portfolio"]["title"] == "Bea Hart - Portfolio"
    assert out["headline"] == "AI Engineer (he/him)"
    assert out["sections"][0]["entries"][0]["organisation"] == "Royal Kingsbridge University"
    assert out["contact"] == source["contact"] and out["render"] == source["render"]
    assert source["name"] == "Ada Stone"  # the base is not modified
    with pytest.raises(ValueError, match="not found"):
        ev.apply_change(source, {"replace": {"Nowhere University": "X"}})
    with pytest.raises(ValueError, match="unknown change"):
        ev.apply_change(source, {"gender": "f"})


def test_full_set_is_labelled_and_varied():
    evalset = ev.build_set()
    base = evalset.base_cases
    assert len(base) >= 37
    assert all(c.expected_role for c in base)
    assert {c.expected_role for c in base} == {"ai_engineer", "ml_engineer", "hybrid", "insufficient_evidence"}
    eval_cases = [c for c in base if (ev.EVAL_SOURCES / f"{c.slug}.yaml").exists()]
    assert len(eval_cases) >= 24
    pdf = {(c.layout, c.producer) for c in eval_cases if c.layout in ev.PDF_LAYOUTS}
    assert pdf == {(layout, producer) for layout in ev.PDF_LAYOUTS for producer in ("reportlab", "fpdf2")}
    assert {"docx", "markdown", "text"} <= {c.layout for c in eval_cases}
    assert any(c.source.get("portfolio") for c in eval_cases)
    assert len(evalset.counterfactual) >= 6
    assert all(len(members) >= 3 for members in evalset.layout.values())
    assert set(evalset.decoys.values()) == {"keyword_stuffer", "learner"}


def test_small_run_end_to_end(tmp_path):
    evalset = ev.build_set(only=SUBSET)
    assert {c.kind for c in evalset.cases} == {"base", "counterfactual", "layout"}
    report, outcomes = ev.run_evaluation(evalset, tmp_path / "rendered", datetime.date(2026, 11, 22))
    assert set(outcomes) == {c.slug for c in evalset.cases}
    assert not [o for o in outcomes.values() if o.recommended.startswith("error")]
    assert report.total == len(SUBSET)
    assert 0.0 <= report.accuracy <= 1.0 and 0.0 <= report.ai_auc <= 1.0 and 0.0 <= report.ml_auc <= 1.0

    # Name, pronoun, school and city twins score exactly alike: the scorer never reads them.
    assert evalset.counterfactual, "the subset should carry counterfactual groups"
    for group in report.counterfactual:
        fits = {(outcomes[m].ai_fit, outcomes[m].ml_fit, outcomes[m].recommended) for m in group.members}
        assert len(fits) == 1, (group.group, fits)
    assert report.max_counterfactual_diff == 0.0

    text = ev.format_report(evalset, report, outcomes)
    last = text.splitlines()[-1]
    for key in ("role_accuracy=", "ai_auc=", "ml_auc=", "stuffer_inversions=", "max_counterfactual_diff=", "max_layout_diff="):
        assert key in last
    assert last == report.summary()


def test_cli_rejects_unknown_sources(capsys):
    assert ev.main(["--only", "no-such-person"]) == 2
    assert "no such source" in capsys.readouterr().err
