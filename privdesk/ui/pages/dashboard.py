"""Dashboard: what is due today and this week, what is overdue, what waits on the consumer, and the flow."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from privdesk.services.cases import DUE_SOON_DAYS
from privdesk.services.dashboard import DashboardDTO
from privdesk.ui.models.case_table import status_label, type_label
from privdesk.ui.pages.base import Page
from privdesk.ui.theme import Meaning, paint_bars, style_chart

if TYPE_CHECKING:
    from privdesk.ui.pages.host import PageHost


class Tile(QPushButton):
    """A big number with its meaning; clicking it opens the queue filtered to those cases."""

    def __init__(self, caption: str, hint: str) -> None:
        super().__init__()
        self.caption = caption
        self.setObjectName(f"tile_{caption.lower().replace(' ', '_')}")
        self.setToolTip(hint)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(92)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.number = QLabel("–")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.number.setFont(font)
        self.label = QLabel(caption)
        for label in (self.number, self.label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.addWidget(self.number)
        layout.addWidget(self.label)

    def set_value(self, value: int, alert: bool = False) -> None:
        self.number.setText(str(value))
        self.label.setText(self.caption + ("  ⚠" if alert and value else ""))
        self.setAccessibleName(f"{self.caption}: {value}")


class DashboardPage(Page):
    title = "Dashboard"
    icon_name = "dashboard"
    summary_shown = Signal()  # the figures on screen are the latest

    def __init__(self, window: PageHost) -> None:
        super().__init__(window)
        self.summary: DashboardDTO | None = None
        heading = QLabel("Today")
        heading_font = QFont(heading.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.4)
        heading_font.setBold(True)
        heading.setFont(heading_font)
        self.heading = heading
        self.tiles = {
            "overdue": Tile("Overdue", "Open cases whose next step is past its deadline"),
            "due_today": Tile("Due today", "Open cases with a step due today (overdue ones are not counted)"),
            "due_this_week": Tile(
                "Due within 7 days", 'Open cases with a step due from today to seven days ahead ("due soon")'
            ),
            "waiting": Tile(
                "Waiting on the consumer", "Waiting for identity verification or an agent's authorization"
            ),
            "open": Tile("Open cases", "Every case still open"),
        }
        tiles = QHBoxLayout()
        for key, tile in self.tiles.items():
            tile.clicked.connect(lambda _=False, k=key: self.open_queue(k))
            tiles.addWidget(tile)
        self.by_status = self._list("by_status", "By status", "Cases")
        self.by_type = self._list("by_type", "Open requests by type", "Requests")
        self.by_org = self._list("by_organization", "Open cases by organization", "Cases")
        self.by_status.itemActivated.connect(
            lambda item: self.window_.show_cases(status=item.data(0, Qt.ItemDataRole.UserRole))
        )
        self.by_type.itemActivated.connect(
            lambda item: self.window_.show_cases(
                request_type=item.data(0, Qt.ItemDataRole.UserRole), open_only=True
            )
        )
        self.by_org.itemActivated.connect(
            lambda item: self.window_.show_cases(
                organization=item.data(0, Qt.ItemDataRole.UserRole), open_only=True
            )
        )
        lists = QHBoxLayout()
        for tree, title in (
            (self.by_status, "By status"),
            (self.by_type, "Open requests by type"),
            (self.by_org, "Open cases by organization"),
        ):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addWidget(tree)
            lists.addWidget(box)
        self.chart = QChart()
        self.chart.setTitle("Requests received and closed per week")
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setObjectName("weekly_chart")
        self.chart_view.setAccessibleName("Requests received and closed per week")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(240)
        self._apply_chart_theme()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        layout.addLayout(tiles)
        hint = QLabel("Click a number or double-click a line to open the matching cases.")
        hint.setEnabled(False)
        layout.addWidget(hint)
        layout.addLayout(lists, 2)
        layout.addWidget(self.chart_view, 3)

    def _list(self, name: str, title: str, unit: str) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName(name)
        tree.setAccessibleName(title)
        tree.setColumnCount(2)
        tree.setHeaderLabels(["", unit])
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.header().setStretchLastSection(False)
        tree.header().setSectionResizeMode(0, tree.header().ResizeMode.Stretch)
        tree.setMinimumHeight(140)
        return tree

    def _apply_chart_theme(self) -> None:
        # Follow the palette: a dark chart in a dark desktop, a light one otherwise.
        style_chart(self.chart, self.palette())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_chart_theme()  # the desktop switched between light and dark

    def refresh(self) -> None:
        self.call(lambda: self.services.dashboard.summary(), self.show_summary)

    def show_summary(self, summary: DashboardDTO) -> None:
        self.summary = summary
        self.heading.setText(f"Today, {summary.today.strftime('%A %d %B %Y')}")
        self.tiles["overdue"].set_value(summary.overdue, alert=True)
        self.tiles["due_today"].set_value(summary.due_today)
        self.tiles["due_this_week"].set_value(summary.due_this_week)
        self.tiles["waiting"].set_value(summary.waiting_on_consumer)
        self.tiles["open"].set_value(summary.open_cases)
        self._fill(self.by_status, {k: v for k, v in summary.by_status.items()}, status_label)
        self._fill(self.by_type, summary.by_type, type_label)
        self._fill(self.by_org, summary.by_organization, str)
        self._draw_chart(summary)
        self.window_.show_deadline(summary)
        self.summary_shown.emit()

    @staticmethod
    def _fill(tree: QTreeWidget, counts: dict[str, int], label: object) -> None:
        tree.clear()
        for code, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            item = QTreeWidgetItem([label(code), str(count)])  # type: ignore[operator]
            item.setData(0, Qt.ItemDataRole.UserRole, code)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tree.addTopLevelItem(item)
        if not counts:
            tree.addTopLevelItem(QTreeWidgetItem(["Nothing yet", ""]))

    def _draw_chart(self, summary: DashboardDTO) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        received = QBarSet("Received")
        closed = QBarSet("Closed")
        categories = []
        for week in summary.weeks:
            received.append(week.received)
            closed.append(week.closed)
            categories.append(week.week_start.strftime("%d %b"))
        paint_bars(received, Meaning.RECEIVED, self.palette())
        paint_bars(closed, Meaning.DONE, self.palette())
        series = QBarSeries()
        series.append(received)
        series.append(closed)
        self.chart.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append(categories)
        x_axis.setTitleText("Week starting")
        y_axis = QValueAxis()
        top = max([w.received for w in summary.weeks] + [w.closed for w in summary.weeks] + [1])
        y_axis.setRange(0, top + 1)
        y_axis.setLabelFormat("%d")
        y_axis.setTickCount(min(top + 2, 6))
        y_axis.applyNiceNumbers()
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)

    def open_queue(self, key: str) -> None:
        today = self.summary.today if self.summary else dt.date.today()
        soon = today + dt.timedelta(days=DUE_SOON_DAYS)
        choices: dict[str, dict[str, object]] = {
            "overdue": {"overdue": True},
            # The same windows as the tiles' numbers: overdue cases are in neither list.
            "due_today": {"due_from": today, "due_before": today, "open_only": True},
            "due_this_week": {"due_from": today, "due_before": soon, "open_only": True},
            "waiting": {"status": "awaiting_verification"},
            "open": {"open_only": True},
        }
        filters = choices[key]
        self.window_.show_cases(**filters)
