"""The main window over the demo data: dashboard, queue, navigation, shortcuts, remembered state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from privdesk.services.dto import CaseFilter
from privdesk.ui.actions import ACTIONS
from privdesk.ui.main_window import MainWindow, ShortcutsDialog
from privdesk.ui.models.case_table import ROW_ROLE


def queue_ready(window: MainWindow) -> bool:
    queue = window.cases_page.queue
    return not queue.model.loading and queue.model._started


def counts(window: MainWindow) -> tuple[int, int]:
    """Overdue and open cases in the demo, as the services count them."""
    services = window.services
    assert services is not None
    return services.cases.count(CaseFilter(overdue=True)), services.cases.count(CaseFilter(open_only=True))


def test_window_opens_with_dashboard_and_demo_cases(qtbot: Any, window: MainWindow) -> None:
    dashboard = window.pages["dashboard"]
    late, opened = counts(window)
    assert 1 <= late <= 3 and opened > 20  # today's desk: a few late, most on time
    assert dashboard.tiles["overdue"].number.text() == str(late)  # type: ignore[attr-defined]
    assert dashboard.tiles["open"].number.text() == str(opened)  # type: ignore[attr-defined]
    assert dashboard.chart.series(), "the weekly chart is drawn"
    qtbot.waitUntil(lambda: "overdue" in window.deadline_label.text())
    assert "test database" in window.db_label.text()

    window.go("cases")
    queue = window.cases_page.queue
    qtbot.waitUntil(lambda: queue.model.rowCount() == opened)
    assert queue.count_label.text() == f"{opened} cases"
    first = queue.model.data(queue.model.index(0, 0), ROW_ROLE)
    assert first.overdue
    due_text = queue.model.data(queue.model.index(0, 0))
    assert "overdue" in due_text  # marked in words, not by colour alone
    assert queue.model.data(queue.model.index(0, 0), Qt.ItemDataRole.DecorationRole) is not None


def test_dashboard_number_opens_the_filtered_queue(qtbot: Any, window: MainWindow) -> None:
    window.pages["dashboard"].tiles["overdue"].click()  # type: ignore[attr-defined]
    queue = window.cases_page.queue
    late, _ = counts(window)
    qtbot.waitUntil(lambda: queue.count_label.text() == f"{late} case{'s' if late != 1 else ''}")
    assert queue.overdue.isChecked()
    assert window.stack.currentWidget() is window.cases_page


def test_every_page_opens_without_errors(qtbot: Any, window: MainWindow) -> None:
    for key in window.pages:
        window.go(key)
        assert window.stack.currentWidget() is window.pages[key]
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)
    consumers = window.pages["consumers"]
    qtbot.waitUntil(lambda: consumers.people.rowCount() > 0)  # type: ignore[attr-defined]
    organizations = window.pages["organizations"]
    qtbot.waitUntil(lambda: organizations.list.count() == 3)  # type: ignore[attr-defined]
    reports = window.pages["reports"]
    qtbot.waitUntil(lambda: " cases received" in reports.summary.text())  # type: ignore[attr-defined]


def test_frequent_actions_have_shortcuts_and_help_lists_them(qtbot: Any, window: MainWindow) -> None:
    frequent = {
        "new_case",
        "log_call",
        "find",
        "refresh",
        "next_action",
        "verify",
        "extend",
        "respond",
        "add_note",
        "go_cases",
        "go_dashboard",
    }
    for spec in ACTIONS:
        if spec.id in frequent:
            assert not window.actions_by_id[spec.id].shortcut().isEmpty(), spec.id
    dialog = ShortcutsDialog([("Case", "Extend the deadline", "Ctrl+Shift+E")], window)
    qtbot.addWidget(dialog)
    from privdesk.ui.actions import shortcut_rows

    rows = shortcut_rows(window.actions_by_id)
    assert ("Case", "Extend the deadline", "Ctrl+Shift+E") in rows
    assert len(rows) >= len(frequent)
    assert dialog.table.item(0, 2).text() == "Ctrl+Shift+E"

    every = ShortcutsDialog(rows, window)  # the whole list, as Help > Keyboard shortcuts shows it
    qtbot.addWidget(every)
    every.show()
    qtbot.waitExposed(every)
    table = every.table
    last = table.visualItemRect(table.item(len(rows) - 1, 1))
    assert table.viewport().rect().contains(last), "the last shortcut needs scrolling"
    assert not table.verticalScrollBar().isVisible()


def test_columns_and_geometry_are_remembered(qtbot: Any, window: MainWindow) -> None:
    header = window.cases_page.queue.table.horizontalHeader()
    header.setSectionHidden(7, True)
    window.close()
    again = MainWindow(database_label="test database")
    qtbot.addWidget(again)
    assert again.cases_page.queue.table.horizontalHeader().isSectionHidden(7)


def test_pages_know_the_window_only_through_the_host_interface() -> None:
    """No page module imports the main window (the cycle is broken by ``PageHost``)."""
    import ast

    folder = Path(__file__).resolve().parents[2] / "privdesk" / "ui" / "pages"
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "privdesk.ui.main_window", path.name


def test_one_entry_point_per_action(qtbot: Any, window: MainWindow) -> None:
    """One way in for each thing the officer does: one "New case", one phone call (the call note, which
    goes to the inbox like every other channel), no two menu entries saying the same."""
    from PySide6.QtWidgets import QToolBar

    toolbar = window.findChild(QToolBar, "main_toolbar")
    assert toolbar is not None
    shown = [a.text().replace("&", "") for a in toolbar.actions() if a.isVisible() and a.text()]
    assert sum("New case" in text for text in shown) == 1, shown
    assert sum("phone" in text.lower() for text in shown) == 1, shown
    texts = [window.actions_by_id[spec.id].text().replace("&", "") for spec in ACTIONS]
    assert len(texts) == len(set(texts)), texts
    assert not any("case from a phone call" in text for text in texts)
    window.go("inbox")
    inbox = window.pages["inbox"]
    assert inbox.call_button.text() == window.actions_by_id["log_call"].text().replace("&", "")  # type: ignore[attr-defined]
