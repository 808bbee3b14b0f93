"""Consumers: search, each person's request history, possible duplicates with reasons, merge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from privdesk.services.consumers import CandidateDTO
from privdesk.services.dto import CaseRow, ConsumerDTO
from privdesk.ui import settings as ui_settings
from privdesk.ui.models.case_table import due_text, status_label, type_label
from privdesk.ui.models.records import RECORD_ROLE, Column, RecordTableModel
from privdesk.ui.pages.base import Page
from privdesk.ui.widgets.records import table

if TYPE_CHECKING:
    from privdesk.ui.pages.host import PageHost


class MergeConfirm:
    @classmethod
    def ask(cls, parent: QWidget, keep: ConsumerDTO, other: CandidateDTO) -> bool:
        answer = QMessageBox.warning(
            parent,
            "Merge consumers",
            f"Merge consumer #{other.consumer_id} ({other.name}) into #{keep.id} ({keep.full_name})?\n\n"
            f"Their cases ({', '.join(other.case_references) or 'none'}) move to #{keep.id}. "
            "Merging cannot be undone from this screen.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes


class ConsumersPage(Page):
    title = "Consumers"
    icon_name = "consumers"

    def __init__(self, window: PageHost) -> None:
        super().__init__(window)
        self.search = QLineEdit()
        self.search.setObjectName("consumer_search")
        self.search.setAccessibleName("Search consumers")
        self.search.setPlaceholderText("Search by name, email or phone")
        self.search.setClearButtonEnabled(True)
        self.people = RecordTableModel(
            [
                Column("Name", lambda c: c.full_name),
                Column("Email", lambda c: c.email),
                Column("Phone", lambda c: c.phone),
                Column("Cases", lambda c: c.case_count),
                Column("Address", lambda c: c.postal_address.replace("\n", ", ")),
            ],
            self,
        )
        self.people_view = table(
            "consumer_table",
            self.people,
            "No one found. A person is added here when a case is logged for them.",
        )
        self.history = RecordTableModel(
            [
                Column("Reference", lambda r: r.reference),
                Column("Received", lambda r: r.received_on),
                Column("Requests", lambda r: ", ".join(type_label(t) for t in r.types)),
                Column("Status", lambda r: status_label(r.status)),
                Column("Next due", due_text),
                Column("Organization", lambda r: r.organization),
            ],
            self,
        )
        self.history_view = table(
            "consumer_history", self.history, "Select a person on the left to see their requests.", refit=True
        )
        self.history_view.activated.connect(self._open_case)
        self.history_view.doubleClicked.connect(self._open_case)
        self.candidates = RecordTableModel(
            [
                Column("Consumer", lambda c: f"#{c.consumer_id} {c.name}"),
                Column("Score", lambda c: f"{c.score:.2f}" + (" (strong)" if c.strong else "")),
                Column("Why", lambda c: "; ".join(c.reasons), tooltip=lambda c: "\n".join(c.reasons)),
                Column("Cases", lambda c: ", ".join(c.case_references)),
            ],
            self,
        )
        self.candidates_view = table(
            "consumer_candidates", self.candidates, "Nobody else on file looks like this person.", refit=True
        )
        self.merge_button = QPushButton("Merge the selected person into this one…")
        self.merge_button.setObjectName("merge_button")
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge)
        self.detail = QLabel("Select a person to see their requests.")
        self.detail.setObjectName("consumer_detail")
        self.detail.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail)
        history_box = QGroupBox("Requests from this person (double-click to open)")
        QVBoxLayout(history_box).addWidget(self.history_view)
        candidates_box = QGroupBox("Possibly the same person")
        candidates_layout = QVBoxLayout(candidates_box)
        candidates_layout.addWidget(self.candidates_view)
        candidates_layout.addWidget(self.merge_button, 0, Qt.AlignmentFlag.AlignLeft)
        right_layout.addWidget(history_box, 2)
        right_layout.addWidget(candidates_box, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.people_view)
        self.splitter = QSplitter()
        self.splitter.setObjectName("consumers_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([520, 600])
        ui_settings.restore_splitter(self.splitter, "consumers")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.splitter)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _: self.timer.start())
        self.people_view.selectionModel().selectionChanged.connect(self._selected)
        self.candidates_view.selectionModel().selectionChanged.connect(
            lambda *_: self.merge_button.setEnabled(self.candidates_view.selectionModel().hasSelection())
        )
        self.current: ConsumerDTO | None = None

    def refresh(self) -> None:
        term = self.search.text().strip() or None
        self.call(lambda: self.services.consumers.list(search=term), self.people.set_records)

    def _selected(self, selected: QItemSelection, _: QItemSelection) -> None:
        rows = self.people_view.selectionModel().selectedRows()
        if not rows:
            return
        person: ConsumerDTO = self.people.data(rows[0], RECORD_ROLE)
        self.show_person(person)

    def show_person(self, person: ConsumerDTO) -> None:
        self.current = person
        flags = [
            x
            for x in (
                "CA residency stated" if person.ca_residency_attested else "",
                "minor" if person.is_minor else "",
            )
            if x
        ]
        self.detail.setText(
            f"<b>{person.full_name}</b> (consumer #{person.id})" + (f" · {', '.join(flags)}" if flags else "")
        )
        pid = person.id
        self.call(lambda: self.services.queue.history(pid), self.history.set_records)
        self.call(lambda: self.services.consumers.candidates(pid), self.candidates.set_records)

    def _open_case(self, index: Any) -> None:
        row: CaseRow = self.history.data(self.history.index(index.row(), 0), RECORD_ROLE)
        self.window_.open_case(row.reference)

    def merge(self) -> None:
        rows = self.candidates_view.selectionModel().selectedRows()
        if not rows or self.current is None:
            return
        other: CandidateDTO = self.candidates.data(rows[0], RECORD_ROLE)
        keep = self.current
        if not MergeConfirm.ask(self, keep, other):
            return

        def merged(person: ConsumerDTO) -> None:
            self.window_.statusBar().showMessage(f"Merged into consumer #{person.id}", 5000)
            self.refresh()
            self.show_person(person)

        self.call(lambda: self.services.consumers.merge(keep.id, other.consumer_id), merged, write=True)

    def save_state(self) -> None:
        ui_settings.save_splitter(self.splitter, "consumers")
