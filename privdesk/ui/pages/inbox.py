"""Inbox: emails, scanned letters and call notes waiting for the officer's decision.

Detection only suggests. An item becomes a case only through the confirmation dialog, joins an open
case, or is set aside with a reason.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.display import display_safe
from privdesk.domain.due import age_words
from privdesk.domain.errors import DomainError
from privdesk.services.intake import (
    FetchReportDTO,
    ImportFailureDTO,
    ImportOutcome,
    IntakeItemDTO,
    IntakeResultDTO,
    IntakeRowDTO,
    MailboxDTO,
)
from privdesk.ui import settings as ui_settings
from privdesk.ui.dialogs.call_note import CallNoteDialog
from privdesk.ui.dialogs.intake_case import IntakeCaseDialog
from privdesk.ui.dialogs.intake_steps import AttachToCaseDialog, SetAsideDialog
from privdesk.ui.dialogs.scanned_letter import ScannedLetterDialog, ScanPreview
from privdesk.ui.icons import icon
from privdesk.ui.models.case_table import days_words, type_label
from privdesk.ui.models.records import RECORD_ROLE, Column, RecordTableModel
from privdesk.ui.pages.base import MessageLine, Page
from privdesk.ui.tasks import Task
from privdesk.ui.widgets.files import open_files
from privdesk.ui.widgets.flow import FlowLayout
from privdesk.ui.widgets.records import table

if TYPE_CHECKING:
    from privdesk.ui.pages.host import PageHost

EMAIL_SUFFIXES = (".eml", ".msg")
BODY_LIMIT = 200_000  # characters of the original text shown; the stored original stays whole
SCAN_KINDS = ("original", "envelope")


def email_files(paths: Sequence[str]) -> list[str]:
    """The .eml and .msg files among dropped or chosen paths."""
    return [p for p in paths if p.lower().endswith(EMAIL_SUFFIXES)]


def _safe(text: str | None) -> str:
    return html.escape(display_safe(text or ""))


class WorkProgress(QWidget):
    """A progress bar with a Cancel button for one long task (import, print run); hidden when idle."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.task: Task | None = None
        self.label = QLabel("")
        self.bar = QProgressBar()
        self.bar.setObjectName(f"{name}_bar")
        self.bar.setAccessibleName("Progress")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName(f"{name}_cancel")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.hide()

    @property
    def running(self) -> bool:
        return self.task is not None

    def start(self, text: str, task: Task) -> None:
        self.task = task
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()

    def report(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("Stopping…")

    def finish(self) -> None:
        self.task = None
        self.hide()


@dataclass(frozen=True)
class ImportSummary:
    imported: int
    duplicates: int
    failures: list[ImportFailureDTO]

    @classmethod
    def of(cls, outcomes: Sequence[ImportOutcome]) -> ImportSummary:
        results = [o for o in outcomes if isinstance(o, IntakeResultDTO)]
        duplicates = sum(1 for r in results if r.duplicate_of is not None)
        failures = [o for o in outcomes if isinstance(o, ImportFailureDTO)]
        return cls(len(results) - duplicates, duplicates, failures)

    def text(self, asked: int) -> str:
        parts = [f"Imported {self.imported} of {asked} file{'s' if asked != 1 else ''}"]
        if self.duplicates:
            parts.append(f"{self.duplicates} already in the inbox")
        if self.failures:
            parts.append(f"{len(self.failures)} could not be read")
        return "; ".join(parts) + "."


def detail_html(item: IntakeItemDTO) -> str:
    """The detection's suggestions with the phrases that led to them, then the warnings."""
    d = item.detection
    sender = _safe(item.sender_name)
    if item.sender_address:
        sender += f" &lt;{_safe(item.sender_address)}&gt;"
    lines = [
        f"<h3>{_safe(item.subject) or '(no subject)'}</h3>",
        f"<p><b>From:</b> {sender or '—'}<br><b>Received:</b> {item.received_on.isoformat()}"
        f"{' (corrected)' if item.received_corrected else ''} · <b>Channel:</b> {_safe(item.channel)}"
        f" · <b>Organization:</b> {_safe(item.organization) or 'not recognised'}</p>",
    ]
    is_request = d.get("is_request")
    if is_request is None:
        verdict = "Not analysed: decide from the original below."
    elif is_request:
        verdict = "Looks like a privacy request."
    elif d.get("possible"):
        verdict = (
            "Possible request — check. Request wording was found, but not enough to suggest it"
            " (the phrases are below); a missed request runs its deadline unseen."
        )
    else:
        reason = (d.get("not_request_reason") or "").replace("_", " ")
        verdict = "Does not look like a privacy request" + (f": {_safe(reason)}" if reason else ".")
    lines.append(f"<p><b>Suggestion:</b> {verdict}</p>")
    evidence: dict[str, list[str]] = d.get("evidence") or {}
    rows = []
    for code in d.get("types") or []:
        rows.append((type_label(code), evidence.get(code, [])))
    for code in d.get("possible_types") or []:
        rows.append((f"Possibly: {type_label(code)}", evidence.get(code, [])))
    if d.get("jurisdiction"):
        key = f"jurisdiction:{d['jurisdiction']}"
        rows.append((f"Jurisdiction {d['jurisdiction']}", evidence.get(key, [])))
    if d.get("agent"):
        rows.append(("Sent by an authorized agent", evidence.get("agent", [])))
    if rows:
        lines.append("<ul>")
        for label, phrases in rows:
            quoted = ", ".join(f"“{_safe(p)}”" for p in phrases) or "no phrase recorded"
            lines.append(f"<li><b>{_safe(label)}</b> — because of: {quoted}</li>")
        lines.append("</ul>")
    reply = item.details.get("reply_to_case") or {}
    if reply.get("reference"):
        lines.append(
            f"<p><b>Reply to case {_safe(reply['reference'])}</b> ({_safe(reply.get('why', ''))}): "
            "“Attach to case…” offers it; only the new text was read for requests.</p>"
        )
    if item.warnings:
        lines.append("<p><b>Warnings:</b></p><ul>")
        lines += [f"<li>⚠ {_safe(w)}</li>" for w in item.warnings]
        lines.append("</ul>")
    if item.documents:
        docs = ", ".join(f"{_safe(doc.filename)} ({doc.size:,} bytes)" for doc in item.documents)
        lines.append(f"<p><b>Documents:</b> {docs}</p>")
    return "\n".join(lines)


@dataclass(frozen=True)
class OriginalPreview:
    """What the preview pane shows for one item: its text, or its scanned pages."""

    item: IntakeItemDTO
    text: str
    scans: list[tuple[str, bytes]]


def load_preview(intake: Any, intake_id: int) -> OriginalPreview:
    """Worker side: the item whole, the call note's text, a letter's stored pages and envelope."""
    item: IntakeItemDTO = intake.show(intake_id)
    scans: list[tuple[str, bytes]] = []
    text = item.body_text
    for doc in item.documents:
        if doc.kind == "call_note":
            text = intake.original_bytes(doc.id).decode("utf-8", errors="replace")
        elif item.channel == "mail" and doc.kind in SCAN_KINDS:
            scans.append((doc.filename, intake.original_bytes(doc.id)))
    return OriginalPreview(item, text, scans)


@dataclass(frozen=True)
class MailboxOutcome:
    mailbox: MailboxDTO
    report: FetchReportDTO | None
    error: str = ""


class MailboxScheduler(QObject):
    """Fetches the mailboxes whose interval has passed (and those asked for with Fetch now), in the
    window's write worker; one fetch at a time, so a slow server never stacks fetches. Errors become a
    status line, never a dialog: a server down for an hour must not open a dialog every few minutes."""

    status_changed = Signal(str)
    fetched = Signal(int)  # how many new items arrived
    TICK_MS = 30_000
    FIRST_TICK_MS = 5_000

    def __init__(self, window: PageHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setObjectName("mailbox_timer")
        self.timer.timeout.connect(self.tick)
        self.clock: Callable[[], float] = time.monotonic
        self.last_run: dict[int, float] = {}
        self.busy = False
        self.status = ""

    def start(self) -> None:
        self.timer.start(self.FIRST_TICK_MS)

    def stop(self) -> None:
        self.timer.stop()

    def due(self, boxes: Sequence[MailboxDTO]) -> list[MailboxDTO]:
        now = self.clock()
        return [
            b
            for b in boxes
            if b.interval_minutes > 0
            and b.password_kept
            and (b.id not in self.last_run or now - self.last_run[b.id] >= b.interval_minutes * 60)
        ]

    def tick(self) -> None:
        if self.timer.interval() != self.TICK_MS:
            self.timer.setInterval(self.TICK_MS)
        services = self.window.services
        if self.busy or services is None:
            return
        self.busy = True  # from the listing on: a second tick waits for this round
        self.window.runner.run(
            services.intake.mailboxes, lambda boxes: self._run(self.due(boxes)), self._failed
        )

    def fetch_now(self, account_ids: Sequence[int] | None = None) -> bool:
        """Fetch the given mailboxes (all when None) now; False when a fetch is already running."""
        services = self.window.services
        if self.busy or services is None:
            return False
        self.busy = True
        wanted = set(account_ids) if account_ids is not None else None

        def listed(boxes: list[MailboxDTO]) -> None:
            if not boxes:  # not an error: there is simply nothing to fetch from
                self.busy = False
                self._set_status(
                    "No mailbox is set up yet: Settings › Mailboxes adds one. Until then, drag emails onto "
                    "the window or import them (Ctrl+I)."
                )
                return
            self._run([b for b in boxes if wanted is None or b.id in wanted])

        self.window.runner.run(services.intake.mailboxes, listed, self._failed)
        return True

    def _run(self, boxes: list[MailboxDTO]) -> None:
        services = self.window.services
        if not boxes or services is None:
            self.busy = False
            return
        intake = services.intake

        def work() -> list[MailboxOutcome]:
            outcomes = []
            for box in boxes:
                try:
                    outcomes.append(MailboxOutcome(box, intake.fetch_mailbox(box.id)))
                except DomainError as exc:
                    outcomes.append(MailboxOutcome(box, None, str(exc)))
            return outcomes

        self._set_status("Fetching mail…")
        self.window.runner.run(work, self._done, self._failed, write=True)

    def _done(self, outcomes: list[MailboxOutcome]) -> None:
        self.busy = False
        now = self.clock()
        new = 0
        problems = []
        for outcome in outcomes:
            self.last_run[outcome.mailbox.id] = now
            if outcome.report is None:
                problems.append(f"{outcome.mailbox.organization}: {outcome.error}")
                continue
            new += len(outcome.report.imported)
            if outcome.report.failed:
                count = len(outcome.report.failed)
                problems.append(
                    f"{outcome.mailbox.organization}: {count} message{'s' if count != 1 else ''} "
                    "could not be read and stay in the mailbox"
                )
        text = f"Last fetched {dt.datetime.now().strftime('%H:%M')}, {new} new"
        self._set_status(text + ("" if not problems else " — ⚠ " + "; ".join(problems)))
        if new:
            self.fetched.emit(new)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        reason = str(exc) if isinstance(exc, DomainError) else type(exc).__name__
        self._set_status(f"⚠ Mail could not be fetched: {reason}")

    def _set_status(self, text: str) -> None:
        self.status = text
        self.status_changed.emit(text)


CLOCK_TIP = (
    "The date the answer would be due by law if a case were made from this item now, counted from the "
    "day it was received"
)


class LateIntakeConfirm:
    @classmethod
    def ask(cls, parent: QWidget, received: dt.date, due: dt.date, today: dt.date) -> bool:
        """Making a case whose deadlines have all passed: say so first."""
        late = (today - due).days
        answer = QMessageBox.question(
            parent,
            "Every deadline has passed",
            f"This request was received on {received.isoformat()}: the answer was due by "
            f"{due.isoformat()}, {late} day{'s' if late != 1 else ''} ago. The case will be overdue from "
            "the moment it is made.\n\nMake the case anyway (and answer it as soon as possible)?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes


class InboxPage(Page):
    title = "Inbox"
    icon_name = "inbox"

    def __init__(self, window: PageHost) -> None:
        super().__init__(window)
        self.items = RecordTableModel(
            [
                Column(
                    "Received",
                    lambda i: i.received_on,
                    icon=lambda i: icon("warning") if i.warnings else None,
                    tooltip=lambda i: "\n".join(display_safe(w) for w in i.warning_messages),
                ),
                Column("Waiting", lambda i: age_words(i.received_on, self._today())),
                Column("Respond by, if made a case", self._clock_text, tooltip=lambda i: CLOCK_TIP),
                Column("Channel", lambda i: i.channel),
                Column("Sender", lambda i: display_safe(i.sender_name or i.sender_address, limit=200)),
                Column("Subject", lambda i: display_safe(i.subject, limit=300)),
                Column("Suggested types", lambda i: [type_label(t) for t in i.types]),
                Column("Jurisdiction", lambda i: i.jurisdiction or "—"),
                Column("Request?", _request_text),
            ],
            self,
        )
        self.shown: IntakeItemDTO | None = None  # the selected item, loaded whole
        self.scheduler = MailboxScheduler(window, self)
        self.scheduler.status_changed.connect(self._mail_status)
        self.scheduler.fetched.connect(lambda _new: self.refresh())
        self.view = table(
            "intake_table",
            self.items,
            "Nothing waiting. Import emails, log a call or a letter, or fetch the mail.",
        )
        self.count_label = QLabel("")
        self.count_label.setObjectName("intake_count")
        self.outcome_label = MessageLine("import_outcome")
        self.mail_status = MessageLine("mailbox_status")
        self.import_button = self._button("import_button", "Import files…", self.choose_files, "open")
        self.call_button = self._button("call_note_button", "Log a phone call…", self.log_call, "phone")
        self.letter_button = self._button("letter_button", "Log a letter…", self.log_letter)
        self.web_form_button = self._button("web_form_button", "Web form (CSV)…", self.import_web_form)
        self.web_form_button.setToolTip(
            "Import requests exported from a web form as CSV: each row becomes an item here"
        )
        self.fetch_button = self._button("fetch_mail_button", "Fetch mail", self.fetch_mail, "refresh")
        self.make_case_button = self._button("make_case_button", "Make case…", self.make_case, "new_case")
        self.attach_button = self._button("attach_button", "Attach to case…", self.attach_to_case)
        self.set_aside_button = self._button("set_aside_button", "Set aside…", self.set_aside)
        self.progress = WorkProgress("import_progress")
        buttons = FlowLayout()  # wraps on a narrow window instead of widening it
        for button in (
            self.import_button,
            self.call_button,
            self.letter_button,
            self.web_form_button,
            self.fetch_button,
            self.make_case_button,
            self.attach_button,
            self.set_aside_button,
        ):
            buttons.addWidget(button)
        buttons.addWidget(self.count_label)
        self.detail = QTextBrowser()
        self.detail.setObjectName("intake_detail")
        self.detail.setAccessibleName("Suggestions for the selected message")
        self.detail.setOpenLinks(False)
        self.original = QPlainTextEdit()
        self.original.setObjectName("intake_original")
        self.original.setAccessibleName("Original text of the selected message")
        self.original.setReadOnly(True)
        self.scan_preview = ScanPreview()
        self.original_stack = QStackedWidget()
        self.original_stack.addWidget(self.original)
        self.original_stack.addWidget(self.scan_preview)
        original_box = QGroupBox("Original")
        QVBoxLayout(original_box).addWidget(self.original_stack)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.detail)
        right.addWidget(original_box)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("inbox_splitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        ui_settings.restore_splitter(self.splitter, "inbox")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome_label)
        layout.addWidget(self.mail_status)
        layout.addWidget(self.splitter, 1)  # the list and the original take the room, not the labels
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self._update_buttons()

    def _button(self, name: str, text: str, slot: Callable[[], None], icon_name: str = "") -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        if icon_name:
            button.setIcon(icon(icon_name))
        button.clicked.connect(slot)
        return button

    # -- the list -------------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        self.call(self.services.intake.pending, lambda rows: self._loaded(rows, select))

    def _loaded(self, rows: list[IntakeRowDTO], select: int | None = None) -> None:
        chosen = select if select is not None else (row.id if (row := self.current_item()) else None)
        self.items.set_records(rows)
        # Widths are fitted once; a row arriving later with a ⚠ icon must still show its whole date.
        header = self.view.horizontalHeader()
        header.resizeSection(0, max(header.sectionSize(0), self.view.sizeHintForColumn(0)))
        self.count_label.setText(f"{len(rows)} waiting")
        if chosen is None or not self.select_item(chosen):
            self._selected()

    def current_item(self) -> IntakeRowDTO | None:
        rows = self.view.selectionModel().selectedRows()
        return self.items.data(rows[0], RECORD_ROLE) if rows else None

    def select_item(self, intake_id: int) -> bool:
        for row, item in enumerate(self.items.records):
            if item.id == intake_id:
                self.view.selectRow(row)
                return True
        return False

    def _selected(self) -> None:
        row = self.current_item()
        self.shown = None
        if row is None:
            self.detail.setHtml("<p>Select a message to see what was detected in it.</p>")
            self.original.setPlainText("")
            self.original_stack.setCurrentWidget(self.original)
        else:
            self.detail.setHtml(f"<p>Loading {_safe(row.subject) or 'the item'}…</p>")
            intake = self.services.intake
            self.call(lambda: load_preview(intake, row.id), self._show_preview)
        self._update_buttons()

    def _show_preview(self, preview: OriginalPreview) -> None:
        row = self.current_item()
        if row is None or row.id != preview.item.id:
            return  # the officer moved on while it loaded
        self.shown = preview.item
        self.detail.setHtml(detail_html(preview.item))
        if preview.scans:
            problems = self.scan_preview.set_documents(preview.scans)
            self.original_stack.setCurrentWidget(self.scan_preview)
            if problems:
                self.detail.append("<p>⚠ " + "<br>".join(_safe(p) for p in problems) + "</p>")
        else:
            self.original.setPlainText(display_safe(preview.text, keep_newlines=True, limit=BODY_LIMIT))
            self.original_stack.setCurrentWidget(self.original)

    def _update_buttons(self) -> None:
        chosen = self.current_item() is not None
        for button in (self.make_case_button, self.attach_button, self.set_aside_button):
            button.setEnabled(chosen)
        self.import_button.setEnabled(not self.progress.running)

    # -- importing --------------------------------------------------------------------------------
    def choose_files(self) -> None:
        paths = open_files(self, "emails", "Import emails", "Emails (*.eml *.msg);;All files (*)")
        if paths:
            self.import_files(paths)

    def import_files(self, paths: Sequence[str]) -> bool:
        """Import in a worker with progress and Cancel; False when an import is already running."""
        if self.progress.running or not paths:
            return False
        files = list(paths)
        intake = self.services.intake

        def work(token: Any, report: Callable[[int, int], None]) -> list[ImportOutcome]:
            return intake.import_files(
                files,
                progress=lambda done, total: report(done, total or 0),
                cancelled=lambda: token.cancelled,
            )

        def done(outcomes: list[ImportOutcome]) -> None:
            self.progress.finish()
            summary = ImportSummary.of(outcomes)
            self.outcome_label.setText(summary.text(len(files)))
            self.outcome_label.setToolTip(
                "\n".join(f"{display_safe(f.file)}: {display_safe(f.error)}" for f in summary.failures)
            )
            self._update_buttons()
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.progress.finish()
            self._update_buttons()
            self.show_error(exc)

        task = self.window_.runner.run(work, done, failed, write=True, progress=self.progress.report)
        self.progress.start(f"Importing {len(files)} file{'s' if len(files) != 1 else ''}…", task)
        self._update_buttons()
        return True

    # -- calls, letters, mail ----------------------------------------------------------------------
    def log_call(self) -> None:
        """The call-note form, then the note saved as an inbox item and selected."""
        self.window_.go("inbox")
        services = self.services

        def ask(organizations: list[Any]) -> None:
            if not organizations:
                self.outcome_label.setText("Add an organization first: a call is logged for one.")
                return
            note = CallNoteDialog.ask(self, organizations, services.ctx.now())
            if note is not None:
                self.call(
                    lambda: services.intake.add_call_note(note),
                    lambda result: self._added(result, "The call note is in the inbox."),
                    write=True,
                )

        self.call(services.organizations.list, ask)

    def log_letter(self) -> None:
        """The scanned-letter form with its preview, then the letter saved as an inbox item."""
        self.window_.go("inbox")
        services = self.services

        def ask(organizations: list[Any]) -> None:
            if not organizations:
                self.outcome_label.setText("Add an organization first: a letter is logged for one.")
                return
            letter = ScannedLetterDialog.ask(
                self, organizations, services.ctx.today(), services.intake.limits.max_file_bytes
            )
            if letter is not None:
                self.call(
                    lambda: services.intake.add_scanned_letter(letter),
                    lambda result: self._added(result, "The letter is in the inbox."),
                    write=True,
                )

        self.call(services.organizations.list, ask)

    def _added(self, result: IntakeResultDTO, message: str) -> None:
        self.outcome_label.setText(message)
        self.window_.statusBar().showMessage(message, 5000)
        self.refresh(select=result.intake_id)

    def import_web_form(self) -> None:
        """A web form's CSV export: map its columns (remembered), then each row becomes an item."""
        from privdesk.services.intake.webform import FIELDS, REQUIRED, csv_columns
        from privdesk.ui.dialogs.web_form import WebFormDialog
        from privdesk.ui.widgets.files import open_file

        path = open_file(self, "web forms", "Import web form requests", "CSV files (*.csv);;All files (*)")
        if not path:
            return
        services = self.services

        Found = tuple[str, list[str], tuple[dict[str, str], bool], list[tuple[str, str]]]

        def read() -> Found:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                text = handle.read(20_000_000)
            organizations = [(o.slug, o.display_name) for o in services.organizations.list()]
            columns = csv_columns(text)
            # Remembered in the database (from this desk, another, or the command line), else a guess.
            mapping = services.intake.web_form_mapping(columns) if any(columns) else ({}, False)
            return text, columns, mapping, organizations

        def chosen(found: Found) -> None:
            text, columns, mapping, organizations = found
            if not columns:
                self.outcome_label.setText(f"{Path(path).name} has no header row: nothing was imported.")
                return
            start, remembered = mapping
            choice = WebFormDialog.ask(
                self, Path(path).name, columns, FIELDS, REQUIRED, start, remembered, organizations
            )
            if choice is None:
                return

            def imported(result: Any) -> None:
                count = len(result.imported)
                message = f"Imported {count} of {result.rows} web form row{'s' if result.rows != 1 else ''}"
                if result.problems:
                    message += "; not imported: " + "; ".join(result.problems[:5])
                    message += "…" if len(result.problems) > 5 else ""
                self.outcome_label.setText(message + ".")
                self.window_.statusBar().showMessage(message.split(";")[0] + ".", 8000)
                self.refresh()

            self.call(
                lambda: services.intake.import_web_form(choice.organization, text, choice.mapping),
                imported,
                write=True,
            )

        self.call(read, chosen)

    def fetch_mail(self) -> None:
        if not self.scheduler.fetch_now():
            self.window_.statusBar().showMessage("Mail is being fetched already.", 3000)

    def _mail_status(self, text: str) -> None:
        self.mail_status.setText(display_safe(text, limit=600))
        self.fetch_button.setEnabled(not self.scheduler.busy)

    # -- decisions --------------------------------------------------------------------------------
    # -- the clock an item would start ---------------------------------------------------------
    def _today(self) -> dt.date:
        services = self.window_.services
        return services.ctx.today() if services is not None else dt.date.today()

    def _respond_by(
        self, jurisdiction: str | None, types: Sequence[str], received: dt.date
    ) -> dt.date | None:
        """The earliest statutory answer date if a case were made now from these facts."""
        services = self.window_.services
        if services is None or not jurisdiction or not types:
            return None
        dates = []
        for request_type in types:
            try:
                dates.append(services.ctx.rulebook.deadlines(jurisdiction, request_type, received).respond_by)
            except Exception:
                continue
        known = [d for d in dates if d is not None]
        return min(known) if known else None

    def _clock_text(self, item: Any) -> str:
        due = self._respond_by(item.jurisdiction, item.types, item.received_on)
        if due is None:
            return "—"
        return f"{due.isoformat()} ({days_words((due - self._today()).days)})"

    def make_case(self) -> None:
        item = self.current_item()
        if item is None:
            return
        services = self.services

        def with_suggestion(found: tuple[Any, list[Any], list[str]]) -> None:
            suggestion, organizations, jurisdictions = found
            confirmed = IntakeCaseDialog.ask(self, suggestion, organizations, jurisdictions)
            if confirmed is None:
                return
            received = confirmed.received or item.received_on
            due = self._respond_by(confirmed.jurisdiction, confirmed.types, received)
            today = self._today()
            if due is not None and due < today and not LateIntakeConfirm.ask(self, received, due, today):
                return
            self.call(
                lambda: services.intake.make_case(item.id, confirmed),
                lambda case: self._dealt_with(f"Case {case.reference} created from the message."),
                write=True,
            )

        self.call(
            lambda: (
                services.intake.suggest_case(item.id),
                services.organizations.list(),
                services.ctx.rulebook.jurisdictions(),
            ),
            with_suggestion,
        )

    def attach_to_case(self) -> None:
        item = self.current_item()
        if item is None:
            return
        shown = self.shown if self.shown is not None and self.shown.id == item.id else None
        reply = (shown.details.get("reply_to_case") or {}) if shown else {}
        reference = AttachToCaseDialog.ask(self, str(reply.get("reference") or ""))
        if reference:
            self.call(
                lambda: self.services.intake.attach_to_case(item.id, reference),
                lambda _: self._dealt_with(f"The message was attached to case {reference}."),
                write=True,
            )

    def set_aside(self) -> None:
        item = self.current_item()
        if item is None:
            return
        reason = SetAsideDialog.ask(self)
        if reason:
            self.call(
                lambda: self.services.intake.set_aside(item.id, reason),
                lambda _: self._dealt_with("The message was set aside."),
                write=True,
            )

    def _dealt_with(self, message: str) -> None:
        self.outcome_label.setText(message)
        self.window_.statusBar().showMessage(message, 5000)
        self.refresh()

    def save_state(self) -> None:
        ui_settings.save_splitter(self.splitter, "inbox")


def _request_text(item: IntakeRowDTO) -> str:
    value = item.is_request
    if value is None:
        return "not analysed"
    return "yes" if value else ("possible — check" if item.possible else "no")


def dropped_paths(urls: Sequence[Any]) -> list[str]:
    """Local .eml/.msg files among dropped URLs."""
    return email_files([str(Path(u.toLocalFile())) for u in urls if u.isLocalFile()])
