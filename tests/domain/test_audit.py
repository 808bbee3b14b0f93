from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privdesk.domain.audit import (
    GENESIS_HASH,
    AuditEventData,
    StoredAuditEvent,
    canonical_event_bytes,
    chain_hash,
    seal_event,
    verify_chain,
)
from privdesk.domain.errors import ValidationError
from privdesk.domain.types import ItemStatus

START = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def event(n: int, **changes: object) -> AuditEventData:
    data = AuditEventData(
        occurred_at=START + timedelta(minutes=n),
        actor="officer1",
        action="item.status",
        entity="request_item",
        entity_id=100 + n,
        case_reference="PD-2026-000123",
        before={"status": "received"},
        after={"status": "acknowledged", "on": date(2026, 1, 5), "n": n},
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def build_chain(count: int) -> list[StoredAuditEvent]:
    chain: list[StoredAuditEvent] = []
    prev = GENESIS_HASH
    for n in range(1, count + 1):
        stored = seal_event(n, prev, event(n))
        chain.append(stored)
        prev = stored.hash
    return chain


def test_canonical_bytes_are_sorted_compact_utf8_json() -> None:
    data = event(0, actor="Zoé", before=None, after={"b": 1, "a": ItemStatus.CLOSED})
    assert (
        canonical_event_bytes(data)
        == (
            '{"action":"item.status","actor":"Zoé","after":{"a":"closed","b":1},"before":null,'
            '"case_reference":"PD-2026-000123","entity":"request_item","entity_id":"100",'
            '"occurred_at":"2026-01-05T09:30:00.000000"}'
        ).encode()
    )


def test_canonical_bytes_survive_a_database_round_trip() -> None:
    aware = event(1, occurred_at=datetime(2026, 1, 5, 1, 30, tzinfo=timezone(timedelta(hours=-8))))
    naive_utc = event(1, occurred_at=datetime(2026, 1, 5, 9, 30))
    assert canonical_event_bytes(aware) == canonical_event_bytes(naive_utc)
    assert canonical_event_bytes(event(1, entity_id=101)) == canonical_event_bytes(event(1, entity_id="101"))
    tuple_form = event(1, after={"ids": (1, 2)})
    assert canonical_event_bytes(tuple_form) == canonical_event_bytes(event(1, after={"ids": [1, 2]}))


def test_canonical_bytes_handle_sets_decimals_and_refuse_the_unknown() -> None:
    data = event(1, after={"types": {"delete", "correct"}, "fee": Decimal("1.50")})
    assert b'"types":["correct","delete"]' in canonical_event_bytes(data)
    assert b'"fee":"1.50"' in canonical_event_bytes(data)
    with pytest.raises(ValidationError):
        canonical_event_bytes(event(1, after={"x": object()}))
    with pytest.raises(ValidationError):
        canonical_event_bytes(event(1, after={"x": float("nan")}))


def test_chain_hash_is_sha256_of_previous_hash_and_event() -> None:
    data = event(1)
    expected = hashlib.sha256(GENESIS_HASH.encode() + canonical_event_bytes(data)).hexdigest()
    assert chain_hash(GENESIS_HASH, data) == expected
    assert chain_hash(expected, data) != expected
    with pytest.raises(ValidationError):
        chain_hash("not a hash", data)


def test_intact_chain_verifies() -> None:
    result = verify_chain(build_chain(5))
    assert (result.ok, result.checked, result.first_broken_id) == (True, 5, None)
    assert verify_chain([]).ok


def test_altered_content_is_reported_at_that_event() -> None:
    chain = build_chain(5)
    chain[2] = replace(chain[2], data=replace(chain[2].data, actor="intruder"))
    result = verify_chain(chain)
    assert (result.ok, result.checked, result.first_broken_id) == (False, 2, 3)
    assert "altered" in result.reason


def test_deleted_event_is_reported_at_the_next_one() -> None:
    chain = build_chain(5)
    del chain[1]
    result = verify_chain(chain)
    assert (result.ok, result.first_broken_id) == (False, 3)
    assert "does not follow event 1" in result.reason


def test_reordered_events_are_reported() -> None:
    chain = build_chain(4)
    chain[1], chain[2] = chain[2], chain[1]
    result = verify_chain(chain)
    assert not result.ok
    assert result.first_broken_id == 3


def test_renumbered_events_are_reported_as_out_of_order() -> None:
    chain = build_chain(3)
    chain[2] = replace(chain[2], id=1)
    result = verify_chain(chain)
    assert (result.ok, result.first_broken_id) == (False, 1)
    assert "out of order" in result.reason


def test_removed_newest_events_need_the_recorded_head() -> None:
    chain = build_chain(4)
    assert verify_chain(chain[:3]).ok  # undetectable from the rows alone
    result = verify_chain(chain[:3], expected_head=chain[3].hash)
    assert not result.ok
    assert "newest audit events are missing" in result.reason
    assert verify_chain(chain, expected_head=chain[3].hash).ok


def test_verification_can_start_after_a_known_event() -> None:
    chain = build_chain(4)
    assert verify_chain(chain[2:], start_hash=chain[1].hash).ok
    assert not verify_chain(chain[2:]).ok


@settings(max_examples=200, deadline=None)
@given(
    index=st.integers(0, 3),
    field=st.sampled_from(["actor", "action", "entity", "case_reference", "hash", "prev_hash"]),
    position=st.integers(0, 200),
    replacement=st.characters(codec="utf-8"),
)
def test_any_single_character_change_is_detected(
    index: int, field: str, position: int, replacement: str
) -> None:
    chain = build_chain(4)
    target = chain[index]
    original = getattr(target, field) if field in ("hash", "prev_hash") else getattr(target.data, field)
    position %= len(original)
    if original[position] == replacement:
        return
    changed = original[:position] + replacement + original[position + 1 :]
    if field in ("hash", "prev_hash"):
        chain[index] = replace(target, **{field: changed})
    else:
        chain[index] = replace(target, data=replace(target.data, **{field: changed}))
    result = verify_chain(chain)
    assert not result.ok
    # Changing an event's own hash is seen at the event itself; the next link then breaks as well.
    assert result.first_broken_id == target.id


@given(
    details=st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=5)), max_size=4)
)
def test_canonical_bytes_do_not_depend_on_key_order(details: dict[str, object]) -> None:
    reversed_details = dict(reversed(list(details.items())))
    assert canonical_event_bytes(event(1, after=details)) == canonical_event_bytes(
        event(1, after=reversed_details)
    )
