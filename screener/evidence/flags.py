"""Token-pattern predicates on a word's text, compiled into lexeme flags.

spaCy's Matcher evaluates ``{"LOWER": {"REGEX": ...}}`` and ``{"IN": [...]}``
in Python for every token of every document: on a resume that is most of
the matching time. A lexeme flag is computed once per distinct word when the
word first enters the vocabulary and then tested in C, so the same patterns,
compiled this way, match the same tokens at a fraction of the cost. A
predicate this module does not compile stays as it was.
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

    def _flag(self, attr: str, operator: str, value: object) -> int | None:
        key = (attr, operator, tuple(value) if isinstance(value, list) else value)
        if key not in self._flags:
            text_of = _TEXT_OF[attr]
            if operator == "REGEX":
                pattern = re.compile(str(value))

                def check(text: str, pattern=pattern, text_of=text_of) -> bool:
                    return pattern.search(text_of(text)) is not None
            else:
                members = frozenset(value)  # type: ignore[arg-type]

                def check(text: str, members=members, text_of=text_of) -> bool:
                    return text_of(text) in members

            try:
                self._flags[key] = self.vocab.add_flag(check)
            except ValueError:  # the vocabulary has no flag left: the predicate stays in the pattern
                return None
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
