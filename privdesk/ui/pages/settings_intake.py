"""Settings > General > Import limits: the largest email file, attachment and number of attachments
privdesk accepts. Kept in the database, so every workstation refuses the same files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QSpinBox

from privdesk.intake import IntakeLimits
from privdesk.intake.model import MB

if TYPE_CHECKING:
    from privdesk.ui.pages.host import PageHost


class IntakeLimitsBox(QGroupBox):
    def __init__(self, window: PageHost) -> None:
        super().__init__("Import limits")
        self.window_ = window
        self.file_mb = self._spin("limit_file_mb", "Largest email or scan file", 1, 1024, " MB")
        self.attachment_mb = self._spin("limit_attachment_mb", "Largest attachment", 1, 1024, " MB")
        self.attachments = self._spin("limit_attachments", "Most attachments in one email", 1, 1000, "")
        self.save_button = QPushButton("Save limits")
        self.save_button.setObjectName("save_limits")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel("")
        self.status.setObjectName("limits_status")
        self.status.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Largest file:", self.file_mb)
        form.addRow("Largest attachment:", self.attachment_mb)
        form.addRow("Most attachments:", self.attachments)
        form.addRow(self.save_button, self.status)
        hint = QLabel(
            "Files over these limits are refused with a message and the rest of the batch is imported; "
            "attachments over them are left out with a warning. Administrators change them for every "
            "workstation."
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)
        form.addRow(hint)

    def _spin(self, name: str, accessible: str, low: int, high: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setAccessibleName(accessible)
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setMaximumWidth(140)
        return spin

    def refresh(self) -> None:
        services = self.window_.services
        if services is None:
            return
        self.window_.runner.run(lambda: services.intake.limits, self._show, self._failed)

    def _show(self, limits: IntakeLimits) -> None:
        self.file_mb.setValue(max(1, limits.max_file_bytes // MB))
        self.attachment_mb.setValue(max(1, limits.max_attachment_bytes // MB))
        self.attachments.setValue(limits.max_attachments)

    def save(self) -> None:
        services = self.window_.services
        if services is None:
            return
        limits = IntakeLimits(
            max_file_bytes=self.file_mb.value() * MB,
            max_attachment_bytes=self.attachment_mb.value() * MB,
            max_attachments=self.attachments.value(),
        )
        self.status.setText("Saving…")

        def saved(result: IntakeLimits) -> None:
            self._show(result)
            self.status.setText("✓ Saved for every workstation.")

        self.window_.runner.run(lambda: services.intake.set_limits(limits), saved, self._failed, write=True)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"⚠ Not saved: {exc}")
