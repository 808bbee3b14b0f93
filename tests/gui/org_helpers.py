"""Shared steps for the organization editor tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from privdesk.services.hub import Services
from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages.organizations import OrganizationsPage


def open_organization(qtbot: Any, window: MainWindow, slug: str = "mstis") -> OrganizationsPage:
    window.go("organizations")
    page = window.pages["organizations"]
    assert isinstance(page, OrganizationsPage)
    qtbot.waitUntil(lambda: page.list.count() > 0, timeout=10_000)
    row = next(
        i for i in range(page.list.count()) if page.list.item(i).data(Qt.ItemDataRole.UserRole) == slug
    )
    page.list.setCurrentRow(row)
    qtbot.waitUntil(lambda: page.current_slug == slug, timeout=10_000)
    return page


def database_of(services: Services) -> str:
    """Where a second workstation finds the same database."""
    url = services.db.engine.url
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=False)
