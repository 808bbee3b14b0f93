"""The rule files' holiday calendars checked against a kept calendar library (``holidays``, MIT).

The library's own US-CA calendar is not the Gov. Code §6700 list (LEGAL.md): it is used here for the
moving dates only (Diwali, the nth-weekday days, Thanksgiving), and its Singapore calendar for the
date of Lunar New Year. The England and Wales bank holidays are compared whole.
"""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from privdesk.domain.rules import load_rulebook

RULEBOOK = load_rulebook()
CA = RULEBOOK.calendar("US-CA")
GB = RULEBOOK.calendar("GB")
YEARS = range(2025, 2032)  # every receipt day to 2030-12-31 needs the next year for its outside dates


def _named(calendar: dict[date, str], *names: str) -> set[date]:
    return {day for day, name in calendar.items() if any(n in name for n in names) and "observed" not in name}


@pytest.mark.parametrize("year", YEARS)
def test_diwali_from_2026_matches_the_library(year: int) -> None:
    ours = _named(CA.holidays(year), "Diwali")
    library = _named(dict(holidays.US(subdiv="CA", years=year)), "Diwali")
    assert ours == library
    assert (len(ours) == 1) == (year >= 2026)  # AB 268 applies from 2026-01-01


def test_diwali_dates_named_by_the_audit() -> None:
    diwali = {d for y in (2026, 2027, 2028) for d in _named(CA.holidays(y), "Diwali")}
    assert diwali == {date(2026, 11, 8), date(2027, 10, 29), date(2028, 10, 17)}
    assert date(2026, 11, 9) not in CA.holidays(2026)  # a Sunday Diwali moves nothing (§6701)


@pytest.mark.parametrize("year", YEARS)
def test_lunar_new_year_matches_the_library(year: int) -> None:
    library = min(_named(dict(holidays.country_holidays("SG", years=year)), "Chinese New Year"))
    assert _named(CA.holidays(year), "Lunar New Year") == {library}


@pytest.mark.parametrize("year", YEARS)
def test_moving_weekday_holidays_match_the_library(year: int) -> None:
    federal = dict(holidays.US(years=year))
    for name in ("Martin Luther King", "Memorial Day", "Labor Day", "Columbus Day", "Thanksgiving"):
        ours = _named(CA.holidays(year), name)
        assert ours == _named(federal, name), (year, name)
    assert _named(CA.holidays(year), "Washington Day") == _named(federal, "Washington's Birthday")


@pytest.mark.parametrize("year", YEARS)
def test_business_days_around_diwali(year: int) -> None:
    (diwali,) = _named(CA.holidays(max(year, 2026)), "Diwali")
    if diwali.weekday() < 5:
        assert not CA.is_business_day(diwali)


def test_deadlines_around_diwali_are_one_day_later_than_without_it() -> None:
    # Received Monday 2027-10-18: Friday 2027-10-29 (Diwali) is skipped, so the tenth business day is
    # Tuesday 2027-11-02, not Monday 2027-11-01 as before AB 268.
    d = RULEBOOK.deadlines("US-CA", "delete", date(2027, 10, 18), today=date(2030, 1, 1))
    assert d.acknowledge_by == date(2027, 11, 2)
    # 15 business days from Monday 2028-10-02 skip Columbus Day (10-09) and Diwali (10-17).
    opt_out = RULEBOOK.deadlines("US-CA", "opt_out_sale_share", date(2028, 10, 2), today=date(2030, 1, 1))
    assert opt_out.respond_by == date(2028, 10, 25)


@pytest.mark.parametrize("year", range(2024, 2032))
def test_england_and_wales_bank_holidays_match_the_library(year: int) -> None:
    library = set(holidays.UK(subdiv="ENG", years=year))
    assert set(GB.holidays(year)) == library, year


def test_receipts_to_the_end_of_2030_have_dates() -> None:
    late = RULEBOOK.deadlines("US-CA", "delete", date(2030, 12, 31), today=date(2031, 1, 1))
    assert late.extended_respond_by == date(2031, 3, 31)
    assert late.extended_outside_by == date(2031, 4, 1)  # 2031-03-31 is Cesar Chavez Day
    assert RULEBOOK.deadlines("GB", "know", date(2030, 12, 31), today=date(2031, 1, 1)).extended_outside_by
