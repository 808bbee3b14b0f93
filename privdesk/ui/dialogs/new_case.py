"""New case: a request received by mail, email, web or fax, or taken on a phone call."""

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
from privdesk.services.call_check import split_data_points
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
        *,
        phone: bool = False,
    ) -> None:
        title = "New case from a phone call" if phone else "New case"
        intro = (
            "Write down the call as it happens: when it came in, the caller's number, what they asked and "
            "the identifying details they gave."
            if phone
            else "Log the request on the day it was received: the legal clocks start from that date."
        )
        super().__init__(parent, title, intro, ok_text="Create the case")
        self.phone = phone
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
        self.channel.setCurrentIndex(
            self.channel.findData(Channel.PHONE.value if phone else Channel.EMAIL.value)
        )
        self.channel.setEnabled(not phone)
        self.received = date_edit(today, "received_on", latest=today)
        self.time = QTimeEdit(QTime.currentTime())
        self.time.setObjectName("received_time")
        self.time.setAccessibleName("Time of the call" if phone else "Time received")
        self.time.setDisplayFormat("HH:mm")
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.name.setAccessibleName("Caller's name" if phone else "Consumer's name")
        self.phone_number = QLineEdit()
        self.phone_number.setObjectName("phone")
        self.phone_number.setAccessibleName("Caller's number" if phone else "Phone")
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
        self.summary.setAccessibleName("What they asked" if phone else "Summary")
        self.summary.setMaximumHeight(80)
        self.data_points = QPlainTextEdit()
        self.data_points.setObjectName("data_points")
        self.data_points.setAccessibleName("Data points given")
        self.data_points.setPlaceholderText(
            "one per line or separated by ';', e.g. date of birth 1980-02-14; last four of the policy "
            "4471 (they prefill the identity check)"
        )
        self.data_points.setMaximumHeight(56)
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
        self.form.addRow("Date of the call:" if phone else "Received on:", self.received)
        self.form.addRow("Time of the call:" if phone else "Time:", self.time)
        self.form.addRow("Caller's name:" if phone else "Consumer's name:", self.name)
        if phone:
            self.form.addRow("Caller's number:", self.phone_number)
            self.form.addRow("What they asked:", self.summary)
            self.form.addRow("Data points given:", self.data_points)
            self.form.addRow("Email:", self.email)
            self.form.addRow("Postal address:", self.address)
        else:
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
        self.resize(560, 720 if phone else 680)

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
            return "Enter the caller's name." if self.phone else "Enter the consumer's name."
        if self.relation.currentData() == "agent" and not self.agent.text().strip():
            return "Enter the agent's name, or choose who is asking."
        return ""

    def result_case(self) -> NewCase:
        summary = self.summary.toPlainText().strip()
        subject = self.subject.text().strip()
        if self.phone:
            time = self.time.time().toString("HH:mm")
            number = self.phone_number.text().strip() or "number not given"
            subject = f"Phone call at {time} from {number}"
            given = self.data_points.toPlainText().strip()
            if given:
                summary = f"{summary}\n\nData points given on the call: {given}".strip()
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
            data_points_given=split_data_points(self.data_points.toPlainText()) if self.phone else (),
            know_everything=period == "all",
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        organizations: Sequence[OrganizationDTO],
        jurisdictions: Sequence[str],
        today: dt.date,
        *,
        phone: bool = False,
    ) -> NewCase | None:
        dialog = cls(parent, organizations, jurisdictions, today, phone=phone)
        return dialog.result_case() if dialog.exec() == FormDialog.DialogCode.Accepted else None
