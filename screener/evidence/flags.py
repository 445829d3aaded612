"""Token-pattern predicates on a word's text, compiled into lexeme flags.

spaCy's Matcher evaluates ``{"LOWER": {"REGEX": ...}}`` and ``{"IN": [...]}``
in Python for every token of every document: on a resume that is most of
the matching time. A lexeme flag is computed once per distinct word when the
word first enters the vocabulary and then tested in C, so the same patterns,
compiled this way, match the same tokens at a fraction of the cost. A
predicate this module does not compile stays as it was.

spaCy's ``Vocab.add_flag`` walks the whole vocabulary for each flag (~4,000
lexemes after ``spacy.blank("en")``: 0.8 s of start-up for two dozen flags),
so flags are registered as getters at once, for the words still to come, and
the words already there get every flag in one walk (``finish``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.vocab import Vocab

#: The token attributes whose value is a function of the word's text alone.
_TEXT_OF: dict[str, Callable[[str], str]] = {"TEXT": lambda text: text, "ORTH": lambda text: text, "LOWER": str.lower}


class FlagCompiler:
    """Rewrites token patterns for one vocabulary, one flag per distinct predicate."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._flags: dict[tuple[str, str, object], int] = {}
        self._unapplied: dict[int, Callable[[str], bool]] = {}

    def _register(self, check: Callable[[str], bool]) -> int | None:
        """A free flag bit (as ``Vocab.add_flag`` picks it) now computed for every new word."""
        getters = self.vocab.lex_attr_getters
        free = next((bit for bit in range(1, 64) if bit not in getters), None)
        if free is not None:
            getters[free] = check
            self._unapplied[free] = check
        return free

    def finish(self) -> None:
        """Set the registered flags on the words that were in the vocabulary before them."""
        if self._unapplied:
            for lexeme in self.vocab:
                text = lexeme.orth_
                for bit, check in self._unapplied.items():
                    lexeme.set_flag(bit, check(text))
            self._unapplied.clear()

    def _flag(self, attr: str, operator: str, value: object) -> int | None:
        key = (attr, operator, tuple(value) if isinstance(value, list) else value)
        if key not in self._flags:
            text_of = _TEXT_OF[attr]
            if operator == "REGEX":
                pattern = re.compile(str(value))

                def searches(text: str, pattern=pattern, text_of=text_of) -> bool:
                    return pattern.search(text_of(text)) is not None

                check: Callable[[str], bool] = searches
            else:
                members = frozenset(value)  # type: ignore[call-overload]

                def belongs(text: str, members=members, text_of=text_of) -> bool:
                    return text_of(text) in members

                check = belongs

            flag = self._register(check)
            if flag is None:  # the vocabulary has no flag left: the predicate stays in the pattern
                return None
            self._flags[key] = flag
        return self._flags[key]

    def token(self, spec: dict) -> dict:
        """One token's spec with its compilable predicates replaced by flags."""
        compiled = {}
        for attr, value in spec.items():
            if attr in _TEXT_OF and isinstance(value, dict) and len(value) == 1:
                ((operator, operand),) = value.items()
                if operator == "REGEX" or (operator == "IN" and isinstance(operand, list) and all(isinstance(v, str) for v in operand)):
                    flag = self._flag(attr, operator, operand)
                    if flag is not None:
                        compiled[flag] = True
                        continue
            compiled[attr] = value
        return compiled

    def patterns(self, patterns: list[list[dict]]) -> list[list[dict]]:
        return [[self.token(spec) for spec in pattern] for pattern in patterns]
