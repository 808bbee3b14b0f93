"""A save that met a newer stored version: what changed, field by field, and the officer's choice.

The officer sees each field that differs between their edit and what is stored now, who saved the
stored version and when (from the audit trail), and chooses to reapply their changes on top of the
new version or to discard them and reload.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class Choice(enum.Enum):
    REAPPLY = "reapply"
    DISCARD = "discard"


@dataclass(frozen=True)
class FieldDifference:
    label: str
    mine: str
    stored: str
    base: str | None = None  # what the officer started from, when known


@dataclass(frozen=True)
class ChangedBy:
    actor: str
    at: dt.datetime | None


def short(value: object, limit: int = 160) -> str:
    text = "—" if value in (None, "", [], ()) else str(value)
    text = text.replace("\n", ", ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ConflictDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        subject: str,
        action: str,
        differences: list[FieldDifference],
        changed_by: ChangedBy | None = None,
        mine_header: str = "Your value",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ConflictDialog")
        self.setWindowTitle("Changed elsewhere")
        self.choice = Choice.DISCARD
        who = ""
        if changed_by is not None:
            when = f" on {changed_by.at:%Y-%m-%d at %H:%M}" if changed_by.at else ""
            who = f" {changed_by.actor} saved a newer version{when}."
        intro = QLabel(
            f"<b>{subject} was changed by someone else while you were editing it,</b> so {action} "
            f"was not saved.{who}"
        )
        intro.setObjectName("conflict_intro")
        intro.setWordWrap(True)
        has_base = any(d.base is not None for d in differences)
        headers = ["Field", mine_header, "Stored now"] + (["You started from"] if has_base else [])
        self.table = QTableWidget(len(differences), len(headers), self)
        self.table.setObjectName("conflict_fields")
        self.table.setAccessibleName("Differences between your values and the stored values")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for row, diff in enumerate(differences):
            values = [diff.label, diff.mine, diff.stored] + ([diff.base or "—"] if has_base else [])
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col in range(1, len(headers)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        if not differences:
            self.table.hide()
        question = QLabel(
            "Reapply my changes: save your values over the stored version (fields you did not change "
            "keep the other person's values).\nDiscard mine: drop your edit and show the stored version."
        )
        question.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.reapply_button = QPushButton("Reapply my changes")
        self.reapply_button.setObjectName("reapply_button")
        self.discard_button = QPushButton("Discard mine")
        self.discard_button.setObjectName("discard_button")
        buttons.addButton(self.reapply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.reapply_button.clicked.connect(lambda: self._choose(Choice.REAPPLY))
        self.discard_button.clicked.connect(lambda: self._choose(Choice.DISCARD))
        self.reapply_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(question)
        layout.addWidget(buttons)
        self.resize(760, 360 if differences else 200)

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        if choice is Choice.REAPPLY:
            self.accept()
        else:
            self.reject()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        subject: str,
        action: str,
        differences: list[FieldDifference],
        changed_by: ChangedBy | None = None,
        mine_header: str = "Your value",
    ) -> Choice:
        dialog = cls(parent, subject, action, differences, changed_by, mine_header)
        dialog.exec()
        return dialog.choice
