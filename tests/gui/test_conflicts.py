"""A stale save: another workstation changed the organization between load and save."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from privdesk.services.hub import Services
from privdesk.services.organizations import edit_from_dto
from privdesk.ui.dialogs.conflict import ChangedBy, Choice, ConflictDialog, FieldDifference
from privdesk.ui.main_window import MainWindow
from tests.conftest import fixed_now
from tests.gui.org_helpers import database_of, open_organization


def colleague_saves(services: Services, **changes: Any) -> None:
    import dataclasses

    other = Services.open(database_of(services), actor="colleague", now=fixed_now, migrate=False)
    try:
        org = other.organizations.show("mstis")
        edit = dataclasses.replace(edit_from_dto(org), **changes)
        other.organizations.update("mstis", edit, expected_version=org.version)
    finally:
        other.close()


@pytest.mark.parametrize("choice", [Choice.REAPPLY, Choice.DISCARD])
def test_stale_organization_save_shows_both_sides(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, choice: Choice
) -> None:
    services = window.services
    assert services is not None
    page = open_organization(qtbot, window)
    window.change_timer.stop()  # this test drives the conflict, not the refresh
    page.signatory_title.setText("Chief Privacy Officer")
    colleague_saves(services, signatory_name="Dana Colleague")
    asked: list[tuple[list[FieldDifference], ChangedBy | None]] = []

    def ask(cls: Any, parent: Any, subject: str, action: str, rows: Any, who: Any = None, *a: Any) -> Choice:
        asked.append((rows, who))
        return choice

    monkeypatch.setattr(ConflictDialog, "ask", classmethod(ask))
    page.save()
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    rows, who = asked[0]
    by_label = {r.label: r for r in rows}
    assert by_label["Signatory title"].mine == "Chief Privacy Officer"
    assert by_label["Signatory"].stored == "Dana Colleague"
    assert who is not None and who.actor == "colleague"
    qtbot.waitUntil(lambda: not page.is_dirty(), timeout=10_000)
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)
    stored = services.organizations.show("mstis")
    assert stored.signatory_name == "Dana Colleague"  # the colleague's change is never lost
    if choice is Choice.REAPPLY:
        assert stored.signatory_title == "Chief Privacy Officer"
    else:
        assert stored.signatory_title != "Chief Privacy Officer"
    assert page.signatory_name.text() == "Dana Colleague"


def test_conflict_dialog_buttons(qtbot: Any) -> None:
    rows = [FieldDifference("Signatory", "Me", "Them", "Before")]
    dialog = ConflictDialog(None, "MSTIS", "your edit", rows, ChangedBy("colleague", None))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "Them"
    assert dialog.reapply_button.text() == "Reapply my changes"
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is Choice.DISCARD
    dialog = ConflictDialog(None, "MSTIS", "your edit", rows)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.reapply_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is Choice.REAPPLY
