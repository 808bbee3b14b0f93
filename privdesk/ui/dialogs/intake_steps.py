"""Small inbox dialogs: set an item aside (with its reason), attach it to a case already open."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from privdesk.ui.dialogs.common import FormDialog


class SetAsideDialog(FormDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(
            parent,
            "Set the message aside",
            "The message leaves the inbox without becoming a case. The reason is kept with it.",
            ok_text="Set aside",
        )
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("set_aside_reason")
        self.reason.setAccessibleName("Reason for setting the message aside")
        self.reason.setPlaceholderText("e.g. a newsletter, not a privacy request")
        self.form.addRow("Reason (required):", self.reason)

    def problem(self) -> str:
        return "" if self.reason.toPlainText().strip() else "Give the reason for setting the message aside."

    @classmethod
    def ask(cls, parent: QWidget | None) -> str | None:
        d = cls(parent)
        return d.reason.toPlainText().strip() if d.exec() else None


class AttachToCaseDialog(FormDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(
            parent,
            "Attach to a case",
            "The message and its attachments join a case already open (a follow-up, proof of identity).",
            ok_text="Attach",
        )
        self.reference = QLineEdit()
        self.reference.setObjectName("case_reference")
        self.reference.setAccessibleName("Case reference")
        self.reference.setPlaceholderText("PD-2026-000012")
        self.form.addRow("Case reference:", self.reference)

    def problem(self) -> str:
        return "" if self.reference.text().strip() else "Enter the reference of the case."

    @classmethod
    def ask(cls, parent: QWidget | None, suggested: str = "") -> str | None:
        """The reference the officer confirms; ``suggested`` (a reply's case) is filled in to check."""
        d = cls(parent)
        d.reference.setText(suggested)
        return d.reference.text().strip().upper() if d.exec() else None
