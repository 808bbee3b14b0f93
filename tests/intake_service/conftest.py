from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from privdesk.services.hub import Services
from tests.conftest import fixed_now, pg_server
from tests.intake_service.support import add_demo_organizations


@pytest.fixture(scope="session")
def organizations_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the three demo organizations, built once and copied per test."""
    path = tmp_path_factory.mktemp("intake-template") / "template.db"
    os.environ["PRIVDESK_SQLITE_JOURNAL"] = "DELETE"  # a single file that copies cleanly
    try:
        svc = Services.open(str(path), actor="tester", now=fixed_now)
        add_demo_organizations(svc)
        svc.close()
    finally:
        os.environ["PRIVDESK_SQLITE_JOURNAL"] = "WAL"
    return path


def _add_organizations(target: str) -> None:
    svc = Services.open(target, actor="tester", now=fixed_now)
    try:
        add_demo_organizations(svc)
    finally:
        svc.close()


@pytest.fixture
def inbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    """Services over a fresh database holding the three demo organizations (no cases)."""
    server = pg_server()
    if server:
        from tests.pg import fresh_database, template

        template(server, "organizations", _add_organizations)
        target = fresh_database(server, from_template="organizations")
        svc = Services.open(target, actor="tester", now=fixed_now)
    else:
        target = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("organizations_template"), target)
        svc = Services.open(str(target), actor="tester", now=fixed_now)
    yield svc
    svc.close()
