"""The fit report as one self-contained HTML page (``candidates/<id>.html``).

Inline CSS, no scripts, no external resources: the page works offline and
from a file. Jinja2 autoescaping is on, so every string from a resume is
escaped; the only markup built in Python is :func:`linkify`, which escapes
the text around the http(s) URLs it links and never links any other scheme.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from screener.reports import build_view, template_environment
from screener.results import CandidateResult

#: Colours of the strengths, recommendations and confidences (one place for the palette).
STRENGTH_COLOURS = {"shipped": "#1a7f37", "built": "#0969da", "listed": "#8c959f", "learning": "#bf8700"}
RECOMMENDATION_COLOURS = {"ai_engineer": "#6f42c1", "ml_engineer": "#0969da", "hybrid": "#1a7f37", "insufficient_evidence": "#8c959f"}
CONFIDENCE_COLOURS = {"high": "#1a7f37", "medium": "#bf8700", "low": "#cf222e"}

_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)


def safe_href(url: str) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else None: nothing else becomes a link."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def linkify(text: str) -> Markup:
    """``text`` escaped, with each http(s) URL in it made a link that opens nothing else."""
    out: list[str] = []
    pos = 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?)]")
        href = safe_href(url)
        if href is None:
            continue
        out.append(escape(text[pos : match.start()]))
        out.append(Markup('<a href="{0}" rel="nofollow noopener noreferrer">{1}</a>').format(href, url))
        pos = match.start() + len(url)
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _width(value: float, total: float = 100.0) -> str:
    """A CSS width for a bar: the share of ``total``, clamped to 0–100%."""
    share = 0.0 if total <= 0 else max(0.0, min(1.0, value / total))
    return f"{100 * share:.1f}%"


@cache
def template() -> jinja2.Template:
    """``report.html.j2``, compiled on first use and kept for the process."""
    env = template_environment(autoescape=True)
    env.filters.update(width=_width, linkify=linkify)
    env.globals.update(
        strength_colours=STRENGTH_COLOURS,
        recommendation_colours=RECOMMENDATION_COLOURS,
        confidence_colours=CONFIDENCE_COLOURS,
    )
    return env.get_template("report.html.j2")


def render_html(result: CandidateResult, view=None) -> str:  # type: ignore[no-untyped-def]
    """The candidate's fit report as a self-contained HTML page; ``view`` is its :func:`build_view`, when at hand."""
    return template().render(r=view or build_view(result))
