"""row seals: a keyed digest per case, request item and consumer, so edits made outside privdesk show

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows are sealed by privdesk right after the upgrade (the key is not known here).
    op.create_table(
        "row_seals",
        sa.Column("entity", sa.String(20), primary_key=True),
        sa.Column("entity_id", sa.Integer(), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("row_seals")
