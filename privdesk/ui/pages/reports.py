"""Reports: a year's requests by type and outcome, answering times, late answers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout

from privdesk.domain.types import Outcome
from privdesk.services.dashboard import YearReport
from privdesk.ui.models.case_table import type_label
from privdesk.ui.pages.base import Page

if TYPE_CHECKING:
    from privdesk.ui.main_window import MainWindow

OUTCOME_COLUMNS = ["open", *[o.value for o in Outcome]]


class ReportsPage(Page):
    title = "Reports"
    icon_name = "reports"

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.year = QSpinBox()
        self.year.setObjectName("report_year")
        self.year.setAccessibleName("Year")
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.year.valueChanged.connect(lambda _: self.refresh())
        self.summary = QLabel("")
        self.summary.setObjectName("report_summary")
        self.table = QTableWidget(0, len(OUTCOME_COLUMNS) + 3)
        self.table.setObjectName("report_table")
        self.table.setAccessibleName("Requests by type and outcome")
        self.table.setHorizontalHeaderLabels(
            [
                "Request type",
                *[c.replace("_", " ").capitalize() for c in OUTCOME_COLUMNS],
                "Total",
                "Median days to answer",
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        top = QHBoxLayout()
        top.addWidget(QLabel("Year:"))
        top.addWidget(self.year)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._year_set = False

    def refresh(self) -> None:
        if not self._year_set:
            self._year_set = True
            self.year.blockSignals(True)
            self.year.setValue(self.services.ctx.today().year)
            self.year.blockSignals(False)
        year = self.year.value()
        self.call(lambda: self.services.dashboard.yearly(year), self.show_report)

    def show_report(self, report: YearReport) -> None:
        self.summary.setText(
            f"{report.year}: {report.cases_received} cases received; "
            f"{report.answered_late} request{'s' if report.answered_late != 1 else ''} "
            "answered after the deadline."
        )
        rows = sorted(report.by_type_outcome.items(), key=lambda kv: type_label(kv[0]))
        self.table.setRowCount(len(rows) + 1)
        totals = dict.fromkeys(OUTCOME_COLUMNS, 0)
        for r, (rtype, cells) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(type_label(rtype)))
            for c, outcome in enumerate(OUTCOME_COLUMNS, start=1):
                count = cells.get(outcome, 0)
                totals[outcome] += count
                self.table.setItem(r, c, QTableWidgetItem(str(count) if count else ""))
            self.table.setItem(r, len(OUTCOME_COLUMNS) + 1, QTableWidgetItem(str(sum(cells.values()))))
            median = report.median_days_to_respond.get(rtype)
            self.table.setItem(
                r, len(OUTCOME_COLUMNS) + 2, QTableWidgetItem(f"{median:.0f}" if median is not None else "—")
            )
        last = len(rows)
        self.table.setItem(last, 0, QTableWidgetItem("All requests"))
        for c, outcome in enumerate(OUTCOME_COLUMNS, start=1):
            self.table.setItem(last, c, QTableWidgetItem(str(totals[outcome])))
        self.table.setItem(last, len(OUTCOME_COLUMNS) + 1, QTableWidgetItem(str(sum(totals.values()))))
        self.table.resizeColumnsToContents()
