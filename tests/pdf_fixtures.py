"""Small PDFs written on the fly with reportlab: layouts and broken files for tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

WIDTH, HEIGHT = LETTER


def _canvas(path: Path, **kwargs) -> canvas.Canvas:
    c = canvas.Canvas(str(path), pagesize=LETTER, invariant=1, **kwargs)
    c.setTitle("fixture")
    return c


def write_lines(c: canvas.Canvas, x: float, y: float, lines: list[str], *, size: float = 10, leading: float = 14, font: str = "Helvetica") -> float:
    for line in lines:
        c.setFont(font, size)
        c.drawString(x, y, line)
        y -= leading
    return y


def two_column_pdf(path: Path, left: list[str], right: list[str], header: str = "Ada Example") -> Path:
    """A full-width header over two columns whose lines share baselines."""
    c = _canvas(path)
    c.setFont("Helvetica-Bold", 20)
    c.drawString(50, HEIGHT - 60, header)
    write_lines(c, 50, HEIGHT - 100, left)
    write_lines(c, 330, HEIGHT - 100, right)
    c.save()
    return path


def single_column_pdf(
    path: Path,
    blocks: list[tuple[str, list[str]]],
    *,
    name: str = "Ada Example",
    dates: dict[str, str] | None = None,
    pages: int = 1,
    bullet_font: str = "Symbol",
    decorate: Callable[[canvas.Canvas, float], None] | None = None,
) -> Path:
    """A plain resume: bold headings, bold entry titles with right-aligned dates, bullets.

    reportlab draws "•" in Helvetica with a code pdfminer cannot map to Unicode;
    the Symbol font maps it. ``bullet_font="Helvetica"`` makes the unmappable kind.
    ``decorate(canvas, y)`` draws more on the first page, from height ``y`` down, after the blocks.
    """
    dates = dates or {}
    c = _canvas(path)
    for page in range(pages):
        y = HEIGHT - 60
        c.setFont("Helvetica-Bold", 20)
        c.drawString(50, y, name if page == 0 else f"{name} (page {page + 1})")
        y -= 36
        for heading, lines in blocks:
            c.setFont("Helvetica-Bold", 13)
            c.drawString(50, y, heading)
            y -= 20
            for line in lines:
                if line.startswith("• "):
                    c.setFont(bullet_font, 10)
                    c.drawString(60, y, "•")
                    c.setFont("Helvetica", 10)
                    c.drawString(70, y, line[2:])
                else:
                    c.setFont("Helvetica-Bold", 10)
                    c.drawString(50, y, line)
                    if line in dates:
                        c.setFont("Helvetica", 10)
                        c.drawRightString(WIDTH - 50, y, dates[line])
                y -= 14
            y -= 10
        if decorate is not None and page == 0:
            decorate(c, y)
        c.showPage()
    c.save()
    return path


def encrypted_pdf(path: Path, password: str = "secret") -> Path:
    c = _canvas(path, encrypt=password)
    write_lines(c, 50, HEIGHT - 60, ["Confidential resume"])
    c.save()
    return path


def drawing_only_pdf(path: Path) -> Path:
    """Shapes and no text: what a scan looks like to a text extractor."""
    c = _canvas(path)
    c.rect(50, 50, 300, 400, fill=1)
    c.save()
    return path


def linked_pdf(path: Path) -> Path:
    c = _canvas(path)
    c.setFont("Helvetica", 10)
    c.drawString(50, HEIGHT - 60, "GitHub profile")
    c.linkURL("https://github.com/ada-example", (50, HEIGHT - 62, 130, HEIGHT - 50), relative=0)
    c.drawString(50, HEIGHT - 80, "Portfolio: https://ada.example.dev/work")
    c.save()
    return path
