"""Shared fixtures: offscreen Qt, a fresh database per test, an in-memory keyring, a fixed clock."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PRIVDESK_SQLITE_JOURNAL", "WAL")

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from privdesk.services.hub import Services

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
    """Keep the user's data folder, settings and logs out of the tests."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("PRIVDESK_DB", raising=False)
    return home


def fixed_now() -> dt.datetime:
    return dt.datetime.combine(TODAY, dt.time(15, 30), tzinfo=dt.UTC)


def database_target(tmp_path: Path) -> str:
    """SQLite file by default; PostgreSQL when PRIVDESK_TEST_PG_URL names a server (CI runs both)."""
    pg = os.environ.get("PRIVDESK_TEST_PG_URL")
    if pg:
        from tests.pg import fresh_database

        return fresh_database(pg)
    return str(tmp_path / "test.db")


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    svc = Services.open(database_target(tmp_path), actor="tester", now=fixed_now)
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded demo database built once per run and copied by the tests that need it."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    os.environ["PRIVDESK_SQLITE_JOURNAL"] = "DELETE"  # a single file that copies cleanly
    try:
        svc = Services.open(str(path), actor="demo", now=fixed_now)
        from privdesk.services.demo import seed_demo

        seed_demo(svc)
        svc.close()
    finally:
        os.environ["PRIVDESK_SQLITE_JOURNAL"] = "WAL"
    return path


@pytest.fixture
def demo_services(demo_template: Path, tmp_path: Path) -> Iterator[Services]:
    import shutil

    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    svc = Services.open(str(target), actor="tester", now=fixed_now)
    yield svc
    svc.close()
