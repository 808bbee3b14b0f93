"""The case queue: filters, search, sorting, saved filters, and the models checked by Qt's model tester."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from privdesk.services.dto import CaseFilter
from privdesk.ui.main_window import MainWindow
from privdesk.ui.models.case_table import ROW_ROLE, CaseTableModel, column_of
from privdesk.ui.models.records import Column, RecordTableModel


def open_queue(qtbot: Any, window: MainWindow) -> Any:
    window.go("cases")
    queue = window.cases_page.queue
    opened = window.services.cases.count(CaseFilter(open_only=True))  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: queue.count_label.text() == f"{opened} cases")
    return queue


def test_search_is_debounced_and_finds_by_name(qtbot: Any, window: MainWindow) -> None:
    queue = open_queue(qtbot, window)
    with qtbot.waitSignal(queue.model.count_changed, timeout=5000) as blocker:
        qtbot.keyClicks(queue.search, "castellanos")
    assert blocker.args == [1]
    row = queue.model.data(queue.model.index(0, 0), ROW_ROLE)
    assert row.consumer_name == "Lorraine Castellanos"


def test_filters_by_status_type_and_overdue(qtbot: Any, window: MainWindow) -> None:
    queue = open_queue(qtbot, window)
    services = window.services
    assert services is not None
    every = services.cases.count(CaseFilter())
    stl = services.cases.count(CaseFilter(request_type="shine_the_light"))
    late = services.cases.count(CaseFilter(overdue=True))
    assert every > stl >= 3 and late >= 1
    queue.status.setCurrentIndex(queue.status.findData(None))  # all statuses
    qtbot.waitUntil(lambda: queue.count_label.text() == f"{every} cases")
    queue.request_type.setCurrentIndex(queue.request_type.findData("shine_the_light"))
    qtbot.waitUntil(lambda: queue.count_label.text() == f"{stl} cases")
    queue.request_type.setCurrentIndex(0)
    queue.overdue.setChecked(True)
    qtbot.waitUntil(lambda: queue.count_label.text() == f"{late} case{'s' if late != 1 else ''}")
    for r in range(queue.model.rowCount()):
        assert queue.model.data(queue.model.index(r, 0), ROW_ROLE).overdue


def test_sorting_by_consumer(qtbot: Any, window: MainWindow) -> None:
    queue = open_queue(qtbot, window)
    with qtbot.waitSignal(queue.model.count_changed, timeout=5000):
        queue.table.sortByColumn(column_of("consumer"), Qt.SortOrder.AscendingOrder)
    names = [
        queue.model.data(queue.model.index(r, column_of("consumer"))) for r in range(queue.model.rowCount())
    ]
    assert names == sorted(names, key=str.lower) or names == sorted(names)


def test_saved_filter_comes_back(qtbot: Any, window: MainWindow, monkeypatch: Any) -> None:
    queue = open_queue(qtbot, window)
    services = window.services
    assert services is not None
    late = services.cases.count(CaseFilter(overdue=True))
    opened = services.cases.count(CaseFilter(open_only=True))
    assert opened > late >= 1

    def cases(n: int) -> str:
        return f"{n} case{'s' if n != 1 else ''}"

    queue.overdue.setChecked(True)
    qtbot.waitUntil(lambda: queue.count_label.text() == cases(late))
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Late ones", True))
    queue.save_filter()
    qtbot.waitUntil(lambda: queue.saved.findData("Late ones") >= 0)
    queue.clear()
    qtbot.waitUntil(lambda: queue.count_label.text() == cases(opened))
    queue.load_saved(queue.saved.findData("Late ones"))
    qtbot.waitUntil(lambda: queue.count_label.text() == cases(late))
    assert queue.overdue.isChecked()


def test_case_table_model_passes_the_model_tester(qtbot: Any, qtmodeltester: Any, window: MainWindow) -> None:
    queue = open_queue(qtbot, window)
    qtmodeltester.check(queue.model)
    model = CaseTableModel(
        lambda work, done: done(work()),  # synchronous runner: the tester sees every page at once
        lambda f: window.services.cases.count(f),  # type: ignore[union-attr]
        lambda f, s, d: window.services.queue.page(f, s, d).rows,  # type: ignore[union-attr]
    )
    model.set_filter(CaseFilter())
    assert model.rowCount() == window.services.cases.count(CaseFilter()) > 40  # type: ignore[union-attr]
    qtmodeltester.check(model)
    model.sort(column_of("consumer"), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_record_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = RecordTableModel([Column("Name", lambda r: r[0]), Column("Count", lambda r: r[1])])
    model.set_records([("a", 1), ("b", 2)])
    qtmodeltester.check(model)
    assert model.data(model.index(1, 1)) == "2"


def test_typing_in_the_search_box_filters_the_table_without_accents(qtbot: Any, window: MainWindow) -> None:
    queue = open_queue(qtbot, window)
    with qtbot.waitSignal(queue.model.count_changed, timeout=5000) as blocker:
        qtbot.keyClicks(queue.search, "osterg")
    assert blocker.args == [1]
    row = queue.model.data(queue.model.index(0, 0), ROW_ROLE)
    assert row.consumer_name == "Søren Østergaard"
    assert queue.model.data(queue.model.index(0, column_of("consumer"))) == "Søren Østergaard"
    with qtbot.waitSignal(queue.model.count_changed, timeout=5000) as blocker:
        queue.search.clear()
    assert blocker.args == [window.services.cases.count(CaseFilter(open_only=True))]  # type: ignore[union-attr]
    with qtbot.waitSignal(queue.model.count_changed, timeout=5000) as blocker:
        qtbot.keyClicks(queue.search, row.reference)
    assert blocker.args == [1]


def test_due_today_tile_opens_the_same_cases_it_counts(qtbot: Any, window: MainWindow) -> None:
    window.go("dashboard")
    page = window.pages["dashboard"]
    qtbot.waitUntil(lambda: page.summary is not None)
    summary = page.summary
    queue = window.cases_page.queue
    for key, expected in (("due_today", summary.due_today), ("due_this_week", summary.due_this_week)):
        with qtbot.waitSignal(queue.model.count_changed, timeout=5000) as blocker:
            page.open_queue(key)
        assert blocker.args == [expected]
        assert queue.due_from_chip.isVisible() and queue.due_from == summary.today
        for r in range(queue.model.rowCount()):
            row = queue.model.data(queue.model.index(r, 0), ROW_ROLE)
            assert not row.overdue and row.next_due_on >= summary.today
    with qtbot.waitSignal(queue.model.count_changed, timeout=5000):
        queue.due_from_chip.click()
    assert not queue.due_from_chip.isVisible() and queue.current_filter().due_from is None


def test_the_next_due_column_shows_an_overdue_date_whole(qtbot: Any, window: MainWindow) -> None:
    from PySide6.QtGui import QFont, QFontMetrics

    queue = open_queue(qtbot, window)
    text = queue.model.data(queue.model.index(0, 0))
    assert text.endswith("· overdue")
    bold = QFont(queue.table.font())
    bold.setBold(True)
    icon_and_margins = 32
    assert queue.table.columnWidth(0) >= QFontMetrics(bold).horizontalAdvance(text) + icon_and_margins


def test_saved_filters_keep_no_search_text_outside_the_database(
    qtbot: Any, window: MainWindow, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from privdesk.services.saved_filters import SavedFilterService
    from privdesk.ui import settings as ui_settings
    from privdesk.ui.pages.cases import SAVED_FILTERS_KEY

    # A filter saved by an earlier privdesk sits in the settings file in clear text.
    ui_settings.set_json(SAVED_FILTERS_KEY, {"Old one": {"search": "Lorraine Castellanos"}})
    queue = open_queue(qtbot, window)
    qtbot.waitUntil(lambda: queue.saved.findData("Old one") >= 0)
    qtbot.keyClicks(queue.search, "castellanos")
    qtbot.waitUntil(lambda: queue.count_label.text() == "1 case")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Her case", True))
    queue.save_filter()
    qtbot.waitUntil(lambda: queue.saved.findData("Her case") >= 0)
    store = ui_settings.settings()
    store.sync()
    written = (
        Path(store.fileName()).read_text(encoding="utf-8").lower() if Path(store.fileName()).exists() else ""
    )
    assert "castellanos" not in written and "her case" not in written
    assert ui_settings.get_json(SAVED_FILTERS_KEY, None) is None
    assert window.services is not None
    kept = SavedFilterService(window.services.ctx).all()
    assert kept["Her case"]["search"] == "castellanos"
    assert kept["Old one"]["search"] == "Lorraine Castellanos"  # moved into the database
    queue.clear()
    qtbot.waitUntil(lambda: queue.count_label.text() == "25 cases")
    queue.load_saved(queue.saved.findData("Her case"))
    qtbot.waitUntil(lambda: queue.count_label.text() == "1 case")
