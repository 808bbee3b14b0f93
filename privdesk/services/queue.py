"""The case queue in sorted pages: the same filters as ``CaseService.list``, ordered by any column.

A page is chosen on case ids alone, from the cases table and its indexes (no join), and only the rows
of that page are read in full. Each order is one an index keeps, so that a page of the open cases (or
of all cases), however deep, costs an index walk to its offset and never a sort of every case: the
open cases have an index per order (migration 0004). Cases without a due date, and organizations
(ordered by slug, not id), are segments read one after another, each walked in its own index. Cases
named by a text search or a request type are read by id and sorted (see ``case_conditions``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from privdesk.domain.errors import ValidationError
from privdesk.services.cases import case_conditions, case_rows
from privdesk.services.context import ServiceContext
from privdesk.services.dto import CaseFilter, CaseRow
from privdesk.store.models import Case, Organization

SORT_KEYS = ("reference", "organization", "consumer", "jurisdiction", "channel", "received", "status", "due")

SORT_COLUMNS: dict[str, Any] = {
    "reference": Case.id,  # references are handed out in id order
    "consumer": Case.consumer_name,
    "jurisdiction": Case.jurisdiction,
    "channel": Case.channel,
    "received": Case.received_on,
    "status": Case.status,
}


@dataclass(frozen=True)
class QueuePage:
    offset: int
    rows: list[CaseRow]


@dataclass(frozen=True)
class _Segment:
    """The cases meeting ``where`` in ``order``: the queue's order is its segments one after another."""

    where: list[ColumnElement[bool]]
    order: list[Any]


def _segments(s: Session, sort: str, descending: bool) -> list[_Segment]:
    def directed(column: Any) -> Any:
        return column.desc() if descending else column.asc()

    tie = directed(Case.id)
    if sort == "due":
        # Cases without a due date come last in either direction.
        return [
            _Segment([Case.next_due_on.is_not(None)], [directed(Case.next_due_on), tie]),
            _Segment([Case.next_due_on.is_(None)], [tie]),
        ]
    if sort == "organization":
        # Organizations are few: each one's cases in id order, the organizations in slug order.
        slug = Organization.slug.desc() if descending else Organization.slug.asc()
        org_ids = s.scalars(select(Organization.id).order_by(slug))
        return [_Segment([Case.organization_id == org_id], [tie]) for org_id in org_ids]
    return [_Segment([], [directed(SORT_COLUMNS[sort]), tie])]


class QueueService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def page(self, filters: CaseFilter, sort: str = "due", descending: bool = False) -> QueuePage:
        """``filters.limit`` rows from ``filters.offset``, sorted, ties by id; cases without a due date
        sort last in either direction."""
        if sort not in SORT_KEYS:
            raise ValidationError(f"cannot sort by {sort!r} (known: {', '.join(SORT_KEYS)})")
        today = self.ctx.today()
        # One status is best found through the status indexes (by due date: the status and due index),
        # the open cases through the open-case index of the page's order.
        status_index = bool(filters.status) and sort in ("due", "status")
        conditions = case_conditions(filters, today, sqlite=self.ctx.db.is_sqlite, status_index=status_index)
        skip, wanted = (filters.offset, filters.limit) if filters.limit else (0, None)
        ids: list[int] = []
        with self.ctx.db.read() as s:
            for segment in _segments(s, sort, descending):
                query = select(Case.id).where(*conditions, *segment.where).order_by(*segment.order)
                if wanted is None:
                    ids += s.scalars(query)
                    continue
                found = list(s.scalars(query.limit(wanted).offset(skip)))
                if found:
                    ids += found
                    wanted -= len(found)
                    skip = 0
                    if not wanted:
                        break
                elif skip:  # the page starts past this segment
                    every = select(func.count()).select_from(Case).where(*conditions, *segment.where)
                    skip -= s.scalar(every) or 0
            return QueuePage(filters.offset, case_rows(s, ids, today))

    def history(self, consumer_id: int) -> list[CaseRow]:
        """Every case of one person, newest first."""
        today: dt.date = self.ctx.today()
        with self.ctx.db.read() as s:
            ids = (
                select(Case.id)
                .where(Case.consumer_id == consumer_id)
                .order_by(Case.received_on.desc(), Case.id.desc())
            )
            return case_rows(s, list(s.scalars(ids)), today)
