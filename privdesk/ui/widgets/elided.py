"""A one-line label that never widens its window: when there is less room than its text needs, it ends
in "…" and the whole text is its tooltip (and its accessible name), so nothing is lost by shrinking."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    MIN_CHARS = 8  # what it keeps at the least, so a squeezed label still says something

    def __init__(self, text: str = "", parent: QWidget | None = None, *, tip: str = "") -> None:
        super().__init__(parent)
        self._full = ""
        self._tip = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setText(text, tip=tip)

    # The full text stays reachable: text() is what the officer would read with room enough.
    def text(self) -> str:
        return self._full

    def setText(self, text: str, *, tip: str | None = None) -> None:
        self._full = text
        if tip is not None:
            self._tip = tip
        super().setText(text)
        self.setAccessibleName(text)
        self._update_tip()
        self.updateGeometry()
        self.update()

    def full_tip(self) -> str:
        return self._tip

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self._full) > self.contentsRect().width()

    def shown_text(self) -> str:
        """What is painted now: the text, or its start and "…" when the label is narrower."""
        return self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )

    def _update_tip(self) -> None:
        # Shrunk, the tooltip starts with the whole text; the extra explanation (legal basis) follows.
        parts = [self._full] if self.is_elided() else []
        if self._tip:
            parts.append(self._tip)
        super().setToolTip("<br>".join(parts) if self._tip and parts else "".join(parts))

    def setToolTip(self, tip: str) -> None:
        self._tip = tip
        self._update_tip()

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        width = metrics.horizontalAdvance(self._full) + margins.left() + margins.right() + 2
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        width = metrics.horizontalAdvance(self._full[: self.MIN_CHARS] + "…")
        return QSize(min(width, self.sizeHint().width()), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tip()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setFont(self.font())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(
            self.contentsRect(), int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), self.shown_text()
        )
        painter.end()
