from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from privdesk.domain.errors import StoreError
from privdesk.store.base import Base
from privdesk.store.engine import make_engine
from privdesk.store.migrate import current_revision, head_revision, upgrade
from privdesk.store.models import include_in_schema_comparison
from tests.conftest import database_target


def test_migrating_an_empty_database_gives_exactly_the_models(tmp_path: Path) -> None:
    engine = make_engine(database_target(tmp_path, schema=False))
    assert upgrade(engine) is True
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_in_schema_comparison}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert upgrade(engine) is False  # already at head: nothing to do


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "x.db")
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_database_from_a_newer_privdesk_is_refused(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "new.db")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(StoreError, match="newer privdesk"):
        upgrade(engine)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "letter.db"
    bogus.write_bytes(b"Dear officer, this is not a database at all." * 10)
    with pytest.raises(StoreError, match="not a privdesk database"):
        make_engine(bogus)


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        make_engine(tmp_path / "nowhere" / "x.db")


def test_foreign_tables_are_not_touched(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "other.db")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    with pytest.raises(StoreError, match="does not recognise"):
        upgrade(engine)


def test_the_newest_migration_file_names_alembics_head() -> None:
    """Start-up compares the stamped revision with the newest file's number before loading Alembic."""
    from privdesk.store.migrate import newest_revision_file

    assert newest_revision_file() == head_revision()
