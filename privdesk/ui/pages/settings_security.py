"""Settings > Security: accounts and roles, the idle lock, and backups (folder, schedule, now, restore).

Accounts, roles, single-user mode and the idle-lock time are stored in the database and changed by
administrators only (the services refuse anyone else); the backup folder and schedule are this computer's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.types import Role
from privdesk.ui import backups as backup_settings
from privdesk.ui.dialogs.common import FormDialog
from privdesk.ui.errors import show_error

if TYPE_CHECKING:
    from privdesk.services.backup import BackupInfo
    from privdesk.services.hub import Services
    from privdesk.services.users import UserDTO
    from privdesk.ui.pages.host import PageHost

MIN_PASSWORD = 10
ROLE_LABELS = {
    Role.OFFICER.value: "Officer (works cases)",
    Role.REVIEWER.value: "Reviewer (also approves denials and specific pieces)",
    Role.ADMINISTRATOR.value: "Administrator (also accounts, organizations, templates, retention)",
}


def _password_problem(first: str, second: str) -> str:
    if len(first) < MIN_PASSWORD:
        return f"Choose a password of at least {MIN_PASSWORD} characters."
    if first != second:
        return "The two passwords differ."
    return ""


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(name.replace("_", " "))
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class UserDialog(FormDialog):
    """A new account: user name, full name, role and a first password."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, "Add an account", "The person can change this password after signing in.")
        self.username = QLineEdit()
        self.username.setObjectName("user_username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("user_display_name")
        self.role = QComboBox()
        self.role.setObjectName("user_role")
        for value, label in ROLE_LABELS.items():
            self.role.addItem(label, value)
        self.password = _password_edit("user_password")
        self.again = _password_edit("user_password_again")
        self.form.addRow("User name:", self.username)
        self.form.addRow("Full name:", self.display_name)
        self.form.addRow("Role:", self.role)
        self.form.addRow("Password:", self.password)
        self.form.addRow("Again:", self.again)

    def problem(self) -> str:
        if not self.username.text().strip():
            return "Choose a user name."
        return _password_problem(self.password.text(), self.again.text())

    @classmethod
    def ask(cls, parent: QWidget | None) -> tuple[str, str, str, str] | None:
        dialog = cls(parent)
        if dialog.exec() != FormDialog.DialogCode.Accepted:
            return None
        role = str(dialog.role.currentData())
        return (
            dialog.username.text().strip(),
            dialog.display_name.text().strip(),
            role,
            dialog.password.text(),
        )


class PasswordDialog(FormDialog):
    def __init__(self, parent: QWidget | None, username: str) -> None:
        super().__init__(parent, "Reset password", f"A new password for {username}.")
        self.password = _password_edit("reset_password")
        self.again = _password_edit("reset_password_again")
        self.form.addRow("New password:", self.password)
        self.form.addRow("Again:", self.again)

    def problem(self) -> str:
        return _password_problem(self.password.text(), self.again.text())

    @classmethod
    def ask(cls, parent: QWidget | None, username: str) -> str | None:
        dialog = cls(parent, username)
        return dialog.password.text() if dialog.exec() == FormDialog.DialogCode.Accepted else None


class OwnPasswordDialog(FormDialog):
    """The signed-in user changes their own password, giving the current one."""

    def __init__(self, parent: QWidget | None, username: str) -> None:
        super().__init__(
            parent,
            "Change my password",
            f"A new password for {username}. A wrong current password counts as a failed sign-in.",
        )
        self.current = _password_edit("current_password")
        self.password = _password_edit("new_password")
        self.again = _password_edit("new_password_again")
        self.form.addRow("Current password:", self.current)
        self.form.addRow("New password:", self.password)
        self.form.addRow("Again:", self.again)

    def problem(self) -> str:
        if not self.current.text():
            return "Give your current password."
        return _password_problem(self.password.text(), self.again.text())

    @classmethod
    def ask(cls, parent: QWidget | None, username: str) -> tuple[str, str] | None:
        dialog = cls(parent, username)
        if dialog.exec() != FormDialog.DialogCode.Accepted:
            return None
        return dialog.current.text(), dialog.password.text()


class RoleDialog(FormDialog):
    def __init__(self, parent: QWidget | None, username: str, current: str) -> None:
        super().__init__(parent, "Change role", f"The role of {username}.")
        self.role = QComboBox()
        self.role.setObjectName("change_role")
        for value, label in ROLE_LABELS.items():
            self.role.addItem(label, value)
        self.role.setCurrentIndex(max(0, self.role.findData(current)))
        self.form.addRow("Role:", self.role)

    @classmethod
    def ask(cls, parent: QWidget | None, username: str, current: str) -> str | None:
        dialog = cls(parent, username, current)
        return str(dialog.role.currentData()) if dialog.exec() == FormDialog.DialogCode.Accepted else None


def confirm_restore(parent: QWidget, name: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "Restore a backup",
        f"Replace the database with {name}?\n\nThe backup is checked first; the current database is kept "
        "beside it (…before-restore-…). privdesk closes the database while restoring and asks you to sign "
        "in again.",
    )
    return answer == QMessageBox.StandardButton.Yes


class SecuritySettings(QWidget):
    def __init__(self, window: PageHost) -> None:
        super().__init__()
        self.setObjectName("settings_security")
        self.window_ = window
        self.users: list[UserDTO] = []
        self.backups: list[BackupInfo] = []
        self.is_admin = False
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_users())
        layout.addWidget(self._build_lock())
        layout.addWidget(self._build_backups())
        layout.addStretch(1)

    # -- construction -------------------------------------------------------------------------
    def _build_users(self) -> QGroupBox:
        box = QGroupBox("Accounts")
        self.user_table = QTableWidget(0, 4)
        self.user_table.setObjectName("users_table")
        self.user_table.setAccessibleName("Accounts")
        self.user_table.setHorizontalHeaderLabels(["User name", "Name", "Role", "Status"])
        self.user_table.verticalHeader().hide()
        self.user_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.user_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.user_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.user_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.user_table.setMaximumHeight(170)
        self.users_note = QLabel("")
        self.users_note.setObjectName("users_note")
        self.users_note.setWordWrap(True)
        self.add_user_button = QPushButton("Add…")
        self.add_user_button.setObjectName("add_user")
        self.role_button = QPushButton("Change role…")
        self.role_button.setObjectName("change_user_role")
        self.active_button = QPushButton("Disable")
        self.active_button.setObjectName("toggle_user_active")
        self.password_button = QPushButton("Reset password…")
        self.password_button.setObjectName("reset_user_password")
        self.own_password_button = QPushButton("Change my password…")
        self.own_password_button.setObjectName("change_own_password")
        self.own_password_button.clicked.connect(self.change_own_password)
        self.single_user = QCheckBox("Single-user mode: no sign-in at start (the database stays encrypted)")
        self.single_user.setObjectName("single_user_mode")
        self.add_user_button.clicked.connect(self.add_user)
        self.role_button.clicked.connect(self.change_role)
        self.active_button.clicked.connect(self.toggle_active)
        self.password_button.clicked.connect(self.reset_password)
        self.single_user.clicked.connect(self.set_single_user)
        self.user_table.itemSelectionChanged.connect(self._update_user_buttons)
        buttons = QHBoxLayout()
        for button in (self.add_user_button, self.role_button, self.active_button, self.password_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.own_password_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.user_table)
        layout.addLayout(buttons)
        layout.addWidget(self.single_user)
        layout.addWidget(self.users_note)
        return box

    def _build_lock(self) -> QGroupBox:
        box = QGroupBox("Idle lock")
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setObjectName("lock_minutes")
        self.lock_minutes.setAccessibleName("Minutes without use before privdesk locks")
        self.lock_minutes.setRange(0, 24 * 60)
        self.lock_minutes.setSuffix(" minutes")
        self.lock_minutes.setSpecialValueText("Never")
        self.lock_apply = QPushButton("Apply")
        self.lock_apply.setObjectName("apply_lock_minutes")
        self.lock_apply.clicked.connect(self.apply_lock_minutes)
        row = QHBoxLayout(box)
        row.addWidget(QLabel("Lock privdesk after"))
        row.addWidget(self.lock_minutes)
        row.addWidget(self.lock_apply)
        row.addWidget(QLabel("without use (the password opens it again)."))
        row.addStretch(1)
        return box

    def _build_backups(self) -> QGroupBox:
        box = QGroupBox("Backups")
        form = QFormLayout()
        self.folder = QLineEdit()
        self.folder.setObjectName("backup_folder")
        self.folder.setReadOnly(True)
        choose = QPushButton("Choose…")
        choose.setObjectName("choose_backup_folder")
        choose.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        self.schedule = QComboBox()
        self.schedule.setObjectName("backup_schedule")
        for name, label in backup_settings.SCHEDULE_LABELS.items():
            self.schedule.addItem(label, name)
        self.schedule.setCurrentIndex(self.schedule.findData(backup_settings.schedule()))
        self.schedule.currentIndexChanged.connect(self.set_schedule)
        self.on_exit = QCheckBox("Also when privdesk closes")
        self.on_exit.setObjectName("backup_on_exit")
        self.on_exit.setChecked(backup_settings.on_exit())
        self.on_exit.toggled.connect(backup_settings.set_on_exit)
        form.addRow("Folder:", folder_row)
        form.addRow("Back up:", self.schedule)
        form.addRow("", self.on_exit)
        self.backup_table = QTableWidget(0, 3)
        self.backup_table.setObjectName("backups_table")
        self.backup_table.setAccessibleName("Backups")
        self.backup_table.setHorizontalHeaderLabels(["Backup", "Taken (UTC)", "Size"])
        self.backup_table.verticalHeader().hide()
        self.backup_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.backup_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.backup_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.backup_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.backup_table.setMaximumHeight(170)
        self.backup_now_button = QPushButton("Back up now")
        self.backup_now_button.setObjectName("backup_now")
        self.backup_now_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("Restore…")
        self.restore_button.setObjectName("restore_backup")
        self.restore_button.clicked.connect(self.restore_selected)
        self.backup_status = QLabel("")
        self.backup_status.setObjectName("backup_status")
        self.backup_status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_now_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.backup_status, 1)
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addWidget(self.backup_table)
        layout.addLayout(buttons)
        rotation = QLabel("Kept: the newest backup of each of the last 7 days, 4 weeks and 12 months.")
        rotation.setEnabled(False)
        layout.addWidget(rotation)
        return box

    # -- plumbing -----------------------------------------------------------------------------
    @property
    def services(self) -> Services | None:
        return self.window_.services

    def _call(self, work: Any, done: Any = None, *, write: bool = False) -> None:
        self.window_.runner.run(work, done, lambda exc: show_error(self, exc), write=write)

    def _database(self) -> str:
        services = self.services
        if services is not None and services.db.url.database:
            return str(services.db.url.database)
        return self.window_.database_label

    def refresh(self) -> None:
        services = self.services
        if services is None:
            return
        folder = backup_settings.backup_folder(self._database())
        self.folder.setText(str(folder))

        def load() -> tuple[list[UserDTO], bool, int, bool, list[BackupInfo]]:
            supported = services.backups.supported()
            return (
                services.users.list(),
                services.users.single_user(),
                services.users.lock_after_minutes(),
                supported,
                services.backups.available(folder) if supported else [],
            )

        self._call(load, self._show)

    def _show(self, loaded: tuple[list[UserDTO], bool, int, bool, list[BackupInfo]]) -> None:
        users, single, minutes, supported, backups = loaded
        services = self.services
        actor = services.ctx.actor if services is not None else ""
        self.users = users
        me = next((u for u in users if u.username == actor), None)
        self.is_admin = not users or (me is not None and me.role == Role.ADMINISTRATOR)
        self.user_table.setRowCount(len(users))
        for r, user in enumerate(users):
            values = (
                user.username,
                user.display_name,
                user.role.value,
                "active" if user.active else "disabled",
            )
            for c, value in enumerate(values):
                self.user_table.setItem(r, c, QTableWidgetItem(value))
        self.single_user.setChecked(single)
        if not users:
            self.users_note.setText(
                "No accounts yet: privdesk opens without signing in. The first account added is the "
                "administrator."
            )
        elif not self.is_admin:
            self.users_note.setText("Only an administrator changes accounts and the idle lock.")
        else:
            self.users_note.setText(f"Signed in as {actor}.")
        self.lock_minutes.setValue(minutes)
        for widget in (self.add_user_button, self.single_user, self.lock_minutes, self.lock_apply):
            widget.setEnabled(self.is_admin)
        # Restoring rolls back every case and the audit trail: an administrator's decision alone.
        self.restore_button.setEnabled(self.is_admin)
        self.restore_button.setToolTip(
            "" if self.is_admin else "Only an administrator restores a backup (it rolls back every case)."
        )
        self.single_user.setEnabled(self.is_admin and bool(users))
        self.own_password_button.setEnabled(me is not None)  # every signed-in account, any role
        self._update_user_buttons()
        self.backups = backups
        self.backup_table.setRowCount(len(backups))
        for r, info in enumerate(backups):
            taken = info.taken_at.strftime("%Y-%m-%d %H:%M:%S")
            for c, value in enumerate((info.path.name, taken, f"{info.size / 1024:,.0f} KiB")):
                self.backup_table.setItem(r, c, QTableWidgetItem(value))
        backup_widgets: tuple[QWidget, ...] = (
            self.backup_now_button,
            self.restore_button,
            self.schedule,
            self.on_exit,
        )
        for backup_widget in backup_widgets:
            backup_widget.setEnabled(supported)
        if not supported:
            self.backup_status.setText("This database is on a server: back it up with pg_dump.")

    def _selected_user(self) -> UserDTO | None:
        rows = self.user_table.selectionModel().selectedRows()
        return self.users[rows[0].row()] if rows and rows[0].row() < len(self.users) else None

    def _update_user_buttons(self) -> None:
        user = self._selected_user()
        for button in (self.role_button, self.active_button, self.password_button):
            button.setEnabled(self.is_admin and user is not None)
        self.active_button.setText("Enable" if user is not None and not user.active else "Disable")

    # -- accounts -----------------------------------------------------------------------------
    def add_user(self) -> None:
        services = self.services
        answer = UserDialog.ask(self)
        if services is None or answer is None:
            return
        username, display, role, password = answer

        def work() -> Any:
            if services.users.needs_first_run():
                return services.users.create_administrator(username, display, password)
            return services.users.create_user(username, display, role, password)

        self._call(work, lambda _user: self.refresh(), write=True)

    def change_role(self) -> None:
        services, user = self.services, self._selected_user()
        if services is None or user is None:
            return
        role = RoleDialog.ask(self, user.username, user.role.value)
        if role is not None and role != user.role.value:
            self._call(
                lambda: services.users.set_role(user.username, role), lambda _u: self.refresh(), write=True
            )

    def toggle_active(self) -> None:
        services, user = self.services, self._selected_user()
        if services is None or user is None:
            return
        active = not user.active
        self._call(
            lambda: services.users.set_active(user.username, active), lambda _u: self.refresh(), write=True
        )

    def reset_password(self) -> None:
        services, user = self.services, self._selected_user()
        if services is None or user is None:
            return
        password = PasswordDialog.ask(self, user.username)
        if password is not None:
            self._call(
                lambda: services.users.set_password(user.username, password),
                lambda _r: self.users_note.setText(f"The password of {user.username} was reset."),
                write=True,
            )

    def change_own_password(self) -> None:
        services = self.services
        if services is None:
            return
        actor = services.ctx.actor
        answer = OwnPasswordDialog.ask(self, actor)
        if answer is None:
            return
        current, password = answer
        self._call(
            lambda: services.users.change_own_password(current, password),
            lambda _r: self.users_note.setText(f"Your password is changed, {actor}."),
            write=True,
        )

    def set_single_user(self, checked: bool) -> None:
        services = self.services
        if services is None:
            return

        def failed(exc: BaseException) -> None:
            show_error(self, exc)
            self.refresh()

        self.window_.runner.run(
            lambda: services.users.set_single_user(checked), lambda _r: self.refresh(), failed, write=True
        )

    def apply_lock_minutes(self) -> None:
        services = self.services
        if services is None:
            return
        minutes = self.lock_minutes.value()

        def applied(_result: object) -> None:
            from privdesk.ui.lock import LockController

            lock = self.window_.findChild(LockController)
            if lock is not None:
                lock.set_minutes(minutes)
            self.users_note.setText(
                f"privdesk locks after {minutes} minutes without use." if minutes else "The idle lock is off."
            )

        self._call(lambda: services.users.set_lock_after_minutes(minutes), applied, write=True)

    # -- backups ------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for backups", self.folder.text())
        if chosen:
            backup_settings.set_backup_folder(Path(chosen))
            self.refresh()

    def set_schedule(self, _index: int) -> None:
        backup_settings.set_schedule(str(self.schedule.currentData()))

    def backup_now(self) -> None:
        services = self.services
        if services is None:
            return
        from privdesk.ui.backups import BackupScheduler

        self.backup_now_button.setEnabled(False)
        self.backup_status.setText("Backing up…")

        def done(info: Any) -> None:
            self.backup_now_button.setEnabled(True)
            self.backup_status.setText(f"Backup written and verified: {info.path.name}")
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.backup_now_button.setEnabled(True)
            self.backup_status.setText("The backup failed.")
            show_error(self, exc)

        scheduler = self.window_.findChild(BackupScheduler)
        if scheduler is not None:
            scheduler.backup_now(done, failed)
        else:
            folder = backup_settings.backup_folder(self._database())
            self.window_.runner.run(lambda: services.backups.backup(folder), done, failed)

    def restore_selected(self) -> None:
        rows = self.backup_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.backups):
            self.backup_status.setText("Select the backup to restore in the list.")
            return
        info = self.backups[rows[0].row()]
        from privdesk.ui.application import StartupFlow

        flow = self.window_.findChild(StartupFlow)
        if flow is None:
            self.backup_status.setText("Restore the backup from the command line: privdesk restore FILE.")
            return
        if confirm_restore(self, info.path.name):
            flow.restore_running(info.path)
