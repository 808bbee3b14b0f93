"""The morning batch on two workstations: every queued letter is claimed exactly once."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import select

from privdesk.services.claims import claim_letters, claimed_by, release_letters
from privdesk.services.hub import Services
from privdesk.store.models import Case, Letter
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
        while ids := claim_letters(svc.db, worker, 7):
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
    ids = claim_letters(svc.db, "ws1", 3)
    assert len(ids) == 3
    assert claim_letters(svc.db, "ws2", 10) == sorted(set(range(ids[0], ids[0] + 5)) - set(ids))
    assert release_letters(svc.db, "ws1", ids[:1]) == 1
    assert claim_letters(svc.db, "ws2", 10) == ids[:1]
    assert release_letters(svc.db, "ws1") == 2
    assert claimed_by(svc.db, "ws1") == []
    assert claim_letters(svc.db, "ws3", 0) == []
