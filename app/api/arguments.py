"""Checks of free-text arguments before they reach the database.

A NUL character cannot be stored or compared by PostgreSQL, and a very long
search pattern is refused by SQLite: both are the client's mistake.
"""

from __future__ import annotations

from app.errors import InvalidInput

MAX_SEARCH_CHARS = 200
MAX_TOKEN_CHARS = 1000


def text_argument(name: str, value: str | None, max_chars: int = MAX_TOKEN_CHARS) -> str | None:
    if value is None:
        return None
    if "\x00" in value:
        raise InvalidInput.at(name, "must not contain NUL characters")
    if len(value) > max_chars:
        raise InvalidInput.at(name, f"{len(value)} characters; at most {max_chars}")
    return value


def search_argument(value: str | None) -> str | None:
    return text_argument("search", value, MAX_SEARCH_CHARS)
