"""Settings: calendar option, the database in use, and a check of the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout

from privdesk.services.audit import AuditReport
from privdesk.ui import settings as ui_settings
from privdesk.ui.pages.base import Page

if TYPE_CHECKING:
    from privdesk.ui.main_window import MainWindow


class SettingsPage(Page):
    title = "Settings"
    icon_name = "settings"

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        calendar = QGroupBox("Calendar")
        self.saturdays = QCheckBox("Count Saturdays as business days")
        self.saturdays.setObjectName("count_saturdays")
        self.saturdays.setToolTip(
            "Some readings of state law count Saturdays; deadlines of new cases follow this "
            "setting. Existing cases keep the deadlines they were given."
        )
        self.saturdays.setChecked(ui_settings.get_bool("calendar/count_saturdays"))
        self.saturdays.toggled.connect(self.set_saturdays)
        hint = QLabel("Applies to cases logged from now on; existing deadlines do not move.")
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(calendar)
        layout.addWidget(database)
        layout.addStretch(1)

    def set_saturdays(self, checked: bool) -> None:
        ui_settings.settings().setValue("calendar/count_saturdays", checked)
        services = self.window_.services
        if services is not None:
            services.ctx.count_saturdays = checked
            services.ctx._rulebook = None  # reloaded with the new calendar on next use

    def check_audit(self) -> None:
        self.audit_result.setText("Checking…")

        def show(report: AuditReport) -> None:
            if report.ok:
                self.audit_result.setText(f"✓ Intact: {report.checked:,} entries, every link checks out.")
            else:
                self.audit_result.setText(f"⚠ Broken at entry {report.first_broken_id}: {report.reason}")

        self.call(self.services.audit.verify, show)
