"""Inbox and Outbox through real widgets: import an email, confirm it as a case, print a letter to PDF,
mark it sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from privdesk.services.intake import NewCaseFromIntake
from privdesk.services.letters import OutboxLetterDTO
from privdesk.ui.dialogs.intake_case import IntakeCaseDialog
from privdesk.ui.dialogs.intake_steps import SetAsideDialog
from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages.inbox import InboxPage, LateIntakeConfirm
from privdesk.ui.pages.outbox import STATUS_LABELS, MarkSentDialog, OutboxPage
from tests.conftest import TODAY

INTAKE = Path(__file__).resolve().parents[1] / "data" / "intake"


def inbox_of(window: MainWindow) -> InboxPage:
    page = window.pages["inbox"]
    assert isinstance(page, InboxPage)
    return page


def outbox_of(window: MainWindow) -> OutboxPage:
    page = window.pages["outbox"]
    assert isinstance(page, OutboxPage)
    return page


def idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)


def import_sample(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, name: str) -> InboxPage:
    chosen = str(INTAKE / name)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([chosen], "")))
    window.actions_by_id["import_files"].trigger()  # File > Import (Ctrl+I)
    inbox = inbox_of(window)
    assert window.stack.currentWidget() is inbox
    qtbot.waitUntil(lambda: inbox.items.rowCount() == 1, timeout=10_000)
    idle(qtbot, window)
    assert not inbox.progress.isVisible()
    return inbox


def test_import_an_email_and_make_a_case_from_it(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.go("inbox")
    inbox = inbox_of(window)
    idle(qtbot, window)
    assert inbox.items.rowCount() == 0 and not inbox.make_case_button.isEnabled()

    inbox = import_sample(qtbot, window, monkeypatch, "sample-03.eml")
    assert inbox.outcome_label.text() == "Imported 1 of 1 file."
    item = inbox.items.record(0)
    assert item.types == ["shine_the_light"] and item.jurisdiction == "US-CA"  # in the row, no second load
    assert inbox.items.data(inbox.items.index(0, 6)) == "Shine the Light"
    assert inbox.items.data(inbox.items.index(0, 7)) == "US-CA"
    assert inbox.items.data(inbox.items.index(0, 8)) == "yes"

    inbox.view.selectRow(0)
    qtbot.waitUntil(lambda: inbox.shown is not None, timeout=10_000)
    detail = inbox.detail.toPlainText()
    assert "Shine the Light" in detail and "1798.83" in detail  # the suggestion with its evidence phrase
    assert "I am a California resident" in detail
    assert "Redondo Beach" in inbox.original.toPlainText()

    seen: list[NewCaseFromIntake] = []

    def confirm(cls: Any, parent: Any, suggestion: Any, organizations: Any, jurisdictions: Any) -> Any:
        dialog = cls(parent, suggestion, organizations, jurisdictions)
        qtbot.addWidget(dialog)
        assert dialog.checked_types() == ["shine_the_light"]
        assert dialog.organization.currentData() == "mstis"
        assert dialog.name.text() == "Gerald M. Ostrowski"
        assert dialog.ca_resident.isChecked()
        dialog.name.setText("")
        assert "name" in dialog.problem()  # the officer must confirm a complete case
        dialog.name.setText("Gerald Ostrowski")
        assert dialog.problem() == ""
        seen.append(dialog.result_case())
        return seen[-1]

    monkeypatch.setattr(IntakeCaseDialog, "ask", classmethod(confirm))
    warned: list[tuple[Any, ...]] = []  # the sample is older than its deadlines: a warning comes first
    monkeypatch.setattr(LateIntakeConfirm, "ask", classmethod(lambda cls, *a: bool(warned.append(a)) or True))
    inbox.make_case_button.click()
    qtbot.waitUntil(lambda: inbox.items.rowCount() == 0, timeout=10_000)
    assert len(warned) == 1
    idle(qtbot, window)
    assert seen and "created from the message" in inbox.outcome_label.text()
    reference = inbox.outcome_label.text().split()[1]
    services = window.services
    assert services is not None
    case = services.cases.show(reference)
    assert case.consumer_name == "Gerald Ostrowski"
    assert [i.type for i in case.items] == ["shine_the_light"]
    assert services.intake.pending() == []


def test_cancelled_confirmation_makes_no_case_and_set_aside_needs_a_reason(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = import_sample(qtbot, window, monkeypatch, "sample-01.eml")
    inbox.view.selectRow(0)
    monkeypatch.setattr(IntakeCaseDialog, "ask", classmethod(lambda cls, *a: None))
    inbox.make_case_button.click()
    idle(qtbot, window)
    assert inbox.items.rowCount() == 1

    def aside(cls: Any, parent: Any) -> str:
        dialog = cls(parent)
        qtbot.addWidget(dialog)
        dialog.accept()
        assert dialog.message.isVisibleTo(dialog) and "reason" in dialog.message.text()
        return "A newsletter, not a request"

    monkeypatch.setattr(SetAsideDialog, "ask", classmethod(aside))
    inbox.set_aside_button.click()
    qtbot.waitUntil(lambda: inbox.items.rowCount() == 0, timeout=10_000)
    idle(qtbot, window)


def test_dropping_an_email_on_the_window_imports_it(qtbot: Any, window: MainWindow) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(INTAKE / "sample-02.eml")), QUrl.fromLocalFile(str(INTAKE))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert event.isAccepted()
    inbox = inbox_of(window)
    qtbot.waitUntil(lambda: inbox.items.rowCount() == 1, timeout=10_000)
    idle(qtbot, window)


def select_queued_letter(qtbot: Any, outbox: OutboxPage) -> OutboxLetterDTO:
    qtbot.waitUntil(lambda: outbox.letters.rowCount() > 0, timeout=10_000)
    letter: OutboxLetterDTO = next(
        x for x in outbox.letters.records if x.status == "queued" and x.has_postal_address
    )
    assert outbox.select_letter(letter.id)
    return letter


def test_generate_export_and_mark_a_letter_sent(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window.go("outbox")
    outbox = outbox_of(window)
    letter = select_queued_letter(qtbot, outbox)
    assert outbox.generate_button.isEnabled() and not outbox.sent_button.isEnabled()
    outbox.generate_button.click()
    qtbot.waitUntil(
        lambda: (chosen := outbox.current_letter()) is not None and chosen.status == "generated",
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: outbox.document.pageCount() > 0, timeout=10_000)
    assert outbox.preview_letter_id == letter.id
    assert "generated" in outbox.message.text()

    # Print its letter to PDF: the export writes the stored file.
    target = tmp_path / "letter.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    outbox.export_button.click()
    qtbot.waitUntil(lambda: "Saved letter.pdf" in outbox.message.text(), timeout=10_000)
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert letter.case_reference in text
    assert not list(tmp_path.glob(".letter.pdf.*"))  # no temporary file left behind

    def send(cls: Any, parent: Any, today: Any) -> Any:
        dialog = cls(parent, today)
        qtbot.addWidget(dialog)
        dialog.method.setCurrentIndex(dialog.method.findData("certified"))
        assert "tracking" in dialog.problem()
        dialog.tracking.setText("9407 1000 0000 0000 0000 01")
        assert dialog.problem() == ""
        return dialog.result_mailing()

    monkeypatch.setattr(MarkSentDialog, "ask", classmethod(send))
    outbox.sent_button.click()
    qtbot.waitUntil(
        lambda: (chosen := outbox.current_letter()) is not None and chosen.status == "sent", timeout=10_000
    )
    idle(qtbot, window)
    sent = outbox.current_letter()
    assert sent is not None
    assert (sent.method, sent.tracking_number, sent.sent_on) == (
        "certified",
        "9407 1000 0000 0000 0000 01",
        TODAY,
    )
    assert outbox.returned_button.isEnabled() and not outbox.generate_button.isEnabled()


def test_print_dialog_prints_and_marks_the_letter_printed(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from privdesk.ui.pages import outbox as outbox_module

    window.go("outbox")
    outbox = outbox_of(window)
    letter = select_queued_letter(qtbot, outbox)
    services = window.services
    assert services is not None
    services.letters.generate(letter.id)
    outbox.refresh()
    qtbot.waitUntil(lambda: outbox.print_button.isEnabled(), timeout=10_000)
    qtbot.waitUntil(lambda: outbox.document.pageCount() > 0, timeout=10_000)
    printed = tmp_path / "printed.pdf"

    def to_file(cls: Any, parent: Any) -> QPrinter:
        printer = QPrinter()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    monkeypatch.setattr(outbox_module.PrintLetter, "ask", classmethod(to_file))
    answers: list[str] = []

    def came_out(answer: bool) -> Any:
        def ask(cls: Any, parent: Any, what: str) -> bool:
            answers.append(what)
            return answer

        return classmethod(ask)

    # The pages did not come out: nothing is recorded as printed.
    monkeypatch.setattr(outbox_module.PagesCameOut, "ask", came_out(False))
    outbox.print_button.click()
    assert outbox.progress.isVisible()  # printing runs in a worker, with progress and cancel
    qtbot.waitUntil(lambda: len(answers) == 1, timeout=10_000)
    idle(qtbot, window)
    assert services.letters.show(letter.id).status == "generated"
    assert "not recorded as printed" in outbox.message.text()
    # They did: recorded as printed.
    monkeypatch.setattr(outbox_module.PagesCameOut, "ask", came_out(True))
    outbox.print_button.click()
    qtbot.waitUntil(
        lambda: (chosen := outbox.current_letter()) is not None and chosen.status == "printed",
        timeout=10_000,
    )
    idle(qtbot, window)
    assert len(PdfReader(printed).pages) == outbox.document.pageCount()
    assert printed.stat().st_size < 3_000_000  # pages at <= 300 dpi, not megabytes of 1200-dpi images


def test_todays_batch_runs_in_a_worker(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window.go("outbox")
    outbox = outbox_of(window)
    qtbot.waitUntil(lambda: outbox.letters.rowCount() > 0, timeout=10_000)
    queued = sum(1 for x in outbox.letters.records if x.status in ("queued", "generated"))
    services = window.services
    assert services is not None
    # The demo's letters all print; one with a street line too long for the window is held back.
    bad = next(x for x in outbox.letters.records if x.status == "queued" and x.has_postal_address)
    long_street = "Apartment 12B, The Residences at Harbor Point, 4100 Pacific Coast Hwy."
    services.letters.edit_consumer_address(bad.case_reference, f"{long_street}\nLong Beach, CA 90803")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path)))
    outbox.batch_button.click()
    assert outbox.progress.isVisible() and not outbox.batch_button.isEnabled()
    qtbot.waitUntil(lambda: not outbox.progress.running, timeout=20_000)
    idle(qtbot, window)
    waiting = services.letters.awaiting_print(TODAY)
    assert waiting and len(waiting) <= queued
    assert outbox.message.text().startswith(f"{len(waiting)} letters (")
    assert (tmp_path / f"{TODAY.isoformat()}-mail.pdf").is_file()
    # What was not printed is listed with its case and reason; nothing is "printed" yet.
    assert outbox.held.isVisible() and "Held back" in outbox.held.toPlainText()
    assert (
        f"{bad.case_reference} {bad.kind} (letter {bad.id}): recipient address line 1"
        in outbox.held.toPlainText()
    )
    assert all(x.status != "printed" for x in outbox.letters.records)
    outbox.confirm_button.click()
    qtbot.waitUntil(lambda: outbox.message.text().endswith("recorded as printed."), timeout=10_000)
    assert {services.letters.show(x.id).status for x in waiting} == {"printed"}


def wait_for_cancel(cancelled: Any) -> None:
    """Worker side of a stand-in service call: runs until the page's Cancel reaches it (bounded)."""
    import threading

    stop = threading.Event()
    for _ in range(1000):
        if cancelled():
            return
        stop.wait(0.01)
    raise AssertionError("Cancel never reached the worker")


def test_cancel_reaches_the_import_and_the_print_run(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from privdesk.letters.batch import Cancelled

    services = window.services
    assert services is not None

    def slow_import(paths: Any, organization: Any = None, progress: Any = None, cancelled: Any = None) -> Any:
        progress(1, len(paths))
        wait_for_cancel(cancelled)
        return []

    monkeypatch.setattr(services.intake, "import_files", slow_import)
    window.go("inbox")
    inbox = inbox_of(window)
    assert window.import_files([str(INTAKE / "sample-04.eml"), str(INTAKE / "sample-05.eml")])
    qtbot.waitUntil(lambda: inbox.progress.bar.value() == 1, timeout=10_000)
    assert inbox.progress.bar.maximum() == 2 and not inbox.import_button.isEnabled()
    assert not window.import_files([str(INTAKE / "sample-06.eml")])  # one import at a time
    inbox.progress.cancel_button.click()
    qtbot.waitUntil(lambda: not inbox.progress.running, timeout=10_000)
    assert inbox.outcome_label.text() == "Imported 0 of 2 files."
    assert inbox.import_button.isEnabled()

    def slow_batch(on: Any, out_dir: Any, progress: Any = None, cancelled: Any = None) -> Any:
        wait_for_cancel(cancelled)
        raise Cancelled()

    monkeypatch.setattr(services.letters, "batch", slow_batch)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path)))
    window.go("outbox")
    outbox = outbox_of(window)
    outbox.batch_button.click()
    outbox.progress.cancel_button.click()
    qtbot.waitUntil(lambda: not outbox.progress.running, timeout=10_000)
    idle(qtbot, window)
    assert outbox.message.text().startswith("Print run cancelled")
    assert outbox.batch_button.isEnabled()


def test_outbox_list_takes_the_page_height_with_whole_titles_and_a_hint_when_empty(
    qtbot: Any, window: MainWindow
) -> None:
    window.go("outbox")
    outbox = outbox_of(window)
    select_queued_letter(qtbot, outbox)
    idle(qtbot, window)
    # No empty message line pushes the list down: it starts under the buttons and fills the page.
    assert outbox.message.isHidden()
    assert outbox.splitter.height() > 0.8 * outbox.height()
    view = outbox.view
    titles = [x.title for x in outbox.letters.records]
    longest = max(titles, key=view.fontMetrics().horizontalAdvance)
    assert view.columnWidth(1) >= view.fontMetrics().horizontalAdvance(longest)
    first = outbox.letters.records[0].status  # the demo's newest letters: its history, voided
    assert outbox.letters.data(outbox.letters.index(0, 3)) == STATUS_LABELS[first] != first
    assert view.rowHeight(0) < 2 * view.fontMetrics().height()  # one line per letter, not wrapped
    outbox.status.setCurrentIndex(outbox.status.findData("returned"))
    qtbot.waitUntil(lambda: outbox.letters.rowCount() == 0, timeout=10_000)
    assert view.showing_hint() and "Letters are queued when a case is" in view.empty_hint
    outbox.message.setText("Saved letter.pdf.")
    assert outbox.message.isVisibleTo(outbox)


def test_an_empty_inbox_says_how_to_fill_it(qtbot: Any, empty_window: MainWindow) -> None:
    empty_window.go("inbox")
    inbox = inbox_of(empty_window)
    idle(qtbot, empty_window)
    assert inbox.items.rowCount() == 0 and inbox.view.showing_hint()
    assert "Import emails, log a call or a letter" in inbox.view.empty_hint
    assert inbox.outcome_label.isHidden() and inbox.mail_status.isHidden()


def test_inbox_items_show_their_age_and_clock_and_a_late_one_warns_first(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = import_sample(qtbot, window, monkeypatch, "sample-03.eml")  # received 2025-01-14
    headers = [inbox.items.headerData(c, Qt.Orientation.Horizontal) for c in range(inbox.items.columnCount())]
    waiting = inbox.items.data(inbox.items.index(0, headers.index("Waiting")))
    clock = inbox.items.data(inbox.items.index(0, headers.index("Respond by, if made a case")))
    assert waiting == "22 months"
    assert clock.startswith("2025-") and clock.endswith("days late)")
    monkeypatch.setattr(
        IntakeCaseDialog, "ask", classmethod(lambda cls, parent, s, o, j: cls(parent, s, o, j).result_case())
    )
    asked: list[Any] = []
    monkeypatch.setattr(LateIntakeConfirm, "ask", classmethod(lambda cls, *a: bool(asked.append(a))))
    inbox.view.selectRow(0)
    qtbot.waitUntil(lambda: inbox.shown is not None, timeout=10_000)
    inbox.make_case_button.click()
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    idle(qtbot, window)
    assert inbox.items.rowCount() == 1  # cancelled at the warning: no case made
    services = window.services
    assert services is not None and len(services.intake.pending()) == 1


def test_an_emailed_letter_records_the_message_id_replies_will_name(qtbot: Any) -> None:
    dialog = MarkSentDialog(None, TODAY)
    qtbot.addWidget(dialog)
    dialog.method.setCurrentIndex(dialog.method.findData("first_class"))
    assert not dialog.message_id.isEnabled()  # only an email has a Message-ID
    dialog.method.setCurrentIndex(dialog.method.findData("email"))
    assert dialog.message_id.isEnabled()
    qtbot.keyClicks(dialog.message_id, "sent from my phone")
    assert "Message-ID" in dialog.problem()
    dialog.message_id.clear()
    qtbot.keyClicks(dialog.message_id, "<DM6PR11MB4107A1B2@outlook.example>")
    assert dialog.problem() == ""
    mailing = dialog.result_mailing()
    assert (mailing.method, mailing.message_id) == ("email", "<DM6PR11MB4107A1B2@outlook.example>")
    dialog.method.setCurrentIndex(dialog.method.findData("first_class"))
    assert dialog.result_mailing().message_id is None  # a mailed letter never carries one


def test_a_later_row_with_a_warning_still_shows_its_whole_received_date(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from privdesk.services.intake import ScannedLetter
    from tests import scans

    inbox = import_sample(qtbot, window, monkeypatch, "sample-03.eml")  # fits the columns, no warning
    services = window.services
    assert services is not None
    # A letter logged without a transcript carries a warning: its row shows the ⚠ icon before the date.
    services.intake.add_scanned_letter(ScannedLetter("mstis", TODAY, [scans.png()], sender_name="Ann Lee"))
    inbox.refresh()
    qtbot.waitUntil(lambda: inbox.items.rowCount() == 2, timeout=10_000)
    warned = next(r for r, item in enumerate(inbox.items.records) if item.warnings)
    width = inbox.view.horizontalHeader().sectionSize(0)
    assert inbox.items.data(inbox.items.index(warned, 0)) == TODAY.isoformat()
    assert width >= inbox.view.sizeHintForColumn(0)  # the icon and the whole date
