"""Typed errors raised by the domain and service layers.

The API layer maps each one to a GraphQL error with ``extensions.code``; nothing
below the API knows about GraphQL.
"""

from __future__ import annotations

from dataclasses import dataclass


class AppError(Exception):
    """Base of every error a client is allowed to see."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def extensions(self) -> dict[str, object]:
        return {"code": self.code}


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem with one input field, e.g. ``input.options.endpoint[3].key``."""

    field: str
    message: str


class InvalidInput(AppError):
    """Bad user input. Carries every issue found, the first one as ``field``."""

    code = "BAD_USER_INPUT"

    def __init__(self, issues: list[Issue] | Issue) -> None:
        self.issues = [issues] if isinstance(issues, Issue) else list(issues)
        if not self.issues:
            raise ValueError("InvalidInput needs at least one issue")
        first = self.issues[0]
        message = f"{first.field}: {first.message}"
        if len(self.issues) > 1:
            message += f" (and {len(self.issues) - 1} more)"
        super().__init__(message)

    @classmethod
    def at(cls, field: str, message: str) -> InvalidInput:
        return cls(Issue(field, message))

    @property
    def field(self) -> str:
        return self.issues[0].field

    def extensions(self) -> dict[str, object]:
        return {
            "code": self.code,
            "field": self.field,
            "issues": [{"field": i.field, "message": i.message} for i in self.issues],
        }


class NotFound(AppError):
    code = "NOT_FOUND"


class Conflict(AppError):
    code = "CONFLICT"


class Forbidden(AppError):
    code = "FORBIDDEN"


class Unauthenticated(AppError):
    code = "UNAUTHENTICATED"
