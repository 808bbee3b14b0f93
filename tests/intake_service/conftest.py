from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from privdesk.services.hub import Services
from tests.conftest import database_target, fixed_now
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


@pytest.fixture
def inbox(organizations_template: Path, tmp_path: Path) -> Iterator[Services]:
    """Services over a fresh database holding the three demo organizations (no cases)."""
    if os.environ.get("PRIVDESK_TEST_PG_URL"):
        svc = Services.open(database_target(tmp_path), actor="tester", now=fixed_now)
        add_demo_organizations(svc)
    else:
        target = tmp_path / "test.db"
        shutil.copy(organizations_template, target)
        svc = Services.open(str(target), actor="tester", now=fixed_now)
    yield svc
    svc.close()
