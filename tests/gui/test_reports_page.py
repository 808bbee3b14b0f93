"""The Reports screen over the demo data: the numbers, the chart and the exports are the service's own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCharts import QBarSeries, QHorizontalStackedBarSeries
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog

from privdesk.services.dto import CaseFilter
from privdesk.services.hub import Services
from privdesk.ui.main_window import MainWindow
from privdesk.ui.models.reports import ROW_ROLE, VALUE_ROLE, MetricsModel, cell_text
from privdesk.ui.pages import reports as reports_page
from privdesk.ui.pages.reports import ReportsPage
from tests.gui.conftest import make_window


def open_reports(qtbot: Any, window: MainWindow, key: str) -> ReportsPage:
    page = window.pages["reports"]
    assert isinstance(page, ReportsPage)
    window.go("reports")
    page.choose(key)
    qtbot.waitUntil(lambda: key in page.results and window.runner.running == 0, timeout=10_000)
    return page


def show_metrics(qtbot: Any, page: ReportsPage, year: int) -> None:
    page.results.pop("metrics", None)
    page.year.setValue(year)
    page.run_report()
    qtbot.waitUntil(lambda: "metrics" in page.results and page.results["metrics"].metrics.year == year)


def save_to(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """Answer the file dialog with ``path``; returns the suggested names it was shown."""
    suggested: list[str] = []

    def choose(parent: Any, title: str, name: str, filters: str) -> tuple[str, str]:
        suggested.append(name)
        return str(path), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    return suggested


def test_metrics_table_and_chart_show_the_services_numbers(
    qtbot: Any, qtmodeltester: Any, window: MainWindow, demo_services: Services
) -> None:
    page = open_reports(qtbot, window, "metrics")
    show_metrics(qtbot, page, 2026)
    expected = demo_services.reports.metrics(2026)
    model = page.metrics_model
    qtmodeltester.check(model)
    assert model.rowCount() == len(expected.rows) == 5
    columns = [c.header.replace("\n", " ") for c in MetricsModel.columns]
    for r, row in enumerate(expected.rows):
        shown = {columns[c]: model.data(model.index(r, c)) for c in range(model.columnCount())}
        assert shown["Request"] == row.label
        assert shown["Received"] == str(row.received)
        assert shown["Complied with (whole or part)"] == str(row.complied)
        assert shown["Denied"] == str(row.denied)
        assert shown["Denied: not verifiable"] == str(row.denied_unverifiable)
        assert shown["Denied: not a consumer"] == str(row.denied_not_consumer)
        assert shown["Denied: exempt"] == str(row.denied_exempt)
        assert shown["Denied: other"] == str(row.denied_other)
        assert shown["Neither complied nor denied"] == str(row.neither)
        assert shown["Median days to respond"] == cell_text(row.median_days)
        assert shown["Mean days to respond"] == cell_text(row.mean_days)
        assert model.data(model.index(r, 1), VALUE_ROLE) == row.received
        # a label the column cuts short reads whole on hover
        assert model.data(model.index(r, 0), Qt.ItemDataRole.ToolTipRole) == row.label
    assert sum(r.received for r in expected.rows) > 0

    # The chart: one group per kind of request, bars for received / complied / denied.
    series = page.metrics_chart.series()
    assert len(series) == 1 and isinstance(series[0], QBarSeries)
    sets = {s.label(): [s.at(i) for i in range(s.count())] for s in series[0].barSets()}
    assert sets == {
        "Received": [r.received for r in expected.rows],
        "Complied with (whole or part)": [r.complied for r in expected.rows],
        "Denied": [r.denied for r in expected.rows],
    }
    categories = page.metrics_chart.axes(Qt.Orientation.Horizontal)[0].categories()  # type: ignore[attr-defined]
    assert categories == ["To know", "To delete", "To correct", "To opt out", "To limit use"]
    # The §7102 footnote sits under the numbers, and the summary counts cases, not only requests.
    assert page.footnote.text() == expected.footnote and "11 CCR §7102(b)" in page.footnote.text()
    year = demo_services.ctx.today().year
    received = sum(1 for r in demo_services.cases.list(CaseFilter()) if r.received_on.year == year)
    assert received > 30 and f"{received} cases received" in page.summary.text()


def test_another_year_and_one_organization(qtbot: Any, window: MainWindow, demo_services: Services) -> None:
    page = open_reports(qtbot, window, "metrics")
    qtbot.waitUntil(lambda: page.organization.count() == 4)
    page.organization.setCurrentIndex(page.organization.findData("mstis"))
    show_metrics(qtbot, page, 2026)
    qtbot.waitUntil(lambda: page.results["metrics"].metrics.organization == "mstis")
    expected = demo_services.reports.metrics(2026, "mstis")
    assert [page.metrics_model.data(page.metrics_model.index(r, 1)) for r in range(5)] == [
        str(r.received) for r in expected.rows
    ]
    show_metrics(qtbot, page, 2019)
    assert all(page.metrics_model.data(page.metrics_model.index(r, 1)) == "0" for r in range(5))
    assert "0 cases received" in page.summary.text()


def test_export_csv_writes_the_services_csv(
    qtbot: Any, window: MainWindow, demo_services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    page = open_reports(qtbot, window, "metrics")
    show_metrics(qtbot, page, 2026)
    assert page.export_buttons["csv"].isVisible() and page.export_buttons["html"].isVisible()
    target = tmp_path / "metrics"  # no suffix: the page adds it
    suggested = save_to(monkeypatch, target)
    page.export_buttons["csv"].click()
    written = tmp_path / "metrics.csv"
    qtbot.waitUntil(lambda: written.exists() and window.runner.running == 0)
    assert suggested == ["privacy-metrics-2026.csv"]
    reports = demo_services.reports
    assert written.read_bytes() == reports.render_metrics(reports.metrics(2026), "csv")
    assert "Saved metrics.csv" in page.message.text()
    assert not list(tmp_path.glob("*.part"))


def test_request_log_lists_the_references_of_the_period(
    qtbot: Any,
    qtmodeltester: Any,
    window: MainWindow,
    demo_services: Services,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    page = open_reports(qtbot, window, "log")
    assert page.date_from.isVisible() and not page.year.isVisible()
    page.date_from.setDate(QDate(2026, 10, 1))
    page.date_to.setDate(QDate(2026, 10, 31))
    qtbot.waitUntil(
        lambda: (
            "log" in page.results
            and page.results["log"].date_from == dt.date(2026, 10, 1)
            and page.results["log"].date_to == dt.date(2026, 10, 31)
        ),
        timeout=10_000,
    )
    model = page.log_model
    qtmodeltester.check(model)
    expected = demo_services.reports.request_log(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    shown = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert shown == [row.reference for row in expected.rows]
    assert len(set(shown)) >= 5
    for r in range(model.rowCount()):
        received = model.data(model.index(r, 0), ROW_ROLE).received_on
        assert dt.date(2026, 10, 1) <= received <= dt.date(2026, 10, 31)
    assert f"{len(expected.rows)} requests in {len(set(shown))} cases" in page.summary.text()

    target = tmp_path / "log.json"
    save_to(monkeypatch, target)
    page.export_buttons["json"].click()
    qtbot.waitUntil(lambda: target.exists() and window.runner.running == 0)
    assert target.read_bytes() == demo_services.reports.render_log(expected, "json")
    assert not page.export_buttons["html"].isVisible()  # the log has no HTML form


def test_a_period_that_ends_before_it_starts_is_explained(qtbot: Any, window: MainWindow) -> None:
    page = open_reports(qtbot, window, "log")
    page.date_from.setDate(QDate(2026, 10, 31))
    page.date_to.setDate(QDate(2026, 10, 1))
    qtbot.waitUntil(lambda: "after it ends" in page.summary.text(), timeout=10_000)
    assert not page.export_buttons["csv"].isEnabled()


def test_workload_chart_shows_the_on_time_rate_per_type(
    qtbot: Any, qtmodeltester: Any, window: MainWindow, demo_services: Services
) -> None:
    page = open_reports(qtbot, window, "workload")
    workload = demo_services.reports.workload()
    on_time = demo_services.reports.on_time_by_type()
    for model in (page.type_model, page.officer_model, page.overdue_model):
        qtmodeltester.check(model)
    assert page.overdue_model.rowCount() == len(workload.overdue) > 0
    # The dashboard counts overdue cases, this report requests: the summary names both.
    cases = len({item.reference for item in workload.overdue})
    late = f"{len(workload.overdue)} open requests are past their deadline ({cases} cases)"
    assert late in page.summary.text()
    assert "answered requests were answered on time" in page.summary.text()
    assert page.officer_model.data(page.officer_model.index(0, 1)) == str(workload.per_officer[0].cases)
    series = page.workload_chart.series()
    assert len(series) == 1 and isinstance(series[0], QHorizontalStackedBarSeries)
    bars, late = series[0].barSets()  # on time, then late: together the answered requests
    assert all(bars.at(i) + late.at(i) == pytest.approx(100.0, abs=0.1) for i in range(bars.count()))
    values = [bars.at(i) for i in range(bars.count())]
    by_label = {row.label: row for row in page.type_model.rows}
    labels = page.workload_chart.axes(Qt.Orientation.Vertical)[0].categories()  # type: ignore[attr-defined]
    assert len(labels) == len(on_time) == len(values)
    for label, value in zip(labels, values, strict=True):
        punctual, answered = on_time[by_label[label].request_type]
        assert value == pytest.approx(round(100 * punctual / answered, 1))
    rate = f"{workload.on_time} of {workload.responded} answered requests were answered on time"
    assert rate in page.summary.text()


def test_retention_lists_what_a_purge_would_remove_and_asks_first(
    qtbot: Any,
    qtmodeltester: Any,
    demo_services: Services,
    shown_errors: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    later = dt.datetime(2028, 7, 1, 12, 0, tzinfo=dt.UTC)  # past the demo's 24 months for a few cases
    demo_services.ctx.now = lambda: later
    due = demo_services.reports.retention.preview()
    assert len(due) >= 2
    demo_services.reports.retention.set_legal_hold(due[0].reference, True, "pending litigation")
    window = make_window(qtbot, demo_services)
    page = open_reports(qtbot, window, "retention")
    qtmodeltester.check(page.due_model)
    listed = [page.due_model.data(page.due_model.index(r, 0)) for r in range(page.due_model.rowCount())]
    assert listed == [c.reference for c in due[1:]]
    assert [c.reference for c in page.held_model.rows] == [due[0].reference]
    assert page.purge_button.isEnabled()

    asked: list[int] = []

    def decline(cls: Any, parent: Any, count: int) -> bool:
        asked.append(count)
        return False

    monkeypatch.setattr(reports_page.PurgeConfirm, "ask", classmethod(decline))
    page.purge_button.click()
    assert asked == [len(listed)]
    assert len(demo_services.reports.retention.preview()) == len(listed)  # nothing purged

    monkeypatch.setattr(reports_page.PurgeConfirm, "ask", classmethod(lambda cls, parent, count: True))
    page.purge_button.click()
    qtbot.waitUntil(lambda: page.last_purge is not None and window.runner.running == 0, timeout=20_000)
    qtbot.waitUntil(lambda: page.due_model.rowCount() == 0)
    assert f"Purged {len(listed)} cases" in page.retention_message.text()
    assert not page.purge_button.isEnabled()
    assert demo_services.reports.retention.preview() == []
    assert [c.reference for c in page.held_model.rows] == [due[0].reference]  # the hold kept it

    target = tmp_path / "record.pdf"
    save_to(monkeypatch, target)
    page.record_button.click()
    qtbot.waitUntil(lambda: target.exists() and window.runner.running == 0)
    assert target.read_bytes().startswith(b"%PDF")
    assert not shown_errors
    window.runner.wait()


def test_a_refused_purge_says_why_and_removes_nothing(
    qtbot: Any, demo_services: Services, shown_errors: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from privdesk.domain.errors import DomainError

    demo_services.ctx.now = lambda: dt.datetime(2028, 7, 1, 12, 0, tzinfo=dt.UTC)
    window = make_window(qtbot, demo_services)
    page = open_reports(qtbot, window, "retention")

    class Refused(DomainError):
        pass

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise Refused("this needs the administrator role; tester is officer")

    monkeypatch.setattr(demo_services.reports.retention, "purge", refuse)
    monkeypatch.setattr(reports_page.PurgeConfirm, "ask", classmethod(lambda cls, parent, count: True))
    page.purge_button.click()
    qtbot.waitUntil(lambda: "refused" in page.retention_message.text(), timeout=10_000)
    assert "administrator role" in page.retention_message.text()
    assert "Nothing was removed" in page.retention_message.text()
    assert page.purge_button.isEnabled()
    assert not shown_errors
    window.runner.wait()
