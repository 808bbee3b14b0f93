"""imap uids: UIDVALIDITY and UID are unsigned 32-bit numbers in IMAP, beyond PostgreSQL's integer

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A server may number a mailbox up to 4,294,967,295 (RFC 9051 nz-number); PostgreSQL's integer stops
    # at 2,147,483,647, so such a mailbox could not be fetched. SQLite's integer was always wide enough.
    with op.batch_alter_table("imported_messages") as batch:
        batch.alter_column("uidvalidity", type_=sa.BigInteger(), existing_type=sa.Integer(), nullable=False)
        batch.alter_column("uid", type_=sa.BigInteger(), existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("imported_messages") as batch:
        batch.alter_column("uid", type_=sa.Integer(), existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("uidvalidity", type_=sa.Integer(), existing_type=sa.BigInteger(), nullable=False)
