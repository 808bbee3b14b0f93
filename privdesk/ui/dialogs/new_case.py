"""New case: a request entered by hand, whatever the channel it came by.

A call as it happens is written down with the call note (File › Log a phone call), which goes to the
inbox like every other channel; this form is for a request already read or heard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTimeEdit,
    QWidget,
)

from privdesk.domain.types import Channel, RequestType
from privdesk.services.cases import NewCase
from privdesk.services.dto import OrganizationDTO
from privdesk.ui.dialogs.common import FormDialog, date_edit, fit_checklist, to_date

CHANNEL_LABELS = {
    Channel.MAIL: "Mail",
    Channel.EMAIL: "Email",
    Channel.PHONE: "Phone call",
    Channel.WEB: "Web form",
    Channel.FAX: "Fax",
    Channel.IN_PERSON: "In person",
}
RELATIONS = (
    ("self", "The consumer"),
    ("agent", "An authorized agent"),
    ("parent", "A parent"),
    ("guardian", "A guardian"),
)


class NewCaseDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        organizations: Sequence[OrganizationDTO],
        jurisdictions: Sequence[str],
        today: dt.date,
    ) -> None:
        intro = "Log the request on the day it was received: the legal clocks start from that date."
        super().__init__(parent, "New case", intro, ok_text="Create the case")
        self.today = today
        self.organization = QComboBox()
        self.organization.setObjectName("organization")
        for org in organizations:
            self.organization.addItem(f"{org.display_name} ({org.slug})", org.slug)
        self.organization.setAccessibleName("Organization")
        self.jurisdiction = QComboBox()
        self.jurisdiction.setObjectName("jurisdiction")
        self.jurisdiction.setAccessibleName("Jurisdiction")
        for code in jurisdictions:
            self.jurisdiction.addItem(code, code)
        default = self.jurisdiction.findData("US-CA")
        self.jurisdiction.setCurrentIndex(max(default, 0))
        self.types = QListWidget()
        self.types.setObjectName("request_types")
        self.types.setAccessibleName("Request types")
        for rtype in RequestType:
            item = QListWidgetItem(rtype.label)
            item.setData(Qt.ItemDataRole.UserRole, rtype.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.types.addItem(item)
        fit_checklist(self.types)
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        self.channel.setAccessibleName("Channel")
        for channel, label in CHANNEL_LABELS.items():
            self.channel.addItem(label, channel.value)
        self.channel.setCurrentIndex(self.channel.findData(Channel.EMAIL.value))
        self.received = date_edit(today, "received_on", latest=today)
        self.time = QTimeEdit(QTime.currentTime())
        self.time.setObjectName("received_time")
        self.time.setAccessibleName("Time received")
        self.time.setDisplayFormat("HH:mm")
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.name.setAccessibleName("Consumer's name")
        self.phone_number = QLineEdit()
        self.phone_number.setObjectName("phone")
        self.phone_number.setAccessibleName("Phone")
        self.email = QLineEdit()
        self.email.setObjectName("email")
        self.email.setAccessibleName("Email")
        self.address = QPlainTextEdit()
        self.address.setObjectName("address")
        self.address.setAccessibleName("Postal address")
        self.address.setMaximumHeight(64)
        self.subject = QLineEdit()
        self.subject.setObjectName("subject")
        self.subject.setAccessibleName("Subject")
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setAccessibleName("Summary")
        self.summary.setMaximumHeight(80)
        self.relation = QComboBox()
        self.relation.setObjectName("requester_relation")
        self.relation.setAccessibleName("Who is asking")
        for code, label in RELATIONS:
            self.relation.addItem(label, code)
        self.agent = QLineEdit()
        self.agent.setObjectName("agent_name")
        self.agent.setAccessibleName("Agent's name")
        self.agent.setEnabled(False)
        self.relation.currentIndexChanged.connect(
            lambda _: self.agent.setEnabled(self.relation.currentData() == "agent")
        )
        self.ca_resident = QCheckBox("States California residency")
        self.ca_resident.setObjectName("ca_residency_attested")
        # A California request to know may name its period, back to 2022-01-01 (§7024(h)).
        self.know_period = QComboBox()
        self.know_period.setObjectName("know_period")
        self.know_period.setAccessibleName("Period a request to know covers")
        for code, label in (
            ("usual", "The 12 months before receipt"),
            ("all", "Everything since 2022-01-01 (California)"),
            ("from", "From the date below (California, 2022-01-01 at the earliest)"),
        ):
            self.know_period.addItem(label, code)
        self.know_since = date_edit(dt.date(2022, 1, 1), "know_since", latest=today)
        self.know_since.setEnabled(False)
        self.know_period.currentIndexChanged.connect(
            lambda _: self.know_since.setEnabled(self.know_period.currentData() == "from")
        )

        self.form.addRow("Organization:", self.organization)
        self.form.addRow("Jurisdiction:", self.jurisdiction)
        self.form.addRow("Request types:", self.types)
        self.form.addRow("Channel:", self.channel)
        self.form.addRow("Received on:", self.received)
        self.form.addRow("Time:", self.time)
        self.form.addRow("Consumer's name:", self.name)
        self.form.addRow("Email:", self.email)
        self.form.addRow("Phone:", self.phone_number)
        self.form.addRow("Postal address:", self.address)
        self.form.addRow("Subject:", self.subject)
        self.form.addRow("Summary:", self.summary)
        self.form.addRow("Who is asking:", self.relation)
        self.form.addRow("Agent's name:", self.agent)
        self.form.addRow("", self.ca_resident)
        self.form.addRow("Request to know covers:", self.know_period)
        self.form.addRow("From:", self.know_since)
        self.name.setFocus()
        self.resize(560, 680)

    def checked_types(self) -> list[str]:
        return [
            self.types.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.types.count())
            if self.types.item(i).checkState() == Qt.CheckState.Checked
        ]

    def check_type(self, code: str) -> None:
        for i in range(self.types.count()):
            if self.types.item(i).data(Qt.ItemDataRole.UserRole) == code:
                self.types.item(i).setCheckState(Qt.CheckState.Checked)

    def problem(self) -> str:
        if self.organization.currentData() is None:
            return "Choose the organization the request is addressed to."
        if not self.checked_types():
            return "Tick at least one request type."
        if not self.name.text().strip():
            return "Enter the consumer's name."
        if self.relation.currentData() == "agent" and not self.agent.text().strip():
            return "Enter the agent's name, or choose who is asking."
        return ""

    def result_case(self) -> NewCase:
        summary = self.summary.toPlainText().strip()
        subject = self.subject.text().strip()
        received_time = self.time.time().toPython()
        assert isinstance(received_time, dt.time)
        relation = self.relation.currentData()
        knows = any(t in ("know_categories", "know_specific", "portability") for t in self.checked_types())
        period = self.know_period.currentData() if knows else "usual"
        return NewCase(
            organization=self.organization.currentData(),
            jurisdiction=self.jurisdiction.currentData(),
            types=self.checked_types(),
            channel=self.channel.currentData(),
            received=to_date(self.received),
            received_time=received_time,
            name=self.name.text().strip(),
            email=self.email.text().strip() or None,
            phone=self.phone_number.text().strip() or None,
            address=self.address.toPlainText().strip(),
            subject=subject,
            summary=summary,
            requester_relation=relation,
            agent_name=self.agent.text().strip() or None if relation == "agent" else None,
            ca_residency_attested=self.ca_resident.isChecked(),
            know_since=to_date(self.know_since) if period == "from" else None,
            know_everything=period == "all",
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        organizations: Sequence[OrganizationDTO],
        jurisdictions: Sequence[str],
        today: dt.date,
    ) -> NewCase | None:
        dialog = cls(parent, organizations, jurisdictions, today)
        return dialog.result_case() if dialog.exec() == FormDialog.DialogCode.Accepted else None
