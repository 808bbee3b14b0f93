"""The case queue as a lazy table model: it knows the row count and fetches pages of rows on demand.

Rows not fetched yet show a placeholder; a page arrives from a worker and the view repaints it. A
generation number drops pages that arrive after the filter or the sort order changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont

from privdesk.domain.types import ItemStatus, RequestType, label_of
from privdesk.services.dto import CaseFilter, CaseRow
from privdesk.ui.icons import icon
from privdesk.ui.theme import Tone, theme_watcher, tone_color

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

# (id, header, sort key or None)
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("due", "Next due", "due"),
    ("days", "Days left / late", "due"),
    ("due_next", "Due next", None),
    ("reference", "Reference", "reference"),
    ("consumer", "Consumer", "consumer"),
    ("types", "Requests", None),
    ("status", "Status", "status"),
    ("organization", "Organization", "organization"),
    ("jurisdiction", "Jurisdiction", "jurisdiction"),
    ("channel", "Channel", "channel"),
    ("received", "Received", "received"),
)


def status_label(code: str) -> str:
    return label_of(code, ItemStatus)


def type_label(code: str) -> str:
    try:
        return RequestType(code).label
    except ValueError:
        return code


def column_of(key: str) -> int:
    return next(i for i, (name, _, _) in enumerate(COLUMNS) if name == key)


REFERENCE_COLUMN = column_of("reference")


def days_words(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return "due today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} late"


def due_text(row: CaseRow) -> str:
    if row.next_due_on is None:
        return "—"
    day = row.next_due_on.isoformat()
    if row.overdue:
        return f"{day} · overdue"
    if row.due_soon:
        return f"{day} · due soon"
    return day


class CaseTableModel(QAbstractTableModel):
    """``fetch_count(filter)`` and ``fetch_page(filter, sort, descending)`` are run by ``runner``."""

    count_changed = Signal(int)
    page_loaded = Signal(int)  # offset

    def __init__(
        self,
        run: Callable[[Callable[[], Any], Callable[[Any], None]], object],
        fetch_count: Callable[[CaseFilter], int],
        fetch_page: Callable[[CaseFilter, str, bool], list[CaseRow]],
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._run = run
        self._fetch_count = fetch_count
        self._fetch_page = fetch_page
        self.filter = CaseFilter()
        self.sort_key = "due"
        self.descending = False
        self._count = 0
        self._pages: dict[int, list[CaseRow]] = {}
        self._pending: set[int] = set()
        self._generation = 0
        self._started = False  # nothing is fetched before the first filter is set
        self.loading = False
        self._due_brushes: dict[str, QBrush] = {}
        theme_watcher().changed.connect(self._palette_changed)

    # -- colours ------------------------------------------------------------------------------
    def due_brush(self, tone: Tone) -> QBrush:
        """The overdue / due-soon text colour for the current palette, readable on its Base."""
        brush = self._due_brushes.get(tone.name)
        if brush is None:
            brush = self._due_brushes[tone.name] = QBrush(tone_color(tone))
        return brush

    def _palette_changed(self) -> None:
        self._due_brushes.clear()
        if self._count:
            roles = [Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.DecorationRole]
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, 0), roles)

    # -- loading ------------------------------------------------------------------------------
    def set_filter(self, filters: CaseFilter) -> None:
        self.filter = dataclasses.replace(filters, limit=None, offset=0)
        self._started = True
        self.reload()

    def reload(self) -> None:
        if not self._started:
            return
        self._generation += 1
        generation = self._generation
        filters = self.filter
        self.loading = True
        sort, descending = self.sort_key, self.descending

        def work() -> tuple[int, list[CaseRow]]:
            # Count and first page together: the table shows real rows as soon as it has a size.
            count = self._fetch_count(filters)
            first = self._fetch_page(
                dataclasses.replace(filters, limit=PAGE_SIZE, offset=0), sort, descending
            )
            return count, first

        def done(result: tuple[int, list[CaseRow]]) -> None:
            if generation != self._generation:
                return
            count, first = result
            self.beginResetModel()
            self._count = count
            self._pages = {0: first}
            self._pending = set()
            self.endResetModel()
            self.loading = False
            self.count_changed.emit(count)
            self.page_loaded.emit(0)

        self._run(work, done)

    def _request_page(self, page: int) -> None:
        if page in self._pages or page in self._pending:
            return
        self._pending.add(page)
        generation = self._generation
        filters = dataclasses.replace(self.filter, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        sort, descending = self.sort_key, self.descending

        def done(rows: list[CaseRow]) -> None:
            if generation != self._generation:
                return
            self._pending.discard(page)
            self._pages[page] = rows
            first = page * PAGE_SIZE
            last = min(first + len(rows), self._count) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
            self.page_loaded.emit(first)

        self._run(lambda: self._fetch_page(filters, sort, descending), done)

    def row_at(self, row: int, *, fetch: bool = True) -> CaseRow | None:
        page, offset = divmod(row, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None:
            if fetch:
                self._request_page(page)
            return None
        return rows[offset] if offset < len(rows) else None

    # -- Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        row = self.row_at(index.row())
        column = COLUMNS[index.column()][0]
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole and column == "reference" else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == ROW_ROLE:
            return row
        if column == "days" and role == Qt.ItemDataRole.ForegroundRole and (row.overdue or row.due_soon):
            return self.due_brush(Tone.OVERDUE if row.overdue else Tone.DUE_SOON)
        if column == "days" and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column == "due":
            if role == Qt.ItemDataRole.DecorationRole:
                if row.overdue:
                    return icon("overdue")
                if row.due_soon:
                    return icon("due_soon")
                return None
            if role == Qt.ItemDataRole.ForegroundRole and (row.overdue or row.due_soon):
                return self.due_brush(Tone.OVERDUE if row.overdue else Tone.DUE_SOON)
            if role == Qt.ItemDataRole.FontRole and row.overdue:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                if row.overdue:
                    return "Overdue: the next step was due on " + (
                        row.next_due_on.isoformat() if row.next_due_on else ""
                    )
                if row.due_soon:
                    return "Due within the next 7 days"
        if role == Qt.ItemDataRole.ToolTipRole and column == "types":
            return "\n".join(type_label(t) for t in row.types)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(row, column)
        return None

    @staticmethod
    def _text(row: CaseRow, column: str) -> str:
        if column == "due":
            return due_text(row)
        if column == "days":
            return days_words(row.days_left)
        if column == "due_next":
            return row.due_next
        if column == "reference":
            return row.reference
        if column == "consumer":
            return row.consumer_name
        if column == "types":
            return ", ".join(type_label(t) for t in row.types)
        if column == "status":
            return status_label(row.status)
        if column == "organization":
            return row.organization
        if column == "jurisdiction":
            return row.jurisdiction
        if column == "channel":
            return row.channel.replace("_", " ")
        if column == "received":
            return row.received_on.isoformat()
        return ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][1]
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section][2] is None:
                return "This column cannot be sorted"
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][2]
        if key is None:
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
