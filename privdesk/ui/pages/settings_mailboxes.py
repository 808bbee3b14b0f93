"""Settings > Mailboxes: each organization's IMAP account, fetched on demand or every N minutes.

The password goes to the keyring through the intake service and is never shown back: the field stays
empty and says whether one is kept. Fetches (scheduled or "Fetch now") run through the Inbox page's
scheduler, so a manual fetch never overlaps a scheduled one.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.display import display_safe
from privdesk.domain.errors import DomainError
from privdesk.logsafe import log_exception
from privdesk.services.dto import OrganizationDTO
from privdesk.services.intake import MailboxDTO

if TYPE_CHECKING:
    from privdesk.ui.pages.host import PageHost

SECURITY = (
    ("ssl", "SSL/TLS (usually port 993)"),
    ("starttls", "STARTTLS (usually port 143)"),
    ("none", "None: only for a server on this computer"),
)
AFTER_IMPORT = (
    ("mark_seen", "Mark as read"),
    ("move", "Move to a folder"),
    ("leave", "Leave as it is"),
)
log = logging.getLogger(__name__)
DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}


class MailboxSettings(QWidget):
    def __init__(self, window: PageHost) -> None:
        super().__init__()
        self.window_ = window
        self.setObjectName("settings_mailboxes")
        self.mailboxes: dict[str, MailboxDTO] = {}
        self.organization = QComboBox()
        self.organization.setObjectName("mailbox_organization")
        self.organization.setAccessibleName("Organization")
        self.organization.currentIndexChanged.connect(self._show_mailbox)
        self.host = self._line("mailbox_host", "Server (host name)")
        self.security = QComboBox()
        self.security.setObjectName("mailbox_security")
        self.security.setAccessibleName("Connection security")
        for code, label in SECURITY:
            self.security.addItem(label, code)
        self.port = QSpinBox()
        self.port.setObjectName("mailbox_port")
        self.port.setAccessibleName("Port")
        self.port.setRange(1, 65535)
        self.port.setValue(993)
        self.security.currentIndexChanged.connect(self._security_changed)
        self.username = self._line("mailbox_user", "User name")
        self.password = self._line("mailbox_password", "Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.folder = self._line("mailbox_folder", "Folder")
        self.folder.setText("INBOX")
        self.after_import = QComboBox()
        self.after_import.setObjectName("mailbox_after_import")
        self.after_import.setAccessibleName("After import")
        for code, label in AFTER_IMPORT:
            self.after_import.addItem(label, code)
        self.move_to = self._line("mailbox_move_to", "Move imported messages to folder")
        self.after_import.currentIndexChanged.connect(self._after_import_changed)
        self.interval = QSpinBox()
        self.interval.setObjectName("mailbox_interval")
        self.interval.setAccessibleName("Fetch every N minutes")
        self.interval.setRange(0, 24 * 60)
        self.interval.setSuffix(" min")
        self.interval.setSpecialValueText("only when asked")
        self.save_button = self._button("save_mailbox", "Save", self.save)
        self.test_button = self._button("test_mailbox", "Test connection", self.test_connection)
        self.fetch_button = self._button("fetch_mailbox_now", "Fetch now", self.fetch_now)
        self.result = QLabel("")
        self.result.setObjectName("mailbox_result")
        self.result.setWordWrap(True)
        box = QGroupBox("Mailbox of the organization")
        form = QFormLayout(box)
        form.addRow("Organization:", self.organization)
        form.addRow("Server:", self.host)
        form.addRow("Security:", self.security)
        form.addRow("Port:", self.port)
        form.addRow("User name:", self.username)
        form.addRow("Password:", self.password)
        form.addRow("Folder:", self.folder)
        form.addRow("After import:", self.after_import)
        form.addRow("Move to folder:", self.move_to)
        form.addRow("Fetch every:", self.interval)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.test_button, self.fetch_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel(
            "Each message is imported once and only then marked or moved on the server. "
            "The password is kept in this computer's keyring."
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addWidget(hint)
        layout.addStretch(1)
        self._after_import_changed()
        self._update_buttons()

    def _line(self, name: str, accessible: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        return edit

    def _button(self, name: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # -- loading ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        services = self.window_.services
        if services is None:
            return
        self.window_.runner.run(
            lambda: (services.organizations.list(), services.intake.mailboxes()), self._loaded, self._failed
        )

    def _loaded(self, found: tuple[list[OrganizationDTO], list[MailboxDTO]]) -> None:
        organizations, boxes = found
        self.mailboxes = {b.organization: b for b in boxes}
        chosen = self.organization.currentData()
        self.organization.blockSignals(True)
        self.organization.clear()
        for org in organizations:
            self.organization.addItem(f"{org.display_name} ({org.slug})", org.slug)
        self.organization.setCurrentIndex(max(self.organization.findData(chosen), 0))
        self.organization.blockSignals(False)
        self._show_mailbox()

    def current_mailbox(self) -> MailboxDTO | None:
        return self.mailboxes.get(self.organization.currentData() or "")

    def _show_mailbox(self) -> None:
        box = self.current_mailbox()
        self.password.clear()
        if box is None:
            self.host.clear()
            self.username.clear()
            self.folder.setText("INBOX")
            self.security.setCurrentIndex(0)
            self.port.setValue(993)
            self.after_import.setCurrentIndex(0)
            self.move_to.clear()
            self.interval.setValue(0)
            self.password.setPlaceholderText("")
        else:
            self.host.setText(box.host)
            self.security.blockSignals(True)
            self.security.setCurrentIndex(max(self.security.findData(box.tls), 0))
            self.security.blockSignals(False)
            self.port.setValue(box.port)
            self.username.setText(box.username)
            self.folder.setText(box.folder)
            self.after_import.setCurrentIndex(max(self.after_import.findData(box.after_import), 0))
            self.move_to.setText(box.move_to or "")
            self.interval.setValue(box.interval_minutes)
            self.password.setPlaceholderText(
                "kept in the keyring; type a new one to replace it"
                if box.password_kept
                else "none kept: type it to save it"
            )
        self._update_buttons()

    def _security_changed(self) -> None:
        if self.port.value() in DEFAULT_PORTS.values():
            self.port.setValue(DEFAULT_PORTS[str(self.security.currentData())])

    def _after_import_changed(self) -> None:
        self.move_to.setEnabled(self.after_import.currentData() == "move")

    def _update_buttons(self) -> None:
        box = self.current_mailbox()
        self.fetch_button.setEnabled(box is not None and box.password_kept)

    # -- actions ----------------------------------------------------------------------------------
    def _settings(self) -> dict[str, Any]:
        return {
            "organization": str(self.organization.currentData() or ""),
            "host": self.host.text().strip(),
            "port": self.port.value(),
            "tls": str(self.security.currentData()),
            "username": self.username.text().strip(),
            "password": self.password.text() or None,  # empty: keep the password already kept
        }

    def save(self) -> None:
        services = self.window_.services
        if services is None or self.organization.currentData() is None:
            return
        values = self._settings()
        folder = self.folder.text().strip() or "INBOX"
        after = str(self.after_import.currentData())
        move_to = self.move_to.text().strip() or None
        interval = self.interval.value()
        self.result.setText("Saving…")

        def saved(box: MailboxDTO) -> None:
            self.password.clear()
            self.mailboxes[box.organization] = box
            self._show_mailbox()
            every = f"every {box.interval_minutes} min" if box.interval_minutes else "only when asked"
            kept = "" if box.password_kept else " No password is kept yet: type it and save again."
            self.result.setText(f"✓ Saved. Mail is fetched {every}.{kept}")

        self.window_.runner.run(
            lambda: services.intake.configure_mailbox(
                **values, folder=folder, after_import=after, move_to=move_to, interval_minutes=interval
            ),
            saved,
            self._failed,
            write=True,
        )

    def test_connection(self) -> None:
        services = self.window_.services
        if services is None or self.organization.currentData() is None:
            return
        values = self._settings()
        folder = self.folder.text().strip() or "INBOX"
        self.result.setText("Connecting…")

        def connected(count: int) -> None:
            plural = "" if count == 1 else "s"
            self.result.setText(f"✓ Connected: {folder} holds {count} message{plural}.")

        self.window_.runner.run(
            lambda: services.intake.check_mailbox(**values, folder=folder), connected, self._failed
        )

    def fetch_now(self) -> None:
        box = self.current_mailbox()
        if box is None:
            return
        scheduler = self.window_.inbox_page.scheduler
        if scheduler.fetch_now([box.id]):
            self.result.setText("Fetching…")
            scheduler.status_changed.connect(self._fetch_status)
        else:
            self.result.setText("Mail is being fetched already; try again in a moment.")

    def _fetch_status(self, text: str) -> None:
        if text.startswith("Fetching"):
            return
        self.window_.inbox_page.scheduler.status_changed.disconnect(self._fetch_status)
        self.result.setText(display_safe(text, limit=600))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            reason = str(exc)
        else:
            log_exception(log, "mailbox settings", exc)
            reason = f"unexpected problem ({type(exc).__name__}); the details are in the log"
        self.result.setText(f"⚠ {display_safe(reason, limit=600)}")
