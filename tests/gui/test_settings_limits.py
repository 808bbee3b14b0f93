"""Settings > General > Import limits: shown from the database, saved for every workstation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from privdesk.intake import IntakeLimits
from privdesk.intake.model import MB
from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages.settings_page import SettingsPage


def test_import_limits_are_shown_and_saved(qtbot: Any, window: MainWindow) -> None:
    assert window.services is not None
    window.services.intake.set_limits(IntakeLimits(max_file_bytes=30 * MB))
    window.go("settings")
    page = window.pages["settings"]
    assert isinstance(page, SettingsPage)
    box = page.limits
    qtbot.waitUntil(lambda: box.file_mb.value() == 30, timeout=5_000)
    assert box.attachment_mb.value() == 25 and box.attachments.value() == 50

    box.attachment_mb.setValue(40)  # larger than the file limit: refused, nothing saved
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Not saved" in box.status.text(), timeout=5_000)
    assert "cannot exceed" in box.status.text()
    assert window.services.intake.limits.max_attachment_bytes == 25 * MB

    box.attachment_mb.setValue(10)
    box.attachments.setValue(5)
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved" in box.status.text(), timeout=5_000)
    assert window.services.intake.limits == IntakeLimits(30 * MB, 10 * MB, 5)
