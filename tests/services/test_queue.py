"""The queue's pages: every sort order in both directions gives exactly the order the queue has always
promised (cases without a due date last, ties by id), page by page and deep, on SQLite and PostgreSQL;
on SQLite each order of the open cases is read from an index, never sorted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select, update

from privdesk.domain.errors import ValidationError
from privdesk.domain.types import OPEN_STATUSES
from privdesk.paths import resource
from privdesk.services.bulk import bulk_cases
from privdesk.services.dto import CaseFilter
from privdesk.services.hub import Services
from privdesk.services.queue import SORT_KEYS
from privdesk.store.models import OPEN_STATUS_VALUES, Case, Organization
from tests.conftest import database_target, fixed_now, sqlite_only

CASES = 240


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Three organizations whose slug order is not their id order; open cases without a due date and
    many ties, in every sorted column. Built once: the tests only read."""
    target = database_target(tmp_path_factory.mktemp("queue"), per_test=False)
    services = Services.open(target, actor="tester", now=fixed_now)
    for slug in ("mstis", "coverys", "lossexpress"):
        services.organizations.import_profile_file(resource("demo", f"{slug}.toml"))
    bulk_cases(services.ctx, CASES)
    shared_due = dt.date(2026, 12, 1)
    with services.ctx.db.write() as s:
        open_cases = select(Case.id).where(Case.status.in_(OPEN_STATUS_VALUES)).order_by(Case.id)
        open_ids = list(s.scalars(open_cases))
        s.execute(update(Case).where(Case.id.in_(open_ids[::7])).values(next_due_on=None))
        s.execute(update(Case).where(Case.id.in_(open_ids[1::5])).values(next_due_on=shared_due))
        s.execute(update(Case).where(Case.id.in_(open_ids[2::6])).values(consumer_name="Ana Ortiz"))
    services.db.optimize()  # the statistics privdesk keeps up to date at every start
    yield services
    services.close()


def expected_ids(svc: Services, filters: CaseFilter, sort: str, descending: bool) -> list[int]:
    """The queue's order written out plainly: one ORDER BY over every matching case."""

    def directed(column: Any) -> Any:
        return column.desc() if descending else column.asc()

    key = {
        "reference": Case.id,
        "organization": Organization.slug,
        "consumer": Case.consumer_name,
        "jurisdiction": Case.jurisdiction,
        "channel": Case.channel,
        "received": Case.received_on,
        "status": Case.status,
        "due": Case.next_due_on,
    }[sort]
    order = [directed(key), directed(Case.id)]
    if sort == "due":
        order.insert(0, Case.next_due_on.is_(None))
    query = select(Case.id).join(Organization, Organization.id == Case.organization_id).order_by(*order)
    if filters.open_only:
        query = query.where(Case.status.in_(OPEN_STATUS_VALUES))
    if filters.status:
        query = query.where(Case.status == filters.status)
    with svc.ctx.db.read() as s:
        return list(s.scalars(query))


def paged_ids(svc: Services, filters: CaseFilter, sort: str, descending: bool, size: int) -> list[int]:
    ids: list[int] = []
    while True:
        asked = CaseFilter(open_only=filters.open_only, status=filters.status, limit=size, offset=len(ids))
        rows = svc.queue.page(asked, sort, descending).rows
        ids += [r.id for r in rows]
        if len(rows) < size:
            return ids


def test_open_statuses_of_the_indexes_are_the_domains() -> None:
    assert sorted(OPEN_STATUS_VALUES) == sorted(s.value for s in OPEN_STATUSES)


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", SORT_KEYS)
def test_pages_of_open_cases_follow_the_order_across_missing_due_dates_and_ties(
    svc: Services, sort: str, descending: bool
) -> None:
    filters = CaseFilter(open_only=True)
    expected = expected_ids(svc, filters, sort, descending)
    assert len(expected) == svc.cases.count(filters) > 100
    # Pages of 7 start and end inside and at the edges of every segment (due dates, organizations).
    assert paged_ids(svc, filters, sort, descending, 7) == expected
    deep = svc.queue.page(CaseFilter(open_only=True, limit=20, offset=len(expected) - 12), sort, descending)
    assert [r.id for r in deep.rows] == expected[-12:]
    everything = svc.queue.page(CaseFilter(open_only=True), sort, descending)
    assert [r.id for r in everything.rows] == expected


@pytest.mark.parametrize("sort", ["due", "organization", "status", "consumer"])
def test_all_cases_and_one_status_keep_the_same_order(svc: Services, sort: str) -> None:
    for filters in (CaseFilter(), CaseFilter(status="received"), CaseFilter(status="closed")):
        for descending in (False, True):
            expected = expected_ids(svc, filters, sort, descending)
            assert expected, filters
            assert paged_ids(svc, filters, sort, descending, 11) == expected


def test_due_order_puts_cases_without_a_due_date_last_both_ways(svc: Services) -> None:
    for descending in (False, True):
        rows = svc.queue.page(CaseFilter(open_only=True), "due", descending).rows
        dues = [r.next_due_on for r in rows]
        undated = dues.index(None)
        assert all(d is None for d in dues[undated:]) and all(d is not None for d in dues[:undated])
        dated = [d for d in dues if d is not None]
        assert dated == sorted(dated, reverse=descending)


def test_a_page_past_the_end_is_empty_and_an_unknown_sort_is_refused(svc: Services) -> None:
    for sort in ("due", "organization", "consumer"):
        assert svc.queue.page(CaseFilter(open_only=True, limit=50, offset=CASES), sort).rows == []
    with pytest.raises(ValidationError, match="cannot sort by"):
        svc.queue.page(CaseFilter(open_only=True, limit=10), "colour")


@pytest.fixture
def sqlite_plans(svc: Services) -> Iterator[list[str]]:
    """The SQLite plan of every statement over the cases table choosing a page's ids."""
    plans: list[str] = []

    def explain(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if statement.startswith("SELECT cases.id \nFROM cases"):
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
            plans.append(" / ".join(row[-1] for row in rows))

    engines = {svc.ctx.db.engine}
    for engine in engines:
        event.listen(engine, "after_cursor_execute", explain)
    yield plans
    for engine in engines:
        event.remove(engine, "after_cursor_execute", explain)


@sqlite_only("the plan is SQLite's; PostgreSQL's planner weighs its own statistics")
@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_every_order_of_open_cases_walks_an_index(
    svc: Services, sqlite_plans: list[str], descending: bool
) -> None:
    for sort in SORT_KEYS:
        sqlite_plans.clear()
        svc.queue.page(CaseFilter(open_only=True, limit=20, offset=150), sort, descending)
        assert sqlite_plans, sort
        for plan in sqlite_plans:
            assert "TEMP B-TREE" not in plan, (sort, plan)
            if sort != "reference":  # the table itself is in id order
                assert "ix_cases_open_" in plan, (sort, plan)
