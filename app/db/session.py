"""Async engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy.exc
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


PRIVATE_DIR_MODE = 0o700
# How long an SQLite writer waits for another process's write transaction (an import from the
# command line, a second server on the file) before giving up with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 10_000
BUSY_MESSAGE = (
    "the database is busy with another process's write (for more than "
    f"{SQLITE_BUSY_TIMEOUT_MS // 1000} s); nothing was changed, retry later"
)


def is_database_busy(error: BaseException) -> bool:
    """SQLite's "database is locked": another process held the write lock past the busy timeout."""
    return isinstance(error, sqlalchemy.exc.OperationalError) and "database is locked" in str(error.orig)


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` (and missing parents) readable by the server's user only; leave an existing one alone."""
    if not folder.exists():
        folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        os.chmod(folder, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine with the SQLite pragmas that make it behave (FKs, WAL, waits)."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            make_private_dir(Path(database).parent)
    engine = create_async_engine(url, json_serializer=_json_dumps, json_deserializer=orjson.loads, **kwargs)
    if is_sqlite(url):

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after commit without a
    # lazy reload (which would raise MissingGreenlet under asyncio).
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
