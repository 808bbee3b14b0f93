"""Outbox: letters by status, a preview of the selected letter, generating, printing, mailing, the batch.

A letter's PDF is shown from the stored file once generated (that is what will be mailed), otherwise
rendered from the case as it stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.display import display_safe
from privdesk.domain.threads import normalize_message_id
from privdesk.domain.types import LetterStatus
from privdesk.ui import print_service
from privdesk.ui import settings as ui_settings
from privdesk.ui.dialogs.common import FormDialog, date_edit, to_date
from privdesk.ui.icons import icon
from privdesk.ui.models.records import RECORD_ROLE, Column, RecordTableModel
from privdesk.ui.pages.base import MessageLine, Page
from privdesk.ui.pages.inbox import WorkProgress
from privdesk.ui.widgets.files import save_file
from privdesk.ui.widgets.flow import FlowLayout
from privdesk.ui.widgets.records import table

if TYPE_CHECKING:
    from privdesk.services.letters import BatchSummary, LetterService, OutboxLetterDTO
    from privdesk.ui.pages.host import PageHost

STATUS_FILTERS = (
    (None, "All letters"),
    (LetterStatus.QUEUED.value, "Queued"),
    (LetterStatus.GENERATED.value, "Generated"),
    (LetterStatus.PRINTED.value, "Printed"),
    (LetterStatus.SENT.value, "Sent"),
    (LetterStatus.RETURNED.value, "Returned"),
)
METHODS = (("first_class", "First-class mail"), ("certified", "Certified mail"), ("email", "Email"))
STATUS_LABELS = {code: label for code, label in STATUS_FILTERS if code} | {LetterStatus.VOID.value: "Void"}
METHOD_LABELS = dict(METHODS)
HAS_FILE = (LetterStatus.GENERATED.value, LetterStatus.PRINTED.value)


# -- dialogs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mailing:
    on: dt.date
    method: str
    tracking_number: str | None
    message_id: str | None = None


class MarkSentDialog(FormDialog):
    def __init__(self, parent: QWidget | None, today: dt.date) -> None:
        super().__init__(
            parent,
            "Mark the letter sent",
            "Once sent, the letter's file can no longer change.",
            ok_text="Mark sent",
        )
        self.on = date_edit(today, "sent_on", latest=today)
        self.method = QComboBox()
        self.method.setObjectName("method")
        self.method.setAccessibleName("Mailing method")
        for code, label in METHODS:
            self.method.addItem(label, code)
        self.tracking = QLineEdit()
        self.tracking.setObjectName("tracking_number")
        self.tracking.setAccessibleName("Tracking number")
        self.form.addRow("Sent on:", self.on)
        self.form.addRow("Method:", self.method)
        self.form.addRow("Tracking number:", self.tracking)
        self.message_id = QLineEdit()
        self.message_id.setObjectName("message_id")
        self.message_id.setAccessibleName("Message-ID of the email")
        self.message_id.setPlaceholderText("<…@…> from the sent email's headers: replies then find the case")
        self.form.addRow("Message-ID:", self.message_id)
        self.method.currentIndexChanged.connect(self._method_changed)
        self._method_changed()

    def _method_changed(self) -> None:
        self.message_id.setEnabled(self.method.currentData() == "email")

    def problem(self) -> str:
        if self.method.currentData() == "certified" and not self.tracking.text().strip():
            return "Certified mail needs its tracking number."
        typed = self.message_id.text().strip()
        if self.method.currentData() == "email" and typed and normalize_message_id(typed) is None:
            return "The Message-ID is not one: it looks like <text@host>."
        return ""

    def result_mailing(self) -> Mailing:
        emailed = self.method.currentData() == "email"
        return Mailing(
            to_date(self.on),
            self.method.currentData(),
            self.tracking.text().strip() or None,
            (self.message_id.text().strip() or None) if emailed else None,
        )

    @classmethod
    def ask(cls, parent: QWidget | None, today: dt.date) -> Mailing | None:
        d = cls(parent, today)
        return d.result_mailing() if d.exec() else None


@dataclass(frozen=True)
class Return:
    on: dt.date
    note: str


class MarkReturnedDialog(FormDialog):
    def __init__(self, parent: QWidget | None, today: dt.date) -> None:
        super().__init__(
            parent,
            "Letter came back",
            "Record the day the post returned it and why.",
            ok_text="Mark returned",
        )
        self.on = date_edit(today, "returned_on", latest=today)
        self.note = QPlainTextEdit()
        self.note.setObjectName("returned_note")
        self.note.setAccessibleName("Why it came back")
        self.note.setPlaceholderText("e.g. addressee unknown")
        self.form.addRow("Returned on:", self.on)
        self.form.addRow("Note:", self.note)

    @classmethod
    def ask(cls, parent: QWidget | None, today: dt.date) -> Return | None:
        d = cls(parent, today)
        return Return(to_date(d.on), d.note.toPlainText().strip()) if d.exec() else None


class PrintLetter:
    """The system print dialog; returns the configured printer, or None (tests replace ``ask``)."""

    @classmethod
    def ask(cls, parent: QWidget | None) -> QPrinter | None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None


RASTER_DPI_CAP = 300  # painting pages as images: more than this only makes the job huge


def print_pdf(
    data: bytes,
    printer: QPrinter,
    report: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> str:
    """Print a PDF; runs in a worker thread (QPrinter may be painted there). Returns how it was sent.

    To a real printer, the PDF itself is handed to the system's print service (``print_service``:
    CUPS ``lp`` on Linux and macOS, the shell's ``printto`` verb on Windows): vector pages, the same
    bytes as the stored record. Otherwise (a PDF file target, no spooler, several copies on Windows)
    each page is painted at the printer's resolution, capped at 300 dpi.
    """
    from privdesk.letters.batch import Cancelled

    route = print_service.choose_route(
        print_service.platform_name(),
        printer.printerName(),
        printer.outputFormat() == QPrinter.OutputFormat.NativeFormat,
        printer.copyCount(),
        printer.docName() or "letter",
    )
    if route.way != "qt":
        try:
            return print_service.send(route, data, report, cancelled)
        except print_service.PrintCancelled:
            raise Cancelled() from None
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started")
    try:
        pages = document.pageCount()
        dpi = min(printer.resolution(), RASTER_DPI_CAP)
        for page in range(pages):
            if cancelled is not None and cancelled():
                raise Cancelled()
            if page:
                printer.newPage()
            target = painter.viewport()
            size = document.pagePointSize(page)
            pixels = QSize(int(size.width() / 72 * dpi), int(size.height() / 72 * dpi))
            image = document.render(page, pixels)
            scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(target.topLeft(), image.scaled(scaled))
            if report is not None:
                report(page + 1, pages)
    finally:
        painter.end()
        document.close()
        buffer.close()
    return "printed"


class PagesCameOut:
    """Asks whether the printed pages came out; "printed" is recorded only on yes (tests replace ``ask``)."""

    @classmethod
    def ask(cls, parent: QWidget | None, what: str) -> bool:
        answer = QMessageBox.question(
            parent,
            "Printed?",
            f"Did the pages of {what} come out of the printer complete and readable?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def pdf_bytes(letters: LetterService, letter: OutboxLetterDTO) -> bytes:
    """The stored file once there is one (what is mailed), else a rendering of the case as it is now."""
    return letters.stored_pdf(letter.id) if letter.sha256 else letters.render(letter.id)


# -- the page -----------------------------------------------------------------------------------


class OutboxPage(Page):
    title = "Outbox"
    icon_name = "outbox"

    def __init__(self, window: PageHost) -> None:
        super().__init__(window)
        self.letters = RecordTableModel(
            [
                Column("Case", lambda x: x.case_reference),
                Column("Letter", lambda x: x.title, tooltip=lambda x: x.kind),
                Column(
                    "Recipient",
                    lambda x: display_safe(x.recipient_name, limit=200),
                    icon=lambda x: None if x.has_postal_address else icon("warning"),
                    tooltip=lambda x: "" if x.has_postal_address else "No postal address on file",
                ),
                Column("Status", lambda x: STATUS_LABELS.get(x.status, x.status)),
                Column("Created", lambda x: x.created_on),
                Column("Sent", lambda x: x.sent_on),
                Column("Method", lambda x: METHOD_LABELS.get(x.method or "", x.method)),
                Column("Tracking", lambda x: x.tracking_number),
            ],
            self,
        )
        self.view = table(
            "letter_table",
            self.letters,
            "No letter with this status. Letters are queued when a case is acknowledged, extended or "
            "answered.",
        )
        self.status = QComboBox()
        self.status.setObjectName("letter_status_filter")
        self.status.setAccessibleName("Show letters with status")
        for code, label in STATUS_FILTERS:
            self.status.addItem(label, code)
        self.status.currentIndexChanged.connect(lambda _: self.refresh())
        self.count_label = QLabel("")
        self.count_label.setObjectName("letter_count")
        self.message = MessageLine("outbox_message")
        self.generate_button = self._button("generate_button", "Generate", self.generate)
        self.export_button = self._button("export_button", "Export PDF…", self.export_pdf)
        self.print_button = self._button("print_button", "Print…", self.print_letter)
        self.sent_button = self._button("mark_sent_button", "Mark sent…", self.mark_sent)
        self.returned_button = self._button("mark_returned_button", "Mark returned…", self.mark_returned)
        self.batch_button = self._button("batch_button", "Prepare today's batch…", self.print_batch)
        self.confirm_button = self._button("confirm_printed_button", "Pages came out", self.confirm_printed)
        self.confirm_button.setToolTip("Record today's run as printed once its pages came out of the printer")
        self.progress = WorkProgress("batch_progress")
        # What the last run did not print, and why: case, field, reason (and where to email).
        self.held = QPlainTextEdit()
        self.held.setObjectName("batch_held_back")
        self.held.setAccessibleName("Letters the print run held back")
        self.held.setReadOnly(True)
        self.held.setMaximumHeight(120)
        self.held.hide()
        top = FlowLayout()  # wraps on a narrow window instead of widening it
        top.addWidget(QLabel("Show:"))
        top.addWidget(self.status)
        for button in (
            self.generate_button,
            self.export_button,
            self.print_button,
            self.sent_button,
            self.returned_button,
        ):
            top.addWidget(button)
        top.addWidget(self.batch_button)
        top.addWidget(self.confirm_button)
        top.addWidget(self.count_label)
        # The document reads from the buffer for as long as it is open: both live as long as the page.
        self.document = QPdfDocument(self)
        self.buffer: QBuffer | None = None
        self.preview_letter_id: int | None = None
        self.preview = QPdfView()
        self.preview.setObjectName("letter_preview")
        self.preview.setAccessibleName("Preview of the selected letter")
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.preview.setDocument(self.document)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("outbox_splitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        ui_settings.restore_splitter(self.splitter, "outbox")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.held)
        layout.addWidget(self.splitter, 1)  # the list and the preview take the height, not the labels
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self._update_buttons()

    def _button(self, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # -- the list -------------------------------------------------------------------------------
    def refresh(self) -> None:
        status = self.status.currentData()
        services = self.services
        # ``services.letters`` loads ReportLab and the fonts the first time: on the worker, not here.
        self.call(lambda: services.letters.outbox(status=status), self._loaded)

    def _loaded(self, records: list[OutboxLetterDTO]) -> None:
        chosen = self.current_letter()
        self.letters.set_records(records)
        self.count_label.setText(f"{len(records)} letter{'s' if len(records) != 1 else ''}")
        if chosen is not None:
            self.select_letter(chosen.id)
        self._selected()

    def current_letter(self) -> OutboxLetterDTO | None:
        rows = self.view.selectionModel().selectedRows()
        return self.letters.data(rows[0], RECORD_ROLE) if rows else None

    def select_letter(self, letter_id: int) -> bool:
        for row, letter in enumerate(self.letters.records):
            if letter.id == letter_id:
                self.view.selectRow(row)
                return True
        return False

    def _selected(self) -> None:
        self._update_buttons()
        letter = self.current_letter()
        if letter is None:
            self._show_pdf(None, None)
            return
        services = self.services
        self.call(
            lambda: pdf_bytes(services.letters, letter), lambda data: self._show_if_current(letter, data)
        )

    def _show_if_current(self, letter: OutboxLetterDTO, data: bytes) -> None:
        now = self.current_letter()
        if now is not None and now.id == letter.id and now.version == letter.version:
            self._show_pdf(letter.id, data)

    def _show_pdf(self, letter_id: int | None, data: bytes | None) -> None:
        self.document.close()
        if self.buffer is not None:
            self.buffer.close()
            self.buffer.deleteLater()
            self.buffer = None
        self.preview_letter_id = None
        if data is None:
            return
        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(data))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self.buffer)
        self.preview_letter_id = letter_id

    def _update_buttons(self) -> None:
        letter = self.current_letter()
        status = letter.status if letter else None
        self.generate_button.setEnabled(status in (LetterStatus.QUEUED.value, LetterStatus.GENERATED.value))
        self.export_button.setEnabled(letter is not None and status != LetterStatus.VOID.value)
        self.print_button.setEnabled(status in HAS_FILE)
        self.sent_button.setEnabled(status in HAS_FILE)
        self.returned_button.setEnabled(status == LetterStatus.SENT.value)
        self.batch_button.setEnabled(not self.progress.running)

    # -- actions --------------------------------------------------------------------------------
    def _changed(self, message: str) -> Callable[[Any], None]:
        def done(_: Any) -> None:
            self.message.setText(message)
            self.window_.statusBar().showMessage(message, 5000)
            self.refresh()

        return done

    def generate(self) -> None:
        letter = self.current_letter()
        if letter is not None:
            self.call(
                lambda: self.services.letters.generate(letter.id),
                self._changed(f"Letter for {letter.case_reference} generated."),
                write=True,
            )

    def export_pdf(self) -> None:
        letter = self.current_letter()
        if letter is None:
            return
        suggested = f"{letter.case_reference}-{letter.kind}.pdf"
        path = save_file(self, "letters", "Export the letter as PDF", suggested, "PDF (*.pdf)")
        if not path:
            return
        target = Path(path if path.lower().endswith(".pdf") else f"{path}.pdf")

        letters = self.services.letters

        def work() -> Path:
            from privdesk.services.letters import write_file

            write_file(target, pdf_bytes(letters, letter))  # temporary name, then rename
            return target

        self.call(work, lambda saved: self.message.setText(f"Saved {saved.name}."))

    def print_letter(self) -> None:
        letter = self.current_letter()
        if letter is None or self.progress.running:
            return
        printer = PrintLetter.ask(self)
        if printer is None:
            return
        letters = self.services.letters

        def work(token: Any, report: Callable[[int, int], None]) -> str:
            return print_pdf(pdf_bytes(letters, letter), printer, report, lambda: token.cancelled)

        def done(how: str) -> None:
            self.progress.finish()
            self._update_buttons()
            if letter.status != LetterStatus.GENERATED.value:
                self.message.setText(f"Letter for {letter.case_reference} {how}.")
                return
            if not PagesCameOut.ask(self, f"the letter for {letter.case_reference}"):
                self.message.setText(f"Letter for {letter.case_reference} not recorded as printed.")
                return
            self.call(
                lambda: letters.mark_printed([letter.id]),
                self._changed(f"Letter for {letter.case_reference} printed."),
                write=True,
            )

        def failed(exc: BaseException) -> None:
            self.progress.finish()
            self._update_buttons()
            from privdesk.letters.batch import Cancelled  # loaded by the work that failed

            if isinstance(exc, Cancelled):
                self.message.setText("Printing cancelled: the letter is not recorded as printed.")
            else:
                self.show_error(exc)

        task = self.window_.runner.run(work, done, failed, progress=self.progress.report)
        self.progress.start(f"Printing the letter for {letter.case_reference}…", task)
        self._update_buttons()

    def mark_sent(self) -> None:
        letter = self.current_letter()
        if letter is None:
            return
        mailing = MarkSentDialog.ask(self, self.services.ctx.today())
        if mailing is not None:
            self.call(
                lambda: self.services.letters.mark_sent(
                    letter.id, mailing.on, mailing.method, mailing.tracking_number, mailing.message_id
                ),
                self._changed(f"Letter for {letter.case_reference} marked sent."),
                write=True,
            )

    def mark_returned(self) -> None:
        letter = self.current_letter()
        if letter is None:
            return
        returned = MarkReturnedDialog.ask(self, self.services.ctx.today())
        if returned is not None:
            self.call(
                lambda: self.services.letters.mark_returned(letter.id, returned.on, returned.note),
                self._changed(f"Letter for {letter.case_reference} marked returned."),
                write=True,
            )

    def print_batch(self) -> None:
        if self.progress.running:
            return
        folder = QFileDialog.getExistingDirectory(self, "Folder for today's print run")
        if not folder:
            return
        letters = self.services.letters
        today = self.services.ctx.today()

        def work(token: Any, report: Callable[[int, int], None]) -> BatchSummary:
            return letters.batch(today, Path(folder), report, lambda: token.cancelled)

        def done(summary: BatchSummary) -> None:
            self.progress.finish()
            if summary.count == 0:
                self.message.setText("No letter is ready to be printed.")
            else:
                assert summary.combined_pdf is not None
                self.message.setText(
                    f"{summary.count} letters ({summary.envelopes} envelopes) written to "
                    f"{summary.combined_pdf.name} with the address sheet and labels. Print it, then "
                    "press \u201cPages came out\u201d."
                )
            self.show_held(summary)
            self._update_buttons()
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.progress.finish()
            self._update_buttons()
            from privdesk.letters.batch import Cancelled  # loaded by the work that failed

            if isinstance(exc, Cancelled):
                self.message.setText("Print run cancelled: nothing was written and no letter changed.")
            else:
                self.show_error(exc)

        task = self.window_.runner.run(work, done, failed, write=True, progress=self.progress.report)
        self.progress.start("Printing today's letters…", task)
        self._update_buttons()

    def show_held(self, summary: BatchSummary) -> None:
        lines: list[str] = []
        if summary.checks:
            lines.append("Check before sealing:")
            lines.extend(f"  {display_safe(str(h), limit=400)}" for h in summary.checks)
        if summary.held_back:
            lines.append(f"Held back ({len(summary.held_back)}), still queued:")
            lines.extend(f"  {display_safe(str(h), limit=400)}" for h in summary.held_back)
        if summary.no_address:
            lines.append(f"No postal address: email or find an address ({len(summary.no_address)}):")
            lines.extend(
                f"  {display_safe(str(h), limit=400)}" + (f" <{h.email}>" if h.email else "")
                for h in summary.no_address
            )
        self.held.setPlainText("\n".join(lines))
        self.held.setVisible(bool(lines))

    def confirm_printed(self) -> None:
        today = self.services.ctx.today()

        def done(printed: list[OutboxLetterDTO]) -> None:
            self.message.setText(f"{len(printed)} letters recorded as printed.")
            self.held.hide()
            self.refresh()

        self.call(lambda: self.services.letters.confirm_printed(today), done, write=True)

    def save_state(self) -> None:
        ui_settings.save_splitter(self.splitter, "outbox")
