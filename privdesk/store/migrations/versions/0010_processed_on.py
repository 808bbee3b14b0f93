"""processed on: the day an opt-out or limit request was carried out, which meets its deadline before
the confirmation goes to the consumer

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column without references: SQLite adds it in place, no table rebuild.
    op.add_column("request_items", sa.Column("processed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("request_items") as batch:
        batch.drop_column("processed_on")
