"""Views of the taxonomy for ``screener taxonomy show`` and ``validate``."""

from __future__ import annotations

from collections import Counter

from screener.taxonomy.load import Taxonomy
from screener.taxonomy.model import Skill


def select(taxonomy: Taxonomy, role: str | None = None, pillar: str | None = None) -> list[Skill]:
    skills = sorted(taxonomy.skills.values(), key=lambda s: (s.role, s.pillars[0], s.id))
    return [s for s in skills if (role is None or s.role == role) and (pillar is None or pillar in s.pillars)]


def as_json(skills: list[Skill]) -> list[dict]:
    return [
        {
            "id": s.id,
            "label": s.label,
            "role": s.role,
            "pillars": list(s.pillars),
            "kind": s.kind,
            "aliases": list(s.aliases),
            "ambiguous": s.ambiguous is not None,
        }
        for s in skills
    ]


def as_table(skills: list[Skill]) -> str:
    header = ("id", "role", "pillars", "kind", "aliases")
    rows = [(s.id, s.role, ",".join(s.pillars), s.kind, "; ".join(s.aliases)) for s in skills]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header[:4], widths, strict=True)) + "  " + header[4]]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4] for r in rows]
    return "\n".join(lines)


def summary(taxonomy: Taxonomy) -> str:
    roles = Counter(s.role for s in taxonomy.skills.values())
    aliases = sum(len(s.aliases) for s in taxonomy.skills.values())
    return (
        f"taxonomy ok: version {taxonomy.version}, {len(taxonomy.skills)} skills "
        f"(ai {roles['ai']}, ml {roles['ml']}, shared {roles['shared']}), {aliases} aliases, "
        f"{len(taxonomy.pillars)} pillars, {len(taxonomy.roles)} role profiles, sha256 {taxonomy.sha256[:12]}"
    )
