"""Sorcery object and update fields as json text on PostgreSQL

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 08:40:00.000000
"""

from collections.abc import Sequence

import orjson
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    # SQLite stores JSON as text already: nothing changes there.
    if op.get_bind().dialect.name != "postgresql":
        return
    _fields_as(postgresql.JSON(), postgresql.JSONB(), "json")
    _compact_object_texts()


def _fields_as(new: sa.types.TypeEngine[object], old: sa.types.TypeEngine[object], cast: str) -> None:
    for table in ("sorcery_object", "sorcery_update"):
        op.alter_column(
            table, "fields", type_=new, existing_type=old, postgresql_using=f"fields::{cast}", existing_nullable=False
        )


def _compact_object_texts() -> None:
    """Rewrite object states in the compact form the application writes.

    jsonb's text form has spaces; an object whose stored text is not what the
    application would write is decoded and compared instead, which is correct
    but slower, so existing states are normalised once here.
    """
    bind = op.get_bind()
    last: tuple[str, str, str] = ("", "", "")
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT engine_uuid::text, object_type, object_id, fields::text FROM sorcery_object "
                "WHERE (engine_uuid::text, object_type, object_id) > (:e, :t, :i) "
                "ORDER BY engine_uuid::text, object_type, object_id LIMIT :n"
            ),
            {"e": last[0], "t": last[1], "i": last[2], "n": BATCH},
        ).all()
        if not rows:
            return
        bind.execute(
            sa.text(
                "UPDATE sorcery_object SET fields = CAST(:f AS json) "
                "WHERE engine_uuid = CAST(:e AS uuid) AND object_type = :t AND object_id = :i"
            ),
            [{"e": e, "t": t, "i": i, "f": orjson.dumps(orjson.loads(f)).decode()} for e, t, i, f in rows],
        )
        last = (rows[-1][0], rows[-1][1], rows[-1][2])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _fields_as(postgresql.JSONB(), postgresql.JSON(), "jsonb")
