"""clock and know period: a request item records when its clock started (UK relevant time), the spans
it stood still (waiting for clarification) and how far back a California know request reaches

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable columns without references: SQLite adds them in place, no table rebuild.
    op.add_column("request_items", sa.Column("clock_started_on", sa.Date(), nullable=True))
    op.add_column("request_items", sa.Column("clock_pauses", sa.JSON(), nullable=True))
    op.add_column("request_items", sa.Column("know_since", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("request_items") as batch:
        batch.drop_column("know_since")
        batch.drop_column("clock_pauses")
        batch.drop_column("clock_started_on")
