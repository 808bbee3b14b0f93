"""The box in the toolbar that opens anything by what the officer types (Ctrl+K): a case number ("52",
"PD-2026-52"), a name, an email, a phone number in any format; the cases opened last are offered as soon
as it has the focus."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from privdesk.ui import settings as ui_settings

RECENT_KEY = "open/recent"
RECENT_COUNT = 10
SEPARATOR = "  ·  "


def recent_items() -> list[str]:
    """ "PD-2026-000046  ·  Lorraine Castellanos", newest first."""
    stored = ui_settings.get_json(RECENT_KEY, [])
    return [s for s in stored if isinstance(s, str)][:RECENT_COUNT] if isinstance(stored, list) else []


def remember(reference: str, name: str) -> None:
    entry = f"{reference}{SEPARATOR}{name}" if name else reference
    kept = [s for s in recent_items() if s.split(SEPARATOR)[0] != reference]
    ui_settings.set_json(RECENT_KEY, [entry, *kept][:RECENT_COUNT])


class OpenBox(QLineEdit):
    """Emits ``wanted(text)`` on Enter or when a recent item is chosen (with its reference only)."""

    wanted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("open_box")
        self.setAccessibleName("Open a case, person or phone number")
        self.setPlaceholderText("Open: case number, name, email or phone  (Ctrl+K)")
        self.setToolTip(
            "Type a case number (52, PD-2026-52), a name, an email address or a phone number in any "
            "format, then Enter. The cases you opened last are listed as soon as you click here."
        )
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(200)
        self.setMaximumWidth(380)
        self.recent = QStringListModel(self)
        self.completer_ = QCompleter(self.recent, self)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer_.activated.connect(self._chosen)
        self.setCompleter(self.completer_)
        self.returnPressed.connect(self._entered)

    def load_recent(self) -> None:
        self.recent.setStringList(recent_items())

    def show_recent(self) -> None:
        self.load_recent()
        if self.recent.rowCount():
            self.completer_.setCompletionPrefix(self.text())
            self.completer_.complete()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if not self.text():
            QTimer.singleShot(0, self.show_recent)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self.completer_.popup()
        if event.key() == Qt.Key.Key_Down and not (popup is not None and popup.isVisible()):
            self.show_recent()
            return
        super().keyPressEvent(event)

    def _chosen(self, text: str) -> None:
        reference = text.split(SEPARATOR)[0].strip()
        self._chosen_now = True  # the Enter that chose it must not open the line a second time
        QTimer.singleShot(0, self._after_choice)
        self.wanted.emit(reference)

    def _after_choice(self) -> None:
        self._chosen_now = False
        self.clear()

    def _entered(self) -> None:
        if getattr(self, "_chosen_now", False):
            return
        text = self.text().strip()
        if text:
            self.wanted.emit(text)
