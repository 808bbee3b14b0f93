"""Alembic migrations, applied at start-up over the application's own connection.

Alembic itself is loaded only when a database is not at the newest revision: at every ordinary start the
stamped revision is read with one query and compared with the newest migration file's revision.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError, OperationalError

from privdesk.domain.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"


def newest_revision_file() -> str:
    """The newest revision, from the file names: migrations are numbered ``NNNN_what.py`` in a line,
    each file's revision being its number (a test holds this to Alembic's own head)."""
    return max(path.name.split("_", 1)[0] for path in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "privdesk.store:migrations")
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except (OperationalError, DatabaseError) as exc:
        if engine.dialect.name != "sqlite":  # a server: most often it cannot be reached
            raise StoreError(server_problem(engine, exc)) from exc
        raise StoreError("the database file is damaged or not a privdesk database") from exc


def server_problem(engine: Engine, exc: Exception) -> str:
    """One line for a database server that refused or could not be reached (no password shown)."""
    url = engine.url
    where = f"{url.host or 'localhost'}:{url.port or 5432}" + (f"/{url.database}" if url.database else "")
    orig = getattr(exc, "orig", None)
    lines = [line.strip() for line in str(orig if orig is not None else exc).splitlines() if line.strip()]
    reason = lines[0] if lines else type(exc).__name__
    reason = reason.removeprefix("FATAL:").strip()
    kind = "PostgreSQL" if url.get_backend_name() == "postgresql" else url.get_backend_name()
    return f"cannot use the {kind} database at {where}: {reason[:200]}"


def is_up_to_date(engine: Engine) -> bool:
    """True when the database is stamped with the newest migration: one query, without loading Alembic
    (which takes a third of a second to import)."""
    return _stamped_revision(engine) == newest_revision_file()


def upgrade(engine: Engine) -> bool:
    """Bring the schema to the latest revision; return True when something was applied.

    A database stamped with a revision this privdesk does not know was written by a newer
    version: refuse it rather than guess.
    """
    if is_up_to_date(engine):
        return False
    from alembic import command
    from alembic.script import ScriptDirectory

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


def _stamped_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, or None when there is none (or it cannot be read yet)."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    except (OperationalError, DatabaseError):
        return None  # no table yet, or a damaged file: the full path below says which
