"""Building cases for report tests: a generated set with known fates, inserted straight into the store."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from privdesk.services.hub import Services
from privdesk.store.models import Case, Consumer, Organization, RequestItem

ORGS = ("acme", "globex")
TYPES = (
    "know_categories",
    "know_specific",
    "portability",
    "delete",
    "correct",
    "opt_out_sale_share",
    "limit_sensitive",
    "appeal",
    "shine_the_light",
)
REASONS = (
    "unverifiable",
    "not_a_consumer",
    "exemption_glba",
    "exemption_hipaa_cmia",
    "exemption_fcra",
    "legal_obligation",
    "frequency_limit",
    "manifestly_unfounded",
    "fraud",
    "agent_not_authorized",
    "other",
)
FATES = ("fulfilled", "partly_fulfilled", "denied", "not_applicable", "redirected", "withdrawn", "open")


@dataclass
class GenItem:
    request_type: str
    fate: str
    responded_on: dt.date | None = None
    reasons: list[str] = field(default_factory=list)
    extended: bool = False
    respond_by: dt.date | None = None
    extended_respond_by: dt.date | None = None


@dataclass
class GenCase:
    reference: str
    organization: str
    received_on: dt.date
    channel: str
    officer: str
    items: list[GenItem]


def generate(seed: int = 7102, count: int = 60) -> list[GenCase]:
    rng = random.Random(seed)
    cases: list[GenCase] = []
    start = dt.date(2025, 10, 1)
    for n in range(count):
        received = start + dt.timedelta(days=rng.randrange(0, 455))
        items = []
        for rtype in rng.sample(TYPES, rng.choice((1, 1, 2, 3))):
            items.append(_item(rng, rtype, received))
        cases.append(
            GenCase(
                f"PD-GEN-{n:05d}",
                rng.choice(ORGS),
                received,
                rng.choice(("mail", "email", "phone", "web")),
                rng.choice(("ana", "ben")),
                items,
            )
        )
    # Edge cases the random draw might miss.
    edge = [
        (dt.date(2025, 12, 20), GenItem("delete", "fulfilled", dt.date(2026, 1, 12))),  # across the year end
        (dt.date(2026, 12, 28), GenItem("know_specific", "denied", dt.date(2027, 1, 25), ["unverifiable"])),
        (
            dt.date(2026, 3, 2),
            GenItem("correct", "partly_fulfilled", dt.date(2026, 5, 1), ["legal_obligation"]),
        ),
        (
            dt.date(2026, 4, 1),
            GenItem("delete", "denied", dt.date(2026, 4, 20), ["fraud", "exemption_glba"]),
        ),  # exempt wins over other
        (dt.date(2026, 5, 5), GenItem("opt_out_sale_share", "withdrawn")),
        (dt.date(2026, 6, 1), GenItem("delete", "fulfilled", dt.date(2026, 8, 20), extended=True)),
        (dt.date(2026, 1, 1), GenItem("limit_sensitive", "denied", dt.date(2026, 1, 1), ["not_a_consumer"])),
    ]
    for reason in REASONS:
        edge.append(
            (dt.date(2026, 7, 1), GenItem("know_categories", "denied", dt.date(2026, 7, 30), [reason]))
        )
    for n, (received, item) in enumerate(edge):
        _due(item, received)
        cases.append(GenCase(f"PD-EDGE-{n:04d}", ORGS[n % 2], received, "mail", "ana", [item]))
    return cases


def _item(rng: random.Random, rtype: str, received: dt.date) -> GenItem:
    fate = rng.choice(FATES)
    item = GenItem(rtype, fate)
    if fate in ("fulfilled", "partly_fulfilled", "denied", "not_applicable", "redirected"):
        item.responded_on = received + dt.timedelta(days=rng.randrange(0, 95))
    if fate in ("denied", "partly_fulfilled"):
        item.reasons = rng.sample(REASONS, rng.choice((1, 1, 2)))
    item.extended = rng.random() < 0.25
    _due(item, received)
    return item


def _due(item: GenItem, received: dt.date) -> None:
    item.respond_by = received + dt.timedelta(days=45)
    item.extended_respond_by = received + dt.timedelta(days=90)


def _status(item: GenItem) -> str:
    if item.fate == "withdrawn":
        return "withdrawn"
    if item.fate == "open":
        return "extended" if item.extended else "in_progress"
    return "closed"


def insert(services: Services, cases: list[GenCase]) -> None:
    with services.db.write() as s:
        orgs = {}
        for slug in ORGS:
            org = Organization(
                slug=slug, legal_name=f"{slug.title()} Inc.", display_name=slug.title(), role="business"
            )
            s.add(org)
            orgs[slug] = org
        s.flush()
        for n, gen in enumerate(cases):
            consumer = Consumer(full_name=f"Person {n}", name_key=f"person {n}")
            s.add(consumer)
            s.flush()
            open_ = any(i.fate == "open" for i in gen.items)
            case = Case(
                reference=gen.reference,
                organization_id=orgs[gen.organization].id,
                consumer_id=consumer.id,
                jurisdiction="US-CA",
                channel=gen.channel,
                received_at=dt.datetime.combine(gen.received_on, dt.time(9), tzinfo=dt.UTC),
                received_on=gen.received_on,
                logged_by=gen.officer,
                status="in_progress" if open_ else "closed",
            )
            s.add(case)
            s.flush()
            for item in gen.items:
                s.add(
                    RequestItem(
                        case_id=case.id,
                        request_type=item.request_type,
                        status=_status(item),
                        outcome=item.fate if item.fate not in ("withdrawn", "open") else None,
                        responded_on=item.responded_on,
                        denial_reasons=list(item.reasons),
                        respond_by=item.respond_by,
                        extended_respond_by=item.extended_respond_by,
                        extended_on=gen.received_on + dt.timedelta(days=30) if item.extended else None,
                        withdrawn_on=gen.received_on + dt.timedelta(days=3)
                        if item.fate == "withdrawn"
                        else None,
                    )
                )
