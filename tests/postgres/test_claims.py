"""The morning batch on two workstations: every queued letter is claimed exactly once, and the claims
of a workstation that crashed mid-batch expire and are taken over, audited."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, update

from privdesk.domain.errors import TransitionRefused, ValidationError
from privdesk.services import claims
from privdesk.services.claims import (
    DEFAULT_TIMEOUT,
    claim_letters,
    claim_timeout,
    claimed_by,
    release_letters,
    renew_claims,
    set_claim_timeout,
)
from privdesk.services.hub import Services
from privdesk.store.models import Case, Letter
from tests.conftest import demo_target, fixed_now
from tests.postgres.conftest import load_organizations
from tests.postgres.test_concurrency import _new_case

LETTERS = 120


def _queue_letters(svc: Services, count: int) -> None:
    case = svc.cases.create(_new_case("l", 0))
    with svc.db.write() as s:
        case_id = s.scalar(select(Case.id).where(Case.reference == case.reference))
        s.add_all(
            Letter(case_id=case_id, kind="acknowledgement", status="queued", template_ref="acknowledgement")
            for _ in range(count)
        )
        s.add(Letter(case_id=case_id, kind="acknowledgement", status="sent", template_ref="acknowledgement"))


def test_two_workers_never_claim_the_same_letter(
    shared_target: str, open_client: Callable[..., Services]
) -> None:
    first = open_client(shared_target)
    load_organizations(first)
    _queue_letters(first, LETTERS)
    second = open_client(shared_target)
    got: dict[str, list[int]] = {"ws1": [], "ws2": []}
    start = threading.Barrier(2)

    def batch(svc: Services, worker: str) -> None:
        start.wait()
        while ids := claim_letters(svc.ctx, worker, 7):
            got[worker].extend(ids)

    threads = [threading.Thread(target=batch, args=a) for a in ((first, "ws1"), (second, "ws2"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = got["ws1"] + got["ws2"]
    assert len(everything) == LETTERS  # the sent letter is never claimed
    assert len(set(everything)) == LETTERS
    # Which worker gets how many depends on thread scheduling (on SQLite one may take them all);
    # what matters is that no letter is claimed twice and none is lost.
    assert claimed_by(first.db, "ws1") == sorted(got["ws1"])
    with first.db.read() as s:
        versions = set(s.scalars(select(Letter.version).where(Letter.claimed_by.is_not(None))))
    assert versions == {2}  # each claim bumped the version once: stale edits of a claimed letter fail


def test_release_gives_letters_back(shared_target: str, open_client: Callable[..., Services]) -> None:
    svc = open_client(shared_target)
    load_organizations(svc)
    _queue_letters(svc, 5)
    ids = claim_letters(svc.ctx, "ws1", 3)
    assert len(ids) == 3
    assert claim_letters(svc.ctx, "ws2", 10) == sorted(set(range(ids[0], ids[0] + 5)) - set(ids))
    assert release_letters(svc.db, "ws1", ids[:1]) == 1
    assert claim_letters(svc.ctx, "ws2", 10) == ids[:1]
    assert release_letters(svc.db, "ws1") == 2
    assert claimed_by(svc.db, "ws1") == []
    assert claim_letters(svc.ctx, "ws3", 0) == []


def _later(svc: Services, minutes: float) -> Services:
    """The same client, its clock ``minutes`` after the tests' fixed time."""
    svc.ctx.now = lambda: fixed_now() + dt.timedelta(minutes=minutes)
    return svc


def _takeovers(svc: Services) -> list[tuple[str, str]]:
    entries = [e for e in svc.audit.entries() if e.action == "letter.claim_taken_over"]
    return [(str((e.before or {})["claimed_by"]), str((e.after or {})["claimed_by"])) for e in entries]


def test_a_crashed_workers_claims_expire_and_are_taken_over(
    shared_target: str, open_client: Callable[..., Services]
) -> None:
    crashed = open_client(shared_target, actor="ana")
    load_organizations(crashed)
    _queue_letters(crashed, 5)
    held = claim_letters(crashed.ctx, "ws-crashed", 5)
    assert len(held) == 5
    other = open_client(shared_target, actor="ben")

    assert claim_letters(_later(other, 29).ctx, "ws2", 10) == []  # still within the timeout
    assert claim_letters(_later(other, 31).ctx, "ws2", 10) == held
    assert claimed_by(other.db, "ws2") == held and claimed_by(other.db, "ws-crashed") == []
    assert _takeovers(other) == [("ws-crashed", "ws2")] * 5
    entry = next(e for e in other.audit.entries() if e.action == "letter.claim_taken_over")
    assert entry.actor == "ben" and entry.case_reference is not None
    assert (entry.before or {})["claimed_at"] == fixed_now().isoformat()
    assert other.audit.verify().ok
    # A live claim is never taken over, whoever asks, and the crashed worker has nothing to give back.
    assert claim_letters(_later(crashed, 40).ctx, "ws3", 10) == []
    assert release_letters(crashed.db, "ws-crashed") == 0
    with other.db.read() as s:
        assert set(s.scalars(select(Letter.version).where(Letter.id.in_(held)))) == {3}


def test_two_workers_take_over_a_crashed_batch_without_sharing_a_letter(
    shared_target: str, open_client: Callable[..., Services]
) -> None:
    crashed = open_client(shared_target)
    load_organizations(crashed)
    _queue_letters(crashed, 60)
    assert len(claim_letters(crashed.ctx, "ws-crashed", 1000)) == 60
    workers = {"ws1": _later(open_client(shared_target), 45), "ws2": _later(open_client(shared_target), 45)}
    got: dict[str, list[int]] = {"ws1": [], "ws2": []}
    start = threading.Barrier(2)

    def batch(worker: str) -> None:
        start.wait()
        while ids := claim_letters(workers[worker].ctx, worker, 7):
            got[worker].extend(ids)

    threads = [threading.Thread(target=batch, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = got["ws1"] + got["ws2"]
    assert len(everything) == len(set(everything)) == 60
    takeovers = _takeovers(workers["ws1"])
    assert len(takeovers) == 60 and {before for before, _ in takeovers} == {"ws-crashed"}
    assert sorted(after for _, after in takeovers) == sorted(
        ["ws1"] * len(got["ws1"]) + ["ws2"] * len(got["ws2"])
    )
    assert workers["ws1"].audit.verify().ok


def test_the_claim_timeout_is_a_shared_audited_setting(
    shared_target: str, open_client: Callable[..., Services]
) -> None:
    admin = open_client(shared_target, actor="ana")
    load_organizations(admin)
    _queue_letters(admin, 2)
    assert claim_timeout(admin.db) == DEFAULT_TIMEOUT
    with pytest.raises(ValidationError):
        set_claim_timeout(admin.ctx, 0)
    set_claim_timeout(admin.ctx, 5)
    other = open_client(shared_target)
    assert claim_timeout(other.db) == dt.timedelta(minutes=5)
    changed = [e for e in admin.audit.entries() if e.action == "setting.changed"]
    assert [(e.entity_id, e.before, e.after) for e in changed] == [
        ("letters.claim_timeout_minutes", {"value": 30}, {"value": 5})
    ]
    held = claim_letters(admin.ctx, "ws1", 2)
    assert claim_letters(_later(other, 4).ctx, "ws2", 2) == []
    assert claim_letters(_later(other, 6).ctx, "ws2", 2) == held


def _keep_two_queued(svc: Services) -> list[int]:
    """A short print run: two letters are enough, both mailable (a postal address, an acknowledgement),
    so the batch's pre-flight holds neither back."""
    from privdesk.store.models import Consumer

    with svc.db.read() as s:
        mailable = s.scalars(
            select(Letter.id)
            .join(Case, Case.id == Letter.case_id)
            .join(Consumer, Consumer.id == Case.consumer_id)
            .where(Letter.status == "queued", Letter.kind == "acknowledgement", Consumer.postal_address != "")
            .order_by(Letter.id)
        ).all()
    queued = sorted(mailable)[:2]
    assert len(queued) == 2
    with svc.db.write() as s:
        s.execute(
            update(Letter)
            .where(Letter.id.not_in(queued), Letter.status.in_(("queued", "generated")))
            .values(status="void")
        )
    return queued


def test_a_slow_print_run_whose_letters_were_taken_over_prints_nothing(
    demo_template: Path, tmp_path: Path, open_client: Callable[..., Services]
) -> None:
    target = demo_target(demo_template, tmp_path)
    slow = open_client(target)
    queued = _keep_two_queued(slow)
    other = _later(open_client(target), 31)
    taken: list[int] = []

    def progress(done: int, total: int) -> None:
        if not taken:  # the slow run is still rendering when its claims expire
            taken.extend(claim_letters(other.ctx, "ws-other", 1000, ("queued", "generated")))

    out = tmp_path / "out"
    with pytest.raises(TransitionRefused, match="changed during the print run"):
        slow.letters.batch(fixed_now().date(), out, progress, worker_id="ws-slow")
    assert taken == queued
    assert not out.exists() or list(out.iterdir()) == []
    assert {x.status for x in slow.letters.outbox() if x.id in queued} == {"queued"}
    # The slow run gave back only what it still held: the letters stay with the worker that took them.
    assert claimed_by(other.db, "ws-other") == sorted(taken)


def test_a_renewed_claim_is_not_taken_over(shared_target: str, open_client: Callable[..., Services]) -> None:
    holder = open_client(shared_target)
    load_organizations(holder)
    _queue_letters(holder, 3)
    held = claim_letters(holder.ctx, "ws1", 3)
    assert renew_claims(_later(holder, 20).ctx, "ws1") == 3
    other = open_client(shared_target)
    assert claim_letters(_later(other, 45).ctx, "ws2", 10) == []  # 25 minutes after the renewal
    assert claim_letters(_later(other, 51).ctx, "ws2", 10) == held
    assert renew_claims(holder.ctx, "ws1") == 0  # nothing left to renew: the run has to stop


def test_a_long_print_run_keeps_its_claims_alive(
    demo_template: Path, tmp_path: Path, open_client: Callable[..., Services], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = demo_target(demo_template, tmp_path)
    slow = open_client(target)
    queued = _keep_two_queued(slow)
    other = _later(open_client(target), 31)
    ticks = iter(range(0, 10_000, 700))  # each reading of the clock is 700 s after the one before
    monkeypatch.setattr(claims, "_clock", lambda: float(next(ticks)))
    taken: list[int] = []

    def progress(done: int, total: int) -> None:
        if done == 1:
            _later(slow, 20)  # the run has been rendering for 20 minutes; it renews after this letter
        elif done == 2:
            taken.extend(claim_letters(other.ctx, "ws-other", 1000, ("queued", "generated")))

    summary = slow.letters.batch(fixed_now().date(), tmp_path / "out", progress, worker_id="ws-slow")
    assert taken == []
    held = [h.letter_id for h in (*summary.held_back, *summary.no_address)]
    assert sorted([*summary.letter_ids, *held]) == queued and summary.letter_ids
    printed = set(summary.letter_ids)
    assert {x.status for x in slow.letters.outbox() if x.id in printed} == {"generated"}  # until confirmed
