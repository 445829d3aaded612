"""The base of the values the stages hand one another.

Frozen, so a document, an evidence item or a score cannot change after the
stage that made it (a cached copy and the one a report renders stay the
same value); ``extra="forbid"``, so a field misspelt in code or in a stored
payload is an error rather than data silently dropped.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
