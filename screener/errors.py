"""One error tree, with messages written for the person running screener."""

from __future__ import annotations

from pydantic import ValidationError

from screener.document import Status


class ScreenerError(Exception):
    """Base of every error screener reports to a user (exit code 2 at the CLI)."""


class ConfigError(ScreenerError):
    """A data file (taxonomy, vocabulary, profile) is invalid; names the file and the problem."""


class DocumentError(ScreenerError):
    """A document could not be read. ``status`` is the CSV status; the message is one line."""

    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __str__(self) -> str:
        return f"{self.status.value}: {self.message}"


def validation_problems(exc: ValidationError) -> str:
    """A data file's validation errors on one line: ``field.path: problem; ...``, for a ConfigError's message."""
    return "; ".join(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors())
