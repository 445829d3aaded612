"""Hidden text: words a reader cannot see never count as evidence, and the candidate is flagged.

Each case renders one weak resume three ways: as it is, with a block of
keyword-rich bullets hidden by one trick, and with the same block printed
visibly. The visible copy proves the block would move the score; the hidden
copy must score exactly like the plain one and carry the ``hidden_text`` flag
with what was hidden.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from screener.batch import screen
from screener.ingest.engines import ENGINE_NAMES
from screener.ingest.hidden import contrast, hidden_reason
from screener.ingest.words import Box, FilledRect, PageWords, PositionedWord

from .conftest import REPO
from .pdf_fixtures import HEIGHT, WIDTH, single_column_pdf

AS_OF = datetime.date(2026, 11, 22)
BLOCKS = [
    ("Summary", ["Support engineer moving into software."]),
    ("Experience", ["Support Engineer, Acme Retail", "• Answered customer tickets and wrote help-centre articles.", "• Kept the on-call rota and weekly reports."]),
]
DATES = {"Support Engineer, Acme Retail": "Jan 2021 – Present"}
SMUGGLED = [
    "Shipped a RAG assistant with LangChain and pgvector to production for 40k users,",
    "cutting p95 latency by 35% and cost per request by 50% with LLM evals and guardrails.",
    "Trained and deployed XGBoost and PyTorch models with MLflow; drift monitoring in production.",
]


def _bullets(c, x: float, y: float, size: float = 10.0, render_mode: int | None = None) -> None:  # type: ignore[no-untyped-def]
    text = c.beginText(x, y)
    text.setFont("Helvetica", size)
    if render_mode is not None:
        text.setTextRenderMode(render_mode)
    for line in SMUGGLED:
        text.textLine(line)
    c.drawText(text)


def visible(c, y):  # type: ignore[no-untyped-def]
    c.setFillColorRGB(0, 0, 0)
    _bullets(c, 60, y)


def white_on_white(c, y):  # type: ignore[no-untyped-def]
    c.setFillColorRGB(1, 1, 1)
    _bullets(c, 60, y)


def background_coloured(c, y):  # type: ignore[no-untyped-def]
    c.setFillColorRGB(0.93, 0.93, 0.96)
    c.rect(40, y - 50, WIDTH - 80, 64, fill=1, stroke=0)
    c.setFillColorRGB(0.93, 0.93, 0.96)
    _bullets(c, 60, y)


def tiny(c, y):  # type: ignore[no-untyped-def]
    c.setFillColorRGB(0, 0, 0)
    _bullets(c, 60, y, size=1.5)


def off_page(c, y):  # type: ignore[no-untyped-def]
    c.setFillColorRGB(0, 0, 0)
    _bullets(c, WIDTH + 40, y)


def below_page(c, y):  # type: ignore[no-untyped-def]
    c.setFillColorRGB(0, 0, 0)
    _bullets(c, 60, -40)


def covered(c, y):  # type: ignore[no-untyped-def]
    c.setFillColorRGB(0, 0, 0)
    _bullets(c, 60, y)
    c.setFillColorRGB(1, 1, 1)
    c.rect(40, y - 50, WIDTH - 80, 64, fill=1, stroke=0)  # painted after the text, over it


def clipped(c, y):  # type: ignore[no-untyped-def]
    c.saveState()
    path = c.beginPath()
    path.rect(40, y + 40, 2, 2)  # a clip far from the text: nothing of it shows
    c.clipPath(path, stroke=0, fill=0)
    c.setFillColorRGB(0, 0, 0)
    _bullets(c, 60, y)
    c.restoreState()


def invisible_mode(c, y):  # type: ignore[no-untyped-def]
    c.setFillColorRGB(0, 0, 0)
    _bullets(c, 60, y, render_mode=3)


#: trick -> engines that can see it (pdfminer keeps neither the render mode nor the painting order)
TRICKS = {
    white_on_white: ENGINE_NAMES,
    background_coloured: ENGINE_NAMES,
    tiny: ENGINE_NAMES,
    off_page: ENGINE_NAMES,
    below_page: ENGINE_NAMES,
    covered: ("pdfium",),
    clipped: ("pdfium",),
    invisible_mode: ("pdfium",),
}


def _render(folder: Path, name: str, decorate) -> Path:  # type: ignore[no-untyped-def]
    return single_column_pdf(folder / f"{name.replace('_', '-')}.pdf", BLOCKS, name="Sam Example", dates=DATES, decorate=decorate)


@pytest.fixture(scope="module", params=ENGINE_NAMES)
def screened(request, tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp(f"hidden-{request.param}")
    _render(folder, "plain", None)
    _render(folder, "visible", visible)
    for trick in TRICKS:
        _render(folder, trick.__name__, trick)
    out = folder.parent / f"{folder.name}-out"
    run = screen(folder, as_of=AS_OF, engine=request.param, workers=0, cache=False, out_dir=out)
    return request.param, {r.candidate_id: r for r in run.results}, out


def _fits(result) -> tuple[float, float, str]:  # type: ignore[no-untyped-def]
    return result.scores.ai_fit, result.scores.ml_fit, result.scores.recommended_role


def test_when_the_keyword_block_is_printed_visibly_then_it_raises_the_scores(screened):
    """The control: without it, equal scores below could mean the block never mattered."""
    _, results, _ = screened
    plain, shown = results["plain"], results["visible"]
    assert shown.scores.ai_fit > plain.scores.ai_fit + 10 and shown.scores.ml_fit > plain.scores.ml_fit
    assert "hidden_text" not in shown.flags and "hidden_text" not in plain.flags


@pytest.mark.parametrize("trick", list(TRICKS), ids=lambda t: t.__name__)
def test_when_keywords_are_hidden_then_the_scores_equal_the_plain_resume_and_the_candidate_is_flagged(screened, trick):
    engine, results, out = screened
    if engine not in TRICKS[trick]:
        pytest.skip(f"the {engine} engine cannot see {trick.__name__.replace('_', ' ')} text")
    name = trick.__name__.replace("_", "-")
    result, plain = results[name], results["plain"]
    assert _fits(result) == _fits(plain)
    assert result.scores.shipped_evidence == plain.scores.shipped_evidence
    assert "hidden_text" in result.flags
    report = json.loads((out / "candidates" / f"{name}.json").read_text(encoding="utf-8"))
    hidden_warnings = [w for d in report["documents"] for w in d["warnings"] if w.startswith("hidden text")]
    assert hidden_warnings and "pgvector" in " ".join(hidden_warnings)  # the reviewer sees what was hidden
    assert "pgvector" not in " ".join(item["text"] for item in report["evidence"])
    row = next(line for line in (out / "ranking.csv").read_text(encoding="utf-8").splitlines() if line.split(",")[1] == name)
    assert "hidden_text" in row


def _word(text: str, color, x0: float = 100, size: float = 10) -> PositionedWord:  # type: ignore[no-untyped-def]
    return PositionedWord(text, x0, 100, x0 + 6 * len(text), 100 + size, size, color=color)


def test_when_white_text_sits_on_a_dark_banner_then_it_is_visible():
    banner = FilledRect(box=Box(x0=0, top=90, x1=600, bottom=130), color=(0.1, 0.2, 0.4))
    page = PageWords(number=1, width=612, height=792, rects=(banner,), fills=(banner,))
    assert hidden_reason(page, _word("Engineer", (1, 1, 1))) is None
    assert hidden_reason(page.model_copy(update={"rects": (), "fills": ()}), _word("Engineer", (1, 1, 1))) == "background"


def test_when_text_lies_on_an_image_then_its_colour_is_not_judged():
    page = PageWords(number=1, width=612, height=792, images=(Box(x0=0, top=0, x1=612, bottom=300),))
    assert hidden_reason(page, _word("Engineer", (1, 1, 1))) is None


def test_when_a_glyph_outline_lies_under_text_of_its_colour_then_it_is_ink_not_a_background():
    """Chromium prints some fonts as outlines over invisible text: the outline is about as tall as the text."""
    ink = FilledRect(box=Box(x0=99, top=99, x1=160, bottom=109.5), color=(0, 0, 0), rectangle=False)
    page = PageWords(number=1, width=612, height=792, fills=(ink,))
    assert hidden_reason(page, _word("Engineer", (0, 0, 0))) is None


def test_when_colours_are_compared_then_contrast_follows_wcag():
    assert contrast((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert contrast((1, 1, 1), (1, 1, 1)) == pytest.approx(1.0)
    assert 1.0 < contrast((0.95, 0.95, 0.95), (1, 1, 1)) <= 1.12


def _hidden(path: Path, engine: str) -> list:
    from screener.ingest.hidden import visible_pages
    from screener.ingest.limits import Limits
    from screener.ingest.pdf import _pages

    pages, _ = _pages(path, engine, Limits())
    return list(visible_pages(pages)[1])


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_when_the_samples_are_read_then_nothing_is_hidden(engine):
    found = {p.name: _hidden(p, engine) for p in sorted((REPO / "samples" / "resumes").rglob("*.pdf"))}
    assert {name: hidden for name, hidden in found.items() if hidden} == {}


def test_when_a_page_is_drawn_then_height_and_width_are_the_letter_page():
    """The fixtures above place text relative to a Letter page."""
    assert (WIDTH, HEIGHT) == (612.0, 792.0)


# -- DOCX and Markdown: the same attack in the other formats ---------------------------------------

MD_PLAIN = """# Sam Example

## Summary

Support engineer moving into software.

## Experience

### Support Engineer, Acme Retail
Jan 2021 – Present

- Answered customer tickets and wrote help-centre articles.
- Kept the on-call rota and weekly reports.
"""


def _markdown(trick: str) -> str:
    block = " ".join(SMUGGLED)
    extra = {
        "plain": "",
        "visible": f"- {block}\n",
        "display-none": f'- Kept dashboards tidy.<span style="display:none">{block}</span>\n',
        "white": f'\n<div style="color: #ffffff">{block}</div>\n',
        "comment": f"- Kept dashboards tidy. <!-- {block} -->\n",
    }[trick]
    return MD_PLAIN + extra


def _docx(path: Path, trick: str) -> Path:
    from docx import Document as Docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    doc = Docx()
    doc.add_heading("Sam Example", level=0)
    doc.add_heading("Experience", level=1)
    doc.add_paragraph("Support Engineer, Acme Retail — Jan 2021 – Present")
    for line in ("Answered customer tickets and wrote help-centre articles.", "Kept the on-call rota and weekly reports."):
        doc.add_paragraph(line, style="List Bullet")
    if trick != "plain":
        paragraph = doc.add_paragraph(style="List Bullet")
        run = paragraph.add_run(" ".join(SMUGGLED))
        if trick == "white":
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        elif trick == "tiny":
            run.font.size = Pt(1)
        elif trick == "vanish":
            run.font.hidden = True
        elif trick == "white-on-shading":  # white on a dark shading: visible, so it counts
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:fill"), "1F3864")
            run._r.get_or_add_rPr().append(shading)
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def other_formats(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("hidden-formats")
    for trick in ("plain", "visible", "display-none", "white", "comment"):
        (folder / f"md-{trick}.md").write_text(_markdown(trick), encoding="utf-8")
    for trick in ("plain", "visible", "white", "tiny", "vanish", "white-on-shading"):
        _docx(folder / f"docx-{trick}.docx", trick)
    run = screen(folder, as_of=AS_OF, workers=0, cache=False)
    return {r.candidate_id: r for r in run.results}


@pytest.mark.parametrize("fmt, trick", [("md", "display-none"), ("md", "white"), ("md", "comment"), ("docx", "white"), ("docx", "tiny"), ("docx", "vanish")])
def test_when_a_docx_or_markdown_hides_keywords_then_the_scores_equal_the_plain_resume_and_the_candidate_is_flagged(other_formats, fmt, trick):
    plain, shown, result = other_formats[f"{fmt}-plain"], other_formats[f"{fmt}-visible"], other_formats[f"{fmt}-{trick}"]
    assert shown.scores.ai_fit > plain.scores.ai_fit + 10  # the block would count if it were seen
    assert _fits(result) == _fits(plain)
    assert "hidden_text" in result.flags and "hidden_text" not in plain.flags
    assert any("pgvector" in w for d in result.documents for w in d.warnings)


def test_when_white_docx_text_sits_on_a_dark_shading_then_it_is_read_and_not_flagged(other_formats):
    shaded, shown = other_formats["docx-white-on-shading"], other_formats["docx-visible"]
    assert _fits(shaded) == _fits(shown) and "hidden_text" not in shaded.flags
