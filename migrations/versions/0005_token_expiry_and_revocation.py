"""API tokens: expiry, revocation and last use

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 10:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("expires_at", "revoked_at", "last_used_at")


def upgrade() -> None:
    # batch mode: SQLite cannot drop columns in place on downgrade otherwise.
    with op.batch_alter_table("api_token") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_token") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
