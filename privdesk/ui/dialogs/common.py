"""Shared parts of the dialogs: a form with OK/Cancel that refuses incomplete input with a message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from privdesk.ui.theme import emphasize

if TYPE_CHECKING:
    from privdesk.services.dto import OrganizationDTO


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def date_edit(day: dt.date, name: str, *, latest: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit(qdate(day))
    edit.setObjectName(name)
    edit.setAccessibleName(name.replace("_", " "))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if latest is not None:
        edit.setMaximumDate(qdate(latest))
    return edit


def to_date(edit: QDateEdit) -> dt.date:
    value = edit.date().toPython()
    assert isinstance(value, dt.date)
    return value


class FormDialog(QDialog):
    """A titled form; ``problem()`` names what is missing, shown in place, and blocks OK.

    ``ok_text`` names what the OK button does ("Create the case"), so the officer knows before pressing."""

    def __init__(self, parent: QWidget | None, title: str, intro: str = "", *, ok_text: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(type(self).__name__)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.message = QLabel("")
        self.message.setObjectName("form_problem")
        self.message.setWordWrap(True)
        emphasize(self.message)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok_text:
            self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def problem(self) -> str:
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.message.setText(problem)
            self.message.show()
            return
        super().accept()


def fit_checklist(checklist: QListWidget) -> None:
    """A list of check boxes as tall as its entries, so none hides below a scroll bar in a long form."""
    checklist.ensurePolished()  # the style and font in use decide the rows' height
    rows = sum(checklist.sizeHintForRow(row) for row in range(checklist.count()))
    checklist.setMaximumHeight(16_777_215)
    checklist.setFixedHeight(rows + 2 * checklist.frameWidth() + 4)


def organization_combo(organizations: Sequence[OrganizationDTO], selected: str | None) -> QComboBox:
    """A choice of organization by display name and slug; the slug is the item's data."""
    combo = QComboBox()
    combo.setObjectName("organization")
    combo.setAccessibleName("Organization")
    for org in organizations:
        combo.addItem(f"{org.display_name} ({org.slug})", org.slug)
    if selected:
        combo.setCurrentIndex(max(combo.findData(selected), 0))
    return combo
