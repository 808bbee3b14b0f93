"""PostgreSQL test databases on the server named by PRIVDESK_TEST_PG_URL.

Every test gets a database of its own, cloned with ``CREATE DATABASE ... TEMPLATE`` from a template
built once per run (migrating a new database takes about ten times longer than cloning one), and
dropped again when the test ends, so a run leaves the server as it found it. Names carry the host and
process, so runs from several processes share a server; databases that a killed run left behind are
dropped by the next run on the same host.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import socket
import threading
from collections.abc import Callable

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

PREFIX = "privdesk_t"
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
_NAME = re.compile(rf"^{PREFIX}(?:est|pl)_{_HOST}_(\d+)_")
_OLD_NAME = re.compile(rf"^{PREFIX}est_(\d+)_\d+$")  # named before the host was part of the name

_counter = itertools.count()
_lock = threading.Lock()
_admins: dict[str, Engine] = {}  # by server (the URL without its database)
_templates: dict[tuple[str, str], str] = {}  # (server, label) -> template name
_per_test: dict[str, str] = {}  # database name -> server
_per_run: dict[str, str] = {}


def _server(url: str) -> str:
    return make_url(url).set(database=None).render_as_string(hide_password=False)


def _admin(server_url: str) -> Engine:
    """One autocommit engine per server, on the database the URL names (CREATE/DROP DATABASE need one)."""
    server = _server(server_url)
    with _lock:
        engine = _admins.get(server)
        if engine is not None:
            return engine
        engine = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT", pool_size=1)
        _admins[server] = engine
    _drop_stale(engine)
    return engine


def _url(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _new_name(kind: str, label: str = "") -> str:
    suffix = f"_{label}" if label else ""
    return f"{PREFIX}{kind}_{_HOST}_{os.getpid()}_{next(_counter)}{suffix}"[:63]


def _drop(engine: Engine, name: str) -> None:
    with engine.connect() as conn:
        # Clients a test forgot to close (or a worker thread still polling) must not keep it alive.
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _drop_stale(engine: Engine) -> None:
    """Drop what earlier runs on this host left behind when they were killed before their teardown."""
    with engine.connect() as conn:
        names = conn.execute(
            text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"), {"prefix": f"{PREFIX}%"}
        ).scalars()
        stale = [
            n for n in names if (m := _NAME.match(n) or _OLD_NAME.match(n)) and not _alive(int(m.group(1)))
        ]
    for name in stale:
        _drop(engine, name)


def template(server_url: str, label: str, build: Callable[[str], None] | None = None) -> str:
    """The name of this run's template database ``label``, built on first use by ``build(url)``
    (which must close every connection it opened: a template with clients cannot be cloned).
    Without ``build`` the template holds the migrated, empty schema."""
    key = (_server(server_url), label)
    with _lock:
        known = _templates.get(key)
    if known is not None:
        return known
    engine = _admin(server_url)
    name = _new_name("pl", label)
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    _per_run[name] = key[0]
    try:
        (build or _migrate)(_url(server_url, name))
    except BaseException:
        drop_database(_url(server_url, name))
        raise
    with _lock:
        _templates[key] = name
    return name


def _migrate(url: str) -> None:
    from privdesk.store.engine import make_engine
    from privdesk.store.migrate import upgrade

    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def fresh_database(server_url: str, *, from_template: str | None = "schema", per_test: bool = True) -> str:
    """The URL of a new database: a clone of the template ``from_template`` (see ``template``; the
    migrated schema by default), or empty with ``from_template=None``. A per-test database is dropped
    by ``drop_test_databases`` when the test ends, any other by ``drop_database`` in the fixture that
    made it or at the latest by ``drop_run_databases``."""
    engine = _admin(server_url)
    source = template(server_url, from_template) if from_template else "template0"
    name = _new_name("est")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    (_per_test if per_test else _per_run)[name] = _server(server_url)
    return _url(server_url, name)


def drop_database(url: str) -> None:
    """Drop one database made here (its clients are disconnected first)."""
    name = make_url(url).database or ""
    server = _per_test.pop(name, None) or _per_run.pop(name, None) or _server(url)
    engine = _admins.get(server)
    if engine is not None:
        _drop(engine, name)


def drop_test_databases() -> None:
    while _per_test:
        name, server = _per_test.popitem()
        _drop(_admins[server], name)


def drop_run_databases() -> None:
    """Everything this run made, the templates last."""
    drop_test_databases()
    for name in sorted(_per_run, key=lambda n: n.startswith(f"{PREFIX}pl")):
        _drop(_admins[_per_run[name]], name)
    _per_run.clear()
    _templates.clear()
    for engine in _admins.values():
        engine.dispose()
    _admins.clear()
