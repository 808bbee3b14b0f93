"""The case queue in sorted pages: the same filters as ``CaseService.list``, ordered by any column."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from privdesk.domain.errors import ValidationError
from privdesk.services.cases import CaseService
from privdesk.services.context import ServiceContext
from privdesk.services.dto import CaseFilter, CaseRow
from privdesk.store.models import Case, Consumer, Organization, RequestItem

SORT_KEYS = {
    "reference": Case.id,
    "organization": Organization.slug,
    "consumer": Consumer.full_name,
    "jurisdiction": Case.jurisdiction,
    "channel": Case.channel,
    "received": Case.received_on,
    "status": Case.status,
    "due": Case.next_due_on,
}


@dataclass(frozen=True)
class QueuePage:
    offset: int
    rows: list[CaseRow]


class QueueService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def page(self, filters: CaseFilter, sort: str = "due", descending: bool = False) -> QueuePage:
        """``filters.limit`` rows from ``filters.offset``, sorted; cases without a due date sort last."""
        if sort not in SORT_KEYS:
            raise ValidationError(f"cannot sort by {sort!r} (known: {', '.join(SORT_KEYS)})")
        key = SORT_KEYS[sort]
        today = self.ctx.today()
        order: list[Any] = [
            key.desc() if descending else key.asc(),
            Case.id.desc() if descending else Case.id.asc(),
        ]
        if sort == "due":
            order.insert(0, Case.next_due_on.is_(None))
        with self.ctx.db.read() as s:
            query = CaseService._filtered(filters, today).order_by(*order)
            if filters.limit:
                query = query.limit(filters.limit).offset(filters.offset)
            rows = s.execute(query).all()
            ids = [r.id for r in rows]
            types: dict[int, list[str]] = {}
            if ids:
                for case_id, rtype in s.execute(
                    select(RequestItem.case_id, RequestItem.request_type)
                    .where(RequestItem.case_id.in_(ids))
                    .order_by(RequestItem.id)
                ):
                    types.setdefault(case_id, []).append(rtype)
            return QueuePage(filters.offset, [CaseService._row(r, types.get(r.id, []), today) for r in rows])

    def history(self, consumer_id: int) -> list[CaseRow]:
        """Every case of one person, newest first."""
        today: dt.date = self.ctx.today()
        with self.ctx.db.read() as s:
            query = (
                CaseService._filtered(CaseFilter(), today)
                .where(Case.consumer_id == consumer_id)
                .order_by(Case.received_on.desc(), Case.id.desc())
            )
            rows = s.execute(query).all()
            ids = [r.id for r in rows]
            types: dict[int, list[str]] = {}
            if ids:
                for case_id, rtype in s.execute(
                    select(RequestItem.case_id, RequestItem.request_type).where(RequestItem.case_id.in_(ids))
                ):
                    types.setdefault(case_id, []).append(rtype)
            return [CaseService._row(r, types.get(r.id, []), today) for r in rows]
