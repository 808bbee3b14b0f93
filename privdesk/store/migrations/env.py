"""Alembic environment: always run over the connection privdesk hands in (no logging setup)."""

from __future__ import annotations

from alembic import context

from privdesk.store import models  # noqa: F401  (registers the tables)
from privdesk.store.base import Base
from privdesk.store.models import include_in_schema_comparison

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("privdesk migrations run only over an application connection")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_in_schema_comparison,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
