"""Reports: the §7101 request log, the §7102 yearly metrics, the workload and the retention purge.

Every report is computed by ``services.reports`` on a worker thread; the page shows the result as a table
and, where a picture says more, a chart. Exports write the very report on screen through the service's
renderers (temporary file, then rename), so the file says what the officer saw.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QEvent, QModelIndex, Qt, QTimer
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain import reports as rep
from privdesk.domain.errors import DomainError, StoreError
from privdesk.services.reports import write_atomic
from privdesk.services.retention import PurgeCandidate, PurgeResult
from privdesk.ui.models.reports import (
    ROW_ROLE,
    MetricsModel,
    OfficerLoadModel,
    OverdueModel,
    PurgeCandidateModel,
    ReportTableModel,
    RequestLogModel,
    TypeWorkload,
    TypeWorkloadModel,
    type_workloads,
)
from privdesk.ui.pages.base import Page
from privdesk.ui.theme import Meaning, paint_bars, style_chart
from privdesk.ui.widgets.files import save_file
from privdesk.ui.widgets.flow import FlowLayout

if TYPE_CHECKING:
    from privdesk.ui.pages.host import PageHost

# The reports in the chooser: key, label.
REPORTS = (
    ("log", "Request log (§7101)"),
    ("metrics", "Yearly metrics (§7102)"),
    ("workload", "Workload"),
    ("retention", "Retention and purge"),
)
FORMAT_LABELS = {"csv": "CSV", "pdf": "PDF", "html": "HTML", "json": "JSON"}
FORMAT_FILTERS = {
    "csv": "CSV spreadsheet (*.csv)",
    "pdf": "PDF document (*.pdf)",
    "html": "HTML fragment (*.html)",
    "json": "JSON (*.json)",
}
EXPORT_FORMATS = {
    "log": ("csv", "pdf", "json"),
    "metrics": ("csv", "pdf", "html", "json"),
    "workload": ("json",),
    "retention": (),
}
SHORT_METRIC_LABELS = {
    "know": "To know",
    "delete": "To delete",
    "correct": "To correct",
    "opt_out": "To opt out",
    "limit": "To limit use",
}


@dataclass(frozen=True)
class MetricsResult:
    metrics: rep.YearlyMetrics
    cases: int  # distinct cases received in the year (the metrics count requests)


@dataclass(frozen=True)
class WorkloadResult:
    report: rep.WorkloadReport
    per_type: list[TypeWorkload]


@dataclass(frozen=True)
class RetentionResult:
    today: dt.date
    due: list[PurgeCandidate]
    held: list[PurgeCandidate]


class PurgeConfirm:
    """Asks before a purge; tests replace ``ask``."""

    @classmethod
    def ask(cls, parent: QWidget, count: int) -> bool:
        answer = QMessageBox.warning(
            parent,
            "privdesk: purge personal data",
            f"Purge the personal data of {count} closed case{'s' if count != 1 else ''} now?\n\n"
            "Names, addresses, documents, letter files, notes and verification data are removed for good. "
            "The minimal record of each request stays, so the request log and the metrics do not change.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes


def save_path(parent: QWidget, title: str, suggested: str, fmt: str) -> Path | None:
    """Where to write an export (asked with the file dialog); the suffix is added when missing."""
    path = save_file(parent, "reports", title, suggested, FORMAT_FILTERS[fmt])
    if not path:
        return None
    return Path(path if path.lower().endswith(f".{fmt}") else f"{path}.{fmt}")


def apply_chart_theme(widget: QWidget, chart: QChart) -> None:
    """Follow the palette: a dark chart in a dark desktop, a light one otherwise (redone on a switch)."""
    style_chart(chart, widget.palette())


def make_chart_view(name: str, title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setTitle(title)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    view = QChartView(chart)
    view.setObjectName(name)
    view.setAccessibleName(title)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(220)
    return chart, view


def clear_chart(chart: QChart) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)


def count_axis(top: float) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, max(top, 1))
    axis.setLabelFormat("%d")
    axis.setTickCount(int(min(max(top, 1) + 1, 6)))
    axis.applyNiceNumbers()
    return axis


def make_table(name: str, accessible: str, model: ReportTableModel, stretch: int | None = None) -> QTableView:
    """A read-only table; ``stretch`` is the column that takes the spare width (else the last)."""
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    if stretch is None:
        view.horizontalHeader().setStretchLastSection(True)
    else:
        view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view


def fit_columns(view: QTableView) -> None:
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    for column in range(header.count() - 1):
        if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Stretch:
            header.resizeSection(column, min(header.sectionSize(column), 320))


def day_of(date: QDate) -> dt.date:
    return dt.date(date.year(), date.month(), date.day())


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


class ReportsPage(Page):
    title = "Reports"
    icon_name = "reports"

    def __init__(self, window: PageHost) -> None:
        super().__init__(window)
        self.results: dict[str, Any] = {}  # report key -> the result on screen
        self._generation = 0  # answers to older requests are dropped
        self._organizations_loaded = False
        self.last_purge: PurgeResult | None = None

        # -- chooser and parameters ---------------------------------------------------------------
        self.chooser = QComboBox()
        self.chooser.setObjectName("report_chooser")
        self.chooser.setAccessibleName("Report")
        for key, report_name in REPORTS:
            self.chooser.addItem(report_name, key)
        self.chooser.setCurrentIndex(1)  # the yearly metrics: the report asked for most
        self.organization = QComboBox()
        self.organization.setObjectName("report_organization")
        self.organization.setAccessibleName("Organization")
        self.organization.addItem("All organizations", None)
        self.organization.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year = QSpinBox()
        self.year.setObjectName("report_year")
        self.year.setAccessibleName("Year")
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.date_from = self._date_edit("report_from", "From")
        self.date_to = self._date_edit("report_to", "To")
        self.parameters: dict[str, list[QWidget]] = {}
        self.param_labels: dict[QWidget, QLabel] = {}
        top = FlowLayout()  # wraps on a narrow window instead of widening it
        top.addWidget(QLabel("Report:"))
        top.addWidget(self.chooser)
        for caption, widget in (
            ("Year:", self.year),
            ("From:", self.date_from),
            ("To:", self.date_to),
            ("Organization:", self.organization),
        ):
            label = QLabel(caption)
            label.setBuddy(widget)
            self.param_labels[widget] = label
            top.addWidget(label)
            top.addWidget(widget)
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, format_name in FORMAT_LABELS.items():
            button = QPushButton(f"Export {format_name}…")
            button.setObjectName(f"export_{fmt}")
            button.setToolTip(f"Save the report on screen as {format_name}")
            button.clicked.connect(lambda _=False, f=fmt: self.export(f))
            self.export_buttons[fmt] = button
            top.addWidget(button)
        self.summary = QLabel("")
        self.summary.setObjectName("report_summary")
        self.summary.setWordWrap(True)
        self.message = QLabel("")
        self.message.setObjectName("report_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # -- one panel per report -----------------------------------------------------------------
        self.stack = QStackedWidget()
        self.panels: dict[str, QWidget] = {
            "log": self._build_log_panel(),
            "metrics": self._build_metrics_panel(),
            "workload": self._build_workload_panel(),
            "retention": self._build_retention_panel(),
        }
        for panel in self.panels.values():
            self.stack.addWidget(panel)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(self.stack, 1)

        # Parameters change in bursts (typing a year, stepping a date): run once they settle.
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(250)
        self.debounce.timeout.connect(self.run_report)
        self.chooser.currentIndexChanged.connect(lambda _: self._report_changed())
        self.year.valueChanged.connect(lambda _: self.debounce.start())
        self.date_from.dateChanged.connect(lambda _: self.debounce.start())
        self.date_to.dateChanged.connect(lambda _: self.debounce.start())
        self.organization.currentIndexChanged.connect(lambda _: self.debounce.start())
        self._dates_set = False
        self._show_parameters()

    @staticmethod
    def _date_edit(name: str, accessible: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    # -- panels -----------------------------------------------------------------------------------
    def _build_log_panel(self) -> QWidget:
        self.log_model = RequestLogModel(self)
        self.log_view = make_table("request_log", "Request log", self.log_model)
        self.log_view.setToolTip("Double-click a line to open the case")
        self.log_view.doubleClicked.connect(lambda index: self._open_case(self.log_model, index))
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.log_view)
        return panel

    def _build_metrics_panel(self) -> QWidget:
        self.metrics_model = MetricsModel(self)
        self.metrics_view = make_table(
            "metrics_table", "Yearly metrics by kind of request", self.metrics_model, stretch=0
        )
        self.metrics_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.metrics_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.metrics_chart, self.metrics_chart_view = make_chart_view(
            "metrics_chart", "Requests received, complied with and denied"
        )
        apply_chart_theme(self, self.metrics_chart)
        self.footnote = QLabel(rep.METRICS_FOOTNOTE)
        self.footnote.setObjectName("metrics_footnote")
        self.footnote.setWordWrap(True)
        self.footnote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        small = QFont(self.footnote.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.9, 7.0))
        self.footnote.setFont(small)
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.metrics_view)
        layout.addWidget(self.metrics_chart_view, 1)
        layout.addWidget(self.footnote)
        return panel

    def _build_workload_panel(self) -> QWidget:
        self.type_model = TypeWorkloadModel(self)
        self.officer_model = OfficerLoadModel(self)
        self.overdue_model = OverdueModel(self)
        self.type_view = make_table(
            "workload_types", "Answering time by request type", self.type_model, stretch=0
        )
        self.officer_view = make_table(
            "workload_officers", "Cases per officer", self.officer_model, stretch=0
        )
        self.overdue_view = make_table("workload_overdue", "Overdue requests", self.overdue_model)
        self.overdue_view.setToolTip("Double-click a line to open the case")
        self.overdue_view.doubleClicked.connect(lambda index: self._open_case(self.overdue_model, index))
        self.workload_chart, self.workload_chart_view = make_chart_view(
            "workload_chart", "Answered on time, by request type"
        )
        apply_chart_theme(self, self.workload_chart)
        self.overdue_label = heading("Overdue")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(heading("By request type"))
        right_layout.addWidget(self.type_view, 3)
        right_layout.addWidget(heading("Cases per officer"))
        right_layout.addWidget(self.officer_view, 1)
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.setObjectName("workload_splitter")
        upper.addWidget(self.workload_chart_view)
        upper.addWidget(right)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)
        upper.setSizes([600, 400])
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(upper, 3)
        layout.addWidget(self.overdue_label)
        layout.addWidget(self.overdue_view, 2)
        return panel

    def _build_retention_panel(self) -> QWidget:
        self.due_model = PurgeCandidateModel(self)
        self.held_model = PurgeCandidateModel(self)
        self.due_view = make_table("retention_due", "Cases a purge would remove now", self.due_model)
        self.held_view = make_table("retention_held", "Cases kept by a legal hold", self.held_model)
        for view, model in ((self.due_view, self.due_model), (self.held_view, self.held_model)):
            view.setToolTip("Double-click a line to open the case")
            view.doubleClicked.connect(lambda index, m=model: self._open_case(m, index))
        explain = QLabel(
            "Personal data of a closed case is kept for the organization's retention period after "
            "closure, then purged. A purge keeps the minimal record of each request (reference, dates, "
            "request types, outcome), so the request log and the metrics stay the same. Cases on legal "
            "hold are never purged."
        )
        explain.setWordWrap(True)
        self.due_label = heading("Would be purged today")
        self.held_label = heading("Past retention but kept by a legal hold")
        self.purge_button = QPushButton("Purge now…")
        self.purge_button.setObjectName("purge_button")
        self.purge_button.setToolTip("Remove the personal data of the cases listed above, for good")
        self.purge_button.clicked.connect(self.purge)
        self.record_button = QPushButton("Save the purge record…")
        self.record_button.setObjectName("purge_record_button")
        self.record_button.setToolTip("The PDF that lists what the last purge removed (no personal data)")
        self.record_button.setEnabled(False)
        self.record_button.clicked.connect(self.save_purge_record)
        buttons = QHBoxLayout()
        buttons.addWidget(self.purge_button)
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        self.retention_message = QLabel("")
        self.retention_message.setObjectName("retention_message")
        self.retention_message.setWordWrap(True)
        self.retention_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(explain)
        layout.addWidget(self.due_label)
        layout.addWidget(self.due_view, 3)
        layout.addLayout(buttons)
        layout.addWidget(self.retention_message)
        layout.addWidget(self.held_label)
        layout.addWidget(self.held_view, 2)
        return panel

    # -- light and dark ---------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            apply_chart_theme(self, self.metrics_chart)
            apply_chart_theme(self, self.workload_chart)
            self._colour_metrics_labels()

    def _colour_metrics_labels(self) -> None:
        # Above the bars, on the page's background: the window text colour, whatever the theme says.
        text = self.palette().color(QPalette.ColorRole.WindowText)
        for series in self.metrics_chart.series():
            if isinstance(series, QBarSeries):
                for bar_set in series.barSets():
                    bar_set.setLabelColor(text)

    # -- choosing ---------------------------------------------------------------------------------
    @property
    def report_key(self) -> str:
        return str(self.chooser.currentData())

    def choose(self, key: str) -> None:
        """Show the report ``key`` (one of ``REPORTS``) and run it."""
        self.chooser.setCurrentIndex(self.chooser.findData(key))

    def _report_changed(self) -> None:
        self._show_parameters()
        self.message.clear()
        self.run_report()

    def _show_parameters(self) -> None:
        key = self.report_key
        by_report: dict[str, set[QWidget]] = {
            "log": {self.date_from, self.date_to, self.organization},
            "metrics": {self.year, self.organization},
            "workload": {self.organization},
            "retention": set(),
        }
        wanted = by_report[key]
        for widget, label in self.param_labels.items():
            widget.setVisible(widget in wanted)
            label.setVisible(widget in wanted)
        for fmt, button in self.export_buttons.items():
            button.setVisible(fmt in EXPORT_FORMATS[key])
            button.setEnabled(key in self.results)
        self.stack.setCurrentWidget(self.panels[key])
        self._describe(key)

    def refresh(self) -> None:
        today = self.services.ctx.today()
        if not self._dates_set:
            self._dates_set = True
            for widget in (self.year, self.date_from, self.date_to):
                widget.blockSignals(True)
            self.year.setValue(today.year)
            self.date_from.setDate(QDate(today.year, 1, 1))
            self.date_to.setDate(QDate(today.year, today.month, today.day))
            for widget in (self.year, self.date_from, self.date_to):
                widget.blockSignals(False)
        if not self._organizations_loaded:
            organizations = self.services.organizations
            self.call(organizations.list, self._organizations)
        self.run_report()

    def _organizations(self, found: list[Any]) -> None:
        self._organizations_loaded = True
        chosen = self.organization.currentData()
        self.organization.blockSignals(True)
        self.organization.clear()
        self.organization.addItem("All organizations", None)
        for org in found:
            self.organization.addItem(org.display_name, org.slug)
        index = self.organization.findData(chosen)
        self.organization.setCurrentIndex(max(index, 0))
        self.organization.blockSignals(False)

    def run_report(self) -> None:
        """Compute the chosen report off the GUI thread; only the latest request's answer is shown."""
        self.debounce.stop()
        if self.window_.services is None:
            return
        self._generation += 1
        generation = self._generation
        key = self.report_key
        reports = self.services.reports
        org = self.organization.currentData()
        work: Callable[[], Any]
        if key == "log":
            start, end = day_of(self.date_from.date()), day_of(self.date_to.date())
            work = lambda: reports.request_log(start, end, org)  # noqa: E731
        elif key == "metrics":
            year = self.year.value()

            def work() -> MetricsResult:
                metrics = reports.metrics(year, org)
                log = reports.request_log(dt.date(year, 1, 1), dt.date(year, 12, 31), org)
                return MetricsResult(metrics, len({row.reference for row in log.rows}))

        elif key == "workload":

            def work() -> WorkloadResult:
                report = reports.workload(org)
                return WorkloadResult(report, type_workloads(report, reports.on_time_by_type(org)))

        else:
            retention = reports.retention
            today = self.services.ctx.today()

            def work() -> RetentionResult:
                return RetentionResult(today, retention.preview(today), retention.held(today))

        self.summary.setText("Working…")

        def done(result: Any) -> None:
            if generation == self._generation:
                self._show(key, result)

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            self.results.pop(key, None)
            self._show_parameters()
            if isinstance(exc, DomainError) and not isinstance(exc, StoreError):
                self.summary.setText(f"⚠ {exc}")  # e.g. a period that ends before it starts
            else:
                self.summary.clear()
                self.show_error(exc)

        self.call(work, done, failed=failed)

    def _show(self, key: str, result: Any) -> None:
        self.results[key] = result
        if key == "log":
            self.log_model.set_rows(result.rows)
            fit_columns(self.log_view)
        elif key == "metrics":
            self._show_metrics(result)
        elif key == "workload":
            self._show_workload(result)
        else:
            self._show_retention(result)
        self._show_parameters()

    def _describe(self, key: str) -> None:
        result = self.results.get(key)
        if result is None:
            self.summary.clear()
            return
        org = self.organization.currentText() if self.organization.currentData() else "all organizations"
        if key == "log":
            log: rep.RequestLog = result
            cases = len({row.reference for row in log.rows})
            self.summary.setText(
                f"{len(log.rows)} request{'s' if len(log.rows) != 1 else ''} in {cases} "
                f"case{'s' if cases != 1 else ''} received from {log.date_from.isoformat()} to "
                f"{log.date_to.isoformat()}, {org}."
            )
        elif key == "metrics":
            m: rep.YearlyMetrics = result.metrics
            requests = sum(r.received for r in m.rows)
            complied = sum(r.complied for r in m.rows)
            denied = sum(r.denied for r in m.rows)
            self.summary.setText(
                f"{m.year}, {org}: {result.cases} cases received with {requests} requests counted below; "
                f"{complied} complied with in whole or in part, {denied} denied."
            )
        elif key == "workload":
            w: rep.WorkloadReport = result.report
            if w.on_time_rate is None:
                on_time = "no responses yet"
            else:
                # The rate is of requests answered; open requests already late are said beside it, so
                # "100%" never reads as "nothing is late".
                on_time = (
                    f"{w.on_time} of {w.responded} answered requests were answered on time "
                    f"({w.on_time_rate * 100:.1f}%)"
                )
            self.summary.setText(
                f"Workload on {w.today.isoformat()}, {org}: {on_time}; {overdue_text(w.overdue)}."
            )
        else:
            r: RetentionResult = result
            self.summary.setText(
                f"On {r.today.isoformat()}: {len(r.due)} closed case{'s' if len(r.due) != 1 else ''} past "
                f"retention would be purged; {len(r.held)} kept by a legal hold."
            )

    # -- metrics ----------------------------------------------------------------------------------
    def _show_metrics(self, result: MetricsResult) -> None:
        metrics = result.metrics
        self.metrics_model.set_rows(metrics.rows)
        fit_columns(self.metrics_view)
        header = self.metrics_view.horizontalHeader().height()
        rows = sum(self.metrics_view.rowHeight(r) for r in range(self.metrics_model.rowCount()))
        self.metrics_view.setFixedHeight(header + rows + 2 * self.metrics_view.frameWidth() + 2)
        self.footnote.setText(metrics.footnote)
        chart = self.metrics_chart
        clear_chart(chart)
        chart.setTitle(f"Requests received, complied with and denied in {metrics.year}")
        sets = {
            "received": QBarSet("Received"),
            "complied": QBarSet("Complied with (whole or part)"),
            "denied": QBarSet("Denied"),
        }
        for row in metrics.rows:
            sets["received"].append(row.received)
            sets["complied"].append(row.complied)
            sets["denied"].append(row.denied)
        for key, meaning in (
            ("received", Meaning.RECEIVED),
            ("complied", Meaning.DONE),
            ("denied", Meaning.DENIED),
        ):
            paint_bars(sets[key], meaning, self.palette())
        series = QBarSeries()
        series.setObjectName("metrics_series")
        for bar_set in sets.values():
            series.append(bar_set)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        self._colour_metrics_labels()
        categories = QBarCategoryAxis()
        categories.append([SHORT_METRIC_LABELS.get(row.key, row.label) for row in metrics.rows])
        top = max((row.received for row in metrics.rows), default=0)
        counts = count_axis(top + 1)
        counts.setTitleText("Requests")
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(counts)

    # -- workload ---------------------------------------------------------------------------------
    def _show_workload(self, result: WorkloadResult) -> None:
        report = result.report
        self.type_model.set_rows(result.per_type)
        self.officer_model.set_rows(report.per_officer)
        self.overdue_model.set_rows(report.overdue)
        self.overdue_label.setText(
            overdue_text(report.overdue).capitalize() if report.overdue else "Overdue: none"
        )
        for view in (self.type_view, self.officer_view, self.overdue_view):
            fit_columns(view)
        chart = self.workload_chart
        clear_chart(chart)
        # Horizontal bars are drawn bottom up: reversed, they read top down like the table beside them.
        timed = [t for t in reversed(result.per_type) if t.timed]
        on_time = QBarSet("Answered on time (%)")
        late = QBarSet("Answered late (%)")
        for row in timed:
            share = row.on_time_percent or 0.0
            on_time.append(share)
            late.append(round(100.0 - share, 1))
        paint_bars(on_time, Meaning.DONE, self.palette())
        paint_bars(late, Meaning.LATE, self.palette())
        series = QHorizontalStackedBarSeries()
        series.setObjectName("workload_series")
        series.append(on_time)
        series.append(late)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value%")
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([row.label for row in timed])
        percent = QValueAxis()
        percent.setRange(0, 100)
        percent.setTickCount(5)
        percent.setLabelFormat("%d%%")
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(percent, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(percent)
        chart.legend().setVisible(True)

    # -- retention --------------------------------------------------------------------------------
    def _show_retention(self, result: RetentionResult) -> None:
        self.due_model.set_rows(result.due)
        self.held_model.set_rows(result.held)
        self.due_label.setText(f"Would be purged today ({len(result.due)})")
        self.held_label.setText(f"Past retention but kept by a legal hold ({len(result.held)})")
        for view in (self.due_view, self.held_view):
            fit_columns(view)
        self.purge_button.setEnabled(bool(result.due))

    def purge(self) -> None:
        result: RetentionResult | None = self.results.get("retention")
        if result is None or not result.due:
            self.retention_message.setText("Nothing is past its retention period: there is nothing to purge.")
            return
        if not PurgeConfirm.ask(self, len(result.due)):
            return
        retention = self.services.reports.retention
        today = result.today
        self.purge_button.setEnabled(False)
        self.retention_message.setText("Purging…")
        self.call(
            lambda: retention.purge(today, confirm=True), self._purged, write=True, failed=self._refused
        )

    def _purged(self, outcome: PurgeResult) -> None:
        self.last_purge = outcome
        totals = outcome.record.totals
        self.retention_message.setText(
            f"Purged {totals['cases']} case{'s' if totals['cases'] != 1 else ''}: "
            f"{totals['consumers']} consumer record(s), {totals['documents']} document(s), "
            f"{totals['letters']} letter(s). Save the purge record to keep proof of what was removed."
        )
        self.record_button.setEnabled(True)
        self.run_report()

    def _refused(self, exc: BaseException) -> None:
        self.purge_button.setEnabled(True)
        if isinstance(exc, DomainError) and not isinstance(exc, StoreError):
            # e.g. the user's role does not allow a purge: say so where the officer is looking
            self.retention_message.setText(f"⚠ The purge was refused: {exc}. Nothing was removed.")
            return
        self.retention_message.clear()
        self.show_error(exc)

    def save_purge_record(self) -> None:
        if self.last_purge is None:
            return
        record = self.last_purge
        target = save_path(
            self, "Save the purge record", f"purge-record-{record.record.today.isoformat()}.pdf", "pdf"
        )
        if target is None:
            return
        self.call(
            lambda: write_atomic(target, record.pdf),
            lambda _: self.retention_message.setText(f"Saved the purge record as {target.name}."),
        )

    # -- exports and navigation -------------------------------------------------------------------
    def export(self, fmt: str) -> None:
        key = self.report_key
        result = self.results.get(key)
        if result is None or fmt not in EXPORT_FORMATS[key]:
            return
        reports = self.services.reports
        render: Callable[[], bytes]
        if key == "log":
            log: rep.RequestLog = result
            suggested = f"request-log-{log.date_from.isoformat()}-to-{log.date_to.isoformat()}"
            render = lambda: reports.render_log(log, fmt)  # noqa: E731
        elif key == "metrics":
            metrics: rep.YearlyMetrics = result.metrics
            suggested = f"privacy-metrics-{metrics.year}"
            render = lambda: reports.render_metrics(metrics, fmt)  # noqa: E731
        else:
            workload: rep.WorkloadReport = result.report
            suggested = f"workload-{workload.today.isoformat()}"
            text = json.dumps(rep.workload_json(workload), ensure_ascii=False, indent=2) + "\n"
            render = lambda: text.encode("utf-8")  # noqa: E731
        if org := self.organization.currentData():
            suggested += f"-{org}"
        target = save_path(self, f"Export the report as {FORMAT_LABELS[fmt]}", f"{suggested}.{fmt}", fmt)
        if target is None:
            return

        def work() -> int:
            data = render()
            write_atomic(target, data)
            return len(data)

        self.message.setText(f"Saving {target.name}…")
        self.call(work, lambda size: self.message.setText(f"Saved {target.name} ({size:,} bytes)."))

    def _open_case(self, model: ReportTableModel, index: QModelIndex) -> None:
        row = model.data(index, ROW_ROLE)
        reference = getattr(row, "reference", None)
        if reference:
            self.window_.open_case(reference)


def overdue_text(items: Sequence[rep.OverdueItem]) -> str:
    """Requests and the cases they belong to: the dashboard counts cases, this report counts requests."""
    cases = len({item.reference for item in items})
    if not items:
        return "no open request is past its deadline"
    many = len(items) != 1
    return (
        f"{len(items)} open request{'s are' if many else ' is'} past {'their' if many else 'its'} deadline "
        f"({cases} case{'s' if cases != 1 else ''})"
    )
