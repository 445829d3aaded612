"""The reader-neutral line: what each format reader hands to the structure stage."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from screener.document import BoxRef

#: Separates the cells of one printed row (a title and the date right-aligned beside it).
CELL_SEPARATOR = "\t"


@dataclass(frozen=True)
class SourceLine:
    """One line of a document in reading order, with what its reader knows of it.

    ``heading_level`` and ``list_item`` are set by readers whose format says so
    (DOCX styles, Markdown syntax); PDF lines leave them unset and let
    typography decide. ``new_block`` marks a paragraph break the reader saw
    (a blank line, a vertical gap, a new column or page); ``wrapped`` marks a
    line that filled its column and runs on into the next line.
    """

    text: str
    page: int = 1
    column: int = 0
    size: float = 0.0
    bold: bool = False
    box: BoxRef | None = None
    heading_level: int | None = None
    list_item: bool = False
    new_block: bool = False
    indent: float = 0.0
    wrapped: bool = False

    @property
    def cells(self) -> list[str]:
        return [c.strip() for c in self.text.split(CELL_SEPARATOR) if c.strip()]

    @cached_property
    def plain(self) -> str:  # read several times per line by the heading and block rules
        return " ".join(self.text.replace(CELL_SEPARATOR, " ").split())
