"""Two workstations on one database: unique references, no lost update, an intact audit chain."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import select

from privdesk.domain.errors import ConflictError
from privdesk.services.cases import NewCase
from privdesk.services.dto import CaseFilter
from privdesk.services.hub import Services
from privdesk.store.models import Case, Task
from tests.conftest import TODAY
from tests.postgres.conftest import load_organizations

CASES_PER_CLIENT = 50


def _new_case(client: str, n: int) -> NewCase:
    return NewCase(
        organization="mstis",
        jurisdiction="US-CA",
        types=["delete"],
        channel="email",
        received=dt.date(2026, 11, 2),
        name=f"Person {client}{n}",
        email=f"p{client}{n}@example.com",
    )


def _in_lockstep(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs in threads released together; return results or the exceptions they raised."""
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], Any]) -> Any:
        start.wait()
        try:
            return job()
        except Exception as exc:  # collected and asserted by the caller
            return exc

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_concurrent_creation_gives_unique_gap_free_references(
    shared_target: str, open_client: Callable[..., Services]
) -> None:
    first = open_client(shared_target, actor="alice")
    load_organizations(first)
    second = open_client(shared_target, actor="bob")

    def create_all(svc: Services, client: str) -> Callable[[], list[str]]:
        return lambda: [svc.cases.create(_new_case(client, n)).reference for n in range(CASES_PER_CLIENT)]

    results = _in_lockstep(create_all(first, "a"), create_all(second, "b"))
    for result in results:
        assert isinstance(result, list), result
    references = results[0] + results[1]
    assert len(set(references)) == 2 * CASES_PER_CLIENT
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in references)
    assert numbers == list(range(1, 2 * CASES_PER_CLIENT + 1))
    assert all(ref.startswith(f"PD-{TODAY.year}-") for ref in references)
    # Each client's own references come out in increasing order.
    for result in results:
        assert result == sorted(result)
    assert first.cases.count(CaseFilter()) == 2 * CASES_PER_CLIENT
    report = second.audit.verify()
    assert report.ok, report.reason
    assert report.checked >= 2 * CASES_PER_CLIENT + 3


def test_first_reference_of_a_year_under_contention(
    shared_target: str, open_client: Callable[..., Services]
) -> None:
    """The year's counter row does not exist yet when both clients ask for a number."""
    clients = [open_client(shared_target, actor=f"officer{i}") for i in range(2)]
    load_organizations(clients[0])
    results = _in_lockstep(
        *[
            (lambda svc=svc, i=i: svc.cases.create(_new_case(f"c{i}", 0)).reference)
            for i, svc in enumerate(clients)
        ]
    )
    assert sorted(results) == [f"PD-{TODAY.year}-000001", f"PD-{TODAY.year}-000002"], results


def test_same_case_same_version_one_edit_wins(
    shared_target: str, open_client: Callable[..., Services]
) -> None:
    first = open_client(shared_target, actor="alice")
    load_organizations(first)
    second = open_client(shared_target, actor="bob")
    for round_ in range(3):
        case = first.cases.create(_new_case("x", round_))
        ref, version = case.reference, case.version
        assert second.cases.show(case.reference).version == case.version

        results = _in_lockstep(
            lambda ref=ref, version=version: first.workflow.acknowledge(
                ref, TODAY, "email", expected_version=version
            ),
            lambda ref=ref, version=version: second.workflow.extend(
                ref, TODAY, "records held by a vendor", expected_version=version
            ),
        )
        winners = [r for r in results if not isinstance(r, Exception)]
        losers = [r for r in results if isinstance(r, Exception)]
        assert len(winners) == 1, results
        assert len(losers) == 1 and isinstance(losers[0], ConflictError), results
        final = first.cases.show(case.reference)
        assert final.version == winners[0].version
        item = final.items[0]
        if winners[0].items[0].acknowledged_on is not None:
            assert item.acknowledged_on == TODAY and item.extended_on is None
        else:
            assert item.extended_on == TODAY and item.acknowledged_on is None
    report = first.audit.verify()
    assert report.ok, report.reason


def test_stale_version_is_refused_after_the_other_edit(
    shared_target: str, open_client: Callable[..., Services]
) -> None:
    first = open_client(shared_target)
    load_organizations(first)
    second = open_client(shared_target)
    case = first.cases.create(_new_case("s", 0))
    second.workflow.acknowledge(case.reference, TODAY, "email", expected_version=case.version)
    with pytest.raises(ConflictError, match="changed by someone else"):
        first.workflow.extend(case.reference, TODAY, "vendor", expected_version=case.version)


def test_two_officers_completing_the_same_task_complete_it_once(
    shared_target: str, open_client: Callable[..., Services]
) -> None:
    """Tasks are not processed in batch, so they need no claims: one versioned update decides."""
    first = open_client(shared_target, actor="alice")
    load_organizations(first)
    second = open_client(shared_target, actor="bob")
    for round_ in range(3):
        case = first.cases.create(_new_case("t", round_))
        with first.db.read() as s:
            task_id = s.scalars(
                select(Task.id).join(Case, Case.id == Task.case_id).where(Case.reference == case.reference)
            ).first()
        assert task_id is not None
        results = _in_lockstep(
            *[(lambda svc=svc, task=task_id: svc.notes.complete_task(task)) for svc in (first, second)]
        )
        assert [r for r in results if not isinstance(r, Exception)] == [TODAY], results
        assert [type(r) for r in results if isinstance(r, Exception)] == [ConflictError], results
        completed = [
            e for e in first.audit.entries() if e.action == "task.completed" and e.entity_id == str(task_id)
        ]
        assert len(completed) == 1
    assert first.audit.verify().ok
