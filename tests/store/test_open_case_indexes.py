"""The open-case indexes of migration 0004 state the very condition the models (and so the queue's
queries) state: a partial index is used only for a query that implies its condition, and SQLite checks
that by comparing the expressions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.schema import CreateIndex

from privdesk.store.engine import make_engine
from privdesk.store.migrate import upgrade
from privdesk.store.models import Case
from tests.conftest import database_target


def index_definitions(engine: Engine, names: list[str]) -> dict[str, str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            query = text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
        else:
            query = text("SELECT indexname, indexdef FROM pg_indexes")
        return {name: sql for name, sql in conn.execute(query) if name in names}


def test_migrated_open_case_indexes_are_the_models(tmp_path: Path) -> None:
    engine = make_engine(database_target(tmp_path, schema=False))
    upgrade(engine)
    declared = [i for i in Case.__table__.indexes if str(i.name).startswith("ix_cases_open_")]
    names = [str(i.name) for i in declared]
    assert len(names) == 7
    # The models' own statements, under other names, beside the migrated ones: the engine writes both.
    with engine.begin() as conn:
        for index in declared:
            ddl = str(CreateIndex(index).compile(dialect=engine.dialect))
            conn.execute(text(ddl.replace(f"INDEX {index.name} ", f"INDEX {index.name}_model ", 1)))
    migrated = index_definitions(engine, names)
    modelled = index_definitions(engine, [f"{name}_model" for name in names])
    assert set(migrated) == set(names)
    for name in names:
        assert modelled[f"{name}_model"].replace(f"{name}_model", name) == migrated[name]
    engine.dispose()
