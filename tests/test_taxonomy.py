"""The taxonomy as validated data: broken files are rejected with file, id and problem."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.taxonomy import TaxonomyError, load_taxonomy

GOOD_SKILL = """
  - id: {id}
    label: {label}
    role: ai
    pillars: [retrieval]
    kind: tool
    aliases: [{aliases}]
"""


def write(tmp_path, body: str, name: str = "extra.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_when_the_bundled_taxonomy_is_validated_then_it_is_ok():
    result = run("taxonomy", "validate")
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith("taxonomy ok: version ")


BROKEN = {
    "unknown-pillar": (
        "skills:\n  - {id: zz_tool, label: Z, role: ai, pillars: [telepathy], kind: tool, aliases: [Zzyzx]}\n",
        "zz_tool",
        "unknown pillar 'telepathy'",
    ),
    "duplicate-id": (
        "skills:\n  - {id: zz_tool, label: Z, role: ai, pillars: [retrieval], kind: tool, aliases: [Zzyzx]}\n"
        "  - {id: zz_tool, label: Z2, role: ai, pillars: [retrieval], kind: tool, aliases: [Zzyzx2]}\n",
        "zz_tool",
        "duplicate id",
    ),
    "alias-claimed-twice": (
        "skills:\n  - {id: zz_tool, label: Z, role: ai, pillars: [retrieval], kind: tool, aliases: [Zzyzx]}\n"
        "  - {id: zz_other, label: Z2, role: ai, pillars: [retrieval], kind: tool, aliases: [zzyzx]}\n",
        "zz_other",
        "alias 'zzyzx' is already claimed by skill 'zz_tool'",
    ),
    "alias-of-a-bundled-skill": (
        "skills:\n  - {id: zz_tool, label: Z, role: ai, pillars: [retrieval], kind: tool, aliases: [Kubernetes]}\n",
        "zz_tool",
        "already claimed by skill 'kubernetes'",
    ),
    "empty-pattern": (
        "skills:\n  - {id: zz_tool, label: Z, role: ai, pillars: [retrieval], kind: tool, aliases: [Zzyzx], patterns: [[]]}\n",
        "zz_tool",
        "patterns[0] is empty",
    ),
    "bad-pattern": (
        "skills:\n  - {id: zz_tool, label: Z, role: ai, pillars: [retrieval], kind: tool, aliases: [Zzyzx], patterns: [[{LOWR: zzyzx}]]}\n",
        "zz_tool",
        "patterns[0] is not a valid spaCy pattern",
    ),
    "unknown-key": (
        "skills:\n  - {id: zz_tool, label: Z, role: ai, pillars: [retrieval], kind: tool, aliases: [Zzyzx], colour: red}\n",
        "zz_tool",
        "colour: Extra inputs are not permitted",
    ),
    "bad-role": (
        "skills:\n  - {id: zz_tool, label: Z, role: data, pillars: [retrieval], kind: tool, aliases: [Zzyzx]}\n",
        "zz_tool",
        "role: Input should be 'ai', 'ml' or 'shared'",
    ),
    "no-aliases": (
        "skills:\n  - {id: zz_tool, label: Z, role: ai, pillars: [retrieval], kind: tool, aliases: []}\n",
        "zz_tool",
        "aliases: List should have at least 1 item",
    ),
    "ambiguous-alias-not-an-alias": (
        "skills:\n  - {id: zz_tool, label: Z, role: ai, pillars: [retrieval], kind: tool, aliases: [Zzyzx], ambiguous: {aliases: [Zorro], cues: [llm]}}\n",
        "zz_tool",
        "ambiguous alias 'Zorro' is not one of its aliases",
    ),
    "remove-unknown": ("remove: [no_such_skill]\n", "no_such_skill", "remove: no such skill"),
    "not-yaml": ("skills: [\n", None, "not valid YAML"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_when_a_taxonomy_file_is_broken_then_validate_names_file_skill_and_problem_with_exit_2(tmp_path, case):
    body, skill, problem = BROKEN[case]
    path = write(tmp_path, body)
    result = run("taxonomy", "validate", path)
    assert result.exit_code == 2
    expected = f"{path}: skill '{skill}': " if skill else f"{path}: "
    assert any(line.startswith(expected) and problem in line for line in result.stderr.splitlines()), result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_when_problems_are_found_then_all_are_reported_together(tmp_path):
    body = "skills:\n  - {id: a_tool, label: A, role: ai, pillars: [nope], kind: tool, aliases: [Kubernetes], patterns: [[]]}\n"
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy([write(tmp_path, body)])
    assert len(caught.value.problems) == 3


def test_when_an_override_file_replaces_a_skill_then_the_new_definition_wins(tmp_path):
    body = "skills:\n  - {id: kubernetes, label: Kubernetes (k8s), role: shared, pillars: [engineering_foundations], kind: tool, aliases: [Kubernetes, kube]}\n"
    taxonomy = load_taxonomy([write(tmp_path, body)])
    assert taxonomy.skills["kubernetes"].aliases == ["Kubernetes", "kube"]
    assert taxonomy.alias_owner["kube"] == "kubernetes"


def test_when_an_override_file_removes_a_skill_then_it_is_gone(tmp_path):
    taxonomy = load_taxonomy([write(tmp_path, "remove: [terraform]\n")])
    assert "terraform" not in taxonomy.skills


def test_when_a_new_tool_is_added_as_data_then_explain_finds_it(tmp_path):
    extra = write(tmp_path, "skills:\n" + GOOD_SKILL.format(id="quiverdb", label="QuiverDB", aliases="QuiverDB, quiver vector store"))
    resume = tmp_path / "resume.txt"
    resume.write_text("EXPERIENCE\n\n- Shipped semantic search on QuiverDB to 30k users.\n", encoding="utf-8")
    without = json.loads(run("explain", resume, "--format", "json").output)
    with_extra = json.loads(run("explain", resume, "--format", "json", "--taxonomy", extra).output)
    assert all("quiverdb" not in [s["id"] for s in item["skills"]] for item in without["evidence"])
    found = [item for item in with_extra["evidence"] if "quiverdb" in [s["id"] for s in item["skills"]]]
    assert found and found[0]["strength"] == "shipped"
    assert found[0]["skills"][0]["role"] == "ai"


def test_when_show_prints_json_then_each_skill_has_id_label_role_pillars_aliases():
    result = run("taxonomy", "show", "--format", "json", "--role", "shared")
    skills = json.loads(result.output)
    assert skills and all({"id", "label", "role", "pillars", "aliases"} <= set(s) for s in skills)
    assert {s["role"] for s in skills} == {"shared"}


def test_when_show_is_asked_for_an_unknown_pillar_then_it_is_a_usage_error():
    result = run("taxonomy", "show", "--pillar", "telepathy")
    assert result.exit_code == 2
    assert "unknown pillar 'telepathy'" in result.stderr


def test_when_role_profiles_load_then_their_pillars_exist_and_weights_add_up():
    taxonomy = load_taxonomy()
    assert set(taxonomy.roles) >= {"ai_engineer", "ml_engineer"}
    for profile in taxonomy.roles.values():
        assert set(profile.pillars) <= set(taxonomy.pillars)
        assert abs(sum(profile.pillars.values()) - 1) < 1e-9
