"""A letter that came by post, scanned: the pages, the day it arrived (the legal clock starts then), the
postmark, the sender, and the envelope when it was scanned too. Pages are previewed before saving.

``ScanPreview`` also shows the stored pages of a letter selected in the inbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPointF, Qt
from PySide6.QtGui import QImage, QImageReader, QPixmap, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from privdesk.services.dto import OrganizationDTO
from privdesk.services.intake import ScannedLetter, scan_problem
from privdesk.ui.dialogs.common import FormDialog, date_edit, organization_combo, to_date
from privdesk.ui.widgets.files import open_file, open_files

SCAN_FILTER = "Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)"
MAX_PREVIEW_PAGES = 200  # a preview, not an archive: the stored original keeps every page
PREVIEW_WIDTH = 560


@dataclass
class _Page:
    source: str  # the file or document name, for the page label
    image: QImage | None = None
    pdf: QPdfDocument | None = None
    index: int = 0


def load_pdf(name: str, data: bytes, parent: QObject | None = None) -> QPdfDocument | str:
    """The PDF ready to show, or why it cannot be."""
    document = QPdfDocument(parent) if parent is not None else QPdfDocument()
    buffer = QBuffer(document)  # lives as long as the document that reads from it
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        document.deleteLater()
        return f"'{name}' is not a PDF that can be read (it may be damaged or password-protected)."
    return document


def load_images(name: str, data: bytes) -> list[QImage] | str:
    """Every page of an image file (several for a multi-page TIFF), or why it cannot be read."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    try:
        return _read_pages(reader, f"'{name}' is not an image that can be read (PDF, PNG, JPEG or TIFF)")
    finally:
        del reader  # the reader goes before the buffer it reads from
        buffer.close()


def _read_pages(reader: QImageReader, refused: str) -> list[QImage] | str:
    reader.setAutoTransform(True)
    if not reader.canRead():
        return refused + "."
    images: list[QImage] = []
    for number in range(min(max(reader.imageCount(), 1), MAX_PREVIEW_PAGES)):
        if number and not reader.jumpToImage(number):
            break
        image = reader.read()
        if image.isNull():
            if not images:
                return f"{refused}: {reader.errorString()}."
            break
        images.append(image)
    return images


def decode_problem(name: str, data: bytes) -> str | None:
    """None when the file's pages really decode; otherwise a message naming the file."""
    if data[:5] == b"%PDF-":
        document = load_pdf(name, data)
        if isinstance(document, str):
            return document
        document.deleteLater()
        return None
    images = load_images(name, data)
    return images if isinstance(images, str) else None


class ScanPreview(QWidget):
    """Pages of one or more scans (PDF through QPdfView, images incl. multi-page TIFF) with page buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scan_preview")
        self.pages: list[_Page] = []
        self.current = -1
        self._documents: list[QPdfDocument] = []
        self.image = QLabel()
        self.image.setObjectName("scan_image")
        self.image.setAccessibleName("Scanned page")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_scroll = QScrollArea()
        self.image_scroll.setWidget(self.image)
        self.image_scroll.setWidgetResizable(True)
        self.pdf_view = QPdfView()
        self.pdf_view.setObjectName("scan_pdf_view")
        self.pdf_view.setPageMode(QPdfView.PageMode.SinglePage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.empty = QLabel("No page to show.")
        self.empty.setObjectName("scan_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        for widget in (self.empty, self.image_scroll, self.pdf_view):
            self.stack.addWidget(widget)
        self.previous_button = QPushButton("◀ Previous page")
        self.previous_button.setObjectName("scan_previous")
        self.previous_button.clicked.connect(lambda: self.show_page(self.current - 1))
        self.next_button = QPushButton("Next page ▶")
        self.next_button.setObjectName("scan_next")
        self.next_button.clicked.connect(lambda: self.show_page(self.current + 1))
        self.page_label = QLabel("")
        self.page_label.setObjectName("scan_page")
        nav = QHBoxLayout()
        nav.addWidget(self.previous_button)
        nav.addStretch(1)
        nav.addWidget(self.page_label)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addLayout(nav)
        self._update_nav()

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def clear(self, text: str = "No page to show.") -> None:
        self.pages = []
        self.current = -1
        for document in self._documents:
            document.deleteLater()
        self._documents = []
        self.empty.setText(text)
        self.stack.setCurrentWidget(self.empty)
        self._update_nav()

    def set_documents(self, documents: Sequence[tuple[str, bytes]]) -> list[str]:
        """Show these files' pages from the first; the problems of those that cannot be shown."""
        self.clear()
        problems = [p for name, data in documents if (p := self.add_document(name, data))]
        if self.pages:
            self.show_page(0)
        elif problems:
            self.empty.setText("\n".join(problems))
        return problems

    def add_document(self, name: str, data: bytes) -> str | None:
        """Append the pages of one PDF or image file; a message instead when it cannot be read."""
        pages = self._pdf_pages(name, data) if data[:5] == b"%PDF-" else self._image_pages(name, data)
        if isinstance(pages, str):
            return pages
        room = MAX_PREVIEW_PAGES - len(self.pages)
        self.pages.extend(pages[: max(room, 0)])
        self._update_nav()
        return None

    def _pdf_pages(self, name: str, data: bytes) -> list[_Page] | str:
        document = load_pdf(name, data, self)
        if isinstance(document, str):
            return document
        self._documents.append(document)
        return [_Page(name, pdf=document, index=n) for n in range(document.pageCount())]

    @staticmethod
    def _image_pages(name: str, data: bytes) -> list[_Page] | str:
        images = load_images(name, data)
        if isinstance(images, str):
            return images
        return [_Page(name, image=image, index=n) for n, image in enumerate(images)]

    def show_page(self, number: int) -> None:
        if not 0 <= number < len(self.pages):
            return
        self.current = number
        page = self.pages[number]
        if page.pdf is not None:
            if self.pdf_view.document() is not page.pdf:
                self.pdf_view.setDocument(page.pdf)
            self.pdf_view.pageNavigator().jump(page.index, QPointF(), 0)
            self.stack.setCurrentWidget(self.pdf_view)
        elif page.image is not None:
            self._fit_image(page.image)
            self.stack.setCurrentWidget(self.image_scroll)
        self._update_nav()

    def _fit_image(self, image: QImage) -> None:
        """The page as wide as the pane (scrolled vertically), never enlarged."""
        bar = self.image_scroll.verticalScrollBar().sizeHint().width()
        room = self.image_scroll.viewport().width() - bar - 4
        width = min(image.width(), room if room > 100 else PREVIEW_WIDTH)
        pixmap = QPixmap.fromImage(image)
        if width < pixmap.width():
            pixmap = pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.image.setPixmap(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if 0 <= self.current < len(self.pages) and (image := self.pages[self.current].image) is not None:
            self._fit_image(image)

    def _update_nav(self) -> None:
        count = len(self.pages)
        self.previous_button.setEnabled(self.current > 0)
        self.next_button.setEnabled(0 <= self.current < count - 1)
        if count and self.current >= 0:
            source = self.pages[self.current].source
            self.page_label.setText(f"Page {self.current + 1} of {count} ({source})")
        else:
            self.page_label.setText("")


class ScannedLetterDialog(FormDialog):
    """Collects the scan and its dates; ``letter()`` gives what the intake service stores."""

    def __init__(
        self,
        parent: QWidget | None,
        organizations: Sequence[OrganizationDTO],
        today: dt.date,
        max_bytes: int,
        organization: str | None = None,
    ) -> None:
        super().__init__(
            parent,
            "Log a letter received by post",
            "Add the scanned pages and the day the letter arrived: the legal clock starts on that day, "
            "not on the postmark.",
            ok_text="Add to the inbox",
        )
        self.today = today
        self.max_bytes = max_bytes
        self.files: list[tuple[str, bytes]] = []
        self.envelope: tuple[str, bytes] | None = None
        self.organization = organization_combo(organizations, organization)
        self.file_list = QListWidget()
        self.file_list.setObjectName("scan_files")
        self.file_list.setAccessibleName("Scanned pages, in order")
        self.file_list.setMaximumHeight(90)
        self.file_list.currentRowChanged.connect(self._preview_file)
        add = QPushButton("Add scans…")
        add.setObjectName("add_scans")
        add.clicked.connect(self.choose_files)
        remove = QPushButton("Remove")
        remove.setObjectName("remove_scan")
        remove.clicked.connect(self.remove_current)
        file_buttons = QHBoxLayout()
        file_buttons.addWidget(add)
        file_buttons.addWidget(remove)
        file_buttons.addStretch(1)
        files_box = QVBoxLayout()
        files_box.addWidget(self.file_list)
        files_box.addLayout(file_buttons)
        self.received = date_edit(today, "received", latest=today)
        self.received.setAccessibleName("Received on")
        self.has_postmark = QCheckBox("Postmark readable:")
        self.has_postmark.setObjectName("has_postmark")
        self.postmark = date_edit(today, "postmark", latest=today)
        self.postmark.setEnabled(False)
        self.has_postmark.toggled.connect(self.postmark.setEnabled)
        self.sender_name = QLineEdit()
        self.sender_name.setObjectName("sender_name")
        self.sender_name.setAccessibleName("Sender's name")
        self.sender_address = QPlainTextEdit()
        self.sender_address.setObjectName("sender_address")
        self.sender_address.setAccessibleName("Sender's address")
        self.sender_address.setMaximumHeight(70)
        self.envelope_label = QLabel("none")
        self.envelope_label.setObjectName("envelope_file")
        envelope_button = QPushButton("Choose…")
        envelope_button.setObjectName("choose_envelope")
        envelope_button.clicked.connect(self.choose_envelope)
        envelope_row = QHBoxLayout()
        envelope_row.addWidget(self.envelope_label, 1)
        envelope_row.addWidget(envelope_button)
        self.transcript = QPlainTextEdit()
        self.transcript.setObjectName("transcript")
        self.transcript.setAccessibleName("What the letter says")
        self.transcript.setPlaceholderText(
            "Optional: type what the letter asks; it is used to suggest the request types."
        )
        self.transcript.setMaximumHeight(90)
        self.form.addRow("Organization:", self.organization)
        self.form.addRow("Scanned pages:", files_box)
        self.form.addRow("Received on:", self.received)
        self.form.addRow(self.has_postmark, self.postmark)
        self.form.addRow("Sender's name:", self.sender_name)
        self.form.addRow("Sender's address:", self.sender_address)
        self.form.addRow("Envelope scan:", envelope_row)
        self.form.addRow("What it says:", self.transcript)
        self.preview = ScanPreview()
        self.preview.setMinimumWidth(380)
        # The form on the left, the preview on the right.
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.removeItem(self.form)
        form_host = QWidget()
        form_host.setLayout(self.form)
        splitter = QSplitter()
        splitter.addWidget(form_host)
        splitter.addWidget(self.preview)
        layout.insertWidget(layout.count() - 2, splitter, 1)
        self.resize(1000, 640)

    # -- files ----------------------------------------------------------------------------------
    def choose_files(self) -> None:
        paths = open_files(self, "scans", "Add scanned pages", SCAN_FILTER)
        self.add_files(paths)

    def add_files(self, paths: Sequence[str]) -> list[str]:
        """Add the readable scans; each refused file gets its own line in the message."""
        problems = []
        for path in paths:
            name, data, problem = self._read(path)
            if problem is None:
                self.files.append((name, data))
                self.file_list.addItem(name)
            else:
                problems.append(problem)
        if self.files and paths:
            self.file_list.setCurrentRow(len(self.files) - 1)
        self._say(problems)
        return problems

    def _read(self, path: str) -> tuple[str, bytes, str | None]:
        name = Path(path).name
        try:
            size = Path(path).stat().st_size
            if size > self.max_bytes:
                limit = self.max_bytes // (1024 * 1024)
                return name, b"", f"'{name}' is {size // (1024 * 1024)} MB, over the {limit} MB limit."
            data = Path(path).read_bytes()
        except OSError as exc:
            return name, b"", f"'{name}' cannot be read: {exc.strerror or type(exc).__name__}."
        problem = scan_problem(data, f"'{name}'")
        if problem is None:
            problem = decode_problem(name, data)  # the header is right; does the content decode?
        return name, data, problem

    def remove_current(self) -> None:
        row = self.file_list.currentRow()
        if 0 <= row < len(self.files):
            del self.files[row]
            self.file_list.takeItem(row)
            if not self.files:
                self.preview.clear()

    def _preview_file(self, row: int) -> None:
        if 0 <= row < len(self.files):
            self.preview.set_documents([self.files[row]])

    def choose_envelope(self) -> None:
        path = open_file(self, "scans", "Envelope scan", SCAN_FILTER)
        if path:
            self.set_envelope(path)

    def set_envelope(self, path: str) -> str | None:
        name, data, problem = self._read(path)
        if problem is None:
            self.envelope = (name, data)
            self.envelope_label.setText(name)
            self.preview.set_documents([self.envelope])
        self._say([problem] if problem else [])
        return problem

    def _say(self, problems: list[str]) -> None:
        self.message.setText("\n".join(problems))
        self.message.setVisible(bool(problems))

    # -- result ---------------------------------------------------------------------------------
    def problem(self) -> str:
        if not self.files:
            return "Add the scanned pages of the letter."
        if self.organization.currentData() is None:
            return "Choose the organization the letter was sent to."
        if to_date(self.received) > self.today:
            return "The received date cannot be in the future."
        return ""

    def letter(self) -> ScannedLetter:
        return ScannedLetter(
            organization=str(self.organization.currentData()),
            received_on=to_date(self.received),
            pages=[data for _, data in self.files],
            sender_name=self.sender_name.text().strip(),
            sender_address=self.sender_address.toPlainText().strip(),
            postmark_on=to_date(self.postmark) if self.has_postmark.isChecked() else None,
            envelope=self.envelope[1] if self.envelope else None,
            transcript=self.transcript.toPlainText().strip(),
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        organizations: Sequence[OrganizationDTO],
        today: dt.date,
        max_bytes: int,
        organization: str | None = None,
    ) -> ScannedLetter | None:
        dialog = cls(parent, organizations, today, max_bytes, organization)
        return dialog.letter() if dialog.exec() else None
