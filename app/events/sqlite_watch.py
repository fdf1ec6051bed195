"""Notice commits made to an SQLite database by another process, for the price of two ``stat`` calls.

SQLite has nothing like PostgreSQL's NOTIFY across processes. In WAL mode (the product's
setting, app/db/session.py) every commit appends to ``<file>-wal`` and a checkpoint rewrites the
file itself, so a commit changes the size or modification time of one of the two. Comparing them
every few milliseconds costs microseconds, where polling with a query costs a round trip through
the driver's thread each time (about a tenth of a core at 50 polls a second). A change is only a
hint: the woken reader reads the record and may find nothing new.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

from app.events.wake import Wakeable

WATCH_INTERVAL = 0.02

Signature = tuple[tuple[int, int] | None, ...]


class SqliteCommitWatch:
    """Wakes ``target`` whenever the database file or its WAL changed since the last look."""

    def __init__(self, path: Path, target: Wakeable, *, interval: float = WATCH_INTERVAL) -> None:
        self.files = (path, path.with_name(path.name + "-wal"))
        self.target = target
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sqlite-commit-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def signature(self) -> Signature:
        """Size and modification time of each file (None while it does not exist)."""
        return tuple(_stat(path) for path in self.files)

    async def _run(self) -> None:
        seen = self.signature()
        while True:
            await asyncio.sleep(self.interval)
            current = self.signature()
            if current != seen:
                seen = current
                self.target.wake(None)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_size, info.st_mtime_ns
