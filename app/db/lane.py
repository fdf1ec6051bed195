"""One session's statements running while its caller computes.

A big change alternates computing (in a worker thread, `app/switch_interval.off_loop`) with
statements (reading the recorded objects of the next part, storing the states of the last).
Run one after the other, the database and the computing each wait for the other. A lane
runs the session's statements in the background, one at a time and in the order they were
given (a session runs one statement at a time), while the caller goes on computing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


class StatementLane:
    """Statements that run one after another, each once the previous one has ended."""

    def __init__(self) -> None:
        self._last: asyncio.Task[Any] | None = None
        self._abandoned = False

    def then(self, statement: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
        """Run ``statement()`` once the statements given before have ended; its task, to await
        for its result. It does not run if one of those failed: it fails the same way."""
        previous = self._last

        async def run() -> T:
            if previous is not None:
                await previous
            if self._abandoned:
                raise asyncio.CancelledError
            return await statement()

        task = asyncio.ensure_future(run())
        self._last = task
        return task

    async def drain(self) -> None:
        """Wait for every statement given; raise the first failure."""
        if self._last is not None:
            await self._last

    async def abandon(self) -> None:
        """Drop the statements not yet started, and wait until the running one has ended.

        The running one is not cancelled: cancelled in the middle, a statement can leave the
        connection without its transaction's rollback (seen with SQLite's driver, whose thread
        goes on running it), and the database locked for every later writer.
        """
        self._abandoned = True
        if self._last is not None:
            with contextlib.suppress(BaseException):
                await asyncio.shield(self._last)


@contextlib.asynccontextmanager
async def statement_lane(joined: StatementLane | None = None) -> AsyncIterator[StatementLane]:
    """A lane whose statements have all ended when the block does: waited for when it ends
    normally, cancelled when it raises (before the session's transaction rolls back).

    ``joined``: a lane the caller started (its statements come first), used instead of a new one.
    """
    lane = joined or StatementLane()
    try:
        yield lane
    except BaseException:
        await lane.abandon()
        raise
    await lane.drain()
