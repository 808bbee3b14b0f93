"""Consumers: create, find the same person among earlier cases, link and merge (always audited)."""

from __future__ import annotations

import builtins
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from privdesk.domain import matching
from privdesk.domain.errors import NotFound, ValidationError
from privdesk.domain.limits import EarlierRequest
from privdesk.domain.types import RequestType
from privdesk.services import audit
from privdesk.services.context import ServiceContext
from privdesk.services.dto import ConsumerDTO, WarningDTO
from privdesk.store.models import Authorization, Case, Consumer, ConsumerIdentifier

CANDIDATE_POOL = 200
POSTAL_CODE = re.compile(r"\b(\d{5})(?:-\d{4})?\b")


@dataclass(frozen=True)
class ConsumerInput:
    name: str
    email: str | None = None
    phone: str | None = None
    address: str = ""
    ca_residency_attested: bool = False
    is_minor: bool = False


@dataclass(frozen=True)
class CandidateDTO:
    consumer_id: int
    name: str
    score: float
    reasons: list[str]
    strong: bool
    case_references: list[str]
    strength: str = "weak"  # "strong" (same email, phone, or name and address), "medium" or "weak"


def _postal_code(address: str) -> str | None:
    match = POSTAL_CODE.search(address or "")
    return match.group(1) if match else None


def _person_key(consumer: Consumer) -> matching.PersonKey:
    names = [consumer.full_name]
    emails = [consumer.email] if consumer.email else []
    phones = [consumer.phone] if consumer.phone else []
    addresses = [consumer.postal_address] if consumer.postal_address else []
    for ident in consumer.identifiers:
        {"name": names, "email": emails, "phone": phones, "address": addresses}.get(ident.kind, []).append(
            ident.value
        )
    return matching.PersonKey(
        consumer_id=consumer.id,
        names=tuple(names),
        emails=tuple(emails),
        phones=tuple(phones),
        addresses=tuple(addresses),
    )


def new_consumer(session: Session, person: ConsumerInput) -> Consumer:
    email_key = matching.normalize_email(person.email) if person.email else None
    consumer = Consumer(
        full_name=person.name.strip(),
        name_key=matching.normalize_name(person.name),
        email=(person.email or "").strip() or None,
        email_key=email_key or None,
        phone=(person.phone or "").strip() or None,
        phone_e164=matching.normalize_phone(person.phone) if person.phone else None,
        postal_address=person.address.strip(),
        postal_code=_postal_code(person.address),
        ca_residency_attested=person.ca_residency_attested,
        is_minor=person.is_minor,
    )
    session.add(consumer)
    session.flush()
    return consumer


def find_candidates(
    session: Session, person: ConsumerInput, exclude_id: int | None = None
) -> list[CandidateDTO]:
    """People already on file who may be this person, with why; nothing is linked or merged here."""
    email_key = matching.normalize_email(person.email) if person.email else None
    phone = matching.normalize_phone(person.phone) if person.phone else None
    name_key = matching.normalize_name(person.name)
    postal = _postal_code(person.address)
    surname = name_key.split()[-1] if name_key.split() else ""
    conditions = [Consumer.name_key == name_key]
    if email_key:
        conditions.append(Consumer.email_key == email_key)
    if phone:
        conditions.append(Consumer.phone_e164 == phone)
    if postal:
        conditions.append(Consumer.postal_code == postal)
    if len(surname) >= 3:
        conditions.append(Consumer.name_key.like(f"%{surname[:4]}%"))
    ident_ids = select(ConsumerIdentifier.consumer_id).where(
        ConsumerIdentifier.normalized.in_([v for v in (email_key, phone, name_key) if v])
    )
    pool = session.scalars(
        select(Consumer)
        .where(
            or_(*conditions, Consumer.id.in_(ident_ids)),
            Consumer.merged_into_id.is_(None),
            Consumer.purged.is_(False),
        )
        .limit(CANDIDATE_POOL)
    ).all()
    pool = [c for c in pool if c.id != exclude_id]
    if not pool:
        return []
    probe = matching.PersonKey(
        consumer_id=0,
        names=(person.name,),
        emails=(person.email,) if person.email else (),
        phones=(person.phone,) if person.phone else (),
        addresses=(person.address,) if person.address else (),
    )
    by_id = {c.id: c for c in pool}
    out: list[CandidateDTO] = []
    # A same-name match alone (score 0.25) is proposed too: at the same organization it is how a second
    # Shine-the-Light letter without an email is recognised; the limit checks read only that organization.
    keys = [_person_key(c) for c in pool]
    for cand in matching.match_candidates(probe, keys, threshold=NAME_ONLY_SCORE):
        consumer = by_id[int(cand.consumer_id or 0)]
        refs = list(
            session.scalars(
                select(Case.reference).where(Case.consumer_id == consumer.id).order_by(Case.received_on)
            )
        )
        out.append(
            CandidateDTO(
                consumer.id,
                consumer.full_name,
                cand.score,
                list(cand.reasons),
                cand.strength == "strong",
                refs,
                cand.strength,
            )
        )
    return out


NAME_ONLY_SCORE = 0.25


def open_request_warnings(
    history: Sequence[EarlierRequest], organization: str, types: Sequence[str], received: dt.date
) -> list[WarningDTO]:
    """An earlier request of the same kind to the same organization from this person (or a likely
    same person), still unanswered: name it, so the two are answered together. Shine the Light looks
    at the same calendar year, the other rights at the last 12 months."""
    out: list[WarningDTO] = []
    for rtype in types:
        for earlier in history:
            if earlier.organization != organization or earlier.responded is not None:
                continue
            same_kind = earlier.request_type == rtype or (
                str(rtype).startswith("know_") and str(earlier.request_type).startswith("know_")
            )
            if not same_kind or earlier.received > received:
                continue
            if rtype == RequestType.SHINE_THE_LIGHT.value:
                if earlier.received.year != received.year:
                    continue
                when = "this year"
            elif earlier.received <= received - dt.timedelta(days=365):
                continue
            else:
                when = "in the last 12 months"
            label = RequestType(rtype).label if rtype in {t.value for t in RequestType} else str(rtype)
            warning = WarningDTO(
                "earlier_request_open",
                f"an earlier {label} request {when}, {earlier.reference}, is still open: "
                "answer both together",
                earlier_reference=earlier.reference,
                earlier_date=earlier.received,
            )
            if warning not in out:
                out.append(warning)
    return out


def consumer_dto(consumer: Consumer, case_count: int = 0) -> ConsumerDTO:
    return ConsumerDTO(
        id=consumer.id,
        full_name=consumer.full_name,
        email=consumer.email,
        phone=consumer.phone,
        phone_e164=consumer.phone_e164,
        postal_address=consumer.postal_address,
        ca_residency_attested=consumer.ca_residency_attested,
        is_minor=consumer.is_minor,
        version=consumer.version,
        case_count=case_count,
    )


class ConsumerService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def create(self, person: ConsumerInput) -> ConsumerDTO:
        if not person.name.strip():
            raise ValidationError("the consumer's name is required")
        with self.ctx.db.write() as s:
            consumer = new_consumer(s, person)
            audit.record(s, self.ctx, "consumer.created", "consumer", consumer.id)
            return consumer_dto(consumer)

    def show(self, consumer_id: int) -> ConsumerDTO:
        with self.ctx.db.read() as s:
            consumer = s.get(Consumer, consumer_id)
            if consumer is None:
                raise NotFound(f"no consumer with id {consumer_id}")
            count = s.scalar(select(func.count()).where(Case.consumer_id == consumer_id)) or 0
            return consumer_dto(consumer, int(count))

    def list(self, search: str | None = None, limit: int = 500) -> builtins.list[ConsumerDTO]:
        with self.ctx.db.read() as s:
            counts = select(Case.consumer_id, func.count().label("n")).group_by(Case.consumer_id).subquery()
            query = (
                select(Consumer, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.consumer_id == Consumer.id)
                .where(Consumer.merged_into_id.is_(None), Consumer.purged.is_(False))
                .order_by(Consumer.full_name, Consumer.id)
                .limit(limit)
            )
            if search and search.strip():
                term = f"%{search.strip().lower()}%"
                # A phone number in any format ("(617) 555-0199", "617.555.0199") finds its E.164 form.
                phone = matching.normalize_phone(search) if sum(ch.isdigit() for ch in search) >= 7 else None
                query = query.where(
                    or_(
                        func.lower(Consumer.full_name).like(term),
                        func.lower(Consumer.email).like(term),
                        Consumer.phone_e164.like(term),
                        *([Consumer.phone_e164 == phone] if phone else []),
                    )
                )
            return [consumer_dto(c, int(n)) for c, n in s.execute(query)]

    def candidates(self, consumer_id: int) -> builtins.list[CandidateDTO]:
        with self.ctx.db.read() as s:
            consumer = s.get(Consumer, consumer_id)
            if consumer is None:
                raise NotFound(f"no consumer with id {consumer_id}")
            person = ConsumerInput(
                consumer.full_name, consumer.email, consumer.phone, consumer.postal_address
            )
            return find_candidates(s, person, exclude_id=consumer_id)

    def merge(self, keep_id: int, merge_id: int) -> ConsumerDTO:
        """Move every case and authorization of ``merge_id`` to ``keep_id``; keep its identifiers."""
        if keep_id == merge_id:
            raise ValidationError("cannot merge a consumer with itself")
        with self.ctx.db.write() as s:
            keep, other = s.get(Consumer, keep_id), s.get(Consumer, merge_id)
            if keep is None or other is None:
                raise NotFound("both consumers must exist to merge them")
            if other.merged_into_id is not None:
                raise ValidationError(f"consumer #{merge_id} was already merged")
            for kind, value in (
                ("name", other.full_name),
                ("email", other.email),
                ("phone", other.phone),
                ("address", other.postal_address),
            ):
                if value:
                    keep.identifiers.append(
                        ConsumerIdentifier(kind=kind, value=value, normalized=_normalized(kind, value))
                    )
            for ident in list(other.identifiers):
                keep.identifiers.append(
                    ConsumerIdentifier(kind=ident.kind, value=ident.value, normalized=ident.normalized)
                )
            moved = (
                s.execute(
                    update(Case)
                    .where(Case.consumer_id == merge_id)
                    .values(consumer_id=keep_id)
                    .returning(Case.reference)
                )
                .scalars()
                .all()
            )
            s.execute(
                update(Authorization).where(Authorization.consumer_id == merge_id).values(consumer_id=keep_id)
            )
            other.merged_into_id = keep_id
            keep.ca_residency_attested = keep.ca_residency_attested or other.ca_residency_attested
            audit.record(
                s,
                self.ctx,
                "consumer.merged",
                "consumer",
                keep_id,
                before={"merged_consumer": merge_id},
                after={"cases_moved": list(moved)},
            )
            s.flush()
            return consumer_dto(keep)

    def link_case(self, reference: str, consumer_id: int) -> None:
        """Attach a case to an existing person (the officer confirmed a match)."""
        with self.ctx.db.write() as s:
            case = s.scalar(select(Case).where(Case.reference == reference))
            if case is None:
                raise NotFound(f"no case with reference {reference!r}")
            if s.get(Consumer, consumer_id) is None:
                raise NotFound(f"no consumer with id {consumer_id}")
            before = case.consumer_id
            case.consumer_id = consumer_id
            audit.record(
                s,
                self.ctx,
                "case.consumer_linked",
                "case",
                case.id,
                case_reference=reference,
                before={"consumer_id": before},
                after={"consumer_id": consumer_id},
            )


def _normalized(kind: str, value: str) -> str:
    if kind == "email":
        return matching.normalize_email(value)
    if kind == "phone":
        return matching.normalize_phone(value) or value
    if kind == "name":
        return matching.normalize_name(value)
    return matching.normalize_address(value)
