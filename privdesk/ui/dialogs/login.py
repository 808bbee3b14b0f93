"""Sign in (at start) and unlock (after the idle lock): the password is checked off the GUI thread.

After a few wrong passwords the service makes each further attempt wait longer; the dialog then says how
many seconds are left and keeps the button off until they have passed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.ui.errors import explain
from privdesk.ui.tasks import TaskRunner
from privdesk.ui.theme import emphasize


class LoginDialog(QDialog):
    """``attempt(username, password)`` runs on a worker and returns the signed-in user or raises."""

    signed_in = Signal(object)  # the UserDTO
    quit_requested = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        attempt: Callable[[str, str], Any],
        parent: QWidget | None = None,
        *,
        username: str = "",
        locked: bool = False,
        database: str = "",
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.attempt = attempt
        self.locked = locked
        self.user: Any = None
        self.setObjectName("unlock_dialog" if locked else "login_dialog")
        self.setWindowTitle("privdesk is locked" if locked else "Sign in to privdesk")
        self.setModal(True)
        if locked:
            intro = (
                f"privdesk locked itself after a time without use. Enter the password of {username} to go on."
            )
        else:
            intro = "Sign in with your privdesk account" + (f" for {database}." if database else ".")
        label = QLabel(intro)
        label.setWordWrap(True)
        self.username = QLineEdit(username)
        self.username.setObjectName("login_username")
        self.username.setAccessibleName("User name")
        self.username.setReadOnly(locked)
        self.password = QLineEdit()
        self.password.setObjectName("login_password")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("User name:", self.username)
        form.addRow("Password:", self.password)
        self.message = QLabel("")
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        emphasize(self.message)
        self.message.hide()
        buttons = QDialogButtonBox(self)
        self.submit_button = QPushButton("Unlock" if locked else "Sign in")
        self.submit_button.setObjectName("login_submit")
        self.submit_button.setDefault(True)
        buttons.addButton(self.submit_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = QPushButton("Quit privdesk")
        self.quit_button.setObjectName("login_quit")
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.submit_button.clicked.connect(self.submit)
        self.quit_button.clicked.connect(self._quit)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        # Wide enough that the greeting and the database name read on one line, not three.
        self.setMinimumWidth(max(400, label.fontMetrics().horizontalAdvance(intro) // 2 + 40))
        self.countdown = QTimer(self)
        self.countdown.setSingleShot(True)
        self.countdown.setTimerType(Qt.TimerType.PreciseTimer)
        self.countdown.timeout.connect(self._tick)
        self._retry_at = 0.0
        (self.password if username else self.username).setFocus(Qt.FocusReason.OtherFocusReason)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def submit(self) -> None:
        if not self.submit_button.isEnabled():
            return
        name = self.username.text().strip()
        password = self.password.text()
        if not name or not password:
            self.say("Enter your user name and password.")
            return
        self.submit_button.setEnabled(False)
        self.say("Checking…")
        self.runner.run(lambda: self.attempt(name, password), self._succeeded, self._failed, write=True)

    def _succeeded(self, user: Any) -> None:
        self.user = user
        self.password.clear()
        self.say("")
        self.submit_button.setEnabled(True)
        self.signed_in.emit(user)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from privdesk.services.users import LoginFailed

        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
        retry_after = exc.retry_after if isinstance(exc, LoginFailed) else 0.0
        if retry_after > 0:
            # Counted against the clock, not by ticks: a timer may fire a little early, and the
            # button must not come back before the service lets the next attempt through.
            self._retry_at = time.monotonic() + retry_after
            self._tick()
            return
        self.submit_button.setEnabled(True)
        if isinstance(exc, LoginFailed):
            self.say(f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
        else:
            _title, what, todo = explain(exc)
            self.say(f"{what} {todo}".strip())

    def _tick(self) -> None:
        remaining = self._retry_at - time.monotonic()
        if remaining > 0:
            seconds = math.ceil(remaining)
            unit = "second" if seconds == 1 else "seconds"
            self.say(f"Too many failed attempts: wait {seconds} {unit} before trying again.")
            self.countdown.start(max(20, min(1000, int((remaining - seconds + 1) * 1000) + 20)))
            return
        self.countdown.stop()
        self.say("You can try again now.")
        self.submit_button.setEnabled(True)

    def reject(self) -> None:
        # Escape must not get past the lock; quitting is an explicit button.
        if not self.locked:
            self._quit()

    def _quit(self) -> None:
        self.countdown.stop()
        self.quit_requested.emit()
        super().reject()
