"""The print run: many letters as one PDF to print, one PDF per letter, an address sheet and labels.

Runs in a worker thread; ``progress(done, total)`` is called as letters are prepared and laid out,
and ``cancelled()`` is polled between letters: when it returns True, ``Cancelled`` is raised.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from privdesk.domain.errors import DomainError
from privdesk.domain.letterdata import LetterData
from privdesk.letters import fonts
from privdesk.letters.layout import PreparedLetter, build_pdf
from privdesk.letters.renderer import prepare

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


class Cancelled(DomainError):
    """The batch was cancelled before it finished; nothing was produced."""

    def __init__(self) -> None:
        super().__init__("letter batch cancelled")


@dataclass(frozen=True)
class BatchResult:
    combined_pdf: bytes  # every letter, each from a new sheet, for printing
    per_letter: list[tuple[str, bytes]]  # (``<reference>-<kind>.pdf``, PDF) in the combined order
    address_sheet_pdf: bytes  # a plain list of the recipients, in the same order
    labels_pdf: bytes  # Avery 5160 address labels, in the same order


# Avery 5160 / 8160: US Letter, 3 columns x 10 rows of 2 5/8 x 1 in labels.
LABEL_COLUMNS = 3
LABEL_ROWS = 10
LABEL_WIDTH = 2.625 * inch
LABEL_HEIGHT = 1.0 * inch
LABEL_TOP_MARGIN = 0.5 * inch
LABEL_LEFT_MARGIN = 0.1875 * inch
LABEL_COLUMN_PITCH = 2.75 * inch  # label width + 1/8 in gutter
LABEL_PADDING = 0.15 * inch

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def letter_filename(data: LetterData) -> str:
    """``<reference>-<kind>.pdf``, with anything unsafe for a file name replaced."""
    return _UNSAFE_FILENAME.sub("_", f"{data.reference}-{data.kind}") + ".pdf"


def letter_title(data: LetterData) -> str:
    """The document title a letter's PDF carries: its reference and what it is (no personal data)."""
    from privdesk.letters.catalog import LETTER_KINDS

    info = LETTER_KINDS.get(data.kind)
    return f"{data.reference} {info.title if info else data.kind}"


def print_order(letters: Sequence[LetterData]) -> list[LetterData]:
    """By organization, then case reference, then kind: one organization's letters go out together."""
    return sorted(letters, key=lambda d: (d.letterhead.org_name.casefold(), d.reference, d.kind))


def render_batch(
    letters: Sequence[LetterData],
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
    template_sources: dict[str, str] | None = None,
) -> BatchResult:
    """Render a print run. ``template_sources`` maps a kind to an edited template (else bundled)."""
    ordered = print_order(letters)
    total = len(ordered)
    steps = total * 2  # preparing and laying out each letter (the per-letter files are cut from it)
    done = 0

    def step() -> None:
        nonlocal done
        if cancelled is not None and cancelled():
            raise Cancelled()
        done += 1
        if progress is not None:
            progress(min(done, steps), steps)

    sources = template_sources or {}
    prepared: list[PreparedLetter] = []
    for data in ordered:
        prepared.append(prepare(data, sources.get(data.kind)))
        step()
    if cancelled is not None and cancelled():
        raise Cancelled()
    pages: list[int] = []
    combined = build_pdf(prepared, between=lambda index: step(), page_counts=pages) if prepared else b""
    per_letter = [
        (letter_filename(p.data), pdf)
        for p, pdf in zip(prepared, split_pdf(combined, pages) if prepared else [], strict=True)
    ]
    addresses = [d.recipient.all_lines() for d in ordered]
    references = [d.reference for d in ordered]
    return BatchResult(combined, per_letter, address_sheet(addresses, references), labels(addresses))


def split_pdf(
    combined: bytes, page_counts: Sequence[int], titles: Sequence[str] | None = None
) -> list[bytes]:
    """The combined print file cut back into one PDF per letter, without laying anything out again;
    each one PDF/A-2b (``privdesk.letters.pdfa``), the form a letter is stored in."""
    from privdesk.letters import pdfa

    return pdfa.split_archival(combined, page_counts, titles or [""] * len(page_counts))


def _new_canvas(stream: io.BytesIO, title: str) -> Canvas:
    fonts.register_fonts()
    canvas = Canvas(stream, pagesize=LETTER, invariant=1, initialFontName=fonts.REGULAR)
    canvas.setTitle(title)
    return canvas


def labels(addresses: Sequence[Sequence[str]]) -> bytes:
    """Avery 5160 labels, filled row by row; long lines are shrunk to fit the label."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    stream = io.BytesIO()
    canvas = _new_canvas(stream, "Address labels")
    _, page_height = LETTER
    per_page = LABEL_COLUMNS * LABEL_ROWS
    usable = LABEL_WIDTH - 2 * LABEL_PADDING
    for index, lines in enumerate(addresses):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        row, column = divmod(slot, LABEL_COLUMNS)
        left = LABEL_LEFT_MARGIN + column * LABEL_COLUMN_PITCH + LABEL_PADDING
        top = LABEL_TOP_MARGIN + row * LABEL_HEIGHT
        size = 9.0
        while size > 6 and (
            len(lines) * size * 1.15 > LABEL_HEIGHT - 2 * 0.08 * inch
            or any(stringWidth(x, fonts.REGULAR, size) > usable for x in lines)
        ):
            size -= 0.5
        block_height = len(lines) * size * 1.15
        y = page_height - top - (LABEL_HEIGHT - block_height) / 2 - size
        canvas.setFont(fonts.REGULAR, size)
        for line in lines:
            canvas.drawString(left, y, line)
            y -= size * 1.15
    canvas.showPage()
    canvas.save()
    return stream.getvalue()


def address_sheet(addresses: Sequence[Sequence[str]], references: Sequence[str]) -> bytes:
    """A plain numbered list of recipients with their case references (for the post book)."""
    stream = io.BytesIO()
    canvas = _new_canvas(stream, "Address sheet")
    width, height = LETTER
    top_margin, bottom_margin, left = 0.75 * inch, 0.75 * inch, 0.75 * inch
    y = height - top_margin

    def heading() -> float:
        canvas.setFont(fonts.BOLD, 12)
        canvas.drawString(left, height - top_margin, f"Addresses ({len(addresses)} letters)")
        return float(height - top_margin - 24)

    y = heading()
    for number, (lines, reference) in enumerate(zip(addresses, references, strict=True), start=1):
        needed = (len(lines) + 1) * 12
        if y - needed < bottom_margin:
            canvas.showPage()
            y = heading()
        canvas.setFont(fonts.BOLD, 9)
        canvas.drawString(left, y, f"{number}.")
        canvas.setFont(fonts.REGULAR, 8)
        canvas.drawRightString(width - left, y, reference)
        canvas.setFont(fonts.REGULAR, 10)
        for line in lines:
            canvas.drawString(left + 0.35 * inch, y, line)
            y -= 12
        y -= 10
    canvas.showPage()
    canvas.save()
    return stream.getvalue()
