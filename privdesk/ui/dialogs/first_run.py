"""First run: create the administrator account, for a team or for a one-person firm (single-user mode).

Single-user mode is stored in the (encrypted) database, not in a local settings file, so nobody can turn
the sign-in off by editing a file; it skips the sign-in at start only. The database stays encrypted and
the idle lock still asks for the password.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QLabel, QLineEdit, QRadioButton, QWidget

from privdesk.ui.dialogs.common import FormDialog
from privdesk.ui.errors import explain
from privdesk.ui.tasks import TaskRunner

MIN_PASSWORD = 10


class FirstRunDialog(FormDialog):
    """``create(username, display_name, password, single_user)`` runs on a worker and returns the user."""

    created = Signal(object)  # the UserDTO of the administrator
    quit_requested = Signal()

    def __init__(
        self, runner: TaskRunner, create: Callable[[str, str, str, bool], Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(
            parent,
            "Welcome to privdesk",
            "privdesk keeps every case in an encrypted database. Create the administrator account: "
            "the administrator adds the other accounts and manages organizations, letter templates "
            "and retention.",
        )
        self.runner = runner
        self.create_account = create
        self.user: Any = None
        self.setModal(True)
        self.team = QRadioButton("Several people use privdesk: each signs in with an account")
        self.team.setObjectName("first_run_team")
        self.solo = QRadioButton(
            "Only I use privdesk (single-user): no sign-in at start; the database stays encrypted "
            "and the idle lock still asks for this password"
        )
        self.solo.setObjectName("first_run_single_user")
        self.team.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.team)
        group.addButton(self.solo)
        self.username = QLineEdit()
        self.username.setObjectName("first_run_username")
        self.username.setAccessibleName("User name")
        self.username.setPlaceholderText("for example jdoe")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("first_run_display_name")
        self.display_name.setAccessibleName("Full name")
        self.password = QLineEdit()
        self.password.setObjectName("first_run_password")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("first_run_password_again")
        self.again.setAccessibleName("Password again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.team)
        self.form.addRow(self.solo)
        self.form.addRow("User name:", self.username)
        self.form.addRow("Full name:", self.display_name)
        self.form.addRow("Password:", self.password)
        self.form.addRow("Password again:", self.again)
        hint = QLabel(f"At least {MIN_PASSWORD} characters. A passphrase of a few words is easy to type.")
        hint.setEnabled(False)
        self.form.addRow("", hint)
        ok = self.buttons.button(self.buttons.StandardButton.Ok)
        ok.setText("Create the administrator")
        ok.setObjectName("first_run_create")
        cancel = self.buttons.button(self.buttons.StandardButton.Cancel)
        cancel.setText("Quit privdesk")
        self.busy = False

    def problem(self) -> str:
        if not self.username.text().strip():
            return "Choose a user name."
        if len(self.password.text()) < MIN_PASSWORD:
            return f"Choose a password of at least {MIN_PASSWORD} characters."
        if self.password.text() != self.again.text():
            return "The two passwords differ."
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.message.setText(problem)
            self.message.show()
            return
        if self.busy:
            return
        self.busy = True
        self.buttons.setEnabled(False)
        args = (
            self.username.text().strip(),
            self.display_name.text().strip(),
            self.password.text(),
            self.solo.isChecked(),
        )
        self.runner.run(lambda: self.create_account(*args), self._created, self._failed, write=True)

    def _created(self, user: Any) -> None:
        self.busy = False
        self.user = user
        self.created.emit(user)
        super(FormDialog, self).accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        _title, what, todo = explain(exc)
        self.message.setText(f"{what} {todo}".strip())
        self.message.show()

    def reject(self) -> None:
        if self.busy:
            return
        self.quit_requested.emit()
        super().reject()
