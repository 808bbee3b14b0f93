"""Fixtures for the shared-server tests: a target per engine, a PostgreSQL server when one is named."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from privdesk.paths import resource
from privdesk.services.hub import Services
from tests.conftest import PG_ENV, fixed_now, pg_server

needs_pg = pytest.mark.skipif(pg_server() is None, reason=f"{PG_ENV} names no PostgreSQL server")


@pytest.fixture
def pg_url() -> str:
    """A fresh, empty PostgreSQL database (skipped without a server)."""
    server = pg_server()
    if server is None:
        pytest.skip(f"{PG_ENV} names no PostgreSQL server")
    from tests.pg import fresh_database

    return fresh_database(server, from_template=None)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One database two clients open at once: an SQLite file, then (when a server is named) PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "shared.db")
    server = pg_server()
    if server is None:
        pytest.skip(f"{PG_ENV} names no PostgreSQL server")
    from tests.pg import fresh_database

    return fresh_database(server)


@pytest.fixture
def open_client() -> Iterator[Callable[..., Services]]:
    """Open another client on a target; closed at the end of the test."""
    opened: list[Services] = []

    def _open(target: str, actor: str = "tester") -> Services:
        svc = Services.open(target, actor=actor, now=fixed_now)
        opened.append(svc)
        return svc

    yield _open
    for svc in opened:
        svc.close()


def load_organizations(svc: Services) -> None:
    for slug in ("mstis", "coverys", "lossexpress"):
        svc.organizations.import_profile_file(resource("demo", f"{slug}.toml"))
