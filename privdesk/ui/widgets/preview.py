"""A preview pane for a case's documents and letters: PDFs page by page, images, text (emails, call notes),
with Save as… and Print…; other files say what they are and offer Save as…."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap, QTextDocument
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from privdesk.ui.widgets.elided import ElidedLabel


def kind_of(filename: str, content_type: str, data: bytes) -> str:
    """ "pdf", "image", "text" or "other", from the bytes first (a file name can lie)."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if (
        content_type.startswith("image/")
        or data[:8] in (b"\x89PNG\r\n\x1a\n",)
        or data[:3] == b"\xff\xd8\xff"
    ):
        return "image"
    name = filename.lower()
    if content_type.startswith("text/") or name.endswith((".txt", ".eml", ".csv", ".md")):
        return "text"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "other"
    return "text" if b"\x00" not in data[:4096] else "other"


class PreviewPane(QWidget):
    """``show_file(name, content_type, data)``; ``save_requested``/``print_requested`` go to the owner,
    which knows where to save (remembered folder) and what printing means (a letter becomes printed)."""

    save_requested = Signal()
    print_requested = Signal()

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview_pane")
        self.filename = ""
        self.data = b""
        self.kind = ""
        self.title = ElidedLabel(empty_text)
        self.title.setObjectName("preview_title")
        self.save_button = QPushButton("Save as…")
        self.save_button.setObjectName("preview_save")
        self.print_button = QPushButton("Print…")
        self.print_button.setObjectName("preview_print")
        self.save_button.clicked.connect(self.save_requested)
        self.print_button.clicked.connect(self.print_requested)
        self.document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setObjectName("preview_pdf")
        self.pdf_view.setDocument(self.document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        image_area = QScrollArea()
        image_area.setWidget(self.image)
        image_area.setWidgetResizable(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("preview_text")
        self.text.setReadOnly(True)
        self.other = QLabel(empty_text)
        self.other.setObjectName("preview_other")
        self.other.setWordWrap(True)
        self.other.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.other.setEnabled(False)
        self.stack = QStackedWidget()
        for widget in (self.other, self.pdf_view, image_area, self.text):
            self.stack.addWidget(widget)
        self._pages = {"other": self.other, "pdf": self.pdf_view, "image": image_area, "text": self.text}
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self._buffer: QBuffer | None = None
        self.clear()

    def clear(self, text: str | None = None) -> None:
        self.filename, self.data, self.kind = "", b"", ""
        self.document.close()
        self.stack.setCurrentWidget(self.other)
        if text is not None:
            self.other.setText(text)
        self.title.setText(self.other.text() if text is None else "")
        self.save_button.setEnabled(False)
        self.print_button.setEnabled(False)

    def show_file(self, filename: str, content_type: str, data: bytes, caption: str = "") -> None:
        self.filename, self.data = filename, data
        self.kind = kind_of(filename, content_type, data)
        self.title.setText(caption or filename)
        self.save_button.setEnabled(True)
        self.print_button.setEnabled(self.kind in ("pdf", "image", "text"))
        if self.kind == "pdf":
            self.document.close()
            self._buffer = QBuffer(self)
            self._buffer.setData(QByteArray(data))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document.load(self._buffer)
        elif self.kind == "image":
            image = QImage.fromData(data)
            self.image.setPixmap(QPixmap.fromImage(image))
        elif self.kind == "text":
            self.text.setPlainText(data.decode("utf-8", errors="replace"))
        else:
            self.other.setText(
                f"{filename}: {content_type or 'a file'} of {len(data):,} bytes cannot be shown here. "
                "Save it to open it with another program."
            )
        self.stack.setCurrentWidget(self._pages[self.kind])

    def page_count(self) -> int:
        return self.document.pageCount() if self.kind == "pdf" else (1 if self.data else 0)

    def on_save(self, slot: Callable[[], None]) -> None:
        self.save_requested.connect(slot)


def print_widget(pane: PreviewPane, printer: QPrinter) -> None:
    """An image scaled to the page, or the text as a document."""
    if pane.kind == "text":
        document = QTextDocument()
        document.setPlainText(pane.data.decode("utf-8", errors="replace"))
        document.print_(printer)
        return
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started")
    try:
        image = QImage.fromData(pane.data)
        target = painter.viewport()
        scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
        painter.drawImage(target.topLeft(), image.scaled(scaled))
    finally:
        painter.end()
