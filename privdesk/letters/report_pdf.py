"""PDFs of the records and reports: request log, yearly metrics, case timeline, purge record.

Takes the plain dataclasses of ``privdesk.domain.reports`` and returns PDF bytes, drawn with the same
embedded DejaVu fonts as the letters so every name prints.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from privdesk.domain.reports import (
    CaseTimeline,
    PurgeRecord,
    RequestLog,
    YearlyMetrics,
    metrics_paragraph,
    metrics_table,
)
from privdesk.letters import fonts

INK = colors.HexColor("#1d1d1f")
MUTED = colors.HexColor("#5f6368")
TABLE_HEAD = colors.HexColor("#e8edf3")
GRID = colors.HexColor("#b8c2cc")


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontName=fonts.BOLD, fontSize=15, leading=19, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=fonts.BOLD, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9),
        "head": ParagraphStyle("head", parent=body, fontName=fonts.BOLD, fontSize=7.5, leading=9),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(
    rows: Sequence[Sequence[str]], widths: Sequence[float] | None, st: dict[str, ParagraphStyle]
) -> Table:
    data = [[_p(c, st["head"]) for c in rows[0]]] + [[_p(c, st["cell"]) for c in row] for row in rows[1:]]
    # splitInRow: a cell taller than a page (a long note) continues on the next page.
    table = Table(data, colWidths=list(widths) if widths else None, repeatRows=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), TABLE_HEAD),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _build(story: list[Any], title: str, footer: str, pagesize: tuple[float, float] = letter) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.7 * inch,
        title=title,
        author="privdesk",
        creator="privdesk",
    )

    def decorate(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(document.leftMargin, 0.4 * inch, footer)
        canvas.drawRightString(
            pagesize[0] - document.rightMargin, 0.4 * inch, f"Page {canvas.getPageNumber()}"
        )
        canvas.restoreState()

    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _d(value: Any) -> str:
    return value.isoformat() if value is not None else ""


# -- request log -------------------------------------------------------------------------------


def request_log_pdf(log: RequestLog) -> bytes:
    st = _styles()
    scope = f"organization {log.organization}" if log.organization else "all organizations"
    story: list[Any] = [
        _p("Record of consumer privacy requests", st["title"]),
        _p(
            f"Requests received {log.date_from.isoformat()} to {log.date_to.isoformat()}, {scope}. "
            f"{len(log.rows)} request(s). Kept under Cal. Code Regs. tit. 11, §7101.",
            st["body"],
        ),
        Spacer(1, 8),
    ]
    rows = [
        [
            "Reference",
            "Org.",
            "Date of request",
            "Nature of request",
            "Manner",
            "Date of response",
            "Nature of response",
            "Basis for denial",
        ]
    ]
    for r in log.rows:
        rows.append(
            [
                r.reference + (" (purged)" if r.purged else ""),
                r.organization,
                r.received_on.isoformat(),
                r.nature,
                r.channel,
                _d(r.responded_on),
                r.response,
                r.denial_basis,
            ]
        )
    if len(rows) == 1:
        story.append(_p("No requests were received in this period.", st["body"]))
    else:
        widths = [1.15, 0.75, 0.8, 1.45, 0.6, 0.8, 1.6, 2.65]
        story.append(_table(rows, [w * inch for w in widths], st))
    footer = f"privdesk request log, generated {log.generated_on.isoformat()}"
    return _build(story, "Request log", footer, landscape(letter))


# -- yearly metrics ----------------------------------------------------------------------------


def metrics_pdf(metrics: YearlyMetrics) -> bytes:
    st = _styles()
    who = metrics.organization_name or "All organizations"
    story: list[Any] = [
        _p(f"Consumer privacy request metrics, {metrics.year}", st["title"]),
        _p(who, st["h2"]),
        _p(metrics_paragraph(metrics), st["body"]),
        Spacer(1, 8),
    ]
    widths = [2.3, 0.75, 1.0, 0.65, 0.85, 0.85, 0.75, 0.75, 0.75, 0.75]
    story.append(_table(metrics_table(metrics), [w * inch for w in widths], st))
    story += [Spacer(1, 10), _p(metrics.footnote, st["small"])]
    footer = f"privdesk metrics for {metrics.year}, generated {metrics.generated_on.isoformat()}"
    return _build(story, f"Privacy request metrics {metrics.year}", footer, landscape(letter))


# -- case timeline -----------------------------------------------------------------------------


def case_timeline_pdf(timeline: CaseTimeline) -> bytes:
    st = _styles()
    header = [
        ["Reference", timeline.reference],
        ["Organization", timeline.organization],
        ["Consumer", timeline.consumer],
        ["Jurisdiction", timeline.jurisdiction],
        ["Received", f"{timeline.received_on.isoformat()} by {timeline.channel}"],
        ["Logged by", timeline.logged_by],
        [
            "Status",
            timeline.status + (f", closed {timeline.closed_on.isoformat()}" if timeline.closed_on else ""),
        ],
        ["Legal hold", "yes" if timeline.legal_hold else "no"],
    ]
    if timeline.purged_on:
        header.append(["Personal data purged", timeline.purged_on.isoformat()])
    story: list[Any] = [
        _p(f"Case file {timeline.reference}", st["title"]),
        Table(
            [[_p(k, st["head"]), _p(v, st["cell"])] for k, v in header],
            colWidths=[1.6 * inch, 5.4 * inch],
            hAlign="LEFT",
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
        ),
        _p("Requests", st["h2"]),
    ]
    items = [
        [
            "Request",
            "Status",
            "Outcome",
            "Acknowledged",
            "Due",
            "Extended",
            "Extended due",
            "Responded",
            "Basis for denial",
        ]
    ]
    for i in timeline.items:
        items.append(
            [
                i.request_type,
                i.status,
                i.outcome or "",
                _d(i.acknowledged_on),
                _d(i.respond_by),
                _d(i.extended_on),
                _d(i.extended_respond_by),
                _d(i.responded_on),
                i.denial_basis,
            ]
        )
    story.append(_table(items, [w * inch for w in (1.05, 0.7, 0.75, 0.9, 0.7, 0.7, 0.8, 0.8, 0.9)], st))
    story.append(_p("Timeline (audit entries and notes, oldest first)", st["h2"]))
    events = [["When (UTC)", "Who", "Kind", "What"]]
    for e in timeline.events:
        events.append([e.at.strftime("%Y-%m-%d %H:%M"), e.actor, e.kind, e.text])
    if len(events) > 1:
        story.append(_table(events, [w * inch for w in (1.1, 0.9, 0.55, 4.85)], st))
    else:
        story.append(_p("No entries.", st["body"]))
    if timeline.files:
        story.append(_p("Files in this export", st["h2"]))
        story += [_p(name, st["cell"]) for name in timeline.files]
    footer = (
        f"{timeline.reference}: case file exported {timeline.generated_at.strftime('%Y-%m-%d %H:%M')} UTC"
    )
    return _build(story, f"Case file {timeline.reference}", footer)


# -- purge record ------------------------------------------------------------------------------


def purge_record_pdf(record: PurgeRecord) -> bytes:
    st = _styles()
    totals = record.totals
    story: list[Any] = [
        _p("Record of personal data purged", st["title"]),
        _p(
            f"Performed {record.performed_at.strftime('%Y-%m-%d %H:%M')} UTC by {record.performed_by}, "
            f"for closed cases past their organization's retention period on {record.today.isoformat()}. "
            "The minimal record of each request (reference, dates, types, channel, outcome, denial reasons) "
            "is kept as Cal. Code Regs. tit. 11, §7101 requires; consumer details, documents, letter files, "
            "verification data, notes and intake messages were removed.",
            st["body"],
        ),
        _p("Totals", st["h2"]),
        _table(
            [
                [
                    "Cases",
                    "Consumers",
                    "Documents",
                    "Bytes",
                    "Letters",
                    "Notes",
                    "Verifications",
                    "Intake items",
                ],
                [
                    str(totals[k])
                    for k in (
                        "cases",
                        "consumers",
                        "documents",
                        "bytes",
                        "letters",
                        "notes",
                        "verifications",
                        "intake_items",
                    )
                ],
            ],
            None,
            st,
        ),
        _p("Cases", st["h2"]),
    ]
    rows = [
        [
            "Reference",
            "Organization",
            "Closed",
            "Kept (months)",
            "Documents",
            "Letters",
            "Notes",
            "Verifications",
            "Intake",
            "Consumer purged",
        ]
    ]
    for c in record.cases:
        rows.append(
            [
                c.reference,
                c.organization,
                c.closed_on.isoformat(),
                str(c.retention_months),
                str(c.documents),
                str(c.letters),
                str(c.notes),
                str(c.verifications),
                str(c.intake_items),
                "yes" if c.consumer_purged else "no (other open records)",
            ]
        )
    if record.cases:
        story.append(_table(rows, None, st))
    else:
        story.append(_p("No case was past its retention period.", st["body"]))
    if record.skipped_on_hold:
        story += [
            _p("Kept because of a legal hold", st["h2"]),
            _p(", ".join(record.skipped_on_hold), st["body"]),
        ]
    footer = f"privdesk purge record {record.performed_at.strftime('%Y-%m-%d %H:%M')} UTC"
    return _build(story, "Purge record", footer)
