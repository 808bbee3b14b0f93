"""GUI fixtures: settings in a temporary folder, error dialogs collected, a main window over the demo data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from privdesk.services.hub import Services
from privdesk.ui import errors
from privdesk.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def temporary_settings(tmp_path: Path, qapp: Any) -> Path:
    folder = tmp_path / "settings"
    qapp.setOrganizationName("privdesk")
    qapp.setApplicationName("privdesk")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture(autouse=True)
def collect_on_gui_thread(qapp: Any) -> Iterator[None]:
    """As the application does: no garbage collection in worker threads while windows live."""
    from privdesk.ui import gc_guard

    collector = gc_guard.install(qapp)
    yield
    collector.remove()
    collector.deleteLater()


@pytest.fixture
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Errors that would have been shown in a dialog: (title, text)."""
    seen: list[tuple[str, str]] = []

    def record(cls: Any, parent: Any, title: str, text: str, informative: str, detail: str = "") -> None:
        seen.append((title, text + ("\n" + detail if detail else "")))

    monkeypatch.setattr(errors.ErrorDialog, "ask", classmethod(record))
    return seen


def make_window(qtbot: Any, services: Services) -> MainWindow:
    window = MainWindow(database_label="test database")
    qtbot.addWidget(window)
    window.show()
    window.set_services(services)
    dashboard = window.pages["dashboard"]
    qtbot.waitUntil(lambda: dashboard.summary is not None, timeout=10_000)  # type: ignore[attr-defined]
    return window


@pytest.fixture
def window(qtbot: Any, demo_services: Services, shown_errors: list[tuple[str, str]]) -> Iterator[MainWindow]:
    win = make_window(qtbot, demo_services)
    yield win
    win.runner.wait()
    qtbot.waitUntil(lambda: win.runner.running == 0, timeout=10_000)
    assert not shown_errors, shown_errors


@pytest.fixture
def empty_window(qtbot: Any, services: Services, shown_errors: list[tuple[str, str]]) -> Iterator[MainWindow]:
    win = make_window(qtbot, services)
    yield win
    win.runner.wait()
    qtbot.waitUntil(lambda: win.runner.running == 0, timeout=10_000)
