"""change events, retention marks, resolution versions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 04:55:29.758492
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from app.db.types import JSONDoc

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "config_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engine_uuid", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("tenant_uuid", sa.Uuid(), nullable=True),
        sa.Column("tenant_path", JSONDoc(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["engine_uuid"], ["engine.uuid"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("engine_uuid", "seq"),
    )
    with op.batch_alter_table("engine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_event_seq", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("pruned_update_seq", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("pruned_event_seq", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("resolution_epoch", sa.Integer(), nullable=False, server_default="1"))

    with op.batch_alter_table("sip_config", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("sip_config", schema=None) as batch_op:
        batch_op.drop_column("resolved_version")

    with op.batch_alter_table("engine", schema=None) as batch_op:
        batch_op.drop_column("resolution_epoch")
        batch_op.drop_column("pruned_event_seq")
        batch_op.drop_column("pruned_update_seq")
        batch_op.drop_column("last_event_seq")

    op.drop_table("config_event")
