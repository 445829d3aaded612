"""Which files are candidates (DESIGN §2).

INPUT is a folder or a single file. Each supported file directly inside the
folder is one candidate; each immediate sub-folder is one candidate whose
supported files, at any depth, are its documents. Hidden files and folders,
Office lock files and unsupported files are skipped and listed with a reason.
Symlinked folders are never followed (no loops); a symlinked file is read only
when it resolves inside INPUT. Nothing in INPUT is ever written.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from screener.errors import ScreenerError
from screener.frozen import Frozen

#: File suffixes screener reads (compared case-insensitively).
SUPPORTED_SUFFIXES = frozenset({".pdf", ".docx", ".md", ".markdown", ".txt"})
#: A candidate id is at most this long.
MAX_ID_LENGTH = 80
#: The id of a candidate whose name has no ASCII letters or digits.
FALLBACK_ID = "candidate"
#: Folders that archive tools leave behind, skipped like hidden ones.
JUNK_FOLDERS = frozenset({"__MACOSX"})
#: Letters NFKD does not decompose into ASCII.
TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "þ": "th",
        "Þ": "th",
        "ð": "d",
        "ı": "i",
    }
)
#: Names Windows refuses as file names, whatever the extension.
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)})


class CandidateInput(Frozen):
    """One candidate: a file, or a folder of documents."""

    candidate_id: str
    source: str
    documents: tuple[Path, ...]
    kind: Literal["file", "folder"]

    def sources(self, input_path: Path) -> list[tuple[Path, str]]:
        """Each document with the path reports name it by: relative to the screened folder.

        :func:`discover` listed the documents under the resolved input, so a relative or
        symlinked ``input_path`` is resolved first (against it as typed, ``jane-doe/resume.pdf``
        would be named plain ``resume.pdf``); a resolved one, the usual case, costs no lookup.
        """
        base = input_path if input_path.is_dir() else input_path.parent
        if self.documents and not self.documents[0].is_relative_to(base):
            base = base.resolve()
        return [(path, display_name(path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name)) for path in self.documents]


class Skipped(Frozen):
    """A path that is not screened, and why."""

    path: str
    reason: str


class Discovery(Frozen):
    candidates: tuple[CandidateInput, ...]
    skipped: tuple[Skipped, ...]


def display_name(text: str) -> str:
    """``text`` as valid Unicode, for every output that names a file.

    A file name may hold bytes that are not UTF-8; Python reads them as lone
    surrogates, which no UTF-8 output can hold. They are shown as ``\\xNN``
    escapes instead, so the name stays recognisable and distinct.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def slugify(name: str) -> str:
    """A filesystem-safe id: lower-case ASCII letters, digits and hyphens."""
    folded = unicodedata.normalize("NFKD", name.translate(TRANSLITERATE))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").casefold()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    slug = slug[:MAX_ID_LENGTH].rstrip("-")
    if not slug:
        return FALLBACK_ID
    if slug in RESERVED_NAMES:
        slug = f"{slug}-{FALLBACK_ID}"
    return slug


def unique_ids(bases: Iterable[str]) -> list[str]:
    """Make ids unique in order: the second "jane-doe" becomes "jane-doe-2", and so on."""
    taken: set[str] = set()
    out: list[str] = []
    for base in bases:
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            suffix = f"-{number}"
            candidate = base[: MAX_ID_LENGTH - len(suffix)].rstrip("-") + suffix
        taken.add(candidate)
        out.append(candidate)
    return out


def is_supported(name: str) -> bool:
    return Path(name).suffix.casefold() in SUPPORTED_SUFFIXES


def is_hidden(name: str) -> bool:
    return name.startswith((".", "~$")) or name in JUNK_FOLDERS


def _unsupported(name: str) -> str:
    suffix = Path(name).suffix
    return f"unsupported file type {suffix.casefold()}" if suffix else "unsupported file type (no extension)"


def _sort_key(text: str) -> tuple[str, str]:
    return (text.casefold(), text)


class _Scanner:
    def __init__(self, root: Path, exclude: tuple[Path, ...]) -> None:
        self.root = root
        self.exclude = exclude
        self.skipped: list[Skipped] = []

    def rel(self, path: Path) -> str:
        return display_name(path.relative_to(self.root).as_posix())

    def skip(self, path: Path, reason: str) -> None:
        self.skipped.append(Skipped(path=self.rel(path), reason=reason))

    def entries(self, folder: Path) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(folder) as listing:
                return sorted(listing, key=lambda e: _sort_key(e.name))
        except OSError as exc:
            self.skip(folder, f"cannot read the folder ({exc.strerror or exc})")
            return []

    def readable_file(self, entry: os.DirEntry[str]) -> Path | None:
        """The path to read for a file entry, or None (with the reason recorded)."""
        path = Path(entry.path)
        if is_hidden(entry.name):
            self.skip(path, "hidden")
            return None
        if any(path == e for e in self.exclude):
            self.skip(path, "output folder")
            return None
        try:
            if entry.is_symlink():
                if entry.is_dir(follow_symlinks=True):
                    self.skip(path, "symlink")
                    return None
                target = path.resolve(strict=True)
                if not target.is_relative_to(self.root):
                    self.skip(path, "symlink outside the input folder")
                    return None
                mode = target.stat().st_mode
            else:
                target = path
                mode = entry.stat(follow_symlinks=False).st_mode
        except (OSError, RuntimeError):  # broken link, or a link loop
            self.skip(path, "broken symlink" if entry.is_symlink() else "cannot read the file")
            return None
        if stat.S_ISDIR(mode):
            return None
        if not stat.S_ISREG(mode):
            self.skip(path, "not a regular file")
            return None
        if not is_supported(entry.name):
            self.skip(path, _unsupported(entry.name))
            return None
        return target if entry.is_symlink() else path

    def folder_documents(self, folder: Path) -> list[tuple[str, Path]]:
        """Supported files at any depth, without following symlinked folders."""
        found: list[tuple[str, Path]] = []
        pending = [folder]
        while pending:
            current = pending.pop()
            for entry in self.entries(current):
                path = Path(entry.path)
                if entry.is_dir(follow_symlinks=False) and not entry.is_symlink():
                    if is_hidden(entry.name):
                        self.skip(path, "hidden")
                    elif any(path == e for e in self.exclude):
                        self.skip(path, "output folder")
                    else:
                        pending.append(path)
                    continue
                target = self.readable_file(entry)
                if target is not None:
                    found.append((path.relative_to(folder).as_posix(), target))
        found.sort(key=lambda item: _sort_key(item[0]))
        unique: list[tuple[str, Path]] = []
        seen: set[Path] = set()
        for rel, target in found:  # two links to one file are one document
            key = target.resolve()
            if key not in seen:
                seen.add(key)
                unique.append((rel, target))
        return unique


def discover(input_path: Path, *, exclude: Iterable[Path] = ()) -> Discovery:
    """List the candidates under ``input_path`` (a folder or a single file).

    ``exclude`` names folders never to look into (an output folder placed
    inside INPUT). Raises :class:`ScreenerError` when ``input_path`` does not
    exist or cannot be read.
    """
    input_path = Path(input_path)
    if not input_path.exists():
        raise ScreenerError(f"input not found: {input_path}")
    try:
        root = input_path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise ScreenerError(f"cannot read the input {input_path}: {exc}") from None
    if root.is_file():
        return _single_file(input_path, root)
    if not root.is_dir():
        raise ScreenerError(f"the input is neither a folder nor a file: {input_path}")
    if not os.access(root, os.R_OK | os.X_OK):
        raise ScreenerError(f"cannot read the input folder: {input_path}")
    scanner = _Scanner(root, tuple(Path(e).resolve() for e in exclude))
    found: list[tuple[str, str, tuple[Path, ...], Literal["file", "folder"]]] = []  # source, base id, documents, kind
    for entry in scanner.entries(root):
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False) and not entry.is_symlink():
            if is_hidden(entry.name):
                scanner.skip(path, "hidden")
                continue
            if any(path == e for e in scanner.exclude):
                scanner.skip(path, "output folder")
                continue
            before = len(scanner.skipped)
            documents = scanner.folder_documents(path)
            if documents:
                found.append((display_name(entry.name), slugify(entry.name), tuple(d for _, d in documents), "folder"))
            else:
                scanner.skip(path, "no supported files" if len(scanner.skipped) > before else "empty folder")
            continue
        target = scanner.readable_file(entry)
        if target is not None:
            found.append((display_name(entry.name), slugify(Path(entry.name).stem), (target,), "file"))
    found.sort(key=lambda item: _sort_key(item[0]))
    ids = unique_ids(base for _, base, _, _ in found)
    candidates = tuple(
        CandidateInput(candidate_id=cid, source=source, documents=documents, kind=kind) for cid, (source, _, documents, kind) in zip(ids, found, strict=True)
    )
    skipped = tuple(sorted(scanner.skipped, key=lambda s: _sort_key(s.path)))
    return Discovery(candidates=candidates, skipped=skipped)


def _single_file(given: Path, path: Path) -> Discovery:
    """INPUT named one file: it is the one candidate (hidden or not: the user named it)."""
    name = display_name(given.name or path.name)
    if not is_supported(name):
        return Discovery(candidates=(), skipped=(Skipped(path=name, reason=_unsupported(name)),))
    candidate = CandidateInput(candidate_id=slugify(Path(name).stem), source=name, documents=(path,), kind="file")
    return Discovery(candidates=(candidate,), skipped=())
