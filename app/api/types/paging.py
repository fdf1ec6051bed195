"""Relay-style page information shared by every connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import strawberry


@strawberry.type(description="Where a page sits in its list (Relay's connection specification).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow the page.")
    has_previous_page: bool = strawberry.field(
        description="Items precede the page (when reading forwards: whether `after` was given)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first item; null for an empty page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item; null for an empty page.")


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

    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist, either way.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the list holds in all pages (counted only when asked for).")
    async def total_count(self) -> int:
        return await self.count()
