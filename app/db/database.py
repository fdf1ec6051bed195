"""The database handle shared by the services: engine, sessions, write transactions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.db.aftercommit import CommitHook, Committed, take
from app.db.session import create_engine, is_sqlite, session_factory

log = logging.getLogger(__name__)
REALTIME_KEY = "pjsip_graph.realtime_tables"


class Database:
    """Owns the async engine. Reads use short sessions; writes use `writing()`.

    SQLite allows one writer at a time and a deferred transaction that read
    first cannot always upgrade to a write, so on SQLite write transactions
    are also serialised in process (the embedded default is one process).
    On PostgreSQL, services lock the engine row instead (see services.locking).
    """

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine: AsyncEngine = create_engine(url, **engine_kwargs)
        self.sessions = session_factory(self.engine)
        self.is_sqlite = is_sqlite(url)
        # Reads on PostgreSQL run without BEGIN/ROLLBACK: two round trips fewer
        # per read session. At READ COMMITTED (the default) every statement
        # takes its own snapshot anyway, inside a transaction or not. SQLite's
        # driver opens no transaction for reads in the first place.
        self._read_engine = (
            self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._read_sessions = session_factory(self._read_engine)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self.commit_hooks: list[CommitHook] = []
        # Asterisk's realtime tables live in this database: write them in every change's transaction.
        self.realtime_tables = False

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session:
            yield session

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A plain connection for the hottest reads (every request's token,
        configurations by uuid): no ORM session to set up and tear down."""
        async with self._read_engine.connect() as connection:
            yield connection

    @contextlib.asynccontextmanager
    async def writing(self, *, commit: bool = True) -> AsyncIterator[AsyncSession]:
        """One transaction; committed at the end unless ``commit`` is false (dry runs)."""
        lock = self._write_lock if self._write_lock is not None else contextlib.nullcontext()
        async with lock, self.sessions() as session:
            session.info[REALTIME_KEY] = self.realtime_tables
            transaction = await session.begin()
            try:
                yield session
            except BaseException:
                await transaction.rollback()
                raise
            if not commit:
                await transaction.rollback()
                return
            await transaction.commit()
            facts = take(session)
        if facts:
            await self._after_commit(facts)

    async def _after_commit(self, facts: Committed) -> None:
        # The change is committed whatever happens here: a failing hook (a cache
        # that is down) is logged, never turned into a failed request.
        for hook in self.commit_hooks:
            try:
                await hook(facts)
            except Exception:
                log.exception("after-commit hook %s failed", getattr(hook, "__qualname__", hook))

    async def dispose(self) -> None:
        await self.engine.dispose()
