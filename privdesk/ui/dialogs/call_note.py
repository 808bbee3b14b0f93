"""Log a phone call as it happens: when it came in, who called from which number, what they asked in their
words, what they gave to be identified, and which of the organization's lines they called.

The note becomes an inbox item whose original document is the note itself; detection suggests the request
types from the caller's words, as it does for emails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import phonenumbers
from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.matching import normalize_phone
from privdesk.services.dto import OrganizationDTO
from privdesk.services.intake import CallNote
from privdesk.ui.dialogs.common import FormDialog, organization_combo
from privdesk.ui.theme import emphasize

LINE_PROFILE_KEYS = ("other_toll_free_phones", "toll_free_lines")


def organization_lines(org: OrganizationDTO) -> list[str]:
    """The numbers a consumer can call: the profile's toll-free number, then any other listed lines."""
    lines = [org.toll_free_phone or ""]
    for key in LINE_PROFILE_KEYS:
        value = org.profile.get(key) or []
        lines += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return list(dict.fromkeys(line.strip() for line in lines if line and line.strip()))


def readable_number(raw: str) -> str | None:
    """``+1 800-555-0199`` for anything phonenumbers accepts as a valid number, else None."""
    e164 = normalize_phone(raw) if raw.strip() else None
    if e164 is None:
        return None
    return phonenumbers.format_number(
        phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except Exception:  # an unknown zone in a profile: fall back to UTC rather than refuse the note
        return ZoneInfo("UTC")


class CallNoteDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        organizations: Sequence[OrganizationDTO],
        now: dt.datetime,
        organization: str | None = None,
    ) -> None:
        super().__init__(
            parent,
            "Log a phone call",
            "Write the call down as it happens. The note is kept as the original of the request; "
            "the legal clock starts at the time of the call.",
            ok_text="Add to the inbox",
        )
        self.now = now if now.tzinfo else now.replace(tzinfo=dt.UTC)
        self.organizations = {org.slug: org for org in organizations}
        self.organization = organization_combo(organizations, organization)
        self.called_at = QDateTimeEdit()
        self.called_at.setObjectName("called_at")
        self.called_at.setAccessibleName("Date and time of the call")
        self.called_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.called_at.setCalendarPopup(True)
        self._time_touched = False  # once the officer sets the time, changing organization keeps it
        self.called_at.editingFinished.connect(lambda: setattr(self, "_time_touched", True))
        self.caller_number = QLineEdit()
        self.caller_number.setObjectName("caller_number")
        self.caller_number.setAccessibleName("Caller's number")
        self.caller_number.setPlaceholderText("as the caller gives it, e.g. (310) 555-0123")
        self.number_check = QLabel("")
        self.number_check.setObjectName("caller_number_normalized")
        self.number_check.setAccessibleName("Caller's number, normalized")
        self.caller_number.textChanged.connect(self._number_typed)
        self.caller_name = QLineEdit()
        self.caller_name.setObjectName("caller_name")
        self.caller_name.setAccessibleName("Caller's name")
        self.asked = QPlainTextEdit()
        self.asked.setObjectName("what_they_asked")
        self.asked.setAccessibleName("What they asked, in their words")
        self.asked.setMinimumHeight(90)
        self.data_point = QLineEdit()
        self.data_point.setObjectName("data_point")
        self.data_point.setAccessibleName("A data point given for verification")
        self.data_point.setPlaceholderText("e.g. last four digits of the account, date of birth")
        self.data_point.returnPressed.connect(self.add_data_point)
        add = QPushButton("Add")
        add.setObjectName("add_data_point")
        add.setAutoDefault(False)
        add.clicked.connect(self.add_data_point)
        self.add_point_button = add
        remove = QPushButton("Remove")
        remove.setObjectName("remove_data_point")
        remove.setAutoDefault(False)
        remove.clicked.connect(self.remove_data_point)
        self.data_points = QListWidget()
        self.data_points.setObjectName("data_points")
        self.data_points.setAccessibleName("Data points given for verification")
        self.data_points.setMaximumHeight(90)
        point_row = QHBoxLayout()
        point_row.addWidget(self.data_point, 1)
        point_row.addWidget(add)
        point_row.addWidget(remove)
        points = QVBoxLayout()
        points.addLayout(point_row)
        points.addWidget(self.data_points)
        self.line = QComboBox()
        self.line.setObjectName("line_called")
        self.line.setAccessibleName("Line the call came in on")
        self.line.setEditable(True)
        self.organization.currentIndexChanged.connect(self._organization_changed)
        number_box = QVBoxLayout()
        number_box.addWidget(self.caller_number)
        number_box.addWidget(self.number_check)
        self.form.addRow("Organization:", self.organization)
        self.form.addRow("Date and time:", self.called_at)
        self.form.addRow("Caller's number:", number_box)
        self.form.addRow("Caller's name:", self.caller_name)
        self.form.addRow("What they asked:", self.asked)
        self.form.addRow("Given to verify:", points)
        self.form.addRow("Line called:", self.line)
        self._organization_changed()
        self._number_typed("")
        self.resize(560, 620)

    def _local_now(self) -> dt.datetime:
        slug = self.organization.currentData()
        org = self.organizations.get(slug) if slug else None
        return self.now.astimezone(_zone(org.timezone if org else "UTC")).replace(tzinfo=None)

    def _organization_changed(self) -> None:
        """The time shown is the organization's local time; its lines become the choices."""
        local = self._local_now()
        latest = QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
        self.called_at.setMaximumDateTime(latest.addSecs(60))
        if not self._time_touched:
            self.called_at.setDateTime(latest)
        slug = self.organization.currentData()
        org = self.organizations.get(slug) if slug else None
        typed = self.line.currentText()
        self.line.clear()
        lines = organization_lines(org) if org else []
        for line in lines:
            self.line.addItem(line)
        if not lines:
            self.line.setPlaceholderText("the number the caller dialled")
            self.line.setEditText(typed)

    def _number_typed(self, text: str) -> None:
        if not text.strip():
            self.number_check.setText("")
            emphasize(self.number_check, False)
            return
        readable = readable_number(text)
        if readable is None:
            self.number_check.setText("⚠ not a valid phone number; it will be kept as typed")
            emphasize(self.number_check)
        else:
            self.number_check.setText(f"✓ {readable}")
            emphasize(self.number_check, False)

    def add_data_point(self) -> None:
        text = self.data_point.text().strip()
        if text:
            self.data_points.addItem(text)
            self.data_point.clear()

    def remove_data_point(self) -> None:
        row = self.data_points.currentRow()
        if row >= 0:
            self.data_points.takeItem(row)

    def data_point_texts(self) -> list[str]:
        texts = [self.data_points.item(n).text() for n in range(self.data_points.count())]
        pending = self.data_point.text().strip()  # typed but not yet added: keep it rather than lose it
        return [*texts, pending] if pending else texts

    def called_at_value(self) -> dt.datetime:
        value = self.called_at.dateTime().toPython()
        assert isinstance(value, dt.datetime)
        return value.replace(second=0, microsecond=0, tzinfo=None)

    def problem(self) -> str:
        if self.organization.currentData() is None:
            return "Choose the organization that was called."
        if not self.asked.toPlainText().strip():
            return "Write what the caller asked, in their words."
        if self.called_at_value() > self._local_now() + dt.timedelta(minutes=1):
            return "The time of the call cannot be in the future."
        return ""

    def note(self) -> CallNote:
        return CallNote(
            organization=str(self.organization.currentData()),
            received_at=self.called_at_value(),
            caller_number=self.caller_number.text().strip(),
            caller_name=self.caller_name.text().strip(),
            what_they_asked=self.asked.toPlainText().strip(),
            data_points_given=self.data_point_texts(),
            line_called=self.line.currentText().strip(),
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        organizations: Sequence[OrganizationDTO],
        now: dt.datetime,
        organization: str | None = None,
    ) -> CallNote | None:
        dialog = cls(parent, organizations, now, organization)
        return dialog.note() if dialog.exec() else None
