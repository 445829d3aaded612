"""The positioned-word model: the one thing a PDF engine must produce.

Layout, sections and everything after them read only these models, so an
extraction engine (pdfplumber today, PDFium later) can be swapped without the
layout code noticing. Coordinates are PDF points with the origin at the top
left of the page, ``top`` growing downwards, as pdfplumber reports them.
"""

from __future__ import annotations

from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

RGB = tuple[float, float, float]


class Box(BaseModel):
    """An axis-aligned rectangle in page points (top-left origin)."""

    model_config = ConfigDict(frozen=True)

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top


class PositionedWord(NamedTuple):
    """One word as printed: its text, where it stands and how it looks.

    A named tuple, not a pydantic model: a page has hundreds of words, made
    in the engines' hot loop and only ever read after that.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool = False
    italic: bool = False
    color: RGB | None = None
    page: int = 1
    upright: bool = True
    #: The engine saw it drawn so no reader can see it: invisible render mode, fully transparent, or painted over.
    concealed: bool = False

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


class PageLink(BaseModel):
    """A URI link annotation and the area of the page it covers."""

    model_config = ConfigDict(frozen=True)

    uri: str
    box: Box


class FilledRect(BaseModel):
    """A filled rectangle (backgrounds of sidebars, headers, highlights)."""

    model_config = ConfigDict(frozen=True)

    box: Box
    color: RGB | None = None
    rectangle: bool = True  # False: the bounds of another filled shape (a rounded box, a glyph drawn as a path)


class PageWords(BaseModel):
    """Everything the layout stage needs from one page (engines build it with ``model_construct``)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    number: int
    width: float
    height: float
    words: tuple[PositionedWord, ...] = ()
    links: tuple[PageLink, ...] = ()
    rects: tuple[FilledRect, ...] = ()
    fills: tuple[FilledRect, ...] = ()  # every filled shape's bounds in painting order: what text may be printed on
    images: tuple[Box, ...] = ()  # where images are drawn: text over one has a background no rule can see
    image_count: int = 0
    char_count: int = 0
    unreadable_chars: int = 0
    producer: str = ""  # the file's Producer and Creator: which tool typeset it decides how its line-end hyphens read
