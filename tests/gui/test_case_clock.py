"""The case view's clocks: a stopped UK clock shows the days left, an unconfirmed rule says [U]."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt

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


def test_opt_out_processed_through_the_case_view(qtbot: Any, window: MainWindow, monkeypatch: Any) -> None:
    from privdesk.ui.dialogs import steps

    services = window.services
    assert services is not None
    case = services.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=["opt_out_sale_share", "delete"],
            channel="web",
            received=dt.date(2026, 11, 2),
            name="Dana Whitcomb",
            email="dana.whitcomb@example.org",
        )
    )
    window.open_case(case.reference)
    view = window.cases_page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    button = view.step_buttons["processed"]
    assert not button.isHidden()
    offered: list[list[str]] = []

    def ask(cls: Any, parent: Any, items: Any, today: dt.date) -> Any:
        dialog = cls(parent, items, today)  # the real dialog, filled in as the officer would
        offered.append([dialog.item.itemData(i) for i in range(dialog.item.count())])
        dialog.on.setDate(dt.date(2026, 11, 16))
        dialog.confirm.setChecked(False)
        return dialog.result_processed()

    monkeypatch.setattr(steps.ProcessedDialog, "ask", classmethod(ask))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    name = "clock_opt_out_sale_share_respond_by"
    qtbot.waitUntil(lambda: "processed 2026-11-16" in _clock_text(view, name), timeout=10_000)
    assert offered == [["opt_out_sale_share"]]  # the deletion is answered, not processed
    # [U]: California's business-day calendar rests on an unconfirmed reading (Civ. Code §9).
    assert _clock_text(view, name) == (
        "[U] Respond by 2026-11-24: processed 2026-11-16 (in time; confirmation owed)"
    )
    qtbot.waitUntil(lambda: button.isHidden(), timeout=10_000)
    stored = services.cases.show(case.reference).items[0]
    assert stored.processed_on == dt.date(2026, 11, 16)


def test_a_date_moved_by_an_unconfirmed_pause_says_so(qtbot: Any, window: MainWindow) -> None:
    services = window.services
    assert services is not None
    case = services.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction="US-IA",
            types=["delete"],
            channel="email",
            received=dt.date(2026, 10, 1),
            name="Harriet Lane",
            email="harriet.lane@example.org",
        )
    )
    name = "clock_delete_respond_by"
    window.open_case(case.reference)
    view = window.cases_page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    assert _clock_text(view, name) == "Respond by 2026-12-30 (40 days left)"  # Iowa's 90 days rest on [S]
    services.clock.pause(case.reference, "delete", dt.date(2026, 10, 5))
    services.clock.resume(case.reference, "delete", dt.date(2026, 10, 19))
    view.reload()
    qtbot.waitUntil(lambda: "2027-01-13" in _clock_text(view, name), timeout=10_000)
    assert _clock_text(view, name) == "[U] Respond by 2027-01-13 (54 days left)"
    tip = view.findChild(type(view.title), name).toolTip()
    assert "715D.3(2)(d)" in tip and "unconfirmed" in tip


def test_an_unconfirmed_appeal_period_is_marked_on_the_clock(qtbot: Any, window: MainWindow) -> None:
    """New Jersey's appeal decision period (45 days) was not read in the statute: [U] where it shows."""
    services = window.services
    assert services is not None
    case = services.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction="US-NJ",
            types=["appeal"],
            channel="email",
            received=dt.date(2026, 11, 10),
            name="Harriet Lane",
            email="harriet.lane@example.org",
        )
    )
    window.open_case(case.reference)
    view = window.cases_page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    name = "clock_appeal_respond_by"
    assert _clock_text(view, name) == "[U] Respond by 2026-12-25 (35 days left)"
    assert "unconfirmed in the law's text" in view.findChild(type(view.title), name).toolTip()


def test_the_clock_dialog_offers_what_the_law_allows_and_records_it(
    qtbot: Any, window: MainWindow, monkeypatch: Any
) -> None:
    from privdesk.ui.dialogs import steps

    services = window.services
    assert services is not None
    case = services.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction="US-IA",
            types=["delete"],
            channel="email",
            received=dt.date(2026, 10, 1),
            name="Harriet Lane",
            email="harriet.lane@example.org",
        )
    )
    window.open_case(case.reference)
    view = window.cases_page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    button = view.step_buttons["clock"]
    assert not button.isHidden()
    offered: list[list[str]] = []

    def ask(cls: Any, parent: Any, options: Any, today: dt.date) -> Any:
        dialog = cls(parent, options, today)  # the real dialog, filled in as the officer would
        offered.append([dialog.action.itemText(i) for i in range(dialog.action.count())])
        if dialog.action.count() == 1 and "runs again" in dialog.action.itemText(0):
            dialog.set_action("resume")
            dialog.on.setDate(dt.date(2026, 10, 19))
        else:
            dialog.set_action("pause", "authentication")
            dialog.on.setDate(dt.date(2026, 10, 5))
        return dialog.result_step()

    monkeypatch.setattr(steps.ClockDialog, "ask", classmethod(ask))
    name = "clock_delete_respond_by"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "clock paused since 2026-10-05" in _clock_text(view, name), timeout=10_000)
    # Iowa's clock cannot start late: only its one pause is offered.
    assert offered == [
        ["The clock stops: waiting for information reasonably necessary to authenticate the consumer and "
         "the request"]
    ]  # fmt: skip
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2027-01-13" in _clock_text(view, name), timeout=10_000)
    assert offered[1] == ["What was awaited arrived: the clock runs again (stopped 2026-10-05)"]
    assert [e.action for e in services.audit.entries(case.reference)][-2:] == [
        "case.clock_paused",
        "case.clock_resumed",
    ]
    # A California case has no such clock: no button.
    ca = services.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=["delete"],
            channel="email",
            received=dt.date(2026, 11, 2),
            name="Dana Whitcomb",
        )
    )
    window.open_case(ca.reference)
    ca_view = window.cases_page.current_case_view()
    assert ca_view is not None and ca_view is not view
    qtbot.waitUntil(lambda: ca_view.file is not None, timeout=10_000)
    assert ca_view.step_buttons["clock"].isHidden()
