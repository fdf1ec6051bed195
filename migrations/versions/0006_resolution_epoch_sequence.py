"""Resolved-view versions from a sequence on PostgreSQL

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 19:40:00.000000

Writers of different tenants no longer queue on the engine row while they resolve, so the
version of a recomputed resolved view is drawn from a sequence, which takes no lock. It starts
after every engine's last epoch, so versions keep growing. SQLite keeps the engine column.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE SEQUENCE resolution_epoch_seq")
    op.execute("SELECT setval('resolution_epoch_seq', (SELECT COALESCE(MAX(resolution_epoch), 0) + 1 FROM engine))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # the engine column goes on from the last version handed out
    op.execute("UPDATE engine SET resolution_epoch = GREATEST(resolution_epoch, (SELECT last_value FROM resolution_epoch_seq))")
    op.execute("DROP SEQUENCE resolution_epoch_seq")
