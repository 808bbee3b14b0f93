"""Hash chain over audit events: each event's hash covers the previous hash, so a changed,
deleted or reordered event breaks every link after it.

The canonical form must survive a database round trip: timestamps are reduced to naive UTC with
microseconds (SQLite returns naive datetimes), ids become strings, and JSON keys are sorted.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from privdesk.domain.errors import ValidationError

GENESIS_HASH = "0" * 64
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class AuditEventData:
    """What happened; everything here is covered by the hash."""

    occurred_at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | int | None = None
    case_reference: str | None = None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class StoredAuditEvent:
    """An event as stored: its row id, the hash of the event before it, and its own hash."""

    id: int
    data: AuditEventData
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    checked: int  # events whose link was verified before the first break (all of them when ok)
    first_broken_id: int | None
    reason: str


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return _utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=lambda item: json.dumps(item, sort_keys=True, default=_json_default))
    if isinstance(value, tuple):
        return list(value)
    raise ValidationError(f"audit details cannot hold a value of type {type(value).__name__}")


def canonical_event_bytes(event: AuditEventData) -> bytes:
    """Stable UTF-8 JSON of the event: the bytes the hash is computed over."""
    if not isinstance(event.occurred_at, datetime):
        raise ValidationError("an audit event needs a date and time")
    payload = {
        "occurred_at": _utc_iso(event.occurred_at),
        "actor": event.actor,
        "action": event.action,
        "entity": event.entity,
        "entity_id": None if event.entity_id is None else str(event.entity_id),
        "case_reference": event.case_reference,
        "before": None if event.before is None else dict(event.before),
        "after": None if event.after is None else dict(event.after),
    }
    try:
        text = json.dumps(
            payload,
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
            default=_json_default,
        )
    except (TypeError, ValueError) as exc:  # e.g. non-string keys, NaN
        raise ValidationError(f"audit details cannot be recorded: {exc}") from exc
    return text.encode("utf-8")


def chain_hash(prev_hash: str, event: AuditEventData) -> str:
    """SHA-256 hex of the previous hash (64 hex characters) followed by the event's canonical bytes."""
    if not _HEX64.fullmatch(prev_hash):
        raise ValidationError("the previous audit hash is not 64 lower-case hex characters")
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_event_bytes(event)).hexdigest()


def seal_event(event_id: int, prev_hash: str, event: AuditEventData) -> StoredAuditEvent:
    """The stored form of ``event`` appended after an event whose hash is ``prev_hash``."""
    return StoredAuditEvent(id=event_id, data=event, prev_hash=prev_hash, hash=chain_hash(prev_hash, event))


def verify_chain(
    events: Iterable[StoredAuditEvent],
    *,
    start_hash: str = GENESIS_HASH,
    expected_head: str | None = None,
) -> ChainVerification:
    """Check events in stored order (ascending id) and report the first broken link.

    ``start_hash`` lets a verification begin after a known-good event; ``expected_head`` (the last
    hash recorded elsewhere, e.g. in a backup manifest) also catches removal of the newest events.
    """
    expected_prev = start_hash
    previous_id: int | None = None
    checked = 0
    for event in events:
        if previous_id is not None and event.id <= previous_id:
            return ChainVerification(
                False,
                checked,
                event.id,
                f"audit event {event.id} is out of order (after event {previous_id})",
            )
        if event.prev_hash != expected_prev:
            after = "the start of the log" if previous_id is None else f"event {previous_id}"
            return ChainVerification(
                False,
                checked,
                event.id,
                f"audit event {event.id} does not follow {after}: an event was deleted, inserted or moved",
            )
        try:
            actual = chain_hash(event.prev_hash, event.data)
        except ValidationError as exc:
            return ChainVerification(False, checked, event.id, f"audit event {event.id} is unreadable: {exc}")
        if actual != event.hash:
            return ChainVerification(
                False, checked, event.id, f"audit event {event.id} was altered after it was recorded"
            )
        expected_prev = event.hash
        previous_id = event.id
        checked += 1
    if expected_head is not None and expected_prev != expected_head:
        return ChainVerification(
            False, checked, None, "the newest audit events are missing: the log ends before the recorded head"
        )
    return ChainVerification(True, checked, None, f"{checked} audit events verified")
