"""The case queue in sorted pages: the same filters as ``CaseService.list``, ordered by any column.

A page is chosen on case ids alone, from the cases table and its indexes (no join), and only the rows
of that page are read in full: with 100,000 cases a page costs about what its index scan costs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from privdesk.domain.errors import ValidationError
from privdesk.services.cases import case_conditions, case_rows
from privdesk.services.context import ServiceContext
from privdesk.services.dto import CaseFilter, CaseRow
from privdesk.store.models import Case, Organization

SORT_KEYS = ("reference", "organization", "consumer", "jurisdiction", "channel", "received", "status", "due")

# Orders the (status, due date) index serves; for the others the sort column's own index is read.
STATUS_INDEX_SORTS = ("due", "status")


@dataclass(frozen=True)
class QueuePage:
    offset: int
    rows: list[CaseRow]


def _sort_key(s: Session, sort: str) -> Any:
    if sort == "reference":
        return Case.id  # references are handed out in id order
    if sort == "organization":
        # Organizations are few: rank their ids by slug instead of joining the table.
        slugs = s.execute(select(Organization.id, Organization.slug).order_by(Organization.slug)).all()
        if not slugs:
            return Case.organization_id
        return case({org_id: rank for rank, (org_id, _) in enumerate(slugs)}, value=Case.organization_id)
    return {
        "consumer": Case.consumer_name,
        "jurisdiction": Case.jurisdiction,
        "channel": Case.channel,
        "received": Case.received_on,
        "status": Case.status,
        "due": Case.next_due_on,
    }[sort]


class QueueService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def page(self, filters: CaseFilter, sort: str = "due", descending: bool = False) -> QueuePage:
        """``filters.limit`` rows from ``filters.offset``, sorted; cases without a due date sort last."""
        if sort not in SORT_KEYS:
            raise ValidationError(f"cannot sort by {sort!r} (known: {', '.join(SORT_KEYS)})")
        today = self.ctx.today()
        conditions = case_conditions(
            filters, today, sqlite=self.ctx.db.is_sqlite, status_index=sort in STATUS_INDEX_SORTS
        )
        with self.ctx.db.read() as s:
            key = _sort_key(s, sort)
            order: list[Any] = [
                key.desc() if descending else key.asc(),
                Case.id.desc() if descending else Case.id.asc(),
            ]
            if sort == "due":
                order.insert(0, Case.next_due_on.is_(None))
            ids = select(Case.id).where(*conditions).order_by(*order)
            if filters.limit:
                ids = ids.limit(filters.limit).offset(filters.offset)
            return QueuePage(filters.offset, case_rows(s, list(s.scalars(ids)), today))

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
