"""Locking a single counter-like row that may not exist yet, safely on every engine.

``SELECT ... FOR UPDATE`` locks nothing when the row is missing, so two PostgreSQL transactions can
both decide to create it and the second fails on the primary key. Creating it with
``INSERT ... ON CONFLICT DO NOTHING`` first makes the second writer wait for the first and then find
the row; the ``FOR UPDATE`` that follows serialises the increments. (SQLite writers are already
serialised by ``BEGIN IMMEDIATE``; the same statement works there too.)
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

Row = TypeVar("Row")


def lock_or_create(session: Session, model: type[Row], key: dict[str, Any], defaults: dict[str, Any]) -> Row:
    """The row of ``model`` whose primary key is ``key``, created with ``defaults`` if missing, locked."""
    conditions = [getattr(model, name) == value for name, value in key.items()]
    query = select(model).where(*conditions).with_for_update()
    row = session.execute(query).scalar_one_or_none()
    if row is not None:
        return row
    # Imported here: the PostgreSQL dialect costs SQLite users a twentieth of a second at start-up.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement: Any = pg_insert(model)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(model)
    session.execute(statement.values(**key, **defaults).on_conflict_do_nothing(index_elements=list(key)))
    return session.execute(query.execution_options(populate_existing=True)).scalar_one()
