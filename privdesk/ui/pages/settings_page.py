"""Settings, one tab per concern: General (calendar, database, audit check) first; other tabs add themselves
in ``_build_tabs``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from privdesk.services.audit import AuditReport
from privdesk.ui.pages.base import Page
from privdesk.ui.pages.settings_intake import IntakeLimitsBox
from privdesk.ui.pages.settings_mailboxes import MailboxSettings
from privdesk.ui.pages.settings_security import SecuritySettings
from privdesk.ui.pages.settings_templates import LetterTemplatesTab

if TYPE_CHECKING:
    from privdesk.ui.pages.host import PageHost


class SettingsPage(Page):
    title = "Settings"
    icon_name = "settings"

    def __init__(self, window: PageHost) -> None:
        super().__init__(window)
        calendar = QGroupBox("Calendar")
        self.saturdays = QCheckBox("Count Saturdays as business days")
        self.saturdays.setObjectName("count_saturdays")
        self.saturdays.setToolTip(
            "Some readings of state law count Saturdays; deadlines of new cases follow this "
            "setting. Existing cases keep the deadlines they were given. The setting is kept in the "
            "database: every workstation uses the same, and changes are audited (administrators only)."
        )
        self.saturdays.setEnabled(False)  # until the stored value is read
        self.saturdays.toggled.connect(self.set_saturdays)
        hint = QLabel(
            "For the whole firm: applies to cases logged from now on; existing deadlines do not move."
        )
        hint.setEnabled(False)
        cal_layout = QVBoxLayout(calendar)
        cal_layout.addWidget(self.saturdays)
        cal_layout.addWidget(hint)
        database = QGroupBox("Database")
        form = QFormLayout(database)
        self.db_path = QLabel(window.database_label)
        self.db_path.setObjectName("settings_database")
        self.db_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.db_path.setWordWrap(True)
        form.addRow("In use:", self.db_path)
        form.addRow("", QLabel("To use another database, start privdesk with --db PATH or set PRIVDESK_DB."))
        self.audit_result = QLabel("")
        self.audit_result.setObjectName("audit_result")
        self.audit_result.setWordWrap(True)
        check = QPushButton("Check the audit trail")
        check.setObjectName("check_audit")
        check.clicked.connect(self.check_audit)
        form.addRow(check, self.audit_result)
        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.addWidget(calendar)
        general_layout.addWidget(database)
        self.limits = IntakeLimitsBox(window)
        general_layout.addWidget(self.limits)
        general_layout.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settings_tabs")
        self.tabs.setAccessibleName("Settings sections")
        self.tabs.addTab(general, "General")
        self._build_tabs(window)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.tabs)

    def _build_tabs(self, window: PageHost) -> None:
        """The other sections, each a widget of its own module."""
        self.tabs.addTab(SecuritySettings(window), "Security")
        self.tabs.addTab(MailboxSettings(window), "Mailboxes")
        self.tabs.addTab(LetterTemplatesTab(window), "Letter templates")

    def refresh(self) -> None:
        # Each section that shows stored data reloads when Settings becomes visible.
        self.limits.refresh()
        self.load_saturdays()
        for index in range(self.tabs.count()):
            section = self.tabs.widget(index)
            reload = getattr(section, "refresh", None)
            if callable(reload):
                reload()

    def load_saturdays(self) -> None:
        services = self.window_.services
        if services is None:
            return

        def shown(state: tuple[bool, bool]) -> None:
            value, is_admin = state
            self.saturdays.blockSignals(True)
            self.saturdays.setChecked(value)
            self.saturdays.blockSignals(False)
            self.saturdays.setEnabled(is_admin)

        def read() -> tuple[bool, bool]:
            from privdesk.domain.types import Role

            me = next((u for u in services.users.list() if u.username == services.ctx.actor), None)
            is_admin = not services.users.list() or (me is not None and me.role == Role.ADMINISTRATOR)
            return services.calendar.count_saturdays(), is_admin

        self.window_.runner.run(read, shown)

    def set_saturdays(self, checked: bool) -> None:
        services = self.window_.services
        if services is None:
            return

        def failed(exc: BaseException) -> None:
            from privdesk.ui.errors import show_error

            self.saturdays.blockSignals(True)
            self.saturdays.setChecked(not checked)
            self.saturdays.blockSignals(False)
            show_error(self, exc)

        self.window_.runner.run(
            lambda: services.calendar.set_count_saturdays(checked), lambda _r: None, failed, write=True
        )

    def check_audit(self) -> None:
        self.audit_result.setText("Checking…")

        def show(report: AuditReport) -> None:
            if report.ok:
                self.audit_result.setText(f"✓ Intact: {report.checked:,} entries, every link checks out.")
            else:
                self.audit_result.setText(f"⚠ Broken at entry {report.first_broken_id}: {report.reason}")

        self.call(self.services.audit.verify, show)
