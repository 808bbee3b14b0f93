"""Table models of the Reports screen: the request log, the §7102 metrics, the workload tables and the
retention preview. Each is read-only and holds the report's own rows (plain dataclasses)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from privdesk.domain import reports as rep
from privdesk.services.retention import PurgeCandidate

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
# The cell's value before formatting (an int, a float, a date or None): for sorting and checks.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class ReportColumn:
    header: str
    value: Callable[[Any], Any]
    numeric: bool = False
    tooltip: str = ""


def cell_text(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}"
    return str(value)


class ReportTableModel(QAbstractTableModel):
    """Rows of one report; each column reads one value of a row."""

    columns: Sequence[ReportColumn] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(column.value(row))
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and not column.numeric:
            return cell_text(column.value(row)) or None  # the whole text where the column cuts it short
        if role == VALUE_ROLE:
            return column.value(row)
        if role == ROW_ROLE:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip
        return None


class RequestLogModel(ReportTableModel):
    """The §7101 request log: one row per request item received in the period."""

    columns = (
        ReportColumn("Reference", lambda r: r.reference),
        ReportColumn("Organization", lambda r: r.organization),
        ReportColumn("Jurisdiction", lambda r: r.jurisdiction),
        ReportColumn("Received", lambda r: r.received_on),
        ReportColumn("Request", lambda r: r.nature),
        ReportColumn("Manner", lambda r: r.channel),
        ReportColumn("Responded", lambda r: r.responded_on),
        ReportColumn("Response", lambda r: r.response),
        ReportColumn("Basis for denial", lambda r: r.denial_basis or None),
        ReportColumn("Extended on", lambda r: r.extended_on),
        ReportColumn("Personal data purged", lambda r: r.purged),
    )


class MetricsModel(ReportTableModel):
    """The §7102 yearly metrics: one row per kind of request."""

    columns = (
        ReportColumn("Request", lambda r: r.label),
        ReportColumn("Received", lambda r: r.received, numeric=True),
        ReportColumn("Complied with\n(whole or part)", lambda r: r.complied, numeric=True),
        ReportColumn("Denied", lambda r: r.denied, numeric=True),
        ReportColumn(
            "Denied:\nnot verifiable",
            lambda r: r.denied_unverifiable,
            numeric=True,
            tooltip="The requester's identity could not be verified",
        ),
        ReportColumn("Denied:\nnot a consumer", lambda r: r.denied_not_consumer, numeric=True),
        ReportColumn(
            "Denied:\nexempt",
            lambda r: r.denied_exempt,
            numeric=True,
            tooltip="An exemption in law, including information kept to comply with a legal obligation",
        ),
        ReportColumn("Denied:\nother", lambda r: r.denied_other, numeric=True),
        ReportColumn(
            "Neither complied\nnor denied",
            lambda r: r.neither,
            numeric=True,
            tooltip="Withdrawn, redirected, nothing to act on, or still open",
        ),
        ReportColumn("Median days\nto respond", lambda r: r.median_days, numeric=True),
        ReportColumn("Mean days\nto respond", lambda r: r.mean_days, numeric=True),
    )


@dataclass(frozen=True)
class TypeWorkload:
    """A request type's answering time and on-time rate, side by side."""

    request_type: str
    label: str
    responded: int
    mean_days: float | None
    on_time: int
    timed: int

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.timed, 1) if self.timed else None


def type_workloads(report: rep.WorkloadReport, on_time: dict[str, tuple[int, int]]) -> list[TypeWorkload]:
    averages = {t.request_type: t for t in report.per_type}
    codes = sorted(set(averages) | set(on_time), key=rep.type_label)
    rows = []
    for code in codes:
        average = averages.get(code)
        punctual, timed = on_time.get(code, (0, 0))
        rows.append(
            TypeWorkload(
                code,
                rep.type_label(code),
                average.responded if average else 0,
                average.mean_days if average else None,
                punctual,
                timed,
            )
        )
    return rows


class TypeWorkloadModel(ReportTableModel):
    columns = (
        ReportColumn("Request type", lambda r: r.label),
        ReportColumn("Answered", lambda r: r.responded, numeric=True),
        ReportColumn("Average days", lambda r: r.mean_days, numeric=True),
        ReportColumn(
            "On time",
            lambda r: f"{r.on_time} of {r.timed}" if r.timed else None,
            numeric=True,
            tooltip="Answered on or before the due date (the extended one once extended)",
        ),
        ReportColumn("On time %", lambda r: r.on_time_percent, numeric=True),
    )


class OfficerLoadModel(ReportTableModel):
    columns = (
        ReportColumn("Officer", lambda r: r.officer or "(unknown)"),
        ReportColumn("Cases", lambda r: r.cases, numeric=True),
        ReportColumn("Open", lambda r: r.open_cases, numeric=True),
    )


class OverdueModel(ReportTableModel):
    columns = (
        ReportColumn("Reference", lambda r: r.reference),
        ReportColumn("Organization", lambda r: r.organization),
        ReportColumn("Request", lambda r: rep.type_label(r.request_type)),
        ReportColumn("Due", lambda r: r.due),
        ReportColumn("Days late", lambda r: r.days_overdue, numeric=True),
        ReportColumn("Logged by", lambda r: r.logged_by),
    )


class PurgeCandidateModel(ReportTableModel):
    """Closed cases past their retention period (to purge, or kept by a legal hold)."""

    columns = (
        ReportColumn("Reference", lambda c: c.reference),
        ReportColumn("Organization", lambda c: c.organization),
        ReportColumn("Closed", lambda c: c.closed_on),
        ReportColumn("Kept for (months)", lambda c: c.retention_months, numeric=True),
        ReportColumn("Kept until", lambda c: c.keep_until),
        ReportColumn("Legal hold", lambda c: c.legal_hold),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and 0 <= index.row() < len(self.rows):
            candidate: PurgeCandidate = self.rows[index.row()]
            return candidate.why
        return super().data(index, role)
