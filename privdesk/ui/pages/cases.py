"""Cases: the queue (lazy, filterable, sortable, searchable) and a tab per open case."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.types import ItemStatus, RequestType
from privdesk.services.dto import CaseFilter
from privdesk.services.saved_filters import SavedFilterService
from privdesk.ui import settings as ui_settings
from privdesk.ui.icons import icon
from privdesk.ui.models.case_table import COLUMNS, REFERENCE_COLUMN, ROW_ROLE, CaseTableModel, status_label
from privdesk.ui.pages.base import Page
from privdesk.ui.widgets.flow import flow_row

if TYPE_CHECKING:
    from privdesk.services.cases import NewCase
    from privdesk.services.dto import CaseDTO
    from privdesk.ui.pages.case_view import CaseView
    from privdesk.ui.pages.host import PageHost

SEARCH_DELAY_MS = 250
SAVED_FILTERS_KEY = "cases/saved_filters"
HEADER_KEY = "case_table_v2"  # v2: the "days left / late" and "due next" columns


class QueueWidget(QWidget):
    """The filter bar and the table."""

    def __init__(self, page: CasesPage) -> None:
        super().__init__()
        self.page = page
        self.setObjectName("case_queue")
        self.search = QLineEdit()
        self.search.setObjectName("case_search")
        self.search.setAccessibleName("Search cases")
        self.search.setPlaceholderText(
            "Search names, emails, references, subjects and notes: words match from their start  (Ctrl+F)"
        )
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setObjectName("filter_status")
        self.status.setAccessibleName("Status filter")
        self.status.addItem("Open cases", "__open__")
        self.status.addItem("All statuses", None)
        for status in ItemStatus:
            self.status.addItem(status_label(status.value), status.value)
        self.organization = QComboBox()
        self.organization.setObjectName("filter_organization")
        self.organization.setAccessibleName("Organization filter")
        self.organization.addItem("All organizations", None)
        self.request_type = QComboBox()
        self.request_type.setObjectName("filter_type")
        self.request_type.setAccessibleName("Request type filter")
        self.request_type.addItem("All request types", None)
        for rtype in RequestType:
            self.request_type.addItem(rtype.label, rtype.value)
        self.overdue = QCheckBox("Overdue only")
        self.overdue.setObjectName("filter_overdue")
        self.due_enabled = QCheckBox("Due by")
        self.due_enabled.setObjectName("filter_due_enabled")
        self.due_before = QDateEdit()
        self.due_before.setObjectName("filter_due_before")
        self.due_before.setAccessibleName("Due by date")
        self.due_before.setCalendarPopup(True)
        self.due_before.setDisplayFormat("yyyy-MM-dd")
        self.due_before.setDate(QDate.currentDate().addDays(7))
        self.due_before.setEnabled(False)
        # A lower bound on the due date comes only from the dashboard's tiles ("due today", "this
        # week"): shown as a removable chip rather than a second date field nobody else needs.
        self.due_from: dt.date | None = None
        self.due_from_chip = QToolButton()
        self.due_from_chip.setObjectName("filter_due_from")
        self.due_from_chip.setToolTip("Only cases due on or after this day; click to drop this condition")
        self.due_from_chip.hide()
        self.due_from_chip.clicked.connect(self.clear_due_from)
        self.saved = QComboBox()
        self.saved.setObjectName("saved_filters")
        self.saved.setAccessibleName("Saved filters")
        self.saved.setMinimumContentsLength(14)
        self.save_button = QToolButton()
        self.save_button.setText("Save filter…")
        self.save_button.setObjectName("save_filter")
        self.save_button.setToolTip("Keep the current filters under a name")
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear")
        self.clear_button.setObjectName("clear_filters")
        self.clear_button.setToolTip("Show every open case again")
        self.count_label = QLabel("")
        self.count_label.setObjectName("case_count")

        bar1 = QHBoxLayout()
        bar1.addWidget(self.search, 3)
        bar1.addWidget(QLabel("Saved:"))
        bar1.addWidget(self.saved, 1)
        bar1.addWidget(self.save_button)
        for combo in (self.status, self.organization, self.request_type):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        self.saved.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        # The filters wrap onto a second line on a narrow window instead of widening it.
        filters = flow_row(
            [
                self.status,
                self.organization,
                self.request_type,
                self.overdue,
                self.due_enabled,
                self.due_before,
                self.due_from_chip,
                self.clear_button,
            ]
        )
        bar2 = QHBoxLayout()
        bar2.addWidget(filters, 1)
        bar2.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignTop)

        services = page.window_
        self.model = CaseTableModel(
            lambda work, done: services.runner.run(work, done, page.show_error),
            lambda f: page.services.cases.count(f),
            lambda f, sort, desc: page.services.queue.page(f, sort, desc).rows,
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("case_table")
        self.table.setAccessibleName("Case queue")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.columns_menu)
        bold = QFont(self.table.font())
        bold.setBold(True)  # overdue dates are drawn bold, after the clock icon
        widths = {
            "due": QFontMetrics(bold).horizontalAdvance("2026-12-31 · overdue") + 48,
            "days": 100,
            "due_next": 190,
            "reference": 130,
            "consumer": 200,
            "types": 240,
            "status": 150,
            "organization": 100,
            "jurisdiction": 90,
            "channel": 80,
            "received": 100,
        }
        for i, (key, _, _) in enumerate(COLUMNS):
            header.resizeSection(i, widths.get(key, 120))
        header.setStretchLastSection(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        ui_settings.restore_header(header, HEADER_KEY)
        self.table.activated.connect(self.open_index)
        self.table.doubleClicked.connect(self.open_index)
        self.empty = QLabel("No cases match these filters.")
        self.empty.setObjectName("queue_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar1)
        layout.addLayout(bar2)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.apply)
        self.search.textChanged.connect(lambda _: self.timer.start())
        self.search.returnPressed.connect(self.apply)
        for combo in (self.status, self.organization, self.request_type):
            combo.currentIndexChanged.connect(lambda _: self.apply())
        self.overdue.toggled.connect(lambda _: self.apply())
        self.due_enabled.toggled.connect(self.due_before.setEnabled)
        self.due_enabled.toggled.connect(lambda _: self.apply())
        self.due_before.dateChanged.connect(lambda _: self.apply() if self.due_enabled.isChecked() else None)
        self.save_button.clicked.connect(self.save_filter)
        self.clear_button.clicked.connect(self.clear)
        self.saved.activated.connect(self.load_saved)
        self.model.count_changed.connect(self.show_count)
        self.saved_filters: dict[str, dict[str, Any]] = {}
        self._show_saved_names({})
        self._applying = False

    # -- filters ------------------------------------------------------------------------------
    def current_filter(self) -> CaseFilter:
        status = self.status.currentData()
        due = self.due_before.date().toPython() if self.due_enabled.isChecked() else None
        return CaseFilter(
            status=None if status in (None, "__open__") else status,
            open_only=status == "__open__",
            organization=self.organization.currentData(),
            request_type=self.request_type.currentData(),
            overdue=self.overdue.isChecked(),
            due_before=due if isinstance(due, dt.date) else None,
            due_from=self.due_from,
            search=self.search.text().strip() or None,
        )

    def apply(self) -> None:
        if self._applying or self.page.window_.services is None:
            return
        self.timer.stop()
        self.model.set_filter(self.current_filter())

    def set_filter_widgets(self, f: CaseFilter) -> None:
        self._applying = True
        try:
            self._select(self.status, "__open__" if f.open_only and not f.status else f.status)
            self._select(self.organization, f.organization)
            self._select(self.request_type, f.request_type)
            self.overdue.setChecked(f.overdue)
            self.due_enabled.setChecked(f.due_before is not None)
            if f.due_before is not None:
                self.due_before.setDate(QDate(f.due_before.year, f.due_before.month, f.due_before.day))
            self.search.setText(f.search or "")
            self._show_due_from(f.due_from)
        finally:
            self._applying = False
        self.apply()

    def _show_due_from(self, day: dt.date | None) -> None:
        self.due_from = day
        self.due_from_chip.setText(f"Due from {day.isoformat()}  ✕" if day else "")
        self.due_from_chip.setAccessibleName(f"Due from {day.isoformat()}; press to remove" if day else "")
        self.due_from_chip.setVisible(day is not None)

    def clear_due_from(self) -> None:
        self._show_due_from(None)
        self.apply()

    @staticmethod
    def _select(combo: QComboBox, value: Any) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(index if index >= 0 else 0)

    def clear(self) -> None:
        self.set_filter_widgets(CaseFilter(open_only=True))

    def set_organizations(self, slugs: list[str]) -> None:
        current = self.organization.currentData()
        self._applying = True
        self.organization.clear()
        self.organization.addItem("All organizations", None)
        for slug in slugs:
            self.organization.addItem(slug, slug)
        self._select(self.organization, current)
        self._applying = False

    def show_count(self, count: int) -> None:
        self.count_label.setText(f"{count:,} case{'s' if count != 1 else ''}")
        self.empty.setVisible(count == 0)

    # -- saved filters ------------------------------------------------------------------------
    # Kept in the database per account (a search is often a consumer's name): never in the
    # settings file. Filters saved there by an earlier privdesk are moved into the database.
    def _saved_filters(self) -> SavedFilterService | None:
        services = self.page.window_.services
        return SavedFilterService(services.ctx) if services is not None else None

    def load_saved_names(self) -> None:
        store = self._saved_filters()
        if store is None:
            self._show_saved_names({})
            return
        legacy = ui_settings.get_json(SAVED_FILTERS_KEY, None)

        def work() -> dict[str, dict[str, Any]]:
            if isinstance(legacy, dict) and legacy:
                store.save_many({str(k): v for k, v in legacy.items() if isinstance(v, dict)})
            return store.all()

        def done(filters: dict[str, dict[str, Any]]) -> None:
            if legacy is not None:
                ui_settings.remove(SAVED_FILTERS_KEY)  # the clear-text copy goes once it is in the database
            self._show_saved_names(filters)

        self.page.call(work, done, write=True)

    def _show_saved_names(self, filters: dict[str, dict[str, Any]]) -> None:
        self.saved_filters = filters
        current = self.saved.currentData()
        self.saved.clear()
        self.saved.addItem("—", None)
        for name in sorted(filters):
            self.saved.addItem(name, name)
        self._select(self.saved, current)

    def save_filter(self) -> None:
        name, ok = QInputDialog.getText(self, "Save filter", "Name for these filters:")
        store = self._saved_filters()
        if not ok or not name.strip() or store is None:
            return
        label, data = name.strip(), filter_to_json(self.current_filter())

        def saved(_result: object) -> None:
            self.saved_filters[label] = data
            self._show_saved_names(self.saved_filters)
            self._select(self.saved, label)

        self.page.call(lambda: store.save(label, data), saved, write=True)

    def load_saved(self, index: int) -> None:
        name = self.saved.itemData(index)
        if name is None:
            return
        data = self.saved_filters.get(name)
        if isinstance(data, dict):
            self.set_filter_widgets(filter_from_json(data))

    # -- columns ------------------------------------------------------------------------------
    def columns_menu(self, pos: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for i, (_, title, _) in enumerate(COLUMNS):
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.setEnabled(i != REFERENCE_COLUMN)  # the reference always stays
            action.toggled.connect(lambda checked, col=i: header.setSectionHidden(col, not checked))
        menu.exec(header.mapToGlobal(pos))

    def open_index(self, index: QModelIndex) -> None:
        row = self.model.data(self.model.index(index.row(), 0), ROW_ROLE)
        if row is not None:
            self.page.open_case(row.reference)

    def save_state(self) -> None:
        ui_settings.save_header(self.table.horizontalHeader(), HEADER_KEY)


def filter_to_json(f: CaseFilter) -> dict[str, Any]:
    data = dataclasses.asdict(f)
    data["due_before"] = f.due_before.isoformat() if f.due_before else None
    data["due_from"] = f.due_from.isoformat() if f.due_from else None
    data.pop("limit", None)
    data.pop("offset", None)
    return data


def filter_from_json(data: dict[str, Any]) -> CaseFilter:
    known = {f.name for f in dataclasses.fields(CaseFilter)} - {"limit", "offset"}
    values = {k: v for k, v in data.items() if k in known}
    for key in ("due_before", "due_from"):
        if values.get(key):
            try:
                values[key] = dt.date.fromisoformat(values[key])
            except ValueError:
                values[key] = None
    return CaseFilter(**values)


def _case_view_module() -> object | None:
    """The case view's module if it was loaded (no case tab can exist before it is)."""
    return sys.modules.get("privdesk.ui.pages.case_view")


class CasesPage(Page):
    title = "Cases"
    icon_name = "cases"

    def __init__(self, window: PageHost) -> None:
        super().__init__(window)
        self.queue = QueueWidget(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("case_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.addTab(self.queue, icon("cases"), "Queue")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._first = True

    def refresh(self) -> None:
        view = self.current_case_view()
        if view is not None:
            view.reload()
            return
        if self._first:
            self._first = False
            self.queue.set_filter_widgets(CaseFilter(open_only=True))
            self.queue.load_saved_names()
        else:
            self.queue.apply()
        self.call(lambda: [o.slug for o in self.services.organizations.list()], self.queue.set_organizations)

    def apply_filters(self, **values: Any) -> None:
        self._first = False
        self.tabs.setCurrentIndex(0)
        self.queue.set_filter_widgets(CaseFilter(**values))

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.queue.search.setFocus()
        self.queue.search.selectAll()

    # -- case tabs ----------------------------------------------------------------------------
    def current_case_view(self) -> CaseView | None:
        if _case_view_module() is None:
            return None  # no case was ever opened: the queue shows without loading the case view
        from privdesk.ui.pages.case_view import CaseView

        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, CaseView) else None

    def case_views(self) -> list[CaseView]:
        if _case_view_module() is None:
            return []
        from privdesk.ui.pages.case_view import CaseView

        return [w for i in range(self.tabs.count()) if isinstance(w := self.tabs.widget(i), CaseView)]

    def open_case(self, reference: str) -> CaseView:
        from privdesk.ui.pages.case_view import CaseView

        for view in self.case_views():
            if view.reference == reference:
                self.tabs.setCurrentWidget(view)
                return view
        view = CaseView(self, reference)
        index = self.tabs.addTab(view, reference)
        self.tabs.setTabToolTip(index, reference)
        # A plain ×: the style's own close button is a red box in some themes and reads as an error.
        close = QToolButton()
        close.setObjectName("close_case_tab")
        close.setIcon(icon("close"))
        close.setAutoRaise(True)
        close.setToolTip("Close this case's tab (Ctrl+W)")
        close.setAccessibleName("Close tab")
        close.clicked.connect(lambda: self.close_tab(self.tabs.indexOf(view)))
        self.tabs.tabBar().setTabButton(index, self.tabs.tabBar().ButtonPosition.RightSide, close)
        self.tabs.setCurrentIndex(index)
        view.reload()
        return view

    def case_not_found(self, view: CaseView) -> None:
        """A case asked for that does not exist: its tab goes, one line says so."""
        index = self.tabs.indexOf(view)
        if index > 0:
            self.close_tab(index)
        self.window_.statusBar().showMessage(
            f"No case {view.reference}: check the number (for example 52 or PD-2026-000052), or search "
            "by name, email or phone with Ctrl+K.",
            10_000,
        )

    def adopt_reference(self, view: CaseView) -> CaseView:
        """``view`` learnt its full reference: if another tab shows that case, keep that one."""
        for other in self.case_views():
            if other is not view and other.reference == view.reference:
                index = self.tabs.indexOf(view)
                self.tabs.setCurrentWidget(other)
                if index > 0:
                    self.close_tab(index)
                return other
        return view

    def close_tab(self, index: int) -> None:
        if index == 0:
            return
        widget = self.tabs.widget(index)
        self.tabs.removeTab(index)
        if widget is not None:
            widget.deleteLater()

    def close_current_tab(self) -> None:
        self.close_tab(self.tabs.currentIndex())

    def _tab_changed(self, _: int) -> None:
        self.window_.set_case_actions_enabled(self.current_case_view() is not None)

    def case_changed(self, case: CaseDTO) -> None:
        """A case was edited: keep the queue, the dashboard figures and the status bar in step."""
        for view in self.case_views():
            if view.reference == case.reference:
                index = self.tabs.indexOf(view)
                self.tabs.setTabText(index, f"{case.reference} · {case.consumer_name}")
        self.queue.apply()
        self.window_.update_next_deadline()

    # -- new case -----------------------------------------------------------------------------
    def new_case(self) -> None:
        from privdesk.ui.dialogs.new_case import NewCaseDialog

        services = self.services

        def with_choices(choices: tuple[list[Any], list[str]]) -> None:
            organizations, jurisdictions = choices
            if not organizations:
                QMessageBox.information(
                    self, "No organization yet", "Import an organization profile first (Organizations page)."
                )
                return
            new = NewCaseDialog.ask(self, organizations, jurisdictions, services.ctx.today())
            if new is not None:
                self.create_case(new)

        self.call(
            lambda: (services.organizations.list(), services.ctx.rulebook.jurisdictions()), with_choices
        )

    def create_case(self, new: NewCase) -> None:
        def created(case: CaseDTO) -> None:
            view = self.open_case(case.reference)
            view.note_created(case)
            self.case_changed(case)

        self.call(lambda: self.services.cases.create(new), created, write=True)

    def save_state(self) -> None:
        self.queue.save_state()
        for view in self.case_views():
            view.save_state()
