"""Engines and sessions: SQLite (default, one workstation) or PostgreSQL (shared), chosen by URL."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import QueuePool

from privdesk.domain.errors import ConflictError, StoreError
from privdesk.store.crypto import SQLITE_HEADER, WrongKey, sqlcipher_key

BUSY_TIMEOUT_MS = 10_000


def database_url(path_or_url: str | os.PathLike[str]) -> URL:
    """Turn a file path or an SQLAlchemy URL into a URL; a bare path means SQLite."""
    text = os.fspath(path_or_url)
    if "://" in text:
        try:
            return make_url(text)
        except ArgumentError as exc:
            raise StoreError(f"not a database URL: {text!r}") from exc
    path = Path(text).expanduser()
    return URL.create("sqlite+pysqlite", database=str(path))


def sqlite_module() -> Any:
    """The one DBAPI module every SQLite file of privdesk's is opened with, plain or encrypted."""
    from sqlcipher3 import dbapi2

    return dbapi2


def describe_url(url: URL) -> str:
    """A display form without the password (status bar, messages)."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def _check_sqlite_file(url: URL, *, encrypted: bool = False) -> None:
    database = url.database
    if not database or database == ":memory:":
        return
    path = Path(database)
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a database file")
        if not os.access(path, os.R_OK | os.W_OK):
            raise StoreError(f"cannot write to the database file {path} (check its permissions)")
        with path.open("rb") as fh:
            header = fh.read(16)
        if not encrypted and header and header != SQLITE_HEADER and len(header) >= 16:
            raise StoreError(
                f"{path} is not a privdesk database (the file is damaged, of another kind, "
                "or encrypted with a key this computer does not hold)"
            )
    else:
        if not folder.exists():
            raise StoreError(f"the folder {folder} does not exist")
        if not os.access(folder, os.W_OK):
            raise StoreError(f"cannot create a database in {folder} (the folder is not writable)")
        # Created empty and private: SQLite gives its -wal and -shm files the database file's mode.
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(
    path_or_url: str | os.PathLike[str] | URL, *, echo: bool = False, key: bytes | None = None
) -> Engine:
    """An engine for a file or URL. With ``key`` (32 bytes) the SQLite file is opened with SQLCipher,
    created encrypted when new; a wrong key raises ``WrongKey`` (a StoreError) here, not on first use."""
    url = path_or_url if isinstance(path_or_url, URL) else database_url(path_or_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        _check_sqlite_file(url, encrypted=key is not None)
        connect_args = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        if key is not None:
            if not url.database or url.database == ":memory:":
                raise StoreError("an in-memory database cannot be encrypted")
            # The raw key skips SQLCipher's PBKDF2; a queue pool keeps connections open all the same.
            url = URL.create("sqlite+pysqlcipher", password=sqlcipher_key(key), database=url.database)
            engine = create_engine(url, echo=echo, connect_args=connect_args, poolclass=QueuePool)
        else:
            # Plain files go through SQLCipher's SQLite too: the integrity check, backups, exports and
            # key changes use it, and two copies of SQLite in one process each believe they hold the
            # file's POSIX locks alone, so one deletes the WAL under the other (database corruption).
            engine = create_engine(url, echo=echo, connect_args=connect_args, module=sqlite_module())
        _install_sqlite_hooks(engine)
        if key is not None:
            _check_key(engine)
    elif backend == "postgresql":
        engine = create_engine(url, echo=echo, pool_pre_ping=True)
    else:
        raise StoreError(
            f"unsupported database kind {backend!r}: use an SQLite file or a postgresql+psycopg URL"
        )
    return engine


def engine_key(engine: Engine) -> bytes | None:
    """The raw key an SQLCipher engine was opened with (for backups under the same key), else None."""
    if engine.dialect.driver != "pysqlcipher":
        return None
    text = engine.url.password or ""
    if text.startswith("x'") and text.endswith("'"):
        return bytes.fromhex(text[2:-1])
    return None


def _check_key(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").all()
    except DatabaseError as exc:
        engine.dispose()
        name = Path(engine.url.database or "").name
        raise WrongKey(f"cannot unlock {name}: wrong key or passphrase") from exc


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so that we can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.dialect.driver == "pysqlcipher":
            cursor.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is reported, not logged to stderr
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        journal = os.environ.get("PRIVDESK_SQLITE_JOURNAL", "WAL").upper()
        if journal in {"WAL", "DELETE", "TRUNCATE"}:
            cursor.execute(f"PRAGMA journal_mode={journal}")
        cursor.execute("PRAGMA synchronous=NORMAL" if journal == "WAL" else "PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the lock up front: a deferred transaction that upgrades to a write can fail
        # with SQLITE_BUSY immediately, without waiting for the busy timeout.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """The engine and its session factory; one session per user action (``with db.write() as s``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url
        self.is_sqlite = engine.dialect.name == "sqlite"
        from privdesk.store import seals

        self.seal_key = seals.seal_key_from(engine_key(engine))
        self._writer = sessionmaker(engine, expire_on_commit=False)
        reader_bind = engine.execution_options(sqlite_begin="DEFERRED") if self.is_sqlite else engine
        self._reader = sessionmaker(reader_bind, expire_on_commit=False)
        seals.install(self._writer, self.seal_key)
        seals.install(self._reader, self.seal_key)

    @property
    def display_name(self) -> str:
        return describe_url(self.url)

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        with translate_errors(), self._writer.begin() as session:
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with translate_errors(), self._reader.begin() as session:
            yield session

    def optimize(self) -> None:
        """Refresh SQLite's table statistics where they are missing or stale (``PRAGMA optimize``, bounded
        by ``analysis_limit``): without them the planner may walk a whole index where a partial index of
        open cases holds a fraction of the rows. A no-op on PostgreSQL, which keeps its own statistics."""
        if not self.is_sqlite:
            return
        try:
            with self.engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA analysis_limit=400")
                conn.exec_driver_sql("PRAGMA optimize=0x10002")
        except (OperationalError, DatabaseError):
            pass  # busy or read-only: the statistics wait for the next start

    def dispose(self) -> None:
        self.engine.dispose()


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Database failures become StoreErrors with a reason an officer can act on."""
    try:
        yield
    except StaleDataError as exc:
        raise ConflictError(
            "someone else changed this record while you were editing it; reload to see their change"
        ) from exc
    except IntegrityError as exc:
        raise ConflictError(f"the change conflicts with data already stored ({_first_line(exc)})") from exc
    except OperationalError as exc:
        text = str(exc.orig) if exc.orig is not None else str(exc)
        if "locked" in text or "busy" in text:
            raise StoreError(
                "the database is busy (another privdesk or program holds it); try again in a moment"
            ) from exc
        if "unable to open" in text or "readonly" in text or "read-only" in text:
            raise StoreError(f"the database cannot be opened for writing: {text}") from exc
        if "no such table" in text:
            raise StoreError("the database has not been set up (no privdesk tables found)") from exc
        raise StoreError(f"database error: {text}") from exc
    except DatabaseError as exc:
        text = str(exc.orig) if exc.orig is not None else str(exc)
        if "not a database" in text or "malformed" in text:
            raise StoreError("the database file is damaged or not a privdesk database") from exc
        raise StoreError(f"database error: {text}") from exc


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).splitlines()[0][:200]
