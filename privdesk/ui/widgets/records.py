"""The read-only record list every page uses: one line per record, fitted columns, an empty-list hint."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from privdesk.ui.models.records import RecordTableModel


class RecordView(QTableView):
    """A read-only list of records: one line per row, columns fitted to their content when the first rows
    arrive, and a hint in the empty list saying what to do. Later loads keep the officer's widths, unless
    ``refit``: a list that shows another person's records on each load fits each time."""

    WIDEST = 280  # a fitted column stops here; the full text is one resize away

    def __init__(self, empty_hint: str = "", *, refit: bool = False) -> None:
        super().__init__()
        self.empty_hint = empty_hint
        self.refit = refit
        self.fitted = False

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        model.modelReset.connect(self._reset)

    def showing_hint(self) -> bool:
        model = self.model()
        return bool(self.empty_hint) and model is not None and model.rowCount() == 0

    def _reset(self) -> None:
        if (self.refit or not self.fitted) and self.model().rowCount() > 0:
            self.fit_columns()
            self.fitted = True
        self.viewport().update()

    def fit_columns(self) -> None:
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        for column in range(header.count() - 1):  # the last one stretches
            header.resizeSection(column, min(header.sectionSize(column), self.WIDEST))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.showing_hint():
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(16, 16, -16, -16)
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            painter.drawText(area, int(flags), self.empty_hint)
            painter.end()


def table(name: str, model: RecordTableModel, empty_hint: str = "", *, refit: bool = False) -> RecordView:
    view = RecordView(empty_hint, refit=refit)
    view.setObjectName(name)
    view.setAccessibleName(name.replace("_", " ").capitalize())
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)  # one line per record: a wrapped cell showed half of two lines
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.horizontalHeader().setStretchLastSection(True)
    return view
