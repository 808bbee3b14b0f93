"""Requests from a web form's CSV export: the columns are mapped once and remembered; each good row is an
Inbox item, each bad row is named and nothing of it is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel

from privdesk.ui.dialogs.web_form import WebFormDialog
from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages.inbox import InboxPage

CSV = (
    "Submitted on,Full name,E-mail,Phone,Your request,Type\n"
    "2026-11-18,Ada Lindqvist,ada@example.com,916-555-0150,Please delete all my data,Delete\n"
    "11/19/2026,Bo Renner,bo@example.org,,What personal information do you hold about me?,Know\n"
    "not a date,Cy Marsh,cy@example.net,,Delete me,Delete\n"
)


def test_a_web_form_export_becomes_inbox_items_with_the_mapping_remembered(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    export = tmp_path / "form-export.csv"
    export.write_text(CSV, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(export), "")))
    seen: list[WebFormDialog] = []

    def confirm(cls: Any, parent: Any, *args: Any) -> Any:
        dialog = cls(parent, *args)
        qtbot.addWidget(dialog)
        seen.append(dialog)
        if len(seen) == 1:  # first time: guessed from the column names, the officer fixes one
            assert dialog.combos["received"].currentData() == "Submitted on"
            assert dialog.combos["email"].currentData() == "E-mail"
            dialog.combos["request"].setCurrentIndex(dialog.combos["request"].findData(""))
            assert "What they asked" in dialog.problem() and not dialog.ok_button.isEnabled()
            dialog.combos["request"].setCurrentIndex(dialog.combos["request"].findData("Your request"))
            dialog.organization.setCurrentIndex(dialog.organization.findData("mstis"))
        else:  # the same columns again: the choice kept in the database, as another desk changed it
            assert dialog.combos["request"].currentData() == "Your request"
            assert dialog.combos["phone"].currentData() == ""
            assert dialog.organization.currentData() == "mstis"
            assert any("mapped before" in label.text() for label in dialog.findChildren(QLabel))
        assert dialog.problem() == ""
        dialog.accept()
        return dialog.choice()

    monkeypatch.setattr(WebFormDialog, "ask", classmethod(confirm))
    window.go("inbox")
    inbox = window.pages["inbox"]
    assert isinstance(inbox, InboxPage)
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)
    inbox.web_form_button.click()
    qtbot.waitUntil(lambda: "Imported 2 of 3 web form rows" in inbox.outcome_label.text(), timeout=15_000)
    assert "row 4" in inbox.outcome_label.text()  # the row without a date is named
    services = window.services
    assert services is not None
    pending = services.intake.pending()
    assert sorted(p.sender_name for p in pending if p.channel == "web") == ["Ada Lindqvist", "Bo Renner"]
    ada = next(p for p in pending if p.sender_name == "Ada Lindqvist")
    assert "delete" in ada.types
    # Another desk (or the command line) maps the same form without the phone column: one memory, so
    # this desk's dialog shows that choice, not one of its own.
    columns = ["Submitted on", "Full name", "E-mail", "Phone", "Your request", "Type"]
    services.intake.remember_web_form_mapping(
        columns,
        {"received": "Submitted on", "name": "Full name", "email": "E-mail", "request": "Your request"},
    )
    inbox.web_form_button.click()  # the next export of the same form
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
