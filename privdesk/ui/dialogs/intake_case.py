"""Make a case from an inbox item: the detection's suggestion, shown for the officer to correct and confirm.

Nothing becomes a case without this confirmation: detection only fills the form.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from privdesk.domain.types import RequestType
from privdesk.services.dto import OrganizationDTO
from privdesk.services.intake import NewCaseFromIntake
from privdesk.ui.dialogs.common import FormDialog, date_edit, fit_checklist, to_date
from privdesk.ui.dialogs.new_case import RELATIONS


class IntakeCaseDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        suggestion: NewCaseFromIntake,
        organizations: Sequence[OrganizationDTO],
        jurisdictions: Sequence[str],
    ) -> None:
        super().__init__(
            parent,
            "Make a case from this message",
            "These fields were suggested from the message. Check each one: the case is created only "
            "when you press Create the case, and the legal clocks start from the received date.",
            ok_text="Create the case",
        )
        self.suggestion = suggestion
        self.organization = QComboBox()
        self.organization.setObjectName("organization")
        self.organization.setAccessibleName("Organization")
        for org in organizations:
            self.organization.addItem(f"{org.display_name} ({org.slug})", org.slug)
        self.organization.setCurrentIndex(self.organization.findData(suggestion.organization))
        self.jurisdiction = QComboBox()
        self.jurisdiction.setObjectName("jurisdiction")
        self.jurisdiction.setAccessibleName("Jurisdiction")
        for code in jurisdictions:
            self.jurisdiction.addItem(code, code)
        self.jurisdiction.setCurrentIndex(self.jurisdiction.findData(suggestion.jurisdiction))
        self.types = QListWidget()
        self.types.setObjectName("request_types")
        self.types.setAccessibleName("Request types")
        for rtype in RequestType:
            item = QListWidgetItem(rtype.label)
            item.setData(Qt.ItemDataRole.UserRole, rtype.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = rtype.value in suggestion.types
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.types.addItem(item)
        fit_checklist(self.types)  # every type in view: none hides below a scroll bar
        self.received = date_edit(suggestion.received, "received") if suggestion.received else None
        self.name = self._line("consumer_name", "Consumer's name", suggestion.name)
        self.email = self._line("email", "Email", suggestion.email or "")
        self.phone = self._line("phone", "Phone", suggestion.phone or "")
        self.address = QPlainTextEdit(suggestion.address)
        self.address.setObjectName("address")
        self.address.setAccessibleName("Postal address")
        self.address.setMaximumHeight(64)
        self.subject = self._line("subject", "Subject", suggestion.subject)
        self.relation = QComboBox()
        self.relation.setObjectName("relation")
        self.relation.setAccessibleName("Who is asking")
        for code, label in RELATIONS:
            self.relation.addItem(label, code)
        self.relation.setCurrentIndex(max(self.relation.findData(suggestion.requester_relation), 0))
        self.agent = self._line("agent_name", "Agent's name", suggestion.agent_name or "")
        self.ca_resident = QCheckBox("The consumer states they are a California resident")
        self.ca_resident.setObjectName("ca_resident")
        self.ca_resident.setChecked(suggestion.ca_residency_attested)
        self.form.addRow("Organization:", self.organization)
        self.form.addRow("Jurisdiction:", self.jurisdiction)
        self.form.addRow("Request types:", self.types)
        if self.received is not None:
            self.form.addRow("Received on:", self.received)
        self.form.addRow("Consumer's name:", self.name)
        self.form.addRow("Email:", self.email)
        self.form.addRow("Phone:", self.phone)
        self.form.addRow("Postal address:", self.address)
        self.form.addRow("Subject:", self.subject)
        self.form.addRow("Who is asking:", self.relation)
        self.form.addRow("Agent's name:", self.agent)
        self.form.addRow("", self.ca_resident)
        if suggestion.data_points_given:
            given = QLabel(
                "; ".join(suggestion.data_points_given)
                + "\n(with the caller's name and number, they prefill the identity check: tick what matched)"
            )
            given.setObjectName("data_points_given")
            given.setAccessibleName("Identifying details the caller gave")
            given.setWordWrap(True)
            self.form.addRow("Given on the call:", given)
        # As tall as the form needs (the wrapped lines included), within the screen.
        wanted = self.sizeHint().height()
        screen = self.screen().availableGeometry().height() - 60 if self.screen() is not None else wanted
        self.resize(560, min(max(wanted, 640), screen))

    @staticmethod
    def _line(name: str, accessible: str, text: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        return edit

    def checked_types(self) -> list[str]:
        return [
            self.types.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.types.count())
            if self.types.item(i).checkState() == Qt.CheckState.Checked
        ]

    def problem(self) -> str:
        if self.organization.currentData() is None:
            return "Choose the organization the request is addressed to."
        if self.jurisdiction.currentData() is None:
            return "Choose the jurisdiction whose law applies."
        if not self.checked_types():
            return "Tick at least one request type."
        if not self.name.text().strip():
            return "Enter the consumer's name."
        if self.relation.currentData() == "agent" and not self.agent.text().strip():
            return "Enter the agent's name, or choose who is asking."
        return ""

    def result_case(self) -> NewCaseFromIntake:
        relation = self.relation.currentData()
        return dataclasses.replace(
            self.suggestion,
            types=self.checked_types(),
            jurisdiction=self.jurisdiction.currentData(),
            organization=self.organization.currentData(),
            name=self.name.text().strip(),
            email=self.email.text().strip() or None,
            phone=self.phone.text().strip() or None,
            address=self.address.toPlainText().strip(),
            agent_name=self.agent.text().strip() or None if relation == "agent" else None,
            received=to_date(self.received) if self.received is not None else self.suggestion.received,
            subject=self.subject.text().strip(),
            ca_residency_attested=self.ca_resident.isChecked(),
            requester_relation=relation,
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        suggestion: NewCaseFromIntake,
        organizations: Sequence[OrganizationDTO],
        jurisdictions: Sequence[str],
    ) -> NewCaseFromIntake | None:
        dialog = cls(parent, suggestion, organizations, jurisdictions)
        return dialog.result_case() if dialog.exec() == FormDialog.DialogCode.Accepted else None
