"""The idle lock: after N minutes without keyboard or mouse input every privdesk window is covered and the
signed-in user's password is needed to go on.

Input is noticed by an event filter on the QApplication (every window, every dialog). Locking covers each
visible top-level window with an opaque panel and opens an application-modal unlock dialog on top, so a
dialog that was open (with what was typed in it) stays open underneath, hidden, and nothing behind the
lock takes input or shortcuts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from privdesk.ui.dialogs.login import LoginDialog
from privdesk.ui.tasks import TaskRunner

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)
CHECK_INTERVAL_MS = 15_000


class LockCover(QWidget):
    """An opaque panel over one window while privdesk is locked."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.setObjectName("lock_cover")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        label = QLabel("privdesk is locked")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Palette roles, not a style sheet: they follow a switch between light and dark.
        font = QFont(label.font())
        font.setPointSizeF(18)
        label.setFont(font)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.setGeometry(target.rect())
        target.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
                self.raise_()
        return False


class LockController(QObject):
    """Watches for input; locks after ``minutes`` idle (0 = never); ``unlock(password)`` runs on a worker."""

    locked_changed = Signal(bool)
    quit_requested = Signal()

    def __init__(
        self,
        window: QWidget,
        runner: TaskRunner,
        unlock: Callable[[str], Any],
        username: str,
        minutes: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        check_interval_ms: int = CHECK_INTERVAL_MS,
    ) -> None:
        super().__init__(window)
        self.setObjectName("lock_controller")
        self.main_window = window
        self.runner = runner
        self.unlock_with = unlock
        self.username = username
        self.clock = clock
        self.idle_seconds = max(0, minutes) * 60.0
        self.last_input = clock()
        self.locked = False
        self.covers: list[LockCover] = []
        self.dialog: LoginDialog | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(check_interval_ms)
        self.timer.timeout.connect(self.check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start()

    def set_minutes(self, minutes: int) -> None:
        self.idle_seconds = max(0, minutes) * 60.0
        self.last_input = self.clock()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and not self.locked:
            self.last_input = self.clock()
        return False

    def check(self) -> None:
        if not self.locked and self.idle_seconds > 0 and self.clock() - self.last_input >= self.idle_seconds:
            self.lock()

    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and widget.isWindow() and not isinstance(widget, LoginDialog):
                if widget.windowType() in (Qt.WindowType.ToolTip, Qt.WindowType.Popup):
                    continue
                self.covers.append(LockCover(widget))
        self.dialog = LoginDialog(
            self.runner,
            lambda _name, password: self.unlock_with(password),
            self.main_window,
            username=self.username,
            locked=True,
        )
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.signed_in.connect(self._unlocked)
        self.dialog.quit_requested.connect(self.quit_requested)
        self.dialog.open()
        self.locked_changed.emit(True)

    def _unlocked(self, _user: object) -> None:
        for cover in self.covers:
            parent = cover.parentWidget()
            if parent is not None:
                parent.removeEventFilter(cover)
            cover.hide()
            cover.deleteLater()
        self.covers = []
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        self.locked = False
        self.last_input = self.clock()
        self.locked_changed.emit(False)

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
