"""Import a web form's CSV export: choose, once, which column holds what. The choice is kept in the
database by the import (one memory for every desk and the command line), so the next export of the same
form opens with it filled in."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from privdesk.ui import settings as ui_settings

NONE = "(not in this file)"


@dataclass(frozen=True)
class WebFormChoice:
    organization: str
    mapping: dict[str, str]


class WebFormDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        filename: str,
        columns: list[str],
        fields: dict[str, str],
        required: tuple[str, ...],
        start: dict[str, str],
        remembered: bool,
        organizations: list[tuple[str, str]],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import web form requests")
        self.setObjectName("web_form_dialog")
        self.columns = columns
        self.required = required
        self.fields = fields
        intro = QLabel(
            f"<b>{filename}</b>: {len(columns)} columns. Say which column holds what; each row becomes an "
            "item in the Inbox. "
            + (
                "These columns were mapped before: the same choice is filled in."
                if remembered
                else "The choice below is a guess from the column names: check it."
            )
        )
        intro.setWordWrap(True)
        self.organization = QComboBox()
        self.organization.setObjectName("web_form_organization")
        for slug, name in organizations:
            self.organization.addItem(name, slug)
        last = ui_settings.get_json("webform/organization", "")
        if isinstance(last, str) and self.organization.findData(last) >= 0:
            self.organization.setCurrentIndex(self.organization.findData(last))
        form = QFormLayout()
        form.addRow("Organization the form belongs to:", self.organization)
        self.combos: dict[str, QComboBox] = {}
        for key, caption in fields.items():
            combo = QComboBox()
            combo.setObjectName(f"web_form_{key}")
            combo.addItem(NONE, "")
            for column in columns:
                combo.addItem(column, column)
            combo.setCurrentIndex(max(combo.findData(start.get(key, "")), 0))
            combo.currentIndexChanged.connect(lambda _=0: self._check())
            self.combos[key] = combo
            form.addRow(caption + (" *" if key in required else "") + ":", combo)
        self.problem_label = QLabel("")
        self.problem_label.setObjectName("web_form_problem")
        self.problem_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import the rows")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self._check()

    def mapping(self) -> dict[str, str]:
        return {key: combo.currentData() for key, combo in self.combos.items() if combo.currentData()}

    def problem(self) -> str:
        missing = [self.fields[k] for k in self.required if k not in self.mapping()]
        if missing:
            return "Choose the column for: " + ", ".join(missing) + "."
        if self.organization.currentData() is None:
            return "Add the organization first (Organizations page)."
        return ""

    def _check(self) -> None:
        text = self.problem()
        self.problem_label.setText(text)
        self.ok_button.setEnabled(not text)

    def accept(self) -> None:
        if self.problem():
            return
        ui_settings.set_json("webform/organization", self.organization.currentData())
        super().accept()

    def choice(self) -> WebFormChoice:
        return WebFormChoice(str(self.organization.currentData()), self.mapping())

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        filename: str,
        columns: list[str],
        fields: dict[str, str],
        required: tuple[str, ...],
        start: dict[str, str],
        remembered: bool,
        organizations: list[tuple[str, str]],
    ) -> WebFormChoice | None:
        dialog = cls(parent, filename, columns, fields, required, start, remembered, organizations)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
