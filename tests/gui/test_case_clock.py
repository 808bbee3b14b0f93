"""The case view's clocks: a stopped UK clock shows the days left, an unconfirmed rule says [U]."""

from __future__ import annotations

import datetime as dt
from typing import Any

from privdesk.services.cases import NewCase
from privdesk.ui.main_window import MainWindow


def _clock_text(view: Any, name: str) -> str:
    clock = view.findChild(type(view.title), name)  # rebuilt on every redraw: look it up each time
    return clock.text() if clock is not None else ""


def test_paused_uk_clock_and_unconfirmed_values(qtbot: Any, window: MainWindow) -> None:
    services = window.services
    assert services is not None
    case = services.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction="GB",
            types=["know_specific"],
            channel="email",
            received=dt.date(2026, 9, 1),
            name="Harriet Lane",
            email="harriet.lane@example.org",
        )
    )
    services.clock.set_relevant_time(case.reference, "know_specific", dt.date(2026, 9, 8))
    services.clock.pause(case.reference, "know_specific", dt.date(2026, 9, 15))

    window.open_case(case.reference)
    view = window.cases_page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    text = _clock_text(view, "clock_know_specific_respond_by")
    # One month from the relevant time (2026-10-08) less 2026-09-15: 23 days left when it restarts.
    assert text == "Respond by: clock paused since 2026-09-15; 23 days left when it restarts"
    assert "OVERDUE" not in text
    tip = view.findChild(type(view.title), "clock_know_specific_respond_by").toolTip()
    assert "relevant time" in tip and "clarification" in tip

    services.clock.resume(case.reference, "know_specific", dt.date(2026, 9, 22))
    view.reload()
    name = "clock_know_specific_respond_by"
    qtbot.waitUntil(lambda: "2026-10-15" in _clock_text(view, name), timeout=10_000)
    # The UK month is tagged [U] in the rule file: the clock says so where the officer looks.
    text = _clock_text(view, name)
    assert text.startswith("[U] ") and "Respond by 2026-10-15" in text
    assert "unconfirmed" in view.findChild(type(view.title), "clock_know_specific_respond_by").toolTip()
