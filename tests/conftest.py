"""Shared fixtures: offscreen Qt, a fresh database per test, an in-memory keyring, a fixed clock."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PRIVDESK_SQLITE_JOURNAL", "WAL")

import keyring
import pytest
from hypothesis import settings as hypothesis_settings
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from privdesk.services.hub import Services

# Nothing a test does may land in the real user's folders. For the whole run the data, settings, cache
# (letterhead logos, fontconfig) and state folders and the home folder itself point into one temporary
# folder, set before any fixture runs so session fixtures are covered too; each test then gets a fresh
# set of its own (``isolated_home``). The folder is removed when the run ends.
XDG_FOLDERS = {
    "XDG_DATA_HOME": "data",
    "XDG_CONFIG_HOME": "config",
    "XDG_CACHE_HOME": "cache",
    "XDG_STATE_HOME": "state",
}
_run_home: Path | None = None
_saved_environment: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    global _run_home
    _saved_environment.update(
        {name: os.environ.get(name) for name in [*XDG_FOLDERS, "HOME", "HYPOTHESIS_STORAGE_DIRECTORY"]}
    )
    _run_home = Path(tempfile.mkdtemp(prefix="privdesk-tests-"))
    for variable, folder in XDG_FOLDERS.items():
        os.environ[variable] = str(_run_home / folder)
    (_run_home / "home").mkdir()
    os.environ["HOME"] = str(_run_home / "home")
    # Hypothesis's own caches (constants, Unicode tables) otherwise land in .hypothesis/ in the checkout.
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(_run_home / "hypothesis")
    # A run-wide keyring for module and session fixtures, which set up before the per-test one: left to
    # itself keyring picks the highest-priority backend it has seen imported, which depends on what the
    # run collected (a benchmark's read-only keyring, say) and on the machine.
    keyring.set_keyring(MemoryKeyring())


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, value in _saved_environment.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if _run_home is not None:
        shutil.rmtree(_run_home, ignore_errors=True)


# Hypothesis keeps no example database (by default ``.hypothesis/`` in the working folder).
hypothesis_settings.register_profile("privdesk", database=None)
hypothesis_settings.load_profile("privdesk")

# Tests run on a fixed day so deadlines and "overdue" are reproducible.
TODAY = dt.date(2026, 11, 20)


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self._store[(service, username)]
        except KeyError:
            raise PasswordDeleteError(username) from None


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the user's data folder, settings, cache and logs out of the tests: a fresh set per test."""
    home = tmp_path_factory.mktemp("home")
    for variable, folder in XDG_FOLDERS.items():
        monkeypatch.setenv(variable, str(home / folder))
    monkeypatch.delenv("PRIVDESK_DB", raising=False)
    return home


def fixed_now() -> dt.datetime:
    return dt.datetime.combine(TODAY, dt.time(15, 30), tzinfo=dt.UTC)


PG_ENV = "PRIVDESK_TEST_PG_URL"


def pg_server() -> str | None:
    """The PostgreSQL server the run targets (CI runs the suite once without, once with one)."""
    return os.environ.get(PG_ENV) or None


def sqlite_only(reason: str) -> pytest.MarkDecorator:
    """For the few tests about the SQLite file itself; everything else runs on both engines."""
    return pytest.mark.skipif(pg_server() is not None, reason=f"SQLite only: {reason}")


def database_target(tmp_path: Path, *, schema: bool = True, per_test: bool = True) -> str:
    """SQLite file by default; with a server named, a new PostgreSQL database holding the migrated
    schema (nothing at all with ``schema=False``), dropped after the test or, for module and session
    fixtures (``per_test=False``), at the end of the run."""
    server = pg_server()
    if server:
        from tests.pg import fresh_database

        return fresh_database(server, from_template="schema" if schema else None, per_test=per_test)
    return str(tmp_path / "test.db")


def cli_database(services: Services) -> str:
    """What ``--db`` takes for the database ``services`` has open: a file path or a server URL."""
    url = services.db.url
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    yield
    if pg_server():
        from tests.pg import drop_test_databases

        drop_test_databases()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if pg_server():
        from tests.pg import drop_run_databases

        drop_run_databases()


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    svc = Services.open(database_target(tmp_path), actor="tester", now=fixed_now)
    yield svc
    svc.close()


def _seed_demo(target: str) -> None:
    from privdesk.services.demo import mark_seeded, seed_demo

    svc = Services.open(target, actor="demo", now=fixed_now)
    try:
        seed_demo(svc)
        # The tests' demo is dated from their fixed day; opened with --demo it stands for today's demo
        # (a real day later it would be prepared again, see test_startup).
        mark_seeded(svc, dt.date.today())
    finally:
        svc.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded demo SQLite file built once per run (copied by tests that need a file, e.g. as a source)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    os.environ["PRIVDESK_SQLITE_JOURNAL"] = "DELETE"  # a single file that copies cleanly
    try:
        _seed_demo(str(path))
    finally:
        os.environ["PRIVDESK_SQLITE_JOURNAL"] = "WAL"
    return path


def demo_target(demo_template: Path, folder: Path, *, per_test: bool = True) -> str:
    """A new database holding the seeded demo: a copy of the SQLite file, or a clone of a PostgreSQL
    template seeded once per run when a server is named."""
    server = pg_server()
    if server:
        from tests.pg import fresh_database, template

        template(server, "demo", _seed_demo)
        return fresh_database(server, from_template="demo", per_test=per_test)
    import shutil

    target = folder / "demo.db"
    shutil.copy(demo_template, target)
    return str(target)


@pytest.fixture
def demo_services(demo_template: Path, tmp_path: Path) -> Iterator[Services]:
    svc = Services.open(demo_target(demo_template, tmp_path), actor="tester", now=fixed_now)
    yield svc
    svc.close()
