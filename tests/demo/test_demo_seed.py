"""The seeded demo looks like an ordinary working day: a few cases due today and this week, one or two a
few days late, most on time, and a year of closed history."""

from __future__ import annotations

import datetime as dt

from privdesk.services.dto import CaseFilter
from privdesk.services.hub import Services


def test_seeded_demo_is_todays_desk(demo_services: Services) -> None:
    today = demo_services.ctx.today()
    rows = demo_services.cases.list(CaseFilter(open_only=True))
    due = [(r.next_due_on - today).days for r in rows if r.next_due_on is not None]
    late = [d for d in due if d < 0]
    assert 1 <= len(late) <= 3, due
    assert min(late) >= -7, "late cases are a few days late, not months"
    assert sum(1 for d in due if d == 0) >= 1, due
    assert sum(1 for d in due if 0 <= d <= 6) >= 4, due
    assert sum(1 for d in due if d > 6) > len(late), "most cases are on time"
    summary = demo_services.dashboard.summary()
    assert summary.overdue == len(late)


def test_seeded_demo_has_a_year_of_closed_history(demo_services: Services) -> None:
    today = demo_services.ctx.today()
    closed = demo_services.cases.list(CaseFilter(status="closed"))
    oldest = min(r.received_on for r in closed)
    assert today - oldest >= dt.timedelta(days=330)
    months = {(r.received_on.year, r.received_on.month) for r in closed}
    assert len(months) >= 10
