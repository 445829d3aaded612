"""A job analysis as an editable profile file, and that file read back and checked against the taxonomy.

The profile is what a hiring team owns: ``screener role JOB --write-profile
job.yaml`` drafts it from the posting, they move a skill from nice-to-have to
must-have or change a pillar's weight, and ``screener screen --profile
job.yaml`` ranks for it. So it is checked as strictly as the bundled
profiles: weights add up to 1, and every pillar and skill it names exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from screener.errors import ConfigError, validation_problems
from screener.jobs.model import ALTERNATIVE, JobAnalysis, JobProfile
from screener.taxonomy import Taxonomy

HEADER = """\
# A job profile drafted by `screener role` from {source}.
# Edit freely: move skills between must_have and nice_to_have (taxonomy skill ids: `screener taxonomy show`;
# "a|b" is one requirement that either skill meets),
# change pillar weights (they must add up to 1), then rank for it: screener screen RESUMES --out DIR --profile THIS_FILE
"""


def _profile_id(title: str | None, source: str) -> str:
    words = re.findall(r"[a-z0-9]+", (title or Path(source).stem).casefold())
    return "job_" + "_".join(words)[:60] if words else "job"


def job_profile(analysis: JobAnalysis) -> JobProfile:
    """The analysis as a profile: the role it needs, its pillar weights, its must-have and nice-to-have skills."""
    return JobProfile(
        id=_profile_id(analysis.title, analysis.source),
        label=analysis.title or Path(analysis.source).stem,
        role=analysis.role,
        description=analysis.reasons[0] if analysis.reasons else "",
        source=analysis.source,
        pillars=dict(analysis.pillars),
        must_have=[s.id for s in analysis.skills if s.need == "must"],
        nice_to_have=[s.id for s in analysis.skills if s.need == "nice"],
    )


#: The order a job profile's keys are written in: what it is first, then what it weighs and asks for.
KEY_ORDER = ("kind", "id", "label", "role", "description", "source", "pillars", "must_have", "nice_to_have")


def profile_yaml(profile: JobProfile) -> str:
    data = profile.model_dump(mode="json")
    body = yaml.safe_dump({key: data[key] for key in KEY_ORDER}, sort_keys=False, allow_unicode=True, width=120)
    return HEADER.format(source=profile.source or "a job description") + body


def check_profile(profile: JobProfile, taxonomy: Taxonomy, where: str) -> JobProfile:
    """Every pillar and skill the profile names is the taxonomy's."""
    unknown_pillars = [p for p in profile.pillars if p not in taxonomy.pillars]
    if unknown_pillars:
        raise ConfigError(f"{where}: job profile {profile.id!r}: unknown pillar(s) {', '.join(unknown_pillars)}")
    unknown_skills = [s for requirement in profile.must_have + profile.nice_to_have for s in requirement.split(ALTERNATIVE) if s not in taxonomy.skills]
    if unknown_skills:
        raise ConfigError(f"{where}: job profile {profile.id!r}: unknown skill(s) {', '.join(unknown_skills)} (see `screener taxonomy show`)")
    return profile


def parse_job_profile(data: object, taxonomy: Taxonomy, where: str) -> JobProfile:
    try:
        profile = JobProfile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{where}: {validation_problems(exc)}") from None
    return check_profile(profile, taxonomy, where)


def is_job_profile(data: object) -> bool:
    """A profile file that describes a job (``kind: job``) rather than replacing a role's profile."""
    return isinstance(data, dict) and data.get("kind") == "job"
