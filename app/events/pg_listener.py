"""LISTEN on PostgreSQL so commits on any replica wake this replica's hub (or the push agent).

One dedicated asyncpg connection (not from the pool: pooled connections are
recycled, and LISTEN needs a session). When the connection dies it reconnects
with backoff and wakes the hub for every engine, which reads what was missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from uuid import UUID

import asyncpg
from sqlalchemy.engine import make_url

from app.events.wake import Wakeable
from app.record.updates import NOTIFY_CHANNEL

log = logging.getLogger(__name__)
# Shown in pg_stat_activity, so operators (and tests) can find the listener connections.
LISTENER_APPLICATION_NAME = "pjsip-graph-listener"


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class PgListener:
    def __init__(self, url: str, hub: Wakeable, *, max_backoff: float = 5.0) -> None:
        self.dsn = asyncpg_dsn(url)
        self.hub = hub
        self.max_backoff = max_backoff
        self.connected = False
        self.reconnects = 0
        self.backend_pid: int | None = None
        self._conn: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="pg-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._close()

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            self.hub.wake(UUID(payload))
        except ValueError:
            self.hub.wake(None)

    def _on_terminate(self, _conn: Any) -> None:
        self.connected = False
        self._lost.set()

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        self.connected = False
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)

    async def _run(self) -> None:
        backoff = 0.1
        while True:
            try:
                conn = await asyncpg.connect(
                    self.dsn, timeout=5, server_settings={"application_name": LISTENER_APPLICATION_NAME}
                )
                conn.add_termination_listener(self._on_terminate)
                await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
                self._conn, self.connected, self._lost = conn, True, asyncio.Event()
                self.backend_pid = conn.get_server_pid()
                backoff = 0.1
                # Whatever was committed while not listening is in the record: read it.
                self.hub.wake(None)
                await self._watch(conn)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("PostgreSQL listener: %s; retrying in %.1fs", exc, backoff)
            await self._close()
            self.reconnects += 1
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)

    async def _watch(self, conn: asyncpg.Connection) -> None:
        """Return when the connection is lost (terminated, or failing a liveness probe)."""
        while True:
            try:
                await asyncio.wait_for(self._lost.wait(), timeout=10)
                return
            except TimeoutError:
                await conn.fetchval("SELECT 1", timeout=5)
