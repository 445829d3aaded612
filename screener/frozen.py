"""The base of the values the stages hand one another.

Frozen, so a document, an evidence item or a score cannot change after the
stage that made it (a cached copy and the one a report renders stay the
same value); ``extra="forbid"``, so a field misspelt in code or in a stored
payload is an error rather than data silently dropped.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


def _rebuilt(cls: type[Frozen], values: dict[str, Any], fields_set: set[str]) -> Frozen:
    """A pickled value made again as pydantic's own ``__copy__`` makes one: no validation, as the value was valid when pickled."""
    value = cls.__new__(cls)
    object.__setattr__(value, "__dict__", values)
    object.__setattr__(value, "__pydantic_fields_set__", fields_set)
    object.__setattr__(value, "__pydantic_extra__", None)  # extra="forbid": there is never any
    object.__setattr__(value, "__pydantic_private__", None)  # no frozen value has private attributes
    return value


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its class, fields and the fields it was given, without the state dict pydantic builds per value.

        A cached document is a few thousand of these: a third less time to store it and to load it back.
        """
        return (_rebuilt, (type(self), self.__dict__, self.__pydantic_fields_set__))
