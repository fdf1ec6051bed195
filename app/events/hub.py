"""In-process fan-out of recorded events, one reader per replica.

A wake-up (a local commit, a PostgreSQL NOTIFY, or the periodic poll) makes
the hub read the records beyond what it has, once, into a bounded window per
(engine, stream). Subscribers read that window by sequence number. Because a
wake-up only says "look again", a lost notification delays an event until the
next poll; it cannot lose one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from app.db.database import Database
from app.events.records import CHANGES, READERS, UPDATES, engine_heads

log = logging.getLogger(__name__)
PAGE = 1000


class Window:
    """The latest records of one stream of one engine, contiguous by sequence."""

    def __init__(self, head: int, size: int) -> None:
        self.head = head
        self.size = size
        # A list indexed by seq - oldest: a subscriber's tail is one slice, not a
        # walk over the whole window (trimmed in batches to keep appends cheap).
        self._records: list[Any] = []
        self._changed = asyncio.Condition()
        self.closed = False

    @property
    def oldest(self) -> int:
        """The smallest sequence number still held (head + 1 when empty)."""
        return self._records[0].seq if self._records else self.head + 1

    def since(self, last: int) -> list[Any] | None:
        """Records after ``last``, or None when ``last`` is older than the window."""
        if last < self.oldest - 1:
            return None
        return self._records[last + 1 - self.oldest :]

    async def extend(self, records: Sequence[Any]) -> None:
        for record in records:
            if record.seq != self.head + 1:
                raise RuntimeError(f"gap in the record: expected {self.head + 1}, read {record.seq}")
            self._records.append(record)
            self.head = record.seq
        if len(self._records) > self.size + self.size // 4:
            del self._records[: len(self._records) - self.size]
        async with self._changed:
            self._changed.notify_all()

    async def wait_beyond(self, last: int) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self.head > last or self.closed)

    async def close(self) -> None:
        self.closed = True
        async with self._changed:
            self._changed.notify_all()


class EventHub:
    def __init__(self, db: Database, *, window_size: int = 50_000, poll_interval: float = 2.0) -> None:
        self.db = db
        self.window_size = window_size
        self.poll_interval = poll_interval
        self._windows: dict[tuple[UUID, str], Window] = {}
        self._dirty: set[UUID] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._window_lock = asyncio.Lock()
        self.closed = False
        self.subscribers = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="event-hub")

    async def stop(self) -> None:
        self.closed = True
        for window in self._windows.values():
            await window.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def wake(self, engine_uuid: UUID | None = None) -> None:
        """Something was committed for this engine (None: maybe for any engine)."""
        if engine_uuid is None:
            self._dirty.update(e for e, _ in self._windows)
        else:
            self._dirty.add(engine_uuid)
        self._wake.set()

    async def window(self, engine_uuid: UUID, stream: str) -> Window:
        key = (engine_uuid, stream)
        async with self._window_lock:
            if key not in self._windows:
                heads = await engine_heads(self.db)
                head = heads[engine_uuid].head(stream) if engine_uuid in heads else 0
                self._windows[key] = Window(head, self.window_size)
            return self._windows[key]

    def window_heads(self) -> dict[tuple[UUID, str], int]:
        """The last sequence each window has fanned out (metrics compare it with the record)."""
        return {key: w.head for key, w in self._windows.items()}

    async def _run(self) -> None:
        while not self.closed:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_interval)
            except TimeoutError:
                self._dirty.update(e for e, _ in self._windows)
            self._wake.clear()
            dirty, self._dirty = self._dirty, set()
            for engine_uuid in dirty:
                try:
                    await self._catch_up(engine_uuid)
                except Exception:
                    # The database may be briefly away; the next poll tries again.
                    log.exception("reading new records of engine %s failed", engine_uuid)
                    self._dirty.add(engine_uuid)

    async def _catch_up(self, engine_uuid: UUID) -> None:
        for stream in (UPDATES, CHANGES):
            window = self._windows.get((engine_uuid, stream))
            if window is None:
                continue
            while True:
                records = await READERS[stream](self.db, engine_uuid, window.head, PAGE)
                if records:
                    await window.extend(records)
                if len(records) < PAGE:
                    break
