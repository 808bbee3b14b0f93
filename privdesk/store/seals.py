"""Row seals: tamper evidence for the fields that carry legal weight.

The audit chain proves the history of events was not rewritten, but not that a case's deadline or a
consumer's name still holds what privdesk last wrote: an UPDATE made with another tool changes the row and
leaves the chain intact. Every flush of a case, request item or consumer therefore stores a digest of its
sealed fields in ``row_seals``; ``check-db`` recomputes them and names the first row that differs.

For an encrypted SQLite file the digest is an HMAC keyed from the database key, so whoever edits the file
must also hold the key to forge a seal. A plain file or a PostgreSQL database has no such key: its seals
are plain SHA-256 digests, which catch an edit made without knowledge of this table, not a determined one
(PostgreSQL's own roles and logs are the defence there; see SECURITY.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, sessionmaker

from privdesk.store.models import Case, Consumer, RequestItem, RowSeal

# The fields sealed per entity: what a regulator would ask about (dates, outcomes, who the person is).
SEALED_FIELDS: dict[type[Any], tuple[str, ...]] = {
    Case: (
        "reference",
        "organization_id",
        "jurisdiction",
        "channel",
        "received_at",
        "received_on",
        "status",
        "closed_on",
        "purged_on",
        "legal_hold",
    ),
    RequestItem: (
        "case_id",
        "request_type",
        "status",
        "outcome",
        "acknowledge_by",
        "respond_by",
        "extension_notice_by",
        "extended_respond_by",
        "respond_outside_by",
        "extended_outside_by",
        "acknowledged_on",
        "extended_on",
        "responded_on",
        "denial_reasons",
        "verification_result",
        "closed_on",
        "withdrawn_on",
    ),
    Consumer: ("full_name", "email", "phone", "postal_address", "account_id", "purged"),
}
ENTITY_NAMES: dict[type[Any], str] = {Case: "case", RequestItem: "request_item", Consumer: "consumer"}
SEAL_KEY_INFO = "seal_key"


def seal_key_from(database_key: bytes | None) -> bytes:
    """The HMAC key for seals: derived from the database key, or empty (plain digests) without one."""
    if database_key is None:
        return b""
    return hmac.new(database_key, b"privdesk row seals v1", hashlib.sha256).digest()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        # Stored as naive UTC: an aware value in the object is compared as the database will hold it.
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def digest_of(obj: Any, key: bytes) -> str:
    fields = SEALED_FIELDS[type(obj)]
    text = json.dumps(
        {name: _plain(getattr(obj, name)) for name in fields}, sort_keys=True, ensure_ascii=False, default=str
    ).encode("utf-8")
    if key:
        return hmac.new(key, text, hashlib.sha256).hexdigest()
    return hashlib.sha256(text).hexdigest()


def install(factory: sessionmaker[Session], key: bytes) -> None:
    """Seal every case, request item and consumer written through sessions of ``factory``."""
    from sqlalchemy import event

    factory.kw.setdefault("info", {})[SEAL_KEY_INFO] = key
    event.listen(factory, "after_flush", _after_flush)


def _sealed(objects: Iterable[Any]) -> Iterator[Any]:
    return (o for o in objects if type(o) in SEALED_FIELDS)


def _after_flush(session: Session, _context: Any) -> None:
    key: bytes = session.info.get(SEAL_KEY_INFO, b"")
    conn = session.connection()
    for obj in _sealed(session.deleted):
        conn.execute(
            delete(RowSeal).where(RowSeal.entity == ENTITY_NAMES[type(obj)], RowSeal.entity_id == obj.id)
        )
    changed = [o for o in _sealed(list(session.new) + list(session.dirty)) if o not in session.deleted]
    if not changed:
        return
    rows = [
        {"entity": ENTITY_NAMES[type(o)], "entity_id": o.id, "digest": digest_of(o, key)} for o in changed
    ]
    for row in rows:
        conn.execute(
            delete(RowSeal).where(RowSeal.entity == row["entity"], RowSeal.entity_id == row["entity_id"])
        )
    conn.execute(insert(RowSeal), rows)


def reseal(session: Session, model: type[Any], ids: Iterable[int]) -> None:
    """Seal rows changed by a bulk UPDATE (which bypasses the flush hook)."""
    key: bytes = session.info.get(SEAL_KEY_INFO, b"")
    for obj in session.scalars(select(model).where(model.id.in_(list(ids)))):
        session.execute(
            delete(RowSeal).where(RowSeal.entity == ENTITY_NAMES[model], RowSeal.entity_id == obj.id)
        )
        session.execute(
            insert(RowSeal),
            [{"entity": ENTITY_NAMES[model], "entity_id": obj.id, "digest": digest_of(obj, key)}],
        )


def mismatches(session: Session, key: bytes, *, limit: int = 20) -> tuple[list[str], int]:
    """Rows whose sealed fields differ from their seal (named, at most ``limit``), and how many rows
    have no seal yet."""
    problems: list[str] = []
    unsealed = 0
    for model, name in ENTITY_NAMES.items():
        seals = _seals_of(session, name)
        for obj in session.scalars(select(model).order_by(model.id)).yield_per(500):
            stored = seals.get(obj.id)
            if stored is None:
                unsealed += 1
            elif not hmac.compare_digest(stored, digest_of(obj, key)) and len(problems) < limit:
                problems.append(_describe(obj))
    return problems, unsealed


def seal_unsealed(session: Session, key: bytes) -> int:
    """Seal rows that have none (written before seals existed); returns how many."""
    count = 0
    for model, name in ENTITY_NAMES.items():
        have = set(session.scalars(select(RowSeal.entity_id).where(RowSeal.entity == name)))
        rows = [
            {"entity": name, "entity_id": obj.id, "digest": digest_of(obj, key)}
            for obj in session.scalars(select(model)).yield_per(500)
            if obj.id not in have
        ]
        if rows:
            session.execute(insert(RowSeal), rows)
            count += len(rows)
    return count


def _seals_of(session: Session, entity: str) -> dict[int, str]:
    query = select(RowSeal.entity_id, RowSeal.digest).where(RowSeal.entity == entity)
    return {int(row[0]): str(row[1]) for row in session.execute(query)}


def _describe(obj: Any) -> str:
    if isinstance(obj, Case):
        return f"case {obj.reference}: its dates, status or channel were changed outside privdesk"
    if isinstance(obj, RequestItem):
        reference = obj.case.reference if obj.case is not None else f"id {obj.case_id}"
        return (
            f"case {reference}, request item {obj.request_type}: its deadlines, outcome or dates were "
            "changed outside privdesk"
        )
    return f"consumer {obj.id}: the name, email, phone or address was changed outside privdesk"


def rekey(session: Session, old_key: bytes, new_key: bytes) -> int:
    """Re-seal every row under a new key (the database key changed). A row whose seal did not match
    under the old key keeps a seal that matches nothing, so the edit stays visible; returns how many."""
    broken = 0
    for model, name in ENTITY_NAMES.items():
        seals = _seals_of(session, name)
        rows = []
        for obj in session.scalars(select(model)).yield_per(500):
            stored = seals.get(obj.id)
            sound = stored is None or hmac.compare_digest(stored, digest_of(obj, old_key))
            broken += 0 if sound else 1
            rows.append(
                {
                    "entity": name,
                    "entity_id": obj.id,
                    "digest": digest_of(obj, new_key)
                    if sound
                    else "changed outside privdesk before a key change",
                }
            )
        session.execute(delete(RowSeal).where(RowSeal.entity == name))
        if rows:
            session.execute(insert(RowSeal), rows)
    return broken
