"""Fill a database with many synthetic cases quickly (benchmarks only; never used by the application)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import Table, insert, select

from privdesk.domain.references import format_reference
from privdesk.domain.search import case_search_body
from privdesk.domain.types import OPEN_STATUSES, ItemStatus, RequestType
from privdesk.services.context import ServiceContext
from privdesk.store.models import Case, CaseSearch, Consumer, Organization, ReferenceCounter, RequestItem

FIRST = ("Ana", "Ben", "Chloé", "Dev", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kemi", "Lars", "Mei")
LAST = ("Alvarez", "Brown", "Chen", "Dubois", "Evans", "Fischer", "García", "Haddad", "Ivanova", "Jones")
STATUSES = [s.value for s in ItemStatus if s is not ItemStatus.RESPONDED]


def bulk_cases(ctx: ServiceContext, count: int, *, seed: int = 7, batch: int = 5000) -> int:
    """Insert ``count`` cases (a consumer and one or two request items each) for the organizations present."""
    rng = random.Random(seed)
    today = ctx.today()
    year = today.year
    with ctx.db.write() as s:
        org_ids = list(s.scalars(select(Organization.id)))
        if not org_ids:
            raise ValueError("import at least one organization first")
        counter = s.get(ReferenceCounter, year)
        start = counter.last_number if counter else 0
        first_consumer = (s.scalar(select(Consumer.id).order_by(Consumer.id.desc()).limit(1)) or 0) + 1
        first_case = (s.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0) + 1
    types = [t.value for t in RequestType]
    done = 0
    while done < count:
        size = min(batch, count - done)
        consumers: list[dict[str, Any]] = []
        cases: list[dict[str, Any]] = []
        items: list[dict[str, Any]] = []
        texts: list[dict[str, Any]] = []
        for i in range(size):
            n = done + i
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
            email = f"person{n}@example.net"
            consumer_id = first_consumer + n
            case_id = first_case + n
            received = today - dt.timedelta(days=rng.randint(0, 400))
            status = rng.choice(STATUSES)
            is_open = ItemStatus(status) in OPEN_STATUSES
            due = received + dt.timedelta(days=45) if is_open else None
            consumers.append(
                {
                    "id": consumer_id,
                    "full_name": name,
                    "name_key": name.lower(),
                    "email": email,
                    "email_key": email,
                    "postal_address": f"{n} Main Street\nSacramento, CA 95818",
                }
            )
            reference = format_reference(year, start + n + 1)
            subject = f"Privacy request {n}"
            summary = "Please handle my request under the CCPA."
            # Core inserts pass by the session events that keep these two in step: fill them here.
            texts.append(
                {
                    "case_id": case_id,
                    "body": case_search_body(
                        reference=reference,
                        consumer_name=name,
                        consumer_email=email,
                        subject=subject,
                        summary=summary,
                    ),
                }
            )
            cases.append(
                {
                    "id": case_id,
                    "reference": reference,
                    "consumer_name": name,
                    "organization_id": rng.choice(org_ids),
                    "consumer_id": consumer_id,
                    "jurisdiction": "US-CA",
                    "channel": rng.choice(("email", "mail", "phone", "web")),
                    "received_at": dt.datetime.combine(received, dt.time(9), tzinfo=dt.UTC),
                    "received_on": received,
                    "logged_by": "bench",
                    "status": status,
                    "subject": subject,
                    "summary": summary,
                    "next_due_on": due,
                    "closed_on": None if is_open else received + dt.timedelta(days=30),
                }
            )
            for rtype in rng.sample(types, rng.choice((1, 1, 2))):
                items.append(
                    {
                        "case_id": case_id,
                        "request_type": rtype,
                        "status": status,
                        "respond_by": due,
                        "basis": {},
                        "denial_reasons": [],
                    }
                )
        with ctx.db.write() as s:
            # Core inserts (no ORM identity map, no RETURNING): executemany in one transaction per batch.
            for model, rows in (
                (Consumer, consumers),
                (Case, cases),
                (RequestItem, items),
                (CaseSearch, texts),
            ):
                table = model.__table__
                assert isinstance(table, Table)
                s.execute(insert(table), rows)
        done += size
    with ctx.db.write() as s:
        counter = s.get(ReferenceCounter, year)
        if counter is None:
            s.add(ReferenceCounter(year=year, last_number=start + count))
        else:
            counter.last_number = start + count
    return count
