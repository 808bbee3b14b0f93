"""Call notes and scanned letters through their forms, and the inbox preview of their originals."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from reportlab.pdfgen import canvas

from privdesk.services.intake import CallNote, ScannedLetter
from privdesk.ui.dialogs.call_note import CallNoteDialog
from privdesk.ui.dialogs.scanned_letter import ScannedLetterDialog
from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages.inbox import InboxPage
from tests.conftest import TODAY


def inbox_of(window: MainWindow) -> InboxPage:
    page = window.pages["inbox"]
    assert isinstance(page, InboxPage)
    return page


def idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)


def three_page_tiff(path: Path) -> Path:
    pages = [Image.new("RGB", (300, 400), colour) for colour in ("white", "lightgray", "gray")]
    pages[0].save(path, "TIFF", save_all=True, append_images=pages[1:])
    return path


def two_page_pdf(path: Path) -> Path:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for text in ("Dear privacy officer,", "Please delete my personal information."):
        pdf.drawString(72, 720, text)
        pdf.showPage()
    pdf.save()
    path.write_bytes(buffer.getvalue())
    return path


def test_a_phone_call_logged_through_the_form_lands_in_the_inbox_with_suggestions(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(cls: Any, parent: Any, organizations: Any, now: Any, organization: Any = None) -> CallNote:
        dialog = cls(parent, organizations, now, organization)
        qtbot.addWidget(dialog)
        assert dialog.ok_button.text() == "Add to the inbox"  # says where the note goes
        dialog.organization.setCurrentIndex(dialog.organization.findData("mstis"))
        # The time defaults to now, in the organization's time zone (15:30 UTC is 07:30 in Torrance).
        assert dialog.called_at.dateTime().toString("yyyy-MM-dd HH:mm") == f"{TODAY.isoformat()} 07:30"
        qtbot.keyClicks(dialog.caller_number, "(800) 555-01")
        assert "not a valid phone number" in dialog.number_check.text()
        qtbot.keyClicks(dialog.caller_number, "99")
        assert dialog.number_check.text() == "✓ +1 800-555-0199"
        qtbot.keyClicks(dialog.caller_name, "Dana Whitfield")
        dialog.accept()  # nothing asked yet: refused in place
        assert dialog.message.isVisibleTo(dialog) and "in their words" in dialog.message.text()
        qtbot.keyClicks(
            dialog.asked,
            "I live in California and I want you to delete all the personal information you have on me.",
        )
        for point in ("date of birth 1981-04-02", "last four of policy 4471"):
            qtbot.keyClicks(dialog.data_point, point)
            qtbot.mouseClick(dialog.add_point_button, Qt.MouseButton.LeftButton)
        assert dialog.data_points.count() == 2 and dialog.data_point.text() == ""
        lines = [dialog.line.itemText(n) for n in range(dialog.line.count())]
        assert any("347-3374" in line for line in lines)  # the organization's toll-free line is offered
        assert dialog.problem() == ""
        return dialog.note()

    monkeypatch.setattr(CallNoteDialog, "ask", classmethod(fill))
    window.actions_by_id["log_call"].trigger()  # File > Log a phone call (Ctrl+Shift+L)
    inbox = inbox_of(window)
    assert window.stack.currentWidget() is inbox
    qtbot.waitUntil(lambda: inbox.items.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: inbox.shown is not None, timeout=10_000)
    idle(qtbot, window)
    row = inbox.items.record(0)
    assert row.channel == "phone" and row.sender_name == "Dana Whitfield"
    assert "delete" in row.types and row.jurisdiction == "US-CA"
    assert "call note is in the inbox" in inbox.outcome_label.text()
    detail = inbox.detail.toPlainText()
    assert "Looks like a privacy request" in detail and "delete" in detail.lower()
    note = inbox.original.toPlainText()  # the original document: the note as stored
    assert "Caller's number: +18005550199" in note
    assert "- date of birth 1981-04-02" in note and "- last four of policy 4471" in note
    assert "Line called: +18443473374" in note


def test_a_scanned_letter_is_previewed_page_by_page_and_bad_files_are_refused(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tiff = three_page_tiff(tmp_path / "letter.tif")
    pdf = two_page_pdf(tmp_path / "second-letter.pdf")
    fake = tmp_path / "photo.png"
    fake.write_text("#!/bin/sh\necho this is not an image\n")
    broken = tmp_path / "cut.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)  # a PNG header and nothing after it
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")

    def fill(cls: Any, parent: Any, organizations: Any, today: Any, max_bytes: Any, *a: Any) -> ScannedLetter:
        dialog = cls(parent, organizations, today, max_bytes)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.ok_button.text() == "Add to the inbox"
        dialog.accept()
        assert "scanned pages" in dialog.message.text()
        assert len(dialog.add_files([str(broken)])) == 1  # a second try is refused the same way
        problems = dialog.add_files([str(fake), str(broken), str(empty)])
        assert len(problems) == 3 and dialog.file_list.count() == 0
        message = dialog.message.text()
        assert "'photo.png' is not a PDF, PNG, JPEG or TIFF" in message
        assert "'cut.png' starts like a PNG image but cannot be decoded" in message
        assert "'empty.jpg' is empty" in message
        assert dialog.add_files([str(tiff)]) == [] and not dialog.message.isVisible()
        preview = dialog.preview
        assert preview.page_count == 3 and preview.page_label.text().startswith("Page 1 of 3")
        assert not preview.previous_button.isEnabled()
        qtbot.mouseClick(preview.next_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(preview.next_button, Qt.MouseButton.LeftButton)
        assert preview.page_label.text().startswith("Page 3 of 3") and not preview.next_button.isEnabled()
        assert not preview.image.pixmap().isNull()
        assert dialog.add_files([str(pdf)]) == []  # a PDF is shown in the PDF view
        assert preview.page_count == 2 and preview.stack.currentWidget() is preview.pdf_view
        dialog.file_list.setCurrentRow(0)
        assert preview.page_count == 3
        dialog.received.setDate(dialog.received.date().addDays(-2))
        dialog.has_postmark.setChecked(True)
        dialog.postmark.setDate(dialog.received.date().addDays(-3))
        qtbot.keyClicks(dialog.sender_name, "Ruth Okafor")
        qtbot.keyClicks(dialog.sender_address, "12 Elm Street, Torrance, CA 90501")
        assert dialog.set_envelope(str(fake)) is not None and dialog.envelope is None
        assert dialog.set_envelope(str(tiff)) is None
        assert dialog.problem() == ""
        return dialog.letter()

    monkeypatch.setattr(ScannedLetterDialog, "ask", classmethod(fill))
    window.actions_by_id["log_letter"].trigger()
    inbox = inbox_of(window)
    qtbot.waitUntil(lambda: inbox.items.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: inbox.shown is not None, timeout=10_000)
    idle(qtbot, window)
    item = inbox.shown
    assert item is not None and item.channel == "mail" and item.sender_name == "Ruth Okafor"
    assert item.received_on.toordinal() == TODAY.toordinal() - 2
    assert item.details["postmark_on"] is not None
    kinds = sorted(d.kind for d in item.documents)
    assert kinds == ["envelope", "original", "original"]
    assert all(re.fullmatch(r"[0-9a-f]{64}", d.sha256) for d in item.documents)
    # The inbox previews the stored pages: 3 + 2 of the letter, 3 of the envelope.
    assert inbox.original_stack.currentWidget() is inbox.scan_preview
    assert inbox.scan_preview.page_count == 8
    inbox.scan_preview.show_page(4)
    assert inbox.scan_preview.page_label.text().startswith("Page 5 of 8")


def test_a_letter_with_no_organization_is_not_offered(qtbot: Any, empty_window: MainWindow) -> None:
    empty_window.go("inbox")
    inbox = inbox_of(empty_window)
    inbox.letter_button.click()
    qtbot.waitUntil(lambda: "Add an organization first" in inbox.outcome_label.text(), timeout=10_000)
    idle(qtbot, empty_window)


def test_the_call_notes_details_prefill_the_identity_check(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logged through the call-note form, made into a case through the inbox: the verification dialog
    opens with the caller's name, number and details asked and received, waiting for "matched"."""
    from privdesk.domain.verification import PREFILLED
    from privdesk.ui.dialogs import steps
    from privdesk.ui.dialogs.intake_case import IntakeCaseDialog
    from privdesk.ui.pages.inbox import LateIntakeConfirm

    def fill(cls: Any, parent: Any, organizations: Any, now: Any, organization: Any = None) -> CallNote:
        dialog = cls(parent, organizations, now, organization)
        qtbot.addWidget(dialog)
        dialog.organization.setCurrentIndex(dialog.organization.findData("mstis"))
        qtbot.keyClicks(dialog.caller_number, "(310) 555-0177")
        qtbot.keyClicks(dialog.caller_name, "Imelda Sorensen")
        qtbot.keyClicks(dialog.asked, "I live in California. Delete everything you have about me.")
        for point in ("date of birth 1972-11-30", "ZIP code 90503"):
            qtbot.keyClicks(dialog.data_point, point)
            qtbot.mouseClick(dialog.add_point_button, Qt.MouseButton.LeftButton)
        return dialog.note()

    monkeypatch.setattr(CallNoteDialog, "ask", classmethod(fill))
    window.actions_by_id["log_call"].trigger()
    inbox = inbox_of(window)
    qtbot.waitUntil(lambda: inbox.items.rowCount() == 1, timeout=10_000)
    idle(qtbot, window)
    inbox.view.selectRow(0)
    qtbot.waitUntil(lambda: inbox.shown is not None, timeout=10_000)

    def confirm(cls: Any, parent: Any, suggestion: Any, organizations: Any, jurisdictions: Any) -> Any:
        dialog = cls(parent, suggestion, organizations, jurisdictions)
        qtbot.addWidget(dialog)
        given = dialog.findChild(type(dialog.message), "data_points_given")
        assert given is not None and "date of birth 1972-11-30; ZIP code 90503" in given.text()
        assert "prefill the identity check" in given.text()
        return dialog.result_case()

    monkeypatch.setattr(IntakeCaseDialog, "ask", classmethod(confirm))
    monkeypatch.setattr(LateIntakeConfirm, "ask", classmethod(lambda cls, *a: True))
    inbox.make_case_button.click()
    qtbot.waitUntil(lambda: inbox.items.rowCount() == 0, timeout=10_000)
    idle(qtbot, window)
    reference = inbox.outcome_label.text().split()[1]
    window.open_case(reference)
    view = window.cases_page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.file is not None and view.reference == reference, timeout=10_000)
    assert view.verification.topLevelItem(0).text(0) == "from the call, not yet checked"
    assert "date of birth 1972-11-30: received" in view.verification.topLevelItem(0).text(3)

    shown: list[list[tuple[str, bool, bool, bool]]] = []

    def verify(cls: Any, parent: Any, level: str, prefilled: Any = ()) -> Any:
        dialog = cls(parent, level, prefilled)
        qtbot.addWidget(dialog)
        rows = [
            (dialog.table.item(r, 0).text(), *(dialog._checked(r, c) for c in (1, 2, 3)))
            for r in range(dialog.table.rowCount())
        ]
        shown.append(rows)
        for row in range(4):  # the officer compared them with the records: all four matched
            dialog.set_point(row, True, True, True)
        return dialog.result_input()

    monkeypatch.setattr(steps.VerificationDialog, "ask", classmethod(verify))
    version = view.case.version  # type: ignore[union-attr]
    view.verify()
    qtbot.waitUntil(lambda: view.case is not None and view.case.version > version, timeout=10_000)
    assert shown[0][:4] == [
        ("Full name: Imelda Sorensen", True, True, False),
        ("Phone: +13105550177", True, True, False),
        ("date of birth 1972-11-30", True, True, False),
        ("ZIP code 90503", True, True, False),
    ]
    assert shown[0][4][0] == "Full name" and shown[0][4][1:] == (
        False,
        False,
        False,
    )  # the usual list follows
    services = window.services
    assert services is not None
    results = [v.result for v in services.casefile.load(reference).verifications]
    assert results == [PREFILLED, "recorded"]
