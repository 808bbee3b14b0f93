"""Edit > Undo and Redo: organization edits, notes and tasks; steps that cannot be undone are not offered."""

from __future__ import annotations

from typing import Any

import pytest

from privdesk.ui.dialogs import steps
from privdesk.ui.main_window import MainWindow
from tests.gui.org_helpers import open_organization


def test_organization_edit_is_undone_and_redone(qtbot: Any, window: MainWindow) -> None:
    services = window.services
    assert services is not None
    undo, redo = window.actions_by_id["undo"], window.actions_by_id["redo"]
    assert not undo.isEnabled() and undo.shortcut().toString() == "Ctrl+Z"
    page = open_organization(qtbot, window)
    page.signatory_name.setText("Rosa Undo")
    page.save()
    qtbot.waitUntil(lambda: undo.isEnabled(), timeout=10_000)
    assert "mstis".upper() in undo.text().upper() or "MSTIS" in undo.text()
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)
    undo.trigger()
    qtbot.waitUntil(
        lambda: services.organizations.show("mstis").signatory_name != "Rosa Undo", timeout=10_000
    )
    qtbot.waitUntil(lambda: page.signatory_name.text() != "Rosa Undo", timeout=10_000)
    assert redo.isEnabled()
    redo.trigger()
    qtbot.waitUntil(lambda: page.signatory_name.text() == "Rosa Undo", timeout=10_000)
    assert services.organizations.show("mstis").signatory_name == "Rosa Undo"


def test_note_is_withdrawn_by_undo(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    view = window.cases_page.open_case("PD-2026-000023")
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    notes_before = len(view.file.notes)  # type: ignore[union-attr]
    monkeypatch.setattr(steps.NoteDialog, "ask", classmethod(lambda cls, parent: "Called back, left message"))
    view.add_note()
    qtbot.waitUntil(lambda: len(view.file.notes) == notes_before + 1, timeout=10_000)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.actions_by_id["undo"].isEnabled(), timeout=10_000)
    window.actions_by_id["undo"].trigger()
    qtbot.waitUntil(lambda: len(view.file.notes) == notes_before, timeout=10_000)  # type: ignore[union-attr]
    window.actions_by_id["redo"].trigger()
    qtbot.waitUntil(lambda: len(view.file.notes) == notes_before + 1, timeout=10_000)  # type: ignore[union-attr]
    services = window.services
    assert services is not None
    actions = [e.action for e in services.audit.entries("PD-2026-000023")]
    assert actions[-3:] == ["case.note_added", "case.note_withdrawn", "case.note_added"]


def test_task_done_is_reopened_by_undo(qtbot: Any, window: MainWindow) -> None:
    view = window.cases_page.open_case("PD-2026-000023")
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    row = next(
        view.tasks.topLevelItem(i)
        for i in range(view.tasks.topLevelItemCount())
        if view.tasks.topLevelItem(i).text(3) == "open"
    )
    task_id = row.data(0, 256)
    view.complete_task(row)

    def task_done() -> Any:
        return next(t for t in view.file.tasks if t.id == task_id).done_on  # type: ignore[union-attr]

    qtbot.waitUntil(lambda: task_done() is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.actions_by_id["undo"].isEnabled(), timeout=10_000)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: task_done() is None, timeout=10_000)
