"""Moving up: copy a privdesk database (usually the one-workstation SQLite file) to a shared server.

The target is brought to the current schema with the same Alembic migrations and must be empty. Every
table is copied in foreign-key order, in batches, inside one transaction on the target (a failure
leaves it empty); PostgreSQL id sequences are then moved past the copied ids. Finally the copy is
checked: the same number of rows in every table, every document's bytes still match their SHA-256,
and the audit chain verifies on the target.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, Table, bindparam, func, inspect, select, text, update

from privdesk.domain.errors import StoreError, ValidationError
from privdesk.services.backup import Credentials
from privdesk.services.dburl import resolve_pg_url
from privdesk.services.hub import Services
from privdesk.services.secrets import SecretStore
from privdesk.store.base import Base
from privdesk.store.engine import database_url, describe_url

BATCH_ROWS = 500
Progress = Callable[[str, int], None]  # (table, rows copied so far)


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def equal(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class CopyReport:
    source: str
    target: str
    tables: list[TableCount]
    documents_checked: int
    audit_ok: bool
    audit_checked: int
    audit_reason: str
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return sum(t.target for t in self.tables)


def copy_database(
    source: str,
    target: str,
    *,
    progress: Progress | None = None,
    secrets: SecretStore | None = None,
    credentials: Credentials | None = None,
) -> CopyReport:
    """Copy every privdesk table from ``source`` to an empty ``target`` and verify the copy."""
    started = time.monotonic()
    source_url, target_url = database_url(source), database_url(target)
    if source_url == target_url:
        raise ValidationError("the source and the target are the same database")
    if source_url.get_backend_name() == "sqlite" and source_url.database not in (None, "", ":memory:"):
        from pathlib import Path

        if not Path(source_url.database).is_file():
            raise ValidationError(f"no database file at {source_url.database}")
    # Opened like the application opens them: keys and passwords from the keyring, schema migrated to
    # head (the copy is made with today's models, so the source must match them).
    source_services = Services.open(source, actor="migrate-db", secrets=secrets)
    try:
        # Every case leaves with the copy: only an administrator of the source may make it.
        check_administrator_of(source_services, credentials)
    except BaseException:
        source_services.close()
        raise
    try:
        target_services = Services.open(
            resolve_pg_url(target, secrets.get if secrets else None), actor="migrate-db", secrets=secrets
        )
    except BaseException:
        source_services.close()
        raise
    source_engine, target_engine = source_services.db.engine, target_services.db.engine
    try:
        tables = _tables(source_engine)
        _refuse_non_empty(target_engine, tables)
        # The source's transaction takes SQLite's writer lock, so nothing changes there during the copy.
        with source_engine.connect() as src, target_engine.begin() as dst:
            for table in tables:
                _copy_table(src, dst, table, progress)
            if target_engine.dialect.name == "postgresql":
                _reset_sequences(dst, tables)
            src.rollback()
        from privdesk.store.seals import seal_unsealed

        with target_services.db.write() as s:
            seal_unsealed(s, target_services.db.seal_key)
        return _verify(
            source_engine,
            target_services,
            tables,
            describe_url(source_url),
            describe_url(target_url),
            time.monotonic() - started,
        )
    finally:
        source_services.close()
        target_services.close()


def check_administrator_of(services: Services, credentials: Credentials | None) -> None:
    from privdesk.domain.types import Role
    from privdesk.services.access import AccessDenied, require_role

    users = services.users
    if users.needs_first_run() or users.automatic_user() is not None:
        return
    if credentials is None:
        raise AccessDenied(
            "copying the database needs an administrator's sign-in: name the account with --user NAME "
            "(or PRIVDESK_USER); the password is asked for, or read from PRIVDESK_LOGIN_PASSWORD"
        )
    services.ctx.actor = users.authenticate(credentials.username, credentials.password).username
    require_role(services.ctx, Role.ADMINISTRATOR)


def _tables(engine: Engine) -> list[Table]:
    """privdesk's tables in dependency order (parents first); helper tables of indexes are not data."""
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
    missing = [t.name for t in Base.metadata.sorted_tables if t.name not in present]
    if missing:
        raise StoreError(f"the source lacks tables {', '.join(missing)}; is it a privdesk database?")
    # Seals are keyed per database: the target seals its copied rows under its own key afterwards.
    return [t for t in Base.metadata.sorted_tables if t.name != "row_seals"]


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _refuse_non_empty(engine: Engine, tables: list[Table]) -> None:
    with engine.connect() as conn:
        filled = [t.name for t in tables if _count(conn, t)]
    if filled:
        raise ValidationError(
            f"the target database is not empty ({', '.join(filled[:5])} hold rows); "
            "copy only into a new database"
        )


def _self_references(table: Table) -> list[str]:
    """Columns pointing at the same table (a merged consumer points at the one it was merged into)."""
    return [c.name for c in table.columns for fk in c.foreign_keys if fk.column.table is table]


def _copy_table(src: Connection, dst: Connection, table: Table, progress: Progress | None) -> None:
    order = list(table.primary_key.columns)
    deferred = _self_references(table)
    later: list[dict[str, object]] = []
    copied = 0
    result = src.execution_options(stream_results=True).execute(select(table).order_by(*order))
    while rows := result.fetchmany(BATCH_ROWS):
        batch = [dict(row._mapping) for row in rows]
        if deferred:
            # Insert without the self-references first: the row pointed at may come later.
            for row in batch:
                refs = {name: row[name] for name in deferred if row[name] is not None}
                if refs:
                    later.append({"_pk": row["id"], **refs})
                    row.update(dict.fromkeys(refs))
        dst.execute(table.insert(), batch)
        copied += len(batch)
        if progress is not None:
            progress(table.name, copied)
    for name in deferred:
        pending = [{"_pk": r["_pk"], "_value": r[name]} for r in later if name in r]
        if pending:
            dst.execute(
                update(table).where(table.c.id == bindparam("_pk")).values({name: bindparam("_value")}),
                pending,
            )


def _reset_sequences(dst: Connection, tables: list[Table]) -> None:
    """Ids were copied explicitly, so each serial sequence must continue after the highest one."""
    for table in tables:
        if not _integer_key(table):
            continue
        column = next(iter(table.primary_key.columns))
        if column.autoincrement is False:  # keys the application chooses (year, the single head row)
            continue
        dst.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                f"COALESCE(MAX({column.name}), 1), MAX({column.name}) IS NOT NULL) FROM {table.name}"
            )
        ).all()


def _integer_key(table: Table) -> bool:
    pk = list(table.primary_key.columns)
    try:
        return len(pk) == 1 and pk[0].type.python_type is int
    except NotImplementedError:
        return False


def _verify(
    source: Engine,
    target_services: Services,
    tables: list[Table],
    source_name: str,
    target_name: str,
    seconds: float,
) -> CopyReport:
    problems: list[str] = []
    counts: list[TableCount] = []
    with source.connect() as src, target_services.db.engine.connect() as dst:
        for table in tables:
            count = TableCount(table.name, _count(src, table), _count(dst, table))
            counts.append(count)
            if not count.equal:
                problems.append(
                    f"{table.name}: {count.source} rows in the source, {count.target} in the target"
                )
        contents = Base.metadata.tables["document_contents"]
        checked = 0
        result = dst.execution_options(stream_results=True).execute(
            select(contents.c.sha256, contents.c.data)
        )
        while rows := result.fetchmany(100):
            for sha256, data in rows:
                checked += 1
                if hashlib.sha256(bytes(data)).hexdigest() != sha256:
                    problems.append(f"document content {sha256[:12]}... does not match its SHA-256")
    report = target_services.audit.verify()
    if not report.ok:
        problems.append(f"the audit trail does not verify on the target: {report.reason}")
    return CopyReport(
        source=source_name,
        target=target_name,
        tables=counts,
        documents_checked=checked,
        audit_ok=report.ok,
        audit_checked=report.checked,
        audit_reason=report.reason,
        seconds=round(seconds, 2),
        problems=problems,
    )
