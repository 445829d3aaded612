"""The fit report as Markdown, for a terminal or a tracker (``candidates/<id>.md``).

Resume text is hostile input. Every value the template prints passes through
:func:`md_escape` (the environment's ``finalize``), the Markdown counterpart of
HTML autoescaping: whitespace runs and newlines become one space, pipes and
the characters that start emphasis, links, code, HTML or headings are
backslash-escaped, so a quote can neither break a table nor inject markup.
Literal Markdown lives in the template; only ``Raw`` values skip escaping.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2

from screener.reports import build_view
from screener.results import CandidateResult

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_BLOCK_START = re.compile(r"^(#{1,6}(?=\s|$)|[-+](?=\s)|\d+(?=[.)]\s)|=)")


class Raw(str):
    """Text the Markdown template prints as it is (already Markdown)."""


def md_escape(value: Any) -> str:
    """``value`` as inline Markdown text that renders as itself, on one line."""
    if value is None:
        return ""
    if isinstance(value, Raw):
        return str(value)
    text = " ".join(str(value).split())
    text = _SPECIAL.sub(r"\\\1", text)
    return _BLOCK_START.sub(r"\\\1", text)


def _num(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("screener.reports", "templates"),
        autoescape=False,  # noqa: S701 - Markdown, escaped by finalize=md_escape
        finalize=md_escape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    return env


def render_markdown(result: CandidateResult, view=None) -> str:  # type: ignore[no-untyped-def]
    """The candidate's fit report as Markdown (a short one when the candidate failed); ``view`` is its :func:`build_view`, when at hand."""
    text = _environment().get_template("report.md.j2").render(r=view or build_view(result))
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
