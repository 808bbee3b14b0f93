"""Consumers and agents: lists that show each record on one line, whole, and say what to do when empty."""

from __future__ import annotations

from typing import Any

from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages.agents import AgentsPage
from privdesk.ui.pages.consumers import ConsumersPage
from privdesk.ui.widgets.records import RecordView


def idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)


def test_consumer_names_are_whole_and_the_matches_say_when_there_are_none(
    qtbot: Any, window: MainWindow
) -> None:
    window.go("consumers")
    page = window.pages["consumers"]
    assert isinstance(page, ConsumersPage)
    qtbot.waitUntil(lambda: page.people.rowCount() > 0, timeout=10_000)
    view = page.people_view
    metrics = view.fontMetrics()
    longest = max((c.full_name for c in page.people.records), key=metrics.horizontalAdvance)
    assert view.columnWidth(0) >= min(metrics.horizontalAdvance(longest), RecordView.WIDEST)
    assert view.rowHeight(0) < 2 * metrics.height()  # one line per person, not two half lines
    names = [c.full_name for c in page.people.records]
    page.people_view.selectRow(names.index("Jonathan Pemberton"))
    qtbot.waitUntil(lambda: page.candidates.rowCount() == 1, timeout=10_000)
    assert not page.candidates_view.showing_hint()
    page.people_view.selectRow(names.index("Aaliyah Brooks-Hamilton"))
    qtbot.waitUntil(lambda: page.candidates.rowCount() == 0, timeout=10_000)
    idle(qtbot, window)
    assert page.candidates_view.showing_hint()
    assert page.candidates_view.empty_hint == "Nobody else on file looks like this person."


def test_agent_without_authorizations_says_where_they_are_recorded(qtbot: Any, window: MainWindow) -> None:
    window.go("agents")
    page = window.pages["agents"]
    assert isinstance(page, AgentsPage)
    qtbot.waitUntil(lambda: page.agents.rowCount() > 0, timeout=10_000)
    view = page.agents_view
    header_width = view.horizontalHeader().fontMetrics().horizontalAdvance("SoS registration")
    assert view.columnWidth(2) >= header_width  # the header reads whole
    row = next(r for r, a in enumerate(page.agents.records) if a.warnings)
    view.selectRow(row)
    idle(qtbot, window)
    assert page.warnings.text().startswith("⚠ The agent is a business")
    assert page.auths.rowCount() == 0 and page.auths_view.showing_hint()
    assert "Record authorization…" in page.auths_view.empty_hint
