"""open case indexes: the queue's open cases in each sort order, ties by id, partial on the open statuses

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The open statuses as of this revision, sorted. SQLite uses a partial index only when the query states
# its condition verbatim: the queue writes ``status || ''`` there (kept off the status indexes, which its
# planner would otherwise prefer) and lists the values in this order (models.open_status_condition).
OPEN_STATUSES = (
    "acknowledged",
    "awaiting_authorization",
    "awaiting_verification",
    "extended",
    "in_progress",
    "received",
)
OPEN_LIST = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
SQLITE_WHERE = sa.text(f"(status || '') IN ({OPEN_LIST})")
POSTGRESQL_WHERE = sa.text(f"status IN ({OPEN_LIST})")

INDEXES = {
    "ix_cases_open_due": "next_due_on",
    "ix_cases_open_organization": "organization_id",
    "ix_cases_open_consumer_name": "consumer_name",
    "ix_cases_open_jurisdiction": "jurisdiction",
    "ix_cases_open_channel": "channel",
    "ix_cases_open_received_on": "received_on",
    "ix_cases_open_status": "status",
}


def upgrade() -> None:
    for name, column in INDEXES.items():
        op.create_index(
            name,
            "cases",
            [column, "id"],
            sqlite_where=SQLITE_WHERE,
            postgresql_where=POSTGRESQL_WHERE,
        )


def downgrade() -> None:
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="cases")
