"""The audit trail: every change, by whom, when, before and after, chained by hashes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.audit import GENESIS_HASH, AuditEventData, StoredAuditEvent, chain_hash, verify_chain
from privdesk.services.context import ServiceContext
from privdesk.services.rowlock import lock_or_create
from privdesk.store.models import AuditEvent, AuditHead


@dataclass(frozen=True)
class AuditEntryDTO:
    id: int
    occurred_at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    case_reference: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    checked: int
    first_broken_id: int | None
    reason: str


def record(
    session: Session,
    ctx: ServiceContext,
    action: str,
    entity: str,
    entity_id: object,
    *,
    case_reference: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one event inside the caller's transaction; the head row serialises concurrent writers."""
    head = lock_head(session)
    data = AuditEventData(
        occurred_at=ctx.now().replace(microsecond=0),
        actor=ctx.actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        case_reference=case_reference,
        before=_jsonable(before),
        after=_jsonable(after),
    )
    digest = chain_hash(head.last_hash, data)
    event = AuditEvent(
        occurred_at=data.occurred_at,
        actor=data.actor,
        action=data.action,
        entity=data.entity,
        entity_id=data.entity_id,
        case_reference=data.case_reference,
        before=data.before,
        after=data.after,
        prev_hash=head.last_hash,
        hash=digest,
    )
    session.add(event)
    session.flush()
    head.last_event_id = event.id
    head.last_hash = digest


def lock_head(session: Session) -> AuditHead:
    """The chain's head row, locked for the rest of the caller's transaction. Read (and locked) once
    per transaction: later events of the same transaction reuse it, so a batch writing many events
    does not read it again for each."""
    transaction = session.get_transaction()
    held = session.info.get(_HEAD_KEY)
    if held is not None and transaction is not None and held[0] is transaction:
        head: AuditHead = held[1]
        return head
    head = lock_or_create(session, AuditHead, {"id": 1}, {"last_event_id": None, "last_hash": GENESIS_HASH})
    session.info[_HEAD_KEY] = (transaction, head)
    return head


_HEAD_KEY = "privdesk.audit_head"


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    converted = _plain(value)
    assert isinstance(converted, dict)
    return converted


def _plain(value: Any) -> Any:
    """Dates to ISO text and sets/tuples to lists, at any depth, so the event stores as JSON."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def entries(self, case_reference: str | None = None, limit: int | None = None) -> list[AuditEntryDTO]:
        with self.ctx.db.read() as s:
            query = select(AuditEvent).order_by(AuditEvent.id)
            if case_reference:
                query = query.where(AuditEvent.case_reference == case_reference)
            if limit:
                query = query.limit(limit)
            return [
                AuditEntryDTO(
                    id=e.id,
                    occurred_at=e.occurred_at,
                    actor=e.actor,
                    action=e.action,
                    entity=e.entity,
                    entity_id=e.entity_id,
                    case_reference=e.case_reference,
                    before=e.before,
                    after=e.after,
                )
                for e in s.scalars(query)
            ]

    def verify(self) -> AuditReport:
        with self.ctx.db.read() as s:
            rows = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
            head = s.get(AuditHead, 1)
            stored = [
                StoredAuditEvent(
                    id=e.id,
                    data=AuditEventData(
                        occurred_at=e.occurred_at,
                        actor=e.actor,
                        action=e.action,
                        entity=e.entity,
                        entity_id=e.entity_id,
                        case_reference=e.case_reference,
                        before=e.before,
                        after=e.after,
                    ),
                    prev_hash=e.prev_hash,
                    hash=e.hash,
                )
                for e in rows
            ]
            result = verify_chain(stored)
            if result.ok and head is not None and rows and head.last_hash != rows[-1].hash:
                return AuditReport(False, len(rows), rows[-1].id, "the newest events have been removed")
            return AuditReport(result.ok, result.checked, result.first_broken_id, result.reason)
