"""The case as the workplace: documents and letters previewed from the case, generated and printed in one
flow, kinds and outcomes in words, closed cases read-only with Reopen, verification met or not,
superseded deadlines, deadlines that elide instead of widening the window."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QTreeWidget

from privdesk.services.dto import CaseFilter
from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages import case_view as case_view_module
from privdesk.ui.pages import outbox as outbox_module
from privdesk.ui.widgets.elided import ElidedLabel
from tests.letters.pdftext import flat_text


def open_view(qtbot: Any, window: MainWindow, reference: str) -> Any:
    window.go("cases")
    view = window.cases_page.open_case(reference)
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    return view


def case_where(window: MainWindow, **filters: Any) -> str:
    services = window.services
    assert services is not None
    return services.cases.list(CaseFilter(**filters))[0].reference


def rows(tree: QTreeWidget) -> list[list[str]]:
    return [
        [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


def test_letters_are_named_in_words_and_open_in_the_preview(qtbot: Any, window: MainWindow) -> None:
    services = window.services
    assert services is not None
    letter = next(x for x in services.letters.outbox(status="queued") if x.kind == "acknowledgement")
    view = open_view(qtbot, window, letter.case_reference)
    names = [r[0] for r in rows(view.letters)]
    assert "Acknowledgement" in names and not any("_" in n for n in names)
    statuses = {r[1] for r in rows(view.letters)}
    assert not statuses & {"queued", "generated"}  # words, not codes
    row = next(
        view.letters.topLevelItem(i)
        for i in range(view.letters.topLevelItemCount())
        if view.letters.topLevelItem(i).text(0) == "Acknowledgement"
    )
    view.letters.itemActivated.emit(row, 0)  # double-click or Enter
    pane = view.previews["letter"]
    qtbot.waitUntil(lambda: pane.page_count() >= 1, timeout=20_000)
    assert pane.kind == "pdf" and pane.save_button.isEnabled() and pane.print_button.isEnabled()


def test_generate_preview_and_print_in_one_flow(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = window.services
    assert services is not None
    letter = next(x for x in services.letters.outbox(status="queued") if x.has_postal_address)
    view = open_view(qtbot, window, letter.case_reference)
    printed: list[int] = []
    monkeypatch.setattr(outbox_module.PrintLetter, "ask", classmethod(lambda cls, parent: object()))
    monkeypatch.setattr(
        outbox_module,  # the case view prints through the Outbox's print path
        "print_pdf",
        lambda data, printer: printed.append(len(PdfReader(io.BytesIO(data)).pages)),
    )
    monkeypatch.setattr(outbox_module.PagesCameOut, "ask", classmethod(lambda cls, parent, what: True))
    row = next(
        view.letters.topLevelItem(i)
        for i in range(view.letters.topLevelItemCount())
        if view.letters.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == letter.id
    )
    view.generate_and_print(row)
    qtbot.waitUntil(lambda: services.letters.show(letter.id).status == "printed", timeout=30_000)
    assert printed and printed[0] >= 1
    qtbot.waitUntil(lambda: "letter printed" in window.statusBar().currentMessage(), timeout=10_000)


def test_save_as_remembers_the_folder(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    services = window.services
    assert services is not None
    letter = next(x for x in services.letters.outbox(status="queued") if x.kind == "acknowledgement")
    view = open_view(qtbot, window, letter.case_reference)
    row = next(
        view.letters.topLevelItem(i)
        for i in range(view.letters.topLevelItemCount())
        if view.letters.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == letter.id
    )
    view.open_row("letter", row)
    pane = view.previews["letter"]
    qtbot.waitUntil(lambda: pane.page_count() >= 1, timeout=20_000)
    folder = tmp_path / "letters out"
    folder.mkdir()
    starts: list[str] = []

    def choose(parent: Any, title: str, start: str, *rest: Any) -> tuple[str, str]:
        starts.append(start)
        return str(folder / "ack.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    pane.save_button.click()
    qtbot.waitUntil(lambda: (folder / "ack.pdf").exists(), timeout=10_000)
    assert (folder / "ack.pdf").read_bytes().startswith(b"%PDF")
    pane.save_button.click()
    qtbot.waitUntil(lambda: len(starts) == 2, timeout=5_000)
    assert Path(starts[1]).parent == folder  # the second dialog opens where the first saved


def test_a_closed_case_is_read_only_until_reopened(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_view(qtbot, window, case_where(window, status="closed"))
    assert view.is_closed
    for key in ("acknowledge", "verify", "extend", "respond", "add_note", "close_case"):
        assert not view.step_buttons[key].isEnabled(), key
    assert view.step_buttons["reopen"].isVisibleTo(view) and view.next_button.text() == "Reopen…"
    assert "read-only" in view.read_only_note.text()
    window.actions_by_id["acknowledge"].trigger()  # the menu does not reach around it either
    assert "read-only" in window.statusBar().currentMessage()
    monkeypatch.setattr(
        case_view_module.ReopenDialog, "ask", classmethod(lambda cls, parent, ref: "The letter came back")
    )
    view.next_button.click()
    qtbot.waitUntil(lambda: view.case is not None and not view.is_closed, timeout=10_000)
    assert view.step_buttons["respond"].isEnabled() and not view.step_buttons["reopen"].isVisibleTo(view)
    services = window.services
    assert services is not None
    assert services.audit.entries(view.reference)[-1].action == "case.reopened"


def test_verification_says_the_level_and_whether_it_is_met(qtbot: Any, window: MainWindow) -> None:
    waiting = open_view(qtbot, window, case_where(window, status="awaiting_verification"))
    text = waiting.verification_state.text()
    assert "Identity verification required" in text and "not met" in text
    services = window.services
    assert services is not None
    verified = next(
        r.reference
        for r in services.cases.list(CaseFilter(open_only=True))
        if any(i.verification_result == "verified" for i in services.cases.show(r.reference).items)
    )
    view = open_view(qtbot, window, verified)
    assert "met ✓" in view.verification_state.text()
    assert all("_" not in row[7] for row in rows(view.items))  # levels in words


def test_after_an_extension_the_old_date_reads_as_superseded(qtbot: Any, window: MainWindow) -> None:
    view = open_view(qtbot, window, case_where(window, status="extended"))
    item = view.case.items[0]
    clock = view.findChild(ElidedLabel, f"clock_{item.type}_respond_by")
    assert clock is not None and "superseded" in clock.text() and "left" not in clock.text()
    assert not clock.isEnabled()


def test_the_window_never_grows_past_the_screen(qtbot: Any, window: MainWindow) -> None:
    view = open_view(qtbot, window, case_where(window, status="extended"))
    screen = window.screen().availableGeometry()
    window.resize(screen.width() + 600, 700)
    qtbot.wait(50)
    assert window.width() <= screen.width()
    window.resize(700, 600)  # shrunk: the clocks elide and keep their whole text on hover
    qtbot.wait(50)
    assert window.width() <= 760
    clocks = [c for c in view.findChildren(ElidedLabel) if c.objectName().startswith("clock_")]
    elided = [c for c in clocks if c.is_elided()]
    assert elided, "at 700 px some clock must be shortened"
    for clock in elided:
        assert clock.shown_text().endswith("…") and clock.toolTip().startswith(clock.text())


def test_the_case_view_edits_the_address_and_voids_a_queued_letter(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = window.services
    assert services is not None
    letter = next(x for x in services.letters.outbox(status="queued") if x.has_postal_address)
    view = open_view(qtbot, window, letter.case_reference)
    long_street = "Apartment 12B, The Residences at Harbor Point, 4100 Pacific Coast Hwy."
    monkeypatch.setattr(
        case_view_module.AddressDialog,
        "ask",
        classmethod(lambda cls, p, cur: f"{long_street}\nLong Beach, CA"),
    )
    view.step_buttons["edit_address"].click()
    qtbot.waitUntil(lambda: "Address saved" in window.statusBar().currentMessage(), timeout=10_000)
    assert "70 characters" in window.statusBar().currentMessage()  # saved, and told it will not fit
    assert services.cases.show(letter.case_reference).consumer_address.startswith("Apartment 12B")
    monkeypatch.setattr(
        case_view_module.VoidLetterDialog, "ask", classmethod(lambda cls, p, t: "wrong address")
    )
    qtbot.waitUntil(lambda: view.letters.topLevelItemCount() > 0, timeout=10_000)
    row = next(
        view.letters.topLevelItem(i)
        for i in range(view.letters.topLevelItemCount())
        if view.letters.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == letter.id
    )
    view.void_letter(row)
    qtbot.waitUntil(lambda: services.letters.show(letter.id).status == "void", timeout=10_000)


def test_generate_and_print_holds_back_what_the_batch_would(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = window.services
    assert services is not None
    letter = next(x for x in services.letters.outbox(status="queued") if x.has_postal_address)
    long_street = "Apartment 12B, The Residences at Harbor Point, 4100 Pacific Coast Hwy."
    services.letters.edit_consumer_address(letter.case_reference, f"{long_street}\nLong Beach, CA")
    view = open_view(qtbot, window, letter.case_reference)
    printed: list[bytes] = []
    monkeypatch.setattr(outbox_module.PrintLetter, "ask", classmethod(lambda cls, parent: object()))
    monkeypatch.setattr(outbox_module, "print_pdf", lambda data, printer: printed.append(data))
    row = next(
        view.letters.topLevelItem(i)
        for i in range(view.letters.topLevelItemCount())
        if view.letters.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == letter.id
    )
    view.generate_and_print(row)
    qtbot.waitUntil(lambda: "Not printed" in window.statusBar().currentMessage(), timeout=20_000)
    message = window.statusBar().currentMessage()
    assert f"{letter.case_reference} {letter.kind} held back: recipient address line 1: " in message
    assert "70 characters" in view.previews["letter"].other.text()
    assert not printed and services.letters.show(letter.id).status == "queued"


def test_an_enclosure_attached_in_the_case_view_lets_the_access_response_print(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    services = window.services
    assert services is not None
    open_case = next(
        c for c in services.cases.list(CaseFilter(limit=200)) if c.status not in ("closed", "withdrawn")
    )
    letter = services.letters.create(open_case.reference, "know_specific_response")
    assert "enclosures: no document is attached" in " ".join(services.letters.check(letter.id).problems)
    export = tmp_path / "Account export 2026.csv"
    export.write_text("category,value\nIdentifiers,name\n", encoding="utf-8")
    monkeypatch.setattr(case_view_module, "open_file", lambda *args: str(export))
    view = open_view(qtbot, window, open_case.reference)
    view.step_buttons["enclose"].click()
    qtbot.waitUntil(lambda: "attached" in window.statusBar().currentMessage(), timeout=10_000)
    assert "Account export 2026.csv attached" in window.statusBar().currentMessage()
    check = services.letters.check(letter.id)
    assert not any("enclosures" in p for p in check.problems)
    assert "Account export 2026.csv" in " ".join(flat_text(services.letters.render(letter.id)).split())
