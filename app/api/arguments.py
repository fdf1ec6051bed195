"""Checks of free-text arguments before they reach the database.

A NUL character cannot be stored or compared by PostgreSQL, and a very long
search pattern is refused by SQLite: both are the client's mistake.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.errors import InvalidInput
from app.services.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Window

MAX_SEARCH_CHARS = 200
MAX_TOKEN_CHARS = 1000

# The Relay paging arguments every connection takes.
PageSize = Annotated[
    int | None,
    strawberry.argument(
        description=(
            f"Page size, reading forwards: at most {MAX_PAGE_SIZE}; {DEFAULT_PAGE_SIZE} when neither `first` "
            "nor `last` is given."
        )
    ),
]
AfterCursor = Annotated[
    str | None,
    strawberry.argument(description="Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."),
]
LastSize = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page size, reading backwards from the end (or from `before`): at most {MAX_PAGE_SIZE}."
    ),
]
BeforeCursor = Annotated[
    str | None,
    strawberry.argument(description="End before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."),
]


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


def window_argument(first: int | None, after: str | None, last: int | None, before: str | None) -> Window:
    """A list's Relay paging arguments, with its cursors checked like any text."""
    return Window(first=first, after=text_argument("after", after), last=last, before=text_argument("before", before))


# Arguments every mutation of the same kind takes, described once.
DryRun = Annotated[
    bool | None,
    strawberry.argument(description="Check everything and list the updates it would record; store nothing."),
]
DeleteDryRun = Annotated[
    bool | None, strawberry.argument(description="List what the deletion would record; delete nothing.")
]
ExpectedRevision = Annotated[
    int | None,
    strawberry.argument(description="The revision the change was made from; CONFLICT when it is no longer current."),
]
