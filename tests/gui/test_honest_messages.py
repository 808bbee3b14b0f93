"""Messages that say what happened and what to do, and no error for what is not an error."""

from __future__ import annotations

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
