"""Messages that say what happened and what to do, and no error for what is not an error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages.inbox import InboxPage


def test_fetching_mail_without_a_mailbox_says_how_to_add_one(
    qtbot: Any, window: MainWindow, shown_errors: list[tuple[str, str]]
) -> None:
    window.go("inbox")
    inbox = window.pages["inbox"]
    assert isinstance(inbox, InboxPage)
    inbox.fetch_button.click()
    qtbot.waitUntil(lambda: "No mailbox is set up" in inbox.mail_status.text(), timeout=10_000)
    assert "Settings › Mailboxes" in inbox.mail_status.text() and "could not" not in inbox.mail_status.text()
    assert shown_errors == [] and inbox.fetch_button.isEnabled()


def test_the_workload_report_does_not_read_all_on_time_beside_late_requests(
    qtbot: Any, window: MainWindow
) -> None:
    window.go("reports")
    page = window.pages["reports"]
    page.choose("workload")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "Workload on" in page.summary.text(), timeout=10_000)  # type: ignore[attr-defined]
    text = page.summary.text()  # type: ignore[attr-defined]
    assert "answered on time" in text and "past their deadline" in text


def test_the_database_line_is_never_drawn_under_a_message(qtbot: Any, demo_services: Any) -> None:
    """A message shown before the window (opening the database) or replaced by another one hides the
    database line; it comes back when the message goes. They used to be drawn over each other."""
    window = MainWindow(database_label="firm.db")  # says "Opening the database…" before it is shown
    qtbot.addWidget(window)
    window.show()
    status = window.statusBar()
    assert status.currentMessage() == "Opening the database…"
    assert not window.db_label.isVisible()
    window.set_services(demo_services)
    status.showMessage("No working keyring was found on this computer.")
    qtbot.wait(50)
    assert not window.db_label.isVisible()
    status.clearMessage()
    assert window.db_label.isVisible() and window.db_label.text() == "Database: firm.db"
    window.runner.wait()
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)


def test_a_reminder_waits_for_the_message_already_in_the_status_bar(
    qtbot: Any, window: MainWindow, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QSystemTrayIcon

    from privdesk.ui.reminders import DueSoon

    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    status = window.statusBar()
    status.showMessage("✓ Restored privdesk-2026-12-01.db (checked before it replaced anything).")
    window.reminders.tell(DueSoon(dt.date(2026, 12, 3), 2, 1, 0, "PD-2026-000022"))
    assert status.currentMessage().startswith("✓ Restored")  # the confirmation stays its time
    status.clearMessage()
    assert status.currentMessage().startswith("Reminder: 2 overdue")


def test_one_box_for_a_repeated_error_and_none_left_when_its_window_goes(qtbot: Any) -> None:
    from PySide6.QtWidgets import QWidget

    from privdesk.domain.errors import StoreError
    from privdesk.ui import errors

    parent = QWidget()
    parent.show()
    damaged = StoreError("the database file is damaged or not a privdesk database")
    for _ in range(3):  # three reads failing for the same reason
        errors.show_error(parent, damaged)
    assert errors.open_error_texts() == [str(damaged)]  # not three boxes stacked
    parent.deleteLater()  # the window goes with its box unanswered
    qtbot.waitUntil(lambda: errors.open_error_texts() == [], timeout=5_000)
    errors.dismiss_errors(errors.DATABASE_PROBLEM)  # nothing left to close, and no deleted box touched
