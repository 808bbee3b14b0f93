"""Dialogs for the steps of a case: acknowledge, verify, extend, respond or deny, authorize an agent, note.

Each has ``ask()`` returning what the officer entered (or None when cancelled), so tests replace ``ask``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from privdesk.domain import outcomes
from privdesk.domain.agents import PoaChecklist
from privdesk.domain.types import DenialReason, Outcome, RequestType, VerificationLevel, label_of
from privdesk.services.agents import AgentDTO, AuthorizationInput, PoaInput
from privdesk.services.clock import ClockOptionDTO
from privdesk.services.dto import ItemDTO
from privdesk.services.workflow import DataPoint, VerificationInput
from privdesk.ui.dialogs.common import FormDialog, date_edit, fit_checklist, to_date

DENIAL_LABELS = {
    DenialReason.UNVERIFIABLE: "Identity could not be verified",
    DenialReason.NOT_A_CONSUMER: "Not a consumer of the business",
    DenialReason.EXEMPTION_GLBA: "Exempt: GLBA-covered information",
    DenialReason.EXEMPTION_HIPAA_CMIA: "Exempt: HIPAA/CMIA medical information",
    DenialReason.EXEMPTION_FCRA: "Exempt: FCRA consumer report",
    DenialReason.LEGAL_OBLIGATION: "Legal obligation to keep the information",
    DenialReason.FREQUENCY_LIMIT: "Frequency limit reached",
    DenialReason.MANIFESTLY_UNFOUNDED: "Manifestly unfounded or excessive",
    DenialReason.FRAUD: "Suspected fraud",
    DenialReason.AGENT_NOT_AUTHORIZED: "Agent without signed permission",
    DenialReason.OTHER: "Other (explain below)",
}
OUTCOME_LABELS = {
    Outcome.FULFILLED: "Fulfilled",
    Outcome.PARTLY_FULFILLED: "Partly fulfilled",
    Outcome.DENIED: "Denied",
    Outcome.NOT_APPLICABLE: "Not applicable (nothing held to delete)",
}
DEFAULT_DATA_POINTS = (
    "Full name",
    "Email address",
    "Postal address",
    "Date of birth",
    "Account or policy number",
)


@dataclass(frozen=True)
class Acknowledgement:
    on: dt.date
    method: str


class AcknowledgeDialog(FormDialog):
    def __init__(self, parent: QWidget | None, today: dt.date) -> None:
        super().__init__(
            parent,
            "Acknowledge receipt",
            "Record how and when receipt was confirmed.",
            ok_text="Acknowledge",
        )
        self.on = date_edit(today, "acknowledged_on", latest=today)
        self.method = QComboBox()
        self.method.setObjectName("method")
        self.method.setAccessibleName("Method")
        for code, label in (
            ("email", "Email"),
            ("letter", "Letter (queues an acknowledgement letter)"),
            ("oral", "Told on the phone"),
        ):
            self.method.addItem(label, code)
        self.form.addRow("Acknowledged on:", self.on)
        self.form.addRow("How:", self.method)

    @classmethod
    def ask(cls, parent: QWidget | None, today: dt.date) -> Acknowledgement | None:
        d = cls(parent, today)
        return Acknowledgement(to_date(d.on), d.method.currentData()) if d.exec() else None


class VerificationDialog(FormDialog):
    """Data points asked, received and matched; declaration; account re-authentication."""

    def __init__(self, parent: QWidget | None, level_required: str, prefilled: Sequence[str] = ()) -> None:
        super().__init__(
            parent,
            "Verify identity",
            f"Level required by the rules: {label_of(level_required, VerificationLevel).lower()}. Tick what "
            "was asked, what came back and whether it matched your records.",
            ok_text="Record the check",
        )
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("data_points")
        self.table.setAccessibleName("Data points")
        self.table.setHorizontalHeaderLabels(["Data point", "Asked", "Received", "Matched"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # What the caller gave on the phone comes first, asked and received: tick what matched.
        for name in prefilled:
            self.set_point(self.add_point(name), asked=True, received=True, matched=False)
        for name in DEFAULT_DATA_POINTS:
            self.add_point(name)
        add = QPushButton("Add data point")
        add.setObjectName("add_data_point")
        add.clicked.connect(lambda: self.add_point("Other"))
        self.declaration = QCheckBox("Signed declaration under penalty of perjury received")
        self.declaration.setObjectName("declaration_received")
        self.account = QCheckBox("Consumer re-authenticated through their account")
        self.account.setObjectName("account_reauthenticated")
        self.final = QCheckBox("Nothing more will come (treat what is missing as not verified)")
        self.final.setObjectName("final")
        self.form.addRow(self.table)
        self.form.addRow("", add)
        self.form.addRow("", self.declaration)
        self.form.addRow("", self.account)
        self.form.addRow("", self.final)
        self.resize(560, 460)

    def add_point(self, name: str) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        for col in (1, 2, 3):
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(row, col, item)
        return row

    def set_point(self, row: int, asked: bool, received: bool, matched: bool) -> None:
        for col, value in ((1, asked), (2, received), (3, matched)):
            self._cell(row, col).setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)

    def _cell(self, row: int, col: int) -> QTableWidgetItem:
        item = self.table.item(row, col)
        assert item is not None, "every cell of the data-point table is filled when the row is added"
        return item

    def _checked(self, row: int, col: int) -> bool:
        return self._cell(row, col).checkState() == Qt.CheckState.Checked

    def result_input(self) -> VerificationInput:
        points = []
        for row in range(self.table.rowCount()):
            asked, received, matched = (self._checked(row, c) for c in (1, 2, 3))
            if asked or received:
                points.append(
                    DataPoint(
                        self._cell(row, 0).text(),
                        asked=asked,
                        received=received,
                        matched=matched if received else None,
                    )
                )
        method = "account" if self.account.isChecked() else "data_points"
        return VerificationInput(
            method=method,
            data_points=points,
            declaration_received=self.declaration.isChecked(),
            account_reauthenticated=self.account.isChecked(),
            final=self.final.isChecked(),
        )

    def problem(self) -> str:
        data = self.result_input()
        if not data.data_points and not data.account_reauthenticated:
            return "Tick at least one data point asked, or the account re-authentication."
        return ""

    @classmethod
    def ask(
        cls, parent: QWidget | None, level_required: str, prefilled: Sequence[str] = ()
    ) -> VerificationInput | None:
        d = cls(parent, level_required, prefilled)
        return d.result_input() if d.exec() else None


@dataclass(frozen=True)
class Extension:
    on: dt.date
    reason: str


class ExtensionDialog(FormDialog):
    def __init__(self, parent: QWidget | None, today: dt.date, extended_to: dt.date | None) -> None:
        super().__init__(
            parent,
            "Extend the deadline",
            "The consumer must be told of the extension and the reason before the first deadline."
            + (f" The new deadline will be {extended_to.isoformat()}." if extended_to else ""),
            ok_text="Extend the deadline",
        )
        self.on = date_edit(today, "extended_on", latest=today)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setAccessibleName("Reason for the extension")
        self.reason.setPlaceholderText(
            "e.g. the records are held by three claims units and must be collected"
        )
        self.form.addRow("Notice sent on:", self.on)
        self.form.addRow("Reason (required):", self.reason)

    def problem(self) -> str:
        return (
            ""
            if self.reason.toPlainText().strip()
            else "Give the reason for the extension: it goes in the notice."
        )

    @classmethod
    def ask(cls, parent: QWidget | None, today: dt.date, extended_to: dt.date | None) -> Extension | None:
        d = cls(parent, today, extended_to)
        return Extension(to_date(d.on), d.reason.toPlainText().strip()) if d.exec() else None


@dataclass(frozen=True)
class Response:
    item_type: str
    on: dt.date
    outcome: str
    reasons: tuple[str, ...]
    explanation: str
    disclose_specific_pieces: bool


class RespondDialog(FormDialog):
    def __init__(self, parent: QWidget | None, items: Sequence[ItemDTO], today: dt.date) -> None:
        super().__init__(
            parent,
            "Respond or deny",
            "Record the answer given. A denial needs its coded reasons.",
            ok_text="Record the answer",
        )
        self.item = QComboBox()
        self.item.setObjectName("item_type")
        self.item.setAccessibleName("Request")
        for item in items:
            self.item.addItem(RequestType(item.type).label, item.type)
        self.on = date_edit(today, "responded_on", latest=today)
        self.outcome = QComboBox()
        self.outcome.setObjectName("outcome")
        self.outcome.setAccessibleName("Outcome")
        self.reasons = QListWidget()
        self.reasons.setObjectName("denial_reasons")
        self.reasons.setAccessibleName("Denial reasons")
        for reason, label in DENIAL_LABELS.items():
            entry = QListWidgetItem(label)
            entry.setData(Qt.ItemDataRole.UserRole, reason.value)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Unchecked)
            self.reasons.addItem(entry)
        self.reasons.setMaximumHeight(170)
        self.explanation = QPlainTextEdit()
        self.explanation.setObjectName("explanation")
        self.explanation.setAccessibleName("Explanation")
        self.explanation.setMaximumHeight(80)
        self.specific = QCheckBox("Specific pieces of information were disclosed")
        self.specific.setObjectName("disclose_specific_pieces")
        self.form.addRow("Request:", self.item)
        self.form.addRow("Answered on:", self.on)
        self.form.addRow("Outcome:", self.outcome)
        self.form.addRow("Denial reasons:", self.reasons)
        self.form.addRow("Explanation:", self.explanation)
        self.form.addRow("", self.specific)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.item.currentIndexChanged.connect(self._item_changed)
        self._item_changed()
        self.resize(520, 520)

    def _item_changed(self) -> None:
        """Offer only the outcomes the selected request type has (a refusal is always 'Denied')."""
        code = self.item.currentData()
        allowed = outcomes.allowed_outcomes(RequestType(code)) if code else tuple(OUTCOME_LABELS)
        current = self.outcome.currentData()
        self.outcome.blockSignals(True)
        self.outcome.clear()
        for outcome in allowed:
            self.outcome.addItem(OUTCOME_LABELS[outcome], outcome.value)
        index = self.outcome.findData(current)
        self.outcome.setCurrentIndex(max(index, 0))
        self.outcome.blockSignals(False)
        self._outcome_changed()

    def _outcome_changed(self) -> None:
        partial = self.outcome.currentData() in (Outcome.DENIED.value, Outcome.PARTLY_FULFILLED.value)
        self.reasons.setEnabled(partial)

    def set_reason(self, code: str) -> None:
        for i in range(self.reasons.count()):
            if self.reasons.item(i).data(Qt.ItemDataRole.UserRole) == code:
                self.reasons.item(i).setCheckState(Qt.CheckState.Checked)

    def checked_reasons(self) -> tuple[str, ...]:
        if not self.reasons.isEnabled():
            return ()
        return tuple(
            self.reasons.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.reasons.count())
            if self.reasons.item(i).checkState() == Qt.CheckState.Checked
        )

    def problem(self) -> str:
        if self.outcome.currentData() == Outcome.DENIED.value and not self.checked_reasons():
            return "A denial needs at least one reason: tick the reasons that apply."
        if DenialReason.OTHER.value in self.checked_reasons() and not self.explanation.toPlainText().strip():
            return "Explain the 'other' reason."
        return ""

    def result_response(self) -> Response:
        return Response(
            self.item.currentData(),
            to_date(self.on),
            self.outcome.currentData(),
            self.checked_reasons(),
            self.explanation.toPlainText().strip(),
            self.specific.isChecked(),
        )

    @classmethod
    def ask(cls, parent: QWidget | None, items: Sequence[ItemDTO], today: dt.date) -> Response | None:
        d = cls(parent, items, today)
        return d.result_response() if d.exec() else None


@dataclass(frozen=True)
class Processed:
    item_type: str
    on: dt.date
    confirm: bool


class ProcessedDialog(FormDialog):
    """The day an opt-out or limit request was carried out; it meets the request's deadline."""

    def __init__(self, parent: QWidget | None, items: Sequence[ItemDTO], today: dt.date) -> None:
        super().__init__(
            parent,
            "Record the opt-out as processed",
            "The day the business stopped selling or sharing (or limited the use) meets the deadline "
            "(15 business days in California, Cal. Code Regs. tit. 11 §7026(f)). The consumer is then "
            "told it was honored (§7026(g)).",
            ok_text="Record as processed",
        )
        self.item = QComboBox()
        self.item.setObjectName("item_type")
        self.item.setAccessibleName("Request")
        for item in items:
            due = f" (due {item.respond_by.isoformat()})" if item.respond_by else ""
            self.item.addItem(RequestType(item.type).label + due, item.type)
        self.on = date_edit(today, "processed_on", latest=today)
        self.confirm = QCheckBox("Confirm to the consumer now (queues the “Opt-Out Request Honored” letter)")
        self.confirm.setObjectName("confirm_now")
        self.confirm.setChecked(True)
        self.form.addRow("Request:", self.item)
        self.form.addRow("Processed on:", self.on)
        self.form.addRow("", self.confirm)

    def result_processed(self) -> Processed:
        return Processed(self.item.currentData(), to_date(self.on), self.confirm.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, items: Sequence[ItemDTO], today: dt.date) -> Processed | None:
        d = cls(parent, items, today)
        return d.result_processed() if d.exec() else None


@dataclass(frozen=True)
class ClockStep:
    item_type: str
    action: str  # "start" (the relevant time), "pause", "resume"
    reason: str  # the pause's code, for "pause"
    on: dt.date


class ClockDialog(FormDialog):
    """Record what the law lets a clock do: start late (UK relevant time), stop while something it allows
    is awaited (UK clarification, Iowa authentication, GDPR identity information), or run again."""

    def __init__(self, parent: QWidget | None, options: Sequence[ClockOptionDTO], today: dt.date) -> None:
        super().__init__(
            parent,
            "Record on the clock",
            "Only what the law of this request allows is offered; each step recomputes the dates and is "
            "kept in the audit trail.",
            ok_text="Record on the clock",
        )
        self.options = {o.item_type: o for o in options}
        self.item = QComboBox()
        self.item.setObjectName("item_type")
        self.item.setAccessibleName("Request")
        for option in options:
            self.item.addItem(RequestType(option.item_type).label, option.item_type)
        self.action = QComboBox()
        self.action.setObjectName("clock_action")
        self.action.setAccessibleName("What happened")
        self.on = date_edit(today, "clock_on", latest=today)
        self.form.addRow("Request:", self.item)
        self.form.addRow("What happened:", self.action)
        self.form.addRow("On:", self.on)
        self.item.currentIndexChanged.connect(self._item_changed)
        self._item_changed()

    def _item_changed(self) -> None:
        option = self.options.get(self.item.currentData())
        self.action.clear()
        if option is None:
            return
        if option.paused_since is not None:
            self.action.addItem(
                f"What was awaited arrived: the clock runs again (stopped {option.paused_since.isoformat()})",
                "resume:",
            )
            return
        if option.relevant_time:
            self.action.addItem(
                "The identity information asked for, or the fee, arrived: the clock starts", "start:"
            )
        for code, label in option.pauses:
            self.action.addItem(f"The clock stops: {label}", f"pause:{code}")

    def set_action(self, action: str, reason: str = "") -> None:
        index = self.action.findData(f"{action}:{reason}")
        if index < 0:
            raise ValueError(f"no clock step {action!r} {reason!r} offered")
        self.action.setCurrentIndex(index)

    def result_step(self) -> ClockStep:
        action, _, reason = str(self.action.currentData()).partition(":")
        return ClockStep(self.item.currentData(), action, reason, to_date(self.on))

    @classmethod
    def ask(
        cls, parent: QWidget | None, options: Sequence[ClockOptionDTO], today: dt.date
    ) -> ClockStep | None:
        d = cls(parent, options, today)
        return d.result_step() if d.exec() else None


class AuthorizationDialog(FormDialog):
    """The agent's signed permission: who signed, when, for what, until when."""

    def __init__(
        self,
        parent: QWidget | None,
        agents: Sequence[AgentDTO],
        consumer_id: int,
        consumer_name: str,
        today: dt.date,
    ) -> None:
        super().__init__(
            parent,
            "Record agent authorization",
            f"Signed permission for an agent to act for {consumer_name}.",
            ok_text="Record authorization",
        )
        self.consumer_id = consumer_id
        self.agent = QComboBox()
        self.agent.setObjectName("agent")
        self.agent.setAccessibleName("Agent")
        for agent in agents:
            self.agent.addItem(agent.name, agent.id)
        self.signed = QCheckBox("Signed permission received")
        self.signed.setObjectName("signed_permission")
        self.signed_by = QLineEdit(consumer_name)
        self.signed_by.setObjectName("signed_by")
        self.signed_by.setAccessibleName("Signed by")
        self.signed_on = date_edit(today, "signed_on", latest=today)
        self.scope = QListWidget()
        self.scope.setObjectName("scope")
        self.scope.setAccessibleName("Scope")
        for rtype in RequestType:
            entry = QListWidgetItem(rtype.label)
            entry.setData(Qt.ItemDataRole.UserRole, rtype.value)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Unchecked)
            self.scope.addItem(entry)
        fit_checklist(self.scope)
        self.valid_months = QSpinBox()
        self.valid_months.setObjectName("valid_months")
        self.valid_months.setAccessibleName("Valid for months")
        self.valid_months.setRange(0, 60)
        self.valid_months.setSpecialValueText("no expiry")
        self.valid_months.setValue(12)
        self.today = today
        self.confirmed = QCheckBox("The consumer confirmed the agent directly")
        self.confirmed.setObjectName("consumer_confirmed")
        self.verified_directly = QCheckBox("The consumer verified their own identity directly")
        self.verified_directly.setObjectName("consumer_verified_directly")
        self.form.addRow("Agent:", self.agent)
        self.form.addRow("", self.signed)
        self.form.addRow("Signed by:", self.signed_by)
        self.form.addRow("Signed on:", self.signed_on)
        self.form.addRow("Covers:", self.scope)
        self.form.addRow("Valid for (months):", self.valid_months)
        self.form.addRow("", self.confirmed)
        self.form.addRow("", self.verified_directly)
        self.form.addRow(self._power_of_attorney_box())

    def _power_of_attorney_box(self) -> QGroupBox:
        """A power of attorney under Probate Code §§4000-4465 stands in for the consumer's confirmation;
        its formal requirements are checked as the officer ticks them."""
        box = QGroupBox("Power of attorney (instead of signed permission)")
        box.setObjectName("power_of_attorney")
        box.setCheckable(True)
        box.setChecked(False)
        self.poa_box = box
        self.poa_dated = QCheckBox("Dated")
        self.poa_dated.setObjectName("poa_dated")
        self.poa_signed = QCheckBox("Signed by the consumer (or at their direction, in their presence)")
        self.poa_signed.setObjectName("poa_signed")
        self.poa_notarized = QCheckBox("Acknowledged before a notary")
        self.poa_notarized.setObjectName("poa_notarized")
        self.poa_witnesses = QSpinBox()
        self.poa_witnesses.setObjectName("poa_witnesses")
        self.poa_witnesses.setAccessibleName("Adult witnesses")
        self.poa_witnesses.setRange(0, 9)
        self.poa_agent_not_witness = QCheckBox("The agent is not one of the witnesses")
        self.poa_agent_not_witness.setObjectName("poa_agent_not_witness")
        self.poa_agent_not_witness.setChecked(True)
        self.poa_problems = QLabel()
        self.poa_problems.setObjectName("poa_problems")
        self.poa_problems.setWordWrap(True)
        form = QFormLayout(box)
        form.addRow(self.poa_dated)
        form.addRow(self.poa_signed)
        form.addRow(self.poa_notarized)
        form.addRow("Adult witnesses:", self.poa_witnesses)
        form.addRow(self.poa_agent_not_witness)
        form.addRow(self.poa_problems)
        for check in (self.poa_dated, self.poa_signed, self.poa_notarized, self.poa_agent_not_witness):
            check.toggled.connect(self._show_poa_problems)
        self.poa_witnesses.valueChanged.connect(self._show_poa_problems)
        box.toggled.connect(self._show_poa_problems)
        self._show_poa_problems()
        return box

    def power_of_attorney(self) -> PoaInput | None:
        if not self.poa_box.isChecked():
            return None
        return PoaInput(
            dated=self.poa_dated.isChecked(),
            signed_by_principal=self.poa_signed.isChecked(),
            notarized=self.poa_notarized.isChecked(),
            witness_count=self.poa_witnesses.value(),
            witnesses_exclude_agent=self.poa_agent_not_witness.isChecked(),
        )

    def _show_poa_problems(self) -> None:
        poa = self.power_of_attorney()
        if poa is None:
            self.poa_problems.setText("")
            return
        problems = PoaChecklist(**poa.__dict__).poa_problems()
        self.poa_problems.setText(
            "⚠ " + "; ".join(problems) + "."
            if problems
            else "✓ Meets the Probate Code's formal requirements."
        )

    def problem(self) -> str:
        if self.agent.currentData() is None:
            return "Add the agent on the Agents page first."
        return ""

    def result_input(self) -> AuthorizationInput:
        months = self.valid_months.value()
        signed_on = to_date(self.signed_on)
        expires = signed_on + dt.timedelta(days=round(months * 30.44)) if months else None
        scope = [
            self.scope.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.scope.count())
            if self.scope.item(i).checkState() == Qt.CheckState.Checked
        ]
        return AuthorizationInput(
            agent_id=self.agent.currentData(),
            consumer_id=self.consumer_id,
            signed_permission=self.signed.isChecked(),
            signed_by=self.signed_by.text().strip(),
            signed_on=signed_on,
            scope=scope,
            expires_on=expires,
            consumer_confirmed_on=self.today if self.confirmed.isChecked() else None,
            consumer_confirm_method="direct" if self.confirmed.isChecked() else None,
            consumer_verified_directly=self.verified_directly.isChecked(),
            power_of_attorney=self.power_of_attorney(),
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        agents: Sequence[AgentDTO],
        consumer_id: int,
        consumer_name: str,
        today: dt.date,
    ) -> AuthorizationInput | None:
        d = cls(parent, agents, consumer_id, consumer_name, today)
        return d.result_input() if d.exec() else None


class NoteDialog(FormDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(
            parent,
            "Add a note",
            "Notes go on the case's timeline and into the audit trail.",
            ok_text="Add note",
        )
        self.body = QPlainTextEdit()
        self.body.setObjectName("note_body")
        self.body.setAccessibleName("Note")
        self.form.addRow(self.body)

    def problem(self) -> str:
        return "" if self.body.toPlainText().strip() else "Write the note first."

    @classmethod
    def ask(cls, parent: QWidget | None) -> str | None:
        d = cls(parent)
        return d.body.toPlainText().strip() if d.exec() else None


class AddAgentDialog(FormDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(
            parent, "Add an agent", "A person or a business that acts for consumers.", ok_text="Add agent"
        )
        self.name = QLineEdit()
        self.name.setObjectName("agent_name")
        self.name.setAccessibleName("Name")
        self.kind = QComboBox()
        self.kind.setObjectName("agent_kind")
        self.kind.addItem("Business", "business")
        self.kind.addItem("Person", "person")
        self.sos = QLineEdit()
        self.sos.setObjectName("sos_registration")
        self.sos.setAccessibleName("Secretary of State registration")
        self.email = QLineEdit()
        self.email.setObjectName("agent_email")
        self.phone = QLineEdit()
        self.phone.setObjectName("agent_phone")
        self.address = QPlainTextEdit()
        self.address.setObjectName("agent_address")
        self.address.setMaximumHeight(64)
        self.form.addRow("Name:", self.name)
        self.form.addRow("Kind:", self.kind)
        self.form.addRow("SoS registration:", self.sos)
        self.form.addRow("Email:", self.email)
        self.form.addRow("Phone:", self.phone)
        self.form.addRow("Address:", self.address)

    def problem(self) -> str:
        return "" if self.name.text().strip() else "Enter the agent's name."

    @classmethod
    def ask(cls, parent: QWidget | None) -> dict[str, str] | None:
        d = cls(parent)
        if not d.exec():
            return None
        return {
            "name": d.name.text().strip(),
            "kind": d.kind.currentData(),
            "sos_registration": d.sos.text().strip(),
            "email": d.email.text().strip(),
            "phone": d.phone.text().strip(),
            "address": d.address.toPlainText().strip(),
        }
