"""letter message ids: the Message-ID of the email a letter went out in, so that a reply naming it in
In-Reply-To or References finds its case

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column without references: SQLite adds it in place, no table rebuild.
    op.add_column("letters", sa.Column("message_id", sa.String(length=500), nullable=True))
    op.create_index("ix_letters_message_id", "letters", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_letters_message_id", table_name="letters")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("message_id")
