"""Open anything by what the officer types: the box in the toolbar (Ctrl+K) takes a case number, a name,
an email or a phone number; a number that names no case leaves no tab and one calm line."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from privdesk.ui.main_window import MainWindow
from privdesk.ui.widgets.open_box import recent_items


def type_and_enter(qtbot: Any, window: MainWindow, text: str) -> None:
    window.actions_by_id["open_case"].trigger()  # Ctrl+K
    box = window.open_box
    box.completer_.popup().hide()
    box.clear()
    qtbot.keyClicks(box, text)
    box.completer_.popup().hide()
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_a_bare_number_opens_the_case(qtbot: Any, window: MainWindow) -> None:
    type_and_enter(qtbot, window, "46")
    page = window.cases_page
    qtbot.waitUntil(lambda: page.current_case_view() is not None, timeout=10_000)
    view = page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    assert view.reference.endswith("-000046") and view.title.text().startswith(view.reference)
    assert recent_items()[0].startswith(view.reference)  # offered first next time


def test_a_number_that_names_no_case_leaves_no_tab_and_no_dialog(
    qtbot: Any, window: MainWindow, shown_errors: list[tuple[str, str]]
) -> None:
    page = window.cases_page
    tabs = page.tabs.count()
    page.open_case("52999")  # as a link or the menu would
    qtbot.waitUntil(lambda: "No case 52999" in window.statusBar().currentMessage(), timeout=10_000)
    assert page.tabs.count() == tabs and shown_errors == []
    window.refresh_current()  # a refresh later must not bring a second message
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)
    assert shown_errors == []


def test_a_phone_number_in_any_format_opens_its_persons_case(qtbot: Any, window: MainWindow) -> None:
    type_and_enter(qtbot, window, "(310) 555-0101")
    # Two cases carry this number (a closed one and an open one): the queue is searched for it.
    queue = window.cases_page.queue
    qtbot.waitUntil(lambda: queue.search.text() == "(310) 555-0101", timeout=10_000)
    qtbot.waitUntil(lambda: queue.count_label.text() == "2 cases", timeout=10_000)
    assert queue.status.currentData() is None  # closed cases too


def test_a_name_found_once_opens_that_case(qtbot: Any, window: MainWindow) -> None:
    type_and_enter(qtbot, window, "Østergaard")
    page = window.cases_page
    qtbot.waitUntil(
        lambda: page.current_case_view() is not None and page.current_case_view().file is not None,  # type: ignore[union-attr]
        timeout=10_000,
    )
    assert "Søren Østergaard" in page.current_case_view().title.text()  # type: ignore[union-attr]


def test_references_in_warnings_are_links(qtbot: Any, window: MainWindow) -> None:
    services = window.services
    assert services is not None
    from privdesk.services.dto import CaseFilter

    row = next(
        r
        for r in services.cases.list(CaseFilter(open_only=True, request_type="shine_the_light"))
        if r.consumer_name == "Lorraine Castellanos"
    )
    view = window.cases_page.open_case(row.reference)
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    label = view.findChild(QLabel, "warning_stl_already_answered_this_year")
    assert label is not None and '<a href="case:PD-' in label.text()
    earlier = label.text().split('href="case:')[1].split('"')[0]
    label.linkActivated.emit(f"case:{earlier}")
    page = window.cases_page
    qtbot.waitUntil(
        lambda: page.current_case_view() is not None and page.current_case_view().reference == earlier
    )  # type: ignore[union-attr]
