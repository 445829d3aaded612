"""A job analysis for people (text) and for tools (JSON, DESIGN §6: role, title_role, mislabelled, reasons, skills)."""

from __future__ import annotations

from screener.jobs.model import JobAnalysis

ROLE_NAMES = {"ai_engineer": "AI engineer", "ml_engineer": "ML engineer", "both": "both (AI and ML engineering)", None: "neither role"}


def analysis_json(analysis: JobAnalysis) -> dict:
    return analysis.model_dump(mode="json")


def analysis_text(analysis: JobAnalysis) -> str:
    lines = [f"Job: {analysis.title or '(no title)'}  ({analysis.source})"]
    verdict = f"The work needs: {ROLE_NAMES[analysis.role]}"
    title = f"the title asks for: {ROLE_NAMES[analysis.title_role]}"
    lines.append(f"{verdict}   ({title}{' — MISLABELLED: the ad asks for the wrong role' if analysis.mislabelled else ''})")
    lines.append(f"Points: AI engineering {analysis.ai_points:.1f}, ML engineering {analysis.ml_points:.1f} (AI share {analysis.ai_share:.0%})")
    lines += ["", "Why:"] + [f"  - {reason}" for reason in analysis.reasons]
    lines += ["", "Decision questions:"]
    for answer in analysis.questions:
        phrases = ", ".join(f'"{p}"' for p in (answer.ai_phrases[:3] + answer.ml_phrases[:3]))
        lines.append(f"  {answer.question}")
        lines.append(f"    {answer.summary} (AI {answer.ai_points:.1f}, ML {answer.ml_points:.1f}){': ' + phrases if phrases else ''}")
    lines += ["", "Skills the job asks for:"]
    for skill in analysis.skills:
        lines.append(f"  {'must-have' if skill.need == 'must' else 'nice-to-have':12s} {skill.role:6s} {skill.label}")
    if analysis.pillars:
        lines += ["", "Pillars: " + ", ".join(f"{pillar} {weight:.0%}" for pillar, weight in analysis.pillars.items())]
    return "\n".join(lines)
