"""The deadlines calendar: valid iCalendar text with references and steps only."""

from __future__ import annotations

import datetime as dt

from privdesk.domain.ics import DeadlineEvent, calendar_text


def test_events_are_all_day_and_carry_the_reference_only() -> None:
    text = calendar_text(
        [DeadlineEvent("PD-2026-000046", dt.date(2026, 12, 31), "Respond: Shine the Light")],
        dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC),
    )
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "DTSTART;VALUE=DATE:20261231" in lines and "DTEND;VALUE=DATE:20270101" in lines
    assert "SUMMARY:PD-2026-000046: Respond: Shine the Light" in lines
    assert "UID:PD-2026-000046-20261231@privdesk" in lines


def test_long_lines_are_folded_and_commas_escaped() -> None:
    what = "Respond: " + ", ".join(["Right to know (specific pieces)"] * 4)
    text = calendar_text(
        [DeadlineEvent("PD-2026-000001", dt.date(2026, 1, 2), what)], dt.datetime.now(dt.UTC)
    )
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "\\, Right to know" in unfolded
