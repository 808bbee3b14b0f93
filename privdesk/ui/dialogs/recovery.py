"""The database failed its start-up check: offer the latest verified backup, another backup file, or quit.

Restoring never overwrites anything first: the backup is copied to a new file and checked (integrity and
audit trail) before it takes the database's place, and the damaged file is kept beside it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.ui.theme import emphasize


class RecoveryDialog(QDialog):
    chosen = Signal(object)  # the Path of the backup to restore
    # Restoring replaces every case: when the database has accounts, an administrator signs in here
    # (checked against the backup's accounts when the live file cannot be read).
    quit_requested = Signal()

    def __init__(
        self,
        problem: str,
        latest_backup: Path | None,
        backup_folder: Path,
        parent: QWidget | None = None,
        *,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recovery_dialog")
        self.setWindowTitle("privdesk: the database needs repair")
        self.setModal(True)
        self.backup_folder = backup_folder
        self.latest_backup = latest_backup
        text = QLabel(
            f"<p><b>privdesk found a problem with the database.</b></p><p>{_escape(problem)}</p>"
            "<p>Restoring copies the backup to a new file and checks it before it replaces anything; the "
            "damaged file is kept beside it (named <i>…before-restore-…</i>) for your administrator.</p>"
        )
        text.setObjectName("recovery_problem")
        text.setWordWrap(True)
        self.error = QLabel(error)
        self.error.setObjectName("recovery_error")
        self.error.setWordWrap(True)
        emphasize(self.error)
        self.error.setVisible(bool(error))
        self.username = QLineEdit()
        self.username.setObjectName("recovery_username")
        self.username.setPlaceholderText("administrator's user name (if the database has accounts)")
        self.password = QLineEdit()
        self.password.setObjectName("recovery_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        sign_in = QFormLayout()
        sign_in.addRow("Administrator:", self.username)
        sign_in.addRow("Password:", self.password)
        buttons = QDialogButtonBox(self)
        self.restore_latest = QPushButton(
            f"Restore the latest backup ({latest_backup.name})" if latest_backup else "No backup found"
        )
        self.restore_latest.setObjectName("recovery_restore_latest")
        self.restore_latest.setEnabled(latest_backup is not None)
        self.restore_latest.setDefault(latest_backup is not None)
        self.choose = QPushButton("Choose a backup file…")
        self.choose.setObjectName("recovery_choose")
        self.quit_button = QPushButton("Quit privdesk")
        self.quit_button.setObjectName("recovery_quit")
        buttons.addButton(self.restore_latest, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.choose, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_latest.clicked.connect(lambda: self._choose(latest_backup))
        self.choose.clicked.connect(self.choose_file)
        self.quit_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.error)
        layout.addLayout(sign_in)
        layout.addWidget(buttons)
        self.resize(560, 260)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a privdesk backup",
            str(self.backup_folder),
            "privdesk backups (*.db);;All files (*)",
        )
        if path:
            self._choose(Path(path))

    def credentials(self) -> tuple[str, str] | None:
        name = self.username.text().strip()
        return (name, self.password.text()) if name else None

    def _choose(self, path: Path | None) -> None:
        if path is None:
            return
        self.chosen.emit(path)
        self.accept()

    def reject(self) -> None:
        self.quit_requested.emit()
        super().reject()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
