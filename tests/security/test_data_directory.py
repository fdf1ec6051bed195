"""The SQLite data directory and its files are private to the server's user (PostgreSQL: not applicable)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import sqlalchemy as sa

from app.db.database import Database


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_database_and_its_wal_and_shm_files_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    file = folder / "pjsip-graph.db"
    previous = os.umask(0o022)  # the usual umask, which made all of them world-readable
    try:
        db = Database(f"sqlite+aiosqlite:///{file}")
        async with db.engine.begin() as connection:
            await connection.execute(sa.text("CREATE TABLE secret (password TEXT)"))
            await connection.execute(sa.text("INSERT INTO secret VALUES ('s3cret')"))
        async with db.engine.connect() as connection:
            assert (await connection.execute(sa.text("SELECT password FROM secret"))).scalar() == "s3cret"
            wal, shm = file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")
            assert wal.exists() and shm.exists()
            assert _mode(folder) == 0o700
            assert {p.name: _mode(p) for p in (file, wal, shm)} == {p.name: 0o600 for p in (file, wal, shm)}
        await db.dispose()
    finally:
        os.umask(previous)


def test_migrating_a_new_database_and_writing_the_admin_token_create_private_folders(tmp_path: Path) -> None:
    """The migration and the admin token are what a first start writes before the server opens the database."""
    from app.db.migrate import upgrade
    from app.services.bootstrap import write_secret_file

    previous = os.umask(0o022)
    try:
        upgrade(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'pjsip-graph.db'}")
        write_secret_file(tmp_path / "tokens" / "admin.token", "pjg_secret")
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "data") == 0o700
    assert _mode(tmp_path / "tokens") == 0o700
    assert _mode(tmp_path / "tokens" / "admin.token") == 0o600
