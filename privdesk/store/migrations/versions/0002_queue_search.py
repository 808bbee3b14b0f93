"""queue and search: consumer name on cases, queue indexes, case_search with FTS5 or trigram index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from privdesk.domain.search import case_search_body

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS = "case_search_fts"
TRGM_INDEX = "ix_case_search_body_trgm"
BACKFILL_BATCH = 2000

# FTS5 over case_search (external content: the text is stored once, in case_search). The triggers keep
# the index in step with every insert, update and delete, whichever code path writes the row.
SQLITE_FTS = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(body, content='case_search', content_rowid='case_id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    f"CREATE TRIGGER case_search_ai AFTER INSERT ON case_search BEGIN "
    f"INSERT INTO {FTS}(rowid, body) VALUES (new.case_id, new.body); END",
    f"CREATE TRIGGER case_search_ad AFTER DELETE ON case_search BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.case_id, old.body); END",
    f"CREATE TRIGGER case_search_au AFTER UPDATE ON case_search BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.case_id, old.body); "
    f"INSERT INTO {FTS}(rowid, body) VALUES (new.case_id, new.body); END",
]


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("cases", sa.Column("consumer_name", sa.String(length=300), server_default="", nullable=False))
    op.execute(
        "UPDATE cases SET consumer_name = "
        "(SELECT consumers.full_name FROM consumers WHERE consumers.id = cases.consumer_id)"
    )
    op.create_index("ix_cases_status_due", "cases", ["status", "next_due_on"])
    op.create_index("ix_cases_consumer_name", "cases", ["consumer_name"])
    op.create_index("ix_cases_closed_on", "cases", ["closed_on"])
    op.create_index("ix_cases_channel", "cases", ["channel"])
    op.create_index("ix_cases_jurisdiction", "cases", ["jurisdiction"])
    op.create_index("ix_request_items_type_case", "request_items", ["request_type", "case_id"])
    op.create_index("ix_request_items_status_type", "request_items", ["status", "request_type"])
    op.create_table(
        "case_search",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_search_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_search")),
    )
    _backfill(bind)
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
        op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    else:
        # pg_trgm is a trusted extension: a database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX {TRGM_INDEX} ON case_search USING gin (body gin_trgm_ops)")


def _backfill(bind: sa.Connection) -> None:
    """Every existing case's searchable text, in batches by id."""
    cases = sa.text(
        "SELECT c.id, c.reference, c.subject, c.summary, c.consumer_id, p.full_name, p.email, a.name "
        "FROM cases c JOIN consumers p ON p.id = c.consumer_id LEFT JOIN agents a ON a.id = c.agent_id "
        "WHERE c.id > :after ORDER BY c.id LIMIT :batch"
    )
    notes = sa.text(
        "SELECT case_id, body FROM notes WHERE case_id BETWEEN :first AND :last ORDER BY id"
    )
    identifiers = sa.text(
        "SELECT consumer_id, value FROM consumer_identifiers "
        "WHERE kind IN ('name', 'email') AND consumer_id IN :ids ORDER BY id"
    ).bindparams(sa.bindparam("ids", expanding=True))
    insert = sa.text("INSERT INTO case_search (case_id, body) VALUES (:case_id, :body)")
    after = 0
    while True:
        rows = bind.execute(cases, {"after": after, "batch": BACKFILL_BATCH}).all()
        if not rows:
            return
        first, last = rows[0][0], rows[-1][0]
        notes_of: dict[int, list[str]] = defaultdict(list)
        for case_id, body in bind.execute(notes, {"first": first, "last": last}):
            notes_of[case_id].append(body)
        others: dict[int, list[str]] = defaultdict(list)
        for consumer_id, value in bind.execute(identifiers, {"ids": sorted({r[4] for r in rows})}):
            others[consumer_id].append(value)
        bind.execute(
            insert,
            [
                {
                    "case_id": case_id,
                    "body": case_search_body(
                        reference=reference,
                        consumer_name=name,
                        consumer_email=email,
                        other_identifiers=others.get(consumer_id, ()),
                        agent_name=agent,
                        subject=subject,
                        summary=summary,
                        notes=notes_of.get(case_id, ()),
                    ),
                }
                for case_id, reference, subject, summary, consumer_id, name, email, agent in rows
            ],
        )
        after = last


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("case_search_ai", "case_search_ad", "case_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    else:
        op.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
    op.drop_table("case_search")
    op.drop_index("ix_request_items_status_type", table_name="request_items")
    op.drop_index("ix_request_items_type_case", table_name="request_items")
    op.drop_index("ix_cases_jurisdiction", table_name="cases")
    op.drop_index("ix_cases_channel", table_name="cases")
    op.drop_index("ix_cases_closed_on", table_name="cases")
    op.drop_index("ix_cases_consumer_name", table_name="cases")
    op.drop_index("ix_cases_status_due", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("consumer_name")
