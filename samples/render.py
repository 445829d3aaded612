"""Render the fictional sample resumes in ``samples/sources/*.yaml`` into ``samples/resumes/``.

Usage::

    python samples/render.py              # re-render every source into samples/resumes/
    python samples/render.py SLUG ...     # re-render only some people
    python samples/render.py --out DIR    # render somewhere else

Library use (tests)::

    from render import render, load_source
    render(load_source(path), "two_column", "fpdf2", tmp_path / "x.pdf")

Everything here is fictional: people, companies, schools, e-mails (example.com /
example.org), phone numbers (555) and links.

Source schema (one YAML file per person, validated by ``Resume`` below; unknown
keys are rejected)::

    name: Priya Raman
    headline: Senior AI Engineer            # optional
    contact:                                # every field optional
      email: priya.raman@example.com
      phone: "+1 555 0142"
      location: Austin, TX
      links: ["https://github.com/priyaraman", "linkedin.com/in/priya-raman"]
    render:                                 # how this person is rendered in samples/resumes/
      layout: single_column                 # single_column | two_column | sidebar | docx | markdown | text
      producer: reportlab                   # reportlab | fpdf2 (PDF layouts); ignored otherwise
    sections:                               # in printed order
      - kind: summary                       # summary|experience|projects|skills|education|
                                            # publications|certifications|portfolio|other
        heading: Summary                    # exactly as printed
        text: "..."                         # prose sections (summary, portfolio, other)
      - kind: experience                    # experience / projects / education: entries
        heading: Professional Experience
        entries:
          - title: Senior AI Engineer
            organisation: Northwind Health  # optional
            location: Remote                # optional
            dates: "Mar 2022 – Present"     # exactly as printed; optional for projects
            start: "2022-03"                # normalised: YYYY-MM or YYYY (required with dates)
            end: present                    # YYYY-MM, YYYY or present (required with dates)
            bullets: ["Shipped ...", "..."]
      - kind: skills                        # skills: items OR groups
        heading: Technical Skills
        items: ["Python", "PyTorch"]        # printed comma-separated, so no commas inside items
        # groups: {Languages: [Python, Go], ML: [PyTorch]}
      - kind: publications                  # publications / certifications: items OR entries
        heading: Publications
        items: ["A. Author. Title. Venue, 2023."]
    portfolio:                              # optional; makes this person a "folder candidate":
      title: Jane Doe - Project Portfolio   #   resumes/<slug>/resume.<ext> + resumes/<slug>/portfolio.md
      intro: "..."                          # optional
      projects:                             # entries as above, plus optional links
        - title: Contract review assistant
          dates: "2023 – 2024"              # optional (start/end required if given)
          start: "2023"
          end: "2024"
          links: ["https://github.com/janedoe/contract-review"]
          bullets: ["..."]

The ``dates`` string is printed verbatim, so it must contain the start year (and the end
year, or Present/Current/Now). People rendered with fpdf2 core fonts (latin-1 only) keep
their source text latin-1 so that "exactly as printed" stays true.

Determinism: reportlab uses ``invariant=1``; fpdf2 gets a fixed creation date; docx gets
fixed core properties and fixed zip timestamps; markdown/text are plain UTF-8.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import textwrap
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

HERE = Path(__file__).resolve().parent
SOURCES_DIR = HERE / "sources"
RESUMES_DIR = HERE / "resumes"

LAYOUTS = ("single_column", "two_column", "sidebar", "docx", "markdown", "text")
PDF_LAYOUTS = ("single_column", "two_column", "sidebar")
PRODUCERS = ("reportlab", "fpdf2")
EXTENSIONS = {
    "single_column": ".pdf",
    "two_column": ".pdf",
    "sidebar": ".pdf",
    "docx": ".docx",
    "markdown": ".md",
    "text": ".txt",
}
FIXED_DATE = dt.datetime(2024, 1, 15, 9, 30, 0, tzinfo=dt.UTC)

# --------------------------------------------------------------------------- schema

_YM = r"\d{4}(-(0[1-9]|1[0-2]))?"
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_SEASONS = {"spring": {3, 4, 5}, "summer": {6, 7, 8}, "fall": {9, 10, 11}, "autumn": {9, 10, 11}, "winter": {12, 1, 2}}
_PRESENT_WORDS = ("present", "current", "now", "today")


def _date_in_text(value: str, text: str) -> bool:
    """Is the normalised ``value`` (YYYY or YYYY-MM) recognisable in the printed ``text``?"""
    low = text.lower()
    year, _, month = value.partition("-")
    if year not in text and f"'{year[2:]}" not in text:
        return False
    if not month:
        return True
    m = int(month)
    if f"{m:02d}/{year}" in text or f"{m}/{year}" in text:
        return True
    if _MONTHS[m - 1] in low:
        return True
    return any(w in low and m in rng for w, rng in _SEASONS.items())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Contact(_Strict):
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    links: list[str] = []


class RenderSpec(_Strict):
    layout: Literal["single_column", "two_column", "sidebar", "docx", "markdown", "text"]
    producer: Literal["reportlab", "fpdf2"] = "reportlab"


class Entry(_Strict):
    title: str
    organisation: str | None = None
    location: str | None = None
    dates: str | None = None
    start: str | None = None
    end: str | None = None
    bullets: list[str] = []

    @field_validator("start")
    @classmethod
    def _check_start(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(_YM, v):
            raise ValueError(f"start must be YYYY or YYYY-MM, got {v!r}")
        return v

    @field_validator("end")
    @classmethod
    def _check_end(cls, v: str | None) -> str | None:
        if v is not None and v != "present" and not re.fullmatch(_YM, v):
            raise ValueError(f"end must be YYYY, YYYY-MM or 'present', got {v!r}")
        return v

    @model_validator(mode="after")
    def _check_dates(self) -> Entry:
        if self.dates is None:
            if self.start or self.end:
                raise ValueError(f"{self.title!r}: start/end given without a printed dates string")
            return self
        if not self.start or not self.end:
            raise ValueError(f"{self.title!r}: dates {self.dates!r} needs normalised start and end")
        if not _date_in_text(self.start, self.dates):
            raise ValueError(f"{self.title!r}: start {self.start} not found in {self.dates!r}")
        if self.end == "present":
            if not any(w in self.dates.lower() for w in _PRESENT_WORDS):
                raise ValueError(f"{self.title!r}: end=present but {self.dates!r} says otherwise")
        elif not _date_in_text(self.end, self.dates):
            raise ValueError(f"{self.title!r}: end {self.end} not found in {self.dates!r}")
        elif self.end < self.start:
            raise ValueError(f"{self.title!r}: end {self.end} before start {self.start}")
        return self


_SECTION_CONTENT = {
    "summary": {"text"},
    "experience": {"entries"},
    "projects": {"entries"},
    "education": {"entries"},
    "skills": {"items", "groups"},
    "publications": {"items", "entries"},
    "certifications": {"items", "entries"},
    "portfolio": {"text", "items"},
    "other": {"text", "items", "entries"},
}


class Section(_Strict):
    kind: Literal[
        "summary",
        "experience",
        "projects",
        "skills",
        "education",
        "publications",
        "certifications",
        "portfolio",
        "other",
    ]
    heading: str
    text: str | None = None
    entries: list[Entry] | None = None
    items: list[str] | None = None
    groups: dict[str, list[str]] | None = None

    @model_validator(mode="after")
    def _check_content(self) -> Section:
        given = {f for f in ("text", "entries", "items", "groups") if getattr(self, f) is not None}
        if len(given) != 1:
            raise ValueError(f"section {self.heading!r} needs exactly one of text/entries/items/groups")
        (field,) = given
        if field not in _SECTION_CONTENT[self.kind]:
            raise ValueError(f"section {self.heading!r} of kind {self.kind} cannot use {field!r}")
        if self.kind == "experience":
            for e in self.entries or []:
                if not e.dates:
                    raise ValueError(f"experience entry {e.title!r} needs dates")
        if self.kind == "skills":
            all_items = self.items or [i for v in (self.groups or {}).values() for i in v]
            bad = [i for i in all_items if "," in i]
            if bad:
                raise ValueError(f"skills are printed comma-separated; remove commas from {bad}")
        return self


class PortfolioProject(Entry):
    links: list[str] = []


class Portfolio(_Strict):
    title: str
    intro: str | None = None
    projects: list[PortfolioProject]


class Resume(_Strict):
    name: str
    headline: str | None = None
    #: What a careful reviewer would recommend, for tests and `make eval`; never rendered.
    expected_role: Literal["ai_engineer", "ml_engineer", "hybrid", "insufficient_evidence"] | None = None
    contact: Contact = Contact()
    render: RenderSpec
    sections: list[Section]
    portfolio: Portfolio | None = None


def load_source(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def validate(source: dict) -> Resume:
    return Resume.model_validate(source)


def source_paths(sources_dir: Path = SOURCES_DIR) -> list[Path]:
    return sorted(sources_dir.glob("*.yaml"))


def output_path(slug: str, resume: Resume, out_dir: Path = RESUMES_DIR, layout: str | None = None) -> Path:
    """Where a person's render lives: ``slug.ext``, or ``slug/resume.ext`` for a folder candidate (resume + portfolio)."""
    ext = EXTENSIONS[layout or resume.render.layout]
    if resume.portfolio is not None:
        return out_dir / slug / f"resume{ext}"
    return out_dir / f"{slug}{ext}"


# --------------------------------------------------------------------------- presentation


@dataclass(frozen=True)
class Theme:
    """Purely visual variety; not part of the data schema."""

    family: str = "Helvetica"  # Helvetica | Times
    bullet: str = "•"  # "•", "-" or "▪"
    name_align: str = "left"  # left | center
    dates: str = "right"  # right (same line as the title) | below
    sep: str = " — "  # between title and organisation
    sep2: str = " · "  # between dates and location
    accent: tuple = (0.11, 0.23, 0.42)
    rule: bool = True
    page: str = "letter"  # letter | a4
    side_fill: tuple = (0.93, 0.94, 0.96)
    side_text: tuple = (0.1, 0.1, 0.1)
    side_accent: tuple = (0.11, 0.23, 0.42)
    links: bool = True  # clickable link annotations in PDFs
    size: float = 9.5  # body font size


_FPDF_DEFAULT = Theme(bullet="-", sep=" | ", sep2=" | ", page="a4")

# Keyed by person name so any source can be rendered in any layout with a sensible look.
PRESENTATION: dict[str, Theme] = {
    "Nadia Okafor": Theme(),
    "Rafael Quintero": Theme(side_fill=(0.13, 0.19, 0.29), side_text=(1, 1, 1), side_accent=(0.62, 0.80, 0.96)),
    "Ingrid Solberg": Theme(family="Times", accent=(0.35, 0.12, 0.12), page="a4", size=10),
    "Carmen Villalobos": Theme(bullet="▪", dates="below", sep=" · ", sep2=" | ", accent=(0.05, 0.40, 0.38)),
    "Lucas Ferreira": Theme(family="Times", bullet="-", name_align="center", sep=", ", rule=False, accent=(0, 0, 0), links=False, size=10),
    "Mei-Lin Zhou": replace(_FPDF_DEFAULT, family="Times", name_align="center", dates="below", sep=", ", accent=(0, 0, 0), size=10),
    "Tomasz Wierzbicki": replace(_FPDF_DEFAULT, accent=(0.55, 0.10, 0.10)),
    "Devendra Malhotra": replace(_FPDF_DEFAULT, side_fill=(0.92, 0.95, 0.93), side_accent=(0.12, 0.35, 0.20), accent=(0.12, 0.35, 0.20)),
    "Brandon Keller": replace(_FPDF_DEFAULT, page="letter", rule=False, links=False),
}


def theme_for(resume: Resume, producer: str) -> Theme:
    if resume.name in PRESENTATION:
        return PRESENTATION[resume.name]
    return _FPDF_DEFAULT if producer == "fpdf2" else Theme()


PAGE_SIZES = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}
FONTS = {
    "Helvetica": ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique"),
    "Times": ("Times-Roman", "Times-Bold", "Times-Italic"),
}
BLACK = (0.0, 0.0, 0.0)
GREY = (0.33, 0.33, 0.33)


def _url(link: str) -> str:
    if link.startswith(("http://", "https://", "mailto:")):
        return link
    if "@" in link and "/" not in link:
        return f"mailto:{link}"
    return f"https://{link}"


# --------------------------------------------------------------------------- PDF backends
#
# The layout engine below produces a per-page display list of drawing operations in a
# top-left coordinate system (points); each backend measures text and plays it back.

_SQUARE_FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
]


def square_bullet_font() -> str | None:
    """TTF used by reportlab for the "▪" marker (not in the standard 14 fonts)."""
    for p in _SQUARE_FONT_PATHS:
        if Path(p).exists():
            return p
    return None


class _ReportlabBackend:
    name = "reportlab"

    def __init__(self) -> None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        self._sw = pdfmetrics.stringWidth
        self._square = None
        path = square_bullet_font()
        if path:
            if "SampleSquare" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("SampleSquare", path))
            self._square = "SampleSquare"

    def clean(self, s: str) -> str:
        if self._square is None:
            s = s.replace("▪", "•")
        bad = sorted({c for c in s if c != "▪" and not _cp1252_ok(c)})
        if bad:
            raise ValueError(f"characters not available in the standard PDF fonts: {bad} in {s!r}")
        return s

    def _runs(self, s: str, font: str) -> list[tuple[str, str]]:
        # reportlab writes "•" as WinAnsi 0x7F, which text extractors do not map back, so
        # draw bullets with the Symbol font and squares with an embedded TTF.
        out: list[tuple[str, str]] = []
        for piece in re.split(r"([•▪])", s):
            if not piece:
                continue
            if piece == "•":
                out.append((piece, "Symbol"))
            elif piece == "▪":
                out.append((piece, self._square or "Symbol"))
            else:
                out.append((piece, font))
        return out

    def width(self, s: str, font: str, size: float) -> float:
        return sum(self._sw(p, f, size) for p, f in self._runs(s, font))

    def write(self, pages: list, size: tuple, out: Path, meta: dict) -> None:
        from reportlab.pdfgen import canvas

        W, H = size
        c = canvas.Canvas(str(out), pagesize=size, invariant=1, pageCompression=1)
        c.setTitle(meta["title"])
        c.setAuthor(meta["author"])
        c.setSubject(meta["subject"])
        c.setCreator("samples/render.py")
        for ops in pages:
            for op in ops:
                kind = op[0]
                if kind == "text":
                    _, x, y, s, font, fsize, color = op
                    c.setFillColorRGB(*color)
                    for piece, f in self._runs(s, font):
                        c.setFont(f, fsize)
                        c.drawString(x, H - y, piece)
                        x += self._sw(piece, f, fsize)
                elif kind == "rect":
                    _, x, y, w, h, color = op
                    c.setFillColorRGB(*color)
                    c.rect(x, H - y - h, w, h, stroke=0, fill=1)
                elif kind == "line":
                    _, x1, y1, x2, y2, color, lw = op
                    c.setStrokeColorRGB(*color)
                    c.setLineWidth(lw)
                    c.line(x1, H - y1, x2, H - y2)
                elif kind == "link":
                    _, x, y, w, h, url = op
                    c.linkURL(url, (x, H - y - h, x + w, H - y), relative=0, thickness=0)
            c.showPage()
        c.save()


def _cp1252_ok(c: str) -> bool:
    try:
        c.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


_LATIN1_FALLBACKS = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‒": "-",
        "−": "-",
        "•": "-",
        "▪": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "→": "->",
        "\u00a0": " ",
    }
)


class _Fpdf2Backend:
    name = "fpdf2"
    _STYLE = {
        "Helvetica": ("helvetica", ""),
        "Helvetica-Bold": ("helvetica", "B"),
        "Helvetica-Oblique": ("helvetica", "I"),
        "Times-Roman": ("times", ""),
        "Times-Bold": ("times", "B"),
        "Times-Italic": ("times", "I"),
    }

    def __init__(self) -> None:
        from fpdf import FPDF

        self._FPDF = FPDF
        self._m = FPDF(unit="pt")

    def clean(self, s: str) -> str:
        s = s.translate(_LATIN1_FALLBACKS)
        return s.encode("latin-1", errors="replace").decode("latin-1")

    def width(self, s: str, font: str, size: float) -> float:
        fam, style = self._STYLE[font]
        self._m.set_font(fam, style, size)
        return self._m.get_string_width(s)

    def write(self, pages: list, size: tuple, out: Path, meta: dict) -> None:
        pdf = self._FPDF(unit="pt", format=size)
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        pdf.set_creation_date(FIXED_DATE)
        pdf.set_title(meta["title"])
        pdf.set_author(meta["author"])
        pdf.set_subject(meta["subject"])
        pdf.set_creator("samples/render.py")
        for ops in pages:
            pdf.add_page()
            for op in ops:
                kind = op[0]
                if kind == "text":
                    _, x, y, s, font, fsize, color = op
                    fam, style = self._STYLE[font]
                    pdf.set_font(fam, style, fsize)
                    pdf.set_text_color(*(round(v * 255) for v in color))
                    pdf.text(x, y, s)
                elif kind == "rect":
                    _, x, y, w, h, color = op
                    pdf.set_fill_color(*(round(v * 255) for v in color))
                    pdf.rect(x, y, w, h, style="F")
                elif kind == "line":
                    _, x1, y1, x2, y2, color, lw = op
                    pdf.set_draw_color(*(round(v * 255) for v in color))
                    pdf.set_line_width(lw)
                    pdf.line(x1, y1, x2, y2)
                elif kind == "link":
                    _, x, y, w, h, url = op
                    pdf.link(x, y, w, h, url)
        pdf.output(str(out))


def _backend(producer: str):
    if producer == "reportlab":
        return _ReportlabBackend()
    if producer == "fpdf2":
        return _Fpdf2Backend()
    raise ValueError(f"unknown producer {producer!r}")


# --------------------------------------------------------------------------- PDF layout engine

GRID = 6  # every vertical advance is a multiple of GRID so both columns share baselines
LINE = 12
MARGIN = 42


@dataclass
class _Run:
    text: str
    font: str
    size: float
    color: tuple = BLACK
    url: str | None = None


class _Doc:
    def __init__(self, backend, theme: Theme):
        self.b = backend
        self.t = theme
        self.W, self.H = PAGE_SIZES[theme.page]
        self.pages: list[list] = []
        self.reg, self.bold, self.ital = FONTS[theme.family]

    def ops(self, page: int) -> list:
        while len(self.pages) <= page:
            self.pages.append([])
        return self.pages[page]

    def width(self, run: _Run) -> float:
        return self.b.width(run.text, run.font, run.size)

    def draw(self, page: int, x: float, baseline: float, run: _Run) -> float:
        w = self.width(run)
        ops = self.ops(page)
        ops.append(("text", x, baseline, run.text, run.font, run.size, run.color))
        if run.url and self.t.links:
            ops.append(("link", x, baseline - run.size * 0.8, w, run.size * 1.05, run.url))
        return w


class _Flow:
    """A column of text that flows down the page (and onto further pages)."""

    def __init__(self, doc: _Doc, x: float, width: float, y: float, *, color=BLACK, accent=None, size: float | None = None, top_next: float = MARGIN):
        self.d = doc
        self.x = x
        self.w = width
        self.y = y
        self.page = 0
        self.bottom = doc.H - MARGIN
        self.top_next = top_next
        self.color = color
        self.accent = accent if accent is not None else doc.t.accent
        self.size = size or doc.t.size
        self.first_heading = True

    # -- primitives
    def need(self, h: float) -> None:
        if self.y + h > self.bottom:
            self.page += 1
            self.y = self.top_next

    def space(self, n: int = GRID) -> None:
        self.y += n

    def line(self, runs: list[_Run], h: int = LINE, indent: float = 0.0, right: _Run | None = None, align: str = "left") -> float:
        self.need(h)
        base = self.y + h - 3
        total = sum(self.d.width(r) for r in runs)
        x = self.x + indent
        if align == "center":
            x = self.x + (self.w - total) / 2
        for r in runs:
            x += self.d.draw(self.page, x, base, r)
        if right is not None:
            self.d.draw(self.page, self.x + self.w - self.d.width(right), base, right)
        self.y += h
        return base

    def rule(self, base: float, color=(0.6, 0.6, 0.6), lw: float = 0.6) -> None:
        self.d.ops(self.page).append(("line", self.x, base + 3.5, self.x + self.w, base + 3.5, color, lw))

    def wrap(self, runs: list[_Run], width: float) -> list[list[_Run]]:
        """Greedy word wrap of styled runs; returns lines of merged runs."""
        words: list[_Run] = []
        for r in runs:
            for wtext in r.text.split():
                words.append(_Run(wtext, r.font, r.size, r.color, r.url))
        lines: list[list[_Run]] = []
        cur: list[_Run] = []
        cur_w = 0.0
        for wd in words:
            ww = self.d.width(wd)
            if cur:
                sp = self.d.b.width(" ", cur[-1].font, cur[-1].size)
                if cur_w + sp + ww <= width:
                    last = cur[-1]
                    if (last.font, last.size, last.color, last.url) == (wd.font, wd.size, wd.color, wd.url):
                        last.text += " " + wd.text
                    else:
                        last.text += " "
                        cur.append(wd)
                    cur_w += sp + ww
                    continue
                lines.append(cur)
            if ww > width:  # a single over-long token (URL): shrink it to fit
                wd = _Run(wd.text, wd.font, max(6.0, wd.size * width / ww), wd.color, wd.url)
                ww = self.d.width(wd)
            cur, cur_w = [wd], ww
        if cur:
            lines.append(cur)
        # trailing spaces on a run that ends a line are harmless but untidy
        for ln in lines:
            ln[-1].text = ln[-1].text.rstrip()
        return lines

    def para(self, runs: list[_Run], indent: float = 0.0, h: int = LINE) -> None:
        for ln in self.wrap(runs, self.w - indent):
            self.line(ln, h=h, indent=indent)

    def r(self, text: str, style: str = "reg", size: float | None = None, color=None, url: str | None = None) -> _Run:
        font = {"reg": self.d.reg, "bold": self.d.bold, "ital": self.d.ital}[style]
        return _Run(self.d.b.clean(text), font, size or self.size, color or self.color, url)

    # -- resume blocks
    def heading(self, text: str) -> None:
        if not self.first_heading:
            self.space(12)
        self.first_heading = False
        self.need(18 + 2 * LINE)
        base = self.line([self.r(text, "bold", self.size + 2, self.accent)], h=18)
        if self.d.t.rule:
            self.rule(base, color=self.accent, lw=0.6)
        self.space(6)

    def bullet(self, text: str, indent: float = 2.0) -> None:
        marker = self.d.b.clean(self.d.t.bullet)
        hang = 11.0
        lines = self.wrap([self.r(text)], self.w - indent - hang)
        for i, ln in enumerate(lines):
            self.need(LINE)
            if i == 0:
                mk = self.r(marker, size=self.size * (0.8 if marker == "▪" else 1.0))
                self.d.draw(self.page, self.x + indent, self.y + LINE - 3, mk)
            self.line(ln, indent=indent + hang)

    def entry(self, e: Entry, narrow: bool) -> None:
        t = self.d.t
        title = self.r(e.title, "bold")
        org = self.r(e.organisation) if e.organisation else None
        dates = self.r(e.dates, "ital" if narrow else "reg", color=GREY if self.color == BLACK else self.color) if e.dates else None
        loc = self.r(e.location, "ital", color=GREY if self.color == BLACK else self.color) if e.location else None
        self.need(LINE * (3 if e.bullets else 2))
        w = self.d.width
        if narrow:
            self.para([title])
            if org:
                self.para([org])
            tail = t.sep2.join(x for x in [e.dates, e.location] if x)
            if tail:
                self.para([self.r(tail, "ital", size=self.size - 0.5, color=dates.color if dates else GREY)])
        else:
            sep = self.r(t.sep) if org else None
            head = [title] + ([sep, org] if org else [])
            head_w = sum(w(x) for x in head)
            used_dates = False
            if t.dates == "right" and dates is not None:
                if head_w + w(dates) + 18 <= self.w:
                    self.line(head, right=dates)
                    used_dates = True
                elif w(title) + w(dates) + 18 <= self.w:
                    self.line([title], right=dates)
                    head = [org] if org else []
                    used_dates = True
                    if head:
                        if loc:
                            head += [self.r(t.sep2, color=GREY), loc]
                            loc = None
                        self.para(head)
                else:
                    self.para(head)
            else:
                if head_w <= self.w:
                    self.line(head)
                else:
                    self.para([title])
                    if org:
                        self.para([org])
            if dates is not None and not used_dates:
                tail = [dates] + ([self.r(t.sep2, color=GREY), loc] if loc else [])
                loc = None
                self.line(tail)
            if loc is not None:
                self.line([loc])
        for b in e.bullets:
            self.bullet(b)

    def section(self, sec: Section, narrow: bool = False, skills_as_list: bool = False) -> None:
        self.heading(sec.heading)
        if sec.text is not None:
            self.para([self.r(sec.text)])
        if sec.entries is not None:
            for i, e in enumerate(sec.entries):
                if i:
                    self.space(6)
                self.entry(e, narrow)
        if sec.items is not None:
            if sec.kind == "skills":
                if skills_as_list:
                    for it in sec.items:
                        self.para([self.r(it)])
                else:
                    self.para([self.r(", ".join(sec.items))])
            else:
                for it in sec.items:
                    self.bullet(it, indent=0)
        if sec.groups is not None:
            for g, items in sec.groups.items():
                if narrow:
                    self.para([self.r(g + ":", "bold")])
                    self.para([self.r(", ".join(items))])
                    self.space(6)
                else:
                    self.para([self.r(g + ": ", "bold"), self.r(", ".join(items))])

    def contact_block(self, res: Resume, align: str = "left", one_per_line: bool = False) -> None:
        c = res.contact
        items: list[_Run] = []
        if c.email:
            items.append(self.r(c.email, size=self.size - 0.5, url=f"mailto:{c.email}"))
        if c.phone:
            items.append(self.r(c.phone, size=self.size - 0.5))
        if c.location:
            items.append(self.r(c.location, size=self.size - 0.5))
        for ln in c.links:
            items.append(self.r(ln, size=self.size - 0.5, url=_url(ln)))
        if one_per_line:
            for it in items:
                for wl in self.wrap([it], self.w):
                    self.line(wl)
            return
        sep = self.r(" | ", size=self.size - 0.5, color=GREY)
        sep_w = self.d.width(sep)
        lines: list[list[_Run]] = [[]]
        cur_w = 0.0
        for it in items:
            iw = self.d.width(it)
            if lines[-1] and cur_w + sep_w + iw > self.w:
                lines.append([])
                cur_w = 0.0
            if lines[-1]:
                lines[-1].append(sep)
                cur_w += sep_w
            lines[-1].append(it)
            cur_w += iw
        for ln in lines:
            if ln:
                self.line(ln, align=align)


def _name_block(flow: _Flow, res: Resume, align: str) -> None:
    t = flow.d.t
    flow.line([flow.r(res.name, "bold", 22, flow.accent if t.accent != BLACK else BLACK)], h=30, align=align)
    if res.headline:
        flow.line([flow.r(res.headline, "reg", flow.size + 2, flow.accent)], h=18, align=align)


SIDE_KINDS = {"skills", "education", "certifications"}


def _layout_single(doc: _Doc, res: Resume) -> None:
    flow = _Flow(doc, MARGIN + 12, doc.W - 2 * (MARGIN + 12), MARGIN)
    _name_block(flow, res, doc.t.name_align)
    flow.contact_block(res, align=doc.t.name_align)
    flow.space(6)
    doc.ops(0).append(("line", flow.x, flow.y, flow.x + flow.w, flow.y, (0.55, 0.55, 0.55), 0.8))
    flow.space(6)
    for sec in res.sections:
        flow.section(sec)


def _layout_two_column(doc: _Doc, res: Resume) -> None:
    x0 = MARGIN
    cw = doc.W - 2 * MARGIN
    head = _Flow(doc, x0, cw, MARGIN)
    _name_block(head, res, doc.t.name_align)
    head.contact_block(res, align=doc.t.name_align)
    head.space(6)
    doc.ops(0).append(("line", x0, head.y, x0 + cw, head.y, doc.t.accent, 1.2))
    head.space(12)
    gap = 24
    lw = round(cw * 0.6) - gap / 2
    left = _Flow(doc, x0, lw, head.y)
    right = _Flow(doc, x0 + lw + gap, cw - lw - gap, head.y)
    for sec in res.sections:
        if sec.kind in SIDE_KINDS:
            right.section(sec, narrow=True)
        else:
            left.section(sec)
    # a thin divider in the middle of the gap on every page
    mid = x0 + lw + gap / 2
    for p in range(len(doc.pages)):
        top = head.y if p == 0 else MARGIN
        doc.ops(p).append(("line", mid, top, mid, doc.H - MARGIN, (0.8, 0.8, 0.8), 0.5))


def _layout_sidebar(doc: _Doc, res: Resume) -> None:
    t = doc.t
    side_w = round(doc.W * 0.3)
    pad = 18
    side = _Flow(doc, pad, side_w - 2 * pad, MARGIN + 6, color=t.side_text, accent=t.side_accent, size=t.size - 0.5)
    main_x = side_w + 24
    main = _Flow(doc, main_x, doc.W - main_x - MARGIN, MARGIN)
    _name_block(main, res, "left")
    main.space(12)
    side.heading("Contact")
    side.contact_block(res, one_per_line=True)
    for sec in res.sections:
        if sec.kind in SIDE_KINDS:
            side.section(sec, narrow=True, skills_as_list=sec.items is not None and len(sec.items) <= 18)
        else:
            main.section(sec)
    for p in range(len(doc.pages)):
        doc.pages[p].insert(0, ("rect", 0, 0, side_w, doc.H, t.side_fill))


def _render_pdf(res: Resume, layout: str, producer: str, out: Path) -> None:
    backend = _backend(producer)
    theme = theme_for(res, producer)
    doc = _Doc(backend, theme)
    {"single_column": _layout_single, "two_column": _layout_two_column, "sidebar": _layout_sidebar}[layout](doc, res)
    meta = {
        "title": backend.clean(f"{res.name} - Resume"),
        "author": backend.clean(res.name),
        "subject": backend.clean(res.headline or "Resume"),
    }
    backend.write(doc.pages, (doc.W, doc.H), out, meta)


# --------------------------------------------------------------------------- docx / markdown / text


def _entry_head(e: Entry, sep: str = " — ") -> str:
    return f"{e.title}{sep}{e.organisation}" if e.organisation else e.title


def _entry_meta(e: Entry, sep: str = " · ") -> str:
    return sep.join(x for x in [e.dates, e.location] if x)


def _render_docx(res: Resume, out: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    def hyperlink(par, url: str, text: str) -> None:
        r_id = par.part.relate_to(url, RT.HYPERLINK, is_external=True)
        h = OxmlElement("w:hyperlink")
        h.set(qn("r:id"), r_id)
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        col = OxmlElement("w:color")
        col.set(qn("w:val"), "1F4E79")
        u = OxmlElement("w:u")
        u.set(qn("w:val"), "single")
        rpr.append(col)
        rpr.append(u)
        run.append(rpr)
        t = OxmlElement("w:t")
        t.text = text
        run.append(t)
        h.append(run)
        par._p.append(h)

    doc = Document()
    cp = doc.core_properties
    naive = FIXED_DATE.replace(tzinfo=None)
    cp.author = res.name
    cp.last_modified_by = res.name
    cp.title = f"{res.name} - Resume"
    cp.subject = res.headline or "Resume"
    cp.created = naive
    cp.modified = naive
    cp.last_printed = naive
    cp.revision = 1
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10.5)

    doc.add_paragraph(res.name, style="Title")
    if res.headline:
        doc.add_paragraph(res.headline, style="Subtitle")
    c = res.contact
    par = doc.add_paragraph()
    plain = [x for x in [c.email, c.phone, c.location] if x]
    first = True
    for x in plain:
        if not first:
            par.add_run(" | ")
        first = False
        if x == c.email:
            hyperlink(par, f"mailto:{x}", x)
        else:
            par.add_run(x)
    for ln in c.links:
        if not first:
            par.add_run(" | ")
        first = False
        hyperlink(par, _url(ln), ln)

    section_width = doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin
    for sec in res.sections:
        doc.add_heading(sec.heading, level=1)
        if sec.text is not None:
            doc.add_paragraph(sec.text)
        for e in sec.entries or []:
            doc.add_heading(_entry_head(e), level=2)
            if e.dates or e.location:
                p = doc.add_paragraph()
                p.paragraph_format.tab_stops.add_tab_stop(section_width, WD_TAB_ALIGNMENT.RIGHT)
                if e.location:
                    run = p.add_run(e.location)
                    run.italic = True
                if e.dates:
                    run = p.add_run(("\t" if e.location else "") + e.dates)
                    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
            for b in e.bullets:
                doc.add_paragraph(b, style="List Bullet")
        if sec.items is not None:
            if sec.kind == "skills":
                doc.add_paragraph(", ".join(sec.items))
            else:
                for it in sec.items:
                    doc.add_paragraph(it, style="List Bullet")
        for g, items in (sec.groups or {}).items():
            p = doc.add_paragraph()
            p.add_run(f"{g}: ").bold = True
            p.add_run(", ".join(items))

    buf = io.BytesIO()
    doc.save(buf)
    _write_deterministic_zip(buf.getvalue(), out)


def _write_deterministic_zip(data: bytes, out: Path) -> None:
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 15, 9, 30, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))


def markdown_text(res: Resume) -> str:
    out: list[str] = [f"# {res.name}", ""]
    if res.headline:
        out += [f"**{res.headline}**", ""]
    c = res.contact
    contact = [x for x in [c.email, c.phone, c.location] if x] + list(c.links)
    if contact:
        out += [" | ".join(contact), ""]
    for sec in res.sections:
        out += [f"## {sec.heading}", ""]
        if sec.text is not None:
            out += [sec.text, ""]
        for e in sec.entries or []:
            out.append(f"### {_entry_head(e)}")
            meta = _entry_meta(e)
            if meta:
                out.append(meta)
            out.append("")
            if e.bullets:
                out += [f"- {b}" for b in e.bullets] + [""]
        if sec.items is not None:
            if sec.kind == "skills":
                out += [", ".join(sec.items), ""]
            else:
                out += [f"- {it}" for it in sec.items] + [""]
        if sec.groups is not None:
            out += [f"- **{g}:** {', '.join(items)}" for g, items in sec.groups.items()] + [""]
    return "\n".join(out).rstrip() + "\n"


def plain_text(res: Resume, width: int = 78) -> str:
    def wrap(s: str, first: str = "", rest: str = "") -> list[str]:
        return textwrap.wrap(s, width, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False)

    out: list[str] = [res.name]
    if res.headline:
        out.append(res.headline)
    c = res.contact
    line1 = [x for x in [c.email, c.phone, c.location] if x]
    if line1:
        out.append(" | ".join(line1))
    if c.links:
        out.append(" | ".join(c.links))
    for sec in res.sections:
        out += ["", sec.heading.upper(), ""]
        if sec.text is not None:
            out += wrap(sec.text)
        for i, e in enumerate(sec.entries or []):
            if i:
                out.append("")
            out.append(_entry_head(e, ", "))
            meta = _entry_meta(e, " | ")
            if meta:
                out.append(meta)
            for b in e.bullets:
                out += wrap(b, "- ", "  ")
        if sec.items is not None:
            if sec.kind == "skills":
                out += wrap(", ".join(sec.items))
            else:
                for it in sec.items:
                    out += wrap(it, "- ", "  ")
        for g, items in (sec.groups or {}).items():
            out += wrap(f"{g}: {', '.join(items)}", "", "  ")
    return "\n".join(out).rstrip() + "\n"


def portfolio_markdown(res: Resume) -> str:
    pf = res.portfolio
    assert pf is not None
    out = [f"# {pf.title}", ""]
    if pf.intro:
        out += [pf.intro, ""]
    for p in pf.projects:
        out.append(f"## {p.title}")
        meta = _entry_meta(p)
        if p.organisation:
            meta = " · ".join(x for x in [p.organisation, meta] if x)
        if meta:
            out.append(meta)
        out.append("")
        if p.links:
            out += [f"Links: {' | '.join(p.links)}", ""]
        if p.bullets:
            out += [f"- {b}" for b in p.bullets] + [""]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- public API


def render(source: dict, layout: str, producer: str, out_path: Path) -> Path:
    """Render one person (a source dict as loaded from YAML) in ``layout`` to ``out_path``."""
    res = validate(source)
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    if producer not in PRODUCERS:
        raise ValueError(f"unknown producer {producer!r}; expected one of {PRODUCERS}")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if layout in PDF_LAYOUTS:
        _render_pdf(res, layout, producer, out_path)
    elif layout == "docx":
        _render_docx(res, out_path)
    elif layout == "markdown":
        out_path.write_text(markdown_text(res), encoding="utf-8", newline="\n")
    else:
        out_path.write_text(plain_text(res), encoding="utf-8", newline="\n")
    return out_path


def render_candidate(source: dict, layout: str, producer: str, out_dir: Path, slug: str) -> list[Path]:
    """One candidate as screener reads a folder: the resume file, plus ``portfolio.md`` beside it for a folder candidate."""
    res = validate(source)
    target = output_path(slug, res, out_dir, layout)
    written = [render(source, layout, producer, target)]
    if res.portfolio is not None:
        portfolio = target.parent / "portfolio.md"
        portfolio.write_text(portfolio_markdown(res), encoding="utf-8", newline="\n")
        written.append(portfolio)
    return written


def render_person(source_path: Path, out_dir: Path = RESUMES_DIR) -> list[Path]:
    """Render one source as committed: resume file, plus portfolio.md for folder candidates."""
    source = load_source(source_path)
    res = validate(source)
    return render_candidate(source, res.render.layout, res.render.producer, out_dir, source_path.stem)


def render_all(out_dir: Path = RESUMES_DIR, slugs: list[str] | None = None) -> list[Path]:
    written: list[Path] = []
    for path in source_paths():
        if slugs and path.stem not in slugs:
            continue
        written += render_person(path, out_dir)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("slugs", nargs="*", help="only these people (file stems in samples/sources)")
    ap.add_argument("--out", type=Path, default=RESUMES_DIR, help="output directory")
    args = ap.parse_args(argv)
    written = render_all(args.out, args.slugs or None)
    for p in written:
        try:
            shown = p.relative_to(Path.cwd())
        except ValueError:
            shown = p
        print(f"wrote {shown} ({p.stat().st_size:,} bytes)")
    if not args.slugs:
        expected = set(written)
        stale = [p for p in args.out.rglob("*") if p.is_file() and p not in expected]
        for p in stale:
            print(f"warning: stale file not produced by any source: {p}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
