"""Reminders: at start and during the day, a desktop notification of what is due today and tomorrow
(and what is late); the status bar's counts are refreshed on the same beat, so they never go stale while
the window sits on one screen. Where the desktop shows no notifications, the status bar says it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QSystemTrayIcon

from privdesk.ui.icons import icon

if TYPE_CHECKING:
    from privdesk.services.hub import Services
    from privdesk.ui.main_window import MainWindow

CHECK_MS = 15 * 60 * 1000  # every quarter of an hour; a notification only when the figures changed


@dataclass(frozen=True)
class DueSoon:
    today: dt.date
    late: int
    due_today: int
    due_tomorrow: int
    first: str  # the reference of the most pressing case, "" when none

    def text(self) -> str:
        parts = []
        if self.late:
            parts.append(f"{self.late} overdue")
        if self.due_today:
            parts.append(f"{self.due_today} due today")
        if self.due_tomorrow:
            parts.append(f"{self.due_tomorrow} due tomorrow")
        return ", ".join(parts)


def due_soon(services: Services) -> DueSoon:
    """Worker thread: the open cases late, due today and due tomorrow."""
    from privdesk.services.dto import CaseFilter

    today = services.ctx.today()
    rows = services.cases.list(CaseFilter(open_only=True, due_before=today + dt.timedelta(days=1)))
    late = [r for r in rows if r.next_due_on and r.next_due_on < today]
    now = [r for r in rows if r.next_due_on == today]
    tomorrow = [r for r in rows if r.next_due_on == today + dt.timedelta(days=1)]
    pressing = late or now or tomorrow
    return DueSoon(today, len(late), len(now), len(tomorrow), pressing[0].reference if pressing else "")


class Reminders(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("reminders")
        self.window = window
        self.timer = QTimer(self)
        self.timer.setObjectName("reminder_timer")
        self.timer.timeout.connect(self.check)
        self.tray: QSystemTrayIcon | None = None
        self.last_told: DueSoon | None = None
        self.shown: list[str] = []  # what was said, newest last (tests read it)
        self._waiting = ""  # a reminder for the status bar, once the message there now has been read
        window.statusBar().messageChanged.connect(self._status_free)

    def start(self) -> None:
        self.timer.start(CHECK_MS)
        self.check()

    def stop(self) -> None:
        self.timer.stop()
        if self.tray is not None:
            self.tray.hide()

    def check(self) -> None:
        services = self.window.services
        if services is None:
            return
        self.window.update_next_deadline()  # the status bar's counts, fresh whatever screen is shown
        self.window.runner.run(lambda: due_soon(services), self.tell)

    def tell(self, found: DueSoon) -> None:
        if not found.text() or found == self.last_told:
            return
        self.last_told = found
        message = found.text() + (f". The most pressing: {found.first}." if found.first else ".")
        self.shown.append(message)
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            if self.tray is None:
                self.tray = QSystemTrayIcon(icon("cases"), self)
                self.tray.setToolTip("privdesk")
                self.tray.messageClicked.connect(self._open_first)
            self.tray.show()
            self.tray.showMessage(
                "privdesk: deadlines", message, QSystemTrayIcon.MessageIcon.Information, 15_000
            )
        else:
            status = self.window.statusBar()
            current = status.currentMessage()
            if current and not current.startswith("Reminder:"):
                # Another message is there (a restore confirmed, a keyring warning): it stays its time.
                self._waiting = message
                return
            status.showMessage(f"Reminder: {message}", 30_000)

    def _status_free(self, message: str) -> None:
        if not message and self._waiting:
            waiting, self._waiting = self._waiting, ""
            self.window.statusBar().showMessage(f"Reminder: {waiting}", 30_000)

    def _open_first(self) -> None:
        if self.last_told is not None and self.last_told.first:
            self.window.showNormal()
            self.window.activateWindow()
            self.window.open_case(self.last_told.first)
