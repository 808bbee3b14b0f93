"""claims: when a letter was claimed, so a claim left by a crashed print run can expire

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import privdesk.store.base

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("letters", sa.Column("claimed_at", privdesk.store.base.UTCDateTime(), nullable=True))
    # Claims held while upgrading count from now: they expire after the timeout like any other.
    now = sa.bindparam("now", dt.datetime.now(dt.UTC).replace(microsecond=0), privdesk.store.base.UTCDateTime())
    op.execute(sa.text("UPDATE letters SET claimed_at = :now WHERE claimed_by IS NOT NULL").bindparams(now))


def downgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("claimed_at")
