"""intake links: a case names the inbox item it was made from; an IMAP message that keeps failing is
recorded with its failures and reason

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FK = "fk_cases_intake_item_id_intake_items"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; a batch rebuild of ``cases`` would have to
        # drop a table other rows refer to while foreign keys are enforced.
        op.execute(
            "ALTER TABLE cases ADD COLUMN intake_item_id INTEGER "
            f"CONSTRAINT {_FK} REFERENCES intake_items (id)"
        )
    else:
        op.add_column("cases", sa.Column("intake_item_id", sa.Integer(), nullable=True))
        op.create_foreign_key(_FK, "cases", "intake_items", ["intake_item_id"], ["id"])
    op.create_index("ix_cases_intake_item_id", "cases", ["intake_item_id"])
    # Cases made before this revision carry the link only as a coded warning; copy it to the column.
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, warnings FROM cases WHERE CAST(warnings AS TEXT) LIKE '%intake-item:%'")
    )
    for case_id, warnings in rows.fetchall():
        items = json.loads(warnings) if isinstance(warnings, str) else warnings
        for warning in items or []:
            basis = str(warning.get("basis") or "") if isinstance(warning, dict) else ""
            if warning.get("code") == "from_intake" and basis.startswith("intake-item:"):
                bind.execute(
                    sa.text("UPDATE cases SET intake_item_id = :item WHERE id = :case"),
                    {"item": int(basis.partition(":")[2]), "case": case_id},
                )
                break
    with op.batch_alter_table("imported_messages") as batch:
        batch.add_column(sa.Column("imported", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("imported_messages") as batch:
        batch.drop_column("last_error")
        batch.drop_column("failures")
        batch.drop_column("imported")
    op.drop_index("ix_cases_intake_item_id", table_name="cases")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(_FK, "cases", type_="foreignkey")
    op.drop_column("cases", "intake_item_id")
