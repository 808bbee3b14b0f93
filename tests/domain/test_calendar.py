"""Business calendars: the California §6700/§6701 list, counting, month arithmetic, roll-forward."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privdesk.domain.calendar import BusinessCalendar, HolidaySpec, add_months, easter_sunday
from privdesk.domain.errors import ValidationError
from privdesk.domain.rules import load_rulebook

# Gov. Code §6700(a) with the §6701 shifts, written out by hand from the statute's list (Diwali from
# 2026, AB 268).
CA_HOLIDAYS = {
    2025: [
        "2025-01-01", "2025-01-20", "2025-01-29", "2025-02-12", "2025-02-17", "2025-03-31", "2025-04-24",
        "2025-05-26", "2025-06-19", "2025-07-04", "2025-09-01", "2025-09-09", "2025-09-26", "2025-10-13",
        "2025-11-11", "2025-11-27", "2025-12-25",
    ],
    2026: [
        "2026-01-01", "2026-01-19", "2026-02-12", "2026-02-16", "2026-02-17", "2026-03-31", "2026-04-24",
        "2026-05-25", "2026-06-19", "2026-07-04", "2026-09-07", "2026-09-09", "2026-09-25", "2026-10-12",
        "2026-11-08", "2026-11-11", "2026-11-26", "2026-12-25",
    ],
    2027: [
        "2027-01-01", "2027-01-18", "2027-02-06", "2027-02-12", "2027-02-15", "2027-03-31", "2027-04-24",
        "2027-05-31", "2027-06-19", "2027-07-04", "2027-07-05", "2027-09-06", "2027-09-09", "2027-09-24",
        "2027-10-11", "2027-10-29", "2027-11-11", "2027-11-25", "2027-12-25",
    ],
}  # fmt: skip
CA_HOLIDAY_SET = {date.fromisoformat(d) for days in CA_HOLIDAYS.values() for d in days}

RULEBOOK = load_rulebook()
CA = RULEBOOK.calendar("US-CA")


@pytest.mark.parametrize("year", sorted(CA_HOLIDAYS))
def test_california_holidays_match_the_statute_list(year: int) -> None:
    assert sorted(d.isoformat() for d in CA.holidays(year)) == CA_HOLIDAYS[year]


def test_california_holiday_names_and_what_is_not_a_holiday() -> None:
    holidays = CA.holidays(2027)
    assert holidays[date(2027, 7, 5)] == "Independence Day (observed)"
    assert holidays[date(2027, 2, 6)] == "Lunar New Year"
    assert date(2025, 11, 28) not in CA.holidays(2025)  # day after Thanksgiving is not in §6700
    assert date(2025, 4, 18) not in CA.holidays(2025)  # Good Friday's half-day removes nothing
    assert date(2026, 7, 3) not in CA.holidays(2026)  # July 4 on a Saturday gets no Friday in California


def test_veterans_day_on_saturday_moves_to_the_friday_before() -> None:
    holidays = CA.holidays(2028)
    assert date(2028, 11, 10) in holidays and date(2028, 11, 11) in holidays
    assert date(2028, 1, 26) in holidays  # Lunar New Year 2028


def test_years_without_holiday_data_are_refused() -> None:
    with pytest.raises(ValidationError, match="2032"):
        CA.holidays(2032)


def test_business_days_skip_weekends_and_holidays() -> None:
    assert CA.add_business_days(date(2025, 9, 2), 10) == date(2025, 9, 17)  # Admission Day skipped
    assert CA.add_business_days(date(2025, 12, 24), 15) == date(2026, 1, 16)
    assert CA.add_business_days(date(2025, 9, 2), 0) == date(2025, 9, 2)
    assert not CA.is_business_day(date(2025, 9, 9))
    assert not CA.is_business_day(date(2025, 9, 6))
    assert CA.is_business_day(date(2025, 9, 10))


def test_saturdays_count_only_when_asked() -> None:
    saturdays = CA.with_saturdays(True)
    assert saturdays.is_business_day(date(2025, 9, 6))
    assert not saturdays.is_business_day(date(2027, 4, 24))  # a Saturday holiday stays a holiday
    assert not saturdays.is_business_day(date(2025, 9, 7))
    assert saturdays.add_business_days(date(2025, 9, 2), 10) == date(2025, 9, 15)


def test_california_roll_forward_skips_sundays_and_holidays_but_not_saturdays() -> None:
    assert CA.roll_forward(date(2025, 10, 18)) == date(2025, 10, 18)  # plain Saturday
    assert CA.roll_forward(date(2025, 10, 19)) == date(2025, 10, 20)  # Sunday
    assert CA.roll_forward(date(2026, 7, 4)) == date(2026, 7, 6)  # Saturday holiday, then Sunday
    assert CA.roll_forward(date(2027, 7, 4)) == date(2027, 7, 6)  # Sunday, then observed Monday


def test_gdpr_roll_forward_skips_weekends_and_gb_bank_holidays() -> None:
    eu = RULEBOOK.calendar("EU")
    assert eu.roll_forward(date(2025, 5, 10)) == date(2025, 5, 12)
    gb = RULEBOOK.calendar("GB")
    assert gb.roll_forward(date(2025, 4, 18)) == date(2025, 4, 22)  # Good Friday, weekend, Easter Monday
    assert sorted(gb.holidays(2027))[-2:] == [date(2027, 12, 27), date(2027, 12, 28)]


def test_easter() -> None:
    assert [easter_sunday(y) for y in (2025, 2026, 2027, 2028)] == [
        date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28), date(2028, 4, 16),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-03-10", 1, "2025-04-10"),
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-01-31", 3, "2025-04-30"),
        ("2025-11-30", 3, "2026-02-28"),
        ("2025-12-15", 1, "2026-01-15"),
        ("2026-03-10", -12, "2025-03-10"),
    ],
)
def test_add_months_gdpr_semantics(start: str, months: int, expected: str) -> None:
    assert add_months(date.fromisoformat(start), months) == date.fromisoformat(expected)


def test_empty_calendar_is_monday_to_friday() -> None:
    plain = BusinessCalendar(HolidaySpec())
    assert plain.add_business_days(date(2025, 1, 3), 1) == date(2025, 1, 6)
    assert plain.holidays(2025) == {}


dates = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31))


@given(dates, st.integers(min_value=1, max_value=28))
def test_add_months_keeps_the_day_or_ends_the_month(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    if result.day != start.day:
        assert result.day < start.day and (result + timedelta(days=1)).day == 1


@given(dates, st.integers(min_value=1, max_value=30), st.booleans())
def test_business_day_count_lands_on_a_business_day(start: date, days: int, saturdays: bool) -> None:
    cal = CA.with_saturdays(saturdays)
    due = cal.add_business_days(start, days)
    assert due > start and cal.is_business_day(due)
    between = [start + timedelta(n) for n in range(1, (due - start).days + 1)]
    assert sum(cal.is_business_day(d) for d in between) == days


@given(dates)
def test_roll_forward_is_not_earlier_and_lands_on_a_working_day(day: date) -> None:
    rolled = CA.roll_forward(day)
    assert rolled >= day and rolled.weekday() != 6 and not CA.is_holiday(rolled)
    assert all(
        d.weekday() == 6 or CA.is_holiday(d) for d in (day + timedelta(n) for n in range((rolled - day).days))
    )


def test_independent_brute_force_of_california_business_days() -> None:
    """Count business days from scratch with the hand-written list for every day 2025-01-01..2027-06-30."""
    day = date(2025, 1, 1)
    while day <= date(2027, 6, 30):
        for days in (10, 15):
            current, counted = day, 0
            while counted < days:
                current += timedelta(days=1)
                if current.weekday() < 5 and current not in CA_HOLIDAY_SET:
                    counted += 1
            assert CA.add_business_days(day, days) == current, (day, days)
        day += timedelta(days=1)
