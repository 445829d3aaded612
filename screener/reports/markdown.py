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

from screener.reports import build_view, template_environment
from screener.results import CandidateResult

#: Characters that start emphasis, links, code, HTML or strikethrough, or break a table: each is backslash-escaped.
_SPECIAL_CHARS = "\\`*_[]<>|~"
#: The template escapes thousands of values per report and few hold a special character: a search finds
#: those, and a translation table (not a substitution, which expands its template per match) escapes them.
_SPECIAL = re.compile(f"[{re.escape(_SPECIAL_CHARS)}]")
_ESCAPED = str.maketrans({char: "\\" + char for char in _SPECIAL_CHARS})
#: What would start a heading, a list item or a setext underline at the start of a line (matched at the start only).
_BLOCK_START = re.compile(r"#{1,6}(?=\s|$)|[-+](?=\s)|\d+(?=[.)]\s)|=")
#: Three or more newlines (what the template's optional blocks leave), made one blank line. Spelled
#: with a literal prefix rather than ``\n{3,}`` so the engine skips to each "\n\n" instead of trying every position.
_BLANK_LINES = re.compile(r"\n\n\n+")


class Raw(str):
    """Text the Markdown template prints as it is (already Markdown)."""


def md_escape(value: Any) -> str:
    """``value`` as inline Markdown text that renders as itself, on one line."""
    if value is None:
        return ""
    if isinstance(value, Raw):
        return str(value)
    text = " ".join(str(value).split())
    if _SPECIAL.search(text):
        text = text.translate(_ESCAPED)
    return "\\" + text if _BLOCK_START.match(text) else text


@cache
def template() -> jinja2.Template:
    """``report.md.j2``, compiled on first use and kept for the process."""
    env = template_environment(autoescape=False, finalize=md_escape)  # noqa: S701 - Markdown, escaped by finalize=md_escape
    return env.get_template("report.md.j2")


def render_markdown(result: CandidateResult, view=None) -> str:  # type: ignore[no-untyped-def]
    """The candidate's fit report as Markdown (a short one when the candidate failed); ``view`` is its :func:`build_view`, when at hand."""
    text = template().render(r=view or build_view(result))
    return _BLANK_LINES.sub("\n\n", text).rstrip("\n") + "\n"
