"""Words broken by a hyphen at a line end, made whole as their typesetter broke them.

A hyphen at a line end is either the typesetter's syllable break, to mend
away ("al-" / "gorithm"), or one the writer typed, to keep ("user-" /
"friendly"). Which tool typeset the file decides it (``document.yaml``'s
``hyphenating_tools``: TeX and Typst hyphenate words themselves; word
processors and browsers break lines only at spaces and typed hyphens), and in
a hyphenating tool's file the document's own spelling elsewhere still keeps a
compound whole: "scikit-learn" written once on a line keeps "scikit-" /
"learn" whole too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: A hyphen at a line end between word characters, with the (possibly hyphenated) words it joins.
LINE_END_HYPHEN = re.compile(r"([\w-]*\w)-\n(\w[\w-]*)")
#: A hyphenated word printed whole on one line.
COMPOUND = re.compile(r"\w+(?:-\w+)+")


@dataclass(frozen=True)
class BrokenWords:
    """How one document's line-end hyphens read: its typesetter's habit and the compounds it writes whole."""

    syllables: bool = False  # the typesetter hyphenates words itself (the document's ``layout.hyphenates``)
    compounds: frozenset[str] = field(default_factory=frozenset)  # hyphenated words written whole elsewhere, case-folded

    @classmethod
    def of(cls, text: str, hyphenates: bool) -> BrokenWords:
        """The rules for a document of ``text``; the compounds matter only where syllable breaks are mended."""
        if not hyphenates or "-\n" not in text:
            return cls(syllables=hyphenates)
        return cls(syllables=True, compounds=frozenset(word.casefold() for word in COMPOUND.findall(text)))

    def is_syllable_break(self, before: str, after: str) -> bool:
        """The typesetter's own break: a lower-case continuation of a word with no hyphen of its own that the document never writes hyphenated.

        TeX never hyphenates a word that holds a hyphen except at that hyphen,
        so "state-of-the-" / "art" is broken where the writer wrote one.
        """
        return (
            self.syllables
            and after[0].islower()
            and "-" not in before
            and "-" not in after
            and f"{before}-{after}".casefold() not in self.compounds
        )

    def _rejoin(self, match: re.Match[str]) -> str:
        before, after = match.group(1), match.group(2)
        return before + after if self.is_syllable_break(before, after) else f"{before}-{after}"

    def mend(self, text: str) -> str:
        """``text`` with each word broken by a hyphen at a line end whole again, on the line where it starts."""
        if "-\n" not in text:  # the break's own characters, found without trying a word character at every position
            return text
        return LINE_END_HYPHEN.sub(self._rejoin, text)


#: For text whose typesetter is unknown or breaks only at typed hyphens.
KEEP_HYPHENS = BrokenWords()
