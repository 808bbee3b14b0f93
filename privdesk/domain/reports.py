"""Records and reports as plain data: the §7101 request log, the §7102 yearly metrics, the workload
report, the case timeline for an export and the purge record.

Everything here is computed from plain facts (``ItemFact``) so that the counting rules can be read,
tested and trusted without a database. Text formats (CSV, JSON-ready dicts, HTML) live here too;
PDFs are drawn by ``privdesk.letters.report_pdf``.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from privdesk.domain.types import OPEN_STATUSES, DenialReason, Outcome, RequestType

# -- words for codes ---------------------------------------------------------------------------

DENIAL_REASON_WORDS: dict[str, str] = {
    DenialReason.UNVERIFIABLE.value: "identity could not be verified",
    DenialReason.NOT_A_CONSUMER.value: "requester is not a consumer covered by the law",
    DenialReason.EXEMPTION_GLBA.value: "exempt: financial information under GLBA/CalFIPA",
    DenialReason.EXEMPTION_HIPAA_CMIA.value: "exempt: medical information under HIPAA/CMIA",
    DenialReason.EXEMPTION_FCRA.value: "exempt: consumer report information under the FCRA",
    DenialReason.LEGAL_OBLIGATION.value: "information kept to comply with a legal obligation",
    DenialReason.FREQUENCY_LIMIT.value: "more requests than the law requires answering in the period",
    DenialReason.MANIFESTLY_UNFOUNDED.value: "manifestly unfounded or excessive",
    DenialReason.FRAUD.value: "suspected fraud",
    DenialReason.AGENT_NOT_AUTHORIZED.value: "agent without the consumer's signed permission",
    DenialReason.OTHER.value: "other reason (see the response letter)",
}

OUTCOME_WORDS: dict[str, str] = {
    Outcome.FULFILLED.value: "complied with in whole",
    Outcome.PARTLY_FULFILLED.value: "complied with in part",
    Outcome.DENIED.value: "denied",
    Outcome.NOT_APPLICABLE.value: "not applicable (no personal information / nothing to do)",
    Outcome.REDIRECTED.value: "redirected to the business (acting as service provider)",
}


def reason_words(codes: Iterable[str]) -> str:
    return "; ".join(DENIAL_REASON_WORDS.get(code, code) for code in codes)


def type_label(code: str) -> str:
    try:
        return RequestType(code).label
    except ValueError:
        return code


# -- facts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFact:
    """One request item as the reports need it; contains no personal data."""

    reference: str
    organization: str
    jurisdiction: str
    channel: str
    received_on: dt.date
    request_type: str
    status: str
    outcome: str | None
    responded_on: dt.date | None
    denial_reasons: tuple[str, ...] = ()
    withdrawn_on: dt.date | None = None
    respond_by: dt.date | None = None
    extended_respond_by: dt.date | None = None
    extended_on: dt.date | None = None
    logged_by: str = ""
    purged: bool = False
    processed_on: dt.date | None = None  # an opt-out or limit request carried out: meets its deadline

    @property
    def done_on(self) -> dt.date | None:
        """The day the deadline is measured against: processed (opt-out, limit) or answered."""
        return self.processed_on or self.responded_on

    @property
    def due(self) -> dt.date | None:
        """The current due date: the extended date once an extension was taken."""
        if self.extended_on is not None and self.extended_respond_by is not None:
            return self.extended_respond_by
        return self.respond_by


# -- request log (§7101(b)) --------------------------------------------------------------------


@dataclass(frozen=True)
class LogRow:
    reference: str
    organization: str
    jurisdiction: str
    received_on: dt.date
    request_type: str
    nature: str
    channel: str
    responded_on: dt.date | None
    outcome: str | None
    response: str
    denial_reasons: tuple[str, ...]
    denial_basis: str
    extended_on: dt.date | None
    purged: bool


@dataclass(frozen=True)
class RequestLog:
    date_from: dt.date
    date_to: dt.date
    organization: str | None
    generated_on: dt.date
    rows: tuple[LogRow, ...]


LOG_COLUMNS = (
    "reference",
    "organization",
    "jurisdiction",
    "date_of_request",
    "nature_of_request",
    "request_type",
    "manner",
    "date_of_response",
    "nature_of_response",
    "outcome",
    "basis_for_denial",
    "denial_codes",
    "extended_on",
    "personal_data_purged",
)


def _response_words(fact: ItemFact) -> str:
    if fact.outcome:
        return OUTCOME_WORDS.get(fact.outcome, fact.outcome)
    if fact.status == "withdrawn":
        on = f" on {fact.withdrawn_on.isoformat()}" if fact.withdrawn_on else ""
        return f"withdrawn by the requester{on}"
    return "no response yet"


def build_log(
    facts: Iterable[ItemFact],
    date_from: dt.date,
    date_to: dt.date,
    organization: str | None,
    generated_on: dt.date,
) -> RequestLog:
    """Every request item received from ``date_from`` to ``date_to`` inclusive, oldest first."""
    rows = [
        LogRow(
            reference=f.reference,
            organization=f.organization,
            jurisdiction=f.jurisdiction,
            received_on=f.received_on,
            request_type=f.request_type,
            nature=type_label(f.request_type),
            channel=f.channel,
            responded_on=f.responded_on,
            outcome=f.outcome,
            response=_response_words(f),
            denial_reasons=tuple(f.denial_reasons),
            denial_basis=reason_words(f.denial_reasons),
            extended_on=f.extended_on,
            purged=f.purged,
        )
        for f in facts
        if date_from <= f.received_on <= date_to and (organization is None or f.organization == organization)
    ]
    rows.sort(key=lambda r: (r.received_on, r.reference, r.request_type))
    return RequestLog(date_from, date_to, organization, generated_on, tuple(rows))


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def log_csv(log: RequestLog) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LOG_COLUMNS)
    for r in log.rows:
        writer.writerow(
            [
                r.reference,
                r.organization,
                r.jurisdiction,
                r.received_on.isoformat(),
                r.nature,
                r.request_type,
                r.channel,
                _iso(r.responded_on),
                r.response,
                r.outcome or "",
                r.denial_basis,
                ",".join(r.denial_reasons),
                _iso(r.extended_on),
                "yes" if r.purged else "no",
            ]
        )
    return out.getvalue()


def log_json(log: RequestLog) -> dict[str, Any]:
    return {
        "from": log.date_from.isoformat(),
        "to": log.date_to.isoformat(),
        "organization": log.organization,
        "generated_on": log.generated_on.isoformat(),
        "rows": [dict(zip(LOG_COLUMNS, _log_values(r), strict=True)) for r in log.rows],
    }


def _log_values(r: LogRow) -> list[Any]:
    return [
        r.reference,
        r.organization,
        r.jurisdiction,
        r.received_on.isoformat(),
        r.nature,
        r.request_type,
        r.channel,
        r.responded_on.isoformat() if r.responded_on else None,
        r.response,
        r.outcome,
        r.denial_basis,
        list(r.denial_reasons),
        r.extended_on.isoformat() if r.extended_on else None,
        r.purged,
    ]


# -- yearly metrics (§7102) --------------------------------------------------------------------

# The §7102 rows and the request types counted in each.
METRIC_GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    (
        "know",
        "Requests to know",
        frozenset(
            {
                RequestType.KNOW_CATEGORIES.value,
                RequestType.KNOW_SPECIFIC.value,
                RequestType.PORTABILITY.value,
            }
        ),
    ),
    ("delete", "Requests to delete", frozenset({RequestType.DELETE.value})),
    ("correct", "Requests to correct", frozenset({RequestType.CORRECT.value})),
    ("opt_out", "Requests to opt out of sale/sharing", frozenset({RequestType.OPT_OUT_SALE_SHARE.value})),
    (
        "limit",
        "Requests to limit use of sensitive personal information",
        frozenset({RequestType.LIMIT_SENSITIVE.value}),
    ),
)

COMPLIED = frozenset({Outcome.FULFILLED.value, Outcome.PARTLY_FULFILLED.value})
EXEMPT_REASONS = frozenset(
    {
        DenialReason.EXEMPTION_GLBA.value,
        DenialReason.EXEMPTION_HIPAA_CMIA.value,
        DenialReason.EXEMPTION_FCRA.value,
        DenialReason.LEGAL_OBLIGATION.value,
    }
)

METRICS_FOOTNOTE = (
    "How these numbers are counted. Each right exercised is counted once: a letter asking both to know and "
    'to delete counts as one request to know and one request to delete. "Requests to know" include requests '
    "for categories, for specific pieces and for a portable copy. A request belongs to the calendar year in "
    "which the business received it (the date of receipt in the business's own time zone), whenever it was "
    "answered; requests received in the year but still open when this report was made are counted as "
    'received only. "Complied with in whole or in part" counts the requests received in the year that were '
    'fulfilled in full or in part; "denied" counts those refused in full. Requests withdrawn by the '
    "requester, "
    "requests redirected to the business we act for as a service provider, requests where there was nothing "
    "to act on (not applicable) and requests still open are neither complied with nor denied, so the two "
    "columns need not add up to the number received. A denial with several reasons is shown under the first "
    "that applies in this order: not verifiable, not a consumer, exempt (an exemption in law, including "
    "information kept to comply with a legal obligation), other. Days to a substantive response are calendar "
    "days from the date of receipt to the date of the response, over the requests received in the year that "
    "were complied with or denied, including responses sent in the following year; the median is the middle "
    "value (the mean of the two middle values when the number is even) and the mean is rounded to one "
    "decimal. The numbers cover requests from all consumers, not only California residents (11 CCR §7102(b))."
)


@dataclass(frozen=True)
class MetricsRow:
    key: str
    label: str
    received: int
    complied: int
    denied: int
    denied_unverifiable: int
    denied_not_consumer: int
    denied_exempt: int
    denied_other: int
    neither: int
    median_days: float | None
    mean_days: float | None
    responses_timed: int


@dataclass(frozen=True)
class YearlyMetrics:
    year: int
    organization: str | None
    organization_name: str
    jurisdiction: str | None
    generated_on: dt.date
    rows: tuple[MetricsRow, ...]
    footnote: str = METRICS_FOOTNOTE


def denial_bucket(reasons: Sequence[str]) -> str:
    """The §7102(a)(2) breakdown bucket of a denial (first that applies)."""
    if DenialReason.UNVERIFIABLE.value in reasons:
        return "unverifiable"
    if DenialReason.NOT_A_CONSUMER.value in reasons:
        return "not_consumer"
    if any(r in EXEMPT_REASONS for r in reasons):
        return "exempt"
    return "other"


def compute_metrics(
    facts: Iterable[ItemFact],
    year: int,
    *,
    organization: str | None = None,
    organization_name: str = "",
    jurisdiction: str | None = None,
    generated_on: dt.date,
) -> YearlyMetrics:
    chosen = [
        f
        for f in facts
        if f.received_on.year == year
        and (organization is None or f.organization == organization)
        and (jurisdiction is None or f.jurisdiction == jurisdiction)
    ]
    rows: list[MetricsRow] = []
    for key, label, types in METRIC_GROUPS:
        group = [f for f in chosen if f.request_type in types]
        complied = [f for f in group if f.outcome in COMPLIED]
        denied = [f for f in group if f.outcome == Outcome.DENIED.value]
        buckets = {"unverifiable": 0, "not_consumer": 0, "exempt": 0, "other": 0}
        for f in denied:
            buckets[denial_bucket(f.denial_reasons)] += 1
        days = [
            (f.responded_on - f.received_on).days for f in (*complied, *denied) if f.responded_on is not None
        ]
        rows.append(
            MetricsRow(
                key=key,
                label=label,
                received=len(group),
                complied=len(complied),
                denied=len(denied),
                denied_unverifiable=buckets["unverifiable"],
                denied_not_consumer=buckets["not_consumer"],
                denied_exempt=buckets["exempt"],
                denied_other=buckets["other"],
                neither=len(group) - len(complied) - len(denied),
                median_days=float(statistics.median(days)) if days else None,
                mean_days=round(statistics.fmean(days), 1) if days else None,
                responses_timed=len(days),
            )
        )
    footnote = METRICS_FOOTNOTE
    if jurisdiction is not None:
        footnote = footnote.replace(
            "The numbers cover requests from all consumers, not only California residents (11 CCR §7102(b)).",
            f"The numbers cover only requests handled under the {jurisdiction} rules.",
        )
    return YearlyMetrics(
        year, organization, organization_name, jurisdiction, generated_on, tuple(rows), footnote
    )


METRICS_COLUMNS = (
    "request",
    "received",
    "complied_in_whole_or_part",
    "denied",
    "denied_not_verifiable",
    "denied_not_a_consumer",
    "denied_exempt",
    "denied_other",
    "neither_complied_nor_denied",
    "median_days_to_respond",
    "mean_days_to_respond",
)


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _metrics_values(r: MetricsRow) -> list[Any]:
    return [
        r.label,
        r.received,
        r.complied,
        r.denied,
        r.denied_unverifiable,
        r.denied_not_consumer,
        r.denied_exempt,
        r.denied_other,
        r.neither,
        r.median_days,
        r.mean_days,
    ]


def metrics_csv(m: YearlyMetrics) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(METRICS_COLUMNS)
    for r in m.rows:
        writer.writerow([_num(v) if isinstance(v, float) or v is None else v for v in _metrics_values(r)])
    return out.getvalue()


def metrics_json(m: YearlyMetrics) -> dict[str, Any]:
    return {
        "year": m.year,
        "organization": m.organization,
        "organization_name": m.organization_name,
        "jurisdiction": m.jurisdiction,
        "generated_on": m.generated_on.isoformat(),
        "metrics": [asdict(r) for r in m.rows],
        "footnote": m.footnote,
    }


def metrics_paragraph(m: YearlyMetrics) -> str:
    """The sentence that introduces the table in a privacy policy."""
    who = m.organization_name or "We"
    subject = f"{who} received" if m.organization_name else "We received"
    parts = []
    for r in m.rows:
        if r.received:
            parts.append(f"{r.received} {r.label[0].lower() + r.label[1:]}")
    received = "; ".join(parts) if parts else "no requests under the California Consumer Privacy Act"
    return (
        f"Consumer privacy request metrics for {m.year}. {subject} {received} between January 1 and "
        f"December 31, {m.year}. The table below shows how many of them were complied with in whole or in "
        "part, how many were denied and why, and the median and mean number of days it took to respond "
        "(California Code of Regulations, title 11, §7102)."
    )


METRICS_TABLE_HEADER = (
    "Request",
    "Received",
    "Complied with (whole or part)",
    "Denied",
    "Denied: not verifiable",
    "Denied: not a consumer",
    "Denied: exempt",
    "Denied: other",
    "Median days",
    "Mean days",
)


def metrics_table(m: YearlyMetrics) -> list[list[str]]:
    rows = [list(METRICS_TABLE_HEADER)]
    for r in m.rows:
        rows.append(
            [
                r.label,
                str(r.received),
                str(r.complied),
                str(r.denied),
                str(r.denied_unverifiable),
                str(r.denied_not_consumer),
                str(r.denied_exempt),
                str(r.denied_other),
                _num(r.median_days) or "–",
                _num(r.mean_days) or "–",
            ]
        )
    return rows


def metrics_html(m: YearlyMetrics) -> str:
    """A self-contained fragment (paragraph, table, footnote) to paste into a privacy policy page."""
    esc = html.escape
    table = metrics_table(m)
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in table[0])
    body = "\n".join(
        '<tr><th scope="row">'
        + esc(row[0])
        + "</th>"
        + "".join(f"<td>{esc(c)}</td>" for c in row[1:])
        + "</tr>"
        for row in table[1:]
    )
    return (
        f'<section class="privacy-metrics" data-year="{m.year}">\n'
        f"<h2>Consumer privacy requests in {m.year}</h2>\n"
        f"<p>{esc(metrics_paragraph(m))}</p>\n"
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"
        f'<p class="footnote"><small>{esc(m.footnote)}</small></p>\n'
        "</section>\n"
    )


# -- workload ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueItem:
    reference: str
    organization: str
    request_type: str
    due: dt.date
    days_overdue: int
    logged_by: str


@dataclass(frozen=True)
class TypeAverage:
    request_type: str
    label: str
    responded: int
    mean_days: float


@dataclass(frozen=True)
class OfficerLoad:
    officer: str
    cases: int
    open_cases: int


@dataclass(frozen=True)
class WorkloadReport:
    organization: str | None
    today: dt.date
    responded: int
    on_time: int
    on_time_rate: float | None
    per_officer: tuple[OfficerLoad, ...]
    per_type: tuple[TypeAverage, ...]
    overdue: tuple[OverdueItem, ...]


OPEN_STATUS_CODES = frozenset(status.value for status in OPEN_STATUSES)


def compute_workload(
    facts: Sequence[ItemFact], today: dt.date, organization: str | None = None
) -> WorkloadReport:
    """On time means responded (an opt-out or limit request: processed) on or before the item's current
    due date (the extended one once extended)."""
    chosen = [f for f in facts if organization is None or f.organization == organization]
    timed = [f for f in chosen if f.responded_on is not None and f.due is not None]
    on_time = sum(1 for f in timed if f.done_on is not None and f.due is not None and f.done_on <= f.due)
    cases: dict[str, set[str]] = {}
    open_cases: dict[str, set[str]] = {}
    for f in chosen:
        cases.setdefault(f.logged_by, set()).add(f.reference)
        if f.status in OPEN_STATUS_CODES:
            open_cases.setdefault(f.logged_by, set()).add(f.reference)
    per_officer = tuple(
        OfficerLoad(officer, len(refs), len(open_cases.get(officer, set())))
        for officer, refs in sorted(cases.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    )
    days: dict[str, list[int]] = {}
    for f in chosen:
        if f.responded_on is not None:
            days.setdefault(f.request_type, []).append((f.responded_on - f.received_on).days)
    per_type = tuple(
        TypeAverage(code, type_label(code), len(values), round(statistics.fmean(values), 1))
        for code, values in sorted(days.items())
    )
    overdue = tuple(
        sorted(
            (
                OverdueItem(
                    f.reference, f.organization, f.request_type, f.due, (today - f.due).days, f.logged_by
                )
                for f in chosen
                # an opt-out processed in time owes only its confirmation: not overdue
                if f.status in OPEN_STATUS_CODES
                and f.due is not None
                and f.due < today
                and not f.processed_on
            ),
            key=lambda o: (o.due, o.reference, o.request_type),
        )
    )
    rate = round(on_time / len(timed), 4) if timed else None
    return WorkloadReport(organization, today, len(timed), on_time, rate, per_officer, per_type, overdue)


def workload_text(w: WorkloadReport) -> str:
    lines = [f"Workload on {w.today.isoformat()}" + (f" for {w.organization}" if w.organization else "")]
    if w.on_time_rate is None:
        lines.append("On time: no responses yet")
    else:
        lines.append(f"On time: {w.on_time} of {w.responded} responses ({w.on_time_rate * 100:.1f}%)")
    lines.append("Cases per officer:")
    lines += [f"  {o.officer:<16} {o.cases:>5} cases, {o.open_cases} open" for o in w.per_officer] or [
        "  none"
    ]
    lines.append("Average days to respond, by request type:")
    lines += [f"  {t.label:<34} {t.mean_days:>6.1f} days over {t.responded}" for t in w.per_type] or [
        "  none"
    ]
    lines.append(f"Overdue ({len(w.overdue)}):")
    lines += [
        f"  {o.reference}  {o.request_type:<20} due {o.due.isoformat()}  {o.days_overdue} days late"
        f"  ({o.logged_by})"
        for o in w.overdue
    ] or ["  none"]
    return "\n".join(lines)


def workload_json(w: WorkloadReport) -> dict[str, Any]:
    data = asdict(w)
    data["today"] = w.today.isoformat()
    for o in data["overdue"]:
        o["due"] = o["due"].isoformat()
    return data


# -- case timeline (export) and purge record ---------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    request_type: str
    status: str
    outcome: str | None
    received_on: dt.date
    acknowledged_on: dt.date | None
    respond_by: dt.date | None
    extended_on: dt.date | None
    extended_respond_by: dt.date | None
    responded_on: dt.date | None
    denial_basis: str


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime
    actor: str
    kind: str  # "event" or "note"
    text: str


@dataclass(frozen=True)
class CaseTimeline:
    reference: str
    organization: str
    jurisdiction: str
    channel: str
    received_on: dt.date
    status: str
    consumer: str
    logged_by: str
    closed_on: dt.date | None
    legal_hold: bool
    purged_on: dt.date | None
    generated_at: dt.datetime
    items: tuple[TimelineItem, ...]
    events: tuple[TimelineEvent, ...]
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class PurgedCase:
    reference: str
    organization: str
    closed_on: dt.date
    retention_months: int
    documents: int
    letters: int
    notes: int
    verifications: int
    intake_items: int
    consumer_purged: bool


@dataclass(frozen=True)
class PurgeRecord:
    performed_at: dt.datetime
    performed_by: str
    today: dt.date
    cases: tuple[PurgedCase, ...]
    documents_deleted: int
    bytes_deleted: int
    consumers_purged: int
    skipped_on_hold: tuple[str, ...] = field(default_factory=tuple)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "cases": len(self.cases),
            "documents": self.documents_deleted,
            "bytes": self.bytes_deleted,
            "letters": sum(c.letters for c in self.cases),
            "notes": sum(c.notes for c in self.cases),
            "verifications": sum(c.verifications for c in self.cases),
            "intake_items": sum(c.intake_items for c in self.cases),
            "consumers": self.consumers_purged,
        }


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
