"""Alembic migrations, applied at start-up over the application's own connection."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DatabaseError, OperationalError

from privdesk.domain.errors import StoreError


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "privdesk.store:migrations")
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except (OperationalError, DatabaseError) as exc:
        raise StoreError("the database file is damaged or not a privdesk database") from exc


def upgrade(engine: Engine) -> bool:
    """Bring the schema to the latest revision; return True when something was applied.

    A database stamped with a revision this privdesk does not know was written by a newer
    version: refuse it rather than guess.
    """
    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    if current is not None:
        try:
            script.get_revision(current)
        except Exception as exc:
            raise StoreError(
                f"this database was written by a newer privdesk (schema {current}); "
                "update privdesk to open it"
            ) from exc
    if current == script.get_current_head():
        return False
    if current is None:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        if tables - {"alembic_version"}:
            raise StoreError("the database holds tables privdesk does not recognise; refusing to change it")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True
