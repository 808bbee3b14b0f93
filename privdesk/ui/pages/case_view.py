"""One case: header with the running clocks and their legal basis, warnings, the next step, and tabs."""

from __future__ import annotations

import datetime as dt
import html
import mimetypes
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.errors import ConflictError, NotFound, ValidationError
from privdesk.domain.types import Outcome, RequestType, VerificationLevel, label_of, strictest_level
from privdesk.domain.verification import PREFILLED
from privdesk.domain.workflow import CEASE_TYPES
from privdesk.services.dto import CaseDTO, ItemDTO
from privdesk.ui import settings as ui_settings
from privdesk.ui.dialogs.conflict import ChangedBy, Choice, FieldDifference
from privdesk.ui.dialogs.conflict import ConflictDialog as FieldConflictDialog
from privdesk.ui.dialogs.steps import (
    AcknowledgeDialog,
    AuthorizationDialog,
    ClockDialog,
    ExtensionDialog,
    NoteDialog,
    ProcessedDialog,
    RespondDialog,
    VerificationDialog,
)
from privdesk.ui.errors import explain
from privdesk.ui.icons import icon
from privdesk.ui.models.case_table import status_label
from privdesk.ui.models.records import display
from privdesk.ui.theme import Tone, emphasize, follow_palette, tone_css
from privdesk.ui.undo import push_saved
from privdesk.ui.widgets.elided import ElidedLabel
from privdesk.ui.widgets.files import open_file, save_file, write_file
from privdesk.ui.widgets.flow import FlowLayout
from privdesk.ui.widgets.open_box import remember
from privdesk.ui.widgets.preview import PreviewPane, print_widget

if TYPE_CHECKING:
    from privdesk.services.casefile import CaseFileDTO
    from privdesk.services.letters import LetterCheckDTO
    from privdesk.ui.pages.cases import CasesPage

LETTER_STATUS_WORDS = {
    "queued": "To generate",
    "generated": "Ready to print",
    "printed": "Printed, not posted yet",
    "sent": "Sent",
    "returned": "Returned undelivered",
    "void": "Void",
}

CLOCKS = (
    ("acknowledge_by", "Acknowledge by", "acknowledged_on"),
    ("respond_by", "Respond by", "responded_on"),
    ("extended_respond_by", "If extended, respond by", None),
)


def type_name(code: str) -> str:
    try:
        return RequestType(code).label
    except ValueError:
        return code


def case_differences(before: CaseDTO, after: CaseDTO) -> list[FieldDifference]:
    """Field by field: what this window showed and what is stored now."""
    rows = []
    if before.status != after.status:
        rows.append(FieldDifference("Status", status_label(before.status), status_label(after.status)))
    if before.next_due_on != after.next_due_on:
        rows.append(FieldDifference("Next due", display(before.next_due_on), display(after.next_due_on)))
    old = {i.type: i for i in before.items}
    for item in after.items:
        prev = old.get(item.type)
        if prev is None:
            continue
        name = type_name(item.type)
        if (prev.status, prev.outcome) != (item.status, item.outcome):
            rows.append(
                FieldDifference(
                    name,
                    status_label(prev.status)
                    + (f" ({label_of(prev.outcome, Outcome)})" if prev.outcome else ""),
                    status_label(item.status)
                    + (f" ({label_of(item.outcome, Outcome)})" if item.outcome else ""),
                )
            )
        for field, caption in (("respond_by", "respond by"), ("extended_respond_by", "extended to")):
            if getattr(prev, field) != getattr(item, field):
                rows.append(
                    FieldDifference(
                        f"{name}: {caption}", display(getattr(prev, field)), display(getattr(item, field))
                    )
                )
    return rows


def describe_changes(before: CaseDTO, after: CaseDTO) -> list[str]:
    """What another workstation changed, in words."""
    return [f"{d.label}: {d.mine} → {d.stored}" for d in case_differences(before, after)] or [
        "Details of the case (notes, tasks or letters) changed."
    ]


class ConflictDialog:
    @classmethod
    def ask(
        cls,
        parent: QWidget,
        action: str,
        before: CaseDTO,
        after: CaseDTO,
        changed_by: ChangedBy | None = None,
    ) -> bool:
        """True to apply the change again on the fresh case, False to discard it."""
        rows = case_differences(before, after)
        if not rows:
            rows = [FieldDifference("Details", "as shown", "notes, tasks or letters changed")]
        choice = FieldConflictDialog.ask(
            parent, after.reference, f"the {action}", rows, changed_by, mine_header="You saw"
        )
        return choice is Choice.REAPPLY


class ReopenDialog:
    @classmethod
    def ask(cls, parent: QWidget, reference: str) -> str:
        """The reason for reopening ("" when cancelled)."""
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(
            parent,
            "Reopen the case",
            f"Why is {reference} reopened? (for example: the letter came back, the consumer wrote again)",
        )
        return text.strip() if ok else ""


class VoidLetterDialog:
    @classmethod
    def ask(cls, parent: QWidget, title: str) -> str:
        """Why the letter is voided ("" when cancelled)."""
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(parent, "Void the letter", f"Why is the {title} voided?")
        return text.strip() if ok else ""


class AddressDialog:
    @classmethod
    def ask(cls, parent: QWidget, current: str) -> str | None:
        """The consumer's postal address, one line per line (None when cancelled)."""
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getMultiLineText(
            parent,
            "Postal address",
            "The lines under the name, as the envelope window shows them (the change is audited):",
            current,
        )
        return text if ok else None


class ConfirmDialog:
    @classmethod
    def ask(cls, parent: QWidget, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            parent,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes


def _tree(name: str, headers: list[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setAccessibleName(name.replace("_", " ").capitalize())
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setUniformRowHeights(False)
    tree.setWordWrap(True)
    return tree


class CaseView(QWidget):
    def __init__(self, page: CasesPage, reference: str) -> None:
        super().__init__()
        self.page = page
        self.reference = reference
        self.file: CaseFileDTO | None = None
        self.setObjectName(f"case_view_{reference}")
        self.previews: dict[str, PreviewPane] = {}
        self._build()

    @property
    def case(self) -> CaseDTO | None:
        return self.file.case if self.file else None

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = ElidedLabel(self.reference)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setObjectName("case_title")
        self.facts = QLabel("Loading…")
        self.facts.setObjectName("case_facts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_button = QPushButton(icon("next"), "")
        self.next_button.setObjectName("next_action_button")
        self.next_button.setAccessibleName("Do the next step")
        self.next_button.setMinimumHeight(34)
        self.next_button.clicked.connect(self.next_action)
        self.next_label = ElidedLabel("")
        self.next_label.setObjectName("next_action_label")
        step_buttons = FlowLayout()
        self.step_buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("acknowledge", "Acknowledge…", self.acknowledge),
            ("verify", "Verify…", self.verify),
            ("extend", "Extend…", self.extend),
            ("respond", "Respond or deny…", self.respond),
            ("processed", "Opt-out processed…", self.processed),
            ("clock", "Clock…", self.clock_step),
            ("add_note", "Add note…", self.add_note),
            ("edit_address", "Edit address…", self.edit_address),
            ("enclose", "Attach enclosure…", self.attach_enclosure),
            ("close_case", "Close case…", self.close_case),
            ("export_file", "Export case file…", self.export_file),
            ("reopen", "Reopen…", self.reopen),
        ):
            button = QPushButton(text)
            button.setObjectName(f"{key}_button")
            button.clicked.connect(slot)
            self.step_buttons[key] = button
            step_buttons.addWidget(button)
        self.step_buttons["reopen"].hide()
        self.read_only_note = QLabel("")
        self.read_only_note.setObjectName("read_only_note")
        self.read_only_note.setWordWrap(True)
        self.read_only_note.hide()

        self.clocks = QGridLayout()
        self.clocks.setHorizontalSpacing(18)
        clocks_box = QFrame()
        clocks_box.setObjectName("clocks")
        clocks_box.setFrameShape(QFrame.Shape.StyledPanel)
        clocks_box.setLayout(self.clocks)

        self.warnings = QFrame()
        self.warnings.setObjectName("case_warnings")
        self.warnings.setFrameShape(QFrame.Shape.StyledPanel)
        follow_palette(
            self.warnings,
            lambda frame: frame.setStyleSheet(
                f"#case_warnings {{ border: 2px solid {tone_css(Tone.WARNING)}; border-radius: 4px; }}"
            ),
        )
        self.warnings_layout = QVBoxLayout(self.warnings)
        self.warnings.hide()

        header = QVBoxLayout()
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.facts)
        top.addLayout(titles, 1)
        next_box = QVBoxLayout()
        next_box.addWidget(self.next_label, 0, Qt.AlignmentFlag.AlignRight)
        next_box.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignRight)
        top.addLayout(next_box)
        header.addLayout(top)
        header.addWidget(self.warnings)
        header.addWidget(clocks_box)
        steps_row = QWidget()
        steps_row.setLayout(step_buttons)
        header.addWidget(steps_row)
        header.addWidget(self.read_only_note)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("case_tabs_inner")
        self.timeline = _tree("timeline", ["When", "Who", "What"])
        self.items = _tree(
            "request_items",
            [
                "Request",
                "Status",
                "Outcome",
                "Acknowledged",
                "Respond by",
                "Extended to",
                "Answered",
                "Verification",
            ],
        )
        self.verification = _tree(
            "verifications",
            ["Decided", "Method", "Level required", "Data points", "Declaration", "Account", "By"],
        )
        self.agent_label = QLabel("")
        self.agent_label.setObjectName("agent_summary")
        self.agent_label.setWordWrap(True)
        self.authorizations = _tree(
            "authorizations",
            ["Signed", "Signed by", "On", "Covers", "Expires", "Consumer confirmed", "Power of attorney"],
        )
        authorize = QPushButton("Record authorization…")
        authorize.setObjectName("authorize_button")
        authorize.clicked.connect(self.authorize)
        agent_tab = QWidget()
        agent_layout = QVBoxLayout(agent_tab)
        agent_layout.addWidget(self.agent_label)
        agent_layout.addWidget(self.authorizations)
        agent_layout.addWidget(authorize, 0, Qt.AlignmentFlag.AlignLeft)
        self.documents = _tree("documents", ["Kind", "File", "Type", "Size", "Filed"])
        self.letters = _tree("letters", ["Letter", "Status", "Created", "Sent", "Method"])
        self.tasks = _tree("tasks", ["Task", "Due", "Assignee", "Done"])
        self.tasks.itemActivated.connect(self.complete_task)
        self.notes = _tree("notes", ["When", "Who", "Note"])
        tasks_tab = QSplitter(Qt.Orientation.Vertical)
        tasks_tab.setObjectName("tasks_notes_splitter")
        done_hint = QLabel("Double-click a task to mark it done; Edit > Undo reopens it.")
        done_hint.setEnabled(False)
        tasks_box = QWidget()
        tasks_layout = QVBoxLayout(tasks_box)
        tasks_layout.setContentsMargins(0, 0, 0, 0)
        tasks_layout.addWidget(self.tasks)
        tasks_layout.addWidget(done_hint)
        tasks_tab.addWidget(tasks_box)
        tasks_tab.addWidget(self.notes)
        self.tasks_splitter = tasks_tab
        ui_settings.restore_splitter(tasks_tab, "case_tasks_notes")
        verification_tab = QWidget()
        verification_layout = QVBoxLayout(verification_tab)
        self.verification_state = QLabel("")
        self.verification_state.setObjectName("verification_state")
        self.verification_state.setWordWrap(True)
        verification_layout.addWidget(self.verification_state)
        verification_layout.addWidget(self.verification)
        verify_button = QPushButton("Record verification…")
        verify_button.setObjectName("verify_tab_button")
        verify_button.clicked.connect(self.verify)
        verification_layout.addWidget(verify_button, 0, Qt.AlignmentFlag.AlignLeft)
        for widget, title in (
            (self.timeline, "Timeline"),
            (self.items, "Request items"),
            (verification_tab, "Verification"),
            (agent_tab, "Agent and authorization"),
            (self._with_preview(self.documents, "document"), "Documents"),
            (self._with_preview(self.letters, "letter"), "Letters"),
            (tasks_tab, "Tasks and notes"),
        ):
            self.tabs.addTab(widget, title)
        self.tabs.setCurrentIndex(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

    # -- loading ------------------------------------------------------------------------------
    def _after_change(self, case: CaseDTO) -> None:
        self.reload()
        self.page.case_changed(case)

    def reload(self) -> None:
        services = self.page.services
        # Reads run in parallel and may answer out of order: only the newest load is shown.
        self._load_number = getattr(self, "_load_number", 0) + 1
        number = self._load_number

        def show_if_newest(file: CaseFileDTO) -> None:
            if number == self._load_number:
                self.show_file(file)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, NotFound) and self.file is None:
                self.page.case_not_found(self)  # one calm line, and no empty tab left behind
            else:
                self.page.show_error(exc)

        self.page.call(lambda: services.casefile.load(self.reference), show_if_newest, failed=failed)

    def note_created(self, case: CaseDTO) -> None:
        """Keep the warnings given at intake (they are not recomputed against people matched later)."""
        self._intake_warnings = list(case.warnings)

    def show_file(self, file: CaseFileDTO) -> None:
        extra = [w for w in getattr(self, "_intake_warnings", []) if w not in file.case.warnings]
        if extra:
            from dataclasses import replace

            file = replace(file, case=replace(file.case, warnings=[*file.case.warnings, *extra]))
        case = file.case
        if case.reference != self.reference:  # opened as "52": from now on under its full reference
            self.reference = case.reference
            self.setObjectName(f"case_view_{case.reference}")
            if self.page.adopt_reference(self) is not self:
                return  # the case was open in another tab already
        first = self.file is None
        self.file = file
        if first:
            remember(case.reference, case.consumer_name)
        self.title.setText(f"{case.reference} · {case.consumer_name}")
        address = ", ".join(
            line.strip() for line in (case.consumer_address or "").splitlines() if line.strip()
        )
        contact = " · ".join(x for x in (case.consumer_email, case.consumer_phone, address) if x)
        agent = f"  ·  agent: {case.agent_name}" if case.agent_name else ""
        self.facts.setText(
            f"{case.organization_name} ({case.organization})  ·  {case.jurisdiction}  ·  "
            f"received {case.received_on.isoformat()} by {case.channel.replace('_', ' ')}  ·  "
            f"status: {status_label(case.status)}{agent}"
            + (f"\n{contact}" if contact else "")
            + (f"\n“{case.subject}”" if case.subject else "")
        )
        index = self.page.tabs.indexOf(self)
        if index >= 0:
            self.page.tabs.setTabText(index, f"{case.reference} · {case.consumer_name}")
        self._show_next(case)
        self._show_warnings(case)
        self._show_clocks(case)
        self._fill_tabs(file)

    @property
    def is_closed(self) -> bool:
        return self.case is not None and self.case.status in ("closed", "withdrawn")

    def _show_next(self, case: CaseDTO) -> None:
        action = case.next_action
        closed = case.status in ("closed", "withdrawn")
        # A closed case is read-only: every step is off, Reopen is the one thing offered.
        for key in ("acknowledge", "verify", "extend", "respond", "add_note", "enclose", "close_case"):
            self.step_buttons[key].setEnabled(not closed)
        # Only an open opt-out or limit request not yet processed has this step.
        self.step_buttons["processed"].setVisible(bool(_unprocessed(case)))
        # Only where the law lets a clock start late or stop (from the rule files).
        self.step_buttons["clock"].setVisible(bool(self.file and self.file.clock_options) and not closed)
        self.step_buttons["reopen"].setVisible(closed)
        self.read_only_note.setVisible(closed)
        if closed:
            when = f" on {case.closed_on.isoformat()}" if case.closed_on else ""
            self.read_only_note.setText(
                f"This case was {'withdrawn' if case.status == 'withdrawn' else 'closed'}{when} and is "
                "read-only. Reopen it to act on it again (the reason is kept in the audit trail)."
            )
            self.next_label.setText(f"{status_label(case.status)}{when}")
            self.next_button.setText("Reopen…")
            self.next_button.setIcon(icon("next"))
            self.next_button.setEnabled(True)
            self.next_button.setToolTip("Reopen the case to act on it again")
            return
        if action is None or action.code == "none":
            self.next_label.setText(action.label if action else "Nothing due")
            self.next_button.setText("Nothing due")
            self.next_button.setEnabled(False)
            return
        due = f" by {action.due.isoformat()}" if action.due else ""
        marker = "  ⚠ OVERDUE" if action.overdue else ""
        # With no date (closing a case that has been answered) the label says so rather than trail off.
        self.next_label.setText(f"Next step{due}{marker}" if due else "Next step (no deadline)")
        self.next_button.setText(action.label)
        self.next_button.setEnabled(True)
        self.next_button.setToolTip(f"{action.label}{due} (Ctrl+Return)")
        if action.overdue:
            self.next_button.setIcon(icon("overdue"))
        else:
            self.next_button.setIcon(icon("next"))

    def _show_warnings(self, case: CaseDTO) -> None:
        while self.warnings_layout.count():
            old = self.warnings_layout.takeAt(0)
            widget = old.widget() if old is not None else None
            if widget is not None:
                widget.deleteLater()
        for warning in case.warnings:
            text = f"⚠ {warning.message}"
            if warning.earlier_reference and warning.earlier_reference not in warning.message:
                text += f"  (earlier case {warning.earlier_reference}"
                text += f", {warning.earlier_date.isoformat()})" if warning.earlier_date else ")"
            label = QLabel(linked_references(text))
            label.setObjectName(f"warning_{warning.code}")
            label.setWordWrap(True)
            label.setToolTip(warning.basis or "")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.LinksAccessibleByMouse
            )
            label.linkActivated.connect(self._open_link)
            self.warnings_layout.addWidget(label)
        self.warnings.setVisible(bool(case.warnings))

    def _open_link(self, link: str) -> None:
        if link.startswith("case:"):
            self.page.open_case(link.removeprefix("case:"))

    def _show_clocks(self, case: CaseDTO) -> None:
        while self.clocks.count():
            old = self.clocks.takeAt(0)
            widget = old.widget() if old is not None else None
            if widget is not None:
                widget.deleteLater()
        bold = QFont(self.font())
        bold.setBold(True)
        for row, item in enumerate(case.items):
            name = QLabel(type_name(item.type))
            name.setFont(bold)
            self.clocks.addWidget(name, row, 0)
            status = QLabel(status_label(item.status))
            self.clocks.addWidget(status, row, 1)
            for col, (field, caption, done_field) in enumerate(CLOCKS, start=2):
                self.clocks.addWidget(self._clock(item, field, caption, done_field, case), row, col)
        self.clocks.setColumnStretch(len(CLOCKS) + 2, 1)

    def _clock(
        self, item: ItemDTO, field: str, caption: str, done_field: str | None, case: CaseDTO
    ) -> ElidedLabel:
        due: dt.date | None = getattr(item, field)
        done: dt.date | None = getattr(item, done_field) if done_field else None
        processed = item.processed_on if field in ("respond_by", "extended_respond_by") else None
        if field == "extended_respond_by" and item.extended_on is not None:
            caption = "Extended: respond by"
        pause = next((p for p in item.clock_pauses if p.end is None), None)
        paused = pause is not None and field in ("respond_by", "extended_respond_by") and done is None
        if pause is not None and paused:
            left = f"; {pause.days_left} days left when it restarts" if pause.days_left is not None else ""
            label = ElidedLabel(f"{caption}: clock paused since {pause.start.isoformat()}{left}")
        elif due is None:
            label = ElidedLabel(f"{caption}: —")
        elif processed is not None and (field == "respond_by") == (item.extended_on is None):
            # An opt-out or limit request: the day it was processed is what the deadline measures.
            late = processed > due
            verdict = "late" if late else "in time"
            confirmed = f"; confirmed {done.isoformat()}" if done is not None else "; confirmation owed"
            label = ElidedLabel(
                f"{'⚠ ' if late else ''}{caption} {due.isoformat()}: processed {processed.isoformat()} "
                f"({verdict}{confirmed})"
            )
            if late:
                emphasize(label, tone=Tone.OVERDUE)
        elif done is not None:
            label = ElidedLabel(f"{caption} {due.isoformat()}: done {done.isoformat()}")
        elif field == "respond_by" and item.extended_on is not None:
            # The extension replaced this date: it is history, not a clock still running.
            extended = item.extended_respond_by.isoformat() if item.extended_respond_by else "a later date"
            label = ElidedLabel(f"{caption} {due.isoformat()}: superseded, extended to {extended}")
            label.setEnabled(False)
            label.setProperty("superseded", True)
        else:
            today = self.page.services.ctx.today()
            is_open = item.status not in ("responded", "closed", "withdrawn")
            late = (
                is_open and due < today and (field != "extended_respond_by" or item.extended_on is not None)
            )
            days = (due - today).days
            if not is_open:
                when = "not needed: the request is finished"
            elif late:
                when = f"{-days} day{'s' if -days != 1 else ''} late"
            elif days == 0:
                when = "due today"
            elif days < 0:
                when = f"{-days} day{'s' if -days != 1 else ''} ago"
            else:
                when = f"{days} day{'s' if days != 1 else ''} left"
            label = ElidedLabel(f"{'⚠ ' if late else ''}{caption} {due.isoformat()} ({when})")
            if late:
                emphasize(label, tone=Tone.OVERDUE)
        basis = item.basis.get(field) or ""
        if field in ("respond_by", "extended_respond_by") and "[U]" in (item.basis.get("clock_pauses") or ""):
            # A pause resting on an unconfirmed reading moves this date: it is unconfirmed too.
            basis = f"{basis}; pause: {item.basis['clock_pauses']}"
        extra = item.basis.get("clock_start")
        if "[U]" in basis and due is not None and not paused:
            # An unconfirmed value in the rule files: say so on the clock itself, not only on hover.
            label.setText("[U] " + label.text())
        tip = f"<b>{caption}</b><br>Legal basis: {basis}" if basis else f"{caption}: no basis recorded"
        if "[U]" in basis:
            tip += "<br><b>[U]</b>: unconfirmed in the law's text; check before relying on this date"
        if extra and field == "respond_by":
            tip += f"<br>Clock starts: {extra}"
        if item.clock_started_on and field == "respond_by":
            tip += f"<br>Clock started {item.clock_started_on.isoformat()} (relevant time)"
        if item.basis.get("clock_pauses") and field == "respond_by":
            tip += f"<br>Pauses: {item.basis['clock_pauses']}"
        if item.basis.get("in_force") and due is None:
            tip += f"<br>{item.basis['in_force']}"
        if item.rule_version:
            tip += f"<br><i>Rule version {item.rule_version}</i>"
        label.setToolTip(tip)
        label.setObjectName(f"clock_{item.type}_{field}")
        return label

    def _fill_tabs(self, file: CaseFileDTO) -> None:
        case = file.case
        self.timeline.clear()
        for entry in file.timeline:
            row = QTreeWidgetItem([display(entry.at), entry.actor, entry.text])
            if entry.kind == "note":
                row.setIcon(2, icon("note"))
            self.timeline.addTopLevelItem(row)
        self.items.clear()
        for item in case.items:
            self.items.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        type_name(item.type)
                        + (f" (answered as {type_name(item.effective_type)})" if item.effective_type else ""),
                        status_label(item.status),
                        label_of(item.outcome, Outcome) or "—",
                        display(item.acknowledged_on),
                        display(item.respond_by),
                        display(item.extended_respond_by if item.extended_on else None),
                        display(item.responded_on),
                        label_of(item.verification_level, VerificationLevel) or "—",
                    ]
                )
            )
        self.verification.clear()
        for v in file.verifications:
            points = "; ".join(
                f"{p.get('name')}: "
                + ("matched" if p.get("matched") else "received" if p.get("received") else "asked")
                for p in v.checks
            )
            self.verification.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        "from the call, not yet checked" if v.result == PREFILLED else display(v.decided_at),
                        v.method.replace("_", " "),
                        label_of(v.level_required, VerificationLevel),
                        points,
                        display(v.declaration_received),
                        display(v.account_reauthenticated),
                        display(v.decided_by),
                    ]
                )
            )
        if not file.verifications:
            self.verification.addTopLevelItem(QTreeWidgetItem(["No identity check recorded yet"]))
        self.verification_state.setText(verification_summary(case))
        emphasize(self.verification_state, "not met" in self.verification_state.text(), Tone.WARNING)
        if case.agent_name:
            holds = "the authorization holds" if file.authorization_holds else "no valid authorization yet"
            self.agent_label.setText(f"Brought by the agent {case.agent_name}: {holds}.")
        else:
            self.agent_label.setText("The consumer made this request personally; no agent is involved.")
        self.authorizations.clear()
        for a in file.authorizations:
            self.authorizations.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        display(a.signed_permission),
                        display(a.signed_by),
                        display(a.signed_on),
                        ", ".join(type_name(t) for t in a.scope),
                        display(a.expires_on),
                        display(a.consumer_confirmed_on),
                        poa_summary(a.power_of_attorney),
                    ]
                )
            )
        self.documents.clear()
        for d in file.documents:
            row = QTreeWidgetItem(
                [
                    d.kind.replace("_", " ").capitalize(),
                    d.filename,
                    d.content_type,
                    f"{d.size:,} bytes",
                    display(d.created_at),
                ]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, d.id)
            row.setToolTip(1, "Double-click to preview; right-click to save or print")
            self.documents.addTopLevelItem(row)
        if not file.documents:
            self.documents.addTopLevelItem(QTreeWidgetItem(["No documents filed on this case"]))
        self.letters.clear()
        for letter in file.letters:
            row = QTreeWidgetItem(
                [
                    letter.title or letter.kind.replace("_", " "),
                    LETTER_STATUS_WORDS.get(letter.status, letter.status),
                    display(letter.created_at),
                    display(letter.sent_on),
                    display(letter.method).replace("_", " "),
                ]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, letter.id)
            row.setToolTip(0, "Double-click to preview; right-click to generate, save or print")
            self.letters.addTopLevelItem(row)
        if not file.letters:
            self.letters.addTopLevelItem(QTreeWidgetItem(["No letters yet"]))
        self.tasks.clear()
        today = self.page.services.ctx.today()
        for task in file.tasks:
            row = QTreeWidgetItem(
                [task.title, display(task.due_on), display(task.assignee), display(task.done_on) or "open"]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, task.id)
            if task.done_on is None and task.due_on is not None and task.due_on < today:
                row.setIcon(1, icon("overdue"))
                row.setText(1, f"{task.due_on.isoformat()} OVERDUE")
            elif task.done_on is not None:
                row.setIcon(3, icon("ok"))
            self.tasks.addTopLevelItem(row)
        self.notes.clear()
        for note in file.notes:
            self.notes.addTopLevelItem(QTreeWidgetItem([display(note.created_at), note.author, note.body]))
        for tree in (
            self.timeline,
            self.items,
            self.verification,
            self.authorizations,
            self.documents,
            self.letters,
            self.tasks,
            self.notes,
        ):
            for col in range(tree.columnCount() - 1):
                tree.resizeColumnToContents(col)

    # -- documents and letters: preview, save, print ------------------------------------------
    def _with_preview(self, tree: QTreeWidget, what: str) -> QSplitter:
        pane = PreviewPane(f"Double-click a {what} to see it here.")
        pane.setObjectName(f"{what}_preview")
        tree.itemActivated.connect(lambda row, _col: self.open_row(what, row))
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(lambda pos: self._row_menu(what, tree, pos))
        pane.save_requested.connect(lambda: self.save_shown(what))
        pane.print_requested.connect(lambda: self.print_shown(what))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName(f"{what}s_splitter")
        splitter.addWidget(tree)
        splitter.addWidget(pane)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.previews[what] = pane
        return splitter

    def _row_menu(self, what: str, tree: QTreeWidget, pos: QPoint) -> None:
        row = tree.itemAt(pos)
        if row is None or row.data(0, Qt.ItemDataRole.UserRole) is None:
            return
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.open_row(what, row))
        menu.addAction("Save as…", lambda: self.open_row(what, row, then=lambda: self.save_shown(what)))
        menu.addAction("Print…", lambda: self.open_row(what, row, then=lambda: self.print_shown(what)))
        if what == "letter" and self._letter_status(row) in ("queued", "generated"):
            menu.addSeparator()
            menu.addAction("Generate, preview and print…", lambda: self.generate_and_print(row))
            menu.addAction("Void…", lambda: self.void_letter(row))
        menu.exec(tree.viewport().mapToGlobal(pos))

    def void_letter(self, row: QTreeWidgetItem) -> None:
        number = row.data(0, Qt.ItemDataRole.UserRole)
        reason = VoidLetterDialog.ask(self, row.text(0))
        if number is None or not reason:
            return
        letters = self.page.services.letters
        self.page.call(lambda: letters.void(int(number), reason), lambda _: self.reload(), write=True)

    def edit_address(self) -> None:
        if self.file is None:
            return
        reference = self.reference
        current = self.file.case.consumer_address or ""  # as loaded (no database read on this thread)
        address = AddressDialog.ask(self, current)
        if address is None:
            return
        letters = self.page.services.letters

        def done(problems: list[str]) -> None:
            self.reload()
            message = "Address saved." + (" But: " + "; ".join(problems) if problems else "")
            self.page.window_.statusBar().showMessage(message, 12000)

        self.page.call(lambda: letters.edit_consumer_address(reference, address), done, write=True)

    def attach_enclosure(self) -> None:
        """A document to go out with the case's answer (an access response lists it and is held back
        until there is one): chosen here, read and stored in the background."""
        if self.file is None:
            return
        path = open_file(self, "enclosures", "Attach a document to send with the answer", "All files (*)")
        if not path:
            return
        reference = self.reference
        letters = self.page.services.letters
        name = Path(path).name

        def work() -> int:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise ValidationError(f"{name} cannot be read: {exc.strerror or exc}") from None
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return letters.attach_enclosure(reference, name, data, kind)

        def done(_: int) -> None:
            self.page.window_.statusBar().showMessage(
                f"{reference}: {name} attached; the answer lists it under Enclosures.", 10_000
            )
            self.reload()

        self.page.call(work, done, write=True)

    def _letter_status(self, row: QTreeWidgetItem) -> str:
        number = row.data(0, Qt.ItemDataRole.UserRole)
        found = next((x for x in self.file.letters if x.id == number), None) if self.file else None
        return found.status if found else ""

    def open_row(self, what: str, row: QTreeWidgetItem, then: Callable[[], None] | None = None) -> None:
        """Load the file in a worker and show it in the tab's preview pane."""
        number = row.data(0, Qt.ItemDataRole.UserRole)
        if number is None:
            return
        services = self.page.services
        pane = self.previews[what]
        pane.clear(f"Opening {row.text(1) if what == 'document' else row.text(0)}…")
        if what == "document":
            doc = next(d for d in self.file.documents if d.id == number) if self.file else None
            if doc is None:
                return

            def work() -> bytes:
                return services.intake.original_bytes(int(number))

            def shown(data: bytes) -> None:
                pane.show_file(doc.filename, doc.content_type, data, f"{doc.filename} ({doc.kind})")
                if then:
                    then()

        else:
            title = row.text(0)

            def work() -> bytes:
                return services.letters.render(int(number))

            def shown(data: bytes) -> None:
                name = f"{self.reference}-{title}.pdf".replace(" ", "-")
                pane.show_file(name, "application/pdf", data, f"{title} ({row.text(1).lower()})")
                pane.letter_id = int(number)  # type: ignore[attr-defined]
                if then:
                    then()

        def failed(exc: BaseException) -> None:
            pane.clear(f"It could not be shown: {explain(exc)[1]}")

        self.page.call(work, shown, failed=failed)

    def save_shown(self, what: str) -> None:
        pane = self.previews[what]
        if not pane.data:
            return
        purpose = "letters" if what == "letter" else "documents"
        target = save_file(self, purpose, f"Save the {what}", pane.filename, "All files (*)")
        if not target:
            return
        data = pane.data

        def work() -> str:
            write_file(Path(target), data)
            return target

        self.page.call(work, lambda path: self.page.window_.statusBar().showMessage(f"Saved {path}", 8000))

    def print_shown(self, what: str, checked: bool = False) -> None:
        pane = self.previews[what]
        if not pane.data:
            return
        shown_letter = getattr(pane, "letter_id", None)
        if what == "letter" and shown_letter is not None and not checked:
            # The batch's pre-flight first: a letter it would hold back is not printed from here either.
            checker = self.page.services.letters
            self.page.call(
                lambda: checker.check(int(shown_letter)), lambda c: self._print_if_printable(what, c)
            )
            return
        # The print dialogs live with the Outbox; imported when first wanted, not with every case.
        from privdesk.ui.pages.outbox import PagesCameOut, PrintLetter, print_pdf

        printer = PrintLetter.ask(self)
        if printer is None:
            return
        letter_id = getattr(pane, "letter_id", None)
        letters = self.page.services.letters
        data = pane.data

        def recorded(_: object = None) -> None:
            if what != "letter" or letter_id is None:
                self.page.window_.statusBar().showMessage(f"Sent {pane.filename} to the printer.", 8000)
                return
            number = int(letter_id)

            def work() -> bool:
                # A generated letter becomes printed once the officer says the pages came out; one
                # printed before, or sent, is only a copy.
                return letters.show(number).status == "generated"

            def asked(first_print: bool) -> None:
                if not first_print:
                    self.page.window_.statusBar().showMessage(f"Printed a copy of {pane.filename}.", 8000)
                elif PagesCameOut.ask(self, pane.filename):
                    self.page.call(
                        lambda: letters.mark_printed([number]), lambda _: self._printed(), write=True
                    )

            self.page.call(work, asked)

        if pane.kind == "pdf":  # vector through the print service where there is one, in a worker
            self.page.call(lambda: print_pdf(data, printer), recorded)
            return
        try:
            print_widget(pane, printer)
        except OSError as exc:
            self.page.show_error(exc)
            return
        recorded()

    def _print_if_printable(self, what: str, check: LetterCheckDTO) -> None:
        if not check.printable:
            self.page.window_.statusBar().showMessage(f"Not printed: {check.summary}", 15_000)
            return
        if check.warnings:
            self.page.window_.statusBar().showMessage(check.summary, 15_000)
        self.print_shown(what, checked=True)

    def _printed(self) -> None:
        self.page.window_.statusBar().showMessage(
            f"{self.reference}: letter printed; mark it sent in the Outbox once it is in the post.", 10_000
        )
        self.reload()

    def generate_and_print(self, row: QTreeWidgetItem) -> None:
        """The next letter in one flow: render and store it (when still queued), preview it, print it."""
        number = int(row.data(0, Qt.ItemDataRole.UserRole))
        letters = self.page.services.letters
        pane = self.previews["letter"]
        title = row.text(0)
        pane.clear(f"Generating {title}…")

        def work() -> bytes:
            check = letters.check(number)  # the batch's pre-flight: held back here as in the batch
            if check.problems or check.no_address:
                raise ValidationError(check.summary)
            if letters.show(number).status == "queued":
                letters.generate(number)
            return letters.render(number)

        def refused(exc: BaseException) -> None:
            reason = explain(exc)[1]
            pane.clear(f"Not printed: {reason}")
            self.page.window_.statusBar().showMessage(f"Not printed: {reason}", 15_000)

        def shown(data: bytes) -> None:
            pane.show_file(f"{self.reference}-{title}.pdf".replace(" ", "-"), "application/pdf", data, title)
            pane.letter_id = number  # type: ignore[attr-defined]
            self.reload()
            self.page.call(lambda: None, lambda _: self.print_shown("letter"))  # once the reload is asked

        self.page.call(work, shown, write=True, failed=refused)

    # -- steps --------------------------------------------------------------------------------
    def apply_step(self, label: str, step: Callable[[int | None], CaseDTO]) -> None:
        """Run a step with the version shown; on a conflict, show what changed and offer to reapply."""
        shown = self.case
        version = shown.version if shown else None
        services = self.page.services

        def done(case: CaseDTO) -> None:
            self.page.window_.statusBar().showMessage(f"{case.reference}: {label} saved", 5000)
            self.reload()
            self.page.case_changed(case)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ConflictError) and shown is not None:

                def fetch() -> tuple[CaseDTO, ChangedBy | None]:
                    fresh = services.cases.show(self.reference)
                    events = services.audit.entries(self.reference)
                    last = events[-1] if events else None
                    return fresh, ChangedBy(last.actor, last.occurred_at) if last else None

                def fresh_loaded(answer: tuple[CaseDTO, ChangedBy | None]) -> None:
                    fresh, who = answer
                    if ConflictDialog.ask(self, label, shown, fresh, changed_by=who):
                        self.page.call(lambda: step(fresh.version), done, write=True, failed=failed)
                    self.reload()

                self.page.call(fetch, fresh_loaded)
                return
            self.page.show_error(exc)
            self.reload()

        self.page.call(lambda: step(version), done, write=True, failed=failed)

    def _today(self) -> dt.date:
        return self.page.services.ctx.today()

    def next_action(self) -> None:
        case = self.case
        if case is not None and self.is_closed:
            self.reopen()
            return
        if case is None or case.next_action is None:
            return
        code = case.next_action.code
        handler: dict[str, Callable[[], None]] = {
            "acknowledge": self.acknowledge,
            "verify": self.verify,
            "authorization": self.authorize,
            "respond": self.respond,
            "respond_extended": self.respond,
            "close": self.close_case,
        }
        handler.get(code, self.respond)()

    def acknowledge(self) -> None:
        if self.case is None:
            return
        answer = AcknowledgeDialog.ask(self, self._today())
        if answer is not None:
            wf = self.page.services.workflow
            self.apply_step(
                "acknowledgement",
                lambda v: wf.acknowledge(self.reference, answer.on, answer.method, expected_version=v),
            )

    def verify(self) -> None:
        case = self.case
        if case is None:
            return
        level = strictest_level([i.verification_level for i in case.items])
        data = VerificationDialog.ask(self, level, prefilled_points(self.file))
        if data is not None:
            wf = self.page.services.workflow
            self.apply_step("verification", lambda v: wf.verify(self.reference, data, expected_version=v))

    def extend(self) -> None:
        case = self.case
        if case is None:
            return
        extended_to = next((i.extended_respond_by for i in case.items if i.extended_respond_by), None)
        answer = ExtensionDialog.ask(self, self._today(), extended_to)
        if answer is not None:
            wf = self.page.services.workflow
            self.apply_step(
                "extension", lambda v: wf.extend(self.reference, answer.on, answer.reason, expected_version=v)
            )

    def respond(self) -> None:
        case = self.case
        if case is None:
            return
        open_items = [i for i in case.items if i.status not in ("responded", "closed", "withdrawn")]
        if not open_items:
            QMessageBox.information(
                self, "Nothing to answer", "Every request on this case has been answered."
            )
            return
        answer = RespondDialog.ask(self, open_items, self._today())
        if answer is None:
            return
        wf = self.page.services.workflow
        if answer.outcome == "denied":
            self.apply_step(
                "denial",
                lambda v: wf.deny(
                    self.reference,
                    answer.item_type,
                    answer.on,
                    list(answer.reasons),
                    answer.explanation,
                    expected_version=v,
                ),
            )
        else:
            self.apply_step(
                "response",
                lambda v: wf.respond(
                    self.reference,
                    answer.item_type,
                    answer.on,
                    answer.outcome,
                    reasons=answer.reasons,
                    explanation=answer.explanation,
                    disclose_specific_pieces=answer.disclose_specific_pieces,
                    expected_version=v,
                ),
            )

    def processed(self) -> None:
        case = self.case
        if case is None:
            return
        items = _unprocessed(case)
        if not items:
            QMessageBox.information(
                self, "Nothing to process", "This case has no open opt-out or limit request to process."
            )
            return
        answer = ProcessedDialog.ask(self, items, self._today())
        if answer is None:
            return
        wf = self.page.services.workflow
        self.apply_step(
            "processed",
            lambda v: wf.record_processed(
                self.reference, answer.item_type, answer.on, confirm=answer.confirm, expected_version=v
            ),
        )

    def clock_step(self) -> None:
        if self.file is None or not self.file.clock_options:
            return
        answer = ClockDialog.ask(self, self.file.clock_options, self._today())
        if answer is None:
            return
        clock = self.page.services.clock

        def step(version: int | None) -> CaseDTO:
            if answer.action == "start":
                return clock.set_relevant_time(
                    self.reference, answer.item_type, answer.on, expected_version=version
                )
            if answer.action == "pause":
                return clock.pause(
                    self.reference,
                    answer.item_type,
                    answer.on,
                    reason=answer.reason,
                    expected_version=version,
                )
            return clock.resume(self.reference, answer.item_type, answer.on, expected_version=version)

        self.apply_step("clock", step)

    def authorize(self) -> None:
        case = self.case
        if case is None:
            return
        services = self.page.services

        def with_agents(agents: list[Any]) -> None:
            if not agents:
                QMessageBox.information(self, "No agents", "Add the agent on the Agents page first.")
                return
            data = AuthorizationDialog.ask(self, agents, case.consumer_id, case.consumer_name, self._today())
            if data is not None:
                self.page.call(
                    lambda: services.agents.authorize(data, case_reference=self.reference),
                    lambda _: self._after_change(case),
                    write=True,
                )

        self.page.call(services.agents.list, with_agents)

    def add_note(self) -> None:
        if self.case is None:
            return
        body = NoteDialog.ask(self)
        if not body:
            return
        notes = self.page.services.notes
        reference = self.reference
        window = self.page.window_
        # A redone note is a new row: the undo of the redo must withdraw that one.
        note_ids: list[int] = []

        def added(note_id: int) -> None:
            note_ids.append(note_id)
            self.reload()

        def again() -> int:
            return notes.add(reference, body)

        def noted(note_id: int) -> None:
            added(note_id)
            push_saved(
                window,
                f"note on {reference}",
                lambda: notes.withdraw(note_ids.pop()),
                again,
                lambda result: added(result) if isinstance(result, int) else self.reload(),
            )

        self.page.call(again, noted, write=True)

    def reopen(self) -> None:
        case = self.case
        if case is None or not self.is_closed:
            return
        reason = ReopenDialog.ask(self, case.reference)
        if not reason:
            return
        wf = self.page.services.workflow
        self.apply_step("reopening", lambda v: wf.reopen(self.reference, reason, expected_version=v))

    def close_case(self) -> None:
        case = self.case
        if case is None:
            return
        if not ConfirmDialog.ask(
            self,
            "Close the case",
            f"Close {case.reference}? Requests still open will be closed as they stand, "
            "and the case leaves the queue of open cases.",
        ):
            return
        wf = self.page.services.workflow
        today = self._today()
        self.apply_step("closing", lambda v: wf.close(self.reference, today, expected_version=v))

    def export_file(self) -> None:
        """The case file for counsel or a regulator: a ZIP with the timeline, documents, letters, audit
        entries and a manifest of SHA-256s, written in a worker."""
        from pathlib import Path

        from privdesk.services.reports import ExportSummary

        target = save_file(self, "case files", "Export the case file", f"{self.reference}.zip", "ZIP (*.zip)")
        if not target:
            return
        reports = self.page.services.reports
        reference = self.reference

        def done(summary: ExportSummary) -> None:
            self.page.window_.statusBar().showMessage(
                f"Case file saved: {summary.out} ({len(summary.files)} files, "
                f"SHA-256 {summary.sha256[:12]}…)",
                10_000,
            )

        self.page.call(lambda: reports.export_case(reference, Path(target)), done)

    def complete_task(self, row: QTreeWidgetItem) -> None:
        """Mark a task done (Edit > Undo reopens it)."""
        task_id = row.data(0, Qt.ItemDataRole.UserRole)
        if task_id is None or row.text(3) != "open":
            return
        notes = self.page.services.notes
        title = row.text(0)
        number = int(task_id)

        def done(_: object) -> None:
            self.page.window_.statusBar().showMessage(f"Task done: {title} (Ctrl+Z reopens it)", 5000)
            self.reload()
            push_saved(
                self.page.window_,
                f"task done: {title}",
                lambda: notes.reopen_task(number),
                lambda: notes.complete_task(number),
                lambda _: self.reload(),
            )

        self.page.call(lambda: notes.complete_task(number), done, write=True)

    def save_state(self) -> None:
        ui_settings.save_splitter(self.tasks_splitter, "case_tasks_notes")


def _unprocessed(case: CaseDTO) -> list[ItemDTO]:
    """Open opt-out and limit requests not yet recorded as processed."""
    cease = {t.value for t in CEASE_TYPES}
    return [
        i
        for i in case.items
        if i.type in cease and i.processed_on is None and i.status not in ("responded", "closed", "withdrawn")
    ]


def verification_summary(case: CaseDTO) -> str:
    """The level the law asks for this case and whether the checks recorded meet it, in words."""
    needed = [i for i in case.items if i.verification_level not in (None, "none")]
    if not needed:
        return "Identity verification: none needed for these requests (the law forbids asking for it)."
    level = label_of(strictest_level([i.verification_level for i in needed]), VerificationLevel)
    results = {i.verification_result for i in needed}
    if results == {"verified"}:
        state = "met ✓"
    elif "unverifiable" in results:
        state = "not met: the consumer could not be verified (answer as unverifiable)"
    elif "pending" in results:
        state = "not met yet: more data points or the signed declaration are still needed"
    else:
        state = "not met yet: no check recorded"
    return f"Identity verification required: {level.lower()} — {state}."


_REFERENCE_IN_TEXT = re.compile(r"PD-[0-9]{4}-[0-9]{6,9}")


def prefilled_points(file: CaseFileDTO | None) -> list[str]:
    """The data points a caller gave, from the newest prefilled check (cases made from a call)."""
    rows = [v for v in file.verifications if v.result == PREFILLED] if file else []
    return [str(p.get("name")) for p in rows[-1].checks if p.get("name")] if rows else []


def linked_references(text: str) -> str:
    """Rich text with every case reference a link to that case (the rest escaped)."""
    out, last = [], 0
    for match in _REFERENCE_IN_TEXT.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f'<a href="case:{match.group(0)}">{match.group(0)}</a>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def poa_summary(poa: dict[str, object] | None) -> str:
    """A power of attorney in a few words: how it was executed."""
    if not poa:
        return "—"
    if poa.get("notarized"):
        return "yes, notarized"
    witnesses = poa.get("witness_count") or 0
    return f"yes, {witnesses} witness{'' if witnesses == 1 else 'es'}"
