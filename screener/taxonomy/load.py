"""Reading, merging and checking the taxonomy.

The bundled files are found with :mod:`importlib.resources`. A user's
``--taxonomy extra.yaml`` adds skills, replaces bundled ones with the same id,
or drops them (``remove:``). Every problem is collected and reported together,
each naming its file and skill id, so one run of ``screener taxonomy
validate`` shows everything to fix.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from screener.errors import ConfigError
from screener.spacy_import import import_spacy
from screener.taxonomy.model import Pillar, PillarFile, RoleProfile, Signals, Skill, SkillFile

#: libyaml's C parser where PyYAML was built with it: ten times faster on the taxonomy's 3,700 aliases.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PACKAGE = "skill_taxonomy"


@dataclass(frozen=True)
class Problem:
    file: str
    skill: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: skill {self.skill!r}" if self.skill else self.file
        return f"{where}: {self.message}"


class TaxonomyError(ConfigError):
    """The taxonomy has problems; ``problems`` lists each with its file and skill id."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def normalise_alias(alias: str) -> str:
    """The form two aliases are compared in: case, hyphens and spacing ignored."""
    return " ".join(re.sub(r"[-_/]", " ", alias.casefold()).split())


@dataclass
class Taxonomy:
    version: str
    skills: dict[str, Skill]
    pillars: dict[str, Pillar]
    signals: Signals
    roles: dict[str, RoleProfile]
    origins: dict[str, str] = field(default_factory=dict)  # skill id -> file it came from
    sha256: str = ""
    files: tuple[str, ...] = ()

    @cached_property
    def alias_owner(self) -> dict[str, str]:
        """Normalised alias -> skill id."""
        return {normalise_alias(alias): skill.id for skill in self.skills.values() for alias in skill.aliases}

    def role_of(self, skill_id: str) -> str:
        return self.skills[skill_id].role


@dataclass
class _Source:
    name: str
    text: str


def _bundled_sources() -> tuple[_Source, _Source, _Source, list[_Source], list[_Source]]:
    root = resources.files(PACKAGE)

    def read(*parts: str) -> _Source:
        node = root
        for part in parts:
            node = node.joinpath(part)
        return _Source("skill_taxonomy/" + "/".join(parts), node.read_text(encoding="utf-8"))

    def folder(name: str) -> list[_Source]:
        entries = sorted((e for e in root.joinpath(name).iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)
        return [_Source(f"skill_taxonomy/{name}/{e.name}", e.read_text(encoding="utf-8")) for e in entries]

    return read("manifest.yaml"), read("pillars.yaml"), read("signals.yaml"), folder("skills"), folder("roles")


def _parse_yaml(source: _Source, problems: list[Problem]) -> Any:
    try:
        return yaml.load(source.text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        problems.append(Problem(source.name, None, f"not valid YAML ({' '.join(str(exc).split())})"))
        return None


def _validation_problems(source: _Source, data: Any, exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = list(error["loc"])
        skill = None
        if len(loc) >= 2 and loc[0] == "skills" and isinstance(loc[1], int):
            try:
                skill = str(data["skills"][loc[1]].get("id") or f"#{loc[1] + 1}")
            except (KeyError, IndexError, TypeError, AttributeError):
                skill = f"#{loc[1] + 1}"
            loc = loc[2:]
        where = ".".join(str(p) for p in loc)
        problems.append(Problem(source.name, skill, f"{where}: {error['msg']}" if where else error["msg"]))
    return problems


def _model(source: _Source, model: type[BaseModel], problems: list[Problem]) -> Any:
    data = _parse_yaml(source, problems)
    if data is None and not problems:
        data = {}
    if not isinstance(data, dict):
        if data is not None:
            problems.append(Problem(source.name, None, "expected a mapping at the top level"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_validation_problems(source, data, exc))
        return None


def _check_patterns(skills: dict[str, Skill], origins: dict[str, str], problems: list[Problem]) -> None:
    """Compile every token pattern with spaCy's validator; report the ones it rejects."""
    with_patterns = [s for s in skills.values() if s.patterns]
    if not with_patterns:
        return
    import_spacy()
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    vocab = Vocab()  # the pattern schema needs no language data
    for skill in with_patterns:
        for index, pattern in enumerate(skill.patterns):
            if not pattern:
                problems.append(Problem(origins[skill.id], skill.id, f"patterns[{index}] is empty"))
                continue
            try:
                Matcher(vocab, validate=True).add(skill.id, [pattern])
            except (ValueError, TypeError, KeyError) as exc:
                details = [line.strip("- ").strip() for line in str(exc).splitlines() if line.strip().startswith("- ")]
                reason = "; ".join(details) or " ".join(str(exc).split()) or type(exc).__name__
                problems.append(Problem(origins[skill.id], skill.id, f"patterns[{index}] is not a valid spaCy pattern: {reason}"))


def _check_references(
    skills: dict[str, Skill], pillars: dict[str, Pillar], roles: dict[str, tuple[str, RoleProfile]], origins: dict[str, str], problems: list[Problem]
) -> None:
    owners: dict[str, str] = {}
    for skill in skills.values():
        for pillar in skill.pillars:
            if pillar not in pillars:
                problems.append(Problem(origins[skill.id], skill.id, f"unknown pillar {pillar!r} (known: {', '.join(sorted(pillars))})"))
        for alias in skill.aliases:
            key = normalise_alias(alias)
            if key in owners and owners[key] != skill.id:
                problems.append(Problem(origins[skill.id], skill.id, f"alias {alias!r} is already claimed by skill {owners[key]!r}"))
            owners.setdefault(key, skill.id)
        if skill.ambiguous:
            known = {normalise_alias(a) for a in skill.aliases}
            for alias in skill.ambiguous.aliases:
                if normalise_alias(alias) not in known:
                    problems.append(Problem(origins[skill.id], skill.id, f"ambiguous alias {alias!r} is not one of its aliases"))
    for name, profile in roles.values():
        for pillar in profile.pillars:
            if pillar not in pillars:
                problems.append(Problem(name, None, f"profile {profile.id!r}: unknown pillar {pillar!r}"))
        for skill_id in profile.must_have + profile.nice_to_have:
            if skill_id not in skills:
                problems.append(Problem(name, None, f"profile {profile.id!r}: unknown skill {skill_id!r}"))


def _merge_skill_files(sources: list[_Source], extra: list[_Source], problems: list[Problem]) -> tuple[dict[str, Skill], dict[str, str]]:
    skills: dict[str, Skill] = {}
    origins: dict[str, str] = {}
    for source, is_extra in [(s, False) for s in sources] + [(s, True) for s in extra]:
        parsed: SkillFile | None = _model(source, SkillFile, problems)
        if parsed is None:
            continue
        if parsed.remove and not is_extra:
            problems.append(Problem(source.name, None, "remove: is for override files only"))
        for skill_id in parsed.remove:
            if skills.pop(skill_id, None) is None:
                problems.append(Problem(source.name, skill_id, "remove: no such skill"))
        seen_here: set[str] = set()
        for skill in parsed.skills:
            if skill.id in seen_here or (skill.id in skills and not is_extra):
                problems.append(Problem(source.name, skill.id, f"duplicate id (also in {origins.get(skill.id, source.name)})"))
                continue
            seen_here.add(skill.id)
            skills.pop(skill.id, None)  # an override moves to the end, so collisions blame it
            skills[skill.id] = skill
            origins[skill.id] = source.name
    return skills, origins


def sources_digest(extra: list[Path] | tuple[Path, ...] = ()) -> str:
    """The digest :attr:`Taxonomy.sha256` will have, from the files alone: no parsing, no validation."""
    manifest, pillar_source, signal_source, skill_sources, role_sources = _bundled_sources()
    digest = hashlib.sha256()
    for source in [manifest, pillar_source, signal_source, *skill_sources, *role_sources]:
        digest.update(source.name.encode() + b"\0" + source.text.encode() + b"\0")
    for path in extra:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError:
            text = ""  # load_taxonomy reports it
        digest.update(str(path).encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()


def load_taxonomy(extra: list[Path] | tuple[Path, ...] = ()) -> Taxonomy:
    """The bundled taxonomy, extended or overridden by ``extra`` files; raises TaxonomyError."""
    problems: list[Problem] = []
    manifest, pillar_source, signal_source, skill_sources, role_sources = _bundled_sources()
    extra_sources = []
    for path in extra:
        try:
            extra_sources.append(_Source(str(path), Path(path).read_text(encoding="utf-8")))
        except OSError as exc:
            problems.append(Problem(str(path), None, f"cannot be read ({exc.strerror or type(exc).__name__})"))
    manifest_data = _parse_yaml(manifest, problems) or {}
    version = str(manifest_data.get("version", "")) if isinstance(manifest_data, dict) else ""
    if not version:
        problems.append(Problem(manifest.name, None, "version is missing"))
    pillar_file: PillarFile | None = _model(pillar_source, PillarFile, problems)
    signals: Signals | None = _model(signal_source, Signals, problems)
    pillars = {p.id: p for p in pillar_file.pillars} if pillar_file else {}
    roles: dict[str, tuple[str, RoleProfile]] = {}
    for source in role_sources:
        profile: RoleProfile | None = _model(source, RoleProfile, problems)
        if profile is not None:
            roles[profile.id] = (source.name, profile)
    skills, origins = _merge_skill_files(skill_sources, extra_sources, problems)
    _check_references(skills, pillars, roles, origins, problems)
    _check_patterns(skills, origins, problems)
    if problems or signals is None:
        raise TaxonomyError(problems or [Problem(signal_source.name, None, "signals are missing")])
    every = [manifest, pillar_source, signal_source, *skill_sources, *role_sources, *extra_sources]
    digest = hashlib.sha256()
    for source in every:
        digest.update(source.name.encode() + b"\0" + source.text.encode() + b"\0")
    return Taxonomy(
        version=version,
        skills=skills,
        pillars=pillars,
        signals=signals,
        roles={rid: profile for rid, (_, profile) in roles.items()},
        origins=origins,
        sha256=digest.hexdigest(),
        files=tuple(s.name for s in every),
    )
