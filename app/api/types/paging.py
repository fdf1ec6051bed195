"""Relay-style page information shared by every connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import strawberry


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_info(cursors: Sequence[str], *, has_next_page: bool, has_previous_page: bool) -> PageInfo:
    """The page information of a page whose edges carry these cursors, in order."""
    return PageInfo(
        has_next_page=has_next_page,
        has_previous_page=has_previous_page,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


@strawberry.type
class CountedConnection:
    """A connection's page information and its total, counted only when asked for."""

    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    async def total_count(self) -> int:
        return await self.count()
