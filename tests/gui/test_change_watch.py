"""Another workstation's change appears without a restart (SQLite polling; PostgreSQL LISTEN/NOTIFY)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from privdesk.ui import settings as ui_settings
from privdesk.ui.main_window import MainWindow
from privdesk.ui.models.case_table import column_of
from tests.conftest import TODAY, fixed_now
from tests.gui.conftest import make_window
from tests.gui.org_helpers import database_of, open_organization


@pytest.fixture
def fast_window(qtbot: Any, demo_services: Services, shown_errors: list[Any]) -> Iterator[MainWindow]:
    ui_settings.set_json("changes/poll_seconds", 0.2)
    win = make_window(qtbot, demo_services)
    yield win
    win.stop_change_watch()
    win.runner.wait()
    assert not shown_errors, shown_errors


def references(window: MainWindow) -> set[str]:
    model = window.cases_page.queue.model
    return {str(model.data(model.index(r, column_of("reference")))) for r in range(model.rowCount())}


def test_case_created_elsewhere_appears_in_the_queue(qtbot: Any, fast_window: MainWindow) -> None:
    services = fast_window.services
    assert services is not None
    fast_window.go("cases")
    qtbot.waitUntil(lambda: len(references(fast_window)) > 0, timeout=10_000)
    qtbot.waitUntil(lambda: fast_window._watcher is not None, timeout=10_000)
    other = Services.open(database_of(services), actor="colleague", now=fixed_now, migrate=False)
    try:
        case = other.cases.create(
            NewCase("mstis", "US-CA", ["delete"], "mail", TODAY, "Elsewhere Created", address="1 Main St")
        )
    finally:
        other.close()
    qtbot.waitUntil(lambda: case.reference in references(fast_window), timeout=15_000)
    assert fast_window.changes_seen >= 1


def test_unsaved_edits_survive_a_change_elsewhere(qtbot: Any, fast_window: MainWindow) -> None:
    services = fast_window.services
    assert services is not None
    page = open_organization(qtbot, fast_window)
    qtbot.waitUntil(lambda: fast_window._watcher is not None, timeout=10_000)
    page.signatory_title.setText("Typing in progress")
    seen = fast_window.changes_seen
    other = Services.open(database_of(services), actor="colleague", now=fixed_now, migrate=False)
    try:
        org = other.organizations.show("mstis")
        from dataclasses import replace

        from privdesk.services.organizations import edit_from_dto

        other.organizations.update(
            "mstis",
            replace(edit_from_dto(org), website="https://elsewhere.example"),
            expected_version=org.version,
        )
    finally:
        other.close()
    qtbot.waitUntil(lambda: fast_window.changes_seen > seen, timeout=15_000)
    qtbot.waitUntil(page.banner.isVisible, timeout=10_000)
    assert page.signatory_title.text() == "Typing in progress"
    page.revert()
