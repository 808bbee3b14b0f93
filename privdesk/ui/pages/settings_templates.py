"""Settings › Letter templates: officers copy a bundled letter template, edit it, preview it with a real
case and save it as a new version in the database; the built-in text can be restored at any time.

Saving first renders the text with sample data (``services.letters.save_template``); a template that
fails names its line, the cursor goes there, and nothing is saved. Every save is a new version, kept
when the built-in text is restored, so the history stays readable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontDatabase, QPainter, QPaintEvent, QResizeEvent, QTextFormat
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.errors import DomainError, StoreError
from privdesk.services.dto import CaseFilter, CaseRow
from privdesk.ui.errors import show_error
from privdesk.ui.models.records import RECORD_ROLE, Column, RecordTableModel
from privdesk.ui.theme import Tone, tint, tone_color

if TYPE_CHECKING:
    from privdesk.services.hub import Services
    from privdesk.services.letters import TemplateInfoDTO, TemplateVersionDTO
    from privdesk.ui.pages.host import PageHost

FAMILY_LABELS = {
    "": "All jurisdictions",
    "ccpa": "California (CCPA)",
    "us_state_with_appeal": "US states with appeals",
    "us_state": "Other US states",
    "gdpr": "EU (GDPR)",
    "uk_gdpr": "UK (UK GDPR)",
    "stl": "Shine the Light",
}


def family_label(family: str) -> str:
    return FAMILY_LABELS.get(family, family)


def letter_label(info: TemplateInfoDTO) -> str:
    """The kind's title, with the jurisdictions when the wording is theirs alone."""
    return f"{info.title} ({family_label(info.family)})" if info.family else info.title


def in_use(info: TemplateInfoDTO) -> str:
    if info.version is None:
        return "Built-in"
    when = f", {info.edited_at:%Y-%m-%d}" if info.edited_at else ""
    return f"Version {info.version} by {info.edited_by}{when}"


def suits(family: str, jurisdiction: str) -> bool:
    """Whether a case of ``jurisdiction`` is a fitting sample for a template of ``family``."""
    if family in ("", "ccpa", "stl"):
        return jurisdiction == "US-CA"
    if family == "uk_gdpr":
        return jurisdiction == "GB"
    if family == "gdpr":
        return not jurisdiction.startswith("US-") and jurisdiction != "GB"
    return jurisdiction.startswith("US-") and jurisdiction != "US-CA"


class RevertConfirm:
    """Asks before the built-in text replaces an officer's version; tests replace ``ask``."""

    @classmethod
    def ask(cls, parent: QWidget, title: str) -> bool:
        answer = QMessageBox.question(
            parent,
            "privdesk: revert to the built-in template",
            f"Letters of the kind “{title}” will use the built-in text again from now on.\n\n"
            "Your saved versions stay in the history; letters already generated keep their wording.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes


class DiscardConfirm:
    """Asks before unsaved edits are dropped; tests replace ``ask``."""

    @classmethod
    def ask(cls, parent: QWidget) -> bool:
        answer = QMessageBox.question(
            parent,
            "privdesk: unsaved template",
            "Your edits to this template are not saved. Discard them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard


class LineNumberArea(QWidget):
    def __init__(self, editor: TemplateEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.line_number_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_line_numbers(event)


class TemplateEditor(QPlainTextEdit):
    """A monospace text editor with line numbers and the line of an error highlighted."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("template_editor")
        self.setAccessibleName("Template text")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabChangesFocus(True)
        self.numbers = LineNumberArea(self)
        self.error_line: int | None = None
        self.blockCountChanged.connect(lambda _: self._update_margin())
        self.updateRequest.connect(self._scroll_numbers)
        self.cursorPositionChanged.connect(self._highlight)
        self._update_margin()

    def line_number_width(self) -> int:
        digits = max(3, len(str(self.blockCount())))
        return 10 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_margin(self) -> None:
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)

    def _scroll_numbers(self, rect: QRect, dy: int) -> None:
        if dy:
            self.numbers.scroll(0, dy)
        else:
            self.numbers.update(0, rect.y(), self.numbers.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self.numbers.setGeometry(QRect(area.left(), area.top(), self.line_number_width(), area.height()))

    def paint_line_numbers(self, event: QPaintEvent) -> None:
        painter = QPainter(self.numbers)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(palette.ColorRole.AlternateBase))
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        current = self.textCursor().blockNumber()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                line = number + 1
                if line == self.error_line:
                    painter.setPen(tone_color(Tone.ERROR, palette, palette.ColorRole.AlternateBase))
                elif number == current:
                    painter.setPen(palette.color(palette.ColorRole.Text))
                else:
                    painter.setPen(palette.color(palette.ColorRole.PlaceholderText))
                painter.drawText(
                    0,
                    top,
                    self.numbers.width() - 5,
                    self.fontMetrics().height(),
                    Qt.AlignmentFlag.AlignRight,
                    str(line),
                )
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._highlight()  # the error line's wash is chosen for the palette

    def go_to_line(self, line: int) -> None:
        block = self.document().findBlockByNumber(max(line - 1, 0))
        cursor = self.textCursor()
        cursor.setPosition(block.position())
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus()

    def mark_error(self, line: int | None) -> None:
        self.error_line = line
        self._highlight()
        self.numbers.update()

    def _highlight(self) -> None:
        selections = []
        if self.error_line is not None:
            mark = QTextEdit.ExtraSelection()
            mark.format.setBackground(tint(Tone.ERROR))
            mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            mark.cursor = self.textCursor()
            block = self.document().findBlockByNumber(self.error_line - 1)
            mark.cursor.setPosition(block.position())
            selections.append(mark)
        self.setExtraSelections(selections)
        self.numbers.update()


class LetterTemplatesTab(QWidget):
    """The Settings tab: letter kinds, the version in use, the editor, the preview and the history."""

    def __init__(self, window: PageHost) -> None:
        super().__init__()
        self.window_ = window
        self.setObjectName("settings_templates")
        self.current: TemplateInfoDTO | None = None
        self.versions: list[TemplateVersionDTO] = []
        self.cases: list[CaseRow] = []
        self.editing = False  # the editor holds the officer's copy (not the text in use, read only)
        self.preview_buffer: QBuffer | None = None
        self._loading = 0  # answers for an earlier selection are dropped

        self.model = RecordTableModel(
            [
                Column("Letter", letter_label, tooltip=lambda t: f"{t.title}: {family_label(t.family)}"),
                Column("In use", in_use),
            ],
            self,
        )
        self.list = QTableView()
        self.list.setObjectName("template_list")
        self.list.setAccessibleName("Letter templates")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(False)
        self.list.verticalHeader().hide()
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.history = QListWidget()
        self.history.setObjectName("template_history")
        self.history.setAccessibleName("Versions of the selected template")
        self.history.setToolTip("Double-click a version to edit a copy of it")
        self.history.itemActivated.connect(self._version_chosen)

        self.title = QLabel("Choose a letter on the left.")
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.mode = QLabel("")
        self.mode.setObjectName("template_mode")
        self.mode.setWordWrap(True)
        self.copy_button = self._button("template_copy", "Copy and edit", self.copy_and_edit)
        self.preview_button = self._button("template_preview", "Preview", self.preview)
        self.save_button = self._button("template_save", "Save as new version", self.save)
        self.revert_button = self._button("template_revert", "Revert to built-in…", self.revert)
        self.case = QComboBox()
        self.case.setObjectName("template_preview_case")
        self.case.setAccessibleName("Case whose data the preview uses")
        self.case.setToolTip("The preview prints this case's data with the text in the editor")
        self.case.setMinimumContentsLength(22)
        self.case.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.editor = TemplateEditor()
        self.editor.setReadOnly(True)
        self.editor.cursorPositionChanged.connect(self._show_position)
        self.editor.textChanged.connect(self._text_changed)
        self.position = QLabel("")
        self.position.setObjectName("template_position")
        self.message = QLabel("")
        self.message.setObjectName("template_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setObjectName("template_pdf")
        self.pdf_view.setAccessibleName("Preview of the letter")
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf_view.setDocument(self.document)
        self.pdf_view.setMinimumWidth(260)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Letters"))
        left_layout.addWidget(self.list, 3)
        left_layout.addWidget(QLabel("Versions"))
        left_layout.addWidget(self.history, 1)
        buttons = QHBoxLayout()
        for button in (self.copy_button, self.preview_button, self.save_button, self.revert_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        preview_row = QHBoxLayout()
        preview_row.addWidget(QLabel("Preview with case:"))
        preview_row.addWidget(self.case, 1)
        editor_box = QWidget()
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.editor, 1)
        status = QHBoxLayout()
        status.addWidget(self.message, 1)
        status.addWidget(self.position, 0, Qt.AlignmentFlag.AlignTop)
        editor_layout.addLayout(status)
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addLayout(preview_row)
        preview_layout.addWidget(self.pdf_view, 1)
        inner = QSplitter(Qt.Orientation.Horizontal)
        inner.addWidget(editor_box)
        inner.addWidget(preview_box)
        inner.setStretchFactor(0, 3)
        inner.setStretchFactor(1, 2)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.mode)
        right_layout.addLayout(buttons)
        right_layout.addWidget(inner, 1)
        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.setObjectName("templates_splitter")
        outer.addWidget(left)
        outer.addWidget(right)
        outer.setStretchFactor(0, 2)
        outer.setStretchFactor(1, 5)
        outer.setSizes([420, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(outer)
        self._update_buttons()

    def _button(self, name: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # -- plumbing ---------------------------------------------------------------------------------
    @property
    def services(self) -> Services:
        services = self.window_.services
        assert services is not None, "the tab is refreshed only once the database is open"
        return services

    def call(self, work: Any, done: Any, *, write: bool = False, failed: Any = None) -> None:
        self.window_.runner.run(work, done, failed or (lambda exc: show_error(self, exc)), write=write)

    # -- loading ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.window_.services is None:
            return
        # ``services.letters`` loads ReportLab and the fonts on first use: on the worker, not here.
        services, cases = self.services, self.services.cases
        self.call(lambda: services.letters.templates(), self._listed)
        if not self.cases:
            self.call(lambda: cases.list(CaseFilter(limit=500)), self._cases)

    def _listed(self, templates: list[TemplateInfoDTO]) -> None:
        chosen = self.current
        self.list.blockSignals(True)
        self.model.set_records(templates)
        self.list.blockSignals(False)
        self.list.resizeColumnToContents(1)
        if chosen is not None:
            self.select(chosen.kind, chosen.family, reload=False)
            # the "in use" line of the chosen template may have changed
            self.current = next(
                (t for t in templates if (t.kind, t.family) == (chosen.kind, chosen.family)), chosen
            )
            self._describe()
            self._update_buttons()

    def _cases(self, rows: list[CaseRow]) -> None:
        self.cases = sorted(rows, key=lambda r: r.reference)
        self._fill_cases()

    def _fill_cases(self) -> None:
        family = self.current.family if self.current else ""
        rows = sorted(self.cases, key=lambda r: (not suits(family, r.jurisdiction), r.reference))
        chosen = self.case.currentData()
        self.case.blockSignals(True)
        self.case.clear()
        for row in rows:
            self.case.addItem(f"{row.reference} · {row.jurisdiction} · {row.organization}", row.reference)
        index = self.case.findData(chosen) if chosen and suits(family, self._jurisdiction(chosen)) else 0
        self.case.setCurrentIndex(max(index, 0))
        self.case.blockSignals(False)

    def _jurisdiction(self, reference: str) -> str:
        return next((r.jurisdiction for r in self.cases if r.reference == reference), "")

    def select(self, kind: str, family: str = "", *, reload: bool = True) -> bool:
        """Select the template of ``kind`` and ``family`` in the list (tests and links use it)."""
        for row, info in enumerate(self.model.records):
            if (info.kind, info.family) == (kind, family):
                if reload:
                    self.list.selectRow(row)
                else:
                    self.list.blockSignals(True)
                    self.list.selectionModel().blockSignals(True)
                    self.list.selectRow(row)
                    self.list.selectionModel().blockSignals(False)
                    self.list.blockSignals(False)
                return True
        return False

    def _selected(self) -> None:
        rows = self.list.selectionModel().selectedRows()
        info: TemplateInfoDTO | None = self.model.data(rows[0], RECORD_ROLE) if rows else None
        if info is None or (self.current is not None and (info.kind, info.family) == self._key()):
            return
        if self.editing and self.editor.document().isModified() and not DiscardConfirm.ask(self):
            if self.current is not None:
                self.select(self.current.kind, self.current.family, reload=False)
            return
        self.current = info
        self._fill_cases()
        self._load_text()

    def _key(self) -> tuple[str, str]:
        assert self.current is not None
        return self.current.kind, self.current.family

    def _load_text(self, message: str = "") -> None:
        """Show the text in use (read only) and the version history of the current template."""
        assert self.current is not None
        kind, family = self._key()
        letters = self.services.letters
        self._loading += 1
        loading = self._loading

        def work() -> tuple[str, list[TemplateVersionDTO]]:
            return letters.active_template(kind, family), letters.template_versions(kind, family)

        def done(result: tuple[str, list[TemplateVersionDTO]]) -> None:
            if loading != self._loading:
                return
            source, versions = result
            self.versions = versions
            self._set_text(source, editing=False)
            self.message.setText(message)
            self._fill_history()

        self.call(work, done)

    def _set_text(self, source: str, *, editing: bool) -> None:
        self.editing = editing
        self.editor.mark_error(None)
        self.editor.blockSignals(True)
        self.editor.setPlainText(source)
        self.editor.blockSignals(False)
        self.editor.document().setModified(False)
        self.editor.setReadOnly(not editing)
        self._show_position()
        self._describe()
        self._update_buttons()

    def _fill_history(self) -> None:
        self.history.clear()
        active = next((v for v in self.versions if v.active), None)
        for version in self.versions:
            label = (
                f"Version {version.version} · {version.created_by} · {version.created_at:%Y-%m-%d %H:%M}"
                + ("  (in use)" if version.active else "")
            )
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, version.version)
            self.history.addItem(item)
        built_in = QListWidgetItem("Built-in text" + ("  (in use)" if active is None else ""))
        built_in.setData(Qt.ItemDataRole.UserRole, None)
        self.history.addItem(built_in)

    def _describe(self) -> None:
        info = self.current
        if info is None:
            return
        self.title.setText(f"{info.title} — {family_label(info.family)}")
        if self.editing:
            self.mode.setText(
                "Editing your copy. Preview shows it with the chosen case's data; "
                "Save as new version puts it in use for letters generated from now on."
            )
        elif info.version is None:
            self.mode.setText("The built-in text is in use (read only). Copy and edit to change it.")
        else:
            self.mode.setText(
                f"Version {info.version} by {info.edited_by} is in use (read only). "
                "Copy and edit to change it, or revert to the built-in text."
            )

    def _update_buttons(self) -> None:
        chosen = self.current is not None
        self.copy_button.setEnabled(chosen and not self.editing)
        self.preview_button.setEnabled(chosen)
        self.save_button.setEnabled(chosen and self.editing)
        self.revert_button.setEnabled(
            chosen and self.current is not None and self.current.version is not None
        )

    def _show_position(self) -> None:
        cursor = self.editor.textCursor()
        self.position.setText(f"Line {cursor.blockNumber() + 1}, column {cursor.positionInBlock() + 1}")

    def _text_changed(self) -> None:
        if self.editor.error_line is not None:
            self.editor.mark_error(None)

    # -- actions ----------------------------------------------------------------------------------
    def copy_and_edit(self) -> None:
        if self.current is None:
            return
        self.editing = True
        self.editor.setReadOnly(False)
        self.editor.setFocus()
        self.message.setText("")
        self._describe()
        self._update_buttons()

    def _version_chosen(self, item: QListWidgetItem) -> None:
        number = item.data(Qt.ItemDataRole.UserRole)
        if self.current is None:
            return
        if self.editing and self.editor.document().isModified() and not DiscardConfirm.ask(self):
            return
        if number is None:
            kind, family = self._key()
            # The built-in text itself, read from the bundled file on a worker.

            def built_in() -> str:
                from privdesk.letters import default_template_source

                return default_template_source(kind, family)

            self.call(
                built_in,
                lambda source: self._copy_of(source, "the built-in text"),
            )
            return
        version = next(v for v in self.versions if v.version == number)
        self._copy_of(version.source, f"version {version.version}")

    def _copy_of(self, source: str, what: str) -> None:
        self._set_text(source, editing=True)
        self.editor.document().setModified(True)
        self.message.setText(f"Editing a copy of {what}. Save it as a new version to put it in use.")

    def preview(self) -> None:
        if self.current is None:
            return
        reference = self.case.currentData()
        if not reference:
            self.message.setText("There is no case to preview the letter with yet.")
            return
        kind = self.current.kind
        source = self.editor.toPlainText()
        letters = self.services.letters
        self.message.setText(f"Rendering the preview with {reference}…")
        self.call(
            lambda: letters.preview(reference, kind, source),
            lambda pdf: self._show_pdf(pdf, reference),
            failed=self._failure("No preview"),
        )

    def _show_pdf(self, pdf: bytes, reference: str) -> None:
        self.document.close()
        if self.preview_buffer is not None:
            self.preview_buffer.close()
            self.preview_buffer.deleteLater()
        self.preview_buffer = QBuffer(self)
        self.preview_buffer.setData(QByteArray(pdf))
        self.preview_buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self.preview_buffer)
        self.message.setText(f"Preview with the data of {reference} (nothing was stored).")

    def save(self) -> None:
        if self.current is None or not self.editing:
            return
        kind, family = self._key()
        source = self.editor.toPlainText()
        letters = self.services.letters
        self.message.setText("Checking and saving…")
        self.call(
            lambda: letters.save_template(kind, family, source),
            self._saved,
            write=True,
            failed=self._failure("Not saved"),
        )

    def _saved(self, version: int) -> None:
        self.editing = False
        self.editor.document().setModified(False)
        self._load_text(f"Saved as version {version}: letters generated from now on use it.")
        self.refresh()

    def _failure(self, outcome: str) -> Callable[[BaseException], None]:
        """Shows why an action failed: a template error names its line and the cursor goes there."""

        def failed(exc: BaseException) -> None:
            from privdesk.services.letters import TemplateError

            if isinstance(exc, TemplateError):
                where = f"line {exc.line}" if exc.line is not None else "the template"
                if exc.template:
                    where = f"{exc.template}, {where} (an included template)"
                elif exc.line is not None:
                    self.editor.mark_error(exc.line)
                    self.editor.go_to_line(exc.line)
                self.message.setText(f"⚠ {outcome}: {where}: {exc.problem}")
            elif isinstance(exc, DomainError) and not isinstance(exc, StoreError):
                # e.g. an empty template, or a role that may not change templates
                self.message.setText(f"⚠ {outcome}: {exc}")
            else:
                self.message.setText("")
                show_error(self, exc)

        return failed

    def revert(self) -> None:
        if self.current is None or self.current.version is None:
            return
        if not RevertConfirm.ask(self, self.current.title):
            return
        kind, family = self._key()
        letters = self.services.letters

        def done(_: Any) -> None:
            self.editing = False
            self._load_text("The built-in text is in use again; your versions stay in the history.")
            self.refresh()

        self.call(
            lambda: letters.reset_template(kind, family),
            done,
            write=True,
            failed=self._failure("Not reverted"),
        )
