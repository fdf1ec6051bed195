"""The database handle shared by the services: engine, sessions, write transactions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import stat
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.db.aftercommit import CommitHook, Committed, take, want_resolved_views
from app.db.session import create_engine, is_sqlite, make_private_dir, session_factory
from app.switch_interval import many_rows, release

if TYPE_CHECKING:
    from app.db.tenant_graphs import TenantGraphs

log = logging.getLogger(__name__)
REALTIME_KEY = "pjsip_graph.realtime_tables"
# Writes recorded updates into Asterisk's realtime tables through the transaction's connection.
RealtimeWriter = Callable[[AsyncConnection, Sequence[Any]], Awaitable[None]]


# The SQLite file and its -wal/-shm companions hold SIP passwords: only the server's user may read them.
PRIVATE_FILE_MODE = 0o600
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _sqlite_file(url: str) -> Path | None:
    if not is_sqlite(url):
        return None
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _prepare_private_file(path: Path) -> None:
    """Create the data directory 0700 and the database file 0600 before SQLite opens it.

    SQLite gives the -wal and -shm files it creates later the database file's
    permissions, so a private main file keeps its companions private too. An
    existing directory is left as it is (it may be shared) but a warning says
    when others can enter it.
    """
    folder = path.parent
    if not folder.exists():
        make_private_dir(folder)
    elif folder.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("the database folder %s is accessible to other users; make it 0700", folder)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
    _chmod_companions(path)


def _chmod_companions(path: Path) -> None:
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(companion.stat().st_mode) != PRIVATE_FILE_MODE:
                os.chmod(companion, PRIVATE_FILE_MODE)


def _keep_private(engine: AsyncEngine, path: Path) -> None:
    """After each new connection (which may create -wal/-shm), make sure the files are 0600."""

    @event.listens_for(engine.sync_engine, "connect")
    def _private(_dbapi_connection: Any, _record: Any) -> None:
        _chmod_companions(path)


class Database:
    """Owns the async engine. Reads use short sessions; writes use `writing()`.

    SQLite allows one writer at a time and a deferred transaction that read
    first cannot always upgrade to a write, so on SQLite write transactions
    are serialised in process and begin with ``BEGIN IMMEDIATE``: a writer
    holds the file's write lock from its first read, so another process on
    the same file (a second server, an import from the CLI) waits for its
    commit instead of reading what is about to change. On PostgreSQL,
    services lock the scope of their change instead (see record.engine_row).
    """

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        database_file = _sqlite_file(url)
        # The SQLite file (None on PostgreSQL, or for an in-memory database).
        self.sqlite_file = database_file
        if database_file is not None:
            _prepare_private_file(database_file)
        self.engine: AsyncEngine = create_engine(url, **engine_kwargs)
        if database_file is not None:
            _keep_private(self.engine, database_file)
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
        # Whether a hook reads the resolved views a change recomputes (the write-through cache).
        self.keeps_resolved_views = False
        # When Asterisk's realtime tables live in this database, what writes them in every change's
        # transaction (set by the application, so that the record need not know about Asterisk).
        self.realtime_writer: RealtimeWriter | None = None
        # Whole-tenant graphs kept between the changes of a long-lived process (set by the application).
        self.tenant_graphs: TenantGraphs | None = None

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session:
            yield session

    @contextlib.asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncSession]:
        """A read-only transaction whose statements all see one committed state.

        For reads made of many statements that must agree (an export read a
        part at a time). PostgreSQL: REPEATABLE READ, READ ONLY. SQLite: an
        explicit deferred transaction, whose first read fixes the WAL snapshot;
        writers are not blocked by it.
        """
        async with self.sessions() as session:
            if self.is_sqlite:
                connection = await session.connection()
                await connection.exec_driver_sql("BEGIN")
            else:
                await session.connection(
                    execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
                )
            try:
                yield session
            finally:
                await session.rollback()

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
            session.info[REALTIME_KEY] = self.realtime_writer
            want_resolved_views(session, self.keeps_resolved_views)
            if self.tenant_graphs is not None:
                self.tenant_graphs.attach(session)
            transaction = await session.begin()
            try:
                if self.is_sqlite:
                    # The driver would begin only at the first write, after the change's reads:
                    # a writer of another process could commit in between, and both would then
                    # write the same next revision of one configuration.
                    await (await session.connection()).exec_driver_sql("BEGIN IMMEDIATE")
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
            if facts.graphs and self.tenant_graphs is not None:
                self.tenant_graphs.keep(facts.graphs)
            await self._after_commit(facts)
            # A big change's resolved views, kept for the hooks, and what it left to free after
            # its commit (`free_after_commit`) are freed off the event loop.
            await release(many_rows(len(facts.resolved)), facts.resolved)
            await release(bool(facts.unneeded), facts.unneeded)

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
