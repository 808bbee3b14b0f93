"""ReportLab layout: letterhead, window addresses, body blocks, signature, "Page x of y" footers.

One document can hold many letters (the batch print file): each letter starts on a new sheet with its
own letterhead, and page numbers count within the letter. The footer needs the letter's page count,
so pages are held back by ``_NumberedCanvas`` and written when the document is saved.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from privdesk.domain.errors import ValidationError
from privdesk.domain.letterdata import LetterData
from privdesk.letters import fonts, geometry
from privdesk.letters.geometry import PageGeometry
from privdesk.letters.templating import (
    Block,
    BulletBlock,
    HeadingBlock,
    PageBreakBlock,
    ParagraphBlock,
    RuleBlock,
    SignatureBlock,
    TableBlock,
    TemplateError,
    escape_value,
    format_date,
)

INK = colors.HexColor("#1d1d1f")
ACCENT = colors.HexColor("#1f3a5f")
MUTED = colors.HexColor("#5f6368")
RULE = colors.HexColor("#b8c2cc")
TABLE_HEAD = colors.HexColor("#e8edf3")


@dataclass(frozen=True)
class PreparedLetter:
    """A letter whose template has been rendered and checked; ready to lay out."""

    data: LetterData
    blocks: tuple[Block, ...]
    template_name: str
    date_style: str


# --- styles -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Styles:
    body: ParagraphStyle
    heading: ParagraphStyle
    bullet: ParagraphStyle
    cell: ParagraphStyle
    head_cell: ParagraphStyle
    signature: ParagraphStyle
    small: ParagraphStyle


def _make_styles() -> _Styles:
    fonts.register_fonts()
    body = ParagraphStyle(
        "body",
        fontName=fonts.REGULAR,
        fontSize=geometry.BODY_SIZE,
        leading=geometry.BODY_LEADING,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=geometry.PARAGRAPH_SPACE,
        bulletFontName=fonts.REGULAR,  # ReportLab's default is an unembedded Helvetica
    )
    return _Styles(
        body=body,
        heading=ParagraphStyle(
            "heading",
            parent=body,
            fontName=fonts.BOLD,
            fontSize=geometry.HEADING_SIZE,
            leading=geometry.HEADING_SIZE * 1.3,
            textColor=ACCENT,
            spaceBefore=6,
            spaceAfter=4,
            keepWithNext=0,  # not kept with a whole table (a page-1 gap); CondPageBreak keeps room
        ),
        bullet=ParagraphStyle(
            "bullet", parent=body, leftIndent=16, bulletIndent=4, spaceAfter=3, bulletFontName=fonts.REGULAR
        ),
        cell=ParagraphStyle(
            "cell", parent=body, fontSize=geometry.TABLE_SIZE, leading=geometry.TABLE_SIZE * 1.3, spaceAfter=0
        ),
        head_cell=ParagraphStyle(
            "head_cell",
            parent=body,
            fontName=fonts.BOLD,
            fontSize=geometry.TABLE_SIZE,
            leading=geometry.TABLE_SIZE * 1.3,
            spaceAfter=0,
            textColor=ACCENT,
        ),
        signature=ParagraphStyle("signature", parent=body, spaceAfter=0, leading=geometry.BODY_SIZE * 1.2),
        small=ParagraphStyle(
            "small",
            parent=body,
            fontSize=geometry.SMALL_SIZE,
            leading=geometry.SMALL_SIZE * 1.35,
            textColor=MUTED,
            spaceAfter=0,
        ),
    )


_styles: _Styles | None = None


def styles() -> _Styles:
    global _styles
    if _styles is None:
        _styles = _make_styles()
    return _styles


# --- page furniture -----------------------------------------------------------------------------


def _fit_lines(
    lines: Sequence[str],
    font: str,
    size: float,
    min_size: float,
    width: float,
    height: float,
    leading_factor: float = 1.2,
) -> float:
    """The largest type size (down to ``min_size``) at which ``lines`` fit the box; raises if none."""
    while size >= min_size:
        fits_width = all(stringWidth(line, font, size) <= width for line in lines)
        if fits_width and len(lines) * size * leading_factor <= height + 0.01:
            return size
        size -= 0.5
    raise ValidationError(
        "the address does not fit the envelope window: shorten the lines or use fewer lines"
    )


def _draw_lines(
    canvas: Canvas,
    lines: Sequence[str],
    font: str,
    size: float,
    left: float,
    top: float,
    page_height: float,
    leading_factor: float = 1.2,
    right_aligned: bool = False,
) -> float:
    """Draw text lines downward from ``top`` (top-left coordinates); returns the top of the next line."""
    leading = size * leading_factor
    y = top
    canvas.setFont(font, size)
    for line in lines:
        baseline = page_height - (y + size * 0.93)
        if right_aligned:
            canvas.drawRightString(left, baseline, line)
        else:
            canvas.drawString(left, baseline, line)
        y += leading
    return y


def _draw_letterhead(canvas: Canvas, data: LetterData, g: PageGeometry) -> None:
    head = data.letterhead
    box = g.letterhead
    right = box.right
    top = box.top
    if head.logo_path:
        try:
            from reportlab.lib.utils import ImageReader

            image = ImageReader(head.logo_path)
            iw, ih = image.getSize()
            scale = min(geometry.LOGO_MAX_WIDTH / iw, geometry.LOGO_MAX_HEIGHT / ih)
            w, h = iw * scale, ih * scale
            canvas.drawImage(image, right - w, g.height - top - h, w, h, mask="auto")
            top += h + 6
        except OSError:
            raise ValidationError("the letterhead logo cannot be read") from None
    canvas.setFillColor(ACCENT)
    try:
        name_size = _fit_lines([head.org_name], fonts.BOLD, geometry.ORG_NAME_SIZE, 10, box.width, 100)
        name_lines = [head.org_name]
    except ValidationError:  # a long legal name: wrapped at words rather than shrunk to nothing
        name_size = 10.0
        name_lines = simpleSplit(head.org_name, fonts.BOLD, name_size, box.width)[:3]
    top = _draw_lines(canvas, name_lines, fonts.BOLD, name_size, right, top, g.height, 1.25, True)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.8)
    canvas.line(right - 0.9 * 72, g.height - top - 1, right, g.height - top - 1)
    top += 5
    canvas.setFillColor(MUTED)
    contact = [*head.address_lines]
    if head.phone:
        contact.append(head.phone)
    if head.email:
        contact.append(head.email)
    if head.website:
        contact.append(head.website)
    _draw_lines(canvas, contact, fonts.REGULAR, geometry.SMALL_SIZE, right, top, g.height, 1.35, True)


def _draw_return_address(canvas: Canvas, data: LetterData, g: PageGeometry) -> None:
    box = g.return_box
    sender = data.sender_address.all_lines()
    canvas.setFillColor(MUTED)
    if g.return_single_line:  # DIN 5008: one small underlined line above the address
        text, size = _return_line(sender, box.width, box.height)
        baseline = g.height - box.bottom + 1.5
        canvas.setFont(fonts.REGULAR, size)
        canvas.drawString(box.left, baseline, text)
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.3)
        canvas.line(
            box.left, baseline - 1.5, box.left + stringWidth(text, fonts.REGULAR, size), baseline - 1.5
        )
        return
    # The upper window's always-visible area: lines centred in it, a long name wrapped at words.
    width = box.width - 2 * geometry.ADDRESS_SIDE_CLEARANCE
    box_height = line_box(fonts.REGULAR)
    size = 7.5
    while True:
        name = simpleSplit(sender[0], fonts.BOLD, size, width) if sender else []
        lines = [*name, *sender[1:]]
        height = (len(lines) - 1) * size * 1.2 + box_height * size
        fits = all(stringWidth(x, fonts.REGULAR, size) <= width for x in sender[1:])
        if (fits and height + 4 <= box.height) or size <= 5.5:
            break
        size -= 0.5
    top = box.top + max(0.0, (box.height - height) / 2)
    ascent = pdfmetrics.getFont(fonts.REGULAR).face.ascent / 1000.0
    for index, line in enumerate(lines):
        canvas.setFont(fonts.BOLD if index < len(name) else fonts.REGULAR, size)
        canvas.drawString(box.left + geometry.ADDRESS_SIDE_CLEARANCE, g.height - (top + ascent * size), line)
        top += size * 1.2


def _return_line(sender: Sequence[str], width: float, height: float) -> tuple[str, float]:
    """The DIN return line: the whole address if it fits, else the name with the last lines only."""
    candidates = [sender, [*sender[:1], *sender[-2:]], [*sender[:1], *sender[-1:]]]
    for lines in candidates:
        text = " · ".join(dict.fromkeys(lines))
        try:
            return text, _fit_lines([text], fonts.REGULAR, 7, 5.5, width, height, 1.0)
        except ValidationError:
            continue
    # A very long organization name: the shortest line, cut at a word to the window's width at 5.5 pt
    # (the return line is not read by the post's machines; it must only stay inside the window).
    words = text.split(" ")
    while len(words) > 1 and stringWidth(" ".join(words) + " …", fonts.REGULAR, 5.5) > width:
        words.pop()
    return " ".join(words) + " …", 5.5


def line_box(font: str) -> float:
    """The height of one line's box (ascent plus descent) per point of type size."""
    face = pdfmetrics.getFont(font).face
    return float(face.ascent - face.descent) / 1000.0


def recipient_field_names(data: LetterData) -> list[str]:
    """What each printed address line is, for a message that names the line to fix."""
    names = []
    if data.recipient.name.strip():
        names.append("recipient name")
    names.extend(f"recipient address line {i + 1}" for i, x in enumerate(data.recipient.lines) if x.strip())
    return names


def address_fit(data: LetterData) -> geometry.AddressFit:
    """Where and how large the address prints; raises ``AddressFitError`` naming the line that fails."""
    fonts.register_fonts()
    g = geometry.geometry_for(data.letterhead.page_size)
    return geometry.fit_address(
        data.recipient.all_lines(),
        lambda text, size: stringWidth(text, fonts.REGULAR, size),
        line_box(fonts.REGULAR),
        g,
        recipient_field_names(data),
    )


def recipient_font_size(data: LetterData) -> float:
    """The address type size that fits the window; raises ``ValidationError`` if none does."""
    try:
        return address_fit(data).size
    except geometry.AddressFitError as err:
        raise ValidationError(str(err)) from None


def _draw_recipient(canvas: Canvas, data: LetterData, g: PageGeometry) -> None:
    fit = address_fit(data)
    canvas.setFillColor(INK)
    ascent = pdfmetrics.getFont(fonts.REGULAR).face.ascent / 1000.0
    canvas.setFont(fonts.REGULAR, fit.size)
    top = fit.top
    for line in data.recipient.all_lines():
        canvas.drawString(fit.left, g.height - (top + ascent * fit.size), line)
        top += fit.leading


def _draw_info(canvas: Canvas, data: LetterData, g: PageGeometry, date_style: str) -> None:
    rows = [("Date", format_date(data.letter_date, date_style)), ("Reference", data.reference)]
    if data.received_date:
        rows.append(("Received", format_date(data.received_date, date_style)))
    box = g.info_box
    label_width = 0.7 * 72
    top = box.top
    for label, value in rows:
        canvas.setFillColor(MUTED)
        canvas.setFont(fonts.REGULAR, geometry.SMALL_SIZE)
        baseline = g.height - (top + 8.5)
        canvas.drawString(box.left, baseline, label)
        canvas.setFillColor(INK)
        canvas.setFont(fonts.REGULAR, 8.5)
        canvas.drawString(box.left + label_width, baseline, value)
        top += 13


def _draw_marks(canvas: Canvas, g: PageGeometry) -> None:
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    for mark in g.fold_marks:
        canvas.line(0.2 * 72, g.height - mark, 0.38 * 72, g.height - mark)
    if g.punch_mark is not None:
        canvas.line(0.2 * 72, g.height - g.punch_mark, 0.45 * 72, g.height - g.punch_mark)


def _draw_later_header(canvas: Canvas, data: LetterData, g: PageGeometry) -> None:
    y = g.height - (g.later_body_top - 0.3 * 72)
    canvas.setFont(fonts.BOLD, geometry.SMALL_SIZE)
    canvas.setFillColor(ACCENT)
    canvas.drawString(g.margin_left, y, data.letterhead.org_name)
    canvas.setFont(fonts.REGULAR, geometry.SMALL_SIZE)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(g.width - g.margin_right, y, f"Reference {data.reference}")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(g.margin_left, y - 5, g.width - g.margin_right, y - 5)


# --- the document -------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds pages back until ``save`` so each footer can say "Page x of y" within its letter."""

    def __init__(self, *args: Any, page_sink: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []
        self._page_sink = page_sink  # receives each letter's page count, in order
        self.letter_footer: tuple[int, str, str, PageGeometry] | None = None

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        totals: dict[int, int] = {}
        for page in self._held:
            footer = page.get("letter_footer")
            if footer is not None:
                totals[footer[0]] = totals.get(footer[0], 0) + 1
        if self._page_sink is not None:
            self._page_sink.extend(totals[i] for i in sorted(totals))
        numbers: dict[int, int] = {}
        for page in self._held:
            self.__dict__.update(page)
            footer = self.letter_footer
            if footer is not None:
                index, reference, sender, g = footer
                numbers[index] = numbers.get(index, 0) + 1
                self._draw_footer(reference, sender, g, numbers[index], totals[index])
            Canvas.showPage(self)
        Canvas.save(self)

    def _draw_footer(self, reference: str, sender: str, g: PageGeometry, number: int, total: int) -> None:
        y = g.height - g.footer_baseline
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(g.margin_left, y + 10, g.width - g.margin_right, y + 10)
        self.setFont(fonts.REGULAR, 7.5)
        self.setFillColor(MUTED)
        self.drawString(g.margin_left, y, sender)
        self.drawRightString(g.width - g.margin_right, y, f"Reference {reference} · Page {number} of {total}")


class _LetterDoc(BaseDocTemplate):  # type: ignore[misc]
    """One or many letters. ``ActionFlowable(('letter', i))`` switches to letter ``i`` before its page."""

    def __init__(self, stream: io.BytesIO, letters: Sequence[PreparedLetter], **kwargs: Any) -> None:
        self.letters = letters
        self.current = 0
        self._forms: dict[tuple[object, ...], str] = {}
        first_geometry = geometry.geometry_for(letters[0].data.letterhead.page_size)
        super().__init__(stream, pagesize=(first_geometry.width, first_geometry.height), **kwargs)
        templates = []
        for g in (geometry.US_LETTER, geometry.A4_DIN_B):
            first_frame = Frame(
                g.margin_left,
                g.height - g.body_bottom,
                g.body_width,
                g.body_bottom - g.first_body_top,
                0,
                0,
                0,
                0,
                id=f"first-{g.name}",
            )
            later_frame = Frame(
                g.margin_left,
                g.height - g.body_bottom,
                g.body_width,
                g.body_bottom - g.later_body_top,
                0,
                0,
                0,
                0,
                id=f"later-{g.name}",
            )
            templates.append(
                PageTemplate(
                    f"first-{g.name}",
                    [first_frame],
                    onPage=self._first_page,
                    pagesize=(g.width, g.height),
                    autoNextPageTemplate=f"later-{g.name}",
                )
            )
            templates.append(
                PageTemplate(
                    f"later-{g.name}", [later_frame], onPage=self._later_page, pagesize=(g.width, g.height)
                )
            )
        if first_geometry is geometry.A4_DIN_B:  # the first template in the list is used for page 1
            templates = templates[2:] + templates[:2]
        self.addPageTemplates(templates)

    def handle_letter(self, index: int) -> None:  # called for ActionFlowable(("letter", index))
        self.current = index

    def _footer_info(self, g: PageGeometry) -> tuple[int, str, str, PageGeometry]:
        data = self.letters[self.current].data
        sender = data.letterhead.legal_name or data.letterhead.org_name
        return self.current, data.reference, sender, g

    def _first_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        prepared = self.letters[self.current]
        data = prepared.data
        g = geometry.geometry_for(data.letterhead.page_size)
        # The organization's part of the page is the same on every letter it sends: draw it once as a
        # PDF form and reuse it (smaller files, and a batch of 500 is not slowed by 500 letterheads).
        key = (data.letterhead, data.sender_address, g.name)
        form = self._forms.get(key)
        if form is None:
            form = self._forms[key] = f"letterhead{len(self._forms)}"
            canvas.beginForm(form)
            canvas.saveState()
            _draw_letterhead(canvas, data, g)
            _draw_return_address(canvas, data, g)
            _draw_marks(canvas, g)
            canvas.restoreState()
            canvas.endForm()
        canvas.doForm(form)
        canvas.saveState()
        _draw_recipient(canvas, prepared.data, g)
        _draw_info(canvas, prepared.data, g, prepared.date_style)
        canvas.restoreState()
        canvas.letter_footer = self._footer_info(g)

    def _later_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        prepared = self.letters[self.current]
        g = geometry.geometry_for(prepared.data.letterhead.page_size)
        canvas.saveState()
        _draw_later_header(canvas, prepared.data, g)
        canvas.restoreState()
        canvas.letter_footer = self._footer_info(g)


# --- the story ----------------------------------------------------------------------------------


def _paragraph(text: str, style: ParagraphStyle, line: int, template_name: str, **kwargs: Any) -> Paragraph:
    try:
        return Paragraph(text, style, **kwargs)
    except ValueError as err:  # ReportLab's markup parser: an unclosed or unknown tag in the template
        message = " ".join(str(err).split())[:160] or "unreadable tag"
        raise TemplateError(f"invalid markup: {message}", line, template_name) from None


def _column_widths(block: TableBlock, total: float) -> list[float]:
    rows = (block.header, *block.rows)
    weights = []
    for col in range(len(block.header)):
        longest = max(len(row[col]) for row in rows)
        weights.append(min(max(longest, 12), 70))
    scale = total / sum(weights)
    return [w * scale for w in weights]


_TABLE_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # the cell default is an unembedded Helvetica
        ("BACKGROUND", (0, 0), (-1, 0), TABLE_HEAD),
        ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.7, ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
)


def _table(block: TableBlock, width: float, template_name: str) -> Flowable:
    st = styles()
    header = [_paragraph(c, st.head_cell, block.line, template_name) for c in block.header]
    body = [
        [_paragraph(c, st.cell, block.line + i, template_name) for c in row]
        for i, row in enumerate(block.rows, start=1)
    ]
    table = Table(
        [header, *body],
        colWidths=_column_widths(block, width),
        repeatRows=1,
        hAlign="LEFT",
        style=_TABLE_STYLE,
    )
    table.spaceAfter = geometry.PARAGRAPH_SPACE + 2
    return table


def _signature(data: LetterData, g: PageGeometry) -> list[Flowable]:
    st = styles()
    head = data.letterhead
    lines = [escape_value(x) for x in (head.signatory_name, head.signatory_title, head.org_name) if x]
    parts: list[Flowable] = [Spacer(1, geometry.SIGNATURE_GAP)]
    if lines:
        lines[0] = f"<b>{lines[0]}</b>"
        parts.append(Paragraph("<br/>".join(lines), st.signature))
    if data.enclosures:
        parts.append(Spacer(1, 12))
        label = "Enclosure" if len(data.enclosures) == 1 else "Enclosures"
        items = "".join(f"<br/>{escape_value(e)}" for e in data.enclosures)
        parts.append(Paragraph(f"<b>{label}:</b>{items}", st.small))
    return parts


def build_story(prepared: PreparedLetter, g: PageGeometry) -> list[Flowable]:
    st = styles()
    name = prepared.template_name
    story: list[Flowable] = []
    signed = False
    previous: Block | None = None
    for block in prepared.blocks:
        if isinstance(previous, BulletBlock) and not isinstance(block, BulletBlock):
            story.append(Spacer(1, geometry.PARAGRAPH_SPACE - 3))  # the list's end, as after a paragraph
        previous = block
        if isinstance(block, ParagraphBlock):
            story.append(_paragraph(block.text, st.body, block.line, name))
        elif isinstance(block, HeadingBlock):
            # Room for the heading and the first lines (or a table's header and first rows) after it.
            story.append(CondPageBreak(geometry.BODY_LEADING * 6))
            story.append(_paragraph(block.text, st.heading, block.line, name))
        elif isinstance(block, BulletBlock):
            story.append(_paragraph(block.text, st.bullet, block.line, name, bulletText="•"))
        elif isinstance(block, TableBlock):
            story.append(_table(block, g.body_width, name))
        elif isinstance(block, RuleBlock):
            story.append(HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=4, spaceAfter=8))
        elif isinstance(block, PageBreakBlock):
            story.append(PageBreak())
        elif isinstance(block, SignatureBlock):
            signed = True
            # Keep the closing ("Sincerely,") and the paragraph before it with the signature.
            kept: list[Flowable] = []
            while story and isinstance(story[-1], Paragraph) and len(kept) < 2:
                kept.insert(0, story.pop())
            story.append(KeepTogether([*kept, *_signature(prepared.data, g)]))
    if not signed:
        story.append(KeepTogether(_signature(prepared.data, g)))
    return story


def build_pdf(
    letters: Sequence[PreparedLetter],
    between: Callable[[int], None] | None = None,
    page_counts: list[int] | None = None,
) -> bytes:
    """Lay out one or more prepared letters into one PDF; ``between(i)`` runs before letter ``i``;
    ``page_counts``, when given, receives each letter's number of pages (to split the file)."""
    if not letters:
        raise ValidationError("no letters to render")
    stream = io.BytesIO()
    first = letters[0].data
    doc = _LetterDoc(
        stream,
        letters,
        title=f"{first.reference} {first.kind}" if len(letters) == 1 else "Letters",
        author=first.letterhead.org_name if len(letters) == 1 else "",
        invariant=1,
        initialFontName=fonts.REGULAR,  # else every page names an unembedded Helvetica
    )
    story: list[Flowable] = []
    for index, prepared in enumerate(letters):
        g = geometry.geometry_for(prepared.data.letterhead.page_size)
        if index:
            story.append(ActionFlowable(("letter", index)))
            story.append(NextPageTemplate(f"first-{g.name}"))
            story.append(PageBreak())
        if between is not None:
            story.append(_Callback(between, index))
        story.extend(build_story(prepared, g))
    doc.build(story, canvasmaker=partial(_NumberedCanvas, page_sink=page_counts))
    return stream.getvalue()


class _Callback(Flowable):  # type: ignore[misc]
    """A zero-size flowable that reports progress (and lets a cancel request stop the build)."""

    def __init__(self, callback: Callable[[int], None], index: int) -> None:
        super().__init__()
        self.callback = callback
        self.index = index
        self.called = False

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if not self.called:  # wrap may be called more than once for the same flowable
            self.called = True
            self.callback(self.index)
        return 0, 0

    def draw(self) -> None:
        pass
