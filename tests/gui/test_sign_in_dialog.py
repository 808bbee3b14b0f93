"""The sign-in dialog's layout: the greeting reads on one line."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from privdesk.ui.dialogs.login import LoginDialog
from privdesk.ui.tasks import TaskRunner


def test_sign_in_greeting_and_database_name_fit_on_one_line(qtbot: Any) -> None:
    runner = TaskRunner()
    dialog = LoginDialog(runner, lambda *_: None, database="privdesk-2026.db")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    greeting = next(label for label in dialog.findChildren(QLabel) if "Sign in with" in label.text())
    assert greeting.text() == "Sign in with your privdesk account for privdesk-2026.db."
    assert greeting.width() >= greeting.fontMetrics().horizontalAdvance(greeting.text())
    assert dialog.submit_button.text() == "Sign in"
