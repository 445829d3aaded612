"""Markdown resumes to reader-neutral lines, parsed with markdown-it-py.

Markdown says what is a heading and what is a list item, so those come from
the syntax tree, not from guesses. Each paragraph becomes one line (its
wrapped lines joined with spaces; a hard line break starts a new line of the
same paragraph). Emphasis markers are dropped, links keep their target
visible as ``text (url)``, list items keep their marker ("- ", "1. ") for the
structure stage to recognise, tables become one line per row with the cells
tab-separated, and raw HTML is reduced to its text. YAML front matter at the
top is skipped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from screener.document import Status
from screener.errors import DocumentError
from screener.ingest.hidden import REASONS, readable
from screener.ingest.text_reader import MAX_BYTES, decode_text, read_bytes, text_lines
from screener.structure.source import CELL_SEPARATOR, SourceLine

#: Each nesting level of a list indents its items by this much.
LIST_INDENT = 2.0
#: Front matter closes within this many lines, or it is not front matter.
MAX_FRONT_MATTER_LINES = 200

FRONT_MATTER_KEY = re.compile(r"^[\w-]+\s*:(?:\s|$)")
HTML_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr)\s*/?\s*>", re.IGNORECASE)
#: An element whose content is never text, and the end tag that closes it.
HTML_DROPPED_ELEMENT = re.compile(r"(script|style)\b", re.IGNORECASE)
HTML_END_TAG = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style")}
#: An opening tag whose content a browser does not show: hidden, display:none, invisible, zero-sized, transparent or white.
HTML_HIDDEN_TAG = re.compile(
    r"<([a-z][a-z0-9]*)\b[^>]*?(?:\shidden\b|display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])"
    r"|(?<![-\w])color\s*:\s*(?:#fff(?:fff)?\b|white\b|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\)))[^>]*>",
    re.IGNORECASE,
)
#: Hidden content, as (why no reader sees it, text): collected by the walker for the document's hidden-text report.
Hidden = list[tuple[str, str]]


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "typographer": False}).enable(["table", "strikethrough"])


def strip_front_matter(lines: list[str]) -> list[str]:
    """Drop a leading ``---`` ... ``---`` (or ``...``) YAML block."""
    if not lines or lines[0].strip() != "---":
        return lines
    for index in range(1, min(len(lines), MAX_FRONT_MATTER_LINES)):
        if lines[index].strip() in ("---", "..."):
            body = [line for line in lines[1:index] if line.strip() and not line.lstrip().startswith("#")]
            # YAML's first key, or a thematic break over an ordinary document?
            return lines[index + 1 :] if body and FRONT_MATTER_KEY.match(body[0]) else lines
    return lines


def html_text(fragment: str, hidden: Hidden | None = None) -> list[str]:
    """The visible lines of a raw HTML fragment.

    Comments, scripts and styles are dropped whole, line-breaking tags break
    the line, other tags are dropped and entities decoded. Elements styled so
    a browser does not show them are dropped, and with comments reported into
    ``hidden``: text a reader cannot see must not count, and smuggling it in
    should be seen. One pass, each search starting where the last one ended,
    so the time is linear in the fragment however its tags are (un)balanced:
    a raw-HTML block that is thousands of unclosed ``<script>`` tags costs as
    much as any other text.
    """
    out: list[str] = []
    unclosed: set[str] = set()  # a comment or element with no end from some point on has none further on either
    pos, size = 0, len(fragment)
    while pos < size:
        start = fragment.find("<", pos)
        if start < 0:
            out.append(fragment[pos:])
            break
        out.append(fragment[pos:start])
        if fragment.startswith("<!--", start) and "comment" not in unclosed:
            end = fragment.find("-->", start + 4)
            if end >= 0:
                _report(hidden, REASONS["comment"], fragment[start + 4 : end])
                pos = end + 3
                continue
            unclosed.add("comment")
        concealing = HTML_HIDDEN_TAG.match(fragment, start) if "hidden" not in unclosed else None
        if concealing is not None:
            closing = fragment.lower().find(f"</{concealing.group(1).lower()}", concealing.end())
            if closing >= 0:
                _report(hidden, REASONS["styled"], html_text(fragment[concealing.end() : closing]))
                close_end = fragment.find(">", closing)
                pos = close_end + 1 if close_end >= 0 else size
                continue
            unclosed.add("hidden")
        element = HTML_DROPPED_ELEMENT.match(fragment, start + 1)
        if element is not None and element.group(1).casefold() not in unclosed:
            name = element.group(1).casefold()
            closing = HTML_END_TAG[name].search(fragment, element.end())
            if closing is not None:
                pos = closing.end()
                continue
            unclosed.add(name)
        end = fragment.find(">", start + 1)
        if end < 0:
            out.append(fragment[start:])
            break
        tag = fragment[start : end + 1]
        out.append("\n" if HTML_BREAK.fullmatch(tag) else "")
        pos = end + 1
    text = html.unescape("".join(out))
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _report(hidden: Hidden | None, reason: str, text: str | list[str]) -> None:
    text = " ".join((" ".join(text) if isinstance(text, list) else html.unescape(text)).split())
    if hidden is not None and readable(text):
        hidden.append((reason, text))


@dataclass
class _Piece:
    """Text of one output line being assembled from inline tokens."""

    parts: list[str] = field(default_factory=list)
    plain_chars: int = 0  # visible characters outside **strong**
    strong_chars: int = 0

    def add(self, text: str, strong: bool) -> None:
        self.parts.append(text)
        visible = len(text.strip())
        if strong:
            self.strong_chars += visible
        else:
            self.plain_chars += visible

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    @property
    def bold(self) -> bool:
        return self.strong_chars > 0 and self.plain_chars == 0


def _link_text(label: str, href: str) -> str:
    label = " ".join(label.split())
    if not href:
        return label
    if not label or label == href:
        return href
    if href.casefold() in (f"mailto:{label}".casefold(), f"tel:{label}".casefold()):
        return label
    return f"{label} ({href})"


def render_inline(children: list[Token], hidden: Hidden | None = None) -> list[_Piece]:
    """Inline tokens to output lines (more than one only at hard breaks); text inside hidden inline HTML goes to ``hidden``."""
    pieces = [_Piece()]
    strong = 0
    link: tuple[str, list[str]] | None = None  # href, label parts
    concealed: tuple[str, list[str]] | None = None  # the hidden element's tag, its text so far
    for token in children:
        kind = token.type
        if concealed is not None:
            if kind == "html_inline" and token.content.strip().lower().startswith(f"</{concealed[0]}"):
                _report(hidden, REASONS["styled"], concealed[1])
                concealed = None
            elif kind in ("text", "code_inline"):
                concealed[1].append(token.content)
            continue
        if kind == "html_inline" and (opening := HTML_HIDDEN_TAG.match(token.content.strip())) is not None:
            concealed = (opening.group(1).lower(), [])
            continue
        if kind == "html_inline" and token.content.startswith("<!--"):
            _report(hidden, REASONS["comment"], token.content.removeprefix("<!--").removesuffix("-->"))
            continue
        if kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong = max(0, strong - 1)
        elif kind == "link_open":
            link = (str(token.attrs.get("href") or ""), [])
        elif kind == "link_close":
            if link is not None:
                pieces[-1].add(_link_text("".join(link[1]), link[0]), strong > 0)
            link = None
        elif kind == "hardbreak":
            pieces.append(_Piece())
        elif kind in ("text", "code_inline", "softbreak", "html_inline"):
            if kind == "softbreak":
                text = " "
            elif kind == "html_inline":
                text = " " if HTML_BREAK.fullmatch(token.content.strip()) else ""
            else:
                text = token.content
            if link is not None:
                link[1].append(text)
            else:
                pieces[-1].add(text, strong > 0)
        # em, strikethrough and images: markers dropped, image alt text not shown
    if concealed is not None:  # never closed: hidden to the end of the paragraph, as a browser shows it
        _report(hidden, REASONS["styled"], concealed[1])
    return [p for p in pieces if p.text]


@dataclass
class _Item:
    marker: str
    depth: int
    started: bool = False


class _Walker:
    def __init__(self) -> None:
        self.lines: list[SourceLine] = []
        self.items: list[_Item] = []
        self.row: list[str] | None = None
        self.row_bold = True
        self.hidden: Hidden = []

    def emit(self, text: str, *, new_block: bool, bold: bool = False, heading: int | None = None, list_item: bool = False, indent: float = 0.0) -> None:
        if text.strip():
            self.lines.append(SourceLine(text=text, bold=bold, heading_level=heading, list_item=list_item, new_block=new_block, indent=indent))

    def paragraph(self, inline: Token) -> None:
        pieces = render_inline(inline.children or [], self.hidden)
        item = self.items[-1] if self.items else None
        for index, piece in enumerate(pieces):
            if item is not None and not item.started:
                item.started = True
                self.emit(f"{item.marker} {piece.text}", new_block=False, bold=piece.bold, list_item=True, indent=item.depth * LIST_INDENT)
            elif item is not None:
                # a later paragraph or hard-broken line of a list item continues it
                self.emit(piece.text, new_block=False, bold=piece.bold, indent=item.depth * LIST_INDENT + LIST_INDENT)
            else:
                self.emit(piece.text, new_block=index == 0, bold=piece.bold)

    def plain_block(self, lines: list[str]) -> None:
        """Code and HTML blocks: their lines as one plain paragraph."""
        first = True
        for line in lines:
            if not line.strip():
                first = True
                continue
            self.emit(" ".join(line.split()), new_block=first)
            first = False

    def walk(self, tokens: list[Token]) -> list[SourceLine]:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "heading_open":
                inline = tokens[index + 1]
                level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
                for piece in render_inline(inline.children or [], self.hidden):
                    self.emit(piece.text, new_block=True, bold=piece.bold, heading=level)
                index += 2
            elif kind == "paragraph_open":
                self.paragraph(tokens[index + 1])
                index += 2
            elif kind == "list_item_open":
                marker = f"{token.info}{token.markup}" if token.info else (token.markup or "-")
                self.items.append(_Item(marker=marker, depth=len(self.items)))
            elif kind == "list_item_close":
                if self.items:
                    self.items.pop()
            elif kind in ("bullet_list_open", "ordered_list_open"):
                if self.items:
                    self.items[-1].started = True  # an item that opens with a sub-list has no text of its own
            elif kind in ("fence", "code_block"):
                self.plain_block(token.content.split("\n"))
            elif kind == "html_block":
                self.plain_block(html_text(token.content, self.hidden))
            elif kind == "tr_open":
                self.row, self.row_bold = [], True
            elif kind in ("th_open", "td_open") and self.row is not None:
                pieces = render_inline(tokens[index + 1].children or [], self.hidden) if tokens[index + 1].type == "inline" else []
                self.row.append(" ".join(p.text for p in pieces))
                self.row_bold = self.row_bold and all(p.bold for p in pieces)
            elif kind == "tr_close" and self.row is not None:
                cells = [c for c in self.row if c]
                self.emit(CELL_SEPARATOR.join(cells), new_block=True, bold=self.row_bold and bool(cells))
                self.row = None
            index += 1
        return self.lines


def lines_from_markdown(text: str) -> list[SourceLine]:
    """Markdown source to source lines (the pure core of :func:`read_lines`)."""
    return markdown_document(text)[0]


def markdown_document(text: str) -> tuple[list[SourceLine], Hidden]:
    """Markdown source to source lines, and the hidden texts (why no reader sees them, text) left out of them."""
    source = "\n".join(strip_front_matter(text_lines(text)))
    try:
        tokens = _parser().parse(source)
    except Exception as exc:  # markdown-it is a parser of arbitrary input: never let it escape
        raise DocumentError(Status.CORRUPT, f"the Markdown could not be parsed ({type(exc).__name__})") from None
    walker = _Walker()
    return walker.walk(tokens), walker.hidden


def read_lines(path: Path, *, max_bytes: int = MAX_BYTES) -> list[SourceLine]:
    """Read a Markdown resume into source lines.

    Raises :class:`DocumentError`: ``error`` for an unreadable or oversized
    file, ``unsupported`` for a binary file, ``no_text`` when nothing is left.
    """
    return read_document(path, max_bytes=max_bytes)[0]


def read_document(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[list[SourceLine], Hidden]:
    """The lines of a Markdown resume, and what it hides from a reader (comments, invisible HTML)."""
    lines, hidden = markdown_document(decode_text(read_bytes(path, max_bytes), "Markdown"))
    if not lines:
        raise DocumentError(Status.NO_TEXT, "the Markdown file has no text")
    return lines, hidden
