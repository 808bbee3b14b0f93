"""Read-only figures for the dashboard: what is due, what waits, and the weekly flow of requests."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select

from privdesk.domain.types import OPEN_STATUSES, ItemStatus
from privdesk.services.cases import DUE_SOON_DAYS
from privdesk.services.context import ServiceContext
from privdesk.store.models import Case, Organization, RequestItem

WAITING_ON_CONSUMER = (ItemStatus.AWAITING_VERIFICATION.value, ItemStatus.AWAITING_AUTHORIZATION.value)


@dataclass(frozen=True)
class WeekFlow:
    week_start: dt.date  # the Monday
    received: int
    closed: int


@dataclass(frozen=True)
class DashboardDTO:
    today: dt.date
    open_cases: int
    due_today: int
    due_this_week: int  # from today to seven days ahead, inclusive: the queue's "due soon"
    overdue: int
    waiting_on_consumer: int
    by_status: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)  # open request items per type
    by_organization: dict[str, int] = field(default_factory=dict)  # open cases per organization slug
    weeks: list[WeekFlow] = field(default_factory=list)
    next_deadline: dt.date | None = None


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class DashboardService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def summary(self, weeks: int = 12) -> DashboardDTO:
        """Every figure from the cases table's indexes (status, due date, organization, received and
        closed dates) and the items' (status, type) index: grouped counts, no joins, no rows read."""
        today = self.ctx.today()
        soon = today + dt.timedelta(days=DUE_SOON_DAYS)
        first_week = week_start(today) - dt.timedelta(weeks=weeks - 1)
        open_values = [s.value for s in OPEN_STATUSES]
        is_open = Case.status.in_(open_values)
        with self.ctx.db.read() as s:

            def count(*conditions: ColumnElement[bool]) -> int:
                return int(s.scalar(select(func.count()).select_from(Case).where(is_open, *conditions)) or 0)

            by_status = {
                str(k): int(v)
                for k, v in s.execute(select(Case.status, func.count()).group_by(Case.status)).all()
            }
            # Grouped over whole covering indexes, filtered here: SQLite reads (organization, status)
            # and (status, type) in index order instead of looking up each open case's row.
            by_type: dict[str, int] = {}
            for status, rtype, n in s.execute(
                select(RequestItem.status, RequestItem.request_type, func.count()).group_by(
                    RequestItem.status, RequestItem.request_type
                )
            ):
                if status in open_values:
                    by_type[str(rtype)] = by_type.get(str(rtype), 0) + int(n)
            slugs = {org_id: slug for org_id, slug in s.execute(select(Organization.id, Organization.slug))}
            by_org: dict[str, int] = {}
            for org_id, status, n in s.execute(
                select(Case.organization_id, Case.status, func.count()).group_by(
                    Case.organization_id, Case.status
                )
            ):
                if status in open_values:
                    slug = slugs.get(org_id, str(org_id))
                    by_org[slug] = by_org.get(slug, 0) + int(n)
            received = s.execute(
                select(Case.received_on, func.count())
                .where(Case.received_on >= first_week)
                .group_by(Case.received_on)
            ).all()
            closed = s.execute(
                select(Case.closed_on, func.count())
                .where(Case.closed_on >= first_week)
                .group_by(Case.closed_on)
            ).all()
            next_deadline = s.scalar(
                select(func.min(Case.next_due_on)).where(is_open, Case.next_due_on >= today)
            )
            summary = DashboardDTO(
                today=today,
                open_cases=sum(n for status, n in by_status.items() if status in open_values),
                # The three windows do not overlap: overdue is before today, "due today" is today only,
                # "this week" is today to Sunday (so it includes today's).
                due_today=count(Case.next_due_on == today),
                due_this_week=count(Case.next_due_on >= today, Case.next_due_on <= soon),
                overdue=count(Case.next_due_on < today),
                waiting_on_consumer=sum(by_status.get(status, 0) for status in WAITING_ON_CONSUMER),
                by_status=by_status,
                by_type=by_type,
                by_organization=by_org,
                weeks=_weekly(first_week, weeks, received, closed),
                next_deadline=next_deadline,
            )
        return summary

    def yearly(self, year: int) -> YearReport:
        return yearly_report(self.ctx, year)


def _weekly(
    first: dt.date,
    weeks: int,
    received: Sequence[tuple[dt.date, int]],
    closed: Sequence[tuple[dt.date | None, int]],
) -> list[WeekFlow]:
    """Per-day counts gathered into weeks starting on ``first``."""
    got = dict.fromkeys(range(weeks), 0)
    done = dict.fromkeys(range(weeks), 0)
    for counts, days in ((got, received), (done, closed)):
        for day, n in days:
            if day is None:
                continue
            index = (day - first).days // 7
            if 0 <= index < weeks:
                counts[index] += int(n)
    return [WeekFlow(first + dt.timedelta(weeks=i), got[i], done[i]) for i in range(weeks)]


@dataclass(frozen=True)
class YearReport:
    year: int
    cases_received: int
    by_type_outcome: dict[str, dict[str, int]]  # request type -> outcome ("open" while unanswered) -> items
    median_days_to_respond: dict[str, float]  # request type -> median calendar days, answered items only
    answered_late: int  # items answered after their (extended) deadline


def yearly_report(ctx: ServiceContext, year: int) -> YearReport:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    table: dict[str, dict[str, int]] = {}
    days: dict[str, list[int]] = {}
    late = 0
    with ctx.db.read() as s:
        cases = int(s.scalar(select(func.count(Case.id)).where(Case.received_on.between(first, last))) or 0)
        rows = s.execute(
            select(
                RequestItem.request_type,
                RequestItem.outcome,
                Case.received_on,
                RequestItem.responded_on,
                RequestItem.respond_by,
                RequestItem.extended_respond_by,
                RequestItem.extended_on,
                RequestItem.processed_on,
            )
            .join(Case, Case.id == RequestItem.case_id)
            .where(Case.received_on.between(first, last))
        ).all()
    for rtype, outcome, received, responded, respond_by, extended_by, extended_on, processed in rows:
        cell = table.setdefault(rtype, {})
        key = outcome or "open"
        cell[key] = cell.get(key, 0) + 1
        if responded is not None:
            days.setdefault(rtype, []).append((responded - received).days)
            due = extended_by if extended_on is not None and extended_by is not None else respond_by
            # An opt-out or limit request meets its deadline on the day it was processed.
            if due is not None and (processed or responded) > due:
                late += 1
    medians = {t: float(statistics.median(v)) for t, v in days.items() if v}
    return YearReport(year, cases, table, medians, late)
