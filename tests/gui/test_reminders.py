"""Reminders and calendars: what is due today and tomorrow is said at start (a notification, or the
status bar where the desktop shows none); the deadlines calendar holds references only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog

from privdesk.services.dto import CaseFilter
from privdesk.ui.main_window import MainWindow


def test_a_reminder_names_what_is_late_and_due(qtbot: Any, window: MainWindow) -> None:
    services = window.services
    assert services is not None
    late = services.cases.count(CaseFilter(overdue=True))
    window.reminders.check()
    qtbot.waitUntil(lambda: bool(window.reminders.shown), timeout=10_000)
    message = window.reminders.shown[-1]
    assert f"{late} overdue" in message and "PD-" in message
    window.reminders.check()  # the same figures again: nothing new to say
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)
    assert len(window.reminders.shown) == 1


def test_the_deadlines_calendar_holds_references_only(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "deadlines"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.actions_by_id["export_calendar"].trigger()
    written = tmp_path / "deadlines.ics"
    qtbot.waitUntil(lambda: "written to deadlines.ics" in window.statusBar().currentMessage(), timeout=10_000)
    text = written.read_text(encoding="utf-8")
    services = window.services
    assert services is not None
    rows = services.cases.list(CaseFilter(open_only=True))
    assert text.count("BEGIN:VEVENT") == len([r for r in rows if r.next_due_on])
    assert all(r.reference in text and r.consumer_name not in text for r in rows if r.next_due_on)
